"""Demo measurements: ZRM, the ladder and PH-17 in the demo dossiers, self-scans,
satisfaction surveys and the staff survey, so the dossier page, the comparison and the
report pages have something to show. Inserted in bulk and scored by the same scoring rules
as a real response."""

from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from django.utils import timezone

from apps.accounts.demo import DEMO_DOMAIN
from apps.accounts.models import Role, User
from apps.core.demo import DemoRun, demo_step
from apps.dossiers.models import Action, ContactMoment, Dossier, Goal
from apps.questionnaires import scoring
from apps.questionnaires.models import (
    Answer,
    Assignment,
    DimensionScore,
    InstrumentVersion,
    Response,
)
from apps.questionnaires.services.instruments import instruments_load

ZRM, LADDER, SHORT, FULL = "zrm", "participation-ladder", "positive-health-short", "positive-health"
SATISFACTION, STAFF_SURVEY = "client-satisfaction", "staff-technology-acceptance"
# Share of the large set's dossiers with a ZRM at intake: enough rows for a realistic
# dossier page and effect report without making the seed much slower.
LARGE_SHARE_WITH_ZRM = 0.1
# Share of those that got a second ZRM: during the support or at closing (the pairs the
# effect report compares).
LARGE_SHARE_WITH_SECOND_ZRM = 0.8
# Share of the large set's closed dossiers with a satisfaction survey, and of its clients
# who filled in Positive Health alone before their dossier started.
LARGE_SHARE_SATISFIED = 0.3
LARGE_SHARE_SELF_SCAN = 0.02
# The staff survey on working with Buurtkompas: rounds (months ago; each within the first
# half of its month, so a round is one month's figure) and who answered.
STAFF_SURVEY_ROUNDS = (7, 1)
STAFF_SURVEY_SHARE = 0.75
CHUNK = 2_000
# The demo workers' own clients are the first dossiers a fresh demo database gets.
NAMED_DOSSIERS = 60


class Planned(NamedTuple):
    """One completed questionnaire to insert."""

    version: "_Version"
    client_id: int | None
    dossier_id: int | None
    recorded_by_id: int | None
    mode: str
    moment: str
    completed_at: datetime
    answers: dict
    respondent_id: int | None = None

    @classmethod
    def in_dossier(cls, version, dossier, mode, moment, completed_at, answers):
        """A measurement in a dossier, recorded by its worker unless filled in alone."""
        worker = None if mode == Response.Mode.SELF else dossier.responsible_worker_id
        return cls(
            version, dossier.client_id, dossier.pk, worker, mode, moment, completed_at, answers
        )


def _morning_after(day: date, days: int) -> datetime:
    """Half past ten, `days` after `day`; never later than now."""
    moment = timezone.make_aware(datetime.combine(day + timedelta(days=days), time(10, 30)))
    return min(moment, timezone.now() - timedelta(minutes=30))


class _Version:
    """What a bulk insert needs of one instrument version, read once."""

    def __init__(self, code):
        self.version = InstrumentVersion.objects.current().for_code(code).with_structure().get()
        self.spec = scoring.spec_from_version(self.version)
        self.items = {item.code: item.pk for item in self.version.items.all() if item.is_scale}
        self.dimensions = {
            dimension.code: dimension.pk for dimension in self.version.dimensions.all()
        }

    def answers(self, rng, low, high):
        return {code: rng.randint(low, high) for code in self.items}


def seed_measurements(*, rng, size: str = "small", history=(), organisation=None) -> None:
    """history: the small set's past-year dossiers (apps/dossiers/demo.py)."""
    if Response.objects.filter(dossier__isnull=False).exists():
        return
    versions = {
        code: _Version(code) for code in (ZRM, LADDER, SHORT, FULL, SATISFACTION, STAFF_SURVEY)
    }
    planned = _named_dossier_plan(versions, rng, history=history)
    planned += _history_plan(versions, rng, history)
    planned += _staff_survey_plan(versions[STAFF_SURVEY], rng, organisation, size)
    _insert(planned)
    _seed_demo_resident(versions, rng)
    if size == "large":
        _seed_large(versions, rng)


