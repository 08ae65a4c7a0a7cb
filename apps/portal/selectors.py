"""What the portal shows: journeys per theme, one journey with what its steps offer, the
one search box across journeys and the social map, and the conversations of secure
messages, each read only by who takes part in it."""

from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from apps.accounts import policy
from apps.accounts.models import User
from apps.audit.models import AccessLogEntry
from apps.audit.services import access_denied_record, access_log_record
from apps.core import sql
from apps.core.words import search_roots
from apps.dossiers.models import Client, Dossier
from apps.learning.models import PathVersion
from apps.learning.sessions import Session
from apps.organisation.models import Theme
from apps.portal.models import (
    Activity,
    InformalHelpRequest,
    Journey,
    JourneyStep,
    Message,
    MessageAttachment,
    MessageThread,
    SignUp,
    VolunteerMatch,
)
from apps.questionnaires import selectors as questionnaire_selectors
from apps.socialmap.selectors import PublicSearch

# Services a journey step shows; the rest is one click away on the social map.
SERVICES_PER_STEP = 3
# What the search page shows of each kind before "show all".
JOURNEYS_FOUND = 10
ACTIVITIES_FOUND = 5
SERVICES_FOUND = 5


def theme_or_404(code: str) -> Theme:
    theme = Theme.objects.filter(code=code).first()
    if theme is None:
        raise Http404
    return theme


def theme_journeys(*, theme):
    return (
        Journey.objects.published()
        .filter(theme=theme)
        .only("slug", "question", "summary", "theme_id")
    )


def journey_for_reader(*, actor, slug: str) -> Journey:
    """A published journey for everyone; a draft only for staff who write journeys (their
    preview). Anyone else gets a 404, as if the draft did not exist."""
    journeys = Journey.objects.select_related("theme", "updated_by").prefetch_related(
        Prefetch("steps", queryset=JourneyStep.objects.order_by("position", "pk"))
    )
    if not policy.can(actor, "portal.view_journey"):
        journeys = journeys.published()
    journey = journeys.filter(slug=slug).first()
    if journey is None:
        raise Http404
    return journey


@dataclass
class StepView:
    step: JourneyStep
    scan: object = None  # the self-scan's current version, for a self-test
    services: list = field(default_factory=list)
    activities: list = field(default_factory=list)
    more: bool = False
    # Written by the view: the services' cards and the social map's query for "see all".
    cards: str = ""
    search_query: str = ""
    # The published version of the learning path a step offers.
    learning: object = None


def journey_steps(journey: Journey) -> list[StepView]:
    """Each step with what it offers: the self-scan it opens, the services it finds, the
    learning path it offers."""
    scans = {}
    if any(step.kind == JourneyStep.Kind.SELF_TEST for step in journey.steps.all()):
        scans = {
            version.instrument.code: version
            for version in questionnaire_selectors.self_scan_versions()
        }
    learning_ids = [
        step.learning_path_id
        for step in journey.steps.all()
        if step.kind == JourneyStep.Kind.LEARNING and step.learning_path_id
    ]
    paths = {}
    if learning_ids:
        paths = {
            version.path_id: version
            for version in PathVersion.objects.published()
            .filter(path_id__in=learning_ids)
            .select_related("path")
        }
    views = []
    for step in journey.steps.all():
        view = StepView(step=step)
        if step.kind == JourneyStep.Kind.LEARNING:
            view.learning = paths.get(step.learning_path_id)
        elif step.kind == JourneyStep.Kind.SELF_TEST:
            view.scan = scans.get(step.instrument_code)
        elif step.kind == JourneyStep.Kind.SERVICES:
            # One more than shown tells whether there are more, without counting them.
            search = PublicSearch(query=step.search_words, theme=journey.theme)
            services = search[0 : SERVICES_PER_STEP + 1]
            view.services = services[:SERVICES_PER_STEP]
            view.more = len(services) > SERVICES_PER_STEP
        elif step.kind == JourneyStep.Kind.ACTIVITIES:
            found = upcoming_activities(theme=journey.theme)
            if step.search_words:
                found = _matching_activities(step.search_words).filter(theme=journey.theme)
            found = list(found[: SERVICES_PER_STEP + 1])
            view.activities = found[:SERVICES_PER_STEP]
            view.more = len(found) > SERVICES_PER_STEP
        views.append(view)
    return views


