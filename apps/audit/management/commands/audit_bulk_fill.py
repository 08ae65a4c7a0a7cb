import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from apps.audit import bulk_fill


class Command(BaseCommand):
    help = (
        "Add realistic access-log rows spread over the last years, for benchmarks "
        "(PostgreSQL; set-based SQL, about a million rows per 20-40 seconds)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=1_000_000, help="rows to add")
        parser.add_argument("--years", type=float, default=5.0, help="spread over this many years")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Also run when DEBUG is off. The rows are made up: never on a real log.",
        )

    def handle(self, *args, rows, years, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "These rows are made up and cannot be removed before their retention ends; "
                "refusing without DEBUG. Use --force on a benchmark or test installation."
            )
        if connection.vendor != "postgresql":
            raise CommandError("audit_bulk_fill needs PostgreSQL (DATABASE_URL).")
        if rows < 1 or not 0 < years <= 50:
            raise CommandError("--rows must be at least 1 and --years between 0 and 50.")
        started = time.monotonic()
        try:
            added = bulk_fill.fill(rows=rows, years=years, report=self.stdout.write)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        size = bulk_fill.table_size()
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {added:,} access-log rows in {time.monotonic() - started:.0f} s. "
                f"The log now holds about {size['estimated_rows']:,} rows in "
                f"{size['table_bytes'] / 2**30:.1f} GiB with its indexes "
                f"(database: {size['database_bytes'] / 2**30:.1f} GiB)."
            )
        )
