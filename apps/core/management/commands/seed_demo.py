import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from faker import Faker

from apps.core.demo import DemoRun, demo_steps

SEED = 2026


class Command(BaseCommand):
    help = "Load demo data (deterministic; running it again adds nothing new)."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=("small", "large"), default="small")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Also run when DEBUG is off. Demo accounts have published passwords.",
        )

    def handle(self, *args, size, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Demo data has published passwords; refusing without DEBUG. Use --force if "
                "this really is a demo or test installation."
            )
        started = time.monotonic()
        faker = Faker("nl_NL")
        faker.seed_instance(SEED)
        run = DemoRun(size=size, rng=random.Random(SEED), faker=faker)
        with transaction.atomic():
            for step in demo_steps():
                run.made[step.name] = step.seed(run)
        if connection.vendor == "postgresql":
            # Fresh statistics after a bulk load, or the planner guesses from empty tables.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ({size}) ready in {time.monotonic() - started:.1f} s.")
        )
        for line in run.report:
            self.stdout.write(line)
