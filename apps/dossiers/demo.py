"""Demo clients with dossiers, questions and contact moments for the demo social workers."""

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.utils import timezone

from apps.accounts.demo import DEMO_DOMAIN
from apps.accounts.models import User
from apps.core.demo import DemoRun, demo_step
from apps.core.validators import UNUSED_POSTCODE_LETTERS
from apps.dossiers.models import (
    Action,
    Client,
    ContactMoment,
    Dossier,
    Goal,
    IntakeRequest,
    LifeEvent,
    NetworkMember,
    RegisteredQuestion,
    surname_sort_key,
)
from apps.organisation.models import Neighbourhood, TeamMembership, Theme

POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
POSTCODE_LETTER_PAIRS = [
    first + second
    for first in POSTCODE_LETTERS
    for second in POSTCODE_LETTERS
    if first + second not in UNUSED_POSTCODE_LETTERS
]
CONTACT_MODES = ContactMoment.Mode.values
DOSSIER_SOURCES = Dossier.Source.values
CLOSING_REASONS = Dossier.ClosingReason.values
SUBCATEGORIES = {
    "geldzaken-regelgeving": ["Schulden", "Formulieren", "Toeslagen"],
    "huisvesting-wonen": ["Dreigende uitzetting", "Woningaanpassing", "Overlast"],
    "mentaal-welbevinden-zingeving": ["Eenzaamheid", "Rouw", "Stress"],
    "ouder-worden-mantelzorg": ["Overbelaste mantelzorger", "Dagbesteding"],
    "huiselijke-relaties-opvoeding": ["Opvoedvragen", "Scheiding"],
    "gezondheid-zorg": ["Zorg regelen", "Leefstijl"],
}
CLIENTS_PER_WORKER = 14

# The large set, for benchmarks (issue targets: 100k clients, 120k dossiers, 2M contacts).
LARGE_CLIENTS = 100_000
LARGE_RETURNING_CLIENTS = 20_000  # a closed earlier trajectory besides the current one
LARGE_CONTACTS_PER_DOSSIER = (9, 25)  # uniform; about 17 on average, so over 2 million
LARGE_CHUNK = 5_000
# Requests per team in the intake table, of which this many still wait.
LARGE_INTAKE_PER_TEAM = 400
LARGE_INTAKE_WAITING_PER_TEAM = 60
# The small set's past year for the report pages: trajectories of the first team that
# closed, and a second team with a few dossiers, so a report can set a team with enough
# measurements beside one with too few.
HISTORY_CLOSED_FIRST_TEAM = 16
HISTORY_CLOSED_SECOND_TEAM = 6
HISTORY_OPEN_SECOND_TEAM = 5


def seed_dossiers(*, organisation, rng, faker, size: str = "small") -> list[int]:
    """Returns the pks of the small set's history dossiers (new ones only)."""
    _seed_named_workers_dossiers(organisation=organisation, rng=rng, faker=faker)
    history = []
    if size == "small":
        history = _seed_history(organisation=organisation, rng=rng, faker=faker)
    if size == "large":
        _seed_large(organisation=organisation, rng=rng, faker=faker)
        _seed_large_intake(organisation=organisation, rng=rng, faker=faker)
    return history


