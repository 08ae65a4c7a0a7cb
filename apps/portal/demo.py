"""Demo journeys (at least one question per theme, answered in our own words in
demo_journeys.toml, published by the demo team leader; their steps open the self-scans and
find services of the demo social map) and the demo resident's conversation with their
social worker, and activities per theme with places taken and a waiting list."""

import tomllib
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from apps.accounts.demo import DEMO_DOMAIN
from apps.accounts.models import Role, User
from apps.core.demo import DemoRun, demo_step
from apps.dossiers.models import ContactMoment, Dossier
from apps.learning.models import Cohort, LearningPath
from apps.organisation.models import Team, TeamMembership, Theme
from apps.portal.models import (
    Activity,
    InformalHelpRequest,
    Journey,
    JourneyStep,
    Message,
    MessageThread,
    SignUp,
    VolunteerMatch,
)
from apps.portal.services import MESSAGE_MINUTES

DEMO_JOURNEYS = tomllib.loads(
    (Path(__file__).parent / "demo_journeys.toml").read_text(encoding="utf-8")
)["journey"]


@demo_step("journeys", after=("organisation", "accounts", "instruments", "learning_paths"))
def _seed(run: DemoRun) -> int:
    themes = {theme.code: theme for theme in Theme.objects.all()}
    paths = {path.slug: path for path in LearningPath.objects.all()}
    editor = User.objects.filter(role=Role.TEAM_LEADER).order_by("pk").first()
    now = timezone.now()
    made = 0
    for position, entry in enumerate(DEMO_JOURNEYS):
        journey, created = Journey.objects.update_or_create(
            slug=entry["slug"],
            defaults={
                "theme": themes[entry["theme"]],
                "question": entry["question"],
                "summary": entry["summary"],
                "introduction": entry.get("introduction", "").strip(),
                "position": position,
                "status": Journey.Status.PUBLISHED,
                "published_at": now,
                "updated_by": editor,
            },
        )
        journey.steps.all().delete()
        JourneyStep.objects.bulk_create(
            JourneyStep(
                journey=journey,
                position=number,
                kind=step["kind"],
                title=step["title"],
                body=step.get("body", "").strip(),
                instrument_code=step.get("instrument", ""),
                search_words=step.get("words", ""),
                link_url=step.get("url", ""),
                link_label=step.get("label", ""),
                learning_path=paths.get(step.get("path", "")),
            )
            for number, step in enumerate(entry["step"], start=1)
        )
        made += created
    run.report.append(f"Journeys: {len(DEMO_JOURNEYS)} published, one or more per theme.")
    return made


# The demo resident's conversation with their worker, in our words: the worker's messages
# are contact moments of mode "message", as a real answer is.
DEMO_CONVERSATION = [
    (True, "Ik heb een brief gekregen van de gemeente over bijzondere bijstand. Ik snap hem niet."),
    (False, "Goed dat je het laat weten. Kun je een foto van de brief sturen?"),
    (True, "Ja, ik stuur hem vanavond."),
    (
        False,
        "Dank je. Het gaat over je aanvraag voor de wasmachine. Ze willen nog een bankafschrift.",
    ),
    (True, "Welk afschrift? Van deze maand?"),
    (False, "Van de laatste drie maanden. Zullen we het dinsdag samen doen, om 10 uur?"),
]


@demo_step("messages", after=("measurements", "journeys"))
def _seed_messages(run: DemoRun) -> int:
    resident = User.objects.filter(email=f"inwoner@{DEMO_DOMAIN}").first()
    dossier = (
        Dossier.objects.open()
        .filter(client__account=resident)
        .select_related("responsible_worker")
        .first()
        if resident
        else None
    )
    if dossier is None or dossier.responsible_worker is None:
        return 0
    # Seeding again gives the same conversation, not a second one.
    ContactMoment.objects.filter(message__thread__dossier=dossier).delete()
    MessageThread.objects.filter(dossier=dossier).delete()
    # The large set's conversation is long, for the benchmark of a thread's page.
    rounds = 20 if run.size == "large" else 1
    start = timezone.now() - timedelta(days=2 * rounds + 3)
    thread = MessageThread.objects.create(
        dossier=dossier,
        subject="Brief over bijzondere bijstand",
        started_by=resident,
        started_at=start,
    )
    sent_at = start
    made = 0
    for _round in range(rounds):
        for from_client, body in DEMO_CONVERSATION:
            sent_at += timedelta(hours=7)
            moment = None
            if not from_client:
                moment = ContactMoment.objects.create(
                    dossier=dossier,
                    worker=dossier.responsible_worker,
                    occurred_at=sent_at,
                    mode=ContactMoment.Mode.MESSAGE,
                    duration_minutes=MESSAGE_MINUTES,
                    notes=f"Bericht in het portaal: {thread.subject}",
                )
            Message.objects.create(
                thread=thread,
                sender=resident if from_client else dossier.responsible_worker,
                from_client=from_client,
                body=body,
                sent_at=sent_at,
                read_at=sent_at + timedelta(hours=2),
                notified_at=sent_at,
                contact_moment=moment,
            )
            made += 1
    # The newest answer of the worker waits to be read.
    Message.objects.filter(pk=thread.messages.order_by("-sent_at").values("pk")[:1]).update(
        read_at=None
    )
    MessageThread.objects.filter(pk=thread.pk).update(last_message_at=sent_at)
    run.report.append(f"Messages: a conversation of {made} messages for the demo resident.")
    return made