def _named_dossier_plan(versions, rng, *, history=()) -> list[Planned]:
    """For the demo workers' own clients: a ZRM at intake, a second one for those in
    support for two months or more, the ladder for some, PH-17 together for others."""
    now = timezone.now()
    planned = []
    first_dossiers = Dossier.objects.order_by("pk").values_list("pk", flat=True)[:NAMED_DOSSIERS]
    dossiers = (
        Dossier.objects.filter(
            pk__in=list(first_dossiers), status__in=(Dossier.Status.INTAKE, Dossier.Status.ACTIVE)
        )
        .exclude(pk__in=list(history))
        .order_by("pk")
    )
    by_worker, together = Response.Mode.BY_WORKER, Response.Mode.TOGETHER
    for number, dossier in enumerate(dossiers):
        started = _morning_after(dossier.started_on, 3)
        first = versions[ZRM].answers(rng, 1, 3)
        planned.append(
            Planned.in_dossier(versions[ZRM], dossier, by_worker, "intake", started, first)
        )
        if now - started > timedelta(days=60):
            later = {code: min(5, value + rng.randint(0, 2)) for code, value in first.items()}
            planned.append(
                Planned.in_dossier(
                    versions[ZRM], dossier, by_worker, "during", now - timedelta(days=5), later
                )
            )
        if number % 3 == 0:
            rung = {"rung": rng.randint(1, 4)}
            planned.append(
                Planned.in_dossier(versions[LADDER], dossier, by_worker, "intake", started, rung)
            )
        if number % 4 == 1:
            scan = versions[SHORT].answers(rng, 3, 8)
            planned.append(
                Planned.in_dossier(versions[SHORT], dossier, together, "intake", started, scan)
            )
    return planned


def _better(version, answers, rng) -> dict:
    """Later answers: mostly a little higher, now and then lower, within the scale."""
    low, high = version.spec.scale_min, version.spec.scale_max
    return {
        code: max(low, min(high, value + rng.choice((-1, 0, 1, 1, 2))))
        for code, value in answers.items()
    }


def _history_plan(versions, rng, history) -> list[Planned]:
    """The small set's past year: ZRM at intake and at closing (or during the support),
    PH-17 and the ladder twice in some, a satisfaction survey after most closings, and
    Positive Health filled in alone, some of it before the dossier started."""
    planned = []
    by_worker, together, alone = (
        Response.Mode.BY_WORKER,
        Response.Mode.TOGETHER,
        Response.Mode.SELF,
    )
    now = timezone.now()
    dossiers = Dossier.objects.filter(pk__in=list(history)).order_by("pk")
    for number, dossier in enumerate(dossiers):
        started = _morning_after(dossier.started_on, 3)
        closed = dossier.status == Dossier.Status.CLOSED
        later_moment = "closing" if closed else "during"
        later_at = (
            _morning_after(dossier.ended_on, -1)
            if closed
            else now - timedelta(days=rng.randint(2, 20))
        )
        pairs = [(ZRM, by_worker, 1, 3)]
        if number % 2 == 0:
            pairs.append((SHORT, together, 3, 7))
        if number % 3 == 0:
            pairs.append((LADDER, by_worker, 1, 4))
        for code, mode, low, high in pairs:
            version = versions[code]
            first = version.answers(rng, low, high)
            planned.append(Planned.in_dossier(version, dossier, mode, "intake", started, first))
            # Open dossiers younger than two months have no second measurement yet.
            if closed or later_at - started > timedelta(days=60):
                later = _better(version, first, rng)
                planned.append(
                    Planned.in_dossier(version, dossier, mode, later_moment, later_at, later)
                )
        if closed and number % 4 != 3:
            survey = versions[SATISFACTION]
            planned.append(
                Planned.in_dossier(
                    survey,
                    dossier,
                    alone,
                    "closing",
                    _morning_after(dossier.ended_on, 5),
                    survey.answers(rng, 5, 10),
                )
            )
        if number % 3 == 1:
            planned.append(_self_scan(versions[FULL], dossier, rng, before_start=number % 2 == 1))
    return planned


def _self_scan(version, dossier, rng, *, before_start: bool) -> Planned:
    """Positive Health filled in alone: before the dossier started (no dossier yet) or
    during the support, in the dossier."""
    if before_start:
        completed_at = _morning_after(dossier.started_on, -rng.randint(3, 40))
        return Planned(
            version,
            dossier.client_id,
            None,
            None,
            "self",
            "none",
            completed_at,
            version.answers(rng, 2, 8),
        )
    completed_at = _morning_after(dossier.started_on, rng.randint(10, 40))
    return Planned.in_dossier(
        version, dossier, "self", "none", completed_at, version.answers(rng, 2, 8)
    )