def _seed_named_workers_dossiers(*, organisation, rng, faker) -> None:
    team = organisation.teams[0]
    if Dossier.objects.filter(team=team).exists():
        return
    workers = list(
        User.objects.filter(team_memberships__team=team, email=f"sociaalwerker@{DEMO_DOMAIN}")
    ) + list(User.objects.filter(team_memberships__team=team, role="social_worker")[:2])
    buurten = list(Neighbourhood.objects.filter(district__in=team.neighbourhoods.all()))
    themes = {t.code: t for t in Theme.objects.filter(code__in=SUBCATEGORIES)}
    today = timezone.localdate()
    now = timezone.now()

    clients, dossiers, questions, moments = [], [], [], []
    for worker in dict.fromkeys(workers):
        for _ in range(CLIENTS_PER_WORKER):
            buurt = rng.choice(buurten)
            last_name = faker.last_name()
            client = Client(
                first_name=faker.first_name(),
                last_name=last_name,
                sort_name=surname_sort_key(last_name),
                birth_date=faker.date_of_birth(minimum_age=18, maximum_age=90),
                postcode=_postcode(rng, area=(3811, 3829)),
                house_number=str(rng.randint(1, 180)),
                street=faker.street_name(),
                city=team.municipality.name,
                neighbourhood=buurt,
                latitude=buurt.centroid_latitude + rng.uniform(-0.002, 0.002),
                longitude=buurt.centroid_longitude + rng.uniform(-0.003, 0.003),
                phone=_phone(rng),
            )
            clients.append(client)
            started = today - timedelta(days=rng.choice([12, 40, 75, 110, 150, 200, 260, 400]))
            status = rng.choice(["intake", "active", "active", "active"])
            dossiers.append(
                Dossier(
                    client=client,
                    team=team,
                    responsible_worker=worker,
                    status=status,
                    source=rng.choice(Dossier.Source.values),
                    started_on=started,
                )
            )
    Client.objects.bulk_create(clients)
    for dossier in dossiers:
        dossier.client_id = dossier.client.pk
    Dossier.objects.bulk_create(dossiers)
    for dossier in dossiers:
        for code in rng.sample(sorted(themes), k=rng.randint(1, 2)):
            questions.append(
                RegisteredQuestion(
                    dossier=dossier, theme=themes[code], subcategory=rng.choice(SUBCATEGORIES[code])
                )
            )
        days = (today - dossier.started_on).days
        for _ in range(rng.randint(1, 6) if dossier.status == "active" else rng.randint(0, 1)):
            moments.append(
                ContactMoment(
                    dossier=dossier,
                    worker=dossier.responsible_worker,
                    occurred_at=now - timedelta(days=rng.randint(0, days), hours=rng.randint(1, 8)),
                    mode=rng.choice(ContactMoment.Mode.values),
                    duration_minutes=rng.choice([15, 30, 45, 60, 90]),
                )
            )
    RegisteredQuestion.objects.bulk_create(questions)
    ContactMoment.objects.bulk_create(moments)
    _seed_plans_and_networks(dossiers=dossiers, rng=rng, faker=faker)
    _seed_intake(team=team, known=clients[0], rng=rng, faker=faker)


NETWORK = [
    ("dochter", NetworkMember.Circle.FAMILY, 1, NetworkMember.Support.EMOTIONAL, "good"),
    ("broer", NetworkMember.Circle.FAMILY, 3, NetworkMember.Support.NONE, "strained"),
    ("buurvrouw", NetworkMember.Circle.NEIGHBOURHOOD, 1, NetworkMember.Support.PRACTICAL, "good"),
    ("vriend van de biljartclub", NetworkMember.Circle.WORK_SCHOOL, 2, "company", "neutral"),
    ("huisarts", NetworkMember.Circle.PROFESSIONALS, 2, NetworkMember.Support.CARE, "good"),
    ("oud-collega", NetworkMember.Circle.FRIENDS, 3, NetworkMember.Support.COMPANY, "neutral"),
]
GOALS = [
    ("Hoe kan ik mijn rekeningen op tijd betalen?", "Samen de vaste lasten op een rij zetten"),
    ("Hoe kan ik weer mensen ontmoeten?", "Een keer meegaan naar de koffieochtend"),
    ("Hoe kunnen we de zorg voor moeder verdelen?", "Familiegesprek plannen"),
]


def _seed_plans_and_networks(*, dossiers, rng, faker) -> None:
    """A network, a life event and a goal with an action for the active demo dossiers."""
    members, events, goals, actions = [], [], [], []
    today = timezone.localdate()
    for dossier in dossiers:
        if dossier.status != "active":
            continue
        for relation, circle, closeness, support, quality in rng.sample(NETWORK, k=4):
            members.append(
                NetworkMember(
                    dossier=dossier,
                    name=faker.first_name(),
                    relation=relation,
                    circle=circle,
                    closeness=closeness,
                    support=support,
                    quality=quality,
                )
            )
        events.append(
            LifeEvent(
                dossier=dossier,
                occurred_on=dossier.started_on - timedelta(days=rng.randint(20, 400)),
                kind=rng.choice(LifeEvent.Kind.values),
            )
        )
        question, first_step = rng.choice(GOALS)
        goal = Goal(dossier=dossier, question=question)
        goals.append(goal)
        actions.append(
            Action(
                goal=goal,
                description=first_step,
                owner=rng.choice(Action.Owner.values),
                # Some first steps are late or due this week, as in any caseload (the
                # worker's "today" view); the same draw as before, shifted two weeks back.
                target_date=today + timedelta(days=rng.randint(7, 60) - 14),
            )
        )
    NetworkMember.objects.bulk_create(members)
    LifeEvent.objects.bulk_create(events)
    Goal.objects.bulk_create(goals)
    Action.objects.bulk_create(actions)


