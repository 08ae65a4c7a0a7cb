"""Writes of the questionnaires app: loading instrument definitions, and responses."""

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from apps.accounts import policy
from apps.audit.models import AccessLogEntry
from apps.audit.services import access_log_record
from apps.dossiers.models import Client, Dossier, IntakeRequest
from apps.dossiers.services import intake_request_submit_online
from apps.questionnaires import scoring
from apps.questionnaires.definitions import (
    InstrumentDefinition,
    InstrumentDefinitionError,
    definitions_read,
)
from apps.questionnaires.models import (
    OPEN_TEXT_MAX_LENGTH,
    SATISFACTION_SURVEY,
    STAFF_SURVEY,
    Answer,
    Assignment,
    Dimension,
    DimensionScore,
    Instrument,
    InstrumentVersion,
    Item,
    Response,
)
from apps.questionnaires.selectors import assignable_instruments
from apps.questionnaires.tasks import notify_assignment

# A form posts answers as text; only plain ASCII digits count as a number.
WHOLE_NUMBER = re.compile(r"-?[0-9]{1,6}")
DEFAULT_DIRECTORY = Path(__file__).resolve().parent / "instruments"
# Added to orders while an in-place update reshuffles them: (version, order) stays unique
# at every step. Orders in a definition stay far below this.
_ORDER_OFFSET = 10000
STAFF_SURVEY_INTERVAL = timedelta(days=182)
# Two starts of the same measurement this close together are one double click.
DOUBLE_START_WINDOW = timedelta(minutes=2)


@dataclass(frozen=True)
class LoadOutcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"

    code: str
    number: int
    action: str
    is_current: bool

    def __str__(self):
        current = " (current)" if self.is_current else ""
        return f"{self.code} v{self.number}: {self.action}{current}"


@dataclass
class LoadReport:
    outcomes: list[LoadOutcome] = field(default_factory=list)

    def of(self, action: str) -> list[LoadOutcome]:
        return [outcome for outcome in self.outcomes if outcome.action == action]

    def __str__(self):
        return "\n".join(str(outcome) for outcome in self.outcomes) or "No definitions found."


def instruments_load(*, directory: Path | str | None = None) -> LoadReport:
    """Load every *.toml definition of `directory` (default: the app's instruments/).

    Per definition, compared with the version it targets (the version named in the file,
    else the latest version the loader numbered itself):
    - same content → nothing;
    - changed, and that version has no responses → updated in place (items keep their pk);
    - changed, and responses exist → a new version; the old one stays for its responses.
      A file that names its version cannot change an answered version: that is an error.
    All files are checked before anything is written, and all are written in one
    transaction: one bad file leaves the database as it was.
    """
    definitions = definitions_read(Path(directory) if directory else DEFAULT_DIRECTORY)
    report = LoadReport()
    with transaction.atomic():
        for definition in definitions:
            report.outcomes.append(_definition_load(definition))
    return report


def _definition_load(definition: InstrumentDefinition) -> LoadOutcome:
    instrument, _created = Instrument.objects.get_or_create(
        code=definition.code, defaults=_instrument_fields(definition)
    )
    versions = InstrumentVersion.objects.select_for_update().filter(instrument=instrument)
    if definition.version is not None:
        target = versions.filter(number=definition.version).first()
    else:
        target = versions.filter(number_from_file=False).order_by("-number").first()

    if target is not None and target.content_hash == definition.content_hash:
        return LoadOutcome(definition.code, target.number, LoadOutcome.UNCHANGED, target.is_current)

    # The row lock above makes a response started meanwhile wait (its foreign key needs
    # the row), so "no responses" stays true until this transaction commits.
    if target is not None and not target.has_responses():
        _version_fill(target, definition)
        if target.is_current:
            _instrument_update(instrument, definition)
        return LoadOutcome(definition.code, target.number, LoadOutcome.UPDATED, target.is_current)

    if target is not None and definition.version is not None:
        raise InstrumentDefinitionError(
            definition.path,
            "version",
            f"version {target.number} of {definition.code} already has responses and cannot "
            "change; load the new wording under a version number that is not used yet",
        )

    # A new version takes over from the one it replaces when that one was in use, and
    # always when the file names its version: loading a licensed wording is a choice.
    has_current = instrument.versions.filter(is_current=True).exists()
    becomes_current = (
        definition.version is not None
        or not has_current
        or (target is not None and target.is_current)
    )
    if becomes_current:
        instrument.versions.filter(is_current=True).update(is_current=False)
        _instrument_update(instrument, definition)
    highest = instrument.versions.aggregate(highest=Max("number"))["highest"] or 0
    version = InstrumentVersion(
        instrument=instrument,
        number=definition.version or highest + 1,
        is_current=becomes_current,
    )
    _version_fill(version, definition)
    return LoadOutcome(definition.code, version.number, LoadOutcome.CREATED, becomes_current)


