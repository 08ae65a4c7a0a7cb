from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from apps.accounts import policy
from apps.accounts.models import CASELOAD_ROLES, Role, User
from apps.audit.models import AccessLogEntry
from apps.audit.services import access_denied_record, access_log_record
from apps.core import sql
from apps.dossiers import team_figures, worker_reads
from apps.dossiers.filters import CaseloadFilter
from apps.dossiers.models import (
    Action,
    Attachment,
    Client,
    ContactMoment,
    Dossier,
    Goal,
    IntakeRequest,
    RegisteredQuestion,
)
from apps.organisation.models import Neighbourhood, Team, TeamMembership, Theme


def caseload_filter(*, worker, data) -> CaseloadFilter:
    """The worker's open dossiers with their last contact, filtered and sorted. The rows of
    a page of them are read by `caseload_page`."""
    policy.require(worker, "dossiers.view_caseload")
    dossiers = (
        Dossier.objects.open()
        .filter(responsible_worker=worker)
        .with_last_contact()
        .order_by("started_on", "pk")
    )
    districts = (
        Neighbourhood.objects.districts()
        .filter(teams__in=policy.team_ids_of(worker))
        .select_related("municipality")
        .distinct()
    )
    return CaseloadFilter(data=data, queryset=dossiers, district_queryset=districts)


CASELOAD_PAGE_SIZE = 25


def caseload_page(*, worker, caseload: CaseloadFilter | None, number) -> tuple[Page, list]:
    """A page of the worker's open dossiers, and its rows as plain values in its order, each
    with `themes`: its questions' (Dutch name, English name, subcategory), in the order they
    were registered. No model instances: it is the page a worker opens most.

    `caseload` is the search from `caseload_filter`. Without one (most visits) the dossiers
    come in the default order, counted and read as plain SQL (worker_reads.OpenCaseload)."""
    policy.require(worker, "dossiers.view_caseload")
    if caseload is None:
        dossiers = worker_reads.OpenCaseload(worker.pk)
    else:
        dossiers = caseload.qs.values(*CASELOAD_FIELDS)
    page = Paginator(dossiers, CASELOAD_PAGE_SIZE).get_page(number)
    values = list(page.object_list)
    themes = worker_reads.question_themes([value["pk"] for value in values])
    for value in values:
        value["themes"] = themes.get(value["pk"], [])
    return page, values


CASELOAD_FIELDS = (
    "pk",
    "status",
    "started_on",
    "long_running_explanation",
    "client__first_name",
    "client__last_name",
    "client__postcode",
    "client__neighbourhood__name",
    "last_contact_at",
    "last_contact_mode",
)


# The worker's day: how far back "new with you" reaches, how many rows a list of the day
# shows at most, and how many waiting requests are named.
NEW_WITH_WORKER_DAYS = 7
TODAY_LIST_LIMIT = 20
TODAY_INTAKE_NAMED = 3


@dataclass(frozen=True)
class WorkerDay:
    """What a worker's day holds, as plain values. `actions` and `contacts` hold at most
    TODAY_LIST_LIMIT rows; `more_actions` and `more_contacts` say whether there were more."""

    today: date
    new_since: datetime
    actions: list[dict]
    more_actions: bool
    contacts: list[dict]
    more_contacts: bool
    dossiers: list[dict]
    intake_waiting: int
    intake_oldest: datetime | None
    intake_first: list[dict]
    may_open_intake: bool

    @cached_property
    def actions_late(self) -> list[dict]:
        return [action for action in self.actions if action["target_date"] < self.today]

    @cached_property
    def actions_today(self) -> list[dict]:
        return [action for action in self.actions if action["target_date"] == self.today]

    @cached_property
    def actions_this_week(self) -> list[dict]:
        return [action for action in self.actions if action["target_date"] > self.today]

    @cached_property
    def contacts_today(self) -> list[dict]:
        return [c for c in self.contacts if timezone.localdate(c["occurred_at"]) == self.today]

    @cached_property
    def contacts_earlier(self) -> list[dict]:
        return [c for c in self.contacts if timezone.localdate(c["occurred_at"]) < self.today]

    @cached_property
    def new_dossiers(self) -> list[dict]:
        """Newest with the worker first."""
        new = [
            dossier
            for dossier in self.dossiers
            if dossier["worker_assigned_at"] and dossier["worker_assigned_at"] >= self.new_since
        ]
        return sorted(new, key=lambda dossier: dossier["worker_assigned_at"], reverse=True)

    @cached_property
    def explanations_asked(self) -> list[dict]:
        """Longest trajectory first."""
        return [dossier for dossier in self.dossiers if dossier["explanation_requested_at"]]

    @property
    def intake_waiting_days(self) -> int:
        return (self.today - timezone.localdate(self.intake_oldest)).days


