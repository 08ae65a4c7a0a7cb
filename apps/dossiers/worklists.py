"""The worker's lists in words: the caseload's rows, the day's items and a dossier's
timeline.

These are the pages a worker opens most. Their rows come from the selectors as plain
values, and the words of each row (how long, what a colour means, when, the link) are made
here once per row, in Python: the template only places them, which costs far less than
its filters and tags would, row after row.
"""

from datetime import date
from typing import TypedDict

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.dossiers.models import Action, ContactMoment, Dossier, band_threshold_days
from apps.organisation.models import Theme

# A weekday with its date, without the year: "vr 27 november".
DAY_FORMAT = "D j F"


class CaseloadRow(TypedDict):
    url: str
    name: str
    # Postcode and neighbourhood: which of two clients with the same name this is.
    where: str
    # The colour: short, medium or long (Dossier.DurationBand).
    band: str
    # The days and what the colour means: "45 days · under 3 months".
    duration: str
    needs_explanation: bool
    status: str
    themes: list[str]
    # The last contact; empty strings when there was none.
    last_contact_iso: str
    last_contact_on: str
    last_contact_mode: str


def caseload_rows(values: list[dict], *, today: date | None = None) -> list[CaseloadRow]:
    """Rows from `selectors.caseload_values`."""
    today = today or timezone.localdate()
    statuses = _labels(Dossier.Status)
    modes = _labels(ContactMoment.Mode)
    meanings = {band: label.lower() for band, label in _labels(Dossier.DurationBand).items()}
    thresholds = band_threshold_days()
    rows = []
    for value in values:
        days = (today - value["started_on"]).days
        band = Dossier.band_of(days, thresholds)
        last_contact = value["last_contact_at"] and timezone.localtime(value["last_contact_at"])
        where = (value["client__postcode"], value["client__neighbourhood__name"])
        rows.append(
            CaseloadRow(
                url=reverse("dossiers:detail", args=[value["pk"]]),
                name=_name(value, "client__"),
                where=" · ".join(part for part in where if part),
                band=band,
                duration=f"{_days(days)} · {meanings[band]}",
                needs_explanation=(
                    band == Dossier.DurationBand.LONG and not value["long_running_explanation"]
                ),
                status=statuses[value["status"]],
                themes=[_theme(*theme) for theme in value["themes"]],
                last_contact_iso=last_contact.isoformat() if last_contact else "",
                last_contact_on=(
                    formats.date_format(last_contact, "SHORT_DATE_FORMAT") if last_contact else ""
                ),
                last_contact_mode=modes.get(value["last_contact_mode"], ""),
            )
        )
    return rows


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


class TimelineItem(TypedDict):
    occurred_iso: str
    occurred_on: str
    # How, how long and by whom: "Home visit · 45 minutes · Sanne Jansen".
    summary: str
    notes: str
    client_summary: str
    attachments: list


def timeline_items(moments: list[dict]) -> list[TimelineItem]:
    """Contact moments from `selectors.dossier_timeline_page`, newest first."""
    modes = _labels(ContactMoment.Mode)
    items = []
    for moment in moments:
        occurred_at = timezone.localtime(moment["occurred_at"])
        minutes = moment["duration_minutes"]
        parts = [
            modes[moment["mode"]],
            ngettext("%(minutes)s minute", "%(minutes)s minutes", minutes) % {"minutes": minutes},
            _name(moment, "worker__"),
        ]
        items.append(
            TimelineItem(
                occurred_iso=occurred_at.isoformat(),
                occurred_on=formats.date_format(occurred_at, "j F Y, H:i"),
                summary=" · ".join(part for part in parts if part),
                notes=moment["notes"],
                client_summary=moment["client_summary"],
                attachments=moment["attachments"],
            )
        )
    return items


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