def _instrument_fields(definition: InstrumentDefinition) -> dict:
    return {
        "purpose": definition.purpose,
        "filled_by": definition.filled_by,
        "name_nl": definition.name.nl,
        "name_en": definition.name.en,
    }


def _instrument_update(instrument: Instrument, definition: InstrumentDefinition) -> None:
    """The instrument's name and purpose follow its current version."""
    fields = _instrument_fields(definition)
    for name, value in fields.items():
        setattr(instrument, name, value)
    instrument.save(update_fields=list(fields))


_VERSION_FIELDS = [
    "number_from_file",
    "intro_nl",
    "intro_en",
    "attribution",
    "scale_min",
    "scale_max",
    "scale_step",
    "scale_labels",
    "scoring_rule",
    "scoring_options",
    "content_hash",
    "source_file",
    "loaded_at",
]
_DIMENSION_FIELDS = ["order", "name_nl", "name_en", "description_nl", "description_en"]
_ITEM_FIELDS = ["dimension", "order", "kind", "text_nl", "text_en", "reversed", "anchors"]


def _save(obj, fields: list[str]) -> None:
    """Insert a new row; update only the definition's fields of an existing one."""
    obj.save(update_fields=fields if obj.pk else None)


def _version_fill(version: InstrumentVersion, definition: InstrumentDefinition) -> None:
    """Write the definition into `version` (new or unanswered), keeping the pk of every
    dimension and item whose code stays."""
    version.number_from_file = definition.version is not None
    version.intro_nl = definition.intro.nl
    version.intro_en = definition.intro.en
    version.attribution = definition.attribution
    version.scale_min = definition.scale_min
    version.scale_max = definition.scale_max
    version.scale_step = definition.scale_step
    version.scale_labels = definition.scale_labels
    version.scoring_rule = definition.scoring_rule
    version.scoring_options = definition.scoring_options
    version.content_hash = definition.content_hash
    version.source_file = definition.path.name
    version.loaded_at = timezone.now()
    _save(version, _VERSION_FIELDS)

    wanted_dimensions = {dimension.code for dimension in definition.dimensions}
    wanted_items = {item.code for _dimension, item in definition.all_items()}
    version.items.exclude(code__in=wanted_items).delete()
    version.dimensions.exclude(code__in=wanted_dimensions).delete()
    version.items.update(order=F("order") + _ORDER_OFFSET)
    version.dimensions.update(order=F("order") + _ORDER_OFFSET)

    dimensions = {dimension.code: dimension for dimension in version.dimensions.all()}
    for order, definition_dimension in enumerate(definition.dimensions, start=1):
        dimension = dimensions.get(definition_dimension.code) or Dimension(
            version=version, code=definition_dimension.code
        )
        dimension.order = order
        dimension.name_nl = definition_dimension.name.nl
        dimension.name_en = definition_dimension.name.en
        dimension.description_nl = definition_dimension.description.nl
        dimension.description_en = definition_dimension.description.en
        _save(dimension, _DIMENSION_FIELDS)
        dimensions[dimension.code] = dimension

    items = {item.code: item for item in version.items.all()}
    for order, (dimension_code, definition_item) in enumerate(definition.all_items(), start=1):
        item = items.get(definition_item.code) or Item(version=version, code=definition_item.code)
        item.dimension = dimensions[dimension_code] if dimension_code else None
        item.order = order
        item.kind = definition_item.kind
        item.text_nl = definition_item.text.nl
        item.text_en = definition_item.text.en
        item.reversed = definition_item.reversed
        item.anchors = definition_item.anchors
        _save(item, _ITEM_FIELDS)


