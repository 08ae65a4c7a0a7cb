"""Instruments (questionnaires and measurement scales) as versioned data, and responses.

An instrument's wording and structure live in an InstrumentVersion with its dimensions and
items. A response always points at the version it was answered on, so it keeps scoring by
that version after the definition changes (see services.instruments_load).
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.dossiers.models import Dossier

# Longest answer to an open question, in characters; also what response_answer_save checks.
OPEN_TEXT_MAX_LENGTH = 2000
# Instruments the platform sends by itself: to the client when their dossier closes, and
# to staff about the platform.
SATISFACTION_SURVEY = "client-satisfaction"
STAFF_SURVEY = "staff-technology-acceptance"


def in_active_language(obj, field: str) -> str:
    """`obj.<field>_en` when English is active and filled in, else the Dutch `<field>_nl`."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if language != "nl":
        value = getattr(obj, f"{field}_{language}", "")
        if value:
            return value
    return getattr(obj, f"{field}_nl")


def label_in_active_language(labels: dict, value) -> str:
    """A label from a {"3": {"nl": ..., "en": ...}} mapping, Dutch when English is missing."""
    texts = labels.get(str(value)) or {}
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return texts.get(language) or texts.get("nl", "")


class Instrument(models.Model):
    class Purpose(models.TextChoices):
        CONVERSATION = "conversation", _("Conversation tool")
        MEASUREMENT = "measurement", _("Measurement scale")
        # Satisfaction and staff surveys evaluate our work; they do not measure the
        # resident's situation, so effect measurement must not pick them up.
        SURVEY = "survey", _("Evaluation survey")

    class FilledBy(models.TextChoices):
        RESIDENT = "resident", _("The resident")
        WORKER = "worker", _("The social worker")
        TOGETHER = "together", _("Resident and social worker together")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose)
    filled_by = models.CharField(_("filled in by"), max_length=10, choices=FilledBy)
    name_nl = models.CharField(_("name (Dutch)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        ordering = ["code"]

    def __str__(self):
        return self.code

    @property
    def name(self) -> str:
        return in_active_language(self, "name")

    @property
    def current_version(self):
        return self.versions.filter(is_current=True).first()


class InstrumentVersionQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)

    def for_code(self, code: str):
        return self.filter(instrument__code=code)

    def with_structure(self):
        """Dimensions and items in their order: what a form, a spider web or scoring needs."""
        return self.select_related("instrument").prefetch_related(
            models.Prefetch("dimensions", Dimension.objects.order_by("order")),
            models.Prefetch("items", Item.objects.order_by("order")),
        )


class InstrumentVersion(models.Model):
    """One fixed wording and structure of an instrument. Never changes once answered."""

    class ScoringRule(models.TextChoices):
        MEAN_PER_DIMENSION = "mean_per_dimension", _("Mean per dimension")
        LEVEL_PER_DOMAIN = "level_per_domain", _("Level per domain")
        RUNG = "rung", _("Rung of the ladder")
        OVERALL_AND_ITEM_MEAN = "overall_and_item_mean", _("Overall score and item mean")
        CONSTRUCT_MEANS = "construct_means", _("Mean per construct")

    instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("instrument"),
        on_delete=models.PROTECT,
        related_name="versions",
    )
    number = models.PositiveSmallIntegerField(_("version"))
    # Set when the definition file names its version (such as a licensed official wording);
    # otherwise the loader numbers the versions itself.
    number_from_file = models.BooleanField(_("version number set in the file"), default=False)
    intro_nl = models.TextField(_("introduction (Dutch)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    attribution = models.CharField(
        _("source of the wording"),
        max_length=300,
        blank=True,
        help_text=_("For example the licence holder of an official wording."),
    )
    scale_min = models.SmallIntegerField(_("lowest answer"))
    scale_max = models.SmallIntegerField(_("highest answer"))
    scale_step = models.PositiveSmallIntegerField(_("step between answers"), default=1)
    # {"0": {"nl": "Helemaal niet", "en": "Not at all"}, ...}; values without a label are
    # shown as the bare number.
    scale_labels = models.JSONField(_("answer labels"), default=dict, blank=True)
    scoring_rule = models.CharField(_("scoring rule"), max_length=32, choices=ScoringRule)
    # Settings the rule needs, such as {"overall_item": "overall"}.
    scoring_options = models.JSONField(_("scoring settings"), default=dict, blank=True)
    content_hash = models.CharField(_("fingerprint of the definition"), max_length=64)
    source_file = models.CharField(_("loaded from"), max_length=255, blank=True)
    loaded_at = models.DateTimeField(_("loaded"), default=timezone.now)
    is_current = models.BooleanField(_("in use for new responses"), default=False)

    objects = InstrumentVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("instrument version")
        verbose_name_plural = _("instrument versions")
        ordering = ["instrument__code", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "number"], name="instrument_version_unique_number"
            ),
            models.UniqueConstraint(
                fields=["instrument"],
                condition=Q(is_current=True),
                name="instrument_one_current_version",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="instrument_version_from_1"),
            models.CheckConstraint(
                condition=Q(scale_max__gt=models.F("scale_min")) & Q(scale_step__gte=1),
                name="instrument_version_scale_valid",
            ),
        ]

    def __str__(self):
        return f"{self.instrument.code} v{self.number}"

    @property
    def intro(self) -> str:
        return in_active_language(self, "intro")

    @property
    def scale_values(self) -> range:
        return range(self.scale_min, self.scale_max + 1, self.scale_step)

    def label_for(self, value) -> str:
        return label_in_active_language(self.scale_labels, value)

    def has_responses(self) -> bool:
        return self.responses.exists()


