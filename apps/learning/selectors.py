"""Reading learning paths as the reader may: published paths for everyone, a learner's own
version and progress for them, drafts for those who write paths."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Avg, Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from apps.accounts import policy
from apps.learning.models import (
    Cohort,
    Enrolment,
    LearningPath,
    Module,
    PathVersion,
    Post,
    QuizAnswer,
    QuizQuestion,
    Step,
    StepProgress,
)


def published_versions():
    """Every published path, by theme, with how many steps it has."""
    return (
        PathVersion.objects.published()
        .select_related("path__theme")
        .annotate(step_count=Count("modules__steps"))
        .order_by("path__theme__position", "title")
    )


def own_enrolments(*, learner) -> list[Enrolment]:
    """The learner's paths, newest first, each with how many of its steps are done."""
    if not policy.can(learner, "learning.view_own_enrolments"):
        return []
    return list(
        Enrolment.objects.filter(learner=learner)
        .select_related("version__path", "last_step")
        .annotate(
            step_count=Count("version__modules__steps", distinct=True),
            done_count=Count(
                "progress", filter=Q(progress__completed_at__isnull=False), distinct=True
            ),
        )
        .order_by("completed_at", "-last_activity_at")
    )


def path_or_404(slug: str) -> LearningPath:
    path = LearningPath.objects.select_related("theme").filter(slug=slug).first()
    if path is None:
        raise Http404
    return path


def enrolment_of(*, learner, path: LearningPath) -> Enrolment | None:
    if not learner.is_authenticated:
        return None
    return Enrolment.objects.filter(learner=learner, path=path).select_related("version").first()


def version_for_reader(*, actor, path: LearningPath, enrolment: Enrolment | None) -> PathVersion:
    """The version the reader sees: theirs when they follow the path, else the published
    one, else (for those who write paths) the newest draft as a preview."""
    if enrolment is not None:
        return enrolment.version
    versions = path.versions.all()
    version = versions.filter(status=PathVersion.Status.PUBLISHED).first()
    if version is None and policy.can(actor, "learning.view_learningpath_area"):
        version = versions.filter(status=PathVersion.Status.DRAFT).first()
    if version is None or not version_readable(actor=actor, version=version):
        raise Http404
    return version


def version_readable(*, actor, version: PathVersion) -> bool:
    """Published: everyone. Otherwise those who write paths, and the learners who follow
    that (retired) version."""
    if version.status == PathVersion.Status.PUBLISHED:
        return True
    if policy.can(actor, "learning.view_pathversion", version):
        return True
    return actor.is_authenticated and version.enrolments.filter(learner_id=actor.pk).exists()


@dataclass
class StepView:
    step: Step
    module: Module
    number: int
    done: bool = False


@dataclass
class PathOutline:
    """A version's modules and steps in order, with what the learner has done."""

    version: PathVersion
    modules: list[tuple[Module, list[StepView]]] = field(default_factory=list)
    steps: list[StepView] = field(default_factory=list)

    @property
    def done_count(self) -> int:
        return sum(view.done for view in self.steps)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / len(self.steps)) if self.steps else 0

    def index_of(self, step_pk: int) -> int | None:
        return next((i for i, view in enumerate(self.steps) if view.step.pk == step_pk), None)

    def first_open(self) -> StepView | None:
        return next((view for view in self.steps if not view.done), None)


def path_outline(*, version: PathVersion, enrolment: Enrolment | None) -> PathOutline:
    """Two queries: the modules with their steps, and the steps the learner finished."""
    outline = PathOutline(version=version)
    modules = version.modules.prefetch_related(
        Prefetch(
            "steps", Step.objects.only("pk", "module_id", "position", "kind", "title", "minutes")
        )
    )
    done = set()
    if enrolment is not None:
        done = set(
            enrolment.progress.filter(completed_at__isnull=False).values_list("step_id", flat=True)
        )
    number = 0
    for module in modules:
        views = []
        for step in module.steps.all():
            number += 1
            view = StepView(step=step, module=module, number=number, done=step.pk in done)
            views.append(view)
            outline.steps.append(view)
        outline.modules.append((module, views))
    return outline


