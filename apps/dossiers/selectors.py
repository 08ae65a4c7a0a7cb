from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.utils import timezone

from apps.accounts import policy
from apps.audit.models import AccessLogEntry
from apps.audit.services import access_denied_record, access_log_record
from apps.dossiers.filters import CaseloadFilter
from apps.dossiers.models import (
    Action,
    BreakGlassAccess,
    Client,
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
        Neighbourhood.objects.districts()
        .filter(teams__in=policy.team_ids_of(worker))
        .select_related("municipality")
        .distinct()
    )
    return CaseloadFilter(data=data, queryset=dossiers, district_queryset=districts)


def caseload_version(*, worker) -> tuple:
    """Changes whenever a row of the worker's caseload would show something else: every
    change to a dossier's records or its client marks the dossier as changed."""
    return Dossier.objects.open().filter(responsible_worker=worker).version()


class BreakGlassRequired(Exception):
    """Another team's dossier: the actor may open it only after stating a reason."""


def dossier_for_actor(*, actor, pk, offer_break_glass=False) -> Dossier:
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
            access_denied_record(
                actor=actor,
                object_type=Dossier._meta.label_lower,
                object_id=str(pk),
                reason="Another team's dossier: a reason was asked first (break the glass).",
            )
            raise BreakGlassRequired
        _refuse(actor=actor, model=Dossier, pk=pk)
    access_log_record(actor=actor, action=AccessLogEntry.Action.READ, obj=dossier)
    return dossier


def read_or_404(*, actor, queryset, pk, permission: str):
    """One record the policy lets the actor read, with the read logged; otherwise a logged
    refusal and Http404, the same for "does not exist" and "not yours"."""
    record = queryset.filter(pk=pk).first()
    if record is None or not policy.can(actor, permission, record):
        _refuse(actor=actor, model=queryset.model, pk=pk)
    access_log_record(actor=actor, action=AccessLogEntry.Action.READ, obj=record)
    return record


def _refuse(*, actor, model, pk):
    access_denied_record(actor=actor, object_type=model._meta.label_lower, object_id=str(pk))
    raise Http404


def dossier_for_break_glass(*, actor, pk) -> Dossier:
    """Another team's dossier that the actor may ask to open; 404 otherwise."""
    dossier = Dossier.objects.select_related("client", "team").filter(pk=pk).first()
    if dossier is None or not policy.can(actor, "dossiers.break_glass_dossier", dossier):
        raise Http404
    return dossier


def dossier_timeline(*, dossier, limit=50):
    return dossier.contact_moments.select_related("worker").order_by("-occurred_at")[:limit]


# Long trajectories shown per team on the team overview; the rest are a page away.
TEAM_OVERVIEW_LONG_RUNNING = 10


