from apps.questionnaires.services import intake_scans_attach, satisfaction_survey_send


def ask_satisfaction_on_close(sender, *, dossier, **kwargs):
    satisfaction_survey_send(dossier=dossier)


def attach_scans_on_intake(sender, *, intake, dossier, **kwargs):
    intake_scans_attach(intake=intake, dossier=dossier)
