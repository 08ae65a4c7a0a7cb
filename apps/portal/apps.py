from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "apps.portal"
    label = "portal"
    verbose_name = _("Resident portal")

    def ready(self):
        from apps.dossiers.sections import Section, section_register
        from apps.learning.sessions import SessionSource, sessions_register
        from apps.learning.transfer import self_scans_register
        from apps.portal import receivers, selectors  # noqa: F401 (receivers connect on import)
        from apps.questionnaires.selectors import self_scan_versions

        self_scans_register(
            lambda: {
                version.instrument.code: version.instrument.name for version in self_scan_versions()
            }
        )

        sessions_register(
            SessionSource(
                of_cohort=selectors.cohort_sessions,
                new_url=lambda pk: f"{reverse('portal_work:activity_new')}?groep={pk}",
            )
        )

        section_register(
            "dossier",
            Section(
                "portal/sections/messages.html",
                selectors.dossier_threads,
                anchor="messages",
                title=_("Messages"),
                slug="berichten",
            ),
        )
