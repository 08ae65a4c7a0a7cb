from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialMapConfig(AppConfig):
    name = "apps.socialmap"
    label = "socialmap"
    verbose_name = _("Social map")

    def ready(self):
        from apps.dossiers.sections import Section, section_register
        from apps.socialmap import selectors

        section_register(
            "dossier",
            Section(
                "socialmap/sections/referrals.html",
                selectors.dossier_referrals,
                anchor="referrals",
                title=_("Referrals"),
                slug="verwijzingen",
            ),
        )
