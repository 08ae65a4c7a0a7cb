from django.db.models import Prefetch
from django.http import Http404

from apps.accounts import policy
from apps.audit.models import AccessLogEntry
from apps.audit.services import access_log_record
from apps.dossiers.filters import CaseloadFilter
from apps.dossiers.models import Dossier, RegisteredQuestion
from apps.organisation.models import Neighbourhood


def caseload_filter(*, worker, data) -> CaseloadFilter:
    """The worker's open dossiers, with last contact and questions, filtered and sorted."""
    policy.require(worker, "dossiers.view_caseload")
    dossiers = (
        Dossier.objects.open()
        .filter(responsible_worker=worker)
        .select_related("client", "client__neighbourhood")
        .with_last_contact()
        .prefetch_related(
            Prefetch("questions", queryset=RegisteredQuestion.objects.select_related("theme"))
        )
        .order_by("started_on", "pk")
    )
    districts = (
        Neighbourhood.objects.districts().filter(teams__in=policy.team_ids_of(worker)).distinct()
    )
    return CaseloadFilter(data=data, queryset=dossiers, district_queryset=districts)


class BreakGlassRequired(Exception):
    """Another team's dossier: the actor may open it only after stating a reason."""


def dossier_for_actor(*, actor, pk, request, offer_break_glass=False) -> Dossier:
    """The dossier, if the policy lets the actor read it; logs the read or the refusal.

    "Does not exist" and "not yours" both raise Http404, so ids cannot be probed. With
    `offer_break_glass`, a worker of another team gets BreakGlassRequired instead.
    """
    dossier = (
        Dossier.objects.select_related(
            "client", "client__neighbourhood", "team", "responsible_worker"
        )
        .filter(pk=pk)
        .first()
    )
    if dossier is None or not policy.can(actor, "dossiers.view_dossier", dossier):
        if offer_break_glass and policy.can(actor, "dossiers.break_glass_dossier", dossier):
            raise BreakGlassRequired
        access_log_record(
            actor=actor,
            action=AccessLogEntry.Action.DENIED,
            object_type=Dossier._meta.label_lower,
            object_id=str(pk),
            request=request,
        )
        raise Http404
    access_log_record(actor=actor, action=AccessLogEntry.Action.READ, obj=dossier, request=request)
    return dossier


def dossier_for_break_glass(*, actor, pk) -> Dossier:
    """Another team's dossier that the actor may ask to open; 404 otherwise."""
    dossier = Dossier.objects.select_related("client", "team").filter(pk=pk).first()
    if dossier is None or not policy.can(actor, "dossiers.break_glass_dossier", dossier):
        raise Http404
    return dossier


def dossier_timeline(*, dossier, limit=50):
    return dossier.contact_moments.select_related("worker").order_by("-occurred_at")[:limit]
