from celery import shared_task

from apps.effects.models import StatisticsRun
from apps.effects.services import statistics_compute, statistics_update


@shared_task
def compute_statistics(run_id: int) -> str:
    """A computation a manager asked for; the run record holds how it ended."""
    run = StatisticsRun.objects.filter(pk=run_id, status=StatisticsRun.Status.QUEUED).first()
    if run is None:
        return "gone"
    return statistics_compute(run).status


@shared_task
def update_statistics() -> str:
    """Every night (beat): the months whose raw data changed."""
    return statistics_update(full=False).status


@shared_task
def rebuild_statistics() -> str:
    """Every week (beat): everything, for changes no journal sees (areas, bulk edits)."""
    return statistics_update(full=True).status