# Responses ----------------------------------------------------------------------------


@transaction.atomic
def response_start(
    *,
    instrument: Instrument,
    mode: Response.Mode,
    client=None,
    dossier=None,
    respondent=None,
    recorded_by=None,
    moment: Response.Moment = Response.Moment.NONE,
    assignment: Assignment | None = None,
) -> Response:
    """Start a response on the instrument's current version.

    Started from an assignment, a second start (a double submit) returns the response that
    the first one began instead of a second one.
    """
    version = InstrumentVersion.objects.current().filter(instrument=instrument).first()
    if version is None:
        raise ValidationError(
            _("This questionnaire cannot be filled in at the moment."), code="no_version"
        )
    if dossier is not None:
        if client is not None and client.pk != dossier.client_id:
            raise ValidationError(
                {"dossier": _("This dossier belongs to another client.")}, code="other_client"
            )
        client = dossier.client
    if mode in (Response.Mode.TOGETHER, Response.Mode.BY_WORKER) and recorded_by is None:
        raise ValidationError(
            {"recorded_by": _("Say which social worker fills this in.")}, code="no_worker"
        )

    if assignment is not None:
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if (
            assignment.instrument_id != instrument.pk
            or (client is not None and assignment.client_id != client.pk)
            or (dossier is not None and assignment.dossier_id not in (None, dossier.pk))
            or assignment.cancelled_at is not None
        ):
            raise ValidationError(
                _("This questionnaire is no longer waiting for you."), code="assignment"
            )
        if assignment.response_id is not None:
            started = assignment.response
            if started.is_completed:
                raise ValidationError(
                    _("You have already filled in this questionnaire."), code="completed"
                )
            return started
        client = client or assignment.client
        dossier = dossier or assignment.dossier
        moment = assignment.moment

    response = Response.objects.create(
        version=version,
        client=client,
        dossier=dossier,
        respondent=respondent,
        recorded_by=recorded_by,
        mode=mode,
        moment=moment,
    )
    if assignment is not None:
        assignment.response = response
        assignment.save(update_fields=["response"])
    return response


def _locked_in_progress(response: Response) -> Response:
    locked = Response.objects.select_for_update().get(pk=response.pk)
    if locked.is_completed:
        raise ValidationError(
            _("This questionnaire has already been sent. Nothing was changed."), code="completed"
        )
    return locked


