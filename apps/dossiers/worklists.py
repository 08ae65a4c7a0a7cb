"""The worker's lists in words: the caseload's rows, the day's items and a dossier's
timeline.

These are the pages a worker opens most. Their rows come from the selectors as plain
values, and the words of each row (how long, what a colour means, when, the link) are made
here once per row, in Python. The caseload's rows and the timeline's items come with their
markup too (as apps/dossiers/templatetags/team_lists.py): as a template, 25 rows of the
caseload cost 2.5 ms of CPU, more than the rest of the page; as Python, a fifth of that.
"""

from datetime import date
from html import escape
from typing import TypedDict

from django.template.defaultfilters import linebreaksbr
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.dossiers.models import Action, ContactMoment, Dossier, band_threshold_days
from apps.organisation.models import Theme

# A weekday with its date, without the year: "vr 27 november".
DAY_FORMAT = "D j F"


def caseload_rows(values: list[dict], *, today: date | None = None) -> str:
    """The `<tr>` of each dossier from `selectors.caseload_page`: the client (a link, with
    postcode and neighbourhood to tell two of the same name apart), the colour band with
    its days and meaning, whether an explanation is due, the status, the questions' themes
    and the last contact. Under 600 px each row is laid out as a card, each cell with its
    column's name (data-label)."""
    today = today or timezone.localdate()
    statuses = {value: escape(label) for value, label in _labels(Dossier.Status).items()}
    modes = _labels(ContactMoment.Mode)
    meanings = {
        band: escape(label.lower()) for band, label in _labels(Dossier.DurationBand).items()
    }
    thresholds = band_threshold_days()
    detail_url = url_maker("dossiers:detail")
    short_date = formats.get_format("SHORT_DATE_FORMAT")
    cell = '<td class="utrecht-table__cell" role="cell" data-label="{}">'
    status_cell, themes_cell, contact_cell = (
        cell.format(escape(label)) for label in (_("Status"), _("Questions"), _("Last contact"))
    )
    explanation_needed = escape(_("Explanation needed"))
    explanation_needed = (
        f' <strong class="bk-attention bk-caseload__attention">{explanation_needed}</strong>'
    )
    no_contact, no_themes = escape(_("No contact yet")), "\N{EN DASH}"
    rows = []
    for value in values:
        days = (today - value["started_on"]).days
        band = Dossier.band_of(days, thresholds)
        where = " · ".join(
            part
            for part in (value["client__postcode"], value["client__neighbourhood__name"])
            if part
        )
        attention = (
            explanation_needed
            if band == Dossier.DurationBand.LONG and not value["long_running_explanation"]
            else ""
        )
        themes = "".join(
            f'<span class="bk-caseload__theme">{escape(_theme(*theme))}</span>'
            for theme in value["themes"]
        )
        if last_contact := value["last_contact_at"]:
            last_contact = timezone.localtime(last_contact)
            contact = (
                f'<time datetime="{last_contact.isoformat()}">'
                f"{dateformat.format(last_contact, short_date)}</time>"
                f' <span class="bk-muted bk-caseload__mode">'
                f"{escape(modes.get(value['last_contact_mode'], ''))}</span>"
            )
        else:
            contact = no_contact
        rows.append(
            f'<tr class="utrecht-table__row bk-caseload__row bk-caseload__row--{band}" role="row">'
            f'<th scope="row" class="utrecht-table__header-cell bk-caseload__client"'
            f' role="rowheader"><a class="utrecht-link" href="{detail_url(value["pk"])}">'
            f"{escape(_name(value, 'client__'))}</a>"
            f' <span class="bk-muted bk-caseload__where">{escape(where)}</span></th>'
            f'<td class="utrecht-table__cell bk-caseload__duration" role="cell">'
            f'<span class="bk-band bk-band--{band}">{escape(_days(days))} · {meanings[band]}</span>'
            f"{attention}</td>"
            f"{status_cell}{statuses[value['status']]}</td>"
            f"{themes_cell}{themes or no_themes}</td>"
            f"{contact_cell}{contact}</td></tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped above)


def day_items(day) -> dict[str, list]:
    """The lists of a `selectors.WorkerDay`, in words, by the name the page shows them."""
    return {
        "actions_late": action_items(day.actions_late, today=day.today),
        "actions_today": action_items(day.actions_today, today=day.today),
        "actions_this_week": action_items(day.actions_this_week, today=day.today),
        "contacts_today": contact_items(day.contacts_today, with_day=False),
        "contacts_earlier": contact_items(day.contacts_earlier, with_day=True),
        "new_dossiers": new_dossier_items(day.new_dossiers),
        "explanations_asked": explanation_items(day.explanations_asked, today=day.today),
        "intake_first": intake_items(day.intake_first),
    }


class DayItem(TypedDict):
    url: str
    name: str
    # What it is, when; either may be empty.
    what: str
    when: str


def action_items(actions: list[dict], *, today: date) -> list[DayItem]:
    """Plan actions from `selectors.worker_today`: what, who does it, and by when unless
    that is today (they are listed under their day)."""
    owners = _labels(Action.Owner)
    items = []
    for action in actions:
        who, due = owners[action["owner"]], action["target_date"]
        date_text = formats.date_format(due, DAY_FORMAT)
        if due < today:
            when = _("%(who)s · was due %(date)s") % {"who": who, "date": date_text}
        elif due > today:
            when = _("%(who)s · due %(date)s") % {"who": who, "date": date_text}
        else:
            when = who
        items.append(
            DayItem(
                url=_dossier_url(action["goal__dossier_id"]),
                name=_name(action, "goal__dossier__client__"),
                what=action["description"],
                when=when,
            )
        )
    return items


def contact_items(contacts: list[dict], *, with_day: bool) -> list[DayItem]:
    """Contact moments from `selectors.worker_today`: when, how and how long."""
    modes = _labels(ContactMoment.Mode)
    time_format = f"{DAY_FORMAT}, H:i" if with_day else "H:i"
    items = []
    for contact in contacts:
        minutes = contact["duration_minutes"]
        duration = ngettext("%(minutes)s minute", "%(minutes)s minutes", minutes) % {
            "minutes": minutes
        }
        occurred_at = formats.date_format(timezone.localtime(contact["occurred_at"]), time_format)
        items.append(
            DayItem(
                url=_dossier_url(contact["dossier_id"]),
                name=_name(contact, "dossier__client__"),
                what="",
                when=f"{occurred_at} · {modes[contact['mode']]} · {duration}",
            )
        )
    return items


def timeline_items(moments: list[dict]) -> str:
    """The `<li>` of each contact moment from `selectors.dossier_timeline_page`, newest
    first: when; how, how long and by whom ("Home visit · 45 minutes · Sanne Jansen"); the
    notes, the summary for the client, and the photos and files linked to it."""
    modes = _labels(ContactMoment.Mode)
    moment_format = "j F Y, H:i"
    for_the_client = escape(_("For the client:"))
    items = []
    for moment in moments:
        occurred_at = timezone.localtime(moment["occurred_at"])
        minutes = moment["duration_minutes"]
        summary = " · ".join(
            part
            for part in (
                modes[moment["mode"]],
                ngettext("%(minutes)s minute", "%(minutes)s minutes", minutes)
                % {"minutes": minutes},
                _name(moment, "worker__"),
            )
            if part
        )
        notes = moment["notes"]
        client_summary = moment["client_summary"]
        items.append(
            f'<li class="bk-timeline__item"><p class="utrecht-paragraph"><strong>'
            f'<time datetime="{occurred_at.isoformat()}">'
            f"{dateformat.format(occurred_at, moment_format)}</time></strong>"
            f" · {escape(summary)}</p>"
            + (
                f'<p class="utrecht-paragraph">{linebreaksbr(notes, autoescape=True)}</p>'
                if notes
                else ""
            )
            + (
                f'<p class="utrecht-paragraph bk-muted">{for_the_client}'
                f" {escape(client_summary)}</p>"
                if client_summary
                else ""
            )
            + (
                render_to_string(
                    "dossiers/includes/linked_attachments.html",
                    {"attachments": moment["attachments"]},
                )
                if moment["attachments"]
                else ""
            )
            + "</li>"
        )
    return mark_safe("".join(items))  # noqa: S308 (every value escaped above)


def new_dossier_items(dossiers: list[dict]) -> list[DayItem]:
    statuses = _labels(Dossier.Status)
    return [
        DayItem(
            url=_dossier_url(dossier["pk"]),
            name=_name(dossier, "client__"),
            what="",
            when=_("With you since %(date)s · %(status)s")
            % {
                "date": formats.date_format(
                    timezone.localtime(dossier["worker_assigned_at"]), DAY_FORMAT
                ),
                "status": statuses[dossier["status"]],
            },
        )
        for dossier in dossiers
    ]


def explanation_items(dossiers: list[dict], *, today: date | None = None) -> list[DayItem]:
    today = today or timezone.localdate()
    items = []
    for dossier in dossiers:
        days = (today - dossier["started_on"]).days
        asked_on = formats.date_format(
            timezone.localtime(dossier["explanation_requested_at"]), DAY_FORMAT
        )
        # Named as the user model names itself: the full name, else the e-mail address.
        asked_by = (
            _name(dossier, "explanation_requested_by__")
            or (dossier["explanation_requested_by__email"])
        )
        items.append(
            DayItem(
                url=_dossier_url(dossier["pk"]),
                name=_name(dossier, "client__"),
                what=ngettext("Supported for %(days)s day", "Supported for %(days)s days", days)
                % {"days": days},
                when=(
                    _("Asked by %(name)s on %(date)s") % {"name": asked_by, "date": asked_on}
                    if asked_by
                    else _("Asked on %(date)s") % {"date": asked_on}
                ),
            )
        )
    return items


def intake_items(requests: list[dict]) -> list[DayItem]:
    sources = _labels(Dossier.Source)
    return [
        DayItem(
            url=reverse("dossiers:intake_detail", args=[request["pk"]]),
            name=_name(request, ""),
            what="",
            when=_("Came in %(date)s · %(source)s")
            % {
                "date": formats.date_format(
                    timezone.localtime(request["received_at"]), f"{DAY_FORMAT}, H:i"
                ),
                "source": sources[request["source"]],
            },
        )
        for request in requests
    ]


def _labels(choices) -> dict[str, str]:
    """The choices' labels, translated once for a whole list."""
    return {value: str(label) for value, label in choices.choices}


def _name(values: dict, prefix: str) -> str:
    return f"{values[prefix + 'first_name'] or ''} {values[prefix + 'last_name'] or ''}".strip()


def _days(days: int) -> str:
    return ngettext("%(days)s day", "%(days)s days", days) % {"days": days}


def _theme(name_nl: str, name_en: str, subcategory: str) -> str:
    name = Theme.name_of(name_nl, name_en)
    return f"{name} ({subcategory})" if subcategory else name


def _dossier_url(pk: int) -> str:
    return reverse("dossiers:detail", args=[pk])


def url_maker(name: str, *leading):
    """reverse() for many rows: once with a stand-in number, then each row's own number in
    its place (reverse costs 14 µs; thirty links spent 0.4 ms on it). `leading` are the
    arguments before the row's number that all rows share (a team's id)."""
    stand_in = "2147483647"
    pattern = reverse(name, args=[*leading, int(stand_in)])
    return lambda pk: pattern.replace(stand_in, str(int(pk)))
