import logging
import uuid
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts import policy
from apps.accounts.models import User
from apps.audit.models import AccessLogEntry
from apps.audit.services import access_log_record
from apps.dossiers.geocoding import client_geocode_on_commit
from apps.dossiers.help_requests import help_team_for
from apps.dossiers.models import (
    Action,
    Attachment,
    BreakGlassAccess,
    Client,
    ContactMoment,
    Dossier,
    Goal,
    IntakeRequest,
    LifeEvent,
    NetworkMember,
    RegisteredQuestion,
)
from apps.dossiers.notifications import (
    worker_notify_explanation_requested_on_commit,
    worker_notify_reassigned_on_commit,
)
from apps.dossiers.signals import dossier_closed, intake_answered, intake_converted
from apps.dossiers.uploads import upload_checked
from apps.organisation.models import TeamMembership

logger = logging.getLogger(__name__)


@transaction.atomic
def dossier_register(
    *,
    client,
    team,
    source: Dossier.Source,
    actor,
    responsible_worker=None,
    questions=(),
) -> Dossier:
    """Open a trajectory for a client with the questions they bring (theme, subcategory)."""
    if team.pk not in policy.team_ids_of(actor) or not policy.can(actor, "dossiers.add_dossier"):
        raise ValidationError({"team": _("You can only register dossiers for your own team.")})
    dossier = Dossier.objects.create(
        client=client,
        team=team,
        source=source,
        responsible_worker=responsible_worker or actor,
        worker_assigned_at=timezone.now(),
    )
    RegisteredQuestion.objects.bulk_create(
        [
            RegisteredQuestion(dossier=dossier, theme=theme, subcategory=sub, description=text)
            for theme, sub, text in questions
        ]
    )
    access_log_record(actor=actor, action=AccessLogEntry.Action.CREATE, obj=dossier)
    client_geocode_on_commit(client=client)
    return dossier


@transaction.atomic
def dossier_advance(
    *,
    dossier: Dossier,
    actor,
    to_status: Dossier.Status,
    closing_reason: str = "",
    ended_on: date | None = None,
) -> Dossier:
    """Move a dossier one step along aanmelding → intake → lopend → afgesloten."""
    policy.require(actor, "dossiers.change_dossier", dossier)
    if not dossier.may_move_to(to_status):
        raise ValidationError(
            {
                "status": _("A dossier goes from %(current)s only to the next step.")
                % {"current": dossier.get_status_display().lower()}
            }
        )
    fields = ["status", "updated_at"]
    if to_status == Dossier.Status.CLOSED:
        ended_on = ended_on or timezone.localdate()
        errors = {}
        if closing_reason not in Dossier.ClosingReason.values:
            errors["closing_reason"] = _("Choose why the dossier closes.")
        if ended_on < dossier.started_on or ended_on > timezone.localdate():
            errors["ended_on"] = _("The end date lies between the start date and today.")
        if errors:
            raise ValidationError(errors)
        dossier.closing_reason, dossier.ended_on = closing_reason, ended_on
        fields += ["closing_reason", "ended_on"]
    dossier.status = to_status
    dossier.save(update_fields=fields)
    access_log_record(
        actor=actor,
        action=AccessLogEntry.Action.UPDATE,
        obj=dossier,
        reason=f"status → {to_status}",
    )
    if to_status == Dossier.Status.CLOSED:
        dossier_closed.send(sender=Dossier, dossier=dossier, actor=actor)
    return dossier