def worker_today(*, worker, now: datetime | None = None) -> WorkerDay:
    """The worker's day, from their own open dossiers in their own teams: plan actions due
    by Sunday (late ones too), the contacts they logged since Monday, dossiers that came to
    them in the last NEW_WITH_WORKER_DAYS days or whose team leader asked for an
    explanation, and how many requests wait in their teams' intake queue (the oldest named
    only when the worker may open the queue). The same four queries whatever the caseload,
    read as plain values; showing it is logged as one read of the worker's dossiers."""
    policy.require(worker, "dossiers.view_today")
    now = now or timezone.now()
    today = timezone.localdate(now)
    monday = today - timedelta(days=today.weekday())
    new_since = now - timedelta(days=NEW_WITH_WORKER_DAYS)
    team_ids = policy.team_ids_of(worker)
    actions, more_actions = _first(
        worker_reads.actions_due(
            worker_id=worker.pk,
            team_ids=team_ids,
            by=monday + timedelta(days=6),
            limit=TODAY_LIST_LIMIT + 1,
        )
    )
    contacts, more_contacts = _first(
        worker_reads.contacts_logged(
            worker_id=worker.pk,
            team_ids=team_ids,
            since=_start_of(monday),
            limit=TODAY_LIST_LIMIT + 1,
        )
    )
    dossiers = worker_reads.new_or_asked_to_explain(
        worker_id=worker.pk, team_ids=team_ids, since=new_since
    )
    may_open_intake = policy.can(worker, "dossiers.view_intake_queue")
    waiting, oldest, intake_first = worker_reads.intake_waiting(
        team_ids, first=TODAY_INTAKE_NAMED if may_open_intake else 0
    )
    access_log_record(
        actor=worker, action=AccessLogEntry.Action.READ, object_type=Dossier._meta.label_lower
    )
    return WorkerDay(
        today=today,
        new_since=new_since,
        actions=actions,
        more_actions=more_actions,
        contacts=contacts,
        more_contacts=more_contacts,
        dossiers=dossiers,
        intake_waiting=waiting,
        intake_oldest=oldest,
        intake_first=intake_first,
        may_open_intake=may_open_intake,
    )


def _first(rows: list, limit: int = TODAY_LIST_LIMIT) -> tuple[list, bool]:
    """The first `limit` rows of those read (one more), and whether there are more: the
    row more tells, without a count."""
    return rows[:limit], len(rows) > limit


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class BreakGlassRequired(Exception):
    """Another team's dossier: the actor may open it only after stating a reason."""


def dossier_for_actor(*, actor, pk, offer_break_glass=False) -> Dossier:
    """The dossier, if the policy lets the actor read it; logs the read or the refusal.

    "Does not exist" and "not yours" both raise Http404, so ids cannot be probed. With
    `offer_break_glass`, a worker of another team gets BreakGlassRequired instead.
    """
    # Not the client's neighbourhood: only the "details" section shows it, and every read
    # of a dossier would pay for the join.
    dossier = worker_reads.dossier(pk)
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


# Contact moments per page of the dossier's timeline, newest first.
TIMELINE_PAGE_SIZE = 10


