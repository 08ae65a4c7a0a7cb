import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from faker import Faker

from apps.accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, seed_bulk_users, seed_demo_accounts
from apps.dossiers.demo import seed_dossiers
from apps.organisation.demo import seed_organisation
from apps.questionnaires.demo import seed_measurements
from apps.questionnaires.services import instruments_load

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
        rng = random.Random(SEED)
        faker = Faker("nl_NL")
        faker.seed_instance(SEED)
        # The self-scans: the same instrument files a real installation loads.
        instruments_load()
        with transaction.atomic():
            organisation = seed_organisation(size=size, rng=rng)
            accounts = seed_demo_accounts(organisation=organisation)
            seed_bulk_users(organisation=organisation, size=size, faker=faker)
            seed_dossiers(organisation=organisation, rng=rng, faker=faker, size=size)
            seed_measurements(rng=rng, size=size)
        if connection.vendor == "postgresql":
            # Fresh statistics after a bulk load, or the planner guesses from empty tables.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ({size}) ready in {time.monotonic() - started:.1f} s.")
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for account in accounts:
            self.stdout.write(f"  {account.role.label:<26} {account.email}")
        self.stdout.write(
            f"Staff accounts ask for a TOTP code; authenticator secret: {DEMO_TOTP_SECRET}"
        )
