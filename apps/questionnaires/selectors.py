from django.http import Http404

from apps.dossiers.selectors import read_or_404
from apps.questionnaires.models import Instrument, InstrumentVersion, Response


def self_scan_versions():
    """The current versions of the instruments a resident fills in alone."""
    return (
        InstrumentVersion.objects.current()
        .filter(instrument__filled_by=Instrument.FilledBy.RESIDENT)
        .select_related("instrument")
        .order_by("instrument__code")
    )


def self_scan_version(*, code: str) -> InstrumentVersion:
    version = self_scan_versions().with_structure().filter(instrument__code=code).first()
    if version is None:
        raise Http404
    return version


def resident_scans(*, resident):
    """The resident's own scans, newest first."""
    return (
        Response.objects.filter(respondent=resident)
        .select_related("version__instrument")
        .order_by("-started_at")
    )


def response_for_actor(*, actor, pk, request, permission="questionnaires.view_response"):
    """A scan the actor may see (or change), with the read logged; otherwise a logged
    refusal and the same 404 as for a scan that does not exist."""
    queryset = Response.objects.select_related("version__instrument", "client")
    return read_or_404(
        actor=actor, queryset=queryset, pk=pk, permission=permission, request=request
    )
