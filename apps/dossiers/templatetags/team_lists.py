"""The rows of the team overview's lists (the members' caseloads, the long trajectories),
written in Python instead of a template per row: the same markup at a fraction of the cost
(as apps.core.forms.LongSelect). As templates, ten long trajectories (each with three links,
a form and translated text) and a dozen members cost 2.5 ms of CPU, more than the rest of
the page together; as Python, 0.35 ms."""

from html import escape
from urllib.parse import quote

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from apps.dossiers.models import band_threshold_days
from apps.dossiers.worklists import url_maker

register = template.Library()


@register.simple_tag(takes_context=True)
def long_running_rows(context, trajectories) -> str:
    """`<li>` per LongTrajectory (apps/dossiers/team_figures.py): the client (a link to the
    dossier), how long, the worker, and what the team leader can do: give the client to a
    colleague. A trajectory of over 6 months also shows its explanation or the request for
    one, and can be asked to explain. Both actions come back to this page (`next`)."""
    request = context["request"]
    back = request.get_full_path()
    hidden_back = f'<input type="hidden" name="next" value="{escape(back)}">'
    token = escape(str(context["csrf_token"]))
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
    detail_url = url_maker("dossiers:detail")
    ask_url = url_maker("dossiers:request_explanation")
    reassign_url = url_maker("dossiers:reassign")
    back_query = escape(f"next={quote(back, safe='/')}")
    long_days = band_threshold_days()[1]
    no_explanation = escape(gettext("No explanation yet"))
    ask, reassign = escape(gettext("Ask for an explanation")), escape(gettext("Reassign"))
    rows = []
    for row in trajectories:
        pk = row.pk
        days = ngettext("%(days)s day", "%(days)s days", row.days) % {"days": row.days}
        worker = f" · {escape(row.worker_name)}" if row.worker_name else ""
        is_long = row.days >= long_days
        if not is_long:
            state = ""
        elif row.explanation:
            state = f"“{escape(row.explanation)}”"
        elif row.explanation_requested_at:
            asked_on = date_format(
                timezone.localtime(row.explanation_requested_at), "SHORT_DATE_FORMAT"
            )
            asked = gettext("asked on %(date)s") % {"date": asked_on}
            state = f"{no_explanation} · {escape(asked)}"
        else:
            state = no_explanation
        # The buttons are described by the client's name: "Ask for an explanation" ten
        # times is clear only with whose dossier it is.
        described = f'aria-describedby="trajectory-{pk}"'
        actions = ""
        if is_long and not row.explanation and not row.explanation_requested_at and row.worker_name:
            actions = (
                f'<form method="post" action="{ask_url(pk)}" class="bk-inline-form">'
                f"{csrf}{hidden_back}"
                f'<button type="submit" class="utrecht-button utrecht-button--secondary-action'
                f' bk-button--small" {described}>{ask}</button></form>'
            )
        actions += (
            f'<a class="utrecht-button-link utrecht-button-link--secondary-action bk-button--small"'
            f' href="{reassign_url(pk)}?{back_query}" {described}>{reassign}</a>'
        )
        rows.append(
            f'<li id="long-running-{pk}" class="bk-long-running">'
            f'<div class="bk-long-running__what">'
            f'<a class="utrecht-link" id="trajectory-{pk}" href="{detail_url(pk)}">'
            f"{escape(row.client_name)}</a> · {escape(days)}{worker}"
            + (f'<br><span class="bk-muted">{state}</span>' if state else "")
            + "</div>"
            f'<div class="bk-long-running__actions">{actions}</div></li>'
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped above)


@register.simple_tag
def member_rows(members, team_id) -> str:
    """`<tr>` per member of selectors.team_overview: the name (with the role for those
    without a caseload; a link to their clients when they have some), the open dossiers
    per colour band, and the total against the capacity (marked when over it), or the
    total alone for those without a caseload. Each cell names its column (`data-label`),
    which a phone shows beside it."""
    clients_url = url_maker("dossiers:team_member_dossiers", int(team_id))
    cells = [
        f'<td class="utrecht-table__cell utrecht-table__cell--numeric{extra}" role="cell"'
        f' data-label="{escape(gettext(label))}">'
        for extra, label in (
            # Short: a phone shows the three beside each other.
            (" bk-team-count bk-team-count--short", "< 3 months"),
            (" bk-team-count bk-team-count--medium", "3-6 months"),
            (" bk-team-count bk-team-count--long", "> 6 months"),
            ("", "Clients / capacity"),
        )
    ]
    rows = []
    for member in members:
        role = (
            f'<br><span class="bk-muted">{escape(member["role"])}</span>' if member["role"] else ""
        )
        total, capacity = member["total"], member["capacity"]
        name = escape(member["name"])
        if total:
            url = clients_url(member["user_id"])
            name = f'<a class="utrecht-link" href="{url}">{name}</a>'

        if capacity is None:
            load = str(total) if total else "\N{EN DASH}"
        elif member["over_capacity"]:
            load = f'<strong class="bk-attention">{total} / {capacity}</strong>'
        else:
            load = f"{total} / {capacity}"
        rows.append(
            f'<tr class="utrecht-table__row" role="row">'
            f'<th scope="row" class="utrecht-table__header-cell" role="rowheader">'
            f"{name}{role}</th>"
            f"{cells[0]}{member['short']}</td>{cells[1]}{member['medium']}</td>"
            f"{cells[2]}{member['long']}</td>{cells[3]}{load}</td></tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 (names, roles and labels escaped; numbers)
