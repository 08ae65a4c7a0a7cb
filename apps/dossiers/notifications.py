"""E-mail to a social worker that a team leader gave them a client, or asks them to explain
why a trajectory runs long.

The message names no client and says nothing about the support: e-mail travels and is read
on shared devices, so the content stays behind the login. It links to the dossier page,
whose address holds only a number.

A service ends with `worker_notify_*_on_commit(...)`; after its transaction commits, a
Celery task sends the message. The task checks that what it tells is still true (the
dossier is still with that worker, the request still waits), so a task that runs late
says nothing that has changed since. Each message goes once: the dossier row is locked
while it goes out and marked (`*_mailed_at`) in the same transaction, so a task that runs
again finds the mark (only the moment between the mail server accepting the message and
the commit can still give a second e-mail).
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.outbox import enqueue_on_commit
from apps.dossiers.models import Dossier


def worker_notify_reassigned_on_commit(*, dossier: Dossier) -> None:
    # Imported here: the tasks module imports the services, which import this module.
    from apps.dossiers.tasks import notify_reassigned_worker

    enqueue_on_commit(notify_reassigned_worker, dossier.pk, dossier.responsible_worker_id)


def worker_notify_explanation_requested_on_commit(*, dossier: Dossier) -> None:
    from apps.dossiers.tasks import notify_explanation_requested

    enqueue_on_commit(notify_explanation_requested, dossier.pk)


@transaction.atomic
def worker_notify_reassigned(*, dossier_id: int, worker_id: int) -> bool:
    """Tell the worker a dossier is theirs now; False when it no longer is, when they were
    told already, or when they cannot be mailed."""
    dossier = _locked(
        Dossier.objects.open().filter(
            Q(assignment_mailed_at__isnull=True)
            | Q(assignment_mailed_at__lt=F("worker_assigned_at")),
            pk=dossier_id,
            responsible_worker_id=worker_id,
        )
    )
    if dossier is None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("A client was given to you in Buurtkompas")
        body = _(
            "Hello,\n\n"
            "Your team leader gave you a client. "
            "Log in to see who it is:\n%(link)s\n\n"
            "We never put details of clients in an e-mail.\n\n"
            "Kind regards,\nBuurtkompas"
        ) % {"link": _dossier_link(dossier)}
    return _send(dossier, "assignment_mailed_at", subject, body)


@transaction.atomic
def worker_notify_explanation_requested(*, dossier_id: int) -> bool:
    """Tell the worker their team leader asks for an explanation; False when it is written
    already, the request was taken back, they were told already, or they cannot be
    mailed."""
    dossier = _locked(
        Dossier.objects.open().filter(
            Q(explanation_request_mailed_at__isnull=True)
            | Q(explanation_request_mailed_at__lt=F("explanation_requested_at")),
            pk=dossier_id,
            explanation_requested_at__isnull=False,
            long_running_explanation="",
        )
    )
    if dossier is None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your team leader asks you for an explanation")
        body = _(
            "Hello,\n\n"
            "Your team leader asks why the support of one of your clients takes longer "
            "than 6 months. Log in to write a short explanation in the dossier:\n%(link)s\n\n"
            "We never put details of clients in an e-mail.\n\n"
            "Kind regards,\nBuurtkompas"
        ) % {"link": _dossier_link(dossier)}
    return _send(dossier, "explanation_request_mailed_at", subject, body)


def _locked(dossiers) -> Dossier | None:
    return dossiers.select_for_update(of=("self",)).select_related("responsible_worker").first()


def _dossier_link(dossier: Dossier) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("dossiers:detail", kwargs={"pk": dossier.pk})


def _send(dossier: Dossier, mark: str, subject: str, body: str) -> bool:
    """Mail the dossier's worker and set the dossier's `mark` to now."""
    worker = dossier.responsible_worker
    if worker is None or not worker.is_active or not worker.email:
        return False
    send_mail(subject, body, None, [worker.email])
    # Not save(): the dossier itself did not change.
    Dossier.objects.filter(pk=dossier.pk).update(**{mark: timezone.now()})
    return True
