from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionnairesConfig(AppConfig):
    name = "apps.questionnaires"
    verbose_name = _("Self-scans and measurements")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from apps.dossiers.sections import Section, section_register
        from apps.dossiers.signals import dossier_closed, intake_converted
        from apps.questionnaires import receivers, selectors

        dossier_closed.connect(receivers.follow_up_on_close, dispatch_uid="dossier_closed")
        intake_converted.connect(receivers.attach_scans_on_intake, dispatch_uid="intake_scans")
        section_register(
            "dossier",
            Section(
                "questionnaires/includes/dossier_measurements.html",
                selectors.dossier_measurements,
                anchor="measurements",
                title=_("Measurements"),
                slug=selectors.MEASUREMENTS_SECTION,
            ),
        )
        section_register(
            "intake",
            Section("questionnaires/includes/intake_scans.html", selectors.intake_scans_shown),
        )