def journeys_for_editor():
    return Journey.objects.select_related("theme", "updated_by").order_by(
        "theme__position", "position", "question"
    )


def journey_for_editor(*, pk) -> Journey:
    journey = Journey.objects.filter(pk=pk).select_related("theme").first()
    if journey is None:
        raise Http404
    return journey


@dataclass
class Found:
    query: str
    journeys: list = field(default_factory=list)
    activities: list = field(default_factory=list)
    services: list = field(default_factory=list)
    service_count: int = 0

    @property
    def nothing(self) -> bool:
        return not (self.journeys or self.activities or self.services)

    @property
    def count(self) -> int:
        return len(self.journeys) + len(self.activities) + self.service_count


def search_everything(query: str) -> Found:
    """The portal's one search box: published journeys (their question, answer and steps)
    and the services of the social map, each the best match first."""
    query = query.strip()
    found = Found(query=query)
    if not query:
        return found
    found.journeys = list(_matching_journeys(query)[:JOURNEYS_FOUND])
    found.activities = list(_matching_activities(query)[:ACTIVITIES_FOUND])
    search = PublicSearch(query=query)
    found.services = search[0:SERVICES_FOUND]
    # Counted always, so that the page reads as many queries whatever it finds.
    found.service_count = search.count()
    return found


def _matching_activities(query: str):
    activities = _with_places(Activity.objects.upcoming().open_to_all())
    if connection.vendor == "postgresql":
        words = SearchQuery(query, search_type="websearch", config="dutch")
        document = SearchVector("title", weight="A", config="dutch") + SearchVector(
            "description", weight="B", config="dutch"
        )
        return (
            activities.annotate(document=document, rank=SearchRank(document, words))
            .filter(document=words)
            .order_by("-rank", "starts_at")
        )
    for root in search_roots(query) or [query]:
        activities = activities.filter(Q(title__icontains=root) | Q(description__icontains=root))
    return activities


def _matching_journeys(query: str):
    journeys = Journey.objects.published().select_related("theme")
    if connection.vendor == "postgresql":
        words = SearchQuery(query, search_type="websearch", config="dutch")
        document = (
            SearchVector("question", weight="A", config="dutch")
            + SearchVector("summary", weight="B", config="dutch")
            + SearchVector("introduction", weight="C", config="dutch")
        )
        step_matches = JourneyStep.objects.annotate(
            document=SearchVector("title", "body", config="dutch")
        ).filter(journey=OuterRef("pk"), document=words)
        return (
            journeys.annotate(document=document, rank=SearchRank(document, words))
            .filter(Q(document=words) | Exists(step_matches))
            .order_by("-rank", "question")
        )
    # The embedded database has no Dutch stemming: every word's root must occur in the
    # journey or one of its steps.
    for root in search_roots(query) or [query]:
        in_steps = JourneyStep.objects.filter(journey=OuterRef("pk")).filter(
            Q(title__icontains=root) | Q(body__icontains=root)
        )
        journeys = journeys.filter(
            Q(question__icontains=root)
            | Q(summary__icontains=root)
            | Q(introduction__icontains=root)
            | Exists(in_steps)
        )
    return journeys.order_by("question")


# --- Secure messages --------------------------------------------------------------------


def own_threads(*, resident, limit=None) -> list[MessageThread]:
    """The resident's conversations, newest first, each with how many messages from the
    team they have not opened yet (`unread`); one plain query."""
    if not policy.can(resident, "portal.view_own_messages"):
        return []
    threads = []
    for row in sql.rows(
        f"SELECT t.id, t.subject, t.last_message_at,"  # noqa: S608
        f" (SELECT COUNT(*) FROM {Message._meta.db_table} m WHERE m.thread_id = t.id"
        f" AND NOT m.from_client AND m.read_at IS NULL) AS unread"
        f" FROM {MessageThread._meta.db_table} t"
        f" JOIN {Dossier._meta.db_table} d ON d.id = t.dossier_id"
        f" JOIN {Client._meta.db_table} c ON c.id = d.client_id"
        f" WHERE c.account_id = %s ORDER BY t.last_message_at DESC, t.id DESC"
        + (" LIMIT %s" if limit else ""),
        [resident.pk, *([limit] if limit else [])],
    ):
        thread = MessageThread(
            pk=row["id"], subject=row["subject"], last_message_at=sql.moment(row["last_message_at"])
        )
        thread.unread = row["unread"]
        threads.append(thread)
    return threads


