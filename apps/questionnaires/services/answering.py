"""Answering and scoring: a response is started on the current version, answered item by
item (every answer checked against the version), and scored when it is completed."""

import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.questionnaires import scoring
from apps.questionnaires.models import (
    OPEN_TEXT_MAX_LENGTH,
    Answer,
    Assignment,
    DimensionScore,
    Instrument,
    InstrumentVersion,
    Item,
    Response,
)

# A form posts answers as text; only plain ASCII digits count as a number.
WHOLE_NUMBER = re.compile(r"-?[0-9]{1,6}")


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
    return locked
