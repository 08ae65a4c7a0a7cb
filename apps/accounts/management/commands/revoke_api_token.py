from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import ApiToken
from apps.accounts.services import api_tokens_revoke


class Command(BaseCommand):
    help = (
        "Revoke a partner system's API tokens: all that still work, or only the one that "
        "starts with --prefix (as listed in the admin). A revoked token gets a 401 at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="Account address of the system.")
        parser.add_argument("--prefix", help="Only the token that starts with this.")

    def handle(self, *args, email, prefix, **options):
        tokens = ApiToken.objects.filter(partner__account__email__iexact=email)
        if not tokens.exists():
            raise CommandError(f"No partner system with API tokens has the address {email}.")
        if prefix and len(prefix) >= ApiToken.PREFIX_LENGTH:
            tokens = tokens.filter(prefix=prefix[: ApiToken.PREFIX_LENGTH])
        elif prefix:
            tokens = tokens.filter(prefix__startswith=prefix)
        revoked = api_tokens_revoke(tokens=tokens)
        if not revoked:
            raise CommandError("No token that still works matches; nothing changed.")
        self.stdout.write(f"Revoked {revoked} token(s) of {email}.")
