from apps.questionnaires.services import satisfaction_survey_send


def ask_satisfaction_on_close(sender, *, dossier, **kwargs):
    satisfaction_survey_send(dossier=dossier)
