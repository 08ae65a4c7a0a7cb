"""Online learning paths: a path's versions with their modules and steps, the pictures its
texts show, and the learners who follow it with their progress per step.

A path is written as a draft version; publishing freezes it. Changing a published path
starts a new draft (a copy), and publishing that one retires the old version for new
learners only: a learner keeps the version they enrolled in, so their progress always
refers to the steps they saw.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.dossiers.models import attachment_storage


class LearningPath(models.Model):
    """What stays the same across versions: the address and the theme."""

    slug = models.SlugField(
        _("web address"),
        max_length=80,
        unique=True,
        help_text=_("The last part of the page's address, such as grip-op-je-geld."),
    )
    theme = models.ForeignKey(
        "organisation.Theme",
        verbose_name=_("theme"),
        on_delete=models.PROTECT,
        related_name="learning_paths",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("learning path")
        verbose_name_plural = _("learning paths")
        ordering = ["slug"]

    def __str__(self):
        return self.slug


class PathVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PathVersion.Status.PUBLISHED)


class PathVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        # A newer version is published: learners who started this one finish it.
        RETIRED = "retired", _("Replaced by a newer version")

    class Level(models.TextChoices):
        BASIC = "basic", _("Basic")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    path = models.ForeignKey(
        LearningPath,
        verbose_name=_("learning path"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    title = models.CharField(_("title"), max_length=150)
    summary = models.CharField(
        _("short description"),
        max_length=300,
        help_text=_("One or two sentences: shown in lists."),
    )
    # Markdown, as every text of a path (apps/learning/text.py).
    introduction = models.TextField(_("introduction"), blank=True)
    level = models.CharField(_("level"), max_length=12, choices=Level, default=Level.BASIC)
    audience = models.CharField(
        _("for whom"),
        max_length=150,
        blank=True,
        help_text=_("For example: young people from 16 to 18. Empty: everyone."),
    )
    duration_minutes = models.PositiveSmallIntegerField(_("about how many minutes"))
    # The code of a self-scan (apps.questionnaires) filled in at the start and at the end.
    pre_measurement = models.SlugField(_("self-scan at the start"), max_length=50, blank=True)
    post_measurement = models.SlugField(_("self-scan at the end"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("last edited"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)

    objects = PathVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("version of a learning path")
        verbose_name_plural = _("versions of learning paths")
        ordering = ["path", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["path", "number"], name="learning_version_number"),
            models.UniqueConstraint(
                fields=["path"], condition=Q(status="draft"), name="learning_one_draft"
            ),
            models.UniqueConstraint(
                fields=["path"], condition=Q(status="published"), name="learning_one_published"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.number})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Module(models.Model):
    version = models.ForeignKey(
        PathVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="modules"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=150)
    introduction = models.TextField(_("introduction"), blank=True)

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["version", "position", "pk"]

    def __str__(self):
        return self.title


class Step(models.Model):
    class Kind(models.TextChoices):
        READING = "reading", _("Reading")
        VIDEO = "video", _("Video")
        REFLECTION = "reflection", _("Reflection question")
        QUIZ = "quiz", _("Quiz")
        EXERCISE = "exercise", _("Exercise")
        CHECKLIST = "checklist", _("Checklist")

    class Upload(models.TextChoices):
        NONE = "none", _("No upload")
        OPTIONAL = "optional", _("Upload possible")
        REQUIRED = "required", _("Upload required")

    module = models.ForeignKey(
        Module, verbose_name=_("module"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.READING)
    title = models.CharField(_("title"), max_length=150)
    minutes = models.PositiveSmallIntegerField(_("about how many minutes"), null=True, blank=True)
    body = models.TextField(_("text"), blank=True)
    video_url = models.URLField(_("web address of the video"), max_length=500, blank=True)
    transcript = models.TextField(
        _("text alternative of the video"),
        blank=True,
        help_text=_("What is said and shown, for who cannot or does not want to watch."),
    )
    question = models.CharField(_("reflection question"), max_length=500, blank=True)
    upload = models.CharField(
        _("upload of the result"), max_length=8, choices=Upload, default=Upload.NONE
    )
    checklist_items = models.JSONField(_("checklist"), default=list, blank=True)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["module", "position", "pk"]

    def __str__(self):
        return self.title


class QuizQuestion(models.Model):
    step = models.ForeignKey(
        Step, verbose_name=_("step"), on_delete=models.CASCADE, related_name="quiz_questions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("question"), max_length=500)

    class Meta:
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")
        ordering = ["step", "position", "pk"]

    def __str__(self):
        return self.text


class QuizOption(models.Model):
    question = models.ForeignKey(
        QuizQuestion, verbose_name=_("question"), on_delete=models.CASCADE, related_name="options"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("answer"), max_length=300)
    correct = models.BooleanField(_("right answer"), default=False)
    feedback = models.CharField(_("feedback on this answer"), max_length=1000)

    class Meta:
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        ordering = ["question", "position", "pk"]

    def __str__(self):
        return self.text


def media_path(instance, filename: str) -> str:
    extension = ".png" if instance.content_type == "image/png" else ".jpg"
    return f"learning/{secrets.token_hex(16)}{extension}"


class PathMedia(models.Model):
    """A picture a text of the version shows as `media:<name>`. A new version copies the
    rows, not the files: a stored picture never changes."""

    version = models.ForeignKey(
        PathVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="media"
    )
    name = models.CharField(_("name"), max_length=100)
    content_type = models.CharField(_("kind of file"), max_length=20)
    file = models.FileField(
        _("file"), upload_to=media_path, storage=attachment_storage, max_length=200
    )
    size = models.PositiveIntegerField(_("size in bytes"))

    class Meta:
        verbose_name = _("picture")
        verbose_name_plural = _("pictures")
        ordering = ["version", "name"]
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="learning_media_name")
        ]

    def __str__(self):
        return self.name


class EnrolmentQuerySet(models.QuerySet):
    def with_step_counts(self):
        """Each enrolment with its version's number of steps and how many it finished."""
        return self.annotate(
            steps_total=models.Count("version__modules__steps", distinct=True),
            steps_done=models.Count(
                "progress", filter=Q(progress__completed_at__isnull=False), distinct=True
            ),
        )


