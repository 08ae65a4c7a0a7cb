"""What leaves the organisation: the municipality's accountability reports, and the
cost items of the what-if effect calculator.

A functional administrator keeps the list of cost items (Django admin, every change in
the access log). An amount holds from a date on: a new amount for the same event is a
new row from a later date, so a sum over a past period keeps the amounts that held then.
"""

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.languages import in_active_language

# A generation that has waited or run this long has died with its worker: another may
# start.
GENERATION_STALE_AFTER = timedelta(minutes=15)


class CostItemQuerySet(models.QuerySet):
    def valid_on(self, day: date):
        """Per event, the amount that holds on `day`: its row with the latest start on or
        before that day."""
        latest = (
            CostItem.objects.filter(code=models.OuterRef("code"), valid_from__lte=day)
            .order_by("-valid_from")
            .values("valid_from")[:1]
        )
        return self.filter(valid_from=models.Subquery(latest))


class CostItem(models.Model):
    code = models.SlugField(
        _("code"), max_length=50, help_text=_("The same for every amount of one event.")
    )
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    amount = models.DecimalField(
        _("amount in euros"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("What one such event costs society, in euros."),
    )
    source = models.CharField(
        _("source"),
        max_length=500,
        help_text=_("Where the amount comes from: a publication, a report or a calculation."),
    )
    valid_from = models.DateField(_("valid from"))

    objects = CostItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("cost item")
        verbose_name_plural = _("cost items")
        ordering = ["code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="cost_item_once_per_date"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="cost_item_amount_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.valid_from:%Y-%m-%d})"

    @property
    def name(self) -> str:
        return in_active_language(self.name_nl, self.name_en)


def report_storage():
    return storages["reports"]


def report_path(instance, filename: str) -> str:
    # A random name: the file is served only through the permission-checked download.
    return f"municipality-{instance.municipality_id}/{secrets.token_hex(16)}.pdf"


class MunicipalityReportQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=MunicipalityReport.Status.PUBLISHED)

    def of_period(self, municipality_id: int, start: date, end: date):
        return self.filter(municipality_id=municipality_id, period_start=start, period_end=end)

    def not_generating(self):
        """Reports without a generation that waits or runs: none, finished, failed, or
        one so old that its worker died."""
        return self.exclude(
            generation__in=[
                MunicipalityReport.Generation.QUEUED,
                MunicipalityReport.Generation.RUNNING,
            ],
            generation_requested_at__gte=timezone.now() - GENERATION_STALE_AFTER,
        )