def _clean_scale_value(version: InstrumentVersion, raw):
    """The answer as a whole number on the scale, None to clear it; ValueError if neither."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, str):
        raw = raw.strip()
        if not WHOLE_NUMBER.fullmatch(raw):
            raise ValueError
        raw = int(raw)
    if not isinstance(raw, int) or raw not in version.scale_values:
        raise ValueError
    return raw


def _clean_open_text(raw) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ValueError(_("Type your answer as text."))
    text = raw.strip()
    if len(text) > OPEN_TEXT_MAX_LENGTH:
        raise ValueError(
            _("Your answer is too long: at most %(max)d characters, now %(length)d.")
            % {"max": OPEN_TEXT_MAX_LENGTH, "length": len(text)}
        )
    if "\x00" in text:
        raise ValueError(_("Your answer holds a character that cannot be saved."))
    return text


def _not_in_version(version: InstrumentVersion) -> str:
    return _("This question is not part of this questionnaire (version %(number)d).") % {
        "number": version.number
    }


def _off_scale(version: InstrumentVersion) -> str:
    return _("Choose a whole number from %(min)d to %(max)d.") % {
        "min": version.scale_min,
        "max": version.scale_max,
    }


def answers_clean(*, version: InstrumentVersion, answers: Mapping[str, object]) -> dict:
    """Answers {item code: value} of scale questions, checked against the version without
    storing anything (a scan without an account): ValidationError per item code."""
    items = {item.code: item for item in version.items.all() if item.is_scale}
    errors, cleaned = {}, {}
    for code, raw in answers.items():
        if code not in items:
            errors[str(code)] = _not_in_version(version)
            continue
        try:
            cleaned[code] = _clean_scale_value(version, raw)
        except ValueError:
            errors[code] = _off_scale(version)
    if errors:
        raise ValidationError(errors, code="invalid")
    return cleaned


def response_answer_save(*, response: Response, answers: Mapping[str | int, object]) -> Response:
    """Save answers {item code or item pk: value}. None (or empty text) clears an answer.

    Every answer is checked first; on any error a ValidationError names each wrong item
    (by code) and nothing is stored.
    """
    with transaction.atomic():
        response = _locked_in_progress(response)
        version = response.version
        items = list(version.items.all())
        by_code = {item.code: item for item in items}
        by_pk = {item.pk: item for item in items}

        errors: dict[str, str] = {}
        cleaned: dict[Item, tuple[int | None, str]] = {}
        for key, raw in answers.items():
            if isinstance(key, int) and not isinstance(key, bool):
                item = by_pk.get(key)
            else:
                item = by_code.get(key) if isinstance(key, str) else None
            if item is None:
                errors[str(key)] = _not_in_version(version)
                continue
            try:
                if item.is_scale:
                    cleaned[item] = (_clean_scale_value(version, raw), "")
                else:
                    cleaned[item] = (None, _clean_open_text(raw))
            except ValueError as error:
                errors[item.code] = str(error) or _off_scale(version)
        if errors:
            raise ValidationError(errors, code="invalid")

        existing = {answer.item_id: answer for answer in response.answers.all()}
        now = timezone.now()
        to_clear, to_update, to_create = [], [], []
        for item, (value, text) in cleaned.items():
            answer = existing.get(item.pk)
            if value is None and not text:
                if answer is not None:
                    to_clear.append(answer.pk)
            elif answer is None:
                to_create.append(
                    Answer(response=response, item=item, value=value, text=text, answered_at=now)
                )
            elif (answer.value, answer.text) != (value, text):
                answer.value, answer.text, answer.answered_at = value, text, now
                to_update.append(answer)
        Answer.objects.filter(pk__in=to_clear).delete()
        Answer.objects.bulk_update(to_update, ["value", "text", "answered_at"])
        Answer.objects.bulk_create(to_create)
    return response


def response_scores(*, response: Response) -> scoring.ScoreResult:
    """Score a response's stored answers by the rule of its own version."""
    version = InstrumentVersion.objects.with_structure().get(pk=response.version_id)
    return _score(response, version)


def _score(response: Response, version: InstrumentVersion) -> scoring.ScoreResult:
    codes = {item.pk: item.code for item in version.items.all()}
    values = dict(response.answers.filter(value__isnull=False).values_list("item_id", "value"))
    return scoring.score(
        scoring.spec_from_version(version),
        {codes[item_id]: value for item_id, value in values.items()},
    )


def response_complete(*, response: Response) -> Response:
    """Close a response and store its scores. A second call (a double submit) returns the
    completed response unchanged."""
    with transaction.atomic():
        locked = Response.objects.select_for_update().get(pk=response.pk)
        if locked.is_completed:
            return locked
        if not locked.answers.exists():
            raise ValidationError(
                _("Answer at least one question before you send the questionnaire."),
                code="empty",
            )
        version = InstrumentVersion.objects.with_structure().get(pk=locked.version_id)
        result = _score(locked, version)
        dimensions = {dimension.code: dimension for dimension in version.dimensions.all()}
        DimensionScore.objects.bulk_create(
            DimensionScore(
                response=locked,
                dimension=dimensions[code],
                score=dimension_result.score,
                answered=dimension_result.answered,
            )
            for code, dimension_result in result.dimensions.items()
        )
        locked.status = Response.Status.COMPLETED
        locked.completed_at = timezone.now()
        locked.overall_score = result.overall
        locked.save(update_fields=["status", "completed_at", "overall_score"])
        _client_dossiers_changed(locked.client_id)
    return locked


