from apps.questionnaires.services import dossier_closed_follow_up, intake_scans_attach


def follow_up_on_close(sender, *, dossier, actor, **kwargs):
    dossier_closed_follow_up(dossier=dossier, actor=actor)


def attach_scans_on_intake(sender, *, intake, dossier, actor, **kwargs):
    intake_scans_attach(intake=intake, dossier=dossier, actor=actor)
