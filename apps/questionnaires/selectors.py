from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from apps.accounts import policy
from apps.audit.models import AccessLogEntry
from apps.audit.services import access_log_record
from apps.dossiers.selectors import read_or_404
from apps.questionnaires.models import (
    STAFF_SURVEY,
    Assignment,
    Instrument,
    InstrumentVersion,
    Response,
)
from apps.questionnaires.results import measurement_result


def self_scan_versions():
    """The current versions of the instruments a resident fills in alone, of their own
    accord: a survey about our work only comes when we ask for it."""
    return (
        InstrumentVersion.objects.current()
        .filter(instrument__filled_by=Instrument.FilledBy.RESIDENT)
        .exclude(instrument__purpose=Instrument.Purpose.SURVEY)
        .select_related("instrument")
        .order_by("instrument__code")
    )


def self_scan_version(*, code: str) -> InstrumentVersion:
    version = self_scan_versions().with_structure().filter(instrument__code=code).first()
    if version is None:
        raise Http404
    return version


def resident_scans(*, resident):
    """The resident's own scans and what they filled in with their worker, newest first."""
    return (
        Response.objects.of_resident(resident)
        .select_related("version__instrument")
        .order_by("-started_at")
    )


def response_for_actor(*, actor, pk, permission="questionnaires.view_response"):
    """A scan the actor may see (or change), with the read logged; otherwise a logged
    refusal and the same 404 as for a scan that does not exist."""
    queryset = Response.objects.select_related("version__instrument", "client")
    return read_or_404(actor=actor, queryset=queryset, pk=pk, permission=permission)


# The worker's side: measurements in the dossier ---------------------------------------


@dataclass
class MeasurementGroup:
    """The completed measurements of one instrument, newest first."""

    instrument: Instrument
    responses: list

    @property
    def can_compare(self) -> bool:
        return len(self.responses) > 1

    @property
    def first(self):
        return self.responses[-1]

    @property
    def latest(self):
        return self.responses[0]


@dataclass
class DossierMeasurements:
    groups: list[MeasurementGroup]
    # Measurements being recorded in this dossier, each with `can_continue` for the reader.
    in_progress: list
    # Requests of this dossier to the client, not taken back, newest first.
    assignments: list
    client_has_account: bool
    can_record: bool
    can_assign: bool


# The measurements' section of the dossier page: /werk/dossiers/<pk>/deel/metingen/.
MEASUREMENTS_SECTION = "metingen"


def dossier_measurements(*, actor, dossier) -> DossierMeasurements | None:
    """What the dossier page shows of the client's measurements; None when the reader may
    not see them (a reader from another team after break-the-glass)."""
    client = dossier.client
    if not policy.can(actor, "questionnaires.view_measurements", client):
        return None
    completed = (
        Response.objects.for_client(client)
        .completed()
        .open_to_team(policy.team_ids_of(actor))
        .with_scores()
        .select_related("recorded_by")
        .order_by("-completed_at", "-pk")
    )
    groups: dict[int, MeasurementGroup] = {}
    for response in completed:
        instrument = response.version.instrument
        groups.setdefault(instrument.pk, MeasurementGroup(instrument, [])).responses.append(
            response
        )
    in_progress = list(
        Response.objects.in_progress()
        .filter(dossier=dossier)
        .exclude(mode=Response.Mode.SELF)
        .select_related("version__instrument", "recorded_by", "client")
    )
    for response in in_progress:
        response.can_continue = policy.can(actor, "questionnaires.change_response", response)
    # Only this dossier's: another team's requests are theirs to follow and take back. Not
    # the satisfaction survey: whether a client answered it is theirs to keep.
    assignments = list(
        Assignment.objects.filter(dossier=dossier, cancelled_at__isnull=True)
        .exclude(instrument__purpose=Instrument.Purpose.SURVEY)
        .select_related("instrument", "response", "assigned_by")
    )
    return DossierMeasurements(
        groups=sorted(groups.values(), key=lambda group: group.instrument.name),
        in_progress=in_progress,
        assignments=assignments,
        client_has_account=client.account_id is not None,
        can_record=policy.can(actor, "questionnaires.record_measurement", dossier),
        can_assign=policy.can(actor, "questionnaires.add_assignment", dossier),
    )


def recordable_instruments():
    """What a worker can record in a dossier: everything but the surveys about our work."""
    return (
        Instrument.objects.exclude(purpose=Instrument.Purpose.SURVEY)
        .filter(versions__is_current=True)
        .order_by("name_nl")
    )


def assignable_instruments():
    """What a worker can ask a client to fill in: the residents' own scans (a survey is
    sent by itself when a dossier closes)."""
    return recordable_instruments().exclude(filled_by=Instrument.FilledBy.WORKER)


def measurement_in_dossier(
    *, actor, dossier, pk, permission="questionnaires.view_response", recorded_here=False
):
    """A measurement of the dossier's client the actor may read (or change); a logged
    refusal and a 404 otherwise, also for one of another client. With `recorded_here`,
    only one recorded in this very dossier (to go on with it)."""
    queryset = (
        Response.objects.for_client(dossier.client_id)
        .with_scores()
        .select_related("client", "recorded_by")
    )
    if recorded_here:
        queryset = queryset.filter(dossier=dossier)
    return read_or_404(actor=actor, queryset=queryset, pk=pk, permission=permission)


def comparison_pair(*, actor, dossier, first_pk, second_pk):
    """Two measurements of the same instrument of the dossier's client, older first."""
    first = measurement_in_dossier(actor=actor, dossier=dossier, pk=first_pk)
    second = measurement_in_dossier(actor=actor, dossier=dossier, pk=second_pk)
    if not (first.is_completed and second.is_completed):
        raise ValidationError(_("Only finished measurements can be compared."))
    if first.version.instrument_id != second.version.instrument_id:
        raise ValidationError(_("Choose two measurements of the same questionnaire."))
    if first.pk == second.pk:
        raise ValidationError(_("Choose two different measurements."))
    return sorted([first, second], key=lambda response: (response.completed_at, response.pk))


def waiting_assignments(*, resident):
    """What the resident's worker asked them to fill in and they have not finished."""
    return (
        Assignment.objects.open()
        .filter(client__account=resident)
        .select_related("instrument", "response")
        .order_by("assigned_at", "pk")
    )


def assignment_for_resident(*, actor, pk):
    """A request of the resident's worker that the resident may start; a logged refusal
    and a 404 otherwise."""
    queryset = Assignment.objects.select_related("client", "instrument")
    return read_or_404(
        actor=actor,
        queryset=queryset,
        pk=pk,
        permission="questionnaires.start_assignment",
    )


def intake_scans(*, intake, actor) -> list:
    """The scans a resident sent along with their request for help (with their consent),
    as results to show at intake; each read is logged."""
    responses = (
        Response.objects.filter(intake_request=intake)
        .completed()
        .shared_with_worker()
        .with_scores()
    )
    results = []
    for response in responses:
        access_log_record(actor=actor, action=AccessLogEntry.Action.READ, obj=response)
        results.append(measurement_result(response))
    return results


def intake_scans_shown(*, intake, actor) -> list | None:
    """The intake page's section: None when nothing was sent along."""
    return intake_scans(intake=intake, actor=actor) or None


def staff_survey_version() -> InstrumentVersion:
    version = InstrumentVersion.objects.current().for_code(STAFF_SURVEY).with_structure().first()
    if version is None:
        raise Http404
    return version