def own_open_dossier(*, resident) -> Dossier | None:
    """The dossier a resident's new conversation is about: their open one."""
    dossier = (
        Dossier.objects.open()
        .filter(client__account=resident)
        .select_related("client", "team")
        .order_by("-started_on", "-pk")
        .first()
    )
    if dossier is None or not policy.can(resident, "portal.add_messagethread", dossier):
        return None
    return dossier


@dataclass
class DossierThreads:
    threads: list
    can_start: bool
    dossier: Dossier


def dossier_threads(*, actor, dossier) -> DossierThreads | None:
    """The messages section of a dossier page: its conversations with the client, each with
    how many of the client's messages nobody of the team opened yet."""
    if not (
        policy.can(actor, "dossiers.view_dossier", dossier)
        and dossier.team_id in policy.team_ids_of(actor)
    ):
        return None
    threads = list(
        MessageThread.objects.filter(dossier=dossier)
        .annotate(
            unread=Count(
                "messages", filter=Q(messages__from_client=True, messages__read_at__isnull=True)
            )
        )
        .order_by("-last_message_at", "-pk")[:50]
    )
    can_start = policy.can(actor, "portal.add_messagethread", dossier)
    return DossierThreads(threads, can_start, dossier)


def thread_for_reader(*, actor, pk) -> MessageThread:
    """A conversation for one who takes part in it; 404 (and a logged refusal) for anyone
    else. The read is in the access log. Of its dossier only what the page and the policy
    ask (its status, team, and its client's name and account), in one plain query."""
    row = (
        sql.first_row(
            f"SELECT t.id, t.subject, d.id, d.status, d.team_id, c.id, c.account_id,"  # noqa: S608
            f" c.first_name, c.last_name FROM {MessageThread._meta.db_table} t"
            f" JOIN {Dossier._meta.db_table} d ON d.id = t.dossier_id"
            f" JOIN {Client._meta.db_table} c ON c.id = d.client_id WHERE t.id = %s",
            [pk],
        )
        if isinstance(pk, int)
        else None
    )
    thread = None
    if row is not None:
        thread_id, subject, dossier_id, status, team_id, client_id, account_id, first, last = row
        client = Client(pk=client_id, account_id=account_id, first_name=first, last_name=last)
        dossier = Dossier(pk=dossier_id, status=status, team_id=team_id, client=client)
        thread = MessageThread(pk=thread_id, subject=subject, dossier=dossier)
    if thread is None or not policy.can(actor, "portal.view_messagethread", thread):
        access_denied_record(actor=actor, object_type="portal.messagethread", object_id=str(pk))
        raise Http404
    access_log_record(actor=actor, action=AccessLogEntry.Action.READ, obj=thread)
    return thread


# Messages a conversation's page shows at once, the newest; older ones a page further back.
MESSAGES_PER_PAGE = 20


@dataclass
class MessagePage:
    messages: list
    # The oldest message shown, when there are older ones: the link back starts before it.
    older_than: int | None