def _client_dossiers_changed(client_id) -> None:
    """Dossier pages list the client's measurements and open requests: render them again."""
    if client_id:
        Dossier.objects.filter(client_id=client_id).mark_changed()


# Self-scans in the portal -------------------------------------------------------------


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
        _client_dossiers_changed(response.client_id)
        access_log_record(
            actor=actor,
            action=AccessLogEntry.Action.UPDATE,
            obj=response,
            reason="shared with the social worker" if shared else "sharing withdrawn",
        )
    return response


# Measurements and requests by the social worker ---------------------------------------


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
        Dossier.objects.filter(pk=dossier.pk).mark_changed()
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
        return _assignment_send(
            client=dossier.client,
            dossier=dossier,
            instrument=instrument,
            actor=actor,
            moment=moment,
        )


def _assignment_send(
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
    _client_dossiers_changed(client.pk)
    access_log_record(actor=actor, action=AccessLogEntry.Action.CREATE, obj=assignment)
    transaction.on_commit(lambda: notify_assignment.delay(assignment.pk))
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
    _client_dossiers_changed(assignment.client_id)
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
            _client_dossiers_changed(assignment.client_id)
            access_log_record(actor=actor, action=AccessLogEntry.Action.CREATE, obj=response)
    return response


def dossier_closed_follow_up(*, dossier: Dossier, actor) -> Assignment | None:
    """When a dossier closes: the worker's requests the client has not started are taken
    back (nobody would read the answers), and the client is asked what they thought."""
    waiting = (
        Assignment.objects.select_for_update(of=("self",))
        .filter(dossier=dossier, cancelled_at__isnull=True, response__isnull=True)
        .exclude(instrument__code=SATISFACTION_SURVEY)
    )
    for assignment in waiting:
        assignment.cancelled_at = timezone.now()
        assignment.save(update_fields=["cancelled_at"])
        access_log_record(
            actor=actor,
            action=AccessLogEntry.Action.UPDATE,
            obj=assignment,
            reason="cancelled: the dossier closed",
        )
    return satisfaction_survey_send(dossier=dossier)


def satisfaction_survey_send(*, dossier: Dossier) -> Assignment | None:
    """When a dossier closes the client is asked what they thought of the support, in the
    portal. Without an account, or without the survey loaded, nothing is sent."""
    instrument = Instrument.objects.filter(code=SATISFACTION_SURVEY).first()
    if instrument is None or not instrument.versions.filter(is_current=True).exists():
        return None
    if dossier.client.account_id is None:
        return None
    return _assignment_send(
        client=dossier.client,
        dossier=dossier,
        instrument=instrument,
        actor=None,
        moment=Response.Moment.CLOSING,
    )


# "I would like to talk about this" ----------------------------------------------------


# Requests for help that one address may send per hour: enough for a family on one
# connection, too few to fill a team's intake queue.
TALK_REQUESTS_PER_HOUR = 5
TALK_TOKENS_KEY = "questionnaires_talk_tokens"
# Forms a resident may have open at once (several tabs) and still send.
TALK_TOKENS_KEPT = 20


def talk_token_issue(*, session) -> str:
    """A one-time token for the "talk about this" form: sending it twice (a double click,
    the back button) sends one request."""
    token = secrets.token_urlsafe(16)
    session[TALK_TOKENS_KEY] = [*session.get(TALK_TOKENS_KEY, [])[-(TALK_TOKENS_KEPT - 1) :], token]
    return token


def _talk_token_key(token: str) -> str:
    return f"questionnaires:talk-once:{token}"


def talk_token_state(*, session, token) -> str:
    """ "unknown" for a token this session was not given (an old form, a lost session),
    "used" once a request went out with it, "fresh" otherwise."""
    if not isinstance(token, str) or token not in session.get(TALK_TOKENS_KEY, []):
        return "unknown"
    return "used" if cache.get(_talk_token_key(token)) else "fresh"


def talk_token_claim(*, token: str) -> bool:
    """Claims the token for the request about to be sent, in the shared cache: of two
    requests at the same moment only one gets it."""
    return cache.add(_talk_token_key(token), 1, 86_400)


def talk_token_release(*, token: str) -> None:
    """The request was refused after all: the form may be sent again."""
    cache.delete(_talk_token_key(token))


def _talk_rate_key(address: str | None) -> str:
    return f"questionnaires:talk:{address or 'unknown'}:{timezone.now():%Y%m%d%H}"


def talk_rate_exceeded(*, address: str | None) -> bool:
    """True when `address` sent its hourly share of requests already."""
    return (cache.get(_talk_rate_key(address)) or 0) >= TALK_REQUESTS_PER_HOUR


def talk_rate_count(*, address: str | None) -> None:
    """Counts one request that was sent (not one with typing errors)."""
    key = _talk_rate_key(address)
    cache.add(key, 0, timeout=3600)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=3600)


