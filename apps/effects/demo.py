"""Demo statistics: a full rebuild after every other step, so the report pages show the
demo data at once instead of after the first nightly update."""

from django.db import connection

from apps.core.demo import DemoRun, demo_step
from apps.effects.models import StatisticsRun
from apps.effects.services import statistics_update


def seed_statistics() -> StatisticsRun:
    if connection.vendor == "postgresql":
        # seed_demo analyses the tables only after its transaction; without statistics of
        # the rows just loaded the planner would guess the rebuild's plans from empty tables.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    run = statistics_update(full=True)
    if run.status != StatisticsRun.Status.SUCCEEDED:
        raise RuntimeError(f"The demo statistics could not be computed: {run.error}")
    return run


@demo_step("statistics", after=("dossiers", "measurements"), last=True)
def _seed(run: DemoRun) -> StatisticsRun:
    statistics = seed_statistics()
    run.report.append(
        f"Statistics: {statistics.figures_written:,} figures over "
        f"{statistics.months_computed} months."
    )
    return statistics