def step_for_learner(*, enrolment: Enrolment, pk: int) -> Step:
    """A step of the learner's own version, with what it needs to be shown; 404 for any
    other."""
    step = (
        Step.objects.filter(pk=pk, module__version_id=enrolment.version_id)
        .select_related("module")
        .prefetch_related(
            Prefetch(
                "quiz_questions",
                QuizQuestion.objects.prefetch_related("options"),
            )
        )
        .first()
    )
    if step is None:
        raise Http404
    return step


def step_progress(*, enrolment: Enrolment, step: Step) -> StepProgress | None:
    return StepProgress.objects.filter(enrolment=enrolment, step=step).first()


def last_quiz_answers(*, progress: StepProgress | None) -> dict[int, QuizAnswer]:
    """Per question, the learner's newest answer (its feedback is what the page shows)."""
    if progress is None:
        return {}
    latest = {}
    for answer in QuizAnswer.objects.filter(progress=progress).select_related("option"):
        latest[answer.question_id] = answer
    return latest


def version_for_export(*, actor, pk: int) -> PathVersion:
    policy.require(actor, "learning.export_pathversion")
    version = (
        PathVersion.objects.filter(pk=pk)
        .select_related("path__theme")
        .prefetch_related(
            Prefetch(
                "modules",
                Module.objects.prefetch_related(
                    Prefetch(
                        "steps",
                        Step.objects.prefetch_related("quiz_questions__options"),
                    )
                ),
            ),
            "media",
        )
        .first()
    )
    if version is None:
        raise Http404
    return version


def paths_for_authors() -> list[LearningPath]:
    """Every path with its versions (newest first) and how many learners each has."""
    versions = PathVersion.objects.annotate(learner_count=Count("enrolments")).order_by("-number")
    return list(
        LearningPath.objects.select_related("theme")
        .prefetch_related(Prefetch("versions", versions))
        .order_by("theme__position", "slug")
    )


def version_for_author(*, pk: int) -> PathVersion:
    version = PathVersion.objects.filter(pk=pk).select_related("path").first()
    if version is None:
        raise Http404
    return version


# --- Groups -----------------------------------------------------------------------------

# Behind: steps of modules open this long that are not done yet, or no activity this long.
BEHIND_AFTER_DAYS = 7
INACTIVE_AFTER_DAYS = 14


def cohorts_run_by(*, actor):
    """The groups the actor facilitates, and as team leader those of their teams."""
    if not policy.can(actor, "learning.view_cohort_area"):
        return Cohort.objects.none()
    runs = Q(facilitator=actor)
    if actor.role == "team_leader":
        runs |= Q(team_id__in=policy.team_ids_of(actor))
    return (
        Cohort.objects.filter(runs)
        .select_related("version__path", "facilitator", "team")
        .annotate(member_count=Count("enrolments"))
        .order_by("-starts_on", "name")
    )


def cohort_for_runner(*, actor, pk: int) -> Cohort:
    cohort = Cohort.objects.filter(pk=pk).select_related("version__path", "team").first()
    if cohort is None or not policy.can(actor, "learning.view_cohort", cohort):
        raise Http404
    return cohort


def openings_of(cohort: Cohort | None) -> dict[int, date]:
    """Per module of the group's version, the day it opens."""
    if cohort is None:
        return {}
    dates = dict(cohort.openings.values_list("module_id", "opens_on"))
    modules = Module.objects.filter(version_id=cohort.version_id).values_list("pk", flat=True)
    return {pk: dates.get(pk, cohort.starts_on) for pk in modules}


@dataclass
class Participant:
    enrolment: Enrolment
    done: int
    expected: int
    quiz_score: float | None
    shared: int
    idle_days: int

    @property
    def missing(self) -> int:
        """Steps of modules open a week or longer that are not done."""
        return max(self.expected - self.done, 0)

    @property
    def behind(self) -> bool:
        return self.enrolment.completed_at is None and (
            self.done < self.expected or self.idle_days >= INACTIVE_AFTER_DAYS
        )


@dataclass
class CohortOverview:
    cohort: Cohort
    step_count: int
    participants: list[Participant]
    # Per step in order: (step, how many participants finished it).
    funnel: list[tuple[Step, int]]

    @property
    def behind_count(self) -> int:
        return sum(participant.behind for participant in self.participants)