def _months_back(months: int) -> date:
    """The first day of the month `months` before this one."""
    first = timezone.localdate().replace(day=1)
    index = first.year * 12 + first.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _staff_survey_plan(version, rng, organisation, size) -> list[Planned]:
    """The staff survey: the first team answers in full (two rounds), the second with
    fewer people than a report shows; in the large set most staff of every team."""
    if organisation is None:
        return []
    teams = organisation.teams if size == "large" else organisation.teams[:2]
    staff = {}
    for team_id, user_id in (
        User.objects.filter(
            role__in=(Role.SOCIAL_WORKER, Role.TEAM_LEADER), team_memberships__team__in=teams
        )
        .order_by("team_memberships__team", "email")
        .values_list("team_memberships__team", "pk")
    ):
        staff.setdefault(team_id, []).append(user_id)
    planned = []
    answered = set()
    for position, team in enumerate(teams):
        members = staff.get(team.pk, [])
        for months_ago in STAFF_SURVEY_ROUNDS:
            latest = months_ago == STAFF_SURVEY_ROUNDS[-1]
            if size == "large":
                respondents = [user for user in members if rng.random() < STAFF_SURVEY_SHARE]
            elif position == 0:
                respondents = members if latest else members[:-1]
            else:
                # Fewer than five: too few for the team's own figures.
                respondents = members[:3] if latest else []
            for user_id in respondents:
                # Someone in two teams answers a round once.
                if (user_id, months_ago) in answered:
                    continue
                answered.add((user_id, months_ago))
                completed_at = _morning_after(_months_back(months_ago), rng.randint(1, 12))
                planned.append(
                    Planned(
                        version,
                        None,
                        None,
                        None,
                        "self",
                        "none",
                        completed_at,
                        version.answers(rng, 2, 5),
                        respondent_id=user_id,
                    )
                )
    return planned


def _insert(planned: list[Planned]) -> None:
    """Responses with their answers and dimension scores, scored by the version's rule."""
    for start in range(0, len(planned), CHUNK):
        chunk = planned[start : start + CHUNK]
        responses, results = [], []
        for row in chunk:
            result = scoring.score(row.version.spec, row.answers)
            results.append(result)
            responses.append(
                Response(
                    version=row.version.version,
                    client_id=row.client_id,
                    dossier_id=row.dossier_id,
                    respondent_id=row.respondent_id,
                    recorded_by_id=row.recorded_by_id,
                    mode=row.mode,
                    moment=row.moment,
                    status=Response.Status.COMPLETED,
                    started_at=row.completed_at - timedelta(minutes=20),
                    completed_at=row.completed_at,
                    overall_score=result.overall,
                )
            )
        Response.objects.bulk_create(responses)
        answer_rows, score_rows = [], []
        for response, result, row in zip(responses, results, chunk, strict=True):
            answer_rows += [
                Answer(
                    response=response,
                    item_id=row.version.items[code],
                    value=value,
                    answered_at=row.completed_at,
                )
                for code, value in row.answers.items()
            ]
            score_rows += [
                DimensionScore(
                    response=response,
                    dimension_id=row.version.dimensions[code],
                    score=dimension.score,
                    answered=dimension.answered,
                )
                for code, dimension in result.dimensions.items()
            ]
        Answer.objects.bulk_create(answer_rows, batch_size=5_000)
        DimensionScore.objects.bulk_create(score_rows, batch_size=5_000)


def _seed_demo_resident(versions, rng) -> None:
    """The demo resident is the client of the first demo dossier: a shared PH-17 shows in
    the worker's dossier, and a request for the full Positive Health waits in the portal."""
    resident = User.objects.filter(email=f"inwoner@{DEMO_DOMAIN}").first()
    dossier = (
        Dossier.objects.filter(
            responsible_worker__email=f"sociaalwerker@{DEMO_DOMAIN}", status=Dossier.Status.ACTIVE
        )
        .select_related("client")
        .order_by("pk")
        .first()
    )
    if resident is None or dossier is None or dossier.client.account_id is not None:
        return
    client = dossier.client
    client.account = resident
    client.first_name, client.last_name = resident.first_name, resident.last_name
    client.save(update_fields=["account", "first_name", "last_name"])
    completed_at = timezone.now() - timedelta(days=9)
    answers = versions[SHORT].answers(rng, 2, 8)
    result = scoring.score(versions[SHORT].spec, answers)
    scan = Response.objects.create(
        version=versions[SHORT].version,
        client=client,
        respondent=resident,
        mode=Response.Mode.SELF,
        status=Response.Status.COMPLETED,
        started_at=completed_at - timedelta(minutes=12),
        completed_at=completed_at,
        overall_score=result.overall,
        shared_with_worker=True,
        shared_changed_at=completed_at,
    )
    Answer.objects.bulk_create(
        Answer(response=scan, item_id=versions[SHORT].items[code], value=value)
        for code, value in answers.items()
    )
    DimensionScore.objects.bulk_create(
        DimensionScore(
            response=scan,
            dimension_id=versions[SHORT].dimensions[code],
            score=dimension.score,
            answered=dimension.answered,
        )
        for code, dimension in result.dimensions.items()
    )
    full = InstrumentVersion.objects.current().for_code(FULL).select_related("instrument").get()
    Assignment.objects.create(
        client=client,
        dossier=dossier,
        instrument=full.instrument,
        assigned_by=dossier.responsible_worker,
        moment=Response.Moment.DURING,
    )
    _demo_resident_reads(dossier)


