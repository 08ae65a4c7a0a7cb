"""Reading learning paths as the reader may: published paths for everyone, a learner's own
version and progress for them, drafts for those who write paths."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from apps.accounts import policy
from apps.core import sql
from apps.learning.models import (
    Cohort,
    Enrolment,
    HelpOffer,
    LearningPath,
    Module,
    ModuleOpening,
    PathMedia,
    PathVersion,
    Post,
    QuizAnswer,
    QuizOption,
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


@dataclass
class OwnEnrolment:
    pk: int
    slug: str
    title: str
    completed_at: object
    enrolled_by_id: int | None
    step_count: int
    done_count: int


def own_enrolments(*, learner) -> list[OwnEnrolment]:
    """The learner's paths, unfinished first and then the most recently active, each with
    how many of its steps are done: one plain query (My support shows them)."""
    if not policy.can(learner, "learning.view_own_enrolments"):
        return []
    tables = {
        "enrolment": Enrolment._meta.db_table,
        "path": LearningPath._meta.db_table,
        "version": PathVersion._meta.db_table,
        "module": Module._meta.db_table,
        "step": Step._meta.db_table,
        "progress": StepProgress._meta.db_table,
    }
    return [
        OwnEnrolment(
            pk=row["id"],
            slug=row["slug"],
            title=row["title"],
            completed_at=sql.moment(row["completed_at"]) if row["completed_at"] else None,
            enrolled_by_id=row["enrolled_by_id"],
            step_count=row["step_count"],
            done_count=row["done_count"],
        )
        for row in sql.rows(
            f"SELECT e.id, e.completed_at, e.enrolled_by_id, p.slug, v.title,"  # noqa: S608
            f" (SELECT COUNT(*) FROM {tables['step']} s JOIN {tables['module']} m"
            f" ON m.id = s.module_id WHERE m.version_id = e.version_id) AS step_count,"
            f" (SELECT COUNT(*) FROM {tables['progress']} g WHERE g.enrolment_id = e.id"
            f" AND g.completed_at IS NOT NULL) AS done_count"
            f" FROM {tables['enrolment']} e JOIN {tables['path']} p ON p.id = e.path_id"
            f" JOIN {tables['version']} v ON v.id = e.version_id WHERE e.learner_id = %s"
            f" ORDER BY CASE WHEN e.completed_at IS NULL THEN 0 ELSE 1 END,"
            f" e.last_activity_at DESC, e.id DESC",
            [learner.pk],
        )
    ]


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
    """The modules and steps in order with what the learner finished: one plain query
    (every step page shows where the learner is)."""
    outline = PathOutline(version=version)
    tables = {
        "step": Step._meta.db_table,
        "module": Module._meta.db_table,
        "progress": StepProgress._meta.db_table,
    }
    rows = sql.rows(
        f"SELECT s.id, s.kind, s.title, s.minutes, s.position, m.id AS module_id,"  # noqa: S608
        f" m.title AS module_title, m.position AS module_position,"
        f" p.completed_at AS done_at"
        f" FROM {tables['step']} s JOIN {tables['module']} m ON m.id = s.module_id"
        f" LEFT JOIN {tables['progress']} p ON p.step_id = s.id AND p.enrolment_id = %s"
        f" WHERE m.version_id = %s ORDER BY m.position, m.id, s.position, s.id",
        [enrolment.pk if enrolment else None, version.pk],
    )
    modules: dict[int, tuple[Module, list[StepView]]] = {}
    for number, row in enumerate(rows, start=1):
        if row["module_id"] not in modules:
            module = Module(
                pk=row["module_id"],
                version=version,
                title=row["module_title"],
                position=row["module_position"],
            )
            modules[row["module_id"]] = (module, [])
            outline.modules.append(modules[row["module_id"]])
        module, views = modules[row["module_id"]]
        step = Step(
            pk=row["id"],
            module=module,
            kind=row["kind"],
            title=row["title"],
            minutes=row["minutes"],
            position=row["position"],
        )
        view = StepView(step=step, module=module, number=number, done=row["done_at"] is not None)
        views.append(view)
        outline.steps.append(view)
    return outline


def enrolment_for_path(*, learner, slug: str) -> Enrolment:
    """The learner's enrolment in the path at this address, with its path, version and
    group, as one plain query (every step page starts with it); 404 when they do not
    follow it (or there is no such path)."""
    row = None
    if learner.is_authenticated:
        row = sql.first_row(
            f"SELECT {sql.columns(Enrolment, 'e')}, {sql.columns(LearningPath, 'p')},"  # noqa: S608
            f" {sql.columns(PathVersion, 'v')}, {sql.columns(Cohort, 'c')}"
            f" FROM {Enrolment._meta.db_table} e"
            f" JOIN {LearningPath._meta.db_table} p ON p.id = e.path_id"
            f" JOIN {PathVersion._meta.db_table} v ON v.id = e.version_id"
            f" LEFT JOIN {Cohort._meta.db_table} c ON c.id = e.cohort_id"
            f" WHERE e.learner_id = %s AND p.slug = %s",
            [learner.pk, slug],
        )
    if row is None:
        raise Http404
    enrolment, path, version, cohort = sql.instances(
        row, (Enrolment, LearningPath, PathVersion, Cohort)
    )
    enrolment.path, enrolment.version, enrolment.cohort = path, version, cohort
    version.path = path
    if not policy.can(learner, "learning.view_enrolment", enrolment):
        raise Http404
    return enrolment


def step_for_learner(*, enrolment: Enrolment, pk: int) -> tuple[Step, StepProgress | None]:
    """A step of the learner's own version with its module, and what the learner did in
    it, as one plain query; 404 for any other step."""
    row = sql.first_row(
        f"SELECT {sql.columns(Step, 's')}, {sql.columns(Module, 'm')},"  # noqa: S608
        f" {sql.columns(StepProgress, 'g')}"
        f" FROM {Step._meta.db_table} s JOIN {Module._meta.db_table} m ON m.id = s.module_id"
        f" LEFT JOIN {StepProgress._meta.db_table} g"
        f" ON g.step_id = s.id AND g.enrolment_id = %s"
        f" WHERE s.id = %s AND m.version_id = %s",
        [enrolment.pk, pk, enrolment.version_id],
    )
    if row is None:
        raise Http404
    step, module, progress = sql.instances(row, (Step, Module, StepProgress))
    step.module = module
    if progress is not None:
        progress.enrolment = enrolment
    return step, progress


@dataclass
class QuizQuestionView:
    pk: int
    text: str
    options: list[tuple[int, str]] = field(default_factory=list)
    # The learner's newest answer: (option id, right, feedback), or None.
    latest: tuple[int, bool, str] | None = None


def quiz_of(*, step: Step, progress: StepProgress | None) -> list[QuizQuestionView]:
    """A quiz's questions with their options and the learner's newest answer to each, in
    two plain queries."""
    if step.kind != Step.Kind.QUIZ:
        return []
    tables = {
        "question": QuizQuestion._meta.db_table,
        "option": QuizOption._meta.db_table,
        "answer": QuizAnswer._meta.db_table,
    }
    questions: dict[int, QuizQuestionView] = {}
    for row in sql.rows(
        f"SELECT q.id AS question_id, q.text AS question, o.id, o.text"  # noqa: S608
        f" FROM {tables['question']} q JOIN {tables['option']} o ON o.question_id = q.id"
        f" WHERE q.step_id = %s ORDER BY q.position, q.id, o.position, o.id",
        [step.pk],
    ):
        question = questions.setdefault(
            row["question_id"], QuizQuestionView(row["question_id"], row["question"])
        )
        question.options.append((row["id"], row["text"]))
    if progress is not None:
        for row in sql.rows(
            f"SELECT a.question_id, a.option_id, a.correct, o.feedback"  # noqa: S608
            f" FROM {tables['answer']} a JOIN {tables['option']} o ON o.id = a.option_id"
            f" WHERE a.progress_id = %s ORDER BY a.answered_at, a.id",
            [progress.pk],
        ):
            if row["question_id"] in questions:
                questions[row["question_id"]].latest = (
                    row["option_id"],
                    bool(row["correct"]),
                    row["feedback"],
                )
    return list(questions.values())


def version_for_export(*, actor, pk: int) -> PathVersion:
    policy.require(actor, "learning.export_pathversion")
    return version_with_content(pk=pk)


def version_with_content(*, pk: int) -> PathVersion:
    """A version with everything a path file holds: modules, steps, quiz and pictures."""
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


def item_for_author(model, *, pk: int):
    """A part, step, quiz question or picture of a version, with the version and its path
    (which the editor's checks and pages need)."""
    version = {
        Module: "version",
        PathMedia: "version",
        Step: "module__version",
        QuizQuestion: "step__module__version",
    }[model]
    item = model.objects.filter(pk=pk).select_related(f"{version}__path__theme").first()
    if item is None:
        raise Http404
    return item


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
    """The group with its version, path and team, as one plain query; 404 unless the actor
    runs it."""
    organisation = Cohort._meta.get_field("team").related_model
    row = sql.first_row(
        f"SELECT {sql.columns(Cohort, 'c')}, {sql.columns(PathVersion, 'v')},"  # noqa: S608
        f" {sql.columns(LearningPath, 'p')}, {sql.columns(organisation, 't')}"
        f" FROM {Cohort._meta.db_table} c JOIN {PathVersion._meta.db_table} v"
        f" ON v.id = c.version_id JOIN {LearningPath._meta.db_table} p ON p.id = v.path_id"
        f" JOIN {organisation._meta.db_table} t ON t.id = c.team_id WHERE c.id = %s",
        [pk],
    )
    if row is None:
        raise Http404
    cohort, version, path, team = sql.instances(
        row, (Cohort, PathVersion, LearningPath, organisation)
    )
    version.path, cohort.version, cohort.team = path, version, team
    if not policy.can(actor, "learning.view_cohort", cohort):
        raise Http404
    return cohort


def openings_of(cohort: Cohort | None) -> dict[int, date]:
    """Per module of the group's version, the day it opens, in one plain query."""
    if cohort is None:
        return {}
    rows = sql.rows(
        f"SELECT m.id, o.opens_on FROM {Module._meta.db_table} m"  # noqa: S608
        f" LEFT JOIN {ModuleOpening._meta.db_table} o"
        f" ON o.module_id = m.id AND o.cohort_id = %s WHERE m.version_id = %s",
        [cohort.pk, cohort.version_id],
    )
    return {row["id"]: sql.day(row["opens_on"]) or cohort.starts_on for row in rows}


@dataclass(slots=True)
class Participant:
    """A member of a group and their progress, as the overview shows it."""

    enrolment_id: int
    name: str
    completed: bool
    done: int
    expected: int
    quiz_score: float | None
    shared: int
    idle_days: int
    # Said yes to a call the facilitator offered, which has not been made yet.
    call_wanted: bool = False

    @property
    def missing(self) -> int:
        """Steps of modules open a week or longer that are not done."""
        return max(self.expected - self.done, 0)

    @property
    def behind(self) -> bool:
        return not self.completed and (
            self.done < self.expected or self.idle_days >= INACTIVE_AFTER_DAYS
        )


@dataclass
class FunnelStep:
    pk: int
    title: str
    finished: int


@dataclass
class CohortOverview:
    cohort: Cohort
    step_count: int
    participants: list[Participant]
    # Per step in order: how many members finished it.
    funnel: list[FunnelStep]

    @property
    def behind_count(self) -> int:
        return sum(participant.behind for participant in self.participants)


def cohort_overview(
    *, cohort: Cohort, openings: dict[int, date] | None = None, today: date | None = None
) -> CohortOverview:
    """Every member's progress and the finished count per step, as two plain queries
    whatever the size of the group (the facilitator's page of a group of 200 is read
    often). `openings` as `openings_of` gives them; read with the steps when left out."""
    today = today or timezone.localdate()
    now = timezone.now()
    tables = {
        "step": Step._meta.db_table,
        "module": Module._meta.db_table,
        "progress": StepProgress._meta.db_table,
        "enrolment": Enrolment._meta.db_table,
        "user": Enrolment._meta.get_field("learner").related_model._meta.db_table,
        "offer": HelpOffer._meta.db_table,
        "opening": ModuleOpening._meta.db_table,
    }
    # With the day its module opens for the group (openings_of, in the same query).
    # The finished counts are added up per step in one pass over the group's progress.
    steps = sql.rows(
        f"SELECT s.id, s.title, s.module_id, o.opens_on,"  # noqa: S608 (values as parameters)
        f" COALESCE(f.finished, 0) AS finished"
        f" FROM {tables['step']} s JOIN {tables['module']} m ON m.id = s.module_id"
        f" LEFT JOIN {tables['opening']} o ON o.module_id = m.id AND o.cohort_id = %s"
        f" LEFT JOIN (SELECT p.step_id, COUNT(*) AS finished FROM {tables['progress']} p"
        f" JOIN {tables['enrolment']} e ON e.id = p.enrolment_id WHERE e.cohort_id = %s"
        f" AND p.completed_at IS NOT NULL GROUP BY p.step_id) f ON f.step_id = s.id"
        f" WHERE m.version_id = %s ORDER BY m.position, m.id, s.position, s.id",
        [cohort.pk, cohort.pk, cohort.version_id],
    )
    if openings is None:
        openings = {
            step["module_id"]: sql.day(step["opens_on"]) or cohort.starts_on for step in steps
        }
    # Steps whose module opened at least BEHIND_AFTER_DAYS ago: a member should have done
    # those by now.
    opened_days = {pk: (today - day).days for pk, day in openings.items()}
    due = sum(1 for step in steps if opened_days.get(step["module_id"], 0) >= BEHIND_AFTER_DAYS)
    # Progress is added up per member before the join: the database sorts 200 members, not
    # every step they did.
    members = sql.tuples(
        f"SELECT e.id, e.completed_at, e.last_activity_at,"  # noqa: S608
        f" u.first_name, u.last_name, u.email, g.done, g.quiz, g.shared,"
        f" (SELECT COUNT(*) FROM {tables['offer']} h WHERE h.enrolment_id = e.id"
        f" AND h.kind = %s AND h.answer = %s AND h.done_at IS NULL) AS calls"
        f" FROM {tables['enrolment']} e JOIN {tables['user']} u ON u.id = e.learner_id"
        f" LEFT JOIN (SELECT p.enrolment_id, COUNT(p.completed_at) AS done,"
        f" AVG(p.quiz_score) AS quiz,"
        f" SUM(CASE WHEN p.reflection_shared THEN 1 ELSE 0 END) AS shared"
        f" FROM {tables['progress']} p JOIN {tables['enrolment']} pe ON pe.id = p.enrolment_id"
        f" WHERE pe.cohort_id = %s GROUP BY p.enrolment_id) g ON g.enrolment_id = e.id"
        f" WHERE e.cohort_id = %s ORDER BY u.last_name, u.first_name, e.id",
        [HelpOffer.Kind.CALL, HelpOffer.Answer.YES, cohort.pk, cohort.pk],
    )
    participants = [
        Participant(
            enrolment_id=pk,
            name=f"{first_name} {last_name}".strip() or email,
            completed=completed_at is not None,
            done=done or 0,
            expected=due,
            quiz_score=float(quiz) if quiz is not None else None,
            shared=shared or 0,
            idle_days=(now - sql.moment(last_activity_at)).days,
            call_wanted=bool(calls),
        )
        for (
            pk,
            completed_at,
            last_activity_at,
            first_name,
            last_name,
            email,
            done,
            quiz,
            shared,
            calls,
        ) in members
    ]
    funnel = [FunnelStep(row["id"], row["title"], row["finished"]) for row in steps]
    return CohortOverview(
        cohort=cohort, step_count=len(steps), participants=participants, funnel=funnel
    )


def shared_reflections(*, cohort: Cohort, limit: int) -> list[dict]:
    """What members chose to share with the facilitator, newest first: who, the question
    and their answer."""
    user = Enrolment._meta.get_field("learner").related_model
    return sql.rows(
        f"SELECT u.first_name, u.last_name, s.question, g.reflection"  # noqa: S608
        f" FROM {StepProgress._meta.db_table} g"
        f" JOIN {Enrolment._meta.db_table} e ON e.id = g.enrolment_id"
        f" JOIN {user._meta.db_table} u ON u.id = e.learner_id"
        f" JOIN {Step._meta.db_table} s ON s.id = g.step_id"
        f" WHERE e.cohort_id = %s AND g.reflection_shared"
        f" ORDER BY g.completed_at DESC, g.id DESC LIMIT %s",
        [cohort.pk, limit],
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
            .with_step_counts()
            .order_by("-enrolled_at")
        )
        following = {enrolment.path_id for enrolment in enrolments}
        paths = [version for version in published_versions() if version.path_id not in following]
    return DossierLearning(dossier=dossier, enrolments=enrolments, paths=paths)


def member_of_cohort(*, cohort: Cohort, pk: int) -> Enrolment:
    """A member of the group (their enrolment, with the learner), for whoever runs it."""
    enrolment = (
        Enrolment.objects.filter(pk=pk, cohort=cohort).select_related("learner", "path").first()
    )
    if enrolment is None:
        raise Http404
    enrolment.cohort = cohort
    return enrolment


def member_progress(*, enrolment: Enrolment) -> list[dict]:
    """Per step of the member's version in order: its part, title, kind, whether done, the
    quiz score, and the reflection when the member shared it."""
    progress = {
        row.step_id: row
        for row in StepProgress.objects.filter(enrolment=enrolment).only(
            "step_id", "completed_at", "quiz_score", "reflection", "reflection_shared"
        )
    }
    rows = []
    for step in (
        Step.objects.filter(module__version_id=enrolment.version_id)
        .select_related("module")
        .order_by("module__position", "module_id", "position", "pk")
    ):
        done = progress.get(step.pk)
        rows.append(
            {
                "step": step,
                "done": done is not None and done.completed_at is not None,
                "quiz_score": done.quiz_score if done else None,
                "shared": done.reflection if done and done.reflection_shared else "",
            }
        )
    return rows


def help_offers_of(*, enrolment: Enrolment) -> list[HelpOffer]:
    return list(enrolment.help_offers.select_related("offered_by", "path"))
