from django.core.management.base import BaseCommand, CommandError

from apps.effects.models import StatisticsRun
from apps.effects.services import statistics_update


class Command(BaseCommand):
    help = (
        "Computes the statistics tables: everything (the default) or, with --changed, "
        "only the months whose raw data changed since the last computation."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--changed",
            action="store_true",
            help="Only the months that changed since the last computation.",
        )

    def handle(self, *args, changed=False, **options):
        run = statistics_update(full=not changed)
        if run.status == StatisticsRun.Status.REFUSED:
            raise CommandError("Another computation of the statistics is running; try later.")
        if run.status == StatisticsRun.Status.FAILED:
            raise CommandError(f"The computation failed: {run.error}")
        self.stdout.write(
            f"{run.get_kind_display()}: {run.months_computed} months, "
            f"{run.figures_written} figures in {run.duration.total_seconds():.1f} s."
        )