class MunicipalityReport(models.Model):
    """The accountability report for one municipality over a period, as a PDF.

    A draft holds the manager's texts and, once asked for, a preview. Publishing writes
    the final PDF and freezes the row: a published report never changes. A correction is
    a new version of the same municipality and period that says what changed.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Generation(models.TextChoices):
        IDLE = "idle", _("Not being made")
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being made")
        FAILED = "failed", _("Failed")

    municipality = models.ForeignKey(
        "organisation.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="accountability_reports",
    )
    period_start = models.DateField(_("first month"))
    period_end = models.DateField(_("last month"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)

    introduction = models.TextField(_("introduction"), blank=True)
    findings = models.TextField(_("what the figures tell us"), blank=True)
    outlook = models.TextField(_("looking ahead"), blank=True)
    changes = models.TextField(_("what changed since the previous version"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("made"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved and published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    # The PDF: the final one once published, else the latest preview.
    file = models.FileField(
        _("PDF"), upload_to=report_path, storage=report_storage, max_length=200, blank=True
    )
    checksum = models.CharField(_("SHA-256 checksum"), max_length=64, blank=True)
    file_size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    page_count = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    generated_at = models.DateTimeField(_("PDF made"), null=True, blank=True)
    statistics_run = models.ForeignKey(
        "effects.StatisticsRun",
        verbose_name=_("computation of the figures"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # The generation that waits or runs, and its progress, written by the task.
    generation = models.CharField(
        _("generation"), max_length=10, choices=Generation, default=Generation.IDLE
    )
    generation_publishes = models.BooleanField(_("publishes when done"), default=False)
    generation_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked for by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    generation_requested_at = models.DateTimeField(_("asked for"), null=True, blank=True)
    generation_done = models.PositiveSmallIntegerField(default=0)
    generation_total = models.PositiveSmallIntegerField(default=0)
    generation_step = models.CharField(max_length=200, blank=True)
    generation_error = models.CharField(max_length=500, blank=True)

    objects = MunicipalityReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality report")
        verbose_name_plural = _("municipality reports")
        ordering = ["-period_end", "-period_start", "municipality__name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "period_start", "period_end", "version"],
                name="municipality_report_version_once",
            ),
            # One draft at a time per municipality and period: a correction waits for it.
            models.UniqueConstraint(
                fields=["municipality", "period_start", "period_end"],
                condition=models.Q(status="draft"),
                name="municipality_report_one_draft",
            ),
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")),
                name="municipality_report_period_in_order",
            ),
            # A published report has its file and checksum.
            models.CheckConstraint(
                condition=~models.Q(status="published")
                | (
                    ~models.Q(file="")
                    & ~models.Q(checksum="")
                    & models.Q(published_at__isnull=False)
                ),
                name="municipality_report_published_has_file",
            ),
        ]

    def __str__(self):
        period = f"{self.period_start:%Y-%m} to {self.period_end:%Y-%m}"
        return f"{self.municipality} {period} v{self.version}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_generating(self) -> bool:
        return (
            self.generation in (self.Generation.QUEUED, self.Generation.RUNNING)
            and self.generation_requested_at is not None
            and self.generation_requested_at >= timezone.now() - GENERATION_STALE_AFTER
        )

    @property
    def progress_percentage(self) -> int:
        if not self.generation_total:
            return 0
        return round(100 * self.generation_done / self.generation_total)


def export_path(instance, filename: str) -> str:
    return f"benchmark/{secrets.token_hex(16)}-{filename}"


class BenchmarkExportQuerySet(models.QuerySet):
    def active(self):
        return self.filter(
            status__in=[BenchmarkExport.Status.QUEUED, BenchmarkExport.Status.RUNNING]
        )

    def stale(self):
        """Active exports whose worker died: they no longer hold the next one back."""
        return self.active().filter(requested_at__lt=timezone.now() - GENERATION_STALE_AFTER)


class BenchmarkExport(models.Model):
    """One anonymised sector benchmark export of a calendar year: the JSON and the CSV,
    each with its SHA-256 checksum. Made by a Celery task; the row says how it went.
    One is made at a time (a constraint): an export reads a whole year of figures.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    pseudonym = models.CharField(_("pseudonym"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    schema_version = models.CharField(_("schema version"), max_length=10)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    step = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked for by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("asked for"), default=timezone.now)
    finished_at = models.DateTimeField(_("ready"), null=True, blank=True)
    json_file = models.FileField(
        upload_to=export_path, storage=report_storage, max_length=200, blank=True
    )
    csv_file = models.FileField(
        upload_to=export_path, storage=report_storage, max_length=200, blank=True
    )
    json_sha256 = models.CharField(_("SHA-256 of the JSON"), max_length=64, blank=True)
    csv_sha256 = models.CharField(_("SHA-256 of the CSV"), max_length=64, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)

    objects = BenchmarkExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("sector benchmark export")
        verbose_name_plural = _("sector benchmark exports")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # Every export has the same schema version: at most one waits or runs.
            models.UniqueConstraint(
                fields=["schema_version"],
                condition=models.Q(status__in=["queued", "running"]),
                name="benchmark_export_one_at_a_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done")
                | (~models.Q(json_sha256="") & ~models.Q(csv_sha256="")),
                name="benchmark_export_done_has_files",
            ),
        ]

    def __str__(self):
        return f"{self.pseudonym} {self.year} ({self.schema_version})"

    @property
    def is_active(self) -> bool:
        return (
            self.status in (self.Status.QUEUED, self.Status.RUNNING)
            and self.requested_at >= timezone.now() - GENERATION_STALE_AFTER
        )


class BenchmarkPeer(models.Model):
    """Another organisation's export, uploaded by a manager to compare with. Only a file
    that passed every check is kept; peers are known by their pseudonym alone."""

    pseudonym = models.CharField(_("pseudonym"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    schema_version = models.CharField(_("schema version"), max_length=10)
    rows = models.JSONField(_("rows"))
    rows_sha256 = models.CharField(_("SHA-256 of the rows"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("benchmark peer")
        verbose_name_plural = _("benchmark peers")
        ordering = ["year", "pseudonym"]
        constraints = [
            # The same export uploaded twice replaces nothing and counts once.
            models.UniqueConstraint(fields=["rows_sha256"], name="benchmark_peer_once"),
        ]

    def __str__(self):
        return f"{self.pseudonym} {self.year}"


class PreventedEvent(models.Model):
    """For a closed dossier: a costly event that support likely prevented, as the worker and
    client judge it, with the amount of the cost item that held on the day it closed. The
    what-if calculator adds these up per municipality and period, as a range.

    The municipality and the closing date are kept on the row: the sums of past periods
    stay the same when a dossier is removed after its retention period.
    """

    class Likelihood(models.TextChoices):
        POSSIBLE = "possible", _("Possible: 10 to 40 in 100")
        LIKELY = "likely", _("Likely: 40 to 70 in 100")
        VERY_LIKELY = "very_likely", _("Very likely: 70 to 90 in 100")

    # The chance each choice stands for: the sums are ranges from the low to the high end.
    CHANCES = {
        Likelihood.POSSIBLE: (0.1, 0.4),
        Likelihood.LIKELY: (0.4, 0.7),
        Likelihood.VERY_LIKELY: (0.7, 0.9),
    }

    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    municipality = models.ForeignKey(
        "organisation.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    closed_on = models.DateField(_("dossier closed on"))
    cost_item = models.ForeignKey(
        CostItem, verbose_name=_("cost item"), on_delete=models.PROTECT, related_name="+"
    )
    likelihood = models.CharField(_("how likely"), max_length=12, choices=Likelihood)
    with_client = models.BooleanField(_("judged together with the client"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("prevented event")
        verbose_name_plural = _("prevented events")
        ordering = ["closed_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "cost_item"], name="prevented_event_once_per_dossier"
            ),
        ]
        indexes = [models.Index(fields=["municipality", "closed_on"], name="prevented_place_idx")]

    def __str__(self):
        return f"{self.cost_item.code} ({self.likelihood})"
