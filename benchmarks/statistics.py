"""The statistics computation on the benchmark database, one part per process.

`make benchmark` runs `python -m benchmarks.statistics <part>` for each part in a child
process of its own and reads the JSON it prints, so each figure belongs to one process:
the peak memory of the rebuild is that of a process that did nothing else.

- floor: every statement of a full rebuild (`rebuild.steps(Months(None))`) without its
  INSERT: the same SELECT … GROUP BY (`Step.select`) with the same parameters, run in
  PostgreSQL under EXPLAIN ANALYZE, which executes the whole query and throws the rows
  away. The floor is derived from the statements rather than written out again by hand,
  so it always computes exactly the figures the rebuild computes (a hand-written copy
  drifts when a measure changes, and a cheaper query that computes something else is no
  floor). Both run with the computation's own settings (rebuild.tune). What the rebuild
  adds over it is the writing: numbering the figures and inserting them into the staging
  table, building its index, swapping the months in (apps/effects/partitions.py), one
  transaction and the Python around it. A plain `SELECT count(*) FROM (…)` is no floor:
  PostgreSQL drops the unused aggregates of a subquery.
- rebuild: `statistics_update(full=True)`, with the time of each step and the peak
  resident memory of the process (ru_maxrss). PostgreSQL's own memory is not in it.
- incremental: one day's worth of contact moments (the data set's contacts over the days
  they span) added in bulk with created_at now, like an import or a day of work that the
  nightly update must catch up with, then `statistics_update(full=False)`. Afterwards the
  rows are deleted and their month computed again, so the figures are as they were.
"""

import contextlib
import itertools
import json
import random
import resource
import sys
import time
from datetime import timedelta

# Deterministic choice of the dossiers that get the day's contacts.
SEED = 2026


def main(argv: list[str]) -> int:
    import django

    django.setup()
    part = argv[0] if argv else ""
    parts = {"floor": floor, "rebuild": full_rebuild, "incremental": incremental}
    if part not in parts:
        print(f"usage: python -m benchmarks.statistics {{{','.join(parts)}}}", file=sys.stderr)
        return 2
    print(json.dumps(parts[part]()))
    return 0


def floor() -> dict:
    from django.db import connection, transaction

    from apps.effects import rebuild

    steps = {}
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        # The same settings as the computation's own transaction.
        rebuild.tune(cursor)
        for step in rebuild.steps(rebuild.Months(None)):
            step_started = time.perf_counter()
            cursor.execute(
                f"EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) {step.select}",
                step.params,
            )
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            steps[step.label] = {
                "seconds": round(time.perf_counter() - step_started, 3),
                "rows": plan[0]["Plan"].get("Actual Rows"),
            }
    return {"seconds": round(time.perf_counter() - started, 3), "steps": steps}


@contextlib.contextmanager
def timed_steps():
    """The time of each step of a computation, from the progress it reports after each
    step (and after it deleted the old figures, before the first step)."""
    from apps.effects import rebuild, services

    marks = []
    steps = {}
    progress_write = services._progress_write
    delete_figures = rebuild.delete_figures

    def timed_progress(run_id, done, total, label):
        marks.append((time.perf_counter(), label))
        progress_write(run_id, done, total, label)

    def timed_delete(months):
        deleted = delete_figures(months)
        marks.append((time.perf_counter(), "delete"))
        return deleted

    services._progress_write = timed_progress
    rebuild.delete_figures = timed_delete
    try:
        yield steps
    finally:
        services._progress_write = progress_write
        rebuild.delete_figures = delete_figures
        for (before, _), (after, label) in itertools.pairwise(marks):
            steps[label] = round(after - before, 3)


def full_rebuild() -> dict:
    from apps.effects import services
    from apps.effects.models import StatisticsRun

    rss_before = peak_rss_mb()
    with timed_steps() as steps:
        started = time.perf_counter()
        run = services.statistics_update(full=True)
        seconds = time.perf_counter() - started
    if run.status != StatisticsRun.Status.SUCCEEDED:
        raise SystemExit(f"the full rebuild ended {run.status}: {run.error}")
    return {
        "seconds": round(seconds, 3),
        "figures": run.figures_written,
        "months": run.months_computed,
        "steps": steps,
        "rss_before_mb": round(rss_before, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def incremental() -> dict:
    from django.db.models import Max, Min
    from django.utils import timezone

    from apps.dossiers.models import ContactMoment, Dossier
    from apps.effects import services
    from apps.effects.models import Figure, Level

    span = ContactMoment.objects.aggregate(first=Min("occurred_at"), last=Max("occurred_at"))
    if span["first"] is None:
        raise SystemExit("no contact moments: fill the database with `make benchmark-seed`")
    days = max((span["last"] - span["first"]).days, 1)
    per_day = max(round(ContactMoment.objects.count() / days), 1)

    rng = random.Random(SEED)  # noqa: S311 (test data, not secrets)
    now = timezone.now()
    local = timezone.localtime(now)
    since_midnight = local.hour * 3600 + local.minute * 60 + local.second
    open_dossiers = list(
        Dossier.objects.filter(status=Dossier.Status.ACTIVE)
        .order_by("pk")
        .values_list("pk", "responsible_worker_id")
    )
    moments = [
        ContactMoment(
            dossier_id=dossier_id,
            worker_id=worker_id,
            occurred_at=now - timedelta(seconds=rng.randint(0, max(since_midnight - 60, 0))),
            mode=rng.choice(ContactMoment.Mode.values),
            duration_minutes=rng.choice((15, 30, 45, 60, 90)),
        )
        for dossier_id, worker_id in rng.choices(open_dossiers, k=per_day)
    ]
    month = timezone.localdate().replace(day=1)
    this_month = Figure.objects.filter(
        level=Level.ORGANISATION, measure="contacts", month=month, theme__isnull=True
    )

    def contacts_this_month() -> int:
        return sum(this_month.values_list("n", flat=True))

    before = contacts_this_month()
    added = ContactMoment.objects.bulk_create(moments, batch_size=5_000)
    with timed_steps() as steps:
        started = time.perf_counter()
        update = services.statistics_update(full=False)
        seconds = time.perf_counter() - started
    counted = contacts_this_month()

    # Put the database back: deleting through the ORM notes the month in the journal
    # (apps/effects/receivers.py), and the next update computes it again.
    ContactMoment.objects.filter(pk__in=[moment.pk for moment in added]).delete()
    restore_started = time.perf_counter()
    restore = services.statistics_update(full=False)
    restore_seconds = time.perf_counter() - restore_started
    return {
        "seconds": round(seconds, 3),
        "status": update.status,
        "error": update.error,
        "contacts_added": len(added),
        "months_computed": update.months_computed,
        "figures_written": update.figures_written,
        "counted_this_month": counted - before,
        "restore_seconds": round(restore_seconds, 3),
        "restore_status": restore.status,
        "restore_error": restore.error,
        "restored": contacts_this_month() == before,
        "steps": steps,
    }


def peak_rss_mb() -> float:
    # Kilobytes on Linux (bytes on macOS, where this would overstate by 1024).
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
