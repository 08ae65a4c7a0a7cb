"""Parts of portal pages written in Python instead of a template per item: the messages of
a conversation, the page's longest list (apps/socialmap/presentation.py says why)."""

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext


def message_items(messages: list[dict], *, is_client: bool, client_name: str) -> SafeString:
    """`<li>` per message of selectors.thread_messages: who wrote it and when, whether the
    other side read what the reader sent, the text and its files. The last one is the
    page's `#newest`."""
    you, team = escape(gettext("You")), escape(gettext("Your team"))
    not_read = escape(gettext("not read yet"))
    client_name = escape(client_name)
    attachment_url = reverse("portal:message_attachment", kwargs={"pk": 0}).removesuffix("0/")
    # Month names once per page, not a localised date format per message.
    months = [""] + [str(MONTHS[number]) for number in range(1, 13)]
    read_on = gettext("read on %(date)s")
    items = []
    for number, message in enumerate(messages, start=1):
        mine = message["from_client"] == is_client
        if mine:
            who = you
        elif message["from_client"]:
            who = client_name
        else:
            who = escape(message["sender_name"]) or team
        sent = timezone.localtime(message["sent_at"])
        meta = (
            f'{who} \N{MIDDLE DOT} <time datetime="{sent.isoformat()}">'
            f"{sent.day} {months[sent.month]} {sent.year}, {sent:%H:%M}</time>"
        )
        if mine:
            read = not_read
            if message["read_at"]:
                seen = timezone.localtime(message["read_at"])
                read = escape(read_on % {"date": f"{seen.day} {months[seen.month]}, {seen:%H:%M}"})
            meta += f" \N{MIDDLE DOT} {read}"
        files = "".join(
            f'<li><a class="utrecht-link" href="{attachment_url}{attachment["id"]}/">'
            f"{escape(attachment['original_name'])}</a> "
            f'<span class="bk-muted">({escape(filesizeformat(attachment["size"]))})</span></li>'
            for attachment in message["files"]
        )
        classes = "bk-message bk-message--mine" if mine else "bk-message"
        newest = ' id="newest"' if number == len(messages) else ""
        items.append(
            f'<li class="{classes}"{newest}>'
            f'<p class="bk-message__meta bk-muted">{meta}</p>'
            f'<div class="bk-message__body">{linebreaks(message["body"], autoescape=True)}</div>'
            + (f'<ul class="bk-plain-list bk-message__files">{files}</ul>' if files else "")
            + "</li>"
        )
    return mark_safe("".join(items))  # noqa: S308 (every value escaped above)
