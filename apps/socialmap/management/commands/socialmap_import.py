from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import User
from apps.socialmap import services


class Command(BaseCommand):
    help = (
        "Import an Open Referral HSDS 3.1 JSON file into the social map, as a functional "
        "administrator. Records are matched by id: importing a file again changes nothing. "
        "Every service that does not fit is listed with the reason; the others are imported, "
        "each whole."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--as",
            dest="email",
            required=True,
            help="E-mail address of a functional administrator.",
        )

    def handle(self, *args, file, email, **options):
        actor = User.objects.filter(email=email, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {email}.")
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        try:
            report = services.hsds_import(content=content, actor=actor)
        except PermissionDenied as error:
            raise CommandError(f"{email} may not change the social map.") from error
        except services.ImportRefused as error:
            raise CommandError(str(error)) from error
        for rejected in report.rejected:
            self.stderr.write(
                f"Service {rejected.position} ({rejected.name or rejected.service_id}) refused: "
                + "; ".join(rejected.reasons)
            )
        self.stdout.write(
            f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
            f"{len(report.rejected)} refused."
        )
        if report.rejected:
            raise CommandError(f"{len(report.rejected)} services were refused (see above).")
