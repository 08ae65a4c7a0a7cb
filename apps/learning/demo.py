"""Demo learning paths, written by us in demo_paths/ in the path file format (money and
administration, stress, turning 18), imported and published by the demo team leader; the
demo resident follows the money path alone, and the demo social worker runs a group
through it (8 members in the small set, 200 in the large one) with a week per part."""

from collections import Counter
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from apps.accounts.demo import DEMO_DOMAIN
from apps.accounts.models import Role, User
from apps.core.demo import DemoRun, demo_step
from apps.learning import services
from apps.learning.models import (
    Cohort,
    Enrolment,
    HelpOffer,
    LearningPath,
    Step,
    StepProgress,
)

DEMO_PATHS = sorted((Path(__file__).parent / "demo_paths").glob("*.yaml"))
FIRST_PATH = "grip-op-je-geld"
GROUP_SIZE = {"small": 8, "large": 200}


@demo_step("learning_paths", after=("organisation", "accounts", "instruments"))
def _seed(run: DemoRun) -> int:
    editor = User.objects.filter(role=Role.TEAM_LEADER).order_by("pk").first()
    made = 0
    for demo_file in DEMO_PATHS:
        if LearningPath.objects.filter(slug=demo_file.stem).exists():
            continue
        version = services.path_import(actor=editor, content=demo_file.read_bytes())
        services.version_publish(actor=editor, version=version)
        made += 1
    path = LearningPath.objects.filter(slug=FIRST_PATH).first()
    resident = User.objects.filter(email=f"inwoner@{DEMO_DOMAIN}").first()
    if path is not None and resident is not None and not path.enrolments.exists():
        enrolment = services.enrol(actor=resident, path=path)
        for step in _steps(enrolment.version)[:2]:
            services.step_complete(actor=resident, enrolment=enrolment, step=step)
        _seed_group(run, path)
    run.report.append(f"Learning paths: {len(DEMO_PATHS)} published, with a group.")
    return made


def _steps(version) -> list[Step]:
    return list(
        Step.objects.filter(module__version=version).order_by("module__position", "position")
    )


def _seed_group(run: DemoRun, path: LearningPath) -> Cohort | None:
    """A group that started three weeks ago, a part opening each week, its members at
    every stage: ahead, on schedule, behind and gone quiet."""
    facilitator = User.objects.filter(email=f"sociaalwerker@{DEMO_DOMAIN}").first()
    if facilitator is None or not facilitator.teams.exists():
        return None
    version = path.versions.published().get()
    today = timezone.localdate()
    cohort = services.cohort_create(
        actor=facilitator,
        version=version,
        name="Grip op je geld, dinsdaggroep",
        team=facilitator.teams.order_by("pk").first(),
        starts_on=today - timedelta(days=21),
        openings={
            module.pk: today - timedelta(days=21 - 7 * index)
            for index, module in enumerate(version.modules.order_by("position"))
        },
    )
    members = list(
        User.objects.filter(role=Role.RESIDENT)
        .exclude(email=f"inwoner@{DEMO_DOMAIN}")
        .order_by("pk")[: GROUP_SIZE[run.size]]
    )
    now = timezone.now()
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            path=path,
            version=version,
            learner=member,
            cohort=cohort,
            enrolled_by=facilitator,
            enrolled_at=now - timedelta(days=21),
            last_activity_at=now - timedelta(days=run.rng.choice((0, 1, 2, 3, 5, 9, 16, 20))),
        )
        for member in members
    )
    steps = _steps(version)
    progress = []
    for enrolment in enrolments:
        done = run.rng.randint(0, len(steps))
        for step in steps[:done]:
            row = StepProgress(enrolment=enrolment, step=step, completed_at=now)
            if step.kind == Step.Kind.QUIZ:
                row.quiz_score = Decimal(run.rng.choice(("0.500", "0.750", "1.000")))
            if step.kind == Step.Kind.REFLECTION:
                row.reflection = "Ik merk dat ik rustiger word als ik weet waar ik sta."
                row.reflection_shared = run.rng.random() < 0.3
            progress.append(row)
    StepProgress.objects.bulk_create(progress, batch_size=2000)
    finished = {row.enrolment_id for row in progress if row.step_id == steps[-1].pk}
    Enrolment.objects.filter(pk__in=finished).update(completed_at=now)
    # The facilitator offered a call to the member who did least; they said yes.
    done_counts = Counter(row.enrolment_id for row in progress)
    least = min(
        (e for e in enrolments if e.pk not in finished),
        key=lambda e: (done_counts[e.pk], e.pk),
        default=None,
    )
    if least is not None:
        HelpOffer.objects.create(
            enrolment=least,
            offered_by=facilitator,
            kind=HelpOffer.Kind.CALL,
            message="Ik zag dat je nog niet verder bent gekomen. Zullen we even bellen? "
            "Dan kijken we samen wat lastig is.",
            offered_at=now - timedelta(days=2),
            answer=HelpOffer.Answer.YES,
            answered_at=now - timedelta(days=1),
        )
    return cohort
