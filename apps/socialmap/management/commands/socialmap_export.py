import json

from django.core.management.base import BaseCommand

from apps.socialmap import hsds


class Command(BaseCommand):
    help = (
        "Write the whole social map as Open Referral HSDS 3.1 JSON: a list of services, each "
        "with its provider, locations, opening hours, phones, contacts, costs, languages, "
        "areas and themes. Staff notes are never written."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="File to write; standard output when left out.")

    def handle(self, *args, output=None, **options):
        documents = [hsds.service_document(service) for service in hsds.services_for_export()]
        text = json.dumps(documents, ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text)
            self.stderr.write(f"{len(documents)} services written to {output}.")
        else:
            self.stdout.write(text)