@transaction.atomic
def contact_moment_log(
    *,
    dossier: Dossier,
    actor,
    occurred_at: datetime,
    mode: ContactMoment.Mode,
    duration_minutes: int,
    notes: str = "",
    client_summary: str = "",
    submission: uuid.UUID | None = None,
) -> ContactMoment:
    """A contact moment. The same `submission` (the form's own number) twice gives the
    moment of the first: a double tap on "save" adds one."""
    policy.require(actor, "dossiers.change_dossier", dossier)
    if submission is not None:
        earlier = ContactMoment.objects.filter(dossier=dossier, submission=submission).first()
        if earlier is not None:
            return earlier
    errors = {}
    if timezone.is_naive(occurred_at):
        errors["occurred_at"] = _("Give the time with its time zone.")
    elif occurred_at > timezone.now():
        errors["occurred_at"] = _("A contact moment cannot lie in the future.")
    elif timezone.localdate(occurred_at) < dossier.started_on:
        errors["occurred_at"] = _("A contact moment cannot lie before the start of the dossier.")
    if dossier.status == Dossier.Status.CLOSED:
        errors["dossier"] = _("This dossier is closed.")
    moment = ContactMoment(
        dossier=dossier,
        worker=actor,
        occurred_at=occurred_at,
        mode=mode,
        duration_minutes=duration_minutes,
        notes=notes,
        client_summary=client_summary,
        submission=submission,
    )
    try:
        moment.full_clean(exclude=["dossier", "worker"], validate_constraints=False)
    except ValidationError as invalid:
        errors.update(invalid.message_dict)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            moment.save()
    except IntegrityError:
        # The other tap saved it in the same moment.
        return ContactMoment.objects.get(dossier=dossier, submission=submission)
    access_log_record(actor=actor, action=AccessLogEntry.Action.CREATE, obj=moment)
    return moment


@transaction.atomic
def dossier_break_glass(*, dossier: Dossier, actor, reason: str) -> BreakGlassAccess:
    """Open another team's dossier for a short time, with a reason the team leader will see."""
    policy.require(actor, "dossiers.break_glass_dossier", dossier)
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError({"reason": _("Explain in a sentence why you need this dossier.")})
    now = timezone.now()
    grant = BreakGlassAccess.objects.create(
        dossier=dossier,
        actor=actor,
        reason=reason,
        granted_at=now,
        expires_at=now + timezone.timedelta(minutes=settings.BREAK_GLASS_MINUTES),
    )
    access_log_record(
        actor=actor,
        action=AccessLogEntry.Action.BREAK_GLASS,
        obj=dossier,
        reason=reason,
    )
    return grant


@transaction.atomic
def dossier_explain_long_running(*, dossier: Dossier, actor, explanation: str) -> Dossier:
    """Record why a trajectory runs over the long threshold; the team leader reads it."""
    policy.require(actor, "dossiers.change_dossier", dossier)
    explanation = explanation.strip()
    if len(explanation) < 10:
        raise ValidationError(
            {"explanation": _("Explain in a few words why support takes longer.")}
        )
    dossier.long_running_explanation = explanation
    # A team leader's request for it is answered.
    dossier.explanation_requested_at = dossier.explanation_requested_by = None
    dossier.save(
        update_fields=[
            "long_running_explanation",
            "explanation_requested_at",
            "explanation_requested_by",
            "updated_at",
        ]
    )
    access_log_record(
        actor=actor,
        action=AccessLogEntry.Action.UPDATE,
        obj=dossier,
        reason="long-running explanation",
    )
    return dossier


REASSIGN_REASON_MAX_LENGTH = 300


@transaction.atomic
def dossier_reassign(*, dossier: Dossier, actor, new_worker: User, reason: str = "") -> Dossier:
    """The team leader gives a client to another social worker of the dossier's team. The
    new worker hears of it by e-mail (without anything about the client)."""
    policy.require(actor, "dossiers.reassign_dossier", dossier)
    # Locked: two leaders giving the same client away at once end with one worker, logged.
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    previous = locked.responsible_worker
    reason = reason.strip()
    errors = {}
    if locked.status == Dossier.Status.CLOSED:
        errors["dossier"] = _("This dossier is closed.")
    if (
        new_worker is None
        or not TeamMembership.objects.filter(team_id=locked.team_id, user_id=new_worker.pk).exists()
    ):
        errors["new_worker"] = _("Choose a social worker of this dossier's team.")
    elif new_worker.pk == locked.responsible_worker_id:
        errors["new_worker"] = _("%(name)s already supports this client.") % {"name": new_worker}
    elif not new_worker.is_active:
        errors["new_worker"] = _("%(name)s can no longer log in. Choose someone else.") % {
            "name": new_worker
        }
    elif not new_worker.carries_caseload:
        errors["new_worker"] = _("%(name)s has no caseload. Choose a social worker.") % {
            "name": new_worker
        }
    if len(reason) > REASSIGN_REASON_MAX_LENGTH:
        errors["reason"] = _("Keep the reason short: at most %(limit)s characters.") % {
            "limit": REASSIGN_REASON_MAX_LENGTH
        }
    if errors:
        raise ValidationError(errors)
    dossier.responsible_worker = new_worker
    dossier.worker_assigned_at = timezone.now()
    dossier.save(update_fields=["responsible_worker", "worker_assigned_at", "updated_at"])
    what = f"social worker {previous.email if previous else '-'} → {new_worker.email}"
    access_log_record(
        actor=actor,
        action=AccessLogEntry.Action.UPDATE,
        obj=dossier,
        reason=f"{what}: {reason}" if reason else what,
    )
    worker_notify_reassigned_on_commit(dossier=dossier)
    return dossier