def talk_request_send(
    *,
    version: InstrumentVersion,
    actor,
    team,
    attach_scan: bool,
    response: Response | None = None,
    answers: Mapping[str, int] | None = None,
    **contact,
) -> IntakeRequest:
    """A resident asks to talk about their scan: a request for help in the chosen team's
    intake queue. With `attach_scan` (their consent) the scan goes along and the team may
    read it: a stored scan is shared, the answers of a scan without an account are stored
    now, for this request only."""
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
        intake = intake_request_submit_online(actor=actor, team=team, **contact)
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
        _client_dossiers_changed(response.client_id)
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
    if attached:
        _client_dossiers_changed(dossier.client_id)
    return attached


# The staff survey about the platform ---------------------------------------------------


def staff_survey_due_from(*, actor):
    """When the worker may fill in the staff survey again: the adoption report follows
    opinions per half year, so once per STAFF_SURVEY_INTERVAL. None when it is due now."""
    last = (
        Response.objects.completed()
        .for_instrument(STAFF_SURVEY)
        .filter(respondent=actor)
        .order_by("-completed_at")
        .values_list("completed_at", flat=True)
        .first()
    )
    if last is None or last + STAFF_SURVEY_INTERVAL <= timezone.now():
        return None
    return last + STAFF_SURVEY_INTERVAL


def staff_survey_submit(*, actor, answers: Mapping[str, object]) -> Response:
    """A worker's opinion of the platform, in one go. Only counted together with the
    others' in the adoption report; nobody reads one worker's answers."""
    with transaction.atomic():
        policy.require(actor, "questionnaires.fill_staff_survey")
        instrument = Instrument.objects.filter(code=STAFF_SURVEY).first()
        if instrument is None:
            raise ValidationError(
                _("This questionnaire cannot be filled in at the moment."), code="no_version"
            )
        # Serialises a double submit: the second one finds the first response.
        get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
        due_from = staff_survey_due_from(actor=actor)
        if due_from is not None:
            raise ValidationError(
                _("You have already filled this in. You can do so again from %(date)s.")
                % {"date": formats.date_format(timezone.localtime(due_from), "j F Y")},
                code="not_due",
            )
        response = response_start(instrument=instrument, mode=Response.Mode.SELF, respondent=actor)
        response_answer_save(response=response, answers=answers)
        response = response_complete(response=response)
        access_log_record(actor=actor, action=AccessLogEntry.Action.CREATE, obj=response)
    return response


# Keeping a scan made without an account ------------------------------------------------

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
