"""Measurements a social worker records in a dossier, and requests to the client to fill
in a scan in the portal."""

from collections.abc import Mapping
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts import policy
from apps.audit.models import AccessLogEntry
from apps.audit.services import access_log_record
from apps.core.outbox import enqueue_on_commit
from apps.dossiers.models import Client, Dossier
from apps.questionnaires.models import (
    Assignment,
    Instrument,
    Response,
)
from apps.questionnaires.selectors import assignable_instruments
from apps.questionnaires.services.answering import (
    response_answer_save,
    response_complete,
    response_start,
)
from apps.questionnaires.tasks import notify_assignment

# Two starts of the same measurement this close together are one double click.
DOUBLE_START_WINDOW = timedelta(minutes=2)


def measurement_mode(instrument: Instrument) -> Response.Mode:
    """How a worker records this instrument: a worker's scale (ZRM, the ladder) alone, a
    resident's scan together with the client. Surveys evaluate our work: never by a worker."""
    if instrument.purpose == Instrument.Purpose.SURVEY:
        raise ValidationError(
            {"instrument": _("A social worker cannot fill in this questionnaire.")},
            code="survey",
        )
    if instrument.filled_by == Instrument.FilledBy.WORKER:
        return Response.Mode.BY_WORKER
    return Response.Mode.TOGETHER


def measurement_start(
    *,
    dossier: Dossier,
    instrument: Instrument,
    actor,
    moment: Response.Moment = Response.Moment.NONE,
    client_consents: bool = False,
) -> Response:
    """A worker starts recording a measurement in the dossier. Filled in together, the
    client must agree first: the answers are theirs as much as the worker's."""
    with transaction.atomic():
        policy.require(actor, "questionnaires.record_measurement", dossier)
        mode = measurement_mode(instrument)
        if mode == Response.Mode.TOGETHER and not client_consents:
            raise ValidationError(
                {"client_consents": _("Ask the client first whether they agree.")},
                code="no_consent",
            )
        # A double click on "start" goes on with the measurement the first click began.
        Dossier.objects.select_for_update().filter(pk=dossier.pk).first()
        just_started = (
            Response.objects.in_progress()
            .filter(
                dossier=dossier,
                version__instrument=instrument,
                recorded_by=actor,
                moment=moment,
                started_at__gte=timezone.now() - DOUBLE_START_WINDOW,
            )
            .first()
        )
        if just_started is not None:
            return just_started
        response = response_start(
            instrument=instrument, mode=mode, dossier=dossier, recorded_by=actor, moment=moment
        )
        access_log_record(actor=actor, action=AccessLogEntry.Action.CREATE, obj=response)
    return response


def measurement_save(
    *, response: Response, answers: Mapping[str, object], actor, complete: bool
) -> Response:
    """The worker saves the answers of a measurement they record, and finishes it when
    `complete`. Nothing is stored when an answer is wrong."""
    with transaction.atomic():
        policy.require(actor, "questionnaires.change_response", response)
        response = response_answer_save(response=response, answers=answers)
        if complete:
            response = response_complete(response=response)
        access_log_record(
            actor=actor,
            action=AccessLogEntry.Action.UPDATE,
            obj=response,
            reason="completed" if complete else "",
        )
    return response


def assignment_create(
    *,
    dossier: Dossier,
    instrument: Instrument,
    actor,
    moment: Response.Moment = Response.Moment.NONE,
) -> Assignment:
    """Ask the client to fill in a scan in the portal. They get an e-mail that says only
    that something waits for them. Asking twice gives the request that already waits."""
    with transaction.atomic():
        policy.require(actor, "questionnaires.add_assignment", dossier)
        if not assignable_instruments().filter(pk=instrument.pk).exists():
            raise ValidationError(
                {"instrument": _("A client cannot be asked to fill in this questionnaire.")},
                code="not_assignable",
            )
        return assignment_send(
            client=dossier.client,
            dossier=dossier,
            instrument=instrument,
            actor=actor,
            moment=moment,
        )


def assignment_send(
    *, client: Client, dossier, instrument, actor, moment=Response.Moment.NONE
) -> Assignment:
    if client.account_id is None:
        raise ValidationError(
            _("This client has no account in the portal yet, so they cannot get a request."),
            code="no_account",
        )
    Client.objects.select_for_update().filter(pk=client.pk).first()
    waiting = Assignment.objects.filter(
        client=client, instrument=instrument, cancelled_at__isnull=True, response__isnull=True
    ).first()
    if waiting is not None:
        return waiting
    assignment = Assignment.objects.create(
        client=client, dossier=dossier, instrument=instrument, assigned_by=actor, moment=moment
    )
    access_log_record(actor=actor, action=AccessLogEntry.Action.CREATE, obj=assignment)
    enqueue_on_commit(notify_assignment, assignment.pk)
    return assignment


@transaction.atomic
def assignment_cancel(*, assignment: Assignment, actor) -> Assignment:
    """Take back a request the client has not started yet."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("dossier")
        .get(pk=assignment.pk)
    )
    policy.require(actor, "questionnaires.add_assignment", assignment.dossier)
    if assignment.cancelled_at is not None:
        return assignment
    if assignment.response_id is not None:
        raise ValidationError(
            _("The client has already started on this. It can no longer be taken back."),
            code="started",
        )
    assignment.cancelled_at = timezone.now()
    assignment.save(update_fields=["cancelled_at"])
    access_log_record(
        actor=actor,
        action=AccessLogEntry.Action.UPDATE,
        obj=assignment,
        reason="cancelled",
    )
    return assignment


def assignment_start(*, assignment: Assignment, actor) -> Response:
    """The resident begins what their worker asked; a second start goes on with the first."""
    with transaction.atomic():
        policy.require(actor, "questionnaires.start_assignment", assignment)
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        first_start = assignment.response_id is None
        response = response_start(
            instrument=assignment.instrument,
            mode=Response.Mode.SELF,
            respondent=actor,
            client=assignment.client,
            assignment=assignment,
        )
        if first_start:
            # The dossier page shows the request as started from now on.
            access_log_record(actor=actor, action=AccessLogEntry.Action.CREATE, obj=response)
    return response
