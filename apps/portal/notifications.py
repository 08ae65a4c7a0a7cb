"""E-mail that a message, or a team's answer to a request, waits in the portal. It says
only that there is one and where to read it, never what it says or who it is about: e-mail
travels and is read on shared devices, so the content stays behind the login.

The resident gets it for a message from their team, unless they chose no e-mail; for a
message from the resident, their social worker gets it, or every social worker and team
leader of the team when no worker is assigned yet. A task sends it after the message is
committed, and marks the message in the same transaction, so a task that runs again sends
nothing twice.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.core.outbox import enqueue_on_commit
from apps.dossiers.models import IntakeRequest


def message_notify_on_commit(*, message) -> None:
    # Imported here: the tasks module imports the services, which import this module.
    from apps.portal.tasks import notify_message

    enqueue_on_commit(notify_message, message.pk)


def message_notify(*, message_id: int) -> int:
    """Mail the other side of the conversation; the number of addresses mailed."""
    from apps.portal.models import Message, ResidentPreferences

    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related(
                "thread__dossier__client__account", "thread__dossier__responsible_worker"
            )
            .filter(pk=message_id, notified_at__isnull=True)
            .first()
        )
        if message is None:
            return 0
        dossier = message.thread.dossier
        if message.from_client:
            addresses = _team_addresses(dossier)
            link = reverse("portal_work:thread", kwargs={"pk": message.thread_id})
        else:
            account = dossier.client.account
            wants = account is not None and ResidentPreferences.wants_email(account)
            addresses = [account.email] if wants and account.is_active and account.email else []
            link = reverse("portal:thread", kwargs={"pk": message.thread_id})
        if addresses:
            with translation.override(settings.LANGUAGE_CODE):
                send_mail(
                    _("A new message in Buurtkompas"),
                    _(
                        "There is a new message for you in Buurtkompas. Log in to read it:\n\n"
                        "%(link)s\n\nFor your privacy this e-mail does not say what it is about."
                    )
                    % {"link": settings.SITE_URL.rstrip("/") + link},
                    None,
                    addresses,
                )
        Message.objects.filter(pk=message.pk).update(notified_at=timezone.now())
    return len(addresses)


def _team_addresses(dossier) -> list[str]:
    worker = dossier.responsible_worker
    if worker is not None and worker.is_active and worker.email:
        return [worker.email]
    return sorted(
        dossier.team.members.filter(is_active=True, role__in=[Role.SOCIAL_WORKER, Role.TEAM_LEADER])
        .exclude(email="")
        .values_list("email", flat=True)
    )


def resident_notify_answered_on_commit(*, intake: IntakeRequest) -> None:
    from apps.portal.tasks import notify_request_answered

    enqueue_on_commit(notify_request_answered, intake.pk)


@transaction.atomic
def resident_notify_answered(*, intake_id: int) -> bool:
    """Tell the resident the answer to their request waits in the portal; False when they
    were told already, chose no e-mail, or cannot be mailed."""
    from apps.portal.models import ResidentPreferences

    intake = (
        IntakeRequest.objects.select_for_update(of=("self",))
        .select_related("requested_by")
        .filter(
            pk=intake_id,
            status=IntakeRequest.Status.ANSWERED,
            answer_mailed_at__isnull=True,
            requested_by__isnull=False,
        )
        .first()
    )
    if intake is None:
        return False
    account = intake.requested_by
    if not (account.is_active and account.email and ResidentPreferences.wants_email(account)):
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("An answer to your request in Buurtkompas")
        body = _(
            "Hello,\n\n"
            "Your team answered your request %(reference)s. Log in to read it:\n%(link)s\n\n"
            "For your privacy this e-mail does not say what it is about.\n\n"
            "Kind regards,\nBuurtkompas"
        ) % {
            "reference": intake.reference,
            "link": settings.SITE_URL.rstrip("/") + reverse("portal:my_support"),
        }
    send_mail(subject, body, None, [account.email])
    IntakeRequest.objects.filter(pk=intake.pk).update(answer_mailed_at=timezone.now())
    return True


def learner_notify_offer_on_commit(*, offer) -> None:
    from apps.portal.tasks import notify_help_offer

    enqueue_on_commit(notify_help_offer, offer.pk)


@transaction.atomic
def learner_notify_offer(*, offer_id: int) -> bool:
    """Tell a learner that their facilitator wrote to them with their learning path; False
    when told already, when they chose no e-mail, or cannot be mailed."""
    from apps.learning.models import HelpOffer
    from apps.portal.models import ResidentPreferences

    offer = (
        HelpOffer.objects.select_for_update(of=("self",))
        .select_related("enrolment__learner", "enrolment__path")
        .filter(pk=offer_id, mailed_at__isnull=True)
        .first()
    )
    if offer is None:
        return False
    learner = offer.enrolment.learner
    if not (learner.is_active and learner.email and ResidentPreferences.wants_email(learner)):
        return False
    path_url = reverse("learning:path", kwargs={"slug": offer.enrolment.path.slug})
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("A message from your facilitator in Buurtkompas")
        body = _(
            "Hello,\n\n"
            "The facilitator of your learning group wrote to you. Log in to read it, with "
            "your learning path:\n%(link)s\n\n"
            "For your privacy this e-mail does not say what it is about.\n\n"
            "Kind regards,\nBuurtkompas"
        ) % {"link": settings.SITE_URL.rstrip("/") + path_url + "#help"}
    send_mail(subject, body, None, [learner.email])
    HelpOffer.objects.filter(pk=offer.pk).update(mailed_at=timezone.now())
    return True