class Dimension(models.Model):
    """A dimension (Positive Health), domain (ZRM) or construct (UTAUT) of a version."""

    version = models.ForeignKey(
        InstrumentVersion,
        verbose_name=_("instrument version"),
        on_delete=models.CASCADE,
        related_name="dimensions",
    )
    code = models.SlugField(_("code"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"))
    name_nl = models.CharField(_("name (Dutch)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="dimension_unique_code"),
            models.UniqueConstraint(fields=["version", "order"], name="dimension_unique_order"),
        ]

    def __str__(self):
        return self.code

    @property
    def name(self) -> str:
        return in_active_language(self, "name")

    @property
    def description(self) -> str:
        return in_active_language(self, "description")


class Item(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", _("Answer on the scale")
        OPEN = "open", _("Open answer")

    version = models.ForeignKey(
        InstrumentVersion,
        verbose_name=_("instrument version"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    # Open questions (a remark at the end) belong to no dimension; scale items always do.
    dimension = models.ForeignKey(
        Dimension,
        verbose_name=_("dimension"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="items",
    )
    code = models.SlugField(_("code"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind of answer"), max_length=8, choices=Kind, default=Kind.SCALE)
    text_nl = models.TextField(_("question (Dutch)"))
    text_en = models.TextField(_("question (English)"), blank=True)
    reversed = models.BooleanField(
        _("reversed"),
        default=False,
        help_text=_("A high answer means a low score, such as for 'How much pain do you have?'"),
    )
    # Labels that belong to this item only, such as the ZRM level descriptions per domain;
    # same shape as InstrumentVersion.scale_labels.
    anchors = models.JSONField(_("answer descriptions"), default=dict, blank=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="item_unique_code"),
            models.UniqueConstraint(fields=["version", "order"], name="item_unique_order"),
            models.CheckConstraint(
                condition=Q(kind="open") | Q(dimension__isnull=False),
                name="item_scale_has_dimension",
            ),
            models.CheckConstraint(
                condition=Q(kind="scale") | Q(reversed=False), name="item_open_not_reversed"
            ),
        ]

    def __str__(self):
        return self.code

    @property
    def text(self) -> str:
        return in_active_language(self, "text")

    @property
    def is_scale(self) -> bool:
        return self.kind == self.Kind.SCALE

    def label_for(self, value) -> str:
        """This item's own description of an answer, else the version's scale label."""
        return label_in_active_language(self.anchors, value) or self.version.label_for(value)


class ResponseQuerySet(models.QuerySet):
    def completed(self):
        return self.filter(status=Response.Status.COMPLETED)

    def in_progress(self):
        return self.filter(status=Response.Status.IN_PROGRESS)

    def for_client(self, client):
        return self.filter(client=client)

    def for_instrument(self, code: str):
        return self.filter(version__instrument__code=code)

    def shared_with_worker(self):
        return self.filter(shared_with_worker=True)

    def open_to_team(self, team_ids):
        """What workers of `team_ids` may read (policy `questionnaires.view_response`): what
        was recorded in one of their dossiers, and a resident's own scan only while they
        share it and the team supports them now. Never a survey about our work."""
        supported_now = Dossier.objects.open().filter(
            client=OuterRef("client"), team_id__in=team_ids
        )
        recorded_here = ~Q(mode=Response.Mode.SELF) & Q(dossier__team_id__in=team_ids)
        shared_with_them = Q(mode=Response.Mode.SELF, shared_with_worker=True) & Exists(
            supported_now
        )
        return self.exclude(version__instrument__purpose=Instrument.Purpose.SURVEY).filter(
            recorded_here | shared_with_them
        )

    def of_resident(self, user):
        """The resident's own scans, and what they filled in together with their worker once
        it is finished (policy `questionnaires.view_response` for residents)."""
        together = Q(
            mode=Response.Mode.TOGETHER,
            status=Response.Status.COMPLETED,
            client__account=user,
        )
        return self.filter(Q(respondent=user) | together)

    def with_scores(self):
        """Version, instrument and dimension scores with their dimensions, in two queries."""
        return self.select_related("version__instrument").prefetch_related(
            models.Prefetch(
                "dimension_scores",
                DimensionScore.objects.select_related("dimension").order_by("dimension__order"),
            )
        )


class Response(models.Model):
    """One filling-in of an instrument version: a self-scan, a measurement or a survey."""

    class Mode(models.TextChoices):
        SELF = "self", _("Filled in alone")
        TOGETHER = "together", _("Filled in together with a social worker")
        BY_WORKER = "by_worker", _("Recorded by a social worker")

    class Moment(models.TextChoices):
        NONE = "none", _("No set moment")
        INTAKE = "intake", _("At intake")
        DURING = "during", _("During the support")
        CLOSING = "closing", _("At closing")

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")

    version = models.ForeignKey(
        InstrumentVersion,
        verbose_name=_("instrument version"),
        on_delete=models.PROTECT,
        related_name="responses",
    )
    client = models.ForeignKey(
        "dossiers.Client",
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="questionnaire_responses",
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="questionnaire_responses",
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filled in by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questionnaire_responses",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    mode = models.CharField(_("how it was filled in"), max_length=10, choices=Mode)
    moment = models.CharField(
        _("measurement moment"), max_length=8, choices=Moment, default=Moment.NONE
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # Overall figure where the scoring rule has one (mean of the dimensions, the ZRM mean,
    # the rung, the satisfaction mark); empty otherwise.
    overall_score = models.DecimalField(
        _("overall score"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    # Sent along with a request for help ("I would like to talk about this"); the request's
    # dossier, once there is one, gets the response.
    intake_request = models.ForeignKey(
        "dossiers.IntakeRequest",
        verbose_name=_("sent with the request for help"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questionnaire_responses",
    )
    # A resident's own self-scan is theirs; the worker sees it only once they share it.
    shared_with_worker = models.BooleanField(_("shared with the social worker"), default=False)
    shared_changed_at = models.DateTimeField(_("sharing changed"), null=True, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["client", "-started_at"], name="response_client_idx"),
            models.Index(fields=["dossier", "-started_at"], name="response_dossier_idx"),
            # The statistics read the questionnaires completed in the months they update.
            models.Index(fields=["completed_at"], name="response_completed_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(status="in_progress", completed_at__isnull=True)
                    | Q(status="completed", completed_at__isnull=False)
                ),
                name="response_completed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True)
                | Q(completed_at__gte=models.F("started_at")),
                name="response_completed_after_start",
            ),
        ]

    def __str__(self):
        # Also what the access log keeps: no names, no answers.
        return f"{self.version} response {self.pk} ({self.get_status_display()})"

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED

    @property
    def is_survey(self) -> bool:
        return self.version.instrument.purpose == Instrument.Purpose.SURVEY

    def answers_by_code(self) -> dict:
        """{item code: the number, or the text of an open answer}: a form's initial data."""
        return {
            code: value if value is not None else text
            for code, value, text in self.answers.values_list("item__code", "value", "text")
        }


class Answer(models.Model):
    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="answers"
    )
    value = models.SmallIntegerField(_("answer"), null=True, blank=True)
    text = models.TextField(_("open answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["response", "item__order"]
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="answer_once_per_item"),
            # A skipped question has no row rather than an empty one.
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(text=""), name="answer_not_empty"
            ),
        ]

    def __str__(self):
        return f"response {self.response_id}, item {self.item_id}"


class DimensionScore(models.Model):
    """The score of one dimension in a completed response, by its version's scoring rule."""

    response = models.ForeignKey(
        Response,
        verbose_name=_("response"),
        on_delete=models.CASCADE,
        related_name="dimension_scores",
    )
    dimension = models.ForeignKey(
        Dimension, verbose_name=_("dimension"), on_delete=models.PROTECT, related_name="scores"
    )
    # Empty when none of the dimension's items was answered.
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=2, null=True, blank=True)
    answered = models.PositiveSmallIntegerField(_("questions answered"), default=0)

    class Meta:
        verbose_name = _("dimension score")
        verbose_name_plural = _("dimension scores")
        ordering = ["response", "dimension__order"]
        constraints = [
            models.UniqueConstraint(fields=["response", "dimension"], name="dimension_score_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True, answered=0)
                | Q(score__isnull=False, answered__gt=0),
                name="dimension_score_has_answers",
            ),
        ]

    def __str__(self):
        return f"response {self.response_id}, dimension {self.dimension_id}"


class AssignmentQuerySet(models.QuerySet):
    def open(self):
        """Not cancelled and not yet completed."""
        return self.filter(cancelled_at__isnull=True).exclude(
            response__status=Response.Status.COMPLETED
        )

    def for_client(self, client):
        return self.filter(client=client)


class Assignment(models.Model):
    """A worker asks a client to fill in an instrument."""

    client = models.ForeignKey(
        "dossiers.Client",
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        related_name="questionnaire_assignments",
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="questionnaire_assignments",
    )
    instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("instrument"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    # The measurement moment the answers count for (a PH-17 at intake and at closing).
    moment = models.CharField(
        _("measurement moment"),
        max_length=8,
        choices=Response.Moment,
        default=Response.Moment.NONE,
    )
    response = models.OneToOneField(
        Response,
        verbose_name=_("response"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignment",
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # When the client was told by e-mail; written in the transaction that sends it, so a
    # task that runs again (its worker died before acknowledging it) sends nothing twice.
    notified_at = models.DateTimeField(_("client notified"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-assigned_at", "-pk"]
        constraints = [
            # A double submit of "assign" must not give the client the same task twice.
            models.UniqueConstraint(
                fields=["client", "instrument"],
                condition=Q(cancelled_at__isnull=True, response__isnull=True),
                name="assignment_one_waiting_per_instrument",
            ),
        ]

    def __str__(self):
        return f"{self.instrument} assignment {self.pk}"
