"""Computing the statistics: a full rebuild or an update of the months that changed.

A computation writes all its figures in one transaction: a computation that fails halfway
leaves the previous figures as they were, and pages read either the old or the new
figures, never a mix. Its progress goes to the cache as it runs (the transaction hides its
rows until the end); the run record says how it ended.
"""

import logging

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.outbox import enqueue_on_commit
from apps.effects import journal, partitions, rebuild
from apps.effects.locking import AlreadyRunning, statistics_lock
from apps.effects.models import Figure, Level, StatisticsRun

logger = logging.getLogger(__name__)

PROGRESS_TIMEOUT = 24 * 60 * 60


def progress_key(run_id: int) -> str:
    return f"effects:run:{run_id}:progress"


def _progress_write(run_id: int, done: int, total: int, label: str) -> None:
    # A cache that is down costs the progress bar, never the computation.
    try:
        cache.set(
            progress_key(run_id), {"done": done, "total": total, "step": label}, PROGRESS_TIMEOUT
        )
    except Exception:
        logger.warning("Could not write the progress of statistics run %s", run_id)


def progress_read(run_id: int) -> dict | None:
    try:
        return cache.get(progress_key(run_id))
    except Exception:
        return None


def _last_success() -> StatisticsRun | None:
    return (
        StatisticsRun.objects.filter(status=StatisticsRun.Status.SUCCEEDED)
        .order_by("-started_at")
        .first()
    )


def _months_to_compute(run: StatisticsRun, watermark: int) -> rebuild.Months:
    if run.kind == StatisticsRun.Kind.FULL:
        return rebuild.Months(None)
    last = _last_success()
    stale = journal.journal_months(watermark) | journal.swept_months(last.started_at)
    return rebuild.Months(tuple(sorted(stale.everything)), tuple(sorted(stale.contacts_only)))


def statistics_compute(run: StatisticsRun) -> StatisticsRun:
    """Runs a queued computation to its end; the run record says how it went."""
    if run.kind == StatisticsRun.Kind.INCREMENTAL and _last_success() is None:
        # Nothing computed yet: there is nothing to update, only to build.
        run.kind = StatisticsRun.Kind.FULL
    try:
        with statistics_lock():
            run.status = StatisticsRun.Status.RUNNING
            run.started_at = timezone.now()
            run.save(update_fields=["kind", "status", "started_at"])
            watermark = journal.journal_watermark()
            months = _months_to_compute(run, watermark)
            written = _compute(run, months, watermark) if months.written() != () else 0
            run.status = StatisticsRun.Status.SUCCEEDED
            run.journal_watermark = watermark
            run.months_computed = (
                len(months.written()) if months.months is not None else _months_in_figures()
            )
            run.figures_written = written
            run.finished_at = timezone.now()
            run.save()
    except AlreadyRunning:
        run.status = StatisticsRun.Status.REFUSED
        run.finished_at = timezone.now()
        run.error = _("Another computation of the statistics was running; this one did not start.")
        run.save(update_fields=["kind", "status", "finished_at", "error"])
    except Exception as error:
        logger.exception("Statistics run %s failed", run.pk)
        run.status = StatisticsRun.Status.FAILED
        run.finished_at = timezone.now()
        run.error = f"{type(error).__name__}: {error}"[:2000]
        run.save(update_fields=["status", "finished_at", "error"])
    return run


def _compute(run: StatisticsRun, months: rebuild.Months, watermark: int) -> int:
    """Writes the figures of the months, and takes them off the journal, in one
    transaction; returns how many figures. On PostgreSQL into a staging table whose
    months then replace the old ones (apps/effects/partitions.py), elsewhere by deleting
    the figures and writing them again."""

    def on_step(done, total, label):
        _progress_write(run.pk, done, total, label)

    partitioned = partitions.is_partitioned()
    if partitioned:
        # A month without a partition of its own is computed whole: its figures so far
        # lie in the default partition, which ensure() empties of them.
        present = partitions.existing()
        months = months.whole(
            m for m in months.contacts_only if partitions.name_of(m) not in present
        )
        whole, contacts_only = months.split()
        whole_months = journal.raw_months() if whole.months is None else set(whole.months)
        partitions.ensure(whole_months)
    with transaction.atomic():
        if partitioned:
            # Months computed whole are written into the staging table and swapped in.
            # Where only contact moments changed, their figures (a third of the month) are
            # replaced in place: copying the rest of the month and indexing all of it
            # again cost more.
            step_list = []
            if whole.months is None or whole_months:
                staging = partitions.create_staging(whole_months)
                step_list += rebuild.steps(whole, target=staging)
            step_list += rebuild.steps(contacts_only)
            _progress_write(run.pk, 0, len(step_list), "")
            rebuild.delete_figures(contacts_only)
            written = rebuild.run_steps(step_list, on_step=on_step)
            if whole.months is None or whole_months:
                partitions.swap_in(whole_months, everything=whole.months is None)
        else:
            step_list = rebuild.steps(months)
            _progress_write(run.pk, 0, len(step_list), "")
            rebuild.delete_figures(months)
            written = rebuild.run_steps(step_list, on_step=on_step)
        journal.journal_clear(watermark)
    return written


def _months_in_figures() -> int:
    return Figure.objects.filter(level=Level.ORGANISATION).values("month").distinct().count()


def statistics_update(*, full: bool, requested_by=None) -> StatisticsRun:
    """A computation now, in this process (the nightly task, the management command)."""
    run = StatisticsRun.objects.create(
        kind=StatisticsRun.Kind.FULL if full else StatisticsRun.Kind.INCREMENTAL,
        requested_by=requested_by,
    )
    return statistics_compute(run)


def statistics_rebuild_request(*, requested_by) -> tuple[StatisticsRun, bool]:
    """A manager asks for a full rebuild: queued for a worker, unless one is already
    waiting or running, which they get instead. Returns the run and whether it is new."""
    # The task module imports this one.
    from apps.effects.tasks import compute_statistics

    active = StatisticsRun.objects.active().first()
    if active is not None:
        return active, False
    run = StatisticsRun.objects.create(kind=StatisticsRun.Kind.FULL, requested_by=requested_by)
    enqueue_on_commit(compute_statistics, run.pk)
    return run, True