def thread_messages(*, thread, before=None) -> MessagePage:
    """The newest messages of the conversation (or those before message `before`), oldest
    of them first, as a chat shows them. Messages are numbered in the order they are sent,
    so the number is the page's position. Read as plain SQL (apps/core/sql.py says why):
    each message a dict with its sender's name and its files."""
    user = User._meta.db_table
    newest = sql.rows(
        f"SELECT m.id, m.from_client, m.body, m.sent_at, m.read_at,"  # noqa: S608
        f" u.first_name, u.last_name FROM {Message._meta.db_table} m"
        f" LEFT JOIN {user} u ON u.id = m.sender_id"
        f" WHERE m.thread_id = %s{' AND m.id < %s' if before is not None else ''}"
        f" ORDER BY m.id DESC LIMIT %s",
        [thread.pk, *([before] if before is not None else []), MESSAGES_PER_PAGE + 1],
    )
    shown = newest[:MESSAGES_PER_PAGE][::-1]
    files: dict[int, list] = {}
    if shown:
        ids = [message["id"] for message in shown]
        for row in sql.rows(
            f"SELECT id, message_id, original_name, size"  # noqa: S608
            f" FROM {MessageAttachment._meta.db_table}"
            f" WHERE message_id IN ({sql.placeholders(ids)}) ORDER BY id",
            ids,
        ):
            files.setdefault(row["message_id"], []).append(row)
    for message in shown:
        message["sent_at"] = sql.moment(message["sent_at"])
        message["read_at"] = sql.moment(message["read_at"])
        message["from_client"] = bool(message["from_client"])
        message["sender_name"] = (
            f"{message.pop('first_name') or ''} {message.pop('last_name') or ''}".strip()
        )
        message["files"] = files.get(message["id"], [])
    return MessagePage(shown, shown[0]["id"] if len(newest) > MESSAGES_PER_PAGE else None)


def message_attachment_for_download(*, actor, pk) -> MessageAttachment:
    attachment = (
        MessageAttachment.objects.select_related("message__thread__dossier__client")
        .filter(pk=pk)
        .first()
    )
    if attachment is None or not policy.can(
        actor, "portal.view_messagethread", attachment.message.thread
    ):
        access_denied_record(actor=actor, object_type="portal.messageattachment", object_id=str(pk))
        raise Http404
    access_log_record(actor=actor, action=AccessLogEntry.Action.READ, obj=attachment)
    return attachment


# --- Activities -------------------------------------------------------------------------


def _with_places(activities):
    return activities.select_related("theme").annotate(
        places_taken=Count("sign_ups", filter=Q(sign_ups__status=SignUp.Status.PLACE)),
        waiting=Count("sign_ups", filter=Q(sign_ups__status=SignUp.Status.WAITING)),
    )


def upcoming_activities(*, theme=None, kind=""):
    """What residents can still join, soonest first, with the places taken."""
    activities = Activity.objects.upcoming().open_to_all()
    if theme is not None:
        activities = activities.filter(theme=theme)
    if kind:
        activities = activities.filter(kind=kind)
    return _with_places(activities)


def activity_open_to(actor, activity: Activity) -> bool:
    """Everyone sees an activity, except a learning group's meeting: its group does."""
    return activity.cohort_id is None or policy.can(actor, "portal.view_group_session", activity)


def activity_or_404(*, actor, pk) -> Activity:
    """An activity the actor may see: a learning group's meeting only for the group."""
    activity = _with_places(Activity.objects.filter(pk=pk)).select_related("team", "cohort").first()
    if activity is None or not activity_open_to(actor, activity):
        raise Http404
    return activity


def own_sign_up(*, resident, activity) -> SignUp | None:
    if not resident.is_authenticated:
        return None
    return SignUp.objects.active().filter(activity=activity, resident=resident).first()


def own_sign_up_or_404(*, resident, pk) -> SignUp:
    sign_up = SignUp.objects.active().filter(activity_id=pk, resident=resident).first()
    if sign_up is None:
        raise Http404
    return sign_up


def own_sign_ups(*, resident) -> list[SignUp]:
    """The resident's places and waiting-list turns in activities still to come; one plain
    query."""
    if not resident.is_authenticated:
        return []
    sign_ups = []
    for row in sql.rows(
        f"SELECT s.id, s.status, a.id AS activity_id, a.title, a.starts_at"  # noqa: S608
        f" FROM {SignUp._meta.db_table} s JOIN {Activity._meta.db_table} a"
        f" ON a.id = s.activity_id WHERE s.resident_id = %s AND s.status IN (%s, %s)"
        f" AND a.ends_at >= %s ORDER BY a.starts_at, s.id",
        [
            resident.pk,
            SignUp.Status.PLACE,
            SignUp.Status.WAITING,
            sql.moment_param(timezone.now()),
        ],
    ):
        activity = Activity(
            pk=row["activity_id"], title=row["title"], starts_at=sql.moment(row["starts_at"])
        )
        sign_ups.append(SignUp(pk=row["id"], status=row["status"], activity=activity))
    return sign_ups


