"""Which months must be computed again: the journal and the sweep.

The receivers (apps/effects/receivers.py) note the months of every change that goes
through a model's save() or delete(), in the same transaction as the change. Rows added
in bulk (bulk_create, imports) send no signals; the sweep finds those by their own
timestamps since the last successful computation. A weekly full rebuild catches anything
neither sees, such as a change to the organisation's areas.
"""

from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import Max
from django.db.models.functions import TruncMonth
from django.utils import timezone

from apps.dossiers.models import ContactMoment, Dossier, RegisteredQuestion
from apps.effects.models import StaleMonth
from apps.questionnaires.models import Response


def month_of(moment: date | datetime | None) -> date | None:
    if moment is None:
        return None
    if isinstance(moment, datetime):
        moment = timezone.localdate(moment)
    return moment.replace(day=1)


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
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def dossier_months(started_on, ended_on) -> set[date]:
    return months_between(started_on, ended_on)


def note_months(months: Iterable[date | None]) -> None:
    wanted = {month for month in months if month is not None}
    if wanted:
        StaleMonth.objects.bulk_create([StaleMonth(month=month) for month in sorted(wanted)])


def journal_watermark() -> int:
    return StaleMonth.objects.aggregate(highest=Max("id"))["highest"] or 0


def journal_months(watermark: int) -> set[date]:
    return set(StaleMonth.objects.filter(id__lte=watermark).values_list("month", flat=True))


def journal_clear(watermark: int) -> None:
    StaleMonth.objects.filter(id__lte=watermark).delete()


def swept_months(since: datetime) -> set[date]:
    """Months of rows added or changed since then without a signal: contacts by when
    they happened, dossiers and their questions over the dossier's whole life, completed
    questionnaires by their month and their dossier's life."""
    months = {
        month_of(moment)
        for moment in ContactMoment.objects.filter(created_at__gte=since)
        .annotate(month=TruncMonth("occurred_at"))
        .values_list("month", flat=True)
        .distinct()
    }
    months |= {
        month_of(moment)
        for moment in Response.objects.filter(completed_at__gte=since)
        .annotate(month=TruncMonth("completed_at"))
        .values_list("month", flat=True)
        .distinct()
    }
    changed_dossiers = (
        Dossier.objects.filter(updated_at__gte=since)
        | Dossier.objects.filter(
            pk__in=RegisteredQuestion.objects.filter(registered_at__gte=since).values("dossier_id")
        )
        | Dossier.objects.filter(
            pk__in=Response.objects.filter(completed_at__gte=since).values("dossier_id")
        )
    )
    for started_on, ended_on in changed_dossiers.values_list("started_on", "ended_on").distinct():
        months |= dossier_months(started_on, ended_on)
    return {month for month in months if month is not None}
