import logging
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts import policy
from apps.audit.models import AccessLogEntry
from apps.audit.services import access_log_record
from apps.dossiers.models import (
    Action,
    BreakGlassAccess,
    Client,
    ContactMoment,
    Dossier,
    Goal,
    IntakeRequest,
    RegisteredQuestion,
    normalise_postcode,
)

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
    request=None,
) -> Dossier:
    """Open a trajectory for a client with the questions they bring (theme, subcategory)."""
    if team.pk not in policy.team_ids_of(actor) or not policy.can(actor, "dossiers.add_dossier"):
        raise ValidationError({"team": _("You can only register dossiers for your own team.")})
    dossier = Dossier.objects.create(
        client=client, team=team, source=source, responsible_worker=responsible_worker or actor
    )
    RegisteredQuestion.objects.bulk_create(
        [
            RegisteredQuestion(dossier=dossier, theme=theme, subcategory=sub, description=text)
            for theme, sub, text in questions
        ]
    )
    access_log_record(
        actor=actor, action=AccessLogEntry.Action.CREATE, obj=dossier, request=request
    )
    return dossier


@transaction.atomic
def dossier_advance(
    *,
    dossier: Dossier,
    actor,
    to_status: Dossier.Status,
    closing_reason: str = "",
    ended_on: date | None = None,
    request=None,
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
        request=request,
        reason=f"status → {to_status}",
    )
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
    request=None,
) -> ContactMoment:
    policy.require(actor, "dossiers.change_dossier", dossier)
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
    )
    try:
        moment.full_clean(exclude=["dossier", "worker"])
    except ValidationError as invalid:
        errors.update(invalid.message_dict)
    if errors:
        raise ValidationError(errors)
    moment.save()
    access_log_record(actor=actor, action=AccessLogEntry.Action.CREATE, obj=moment, request=request)
    return moment


@transaction.atomic
def dossier_break_glass(*, dossier: Dossier, actor, reason: str, request=None) -> BreakGlassAccess:
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
        request=request,
        reason=reason,
    )
    return grant


@transaction.atomic
def dossier_explain_long_running(
    *, dossier: Dossier, actor, explanation: str, request=None
) -> Dossier:
    """Record why a trajectory runs over the long threshold; the team leader reads it."""
    policy.require(actor, "dossiers.change_dossier", dossier)
    explanation = explanation.strip()
    if len(explanation) < 10:
        raise ValidationError(
            {"explanation": _("Explain in a few words why support takes longer.")}
        )
    dossier.long_running_explanation = explanation
    dossier.save(update_fields=["long_running_explanation", "updated_at"])
    access_log_record(
        actor=actor,
        action=AccessLogEntry.Action.UPDATE,
        obj=dossier,
        request=request,
        reason="long-running explanation",
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
    *, intake: IntakeRequest, actor, questions, existing_client: Client | None = None, request=None
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
    if not questions:
        errors["questions"] = _("Register at least one question with its theme.")
    if existing_client and not intake.possible_duplicates().filter(pk=existing_client.pk).exists():
        errors["existing_client"] = _("Choose one of the clients that look like this person.")
    if errors:
        raise ValidationError(errors)
    if existing_client:
        client = existing_client
        client.phone = client.phone or intake.phone
        client.email = client.email or intake.email
        client.save(update_fields=["phone", "email"])
    else:
        client = Client.objects.create(
            first_name=intake.first_name,
            last_name=intake.last_name,
            birth_date=intake.birth_date,
            postcode=normalise_postcode(intake.postcode) if intake.postcode else "",
            house_number=intake.house_number,
            phone=intake.phone,
            email=intake.email,
        )
    dossier = Dossier.objects.create(
        client=client,
        team=intake.team,
        source=intake.source,
        responsible_worker=actor,
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
    access_log_record(
        actor=actor, action=AccessLogEntry.Action.CREATE, obj=dossier, request=request
    )
    return dossier


def _require_open_dossier(dossier: Dossier, actor) -> None:
    policy.require(actor, "dossiers.change_dossier", dossier)
    if dossier.status == Dossier.Status.CLOSED:
        raise ValidationError({"dossier": _("This dossier is closed.")})


@transaction.atomic
def plan_goal_add(*, dossier: Dossier, actor, question: str, request=None) -> Goal:
    _require_open_dossier(dossier, actor)
    question = question.strip()
    if not question:
        raise ValidationError({"question": _("Write the goal, in the client's words.")})
    goal = Goal(dossier=dossier, question=question)
    goal.full_clean(exclude=["dossier"])
    goal.save()
    access_log_record(actor=actor, action=AccessLogEntry.Action.CREATE, obj=goal, request=request)
    return goal


@transaction.atomic
def plan_action_add(
    *, goal: Goal, actor, description: str, owner: str, target_date=None, request=None
) -> Action:
    _require_open_dossier(goal.dossier, actor)
    action = Action(
        goal=goal, description=description.strip(), owner=owner, target_date=target_date
    )
    errors = {}
    try:
        action.full_clean(exclude=["goal"])
    except ValidationError as invalid:
        errors.update(invalid.message_dict)
    if target_date and target_date < goal.dossier.started_on:
        errors["target_date"] = [_("The date lies before the start of the dossier.")]
    if errors:
        raise ValidationError(errors)
    action.save()
    access_log_record(actor=actor, action=AccessLogEntry.Action.CREATE, obj=action, request=request)
    return action


@transaction.atomic
def plan_action_set_status(*, action: Action, actor, status: str, request=None) -> Action:
    _require_open_dossier(action.goal.dossier, actor)
    if status not in Action.Status.values:
        raise ValidationError({"status": _("Choose one of the statuses.")})
    action.status = status
    action.save(update_fields=["status"])
    access_log_record(
        actor=actor,
        action=AccessLogEntry.Action.UPDATE,
        obj=action,
        request=request,
        reason=f"status → {status}",
    )
    return action
