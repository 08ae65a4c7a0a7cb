"""Writing journeys (saved with their steps in one go, published and taken back by those
who may) and secure messages between a resident and their team."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts import policy
from apps.audit.models import AccessLogEntry
from apps.audit.services import access_log_record
from apps.dossiers import services as dossier_services
from apps.dossiers.models import Client, ContactMoment, IntakeRequest
from apps.dossiers.uploads import upload_checked
from apps.portal.models import (
    Journey,
    Message,
    MessageAttachment,
    MessageThread,
    ResidentPreferences,
)
from apps.portal.notifications import message_notify_on_commit


@transaction.atomic
def journey_save(*, actor, form, steps) -> Journey:
    """Save a journey from its form and its steps' formset, both valid, as `actor` last
    edited it."""
    journey = form.instance
    if journey.pk is None:
        policy.require(actor, "portal.add_journey")
    else:
        policy.require(actor, "portal.change_journey", Journey.objects.get(pk=journey.pk))
    journey = form.save(commit=False)
    journey.updated_by = actor
    journey.save()
    steps.instance = journey
    steps.save()
    return journey


@transaction.atomic
def journey_publish(*, actor, journey: Journey, publish: bool) -> Journey:
    """Publish a draft, or take a published journey back to draft (off the portal)."""
    policy.require(actor, "portal.publish_journey")
    journey = Journey.objects.select_for_update().get(pk=journey.pk)
    if publish:
        if journey.is_published:
            raise ValidationError(_("This journey is published already."))
        if not journey.steps.exists():
            raise ValidationError(_("Add at least one step before you publish the journey."))
        journey.status, journey.published_at = Journey.Status.PUBLISHED, timezone.now()
    else:
        if not journey.is_published:
            raise ValidationError(_("This journey is a draft already."))
        journey.status = Journey.Status.DRAFT
    journey.updated_by = actor
    journey.save(update_fields=["status", "published_at", "updated_by", "updated_at"])
    return journey


# --- Secure messages --------------------------------------------------------------------

# What a written answer counts for in the statistics of contact time: a message has no
# duration of its own, and a contact moment needs one.
MESSAGE_MINUTES = 5
ATTACHMENTS_PER_MESSAGE = 3
SUBJECT_MAX_LENGTH = 150
BODY_MAX_LENGTH = 5000


@transaction.atomic
def thread_start(*, actor, dossier, subject: str, body: str, uploads=()) -> MessageThread:
    """A new conversation about the dossier, with its first message."""
    policy.require(actor, "portal.add_messagethread", dossier)
    subject = subject.strip()
    errors = {}
    if not subject:
        errors["subject"] = [_("Give the conversation a subject, in a few words.")]
    elif len(subject) > SUBJECT_MAX_LENGTH:
        errors["subject"] = [_("Make the subject shorter: at most 150 characters.")]
    try:
        checked = _checked_message(body, uploads)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    thread = MessageThread.objects.create(dossier=dossier, subject=subject, started_by=actor)
    access_log_record(actor=actor, action=AccessLogEntry.Action.CREATE, obj=thread)
    _message_add(actor=actor, thread=thread, body=body.strip(), checked=checked)
    return thread


@transaction.atomic
def message_send(*, actor, thread: MessageThread, body: str, uploads=()) -> Message:
    """A message in a conversation: from the client, or from the team, when it is also a
    contact moment of mode "message" in the dossier. The other side gets an e-mail that
    says there is a message, never what it says."""
    thread = (
        MessageThread.objects.select_for_update(of=("self",))
        .select_related("dossier__client")
        .get(pk=thread.pk)
    )
    policy.require(actor, "portal.add_message", thread)
    checked = _checked_message(body, uploads)
    return _message_add(actor=actor, thread=thread, body=body.strip(), checked=checked)


def _checked_message(body: str, uploads) -> list:
    errors = {}
    if not body.strip():
        errors["body"] = [_("Write your message.")]
    elif len(body) > BODY_MAX_LENGTH:
        errors["body"] = [_("Make the message shorter: at most 5000 characters.")]
    checked = []
    if len(uploads) > ATTACHMENTS_PER_MESSAGE:
        errors["uploads"] = [_("Send at most 3 files with one message.")]
    else:
        for upload in uploads:
            try:
                checked.append((upload.name, *upload_checked(upload)))
            except ValidationError as refused:
                errors.setdefault("uploads", []).extend(
                    f"{upload.name}: {message}" for message in refused.messages
                )
    if errors:
        raise ValidationError(errors)
    return checked


def _message_add(*, actor, thread, body: str, checked) -> Message:
    dossier = thread.dossier
    from_client = policy.can(actor, "dossiers.view_own_dossier", dossier)
    message = Message.objects.create(
        thread=thread, sender=actor, from_client=from_client, body=body
    )
    if not from_client:
        message.contact_moment = dossier_services.contact_moment_log(
            dossier=dossier,
            actor=actor,
            occurred_at=message.sent_at,
            mode=ContactMoment.Mode.MESSAGE,
            duration_minutes=MESSAGE_MINUTES,
            notes=_("Message in the portal: %(subject)s") % {"subject": thread.subject},
        )
        message.save(update_fields=["contact_moment"])
    stored = []
    try:
        for name, upload, content_type in checked:
            attachment = MessageAttachment(
                message=message,
                original_name=(name or "")[-255:],
                content_type=content_type,
                size=upload.size,
            )
            attachment.file.save("upload", upload, save=False)
            stored.append(attachment.file)
            attachment.save()
    except Exception:
        for file in stored:
            file.delete(save=False)
        raise
    MessageThread.objects.filter(pk=thread.pk).update(last_message_at=message.sent_at)
    access_log_record(actor=actor, action=AccessLogEntry.Action.CREATE, obj=message)
    message_notify_on_commit(message=message)
    return message


def messages_mark_read(*, actor, thread: MessageThread, shown: list[dict]) -> int:
    """The read receipt: what the other side sent is read once the reader had it on their
    screen (`shown`, from selectors.thread_messages). Staff who look on behalf of the team
    read for the team. Nothing new to mark: no query."""
    from_client = not policy.can(actor, "dossiers.view_own_dossier", thread.dossier)
    unread = [
        message["id"]
        for message in shown
        if message["from_client"] == from_client and message["read_at"] is None
    ]
    if not unread:
        return 0
    return Message.objects.filter(pk__in=unread, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- A resident's own data ----------------------------------------------------------------


def preferences_save(*, actor, email_notifications: bool) -> ResidentPreferences:
    policy.require(actor, "portal.view_own_data")
    preferences, _created = ResidentPreferences.objects.update_or_create(
        resident=actor, defaults={"email_notifications": email_notifications}
    )
    return preferences


@transaction.atomic
def own_details_save(*, actor, first_name: str, last_name: str, **client_fields) -> None:
    """A resident corrects their name and, when we support them, the contact details of
    their client record: the same change a worker makes, logged the same way."""
    policy.require(actor, "portal.view_own_data")
    client = Client.objects.filter(account=actor).first()
    if client is not None:
        dossier_services.client_update(
            client=client, actor=actor, first_name=first_name, last_name=last_name, **client_fields
        )
    if (actor.first_name, actor.last_name) != (first_name, last_name):
        actor.first_name, actor.last_name = first_name, last_name
        actor.save(update_fields=["first_name", "last_name"])


def erasure_request_text() -> str:
    """The request as the team reads it, in the site's language whoever asks."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "I ask you to delete my personal data (right to erasure, GDPR article 17). "
            "Please tell me what you delete, and what you must keep by law and why."
        )


@transaction.atomic
def erasure_request(*, actor):
    """The resident asks for their data to be deleted. It reaches their team (of their
    newest dossier, else the one near their postcode) as a request of its own kind in the
    intake queue: legal retention may apply, so a person decides and answers. Asked once
    until it is answered."""
    policy.require(actor, "portal.view_own_data")
    text = erasure_request_text()
    if IntakeRequest.objects.filter(
        requested_by=actor, status=IntakeRequest.Status.NEW, kind=IntakeRequest.Kind.ERASURE
    ).exists():
        raise ValidationError(_("You asked for this already. Your team is working on it."))
    client = Client.objects.filter(account=actor).order_by("-pk").first()
    return dossier_services.intake_request_submit_online(
        actor=actor,
        question=text,
        first_name=actor.first_name,
        last_name=actor.last_name,
        postcode=client.postcode if client else "",
        email=actor.email,
        contact_by=IntakeRequest.ContactBy.MESSAGE,
        kind=IntakeRequest.Kind.ERASURE,
    )
