from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.questionnaires.services import (
    dossier_closed_follow_up,
    intake_scans_attach,
    pending_scan_keep,
)


def follow_up_on_close(sender, *, dossier, **kwargs):
    dossier_closed_follow_up(dossier=dossier)


def attach_scans_on_intake(sender, *, intake, dossier, **kwargs):
    intake_scans_attach(intake=intake, dossier=dossier)


def keep_pending_scan_on_login(sender, *, request, user, **kwargs):
    """A scan made without an account waits in the session until its maker logs in."""
    if request is None or not hasattr(request, "session"):
        return
    try:
        kept = pending_scan_keep(session=request.session, actor=user, request=request)
    except ValidationError as error:
        messages.warning(request, error.messages[0], fail_silently=True)
        return
    if kept is not None:
        messages.success(
            request, _("Your scan is kept. You find it under self-scans."), fail_silently=True
        )