def team_overview(*, leader):
    """For a team leader: per team, each member's caseload by colour and capacity with the
    team's totals, the intake queue (how many wait, since when), the longest trajectories
    with their explanations (how many there are in all, and how many wait for an
    explanation), and recent break-the-glass openings.

    The same queries and rows whatever the size of the teams: one more query per team the
    leader leads (for its longest trajectories).
    """
    policy.require(leader, "dossiers.view_team_overview")
    team_ids = policy.team_ids_of(leader)
    # The teams come with their members: the leader is one of them.
    memberships = list(
        TeamMembership.objects.filter(team_id__in=team_ids)
        .select_related("user", "team")
        .only(*MEMBERSHIP_FIELDS)
        .order_by("user__last_name", "user__first_name")
    )
    teams = {
        membership.team_id: membership.team
        for membership in sorted(memberships, key=lambda membership: membership.team.name)
    }
    counts = {
        (row["team_id"], row["responsible_worker_id"]): row
        for row in Dossier.objects.filter(team_id__in=team_ids).band_counts_per_worker()
    }
    since = timezone.now() - timezone.timedelta(days=30)
    openings = (
        BreakGlassAccess.objects.filter(dossier__team_id__in=team_ids, granted_at__gte=since)
        .select_related("actor", "dossier__client")
        .order_by("-granted_at")
    )
    empty = {"short": 0, "medium": 0, "long": 0, "unexplained": 0, "total": 0}
    overview = {
        pk: {
            "team": team,
            "members": [],
            "long_running": list(team_long_running(team=team)[:TEAM_OVERVIEW_LONG_RUNNING]),
            "long_running_counts": {"total": 0, "unexplained": 0},
            "openings": [],
        }
        for pk, team in teams.items()
    }
    for (team_id, _worker_id), row in counts.items():
        long_running = overview[team_id]["long_running_counts"]
        long_running["total"] += row["long"]
        long_running["unexplained"] += row["unexplained"]
    for membership in memberships:
        row = counts.get((membership.team_id, membership.user_id), empty)
        overview[membership.team_id]["members"].append({"membership": membership, **row})
    for entry in overview.values():
        entry["totals"] = {
            band: sum(member[band] for member in entry["members"])
            for band in ("short", "medium", "long", "total")
        }
        entry["intake"] = {"waiting": 0, "oldest": None}
    for row in (
        IntakeRequest.objects.waiting()
        .filter(team_id__in=team_ids)
        .values("team_id")
        .annotate(waiting=Count("pk"), oldest=Min("received_at"))
        .order_by()
    ):
        overview[row["team_id"]]["intake"] = {
            "waiting": row["waiting"],
            "oldest": row["oldest"],
            "waiting_days": (timezone.now() - row["oldest"]).days,
        }
    for opening in openings:
        overview[opening.dossier.team_id]["openings"].append(opening)
    return list(overview.values())


MEMBERSHIP_FIELDS = (
    "team",
    "team__name",
    "user",
    "caseload_capacity",
    "user__first_name",
    "user__last_name",
    "user__email",
    "user__role",
)
# What a list of long trajectories shows: the client's and the worker's names, how long.
LONG_RUNNING_FIELDS = (
    "team_id",
    "client",
    "responsible_worker",
    "status",
    "started_on",
    "ended_on",
    "long_running_explanation",
    "client__first_name",
    "client__last_name",
    "responsible_worker__first_name",
    "responsible_worker__last_name",
    "responsible_worker__email",
)


# Longest first; the same start day in the order they were registered.
LONGEST_FIRST = ("started_on", "pk")


def team_of_leader(*, leader, pk) -> Team:
    """One of the leader's own teams; 404 for any other (logged)."""
    return read_or_404(
        actor=leader, queryset=Team.objects.all(), pk=pk, permission="dossiers.lead_team"
    )


def team_long_running(*, team):
    """All long trajectories of one team, longest first, for a paginated list."""
    return (
        Dossier.objects.filter(team=team)
        .long_running()
        .select_related("client", "responsible_worker")
        .only(*LONG_RUNNING_FIELDS)
        .order_by(*LONGEST_FIRST)
    )


def intake_queue(*, actor):
    policy.require(actor, "dossiers.view_intake_queue")
    # How many scans the resident sent along (with their consent), to show in the list.
    scans = Count(
        "questionnaire_responses",
        filter=Q(questionnaire_responses__shared_with_worker=True),
    )
    return (
        IntakeRequest.objects.waiting()
        .filter(team_id__in=policy.team_ids_of(actor))
        .select_related("team")
        .annotate(scan_count=scans)
        .order_by("received_at", "pk")
    )


def intake_for_actor(*, actor, pk) -> IntakeRequest:
    """A waiting or handled request of the actor's own team; 404 otherwise (logged)."""
    return read_or_404(
        actor=actor,
        queryset=IntakeRequest.objects.select_related("team"),
        pk=pk,
        permission="dossiers.handle_intakerequest",
    )


def dossier_plan(*, dossier):
    return dossier.goals.prefetch_related("actions")


def plan_goal_for_actor(*, actor, dossier_pk, goal_pk):
    return record_in_dossier(actor=actor, dossier_pk=dossier_pk, related_name="goals", pk=goal_pk)


def record_in_dossier(*, actor, dossier_pk, related_name: str, pk):
    """A record inside a dossier the actor may read (a goal, network member, life event,
    attachment); a logged 404 when it is not in that dossier."""
    dossier = dossier_for_actor(actor=actor, pk=dossier_pk)
    records = getattr(dossier, related_name)
    record = records.filter(pk=pk).first()
    if record is None:
        _refuse(actor=actor, model=records.model, pk=pk)
    record.dossier = dossier
    return record