@transaction.atomic
def dossier_request_explanation(*, dossier: Dossier, actor) -> tuple[Dossier, bool]:
    """The team leader asks the worker why a long trajectory runs long; the worker gets an
    e-mail (without anything about the client) and sees the request with the dossier until
    they write the explanation. Asking again keeps the first request: False then."""
    policy.require(actor, "dossiers.request_explanation_dossier", dossier)
    # Locked: a double tap, or two leaders at once, make one request and send one e-mail.
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if dossier.explanation_requested_at is not None:
        return dossier, False
    worker = dossier.responsible_worker
    if dossier.status == Dossier.Status.CLOSED:
        raise ValidationError(_("This dossier is closed."))
    if dossier.duration_band() != Dossier.DurationBand.LONG:
        raise ValidationError(_("Support for this client has not lasted 6 months yet."))
    if dossier.long_running_explanation:
        raise ValidationError(_("The explanation is already written."))
    if worker is None or not worker.is_active:
        raise ValidationError(
            _("Nobody can answer: give the client to a social worker of the team first.")
        )
    dossier.explanation_requested_at = timezone.now()
    dossier.explanation_requested_by = actor
    dossier.save(
        update_fields=["explanation_requested_at", "explanation_requested_by", "updated_at"]
    )
    access_log_record(
        actor=actor,
        action=AccessLogEntry.Action.UPDATE,
        obj=dossier,
        reason=f"long-running explanation asked of {worker.email}",
    )
    worker_notify_explanation_requested_on_commit(dossier=dossier)
    return dossier, True


ADDRESS_FIELDS = ("postcode", "house_number", "street", "city")


@transaction.atomic
def client_update(*, client: Client, actor, **fields) -> Client:
    """Correct a client's details. A new address loses the old coordinates and is looked
    up again for the map. Changes are found against the stored row (a model form may
    already have changed the instance it was given)."""
    policy.require(actor, "dossiers.change_client", client)
    stored = Client.objects.select_for_update().get(pk=client.pk)
    errors = {}
    changed = [name for name, value in fields.items() if getattr(stored, name) != value]
    for name in changed:
        setattr(stored, name, fields[name])
    if set(changed) & set(ADDRESS_FIELDS):
        stored.latitude = stored.longitude = None
        changed += ["latitude", "longitude"]
    _validate(stored, exclude=["account"], errors=errors)
    if changed:
        stored.save(update_fields=changed)
        access_log_record(
            actor=actor,
            action=AccessLogEntry.Action.UPDATE,
            obj=stored,
            reason="changed: " + ", ".join(sorted(set(changed))),
        )
        client_geocode_on_commit(client=stored)
    return stored


@transaction.atomic
def dossier_set_legal_hold(*, dossier: Dossier, actor, hold: bool, reason: str = "") -> Dossier:
    """Keep a dossier past its retention period (for example for a court case), or let the
    normal retention apply again."""
    policy.require(actor, "dossiers.hold_dossier", dossier)
    Dossier.objects.select_for_update().filter(pk=dossier.pk).first()  # waits for a purge
    reason = reason.strip()
    if hold and len(reason) < 10:
        raise ValidationError({"reason": _("Explain in a sentence why the dossier is kept.")})
    dossier.legal_hold, dossier.legal_hold_reason = hold, reason if hold else ""
    dossier.save(update_fields=["legal_hold", "legal_hold_reason", "updated_at"])
    access_log_record(
        actor=actor,
        action=AccessLogEntry.Action.UPDATE,
        obj=dossier,
        reason=f"legal hold on: {reason}" if hold else "legal hold off",
    )
    return dossier


