from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from apps.accounts import policy
from apps.audit.models import AccessLogEntry
from apps.audit.services import access_log_record
from apps.dossiers.filters import CaseloadFilter
from apps.dossiers.models import (
    Action,
    BreakGlassAccess,
    Dossier,
    IntakeRequest,
    RegisteredQuestion,
)
from apps.organisation.models import Neighbourhood, Team, TeamMembership


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


def team_overview(*, leader):
    """For a team leader: per team, each member's caseload by colour and capacity, the long
    trajectories with their explanations, and recent break-the-glass openings.

    A fixed number of queries, whatever the size of the teams.
    """
    policy.require(leader, "dossiers.view_team_overview")
    team_ids = policy.team_ids_of(leader)
    teams = {team.pk: team for team in Team.objects.filter(pk__in=team_ids).order_by("name")}
    memberships = (
        TeamMembership.objects.filter(team_id__in=team_ids)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
    counts = {
        (row["team_id"], row["responsible_worker_id"]): row
        for row in Dossier.objects.filter(team_id__in=team_ids).band_counts_per_worker()
    }
    long_running = (
        Dossier.objects.filter(team_id__in=team_ids)
        .long_running()
        .select_related("client", "responsible_worker")
        .order_by("started_on")
    )
    since = timezone.now() - timezone.timedelta(days=30)
    openings = (
        BreakGlassAccess.objects.filter(dossier__team_id__in=team_ids, granted_at__gte=since)
        .select_related("actor", "dossier__client")
        .order_by("-granted_at")
    )
    empty = {"short": 0, "medium": 0, "long": 0, "total": 0}
    overview = {
        pk: {"team": team, "members": [], "long_running": [], "openings": []}
        for pk, team in teams.items()
    }
    for membership in memberships:
        row = counts.get((membership.team_id, membership.user_id), empty)
        overview[membership.team_id]["members"].append({"membership": membership, **row})
    for dossier in long_running:
        overview[dossier.team_id]["long_running"].append(dossier)
    for opening in openings:
        overview[opening.dossier.team_id]["openings"].append(opening)
    return list(overview.values())


def intake_queue(*, actor):
    policy.require(actor, "dossiers.view_intake_queue")
    return (
        IntakeRequest.objects.waiting()
        .filter(team_id__in=policy.team_ids_of(actor))
        .select_related("team")
    )


def intake_for_actor(*, actor, pk, request) -> IntakeRequest:
    """A waiting or handled request of the actor's own team; 404 otherwise (logged)."""
    intake = IntakeRequest.objects.select_related("team").filter(pk=pk).first()
    if intake is None or not policy.can(actor, "dossiers.handle_intakerequest", intake):
        access_log_record(
            actor=actor,
            action=AccessLogEntry.Action.DENIED,
            object_type=IntakeRequest._meta.label_lower,
            object_id=str(pk),
            request=request,
        )
        raise Http404
    access_log_record(actor=actor, action=AccessLogEntry.Action.READ, obj=intake, request=request)
    return intake


def dossier_plan(*, dossier):
    return dossier.goals.prefetch_related("actions")


def plan_goal_for_actor(*, actor, dossier_pk, goal_pk, request):
    dossier = dossier_for_actor(actor=actor, pk=dossier_pk, request=request)
    goal = dossier.goals.filter(pk=goal_pk).first()
    if goal is None:
        raise Http404
    return goal


def plan_action_for_actor(*, actor, dossier_pk, action_pk, request):
    dossier = dossier_for_actor(actor=actor, pk=dossier_pk, request=request)
    action = (
        Action.objects.select_related("goal__dossier")
        .filter(pk=action_pk, goal__dossier=dossier)
        .first()
    )
    if action is None:
        raise Http404
    return action