def attachment_for_download(*, actor, dossier_pk, pk):
    """An attachment to serve; the download itself is logged as a read of the attachment."""
    attachment = record_in_dossier(
        actor=actor, dossier_pk=dossier_pk, related_name="attachments", pk=pk
    )
    policy.require(actor, "dossiers.view_attachment", attachment)
    access_log_record(actor=actor, action=AccessLogEntry.Action.READ, obj=attachment)
    return attachment


def plan_action_for_actor(*, actor, dossier_pk, action_pk):
    dossier = dossier_for_actor(actor=actor, pk=dossier_pk)
    action = (
        Action.objects.select_related("goal__dossier")
        .filter(pk=action_pk, goal__dossier=dossier)
        .first()
    )
    if action is None:
        _refuse(actor=actor, model=Action, pk=action_pk)
    return action


# --- API --------------------------------------------------------------------------------


def clients_for_actor(*, actor):
    """Clients with a dossier in one of the actor's teams."""
    policy.require(actor, "dossiers.view_caseload")
    own_dossiers = Dossier.objects.for_teams(policy.team_ids_of(actor)).filter(
        client=OuterRef("pk")
    )
    return (
        Client.objects.filter(Exists(own_dossiers))
        .select_related("neighbourhood")
        .order_by("sort_name", "first_name", "pk")
    )


def client_for_actor(*, actor, pk) -> Client:
    """The client, if they have a dossier in the actor's teams; logs the read or the
    refusal. "Does not exist" and "not yours" both raise Http404."""
    return read_or_404(
        actor=actor,
        queryset=Client.objects.select_related("neighbourhood"),
        pk=pk,
        permission="dossiers.view_client",
    )


def dossiers_for_actor(*, actor):
    """Every dossier of the actor's teams, whatever its status, with its questions."""
    policy.require(actor, "dossiers.view_caseload")
    return (
        Dossier.objects.for_teams(policy.team_ids_of(actor))
        .select_related("client", "team", "responsible_worker")
        .prefetch_related(
            Prefetch("questions", queryset=RegisteredQuestion.objects.select_related("theme"))
        )
        .order_by("-started_on", "-pk")
    )


def dossier_contact_moments(*, dossier):
    return dossier.contact_moments.select_related("worker").order_by("-occurred_at", "-pk")


def dossier_questions(*, dossier):
    return dossier.questions.select_related("theme").order_by("registered_at", "pk")


def client_map_dossiers(*, worker, theme=None) -> list[Dossier]:
    """The worker's own open dossiers, of their own teams, for the client map; one query.

    Each with its client's name, address, coordinates and neighbourhood, and
    `first_theme_id`: the theme of the first registered question, which colours the flag.
    With `theme`, only dossiers whose first question has that theme. Showing the map is
    logged as one read of the worker's client list.
    """
    policy.require(worker, "dossiers.view_caseload")
    first_theme = (
        RegisteredQuestion.objects.filter(dossier=OuterRef("pk"))
        .order_by("registered_at", "pk")
        .values("theme_id")[:1]
    )
    dossiers = (
        Dossier.objects.open()
        .filter(responsible_worker=worker, team_id__in=policy.team_ids_of(worker))
        .annotate(first_theme_id=Subquery(first_theme))
        .select_related("client__neighbourhood")
        .only(
            "client__first_name",
            "client__last_name",
            "client__street",
            "client__house_number",
            "client__postcode",
            "client__latitude",
            "client__longitude",
            "client__neighbourhood__name",
        )
        .order_by(
            F("client__neighbourhood__name").asc(nulls_last=True),
            "client__sort_name",
            "client__first_name",
            "pk",
        )
    )
    if theme is not None:
        dossiers = dossiers.filter(first_theme_id=theme.pk)
    access_log_record(
        actor=worker,
        action=AccessLogEntry.Action.READ,
        object_type=Client._meta.label_lower,
    )
    return list(dossiers)