# Activities per theme, in our words (demo_activities.toml).
DEMO_ACTIVITIES = tomllib.loads(
    (Path(__file__).parent / "demo_activities.toml").read_text(encoding="utf-8")
)["activity"]


@demo_step("activities", after=("organisation", "accounts", "messages", "learning_paths"))
def _seed_activities(run: DemoRun) -> int:
    themes = {theme.code: theme for theme in Theme.objects.all()}
    teams = list(Team.objects.filter(specialism=Team.Specialism.SOCIAL_WORK).order_by("pk"))
    if not teams:
        return 0
    Activity.objects.all().delete()
    # The large set: every neighbourhood team its activities, for the benchmark's lists.
    teams = teams if run.size == "large" else teams[:3]
    soon = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    made = []
    for number, team in enumerate(teams):
        for day, entry in enumerate(DEMO_ACTIVITIES):
            starts = soon + timedelta(days=1 + (day + number) % 21, hours=(day % 3) * 3)
            made.append(
                Activity(
                    team=team,
                    theme=themes[entry["theme"]],
                    kind=entry["kind"],
                    title=entry["title"],
                    description=entry["description"],
                    place=f"Buurthuis {team.name.removeprefix('Sociaal team ')}",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=2),
                    capacity=entry.get("places"),
                )
            )
    made += _group_meetings(soon)
    Activity.objects.bulk_create(made, batch_size=1000)
    _demo_sign_ups()
    run.report.append(f"Activities: {len(made)}, with places taken and a waiting list.")
    return len(made)


def _group_meetings(soon) -> list[Activity]:
    """Each learning group meets twice, once in the neighbourhood and once by video."""
    meetings = []
    for cohort in Cohort.objects.select_related("version__path", "team"):
        for weeks, place in ((1, f"Buurthuis {cohort.team.name}"), (3, "Online, via video")):
            starts = soon + timedelta(weeks=weeks, hours=9)
            meetings.append(
                Activity(
                    team=cohort.team,
                    cohort=cohort,
                    theme_id=cohort.version.path.theme_id,
                    kind=Activity.Kind.GROUP,
                    title=f"Bijeenkomst {cohort.name}",
                    description=(
                        "We bespreken samen wat je deze weken deed, en wat lastig was. "
                        "Neem je vragen mee."
                    ),
                    place=place,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=1, minutes=30),
                    capacity=max(cohort.enrolments.count(), 1),
                )
            )
    return meetings


def _demo_sign_ups() -> None:
    """The demo resident has a place in one group and waits for another, which is full."""
    resident = User.objects.filter(email=f"inwoner@{DEMO_DOMAIN}").first()
    others = list(
        User.objects.filter(role=Role.RESIDENT).exclude(pk=getattr(resident, "pk", None))[:8]
    )
    if resident is None:
        return
    lonely = Activity.objects.filter(title="Praatgroep Eenzaamheid").order_by("starts_at").first()
    money = Activity.objects.filter(title="Cursus Rondkomen").order_by("starts_at").first()
    rows = []
    if lonely is not None:
        for other in others[: lonely.capacity]:
            rows.append(SignUp(activity=lonely, resident=other, status=SignUp.Status.PLACE))
        rows.append(SignUp(activity=lonely, resident=resident, status=SignUp.Status.WAITING))
    if money is not None:
        rows.append(SignUp(activity=money, resident=resident, status=SignUp.Status.PLACE))
    SignUp.objects.bulk_create(rows)


@demo_step("informal_help", after=("accounts", "activities"))
def _seed_informal_help(run: DemoRun) -> int:
    """The demo social worker coordinates their team's volunteers; the demo resident asked
    for a ride, and the demo volunteer drives them."""
    worker = User.objects.filter(email=f"sociaalwerker@{DEMO_DOMAIN}").first()
    resident = User.objects.filter(email=f"inwoner@{DEMO_DOMAIN}").first()
    volunteer = User.objects.filter(email=f"vrijwilliger@{DEMO_DOMAIN}").first()
    membership = (
        TeamMembership.objects.filter(user=worker).order_by("pk").first() if worker else None
    )
    if membership is None or resident is None or volunteer is None:
        return 0
    TeamMembership.objects.filter(pk=membership.pk).update(coordinates_volunteers=True)
    TeamMembership.objects.get_or_create(team_id=membership.team_id, user=volunteer)
    InformalHelpRequest.objects.filter(resident=resident).delete()
    ride = InformalHelpRequest.objects.create(
        resident=resident,
        team_id=membership.team_id,
        kind=InformalHelpRequest.Kind.RIDE,
        description="Ik moet elke twee weken naar de fysiotherapeut en kan niet fietsen.",
        when="dinsdagochtend",
        postcode="3811 AB",
        phone="0612345678",
        status=InformalHelpRequest.Status.MATCHED,
    )
    VolunteerMatch.objects.create(
        request=ride,
        volunteer=volunteer,
        matched_by=worker,
        note="Fatima loopt met een rollator.",
    )
    InformalHelpRequest.objects.create(
        resident=resident,
        team_id=membership.team_id,
        kind=InformalHelpRequest.Kind.PAPERWORK,
        description="Hulp bij het invullen van de aanvraag voor huurtoeslag.",
        postcode="3811 AB",
    )
    run.report.append("Informal help: the demo volunteer drives the demo resident.")
    return 2
