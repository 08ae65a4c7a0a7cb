from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.accounts.models import PartnerSystem
from apps.accounts.services import API_TOKEN_DAYS, partner_system_issue_token
from apps.organisation.models import Team


class Command(BaseCommand):
    help = (
        "Set up a partner system (a GP's or school's software) that sends referrals through "
        "the API, and print a new API token for it. Running it again for the same e-mail "
        "address updates the partner and replaces its token. Only a digest of the token is "
        "stored: it is printed once and cannot be shown again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="Account address of the system.")
        parser.add_argument("--name", required=True, help="Organisation, shown as referrer.")
        parser.add_argument("--kind", required=True, choices=PartnerSystem.Kind.values)
        parser.add_argument(
            "--team",
            dest="teams",
            type=int,
            action="append",
            required=True,
            help="Id of a team the system may refer to; repeat for more teams.",
        )
        parser.add_argument(
            "--expires-in-days",
            type=int,
            default=API_TOKEN_DAYS,
            help=f"How long the token works (default {API_TOKEN_DAYS} days).",
        )

    def handle(self, *args, email, name, kind, teams, expires_in_days, **options):
        found = list(Team.objects.filter(pk__in=teams))
        missing = sorted(set(teams) - {team.pk for team in found})
        if missing:
            raise CommandError(f"No team with id {', '.join(map(str, missing))}.")
        try:
            partner, token = partner_system_issue_token(
                email=email, name=name, kind=kind, teams=found, expires_in_days=expires_in_days
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        issued = partner.api_tokens.first()
        team_names = ", ".join(team.name for team in found)
        self.stdout.write(f"Partner system: {partner.name} ({partner.account.email})")
        self.stdout.write(f"Refers to: {team_names}")
        self.stdout.write(f"Valid until: {timezone.localtime(issued.expires_at):%Y-%m-%d %H:%M %Z}")
        self.stdout.write(f"API token (shown once; earlier tokens no longer work): {token}")
        self.stdout.write("Send it as the header  Authorization: Token <token>")
