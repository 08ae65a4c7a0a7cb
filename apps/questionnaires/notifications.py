"""E-mail to a resident that something waits for them in the portal.

The message says nothing about what waits or why: e-mail travels and is read on shared
devices, so the content stays behind the login.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.questionnaires.models import Assignment


@transaction.atomic
def assignment_notify(*, assignment_id: int) -> bool:
    """Send the notice for a request that still waits; False when there is nothing to send
    (taken back, already started, told before, or the account or its e-mail address is
    gone).

    Sent once: the row is locked while the mail goes out and marked in the same
    transaction. A task that runs again after its worker died finds the mark, or, if the
    worker died before committing, no mark and sends (only the moment between the mail
    server accepting the message and the commit can still give a second e-mail).
    """
    assignment = (
        Assignment.objects.open()
        .filter(pk=assignment_id, response__isnull=True, notified_at__isnull=True)
        .select_for_update(of=("self",))
        .select_related("client__account")
        .first()
    )
    account = assignment.client.account if assignment is not None else None
    if account is None or not account.email:
        return False
    link = settings.SITE_URL.rstrip("/") + reverse("questionnaires:list")
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Something is waiting for you in Buurtkompas")
        body = _(
            "Hello,\n\n"
            "There is something waiting for you in Buurtkompas. "
            "Log in to see what it is:\n%(link)s\n\n"
            "You get this e-mail because you have an account with us. "
            "We never put personal details in an e-mail.\n\n"
            "Kind regards,\nBuurtkompas"
        ) % {"link": link}
    send_mail(subject, body, None, [account.email])
    Assignment.objects.filter(pk=assignment.pk).update(notified_at=timezone.now())
    return True
