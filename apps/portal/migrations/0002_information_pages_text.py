"""The first text of the footer's pages, in our words; a functional administrator adapts it
to the organisation (its name, address and officer for data protection)."""

from django.db import migrations

from apps.portal.information import PAGES


def add_pages(apps, schema_editor):
    InformationPage = apps.get_model("portal", "InformationPage")
    for slug, (title_nl, title_en, body_nl, body_en) in PAGES.items():
        InformationPage.objects.get_or_create(
            slug=slug,
            defaults={
                "title_nl": title_nl,
                "title_en": title_en,
                "body_nl": body_nl,
                "body_en": body_en,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_information_pages")]

    operations = [migrations.RunPython(add_pages, migrations.RunPython.noop)]
