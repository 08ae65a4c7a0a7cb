"""The resident's own self-scans in the portal: starting and sharing them, keeping a scan
made without an account, and asking to talk about one (a request for help with the scan
attached only by consent)."""

from collections.abc import Mapping
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts import policy
from apps.audit.models import AccessLogEntry
from apps.audit.services import access_log_record
from apps.dossiers.models import Client, Dossier, IntakeRequest
from apps.dossiers.services import intake_request_submit_online
from apps.questionnaires.models import (
    Assignment,
    InstrumentVersion,
    Response,
)
from apps.questionnaires.services.answering import (
    answers_clean,
    response_answer_save,
    response_complete,
    response_start,
)
from apps.questionnaires.services.measurements import assignment_start


def self_scan_start(*, version: InstrumentVersion, actor) -> Response:
    """A resident starts a scan of their own; it is kept so they can stop and go on later.
    It belongs to their client record when they have one, but no worker sees it until the
    resident shares it."""
    policy.require(actor, "questionnaires.add_response")
    client = Client.objects.filter(account=actor).first()
    # Their worker asked for this very scan: starting it from the list answers the request.
    waiting = (
        Assignment.objects.open()
        .filter(client=client, instrument=version.instrument, response__isnull=True)
        .first()
        if client is not None
        else None
    )
    if waiting is not None:
        return assignment_start(assignment=waiting, actor=actor)
    response = response_start(
        instrument=version.instrument,
        mode=Response.Mode.SELF,
        respondent=actor,
        client=client,
    )
    access_log_record(actor=actor, action=AccessLogEntry.Action.CREATE, obj=response)
    return response


@transaction.atomic
def response_share_set(*, response: Response, actor, shared: bool) -> Response:
    """The resident lets the workers of their team see this scan, or takes that back."""
    policy.require(actor, "questionnaires.share_response", response)
    if response.shared_with_worker != shared:
        response.shared_with_worker = shared
        response.shared_changed_at = timezone.now()
        response.save(update_fields=["shared_with_worker", "shared_changed_at"])
        access_log_record(
            actor=actor,
            action=AccessLogEntry.Action.UPDATE,
            obj=response,
            reason="shared with the social worker" if shared else "sharing withdrawn",
        )
    return response


def talk_request_send(
    *,
    version: InstrumentVersion,
    actor,
    attach_scan: bool,
    response: Response | None = None,
    answers: Mapping[str, int] | None = None,
    **contact,
) -> IntakeRequest:
    """A resident asks to talk about their scan: a request for help, like any other from
    the portal, in the intake queue of the team near them. With `attach_scan` (their
    consent) the scan goes along and the team may read it: a stored scan is shared, the
    answers of a scan without an account are stored now, for this request only."""
    with transaction.atomic():
        if response is not None:
            policy.require(actor, "questionnaires.share_response", response)
        contact["question"] = "\n\n".join(
            part
            for part in (
                contact.get("question", "").strip(),
                _("Sent from the self-scan “%(name)s”.") % {"name": version.instrument.name},
            )
            if part
        )
        intake = intake_request_submit_online(actor=actor, **contact)
        if not attach_scan:
            return intake
        if response is None:
            response = response_start(instrument=version.instrument, mode=Response.Mode.SELF)
            response_answer_save(response=response, answers=dict(answers or {}))
            response = response_complete(response=response)
            access_log_record(actor=actor, action=AccessLogEntry.Action.CREATE, obj=response)
        response.intake_request = intake
        response.shared_with_worker = True
        response.shared_changed_at = timezone.now()
        response.save(update_fields=["intake_request", "shared_with_worker", "shared_changed_at"])
        access_log_record(
            actor=actor,
            action=AccessLogEntry.Action.UPDATE,
            obj=response,
            reason="sent with a request for help",
        )
    return intake


def intake_scans_attach(*, intake: IntakeRequest, dossier: Dossier, actor) -> int:
    """The scans sent with a request for help go with its new dossier. A scan sent without
    an account gets the dossier's client; a scan that already belongs to a client record
    moves only into that client's own dossier: merging the request into a look-alike
    client must never hand someone's scan to another person."""
    client = dossier.client
    responses = Response.objects.filter(intake_request=intake).filter(
        Q(client__isnull=True) | Q(client_id=client.pk)
    )
    if client.account_id is not None:
        # A client record with an account of its own takes only that resident's scans (or
        # ones sent without an account): never another resident's, by a look-alike merge.
        responses = responses.filter(
            Q(respondent__isnull=True) | Q(respondent_id=client.account_id)
        )
    attached = 0
    for response in responses:
        response.client_id, response.dossier = dossier.client_id, dossier
        response.save(update_fields=["client", "dossier"])
        access_log_record(
            actor=actor,
            action=AccessLogEntry.Action.UPDATE,
            obj=response,
            reason="attached to the dossier of its request for help",
        )
        attached += 1
    return attached


# How long answers wait in the session for the resident to sign up or log in.
PENDING_SCAN_HOURS = 24
PENDING_SCAN_KEY = "questionnaires_pending_scan"


def pending_scan_hold(*, session, version: InstrumentVersion, answers: Mapping[str, int]) -> None:
    """The resident chose to keep a scan made without an account: its checked answers wait
    in their session until they have logged in, for a day at most."""
    if not any(value is not None for value in answers.values()):
        raise ValidationError(
            _("Answer at least one question before you send the questionnaire."), code="empty"
        )
    session[PENDING_SCAN_KEY] = {
        "code": version.instrument.code,
        "version": version.number,
        "answers": dict(answers),
        "held_at": timezone.now().isoformat(),
    }


def pending_scan_read(*, session) -> dict | None:
    """The scan waiting in the session, as {"code", "version", "answers", "held_at"}; None
    when nothing waits. One that waited longer than a day is dropped here."""
    pending = session.get(PENDING_SCAN_KEY)
    try:
        held_at = datetime.fromisoformat(pending["held_at"])
        waiting = {
            "code": str(pending["code"]),
            "version": int(pending["version"]),
            "answers": dict(pending["answers"]),
            "held_at": held_at,
        }
        fresh = timezone.now() - held_at <= timedelta(hours=PENDING_SCAN_HOURS)
    except (KeyError, TypeError, ValueError):
        # Missing, damaged, or a time without its zone: not something we wrote.
        fresh = False
    if not fresh:
        session.pop(PENDING_SCAN_KEY, None)
        return None
    return waiting


def pending_scan_discard(*, session) -> None:
    session.pop(PENDING_SCAN_KEY, None)


def pending_scan_keep(*, session, actor) -> Response | None:
    """The logged-in resident confirmed that the scan waiting in their session is theirs:
    store it as their own. None when nothing waits. The answers are checked once more; a
    version that changed meanwhile is refused. Nothing is ever kept without this choice:
    on a shared computer someone else may have left the scan behind."""
    policy.require(actor, "questionnaires.add_response")
    pending = pending_scan_read(session=session)
    pending_scan_discard(session=session)
    if pending is None:
        return None
    version = (
        InstrumentVersion.objects.current()
        .for_code(pending["code"])
        .with_structure()
        .filter(number=pending["version"])
    ).first()
    if version is None:
        raise ValidationError(
            _("The questions changed in the meantime, so your scan could not be kept."),
            code="old_version",
        )
    with transaction.atomic():
        cleaned = answers_clean(version=version, answers=pending["answers"])
        response = self_scan_start(version=version, actor=actor)
        response_answer_save(response=response, answers=cleaned)
        return response_complete(response=response)
