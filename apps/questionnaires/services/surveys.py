"""Surveys that evaluate our work: the client's satisfaction when a dossier closes, and the
staff survey about the platform. Nobody reads one person's answers."""

from collections.abc import Mapping
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from apps.accounts import policy
from apps.audit.models import AccessLogEntry
from apps.audit.services import access_log_record
from apps.dossiers.models import Dossier
from apps.questionnaires.models import (
    SATISFACTION_SURVEY,
    STAFF_SURVEY,
    Assignment,
    Instrument,
    Response,
)
from apps.questionnaires.services.answering import (
    response_answer_save,
    response_complete,
    response_start,
)
from apps.questionnaires.services.measurements import assignment_send

STAFF_SURVEY_INTERVAL = timedelta(days=182)


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
    return assignment_send(
        client=dossier.client,
        dossier=dossier,
        instrument=instrument,
        actor=None,
        moment=Response.Moment.CLOSING,
    )


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