def dossiers_purge_expired(*, today: date | None = None) -> int:
    """Remove closed dossiers past their retention period, with everything in them.

    A client record goes too when no dossier is left and the client has no portal account.
    Each removal is written to the access log (which outlives it), naming only the ids.
    """
    removed = 0
    expired = Dossier.objects.past_retention(today).values_list("pk", "client_id")
    for dossier_id, client_id in expired.iterator(chunk_size=500):
        with transaction.atomic():
            # Checked again under a row lock: a legal hold set since the list was read wins.
            still_expired = Dossier.objects.past_retention(today).select_for_update()
            if not still_expired.filter(pk=dossier_id).exists():
                continue
            _delete_files_on_commit(
                Attachment.objects.filter(dossier_id=dossier_id).values_list("file", flat=True)
            )
            Dossier.objects.filter(pk=dossier_id).delete()
            Client.objects.filter(
                pk=client_id, account__isnull=True, dossiers__isnull=True
            ).delete()
            access_log_record(
                actor=None,
                action=AccessLogEntry.Action.PURGE,
                object_type=Dossier._meta.label_lower,
                object_id=str(dossier_id),
                reason=f"retention {settings.DOSSIER_RETENTION_YEARS} years after closing",
            )
        removed += 1
    logger.info("Dossier retention: removed %d closed dossiers", removed)
    return removed


@transaction.atomic
def intake_convert(
    *, intake: IntakeRequest, actor, questions, existing_client: Client | None = None
) -> Dossier:
    """Turn a waiting intake request into a dossier in the intake step.

    With `existing_client` the request is merged into a client we already know; only a
    client that the request's duplicate check found may be chosen.
    """
    policy.require(actor, "dossiers.handle_intakerequest", intake)
    intake = IntakeRequest.objects.select_for_update().get(pk=intake.pk)
    errors = {}
    if intake.status != IntakeRequest.Status.NEW:
        errors["status"] = _("Someone already handled this request.")
    elif intake.kind != IntakeRequest.Kind.HELP:
        errors["status"] = _("A request to delete data is answered, not turned into a dossier.")
    if not questions:
        errors["questions"] = _("Register at least one question with its theme.")
    if existing_client and not intake.possible_duplicates().filter(pk=existing_client.pk).exists():
        errors["existing_client"] = _("Choose one of the clients that look like this person.")
    if errors:
        raise ValidationError(errors)
    # A request sent while logged in links the client to that portal account, so the
    # resident sees their support online; an account belongs to one client only.
    account_id = intake.requested_by_id
    if account_id and Client.objects.filter(account_id=account_id).exists():
        account_id = None
    if existing_client:
        client = existing_client
        client.phone = client.phone or intake.phone
        client.email = client.email or intake.email
        client.account_id = client.account_id or account_id
        client.save(update_fields=["phone", "email", "account"])
    else:
        client = Client.objects.create(
            # Asked online without a name: the worker asks it and corrects the client.
            first_name=intake.first_name or _("Anonymous"),
            last_name=intake.last_name or intake.reference or "",
            birth_date=intake.birth_date,
            postcode=intake.postcode,
            house_number=intake.house_number,
            phone=intake.phone,
            email=intake.email,
            account_id=account_id,
        )
    dossier = Dossier.objects.create(
        client=client,
        team=intake.team,
        source=intake.source,
        responsible_worker=actor,
        worker_assigned_at=timezone.now(),
        status=Dossier.Status.INTAKE,
    )
    RegisteredQuestion.objects.bulk_create(
        [
            RegisteredQuestion(dossier=dossier, theme=theme, subcategory=sub, description=text)
            for theme, sub, text in questions
        ]
    )
    intake.status = IntakeRequest.Status.CONVERTED
    intake.handled_by = actor
    intake.dossier = dossier
    intake.save(update_fields=["status", "handled_by", "dossier"])
    access_log_record(actor=actor, action=AccessLogEntry.Action.CREATE, obj=dossier)
    intake_converted.send(sender=IntakeRequest, intake=intake, dossier=dossier, actor=actor)
    client_geocode_on_commit(client=client)
    return dossier


