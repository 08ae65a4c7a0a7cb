from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "apps.learning"
    label = "learning"
    verbose_name = _("Learning paths")

    def ready(self):
        from apps.dossiers.sections import Section, section_register
        from apps.learning import selectors

        section_register(
            "dossier",
            Section(
                "learning/sections/dossier_learning.html",
                selectors.dossier_learning,
                anchor="learning",
                title=_("Learning paths"),
                slug="leerpaden",
            ),
        )
