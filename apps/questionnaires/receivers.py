from apps.questionnaires.services.self_scans import intake_scans_attach
from apps.questionnaires.services.surveys import dossier_closed_follow_up


def follow_up_on_close(sender, *, dossier, actor, **kwargs):
    dossier_closed_follow_up(dossier=dossier, actor=actor)


def attach_scans_on_intake(sender, *, intake, dossier, actor, **kwargs):
    intake_scans_attach(intake=intake, dossier=dossier, actor=actor)