@transaction.atomic
def erasure_request_answer(*, intake: IntakeRequest, actor, answer: str) -> IntakeRequest:
    """Answer a resident's request to delete their data: what was deleted, and what the law
    makes us keep and until when. The resident reads the answer under "My support"."""
    policy.require(actor, "dossiers.handle_intakerequest", intake)
    intake = IntakeRequest.objects.select_for_update().get(pk=intake.pk)
    errors = {}
    if intake.kind != IntakeRequest.Kind.ERASURE or intake.status != IntakeRequest.Status.NEW:
        errors["answer"] = _("Someone already handled this request.")
    elif not answer.strip():
        errors["answer"] = _("Write what you deleted and what we must keep, and why.")
    if errors:
        raise ValidationError(errors)
    intake.status = IntakeRequest.Status.ANSWERED
    intake.handled_by = actor
    intake.answer = answer.strip()
    intake.save(update_fields=["status", "handled_by", "answer"])
    access_log_record(actor=actor, action=AccessLogEntry.Action.UPDATE, obj=intake)
    intake_answered.send(sender=IntakeRequest, intake=intake, actor=actor)
    return intake


def _change_open_dossier(dossier: Dossier, actor, permission="dossiers.change_dossier") -> None:
    """The actor may change this open dossier."""
    policy.require(actor, permission, dossier)
    if dossier.status == Dossier.Status.CLOSED:
        raise ValidationError({"dossier": _("This dossier is closed.")})


def _validate(record, *, exclude=("dossier",), errors=None) -> None:
    """Raise the model's field errors and the caller's own `errors` together."""
    errors = dict(errors or {})
    try:
        record.full_clean(exclude=list(exclude))
    except ValidationError as invalid:
        for field, messages in invalid.message_dict.items():
            errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)


def _save_new(record, *, actor, exclude=("dossier",), errors=None):
    """Validate a new record of a dossier, save it and log its creation."""
    _validate(record, exclude=exclude, errors=errors)
    record.save()
    access_log_record(actor=actor, action=AccessLogEntry.Action.CREATE, obj=record)
    return record


def _delete(record, *, actor, permission: str) -> None:
    _change_open_dossier(record.dossier, actor, permission)
    record_id = record.pk
    record.delete()
    access_log_record(
        actor=actor,
        action=AccessLogEntry.Action.DELETE,
        object_type=record._meta.label_lower,
        object_id=str(record_id),
    )


@transaction.atomic
def plan_goal_add(*, dossier: Dossier, actor, question: str) -> Goal:
    _change_open_dossier(dossier, actor)
    question = question.strip()
    if not question:
        raise ValidationError({"question": _("Write the goal, in the client's words.")})
    return _save_new(Goal(dossier=dossier, question=question), actor=actor)


@transaction.atomic
def plan_goal_set_achieved(*, goal: Goal, actor, achieved: bool) -> Goal:
    """Mark a goal as reached today, or open it again."""
    _change_open_dossier(goal.dossier, actor)
    goal.achieved_on = timezone.localdate() if achieved else None
    goal.save(update_fields=["achieved_on"])
    access_log_record(
        actor=actor,
        action=AccessLogEntry.Action.UPDATE,
        obj=goal,
        reason="achieved" if achieved else "reopened",
    )
    return goal


@transaction.atomic
def plan_action_add(*, goal: Goal, actor, description: str, owner: str, target_date=None) -> Action:
    _change_open_dossier(goal.dossier, actor)
    action = Action(
        goal=goal, description=description.strip(), owner=owner, target_date=target_date
    )
    errors = {}
    if target_date and target_date < goal.dossier.started_on:
        errors["target_date"] = [_("The date lies before the start of the dossier.")]
    return _save_new(action, actor=actor, exclude=["goal"], errors=errors)


@transaction.atomic
def plan_action_set_status(*, action: Action, actor, status: str) -> Action:
    _change_open_dossier(action.goal.dossier, actor)
    if status not in Action.Status.values:
        raise ValidationError({"status": _("Choose one of the statuses.")})
    action.status = status
    action.save(update_fields=["status"])
    access_log_record(
        actor=actor,
        action=AccessLogEntry.Action.UPDATE,
        obj=action,
        reason=f"status → {status}",
    )
    return action