INTAKE_QUESTIONS = [
    "Ik krijg steeds aanmaningen en weet niet meer hoe ik alles moet betalen.",
    "Mijn moeder woont alleen en redt het niet meer. Ik zorg voor haar, maar het wordt te veel.",
    "Sinds mijn man is overleden zie ik bijna niemand meer.",
    "De huisarts stuurt u dit verzoek: mevrouw heeft hulp nodig bij het regelen van zorg.",
]


def _seed_intake(*, team, known, rng, faker) -> None:
    """A few waiting requests; the first looks like a client we already know."""
    now = timezone.now()
    requests = [
        IntakeRequest(
            team=team,
            source=Dossier.Source.ONLINE,
            first_name=known.first_name,
            last_name=known.last_name,
            birth_date=known.birth_date,
            postcode=known.postcode,
            house_number=known.house_number,
            question=INTAKE_QUESTIONS[0],
            received_at=now - timedelta(days=2),
        )
    ]
    for number, question in enumerate(INTAKE_QUESTIONS[1:], start=1):
        requests.append(
            IntakeRequest(
                team=team,
                source=Dossier.Source.GP if number == 3 else Dossier.Source.ONLINE,
                referrer="Huisartsenpraktijk De Linde" if number == 3 else "",
                first_name=faker.first_name(),
                last_name=faker.last_name(),
                birth_date=faker.date_of_birth(minimum_age=25, maximum_age=88),
                postcode=_postcode(rng),
                house_number=str(rng.randint(1, 120)),
                phone=_phone(rng),
                question=question,
                received_at=now - timedelta(hours=rng.randint(1, 40)),
            )
        )
    IntakeRequest.objects.bulk_create(requests)


def _seed_history(*, organisation, rng, faker) -> list[int]:
    """Closed trajectories over the past year in the first team (every closing reason) and
    a second team with a few closed and open dossiers, with contacts in every mode."""
    first, second = organisation.teams[:2]
    if Dossier.objects.filter(team=second).exists():
        return []
    today = timezone.localdate()
    plan = [(first, "closed")] * HISTORY_CLOSED_FIRST_TEAM
    plan += [(second, "closed")] * HISTORY_CLOSED_SECOND_TEAM
    plan += [(second, "active")] * HISTORY_OPEN_SECOND_TEAM
    workers = defaultdict(list)
    for team_id, user_id in (
        TeamMembership.objects.filter(
            team__in=(first, second), user__role__in=("social_worker", "team_leader")
        )
        .order_by("user__email")
        .values_list("team_id", "user_id")
    ):
        workers[team_id].append(user_id)
    buurten = {
        team.pk: list(Neighbourhood.objects.filter(district__in=team.neighbourhoods.all()))
        for team in (first, second)
    }
    clients, dossiers = [], []
    for number, (team, status) in enumerate(plan):
        buurt = rng.choice(buurten[team.pk])
        last_name = faker.last_name()
        client = Client(
            first_name=faker.first_name(),
            last_name=last_name,
            sort_name=surname_sort_key(last_name),
            birth_date=faker.date_of_birth(minimum_age=18, maximum_age=90),
            postcode=_postcode(rng, area=(3811, 3829)),
            house_number=str(rng.randint(1, 180)),
            street=faker.street_name(),
            city=team.municipality.name,
            neighbourhood=buurt,
            latitude=buurt.centroid_latitude + rng.uniform(-0.002, 0.002),
            longitude=buurt.centroid_longitude + rng.uniform(-0.003, 0.003),
        )
        clients.append(client)
        closed = status == "closed"
        # Closed ones end spread over the past year; open ones started up to ten months ago.
        if closed:
            ended = today - timedelta(days=rng.randint(3, 350))
            started = ended - timedelta(days=rng.randint(45, 240))
        else:
            started, ended = today - timedelta(days=rng.randint(20, 300)), None
        dossiers.append(
            Dossier(
                client=client,
                team=team,
                responsible_worker_id=rng.choice(workers[team.pk]),
                status=status,
                source=rng.choice(DOSSIER_SOURCES),
                started_on=started,
                ended_on=ended,
                closing_reason=CLOSING_REASONS[number % len(CLOSING_REASONS)] if closed else "",
            )
        )
    Client.objects.bulk_create(clients)
    for dossier in dossiers:
        dossier.client_id = dossier.client.pk
    Dossier.objects.bulk_create(dossiers)
    themes = list(Theme.objects.filter(code__in=SUBCATEGORIES).order_by("code"))
    now = timezone.now()
    questions, moments = [], []
    for number, dossier in enumerate(dossiers):
        for theme in rng.sample(themes, k=rng.randint(1, 2)):
            questions.append(
                RegisteredQuestion(
                    dossier=dossier,
                    theme=theme,
                    subcategory=rng.choice(SUBCATEGORIES[theme.code]),
                    registered_at=timezone.make_aware(
                        datetime.combine(dossier.started_on, time(11, 0))
                    ),
                )
            )
        end = dossier.ended_on or today
        span = max((end - dossier.started_on).days, 1)
        for contact in range(rng.randint(4, 9)):
            moments.append(
                ContactMoment(
                    dossier=dossier,
                    worker_id=dossier.responsible_worker_id,
                    occurred_at=now
                    - timedelta(
                        days=(today - end).days + rng.randint(0, span - 1),
                        hours=rng.randint(1, 8),
                    ),
                    # Every mode in turn, so each shows in every team's mix.
                    mode=CONTACT_MODES[(number + contact) % len(CONTACT_MODES)],
                    duration_minutes=rng.choice([15, 30, 45, 60, 90]),
                )
            )
    RegisteredQuestion.objects.bulk_create(questions)
    ContactMoment.objects.bulk_create(moments)
    return [dossier.pk for dossier in dossiers]