def dossier_timeline_page(*, dossier, number: int) -> tuple[list[dict], bool]:
    """One page of contact moments as plain values (1 is the newest), each with the photos
    and files linked to it, and whether older ones follow; no count of them all: one row
    more tells. The attachments are read only when a moment on the page has some."""
    moments = worker_reads.timeline(
        dossier.pk, offset=(number - 1) * TIMELINE_PAGE_SIZE, limit=TIMELINE_PAGE_SIZE + 1
    )
    shown = moments[:TIMELINE_PAGE_SIZE]
    attachments = defaultdict(list)
    if linked := [moment["pk"] for moment in shown if moment["has_attachments"]]:
        for attachment in Attachment.objects.filter(contact_moment_id__in=linked).only(
            *ATTACHMENT_LIST_FIELDS
        ):
            attachments[attachment.contact_moment_id].append(attachment)
    for moment in shown:
        moment["attachments"] = attachments[moment["pk"]]
    return shown, len(moments) > TIMELINE_PAGE_SIZE


ATTACHMENT_LIST_FIELDS = (
    "pk",
    "dossier_id",
    "title",
    "content_type",
    "size",
    "uploaded_at",
    "goal_id",
    "contact_moment_id",
)


def dossier_attachments(*, dossier):
    return dossier.attachments.select_related("goal", "contact_moment").only(
        *ATTACHMENT_LIST_FIELDS, "goal__question", "contact_moment__occurred_at"
    )


# Long trajectories shown per team on the team overview; the rest are a page away.
TEAM_OVERVIEW_LONG_RUNNING = 10
BANDS = ("short", "medium", "long")


def team_overview(*, leader) -> list[dict]:
    """For a team leader, per team: each member's open dossiers by colour against their
    capacity (for those who carry a caseload), the dossiers of nobody in the team, the
    team's totals, the intake queue (how many wait, since when), the longest trajectories
    with their explanations or the request for one (how many there are in all, and how many
    wait for an explanation), and recent break-the-glass openings.

    Five queries whatever the number and size of the teams (apps/dossiers/team_figures.py).
    """
    policy.require(leader, "dossiers.view_team_overview")
    team_ids = sorted(policy.team_ids_of(leader))
    if not team_ids:
        return []
    today = timezone.localdate()
    role_labels = dict(Role.choices)
    longest = team_figures.longest(team_ids, today, TEAM_OVERVIEW_LONG_RUNNING)
    intake = team_figures.intake_waiting(team_ids)
    overview = {}
    for member in team_figures.members(team_ids):
        entry = overview.get(member["team_id"])
        if entry is None:
            entry = overview[member["team_id"]] = _team_entry(
                member["team_id"], member["team_name"], longest, intake
            )
        carries_caseload = member["role"] in CASELOAD_ROLES
        entry["members"][member["user_id"]] = {
            "user_id": member["user_id"],
            "name": team_figures.person_name(
                member["first_name"], member["last_name"], member["email"]
            ),
            # A role is named only where it explains why there is no capacity.
            "role": "" if carries_caseload else role_labels.get(member["role"], ""),
            "capacity": member["caseload_capacity"] if carries_caseload else None,
            **dict.fromkeys((*BANDS, "total"), 0),
        }
    for row in team_figures.band_counts(team_ids, today):
        entry = overview[row["team_id"]]
        counts = {band: row[band] for band in BANDS}
        long_running = entry["long_running_counts"]
        long_running["total"] += row["long"]
        long_running["unexplained"] += row["unexplained"]
        member = entry["members"].get(row["worker_id"], entry["without_member"])
        for band, count in counts.items():
            member[band] += count
            member["total"] += count
            entry["totals"][band] += count
            entry["totals"]["total"] += count
    since = timezone.now() - timezone.timedelta(days=30)
    for opening in team_figures.openings(team_ids, since):
        overview[opening["team_id"]]["openings"].append(opening)
    for entry in overview.values():
        entry["members"] = list(entry["members"].values())
        for member in entry["members"]:
            capacity = member["capacity"]
            member["over_capacity"] = capacity is not None and member["total"] > capacity
    return list(overview.values())