@transaction.atomic
def own_action_tick(*, action: Action, actor, done: bool) -> Action:
    """The client ticks off an action of their plan that is theirs to do, or unticks it; the
    worker sees it in the plan."""
    policy.require(actor, "dossiers.tick_own_action", action)
    if action.goal.dossier.status == Dossier.Status.CLOSED:
        raise ValidationError(_("This dossier is closed."), code="closed")
    if action.status == Action.Status.STOPPED:
        raise ValidationError(_("This action was stopped."), code="stopped")
    status = Action.Status.DONE if done else Action.Status.OPEN
    if action.status != status:
        action.status = status
        action.save(update_fields=["status"])
        access_log_record(
            actor=actor,
            action=AccessLogEntry.Action.UPDATE,
            obj=action,
            reason=f"status → {status} (by the client)",
        )
    return action


@transaction.atomic
def network_member_save(
    *, dossier: Dossier, actor, member: NetworkMember | None = None, **fields
) -> NetworkMember:
    """Add someone to the client's network, or change them (`member`)."""
    if member is None:
        _change_open_dossier(dossier, actor, "dossiers.add_networkmember")
        return _save_new(NetworkMember(dossier=dossier, **fields), actor=actor)
    _change_open_dossier(dossier, actor, "dossiers.change_networkmember")
    for name, value in fields.items():
        setattr(member, name, value)
    member.full_clean(exclude=["dossier"])
    member.save()
    access_log_record(actor=actor, action=AccessLogEntry.Action.UPDATE, obj=member)
    return member


@transaction.atomic
def network_member_remove(*, member: NetworkMember, actor) -> None:
    _delete(member, actor=actor, permission="dossiers.delete_networkmember")


@transaction.atomic
def life_event_add(
    *, dossier: Dossier, actor, occurred_on: date, kind: str, description: str = ""
) -> LifeEvent:
    _change_open_dossier(dossier, actor, "dossiers.add_lifeevent")
    errors = {}
    if occurred_on > timezone.localdate():
        errors["occurred_on"] = [_("A life event has already happened: choose a past date.")]
    elif dossier.client.birth_date and occurred_on < dossier.client.birth_date:
        errors["occurred_on"] = [_("The date lies before the client's birth date.")]
    event = LifeEvent(
        dossier=dossier, occurred_on=occurred_on, kind=kind, description=description.strip()
    )
    return _save_new(event, actor=actor, errors=errors)


@transaction.atomic
def life_event_remove(*, event: LifeEvent, actor) -> None:
    _delete(event, actor=actor, permission="dossiers.delete_lifeevent")


def attachment_add(
    *, dossier: Dossier, actor, upload, title: str, goal=None, contact_moment=None
) -> Attachment:
    """Store a photo or scan with the dossier, optionally with the goal or contact moment
    of that dossier it records. Only JPEG, PNG and PDF, recognised by their content rather
    than their name, and no larger than ATTACHMENT_MAX_MEGABYTES. Photos are stored drawn
    again, without the metadata (such as a GPS position) they came with."""
    _change_open_dossier(dossier, actor, "dossiers.add_attachment")
    errors = {}
    if goal is not None and contact_moment is not None:
        errors["belongs_to"] = [_("Link the file to a goal or a contact moment, not both.")]
    elif any(
        record is not None and record.dossier_id != dossier.pk for record in (goal, contact_moment)
    ):
        errors["belongs_to"] = [_("Choose a goal or contact moment of this dossier.")]
    content_type = None
    try:
        upload, content_type = upload_checked(upload)
    except ValidationError as refused:
        errors.update(refused.message_dict)
    attachment = Attachment(
        dossier=dossier,
        title=title.strip(),
        original_name=(upload.name or "")[-255:],
        content_type=content_type or "",
        size=upload.size,
        uploaded_by=actor,
        goal=goal,
        contact_moment=contact_moment,
    )
    # A refused file has no kind: only the reason it was refused is shown, not also that
    # the kind is missing.
    refused = ["content_type", "size"] if errors else []
    _validate(attachment, exclude=["dossier", "file", *refused], errors=errors)
    attachment.file.save("upload", upload, save=False)
    try:
        with transaction.atomic():
            return _save_new(attachment, actor=actor)
    except Exception:
        attachment.file.delete(save=False)
        raise


