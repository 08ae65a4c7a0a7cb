import json

from django.core.management.base import BaseCommand, CommandError

from apps.socialmap import hsds, hsds_tables


class Command(BaseCommand):
    help = (
        "Write the whole social map as Open Referral HSDS 3.1: JSON (a list of services, each "
        "with its provider, locations, opening hours, phones, contacts, costs, languages, "
        "areas and themes) or the tabular form (a ZIP file of CSV tables with a "
        "datapackage.json). Staff notes are never written."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="File to write; standard output when left out.")
        parser.add_argument(
            "--format",
            dest="output_format",
            choices=["json", "csv"],
            default="json",
            help="json (default), or csv for the tabular form as a ZIP file.",
        )

    def handle(self, *args, output=None, output_format="json", **options):
        documents = [hsds.service_document(service) for service in hsds.services_for_export()]
        if output_format == "csv":
            if not output:
                raise CommandError("The tabular form is a ZIP file: give --output.")
            content = hsds_tables.tabular_zip(documents)
        else:
            content = json.dumps(documents, ensure_ascii=False, indent=2).encode("utf-8")
        if output:
            with open(output, "wb") as file:
                file.write(content)
            self.stderr.write(f"{len(documents)} services written to {output}.")
        else:
            self.stdout.write(content.decode("utf-8"))
