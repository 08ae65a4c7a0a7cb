from django.core.management.base import BaseCommand, CommandError

from apps.accounts.mfa_keys import mfa_secrets_reencrypt


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored TOTP secret and recovery-code seed with MFA_ENCRYPTION_KEY, "
        "so that the keys in MFA_ENCRYPTION_OLD_KEYS can be removed afterwards. Changes "
        "nothing when one secret opens with none of the configured keys."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count the secrets that still use an old key; change nothing.",
        )

    def handle(self, *args, dry_run, **options):
        result = mfa_secrets_reencrypt(dry_run=dry_run)
        if result.unreadable:
            listed = ", ".join(
                f"authenticator {pk} ({kind}) of user {user_id}"
                for pk, kind, user_id in result.unreadable
            )
            raise CommandError(
                f"{len(result.unreadable)} of {result.checked} authenticators open with none of "
                f"the configured keys: {listed}. Nothing was changed. Add the key they were "
                "written with to MFA_ENCRYPTION_OLD_KEYS, or remove these authenticators so "
                "that their users set up two-step login again."
            )
        if dry_run:
            self.stdout.write(
                f"{result.reencrypted} of {result.checked} authenticators still use an old key "
                "(nothing changed)."
            )
            return
        self.stdout.write(
            f"Re-encrypted {result.reencrypted} of {result.checked} authenticators with "
            "MFA_ENCRYPTION_KEY; every stored secret now uses it, so MFA_ENCRYPTION_OLD_KEYS "
            "may be emptied."
        )