@transaction.atomic
def attachment_remove(*, attachment: Attachment, actor) -> None:
    _delete(attachment, actor=actor, permission="dossiers.delete_attachment")
    _delete_files_on_commit([attachment.file.name])


def _delete_files_on_commit(names) -> None:
    """Files go only once the rows are gone for good: a rollback keeps both."""
    names = list(names)
    storage = Attachment.file.field.storage
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


@transaction.atomic
def intake_request_register(*, actor, team, **fields) -> IntakeRequest:
    """A request for help noted by a worker (for example on the phone), for their own team's
    intake queue."""
    policy.require(actor, "dossiers.view_intake_queue")
    errors = {}
    if team is None or team.pk not in policy.team_ids_of(actor):
        errors["team"] = [_("You can only add requests for your own team.")]
    return _intake_request_save(actor=actor, team=team, errors=errors, **fields)


@transaction.atomic
def intake_request_submit_online(*, actor, **fields) -> IntakeRequest:
    """A resident asks for help in the portal, with or without an account, and may leave
    their name out: the request waits in the intake queue of the team their postcode and
    theme find (`help_team_for`), with a reference they can quote. Asked while logged in,
    the resident follows it under "My support"."""
    errors = {}
    found = help_team_for(
        postcode=fields.get("postcode", ""), theme=fields.get("theme"), resident=actor
    )
    team = found.team if found else None
    if team is None:
        errors["team"] = [_("We cannot take requests online at the moment. Please call us.")]
    if policy.can(actor, "dossiers.follow_own_help_request"):
        fields["requested_by"] = actor
        fields["email"] = fields.get("email") or actor.email
    if not fields.get("question", "").strip():
        errors["question"] = [_("Write your question in a few words.")]
    if not (fields.get("phone") or fields.get("email")):
        errors["phone"] = [_("Give a phone number or an e-mail address, so we can reach you.")]
    contact_by = fields.get("contact_by")
    if contact_by == IntakeRequest.ContactBy.PHONE and not fields.get("phone"):
        errors["phone"] = [_("Give the phone number we may call.")]
    if contact_by == IntakeRequest.ContactBy.HOME_VISIT and not (
        fields.get("postcode") and fields.get("house_number")
    ):
        errors["house_number"] = [_("Give your postcode and house number, so we can visit you.")]
    fields["source"] = Dossier.Source.ONLINE
    fields["reference"] = IntakeRequest.new_reference()
    return _intake_request_save(actor=actor, team=team, errors=errors, **fields)


def _intake_request_save(*, actor, team, errors, **fields) -> IntakeRequest:
    """Check and store a request for an intake queue, however it came in."""
    intake = IntakeRequest(team=team, **fields)
    if intake.source != Dossier.Source.ONLINE:
        # Only a resident asking online may leave their name out.
        for name in ("first_name", "last_name"):
            if not intake.__dict__[name].strip():
                errors.setdefault(name, []).append(_("This field is required."))
    return _save_new(intake, actor=actor, exclude=["team"], errors=errors)


@transaction.atomic
def question_register(
    *, dossier: Dossier, actor, theme, subcategory: str = "", description: str = ""
) -> RegisteredQuestion:
    """Register one more question the client brings, under one of the social themes."""
    _change_open_dossier(dossier, actor)
    question = RegisteredQuestion(
        dossier=dossier,
        theme=theme,
        subcategory=subcategory.strip(),
        description=description.strip(),
    )
    return _save_new(question, actor=actor)


@transaction.atomic
def referral_receive(*, partner, team=None, **fields) -> IntakeRequest:
    """A referral from a partner system (a GP's or school's software) for a team's intake
    queue. The partner's own record decides the source and the referrer; the team must be
    one the partner was set up for, and may be left out when there is only one."""
    policy.require(partner, "dossiers.add_referral")
    errors = {}
    if team is None:
        teams = list(partner.partner_system.teams.all()[:2])
        if len(teams) == 1:
            team = teams[0]
        else:
            errors["team"] = [_("Choose the team this referral is for.")]
    elif not policy.can(partner, "dossiers.refer_to_team", team):
        errors["team"] = [_("You cannot send referrals to this team.")]
    return _intake_request_save(
        actor=partner,
        team=team,
        errors=errors,
        source=partner.partner_system.kind,
        referrer=partner.partner_system.name,
        **fields,
    )
