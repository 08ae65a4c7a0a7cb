"""The ten social themes of the Dutch welfare sector, as rows administrators can rename."""

from django.db import migrations

THEMES = [
    (
        "burgerinitiatieven-gemeenschap",
        "Burgerinitiatieven & Gemeenschap",
        "Citizen initiatives & community",
    ),
    ("geldzaken-regelgeving", "Geldzaken & Regelgeving", "Money matters & regulations"),
    ("gezondheid-zorg", "Gezondheid & Zorg", "Health & care"),
    (
        "huiselijke-relaties-opvoeding",
        "Huiselijke relaties & Opvoeding",
        "Relationships at home & parenting",
    ),
    ("huisvesting-wonen", "Huisvesting & Wonen", "Housing & living"),
    (
        "mentaal-welbevinden-zingeving",
        "Mentaal welbevinden & Zingeving",
        "Mental well-being & meaning in life",
    ),
    ("opleiding-werk", "Opleiding & Werk", "Education & work"),
    ("ouder-worden-mantelzorg", "Ouder worden & Mantelzorg", "Growing older & informal care"),
    ("vervoer-woonomgeving", "Vervoer & Woonomgeving", "Transport & living environment"),
    ("vrijwillige-inzet", "Vrijwillige inzet", "Volunteering"),
]


def add_themes(apps, schema_editor):
    Theme = apps.get_model("organisation", "Theme")
    for position, (code, name_nl, name_en) in enumerate(THEMES, start=1):
        Theme.objects.update_or_create(
            code=code, defaults={"name_nl": name_nl, "name_en": name_en, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("organisation", "0001_initial")]

    operations = [migrations.RunPython(add_themes, migrations.RunPython.noop)]