def cohort_overview(
    *, cohort: Cohort, openings: dict[int, date] | None = None, today: date | None = None
) -> CohortOverview:
    """Every participant's progress and the finished count per step: a fixed number of
    queries, whatever the size of the group. `openings` as `openings_of` gives them."""
    today = today or timezone.localdate()
    now = timezone.now()
    openings = openings_of(cohort) if openings is None else openings
    steps = list(
        Step.objects.filter(module__version_id=cohort.version_id)
        .only("pk", "title", "kind", "module_id", "position")
        .order_by("module__position", "module_id", "position", "pk")
    )
    # Steps whose module opened at least BEHIND_AFTER_DAYS ago: a participant should have
    # done those by now.
    due = sum(
        1
        for step in steps
        if (today - openings.get(step.module_id, today)).days >= BEHIND_AFTER_DAYS
    )
    done = Count("progress", filter=Q(progress__completed_at__isnull=False))
    enrolments = (
        Enrolment.objects.filter(cohort=cohort)
        .select_related("learner")
        .annotate(
            done=done,
            quiz=Avg("progress__quiz_score"),
            shared=Count("progress", filter=Q(progress__reflection_shared=True)),
        )
        .order_by("learner__last_name", "learner__first_name", "pk")
    )
    participants = [
        Participant(
            enrolment=enrolment,
            done=enrolment.done,
            expected=due,
            quiz_score=float(enrolment.quiz) if enrolment.quiz is not None else None,
            shared=enrolment.shared,
            idle_days=(now - enrolment.last_activity_at).days,
        )
        for enrolment in enrolments
    ]
    finished = dict(
        StepProgress.objects.filter(enrolment__cohort=cohort, completed_at__isnull=False)
        .values("step_id")
        .annotate(count=Count("pk"))
        .values_list("step_id", "count")
    )
    funnel = [(step, finished.get(step.pk, 0)) for step in steps]
    return CohortOverview(
        cohort=cohort, step_count=len(steps), participants=participants, funnel=funnel
    )


def shared_reflections(*, cohort: Cohort):
    """What members chose to share with the facilitator, newest first."""
    return (
        StepProgress.objects.filter(enrolment__cohort=cohort, reflection_shared=True)
        .select_related("enrolment__learner", "step")
        .order_by("-completed_at")
    )


def discussion(*, actor, cohort: Cohort, module: Module) -> list[Post]:
    """The posts of a module's discussion: hidden ones only for those who run the group,
    with how often each was reported."""
    posts = Post.objects.filter(cohort=cohort, module=module).select_related("author")
    if not policy.can(actor, "learning.change_cohort", cohort):
        posts = posts.filter(hidden_at__isnull=True)
    return list(posts.annotate(report_count=Count("reports")))


def post_or_404(*, pk: int) -> Post:
    post = Post.objects.filter(pk=pk).select_related("cohort", "module").first()
    if post is None:
        raise Http404
    return post


def module_of(*, cohort: Cohort, pk: int) -> Module:
    module = Module.objects.filter(pk=pk, version_id=cohort.version_id).first()
    if module is None:
        raise Http404
    return module


@dataclass
class DossierLearning:
    """The learning section of a dossier page: the client's paths and what they did, and
    the paths a worker may enrol them in (none when the client has no portal account)."""

    dossier: object
    enrolments: list
    paths: list


def dossier_learning(*, actor, dossier) -> DossierLearning | None:
    if not (
        policy.can(actor, "dossiers.view_dossier", dossier)
        and dossier.team_id in policy.team_ids_of(actor)
    ):
        return None
    account_id = dossier.client.account_id
    enrolments = []
    paths = []
    if account_id:
        enrolments = list(
            Enrolment.objects.filter(learner_id=account_id)
            .select_related("version")
            .annotate(
                steps_total=Count("version__modules__steps", distinct=True),
                steps_done=Count(
                    "progress", filter=Q(progress__completed_at__isnull=False), distinct=True
                ),
            )
            .order_by("-enrolled_at")
        )
        following = {enrolment.path_id for enrolment in enrolments}
        paths = [version for version in published_versions() if version.path_id not in following]
    return DossierLearning(dossier=dossier, enrolments=enrolments, paths=paths)