def _team_entry(team_id, name, longest, intake) -> dict:
    waiting = intake.get(team_id)
    if waiting:
        waiting["waiting_days"] = (timezone.now() - waiting["oldest"]).days
    return {
        "team": {"pk": team_id, "name": name},
        "members": {},
        # Open dossiers whose worker is nobody, or nobody of this team any more.
        "without_member": dict.fromkeys((*BANDS, "total"), 0),
        "totals": dict.fromkeys((*BANDS, "total"), 0),
        "intake": waiting or {"waiting": 0, "oldest": None},
        "long_running": longest[team_id],
        "long_running_counts": {"total": 0, "unexplained": 0},
        "openings": [],
    }


# What a list of long trajectories shows: the client's and the worker's names, how long.
LONG_RUNNING_FIELDS = (
    "team_id",
    "client",
    "responsible_worker",
    "status",
    "started_on",
    "ended_on",
    "long_running_explanation",
    "explanation_requested_at",
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


def dossier_for_leader(*, leader, pk) -> Dossier:
    """An open or closed dossier of one of the leader's own teams, to divide the work; a
    logged 404 for any other. The read is logged: the page shows who the client is."""
    return read_or_404(
        actor=leader,
        queryset=Dossier.objects.select_related("client", "team", "responsible_worker"),
        pk=pk,
        permission="dossiers.reassign_dossier",
    )


def reassign_candidates(*, dossier):
    """The colleagues a team leader may give the dossier to: active social workers of its
    team (those who carry a caseload) other than its worker now, each with how many open
    dossiers they have in the team (`open_dossiers`) and their capacity there."""
    membership = TeamMembership.objects.filter(team_id=dossier.team_id, user=OuterRef("pk"))
    open_dossiers = (
        Dossier.objects.open()
        .filter(team_id=dossier.team_id, responsible_worker=OuterRef("pk"))
        .order_by()
        .values("responsible_worker")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        User.objects.filter(Exists(membership), is_active=True, role__in=CASELOAD_ROLES)
        .exclude(pk=dossier.responsible_worker_id)
        .annotate(
            capacity=Subquery(membership.values("caseload_capacity")[:1]),
            open_dossiers=Coalesce(Subquery(open_dossiers), 0),
        )
        .order_by("last_name", "first_name", "pk")
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


def team_member(*, team, pk) -> User:
    """A member of the team (of any role); 404 for anyone else."""
    member = User.objects.filter(pk=pk, team_memberships__team=team).first()
    if member is None:
        raise Http404
    return member


def team_open_dossiers(*, team, member: User | None):
    """The team's open dossiers of one member, or (`member` None) of nobody in the team: no
    social worker, or one who left the team. Longest first, for a paginated list."""
    dossiers = Dossier.objects.open().filter(team=team)
    if member is None:
        members = TeamMembership.objects.filter(team=team).values("user_id")
        dossiers = dossiers.filter(
            Q(responsible_worker__isnull=True) | ~Q(responsible_worker__in=members)
        )
    else:
        dossiers = dossiers.filter(responsible_worker=member)
    return (
        dossiers.select_related("client", "responsible_worker")
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
        queryset=IntakeRequest.objects.select_related("team", "theme"),
        pk=pk,
        permission="dossiers.handle_intakerequest",
    )


def erasure_dossiers(*, actor, intake: IntakeRequest) -> list[Dossier]:
    """The dossiers of the team (the actor's own) that a request to delete data is about:
    those of the client record of the account that asked."""
    if intake.requested_by_id is None:
        return []
    return list(
        Dossier.objects.filter(
            client__account_id=intake.requested_by_id,
            team_id__in=policy.team_ids_of(actor),
        ).select_related("client", "responsible_worker")
    )


def dossier_plan(*, dossier):
    """The goals with their actions and the photos linked to them (of a paper plan)."""
    return dossier.goals.prefetch_related(
        "actions",
        Prefetch("attachments", queryset=Attachment.objects.only(*ATTACHMENT_LIST_FIELDS)),
    )


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


# --- The resident's own support (the portal) ---------------------------------------------

# The newest contact summaries per dossier on the portal page; the page says when there
# are more.
OWN_SUMMARIES = 10


def own_dossiers(*, resident) -> list[Dossier]:
    """The resident's own dossiers, open first, then the newest: their worker and team, the
    plan's goals (`plan`) with their actions (`goal.plan_actions`), and the newest contact
    summaries the worker wrote for them (`summaries`, at most OWN_SUMMARIES, and
    `summary_count`). Read as plain SQL, the portal's most visited page after its home (see
    apps/core/sql.py). Each read is in the access log; someone who is not a resident gets
    nothing."""
    if not policy.can(resident, "dossiers.view_own_dossier_area"):
        return []
    user = User._meta.db_table
    dossiers = []
    for row in sql.rows(
        f"SELECT d.id, d.status, d.started_on, d.ended_on, d.team_id, d.client_id,"  # noqa: S608
        f" d.responsible_worker_id, t.name AS team_name, w.first_name, w.last_name"
        f" FROM {Dossier._meta.db_table} d"
        f" JOIN {Client._meta.db_table} c ON c.id = d.client_id"
        f" JOIN {Team._meta.db_table} t ON t.id = d.team_id"
        f" LEFT JOIN {user} w ON w.id = d.responsible_worker_id"
        f" WHERE c.account_id = %s"
        f" ORDER BY d.ended_on IS NOT NULL, d.ended_on DESC, d.started_on DESC, d.id DESC",
        [resident.pk],
    ):
        dossier = Dossier(
            pk=row["id"],
            status=row["status"],
            started_on=sql.day(row["started_on"]),
            ended_on=sql.day(row["ended_on"]),
            client=Client(pk=row["client_id"], account_id=resident.pk),
            team=Team(pk=row["team_id"], name=row["team_name"]),
        )
        if row["responsible_worker_id"]:
            dossier.responsible_worker = User(
                pk=row["responsible_worker_id"],
                first_name=row["first_name"],
                last_name=row["last_name"],
            )
        dossiers.append(dossier)
    readable = [d for d in dossiers if policy.can(resident, "dossiers.view_own_dossier", d)]
    ids = [dossier.pk for dossier in readable]
    summaries, plans = _newest_summaries(ids), _plans(ids)
    for dossier in readable:
        dossier.summaries, dossier.summary_count = summaries.get(dossier.pk, ([], 0))
        dossier.plan = plans.get(dossier.pk, [])
        access_log_record(actor=resident, action=AccessLogEntry.Action.READ, obj=dossier)
    return readable


def _plans(dossier_ids: list[int]) -> dict[int, list[Goal]]:
    """Per dossier its goals in order, each with its actions (`plan_actions`), in one query."""
    if not dossier_ids:
        return {}
    plans: dict[int, list[Goal]] = {}
    goals: dict[int, Goal] = {}
    for row in sql.rows(
        f"SELECT g.id, g.dossier_id, g.question, g.achieved_on, a.id AS action_id,"  # noqa: S608
        f" a.description, a.owner, a.status, a.target_date"
        f" FROM {Goal._meta.db_table} g LEFT JOIN {Action._meta.db_table} a ON a.goal_id = g.id"
        f" WHERE g.dossier_id IN ({sql.placeholders(dossier_ids)})"
        f" ORDER BY g.created_at, g.id, a.created_at, a.id",
        dossier_ids,
    ):
        goal = goals.get(row["id"])
        if goal is None:
            goal = goals[row["id"]] = Goal(
                pk=row["id"],
                dossier_id=row["dossier_id"],
                question=row["question"],
                achieved_on=sql.day(row["achieved_on"]),
            )
            goal.plan_actions = []
            plans.setdefault(row["dossier_id"], []).append(goal)
        if row["action_id"] is not None:
            goal.plan_actions.append(
                Action(
                    pk=row["action_id"],
                    goal_id=goal.pk,
                    description=row["description"],
                    owner=row["owner"],
                    status=row["status"],
                    target_date=sql.day(row["target_date"]),
                )
            )
    return plans


def _newest_summaries(dossier_ids: list[int]) -> dict[int, tuple[list, int]]:
    """Per dossier the newest OWN_SUMMARIES contact moments with a summary for the client,
    and how many there are, in one plain query (the ORM's sliced prefetch costs more to
    compile than the page's other reads together)."""
    if not dossier_ids:
        return {}
    table = ContactMoment._meta.db_table
    found: dict[int, tuple[list, int]] = {}
    for row in sql.rows(
        f"SELECT id, dossier_id, occurred_at, mode, client_summary, total FROM ("  # noqa: S608
        f" SELECT id, dossier_id, occurred_at, mode, client_summary,"
        f" ROW_NUMBER() OVER (PARTITION BY dossier_id ORDER BY occurred_at DESC, id DESC) AS n,"
        f" COUNT(*) OVER (PARTITION BY dossier_id) AS total"
        f" FROM {table} WHERE dossier_id IN ({sql.placeholders(dossier_ids)})"
        f" AND client_summary <> '') newest WHERE n <= %s ORDER BY dossier_id, n",
        [*dossier_ids, OWN_SUMMARIES],
    ):
        moment = ContactMoment(
            pk=row["id"],
            dossier_id=row["dossier_id"],
            occurred_at=sql.moment(row["occurred_at"]),
            mode=row["mode"],
            client_summary=row["client_summary"],
        )
        shown, _total = found.get(row["dossier_id"], ([], 0))
        found[row["dossier_id"]] = ([*shown, moment], row["total"])
    return found


OWN_HELP_REQUESTS = 10


def own_help_requests(*, resident) -> list[IntakeRequest]:
    """The newest requests for help the resident sent while logged in, with their status
    (no team notes: the request as they sent it), as one plain query."""
    if not policy.can(resident, "dossiers.follow_own_help_request"):
        return []
    requests = []
    for row in sql.rows(
        f"SELECT r.id, r.reference, r.received_at, r.status, r.kind, r.answer,"  # noqa: S608
        f" t.name_nl, t.name_en"
        f" FROM {IntakeRequest._meta.db_table} r"
        f" LEFT JOIN {Theme._meta.db_table} t ON t.id = r.theme_id"
        f" WHERE r.requested_by_id = %s ORDER BY r.received_at DESC, r.id DESC LIMIT %s",
        [resident.pk, OWN_HELP_REQUESTS],
    ):
        theme = Theme(name_nl=row["name_nl"], name_en=row["name_en"]) if row["name_nl"] else None
        requests.append(
            IntakeRequest(
                pk=row["id"],
                reference=row["reference"],
                received_at=sql.moment(row["received_at"]),
                status=row["status"],
                kind=row["kind"],
                answer=row["answer"],
                theme=theme,
            )
        )
    return requests


def own_action(*, resident, pk) -> Action:
    """An action of the resident's plan that is theirs to tick off; 404 (and a logged
    refusal) for any other."""
    action = Action.objects.select_related("goal__dossier__client").filter(pk=pk).first()
    if action is None or not policy.can(resident, "dossiers.tick_own_action", action):
        _refuse(actor=resident, model=Action, pk=pk)
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


def help_request_initial(*, resident) -> dict:
    """What we know of a logged-in resident, so they need not type it again on the form
    for help: their name and, from their client record, postcode and phone."""
    if not resident.is_authenticated:
        return {}
    initial = {"name": f"{resident.first_name} {resident.last_name}".strip()}
    client = (
        Client.objects.filter(account=resident).only("postcode", "house_number", "phone").first()
    )
    if client is not None:
        initial |= {
            "postcode": client.postcode,
            "house_number": client.house_number,
            "phone": client.phone,
        }
    return initial
