"""Which months must be computed again: the journal and the sweep.

The receivers (apps/effects/receivers.py) note the months of every change that goes
through a model's save() or delete(), in the same transaction as the change. Rows added
in bulk (bulk_create, imports) send no signals; the sweep finds those by their own
timestamps since the last successful computation. A weekly full rebuild catches anything
neither sees, such as a change to the organisation's areas.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Max, Min
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from apps.dossiers.models import ContactMoment, Dossier, RegisteredQuestion
from apps.effects.models import StaleMonth
from apps.questionnaires.models import Response


def month_of(moment: date | datetime | str | None) -> date | None:
    if moment is None:
        return None
    if isinstance(moment, str):
        # A model saved with a date written out ("2025-01-01"), as Django allows.
        moment = parse_date(moment) or parse_datetime(moment)
    if isinstance(moment, datetime):
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        moment = timezone.localdate(moment)
    return moment.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def months_between(start: date | None, end: date | None) -> set[date]:
    """Every month from start's up to and including end's (today's when open)."""
    first = month_of(start)
    if first is None:
        return set()
    last = month_of(end or timezone.localdate())
    months = set()
    current = first
    while current <= last:
        months.add(current)
        current = next_month(current)
    return months


def raw_months() -> set[date]:
    """Every month from the earliest to the latest raw row that a figure can come from
    (read from the indexes on their times)."""
    bounds = [
        *ContactMoment.objects.aggregate(Min("occurred_at"), Max("occurred_at")).values(),
        *Dossier.objects.aggregate(Min("started_on"), Max("started_on"), Max("ended_on")).values(),
        *RegisteredQuestion.objects.aggregate(Min("registered_at"), Max("registered_at")).values(),
        *Response.objects.aggregate(Min("completed_at"), Max("completed_at")).values(),
    ]
    months = [month_of(bound) for bound in bounds if bound is not None]
    return months_between(min(months), max(months)) if months else set()


def dossier_months(started_on, ended_on) -> set[date]:
    return months_between(started_on, ended_on)


def _months_of(queryset, column: str) -> set[date]:
    moments = (
        queryset.order_by()
        .annotate(month=TruncMonth(column))
        .values_list("month", flat=True)
        .distinct()
    )
    return {month_of(moment) for moment in moments}


def dossier_record_months(dossier_ids: Iterable[int | None]) -> set[date]:
    """Every month in which these dossiers have figures: their whole life, and their
    contacts, questions and completed questionnaires wherever those fall (a contact after
    an end date set in the past, a scan sent with the request before the start). A change
    to what places a dossier (its team, its client's neighbourhood, its themes) changes
    all of them."""
    ids = [pk for pk in dossier_ids if pk is not None]
    if not ids:
        return set()
    months = set()
    for started_on, ended_on in Dossier.objects.filter(pk__in=ids).values_list(
        "started_on", "ended_on"
    ):
        months |= dossier_months(started_on, ended_on)
    months |= _months_of(ContactMoment.objects.filter(dossier_id__in=ids), "occurred_at")
    months |= _months_of(RegisteredQuestion.objects.filter(dossier_id__in=ids), "registered_at")
    months |= _months_of(
        Response.objects.filter(dossier_id__in=ids).exclude(completed_at=None), "completed_at"
    )
    return {month for month in months if month is not None}


@dataclass
class Stale:
    """Months whose figures must be computed again: every figure of `everything`, and in
    `contacts_only` only the figures counted from contact moments (a change to contact
    moments alone moves no dossier, client or theme, so no other figure)."""

    everything: set[date] = field(default_factory=set)
    contacts_only: set[date] = field(default_factory=set)

    def __or__(self, other: "Stale") -> "Stale":
        everything = self.everything | other.everything
        return Stale(everything, (self.contacts_only | other.contacts_only) - everything)

    def months(self) -> set[date]:
        return self.everything | self.contacts_only


def note_months(months: Iterable[date | None], *, contacts_only: bool = False) -> None:
    wanted = {month for month in months if month is not None}
    if wanted:
        StaleMonth.objects.bulk_create(
            [StaleMonth(month=month, contacts_only=contacts_only) for month in sorted(wanted)]
        )


def journal_watermark() -> int:
    return StaleMonth.objects.aggregate(highest=Max("id"))["highest"] or 0


def journal_months(watermark: int) -> Stale:
    everything, contacts_only = set(), set()
    for month, only_contacts in StaleMonth.objects.filter(id__lte=watermark).values_list(
        "month", "contacts_only"
    ):
        (contacts_only if only_contacts else everything).add(month)
    return Stale(everything) | Stale(contacts_only=contacts_only)


def journal_clear(watermark: int) -> None:
    StaleMonth.objects.filter(id__lte=watermark).delete()


def swept_months(since: datetime) -> Stale:
    """Months of rows added since then without a signal: contacts by when they
    happened (their figures only), dossiers and their questions over the dossier's whole
    life, completed questionnaires by their month and their dossier's life."""
    contact_months = {
        month_of(moment)
        for moment in ContactMoment.objects.filter(created_at__gte=since)
        .annotate(month=TruncMonth("occurred_at"))
        .values_list("month", flat=True)
        .distinct()
    }
    months = {
        month_of(moment)
        for moment in Response.objects.filter(completed_at__gte=since)
        .annotate(month=TruncMonth("completed_at"))
        .values_list("month", flat=True)
        .distinct()
    }
    changed_dossiers = (
        # By when they were created and what was added, not by updated_at: a change to
        # what places a dossier goes through save() and its signal.
        Dossier.objects.filter(created_at__gte=since)
        | Dossier.objects.filter(
            pk__in=RegisteredQuestion.objects.filter(registered_at__gte=since).values("dossier_id")
        )
        | Dossier.objects.filter(
            pk__in=Response.objects.filter(completed_at__gte=since).values("dossier_id")
        )
    )
    months |= dossier_record_months(changed_dossiers.values_list("pk", flat=True))
    return Stale({month for month in months if month is not None}) | Stale(
        contacts_only={month for month in contact_months if month is not None}
    )