def _seed_large(*, organisation, rng, faker) -> None:
    """Bulk inserts in chunks, so memory stays flat; names come from a small Faker pool."""
    if Dossier.objects.count() >= LARGE_CLIENTS:
        return
    workers = defaultdict(list)
    for team_id, user_id in TeamMembership.objects.filter(
        user__role__in=("social_worker", "team_leader"), team__in=organisation.teams
    ).values_list("team_id", "user_id"):
        workers[team_id].append(user_id)
    buurten = defaultdict(list)
    for team_id, pk, lat, lon in Neighbourhood.objects.filter(
        kind="buurt", district__teams__in=organisation.teams
    ).values_list("district__teams", "pk", "centroid_latitude", "centroid_longitude"):
        buurten[team_id].append((pk, lat, lon))
    teams = [team for team in organisation.teams if workers[team.pk] and buurten[team.pk]]
    theme_ids = list(Theme.objects.values_list("pk", flat=True))
    first_names = [faker.first_name() for _ in range(400)]
    last_names = [faker.last_name() for _ in range(400)]
    today, now = timezone.localdate(), timezone.now()

    for start in range(0, LARGE_CLIENTS, LARGE_CHUNK):
        plan = []
        clients = []
        for number in range(start, min(start + LARGE_CHUNK, LARGE_CLIENTS)):
            team = teams[number % len(teams)]
            buurt_id, lat, lon = rng.choice(buurten[team.pk])
            last_name = rng.choice(last_names)
            clients.append(
                Client(
                    first_name=rng.choice(first_names),
                    last_name=last_name,
                    sort_name=surname_sort_key(last_name),
                    birth_date=today - timedelta(days=rng.randint(18 * 365, 92 * 365)),
                    postcode=_postcode(rng),
                    house_number=str(rng.randint(1, 250)),
                    city=team.municipality.name,
                    neighbourhood_id=buurt_id,
                    latitude=lat + rng.uniform(-0.002, 0.002),
                    longitude=lon + rng.uniform(-0.003, 0.003),
                )
            )
            plan.append((team, number < LARGE_RETURNING_CLIENTS))
        Client.objects.bulk_create(clients)
        dossiers = []
        for client, (team, returning) in zip(clients, plan, strict=True):
            worker_id = rng.choice(workers[team.pk])
            started = today - timedelta(days=rng.randint(1, 900))
            status = rng.choices(
                ["registration", "intake", "active", "closed"], weights=[5, 10, 60, 25]
            )[0]
            dossiers.append(_large_dossier(client, team, worker_id, started, status, today, rng))
            if returning:
                earlier_end = started - timedelta(days=rng.randint(30, 400))
                dossiers.append(
                    _large_dossier(
                        client,
                        team,
                        worker_id,
                        earlier_end - timedelta(days=rng.randint(60, 300)),
                        "closed",
                        earlier_end,
                        rng,
                    )
                )
        Dossier.objects.bulk_create(dossiers)
        questions, moments = [], []
        for dossier in dossiers:
            # Registered at the start, so the questions spread over the months as in use.
            registered_at = timezone.make_aware(datetime.combine(dossier.started_on, time(11)))
            for theme_id in rng.sample(theme_ids, k=rng.randint(1, 2)):
                questions.append(
                    RegisteredQuestion(
                        dossier=dossier, theme_id=theme_id, registered_at=registered_at
                    )
                )
            end = dossier.ended_on or today
            span = max((end - dossier.started_on).days, 1)
            for _ in range(rng.randint(*LARGE_CONTACTS_PER_DOSSIER)):
                moments.append(
                    ContactMoment(
                        dossier=dossier,
                        worker_id=dossier.responsible_worker_id,
                        occurred_at=now
                        - timedelta(
                            days=(today - end).days + rng.randint(0, span - 1),
                            minutes=rng.randint(0, 600),
                        ),
                        mode=rng.choice(CONTACT_MODES),
                        duration_minutes=rng.choice((15, 30, 45, 60, 90)),
                    )
                )
        RegisteredQuestion.objects.bulk_create(questions, batch_size=5_000)
        ContactMoment.objects.bulk_create(moments, batch_size=5_000)


