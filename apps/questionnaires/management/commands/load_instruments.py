from django.core.management.base import BaseCommand, CommandError

from apps.questionnaires.definitions import InstrumentDefinitionError
from apps.questionnaires.services.instruments import DEFAULT_DIRECTORY, instruments_load


class Command(BaseCommand):
    help = "Load the instrument definitions (*.toml) into the database. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            help=f"Directory with the definition files (default: {DEFAULT_DIRECTORY}).",
        )

    def handle(self, *args, directory=None, **options):
        try:
            report = instruments_load(directory=directory)
        except InstrumentDefinitionError as error:
            raise CommandError(f"Nothing was loaded. {error}") from error
        self.stdout.write(str(report))