# What the demo resident reads in "Mijn hulp": summaries of their newest conversations, and
# steps of the plan that are theirs to tick off.
DEMO_SUMMARIES = (
    "We hebben samen je post doorgenomen. Je doet de brieven van deze maand in één map.",
    "Je vertelde dat je beter slaapt. Volgende keer kijken we samen naar je vaste lasten.",
    "Fijn dat je zelf de woningcorporatie hebt gebeld. We spraken af dat je de brief "
    "meeneemt naar het volgende gesprek.",
)
DEMO_OWN_STEPS = (
    "Alle brieven van deze maand in één map doen",
    "Een lijstje maken van je vaste lasten",
)


def _demo_resident_reads(dossier) -> None:
    newest = ContactMoment.objects.filter(dossier=dossier).order_by("-occurred_at", "-pk")
    for pk, text in zip(
        newest.values_list("pk", flat=True)[: len(DEMO_SUMMARIES)], DEMO_SUMMARIES, strict=False
    ):
        ContactMoment.objects.filter(pk=pk).update(client_summary=text)
    goal = Goal.objects.filter(dossier=dossier).order_by("created_at", "pk").first()
    if goal is None:
        goal = Goal.objects.create(dossier=dossier, question="Hoe krijg ik overzicht in mijn post?")
    for description in DEMO_OWN_STEPS:
        Action.objects.get_or_create(
            goal=goal, description=description, defaults={"owner": Action.Owner.CLIENT}
        )


def _seed_large(versions, rng) -> None:
    """A ZRM at intake in a tenth of the dossiers, most with a second one during the
    support or at closing; satisfaction surveys after closings; self-scans before a
    start. Planned and inserted in chunks, so memory stays flat."""
    zrm = versions[ZRM]
    planned = []
    dossiers = (
        Dossier.objects.exclude(status=Dossier.Status.REGISTRATION)
        .order_by("pk")
        .values_list("pk", "client_id", "responsible_worker_id", "status", "started_on", "ended_on")
    )
    for pk, client_id, worker_id, status, started_on, ended_on in dossiers.iterator(
        chunk_size=10_000
    ):
        dossier = Dossier(pk=pk, client_id=client_id, responsible_worker_id=worker_id)
        closed = status == Dossier.Status.CLOSED
        if rng.random() < LARGE_SHARE_WITH_ZRM:
            first_at = _morning_after(started_on, 4)
            first = zrm.answers(rng, 1, 4)
            planned.append(
                Planned.in_dossier(zrm, dossier, Response.Mode.BY_WORKER, "intake", first_at, first)
            )
            later_at = (
                _morning_after(ended_on, -1)
                if closed
                else _morning_after(started_on, 4 + rng.randint(30, 120))
            )
            if (
                later_at - first_at > timedelta(days=20)
                and rng.random() < LARGE_SHARE_WITH_SECOND_ZRM
            ):
                planned.append(
                    Planned.in_dossier(
                        zrm,
                        dossier,
                        Response.Mode.BY_WORKER,
                        "closing" if closed else "during",
                        later_at,
                        _better(zrm, first, rng),
                    )
                )
        if closed and rng.random() < LARGE_SHARE_SATISFIED:
            survey = versions[SATISFACTION]
            planned.append(
                Planned.in_dossier(
                    survey,
                    dossier,
                    Response.Mode.SELF,
                    "closing",
                    _morning_after(ended_on, 5),
                    survey.answers(rng, 4, 10),
                )
            )
        if rng.random() < LARGE_SHARE_SELF_SCAN:
            planned.append(_self_scan(versions[FULL], dossier, rng, before_start=True))
        if len(planned) >= CHUNK:
            _insert(planned)
            planned = []
    _insert(planned)


@demo_step("instruments")
def _seed_instruments(run: DemoRun) -> None:
    # The same instrument files a real installation loads.
    instruments_load()


@demo_step("measurements", after=("instruments", "dossiers"))
def _seed_measurements(run: DemoRun) -> None:
    seed_measurements(
        rng=run.rng,
        size=run.size,
        history=run.made.get("dossiers") or (),
        organisation=run.made.get("organisation"),
    )