def activities_for_staff(*, actor):
    """The activities of the actor's teams (all of them for a functional administrator),
    still to come first."""
    activities = Activity.objects.select_related("team")
    if not policy.can(actor, "core.access_admin"):
        activities = activities.filter(team_id__in=policy.team_ids_of(actor))
    return _with_places(activities).order_by("-ends_at", "pk")


def activity_for_staff(*, actor, pk) -> Activity:
    activity = Activity.objects.filter(pk=pk).select_related("team").first()
    if activity is None or not policy.can(actor, "portal.change_activity", activity):
        raise Http404
    return activity


def activity_participants(*, actor, activity) -> list[SignUp]:
    """Who has a place, then the waiting list in its order, then who cancelled. The read is
    in the access log as one row for the activity's list, naming how many were on it."""
    if not policy.can(actor, "portal.view_signup", activity):
        raise Http404
    rows = list(
        SignUp.objects.filter(activity=activity)
        .select_related("resident")
        .order_by(
            Case(
                When(status=SignUp.Status.PLACE, then=0),
                When(status=SignUp.Status.WAITING, then=1),
                default=2,
            ),
            "signed_up_at",
            "pk",
        )
    )
    access_log_record(
        actor=actor,
        action=AccessLogEntry.Action.READ,
        obj=activity,
        reason=f"participants: {len(rows)}",
    )
    return rows


# --- Informal help ----------------------------------------------------------------------


def own_informal_help(*, resident) -> list[InformalHelpRequest]:
    if not policy.can(resident, "portal.add_informalhelprequest"):
        return []
    return list(InformalHelpRequest.objects.filter(resident=resident).order_by("-asked_at", "-pk"))


def informal_help_queue(*, actor):
    """The requests of the teams whose volunteers the actor matches: waiting ones first."""
    return (
        InformalHelpRequest.objects.filter(team_id__in=policy.coordinated_team_ids(actor))
        .select_related("resident", "team")
        .order_by(
            Case(When(status=InformalHelpRequest.Status.NEW, then=0), default=1),
            "asked_at",
            "pk",
        )
    )


def informal_help_for_coordinator(*, actor, pk) -> InformalHelpRequest:
    request = InformalHelpRequest.objects.select_related("resident", "team").filter(pk=pk).first()
    if request is None or not policy.can(actor, "portal.view_informalhelprequest", request):
        access_denied_record(
            actor=actor, object_type="portal.informalhelprequest", object_id=str(pk)
        )
        raise Http404
    access_log_record(actor=actor, action=AccessLogEntry.Action.READ, obj=request)
    return request


def own_matches(*, volunteer) -> list[VolunteerMatch]:
    """The volunteer's running matches with what they need for them, and nothing else."""
    if not policy.can(volunteer, "portal.view_own_matches"):
        return []
    matches = list(
        VolunteerMatch.objects.filter(volunteer=volunteer, ended_at__isnull=True)
        .select_related("request__resident")
        .only(
            "matched_at",
            "note",
            "volunteer_id",
            "request__kind",
            "request__description",
            "request__when",
            "request__postcode",
            "request__phone",
            "request__resident__first_name",
            "request__resident__email",
        )
        .order_by("-matched_at", "pk")
    )
    for match in matches:
        access_log_record(actor=volunteer, action=AccessLogEntry.Action.READ, obj=match)
    return matches


def cohort_sessions(cohort_id: int) -> list[Session]:
    """The meetings of a learning group, as apps.learning shows them on the group's pages."""
    return [
        Session(
            title=activity.title,
            starts_at=activity.starts_at,
            ends_at=activity.ends_at,
            place=activity.place,
            url=reverse("portal:activity", args=[activity.pk]),
            manage_url=reverse("portal_work:activity_participants", args=[activity.pk]),
            cancelled=activity.status == Activity.Status.CANCELLED,
        )
        for activity in Activity.objects.filter(cohort_id=cohort_id).order_by("starts_at", "pk")
    ]