class Enrolment(models.Model):
    """A learner on a path, in the version they started. Once per path."""

    path = models.ForeignKey(
        LearningPath,
        verbose_name=_("learning path"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    version = models.ForeignKey(
        PathVersion,
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    # The worker who enrolled them; empty when they enrolled themselves.
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enrolled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    enrolled_at = models.DateTimeField(_("enrolled"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last active"), default=timezone.now)
    # Where "Continue" takes them: the step they last opened.
    last_step = models.ForeignKey(
        Step,
        verbose_name=_("last step"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("finished"), null=True, blank=True)
    cohort = models.ForeignKey(
        "Cohort",
        verbose_name=_("group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrolments",
    )

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-enrolled_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["path", "learner"], name="learning_enrol_once")
        ]

    def __str__(self):
        return f"{self.learner}: {self.path}"


def progress_upload_path(instance, filename: str) -> str:
    extension = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}.get(
        instance.upload_content_type, ""
    )
    return f"learning/uploads/{instance.enrolment_id}/{secrets.token_hex(16)}{extension}"


class StepProgress(models.Model):
    """What a learner did in one step. A reflection stays theirs unless they share it."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="progress"
    )
    step = models.ForeignKey(
        Step, verbose_name=_("step"), on_delete=models.CASCADE, related_name="progress"
    )
    completed_at = models.DateTimeField(_("done"), null=True, blank=True)
    reflection = models.TextField(_("your answer"), blank=True)
    reflection_shared = models.BooleanField(_("shared with the facilitator"), default=False)
    checklist_done = models.JSONField(_("ticked off"), default=list, blank=True)
    # The share of quiz questions answered right the first time (0 to 1).
    quiz_score = models.DecimalField(
        _("quiz score"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    upload = models.FileField(
        _("uploaded result"),
        upload_to=progress_upload_path,
        storage=attachment_storage,
        max_length=200,
        blank=True,
    )
    upload_content_type = models.CharField(max_length=40, blank=True, editable=False)
    upload_name = models.CharField(_("file name"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("progress on a step")
        verbose_name_plural = _("progress on steps")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "step"], name="learning_progress_once")
        ]

    def __str__(self):
        return f"{self.enrolment}: {self.step}"


class QuizAnswer(models.Model):
    """Every answer a learner chose, so a wrong and then a right answer both count."""

    progress = models.ForeignKey(
        StepProgress,
        verbose_name=_("progress"),
        on_delete=models.CASCADE,
        related_name="quiz_answers",
    )
    question = models.ForeignKey(
        QuizQuestion, verbose_name=_("question"), on_delete=models.CASCADE, related_name="+"
    )
    option = models.ForeignKey(
        QuizOption, verbose_name=_("answer"), on_delete=models.CASCADE, related_name="+"
    )
    correct = models.BooleanField(_("right"))
    answered_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        verbose_name = _("quiz answer")
        verbose_name_plural = _("quiz answers")
        ordering = ["progress", "answered_at", "pk"]

    def __str__(self):
        return f"{self.question}: {self.option}"


class Cohort(models.Model):
    """A group that follows one version of a path together, with a facilitator, on a
    schedule: a module opens on its date (without a date, when the group starts)."""

    version = models.ForeignKey(
        PathVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="cohorts"
    )
    name = models.CharField(_("name of the group"), max_length=150)
    team = models.ForeignKey(
        "organisation.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="cohorts",
    )
    # Without a facilitator (their account was removed), the team's leader runs the group.
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitator"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="facilitated_cohorts",
    )
    starts_on = models.DateField(_("starts on"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["-starts_on", "name"]

    def __str__(self):
        return self.name


class ModuleOpening(models.Model):
    cohort = models.ForeignKey(
        Cohort, verbose_name=_("group"), on_delete=models.CASCADE, related_name="openings"
    )
    module = models.ForeignKey(
        Module, verbose_name=_("module"), on_delete=models.CASCADE, related_name="+"
    )
    opens_on = models.DateField(_("opens on"))

    class Meta:
        verbose_name = _("opening of a module")
        verbose_name_plural = _("openings of modules")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "module"], name="learning_opening_once")
        ]

    def __str__(self):
        return f"{self.module}: {self.opens_on}"


class Post(models.Model):
    """A message in a group's discussion of one module. The facilitator can hide it;
    members can report it."""

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("group"), on_delete=models.CASCADE, related_name="posts"
    )
    module = models.ForeignKey(
        Module, verbose_name=_("module"), on_delete=models.CASCADE, related_name="posts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    body = models.TextField(_("message"), max_length=3000)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hidden by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["cohort", "module", "created_at"], name="learning_post_idx")
        ]

    def __str__(self):
        return self.body[:50]


class PostReport(models.Model):
    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField(_("why"), max_length=300, blank=True)
    reported_at = models.DateTimeField(_("reported"), default=timezone.now)

    class Meta:
        verbose_name = _("report of a post")
        verbose_name_plural = _("reports of posts")
        constraints = [
            models.UniqueConstraint(fields=["post", "reporter"], name="learning_report_once")
        ]

    def __str__(self):
        return f"{self.post}: {self.reason}"


class HelpOfferQuerySet(models.QuerySet):
    def call_wanted(self):
        """Calls the learner said yes to that the facilitator has not made yet."""
        return self.filter(kind=HelpOffer.Kind.CALL, answer=HelpOffer.Answer.YES, done_at=None)


class HelpOffer(models.Model):
    """The facilitator reaches out to a member who falls behind: extra material (a note,
    perhaps another path) or a call. The member answers on their path's page."""

    class Kind(models.TextChoices):
        MATERIAL = "material", _("Extra material")
        CALL = "call", _("A call")

    class Answer(models.TextChoices):
        OPEN = "", _("Not answered yet")
        YES = "yes", _("Yes, please")
        NO = "no", _("No, thank you")

    enrolment = models.ForeignKey(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="help_offers",
    )
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("offered by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    kind = models.CharField(_("what you offer"), max_length=10, choices=Kind)
    message = models.TextField(_("your message"), max_length=1000)
    # Extra material can be another published path.
    path = models.ForeignKey(
        LearningPath,
        verbose_name=_("another learning path"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    offered_at = models.DateTimeField(_("offered"), default=timezone.now)
    answer = models.CharField(
        _("answer"), max_length=3, choices=Answer, default=Answer.OPEN, blank=True
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # The call was made (or the offer otherwise dealt with).
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    # The e-mail that an offer waits was sent (once).
    mailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    objects = HelpOfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer of help")
        verbose_name_plural = _("offers of help")
        ordering = ["-offered_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.enrolment_id})"

    @property
    def is_open(self) -> bool:
        return self.answer == self.Answer.OPEN