def _seed_large_intake(*, organisation, rng, faker) -> None:
    """Every team's intake queue: requests that wait (some for weeks) and many that were
    handled before, so the queue is read from a table of realistic size."""
    if IntakeRequest.objects.count() >= len(organisation.teams) * LARGE_INTAKE_PER_TEAM:
        return
    now = timezone.now()
    first_names = [faker.first_name() for _ in range(200)]
    last_names = [faker.last_name() for _ in range(200)]
    requests = []
    for team in organisation.teams:
        for number in range(LARGE_INTAKE_PER_TEAM):
            waiting = number < LARGE_INTAKE_WAITING_PER_TEAM
            requests.append(
                IntakeRequest(
                    team=team,
                    source=rng.choice(DOSSIER_SOURCES),
                    status=IntakeRequest.Status.NEW
                    if waiting
                    else rng.choice(
                        (IntakeRequest.Status.CONVERTED, IntakeRequest.Status.WITHDRAWN)
                    ),
                    first_name=rng.choice(first_names),
                    last_name=rng.choice(last_names),
                    postcode=_postcode(rng),
                    house_number=str(rng.randint(1, 250)),
                    question=rng.choice(INTAKE_QUESTIONS),
                    received_at=now
                    - timedelta(hours=rng.randint(1, 24 * (30 if waiting else 700))),
                )
            )
    IntakeRequest.objects.bulk_create(requests, batch_size=5_000)


def _large_dossier(client, team, worker_id, started, status, today, rng) -> Dossier:
    closed = status == "closed"
    ended = min(today, started + timedelta(days=rng.randint(30, 400))) if closed else None
    if closed and ended <= started:
        ended = started
    return Dossier(
        client=client,
        team=team,
        responsible_worker_id=worker_id,
        status=status,
        source=rng.choice(DOSSIER_SOURCES),
        started_on=started,
        ended_on=ended,
        closing_reason=rng.choice(CLOSING_REASONS) if closed else "",
    )


def _postcode(rng, area=(1000, 9999)) -> str:
    """A postcode as PostNL gives them out (not SA, SD or SS)."""
    return f"{rng.randint(*area)} {rng.choice(POSTCODE_LETTER_PAIRS)}"


def _phone(rng) -> str:
    """A Dutch mobile number that exists by the numbering plan: 06 1 and seven digits."""
    return f"+3161{rng.randint(0, 9_999_999):07d}"


@demo_step("dossiers", after=("organisation", "accounts"))
def _seed(run: DemoRun) -> list[int]:
    return seed_dossiers(
        organisation=run.made["organisation"], rng=run.rng, faker=run.faker, size=run.size
    )
