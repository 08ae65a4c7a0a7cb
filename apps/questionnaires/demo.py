"""Demo measurements: ZRM, the ladder and PH-17 in the demo dossiers, so the dossier page,
the comparison and (later) the effect reports have something to show. Inserted in bulk and
scored by the same scoring rules as a real response."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from apps.accounts.demo import DEMO_DOMAIN
from apps.accounts.models import User
from apps.core.demo import DemoRun, demo_step
from apps.dossiers.models import Dossier
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
# Share of the large set's dossiers with a ZRM at intake: enough rows for a realistic
# dossier page and effect report without making the seed much slower.
LARGE_SHARE_WITH_ZRM = 0.1
CHUNK = 2_000
# The demo workers' own clients are the first dossiers a fresh demo database gets.
NAMED_DOSSIERS = 60


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


def seed_measurements(*, rng, size: str = "small") -> None:
    if Response.objects.filter(dossier__isnull=False).exists():
        return
    versions = {code: _Version(code) for code in (ZRM, LADDER, SHORT)}
    planned = _named_dossier_plan(versions, rng)
    _insert(planned)
    _seed_demo_resident(versions, rng)
    if size == "large":
        _seed_large(versions[ZRM], rng)


def _named_dossier_plan(versions, rng) -> list:
    """For the demo workers' own clients: a ZRM at intake, a second one for those in
    support for two months or more, the ladder for some, PH-17 together for others."""
    now = timezone.now()
    planned = []
    first_dossiers = Dossier.objects.order_by("pk").values_list("pk", flat=True)[:NAMED_DOSSIERS]
    dossiers = Dossier.objects.filter(
        pk__in=list(first_dossiers), status__in=(Dossier.Status.INTAKE, Dossier.Status.ACTIVE)
    ).order_by("pk")
    by_worker, together = Response.Mode.BY_WORKER, Response.Mode.TOGETHER
    for number, dossier in enumerate(dossiers):
        started = _morning_after(dossier.started_on, 3)
        first = versions[ZRM].answers(rng, 1, 3)
        planned.append((versions[ZRM], dossier, by_worker, "intake", started, first))
        if now - started > timedelta(days=60):
            later = {code: min(5, value + rng.randint(0, 2)) for code, value in first.items()}
            planned.append(
                (
                    versions[ZRM],
                    dossier,
                    Response.Mode.BY_WORKER,
                    "during",
                    now - timedelta(days=5),
                    later,
                )
            )
        if number % 3 == 0:
            rung = {"rung": rng.randint(1, 4)}
            planned.append(
                (versions[LADDER], dossier, Response.Mode.BY_WORKER, "intake", started, rung)
            )
        if number % 4 == 1:
            scan = versions[SHORT].answers(rng, 3, 8)
            planned.append((versions[SHORT], dossier, together, "intake", started, scan))
    return planned


def _insert(planned) -> None:
    """Responses with their answers and dimension scores, scored by the version's rule."""
    for start in range(0, len(planned), CHUNK):
        chunk = planned[start : start + CHUNK]
        responses, results = [], []
        for version, dossier, mode, moment, completed_at, answers in chunk:
            result = scoring.score(version.spec, answers)
            results.append(result)
            responses.append(
                Response(
                    version=version.version,
                    client_id=dossier.client_id,
                    dossier=dossier,
                    recorded_by_id=dossier.responsible_worker_id,
                    mode=mode,
                    moment=moment,
                    status=Response.Status.COMPLETED,
                    started_at=completed_at - timedelta(minutes=20),
                    completed_at=completed_at,
                    overall_score=result.overall,
                )
            )
        Response.objects.bulk_create(responses)
        answer_rows, score_rows = [], []
        for response, result, (version, _d, _m, _mo, completed_at, answers) in zip(
            responses, results, chunk, strict=True
        ):
            answer_rows += [
                Answer(
                    response=response,
                    item_id=version.items[code],
                    value=value,
                    answered_at=completed_at,
                )
                for code, value in answers.items()
            ]
            score_rows += [
                DimensionScore(
                    response=response,
                    dimension_id=version.dimensions[code],
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


def _seed_large(zrm: _Version, rng) -> None:
    planned = []
    dossiers = Dossier.objects.exclude(status=Dossier.Status.REGISTRATION).values_list(
        "pk", "client_id", "responsible_worker_id", "started_on"
    )
    for pk, client_id, worker_id, started_on in dossiers.iterator(chunk_size=10_000):
        if rng.random() >= LARGE_SHARE_WITH_ZRM:
            continue
        dossier = Dossier(pk=pk, client_id=client_id, responsible_worker_id=worker_id)
        completed_at = _morning_after(started_on, 4)
        planned.append(
            (zrm, dossier, Response.Mode.BY_WORKER, "intake", completed_at, zrm.answers(rng, 1, 4))
        )
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
    seed_measurements(rng=run.rng, size=run.size)
