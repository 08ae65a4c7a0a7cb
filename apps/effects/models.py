"""The statistics tables: figures per month that the report pages read instead of raw rows.

One long table of figures. Each row holds sufficient statistics (a count, a sum and a sum
of squares; for scores and pairs also those of the baseline and the counts past a margin)
of one measure for one month at one level of the organisation, so a page can
add rows up for any period and still compute means and spreads. Counts of distinct
clients do not add up across teams or areas, so every level holds its own rows, each
computed from the raw tables (apps/effects/rebuild.py).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    # month, team, neighbourhood and theme: the finest grain, and what a page reads when
    # it combines a team with an area.
    CELL = 0, _("Team and neighbourhood")
    TEAM = 1, _("Team")
    NEIGHBOURHOOD = 2, _("Neighbourhood")
    DISTRICT = 3, _("District")
    MUNICIPALITY = 4, _("Municipality")
    ORGANISATION = 5, _("Organisation")


class FigureQuerySet(models.QuerySet):
    def in_months(self, months):
        return self.filter(month__in=months)


def _place(model: str) -> models.ForeignKey:
    """Where a figure belongs (a team, an area, a theme), empty for "all of them".

    The figures are derived from the raw tables and written anew by every computation,
    millions of rows at a time (20 million in the large demo set). A foreign-key check per
    column and row (deferred to the commit, queued in memory until then) and an index per
    column cost several times what computing the figures costs, and nothing reads figures
    by these columns alone. Django still deletes a team's or area's figures with it
    (on_delete runs in Django, not in the database).
    """
    return models.ForeignKey(
        model,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )


class Figure(models.Model):
    """One measure in one month at one level; theme empty means "all themes together".

    A dossier with questions in two themes counts once in the all-themes row and once in
    each theme's row, so theme rows never add up to the all-themes row.
    """

    level = models.PositiveSmallIntegerField(_("level"), choices=Level)
    month = models.DateField(_("month"))
    team = _place("organisation.Team")
    municipality = _place("organisation.Municipality")
    district = _place("organisation.Neighbourhood")
    neighbourhood = _place("organisation.Neighbourhood")
    theme = _place("organisation.Theme")
    measure = models.CharField(_("measure"), max_length=32)
    # What the measure is split by: a contact mode, "instrument|dimension", ...
    key = models.CharField(_("split by"), max_length=100, blank=True, default="")
    n = models.BigIntegerField(_("count"))
    total = models.FloatField(_("sum"), default=0)
    total_sq = models.FloatField(_("sum of squares"), default=0)
    # Scores and pairs only, empty for other figures. Pairs: the sums of the score before
    # (the baseline), and how many improved (above) or worsened (below) by at least the
    # instrument's margin. Scores: how many were high (above) or low (below) on their scale.
    base_total = models.FloatField(_("sum of the baseline"), null=True, blank=True)
    base_total_sq = models.FloatField(_("sum of squares of the baseline"), null=True, blank=True)
    above = models.BigIntegerField(_("count above the margin"), null=True, blank=True)
    below = models.BigIntegerField(_("count below the margin"), null=True, blank=True)

    objects = FigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        indexes = [
            # Every page reads one level and one measure over a range of months, nearly
            # always for all themes together (theme empty) or for one theme, and a team
            # leader's pages for their own teams. The month is not in it: on PostgreSQL
            # each month is a partition of its own (apps/effects/partitions.py), where the
            # month would be the same in every entry, and an index without it is a quarter
            # quicker to build after a computation.
            models.Index(fields=["level", "measure", "theme", "team"], name="figure_read_idx"),
        ]

    def __str__(self):
        return f"{self.measure} {self.key} {self.month:%Y-%m}"


class StaleMonth(models.Model):
    """A month whose raw data changed since the statistics were computed (a journal).

    Written by the receivers in the same transaction as the change; an update takes the
    journal up to its highest id (the watermark) and removes what it took.
    """

    month = models.DateField(_("month"))
    # A change to contact moments alone changes only the figures counted from them; an
    # update then leaves the month's other figures as they are.
    contacts_only = models.BooleanField(_("only contact moments changed"), default=False)
    noted_at = models.DateTimeField(_("noted"), default=timezone.now)

    class Meta:
        verbose_name = _("month to recompute")
        verbose_name_plural = _("months to recompute")

    def __str__(self):
        return f"{self.month:%Y-%m}"


# A computation holds its lock at most this long; a run that has waited or run for longer
# was lost with its worker (apps/effects/locking.py).
LOCK_STALE_AFTER = timedelta(hours=6)


class StatisticsRunQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-requested_at", "-pk")

    def succeeded(self):
        """Successful runs, the last to finish first."""
        return self.filter(status=StatisticsRun.Status.SUCCEEDED).order_by("-finished_at", "-pk")

    def active(self):
        """Runs that wait or run, the newest first; one that has waited or run for longer
        than a lock may be held no longer counts."""
        return self.filter(
            status__in=[StatisticsRun.Status.QUEUED, StatisticsRun.Status.RUNNING],
            requested_at__gte=timezone.now() - LOCK_STALE_AFTER,
        ).newest_first()


class StatisticsRun(models.Model):
    """One computation of the statistics, full or incremental, and how it ended."""

    class Kind(models.TextChoices):
        FULL = "full", _("Full rebuild")
        INCREMENTAL = "incremental", _("Update of changed months")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Failed")
        REFUSED = "refused", _("Not started: another computation was running")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The journal (StaleMonth) up to and including this id was taken into account.
    journal_watermark = models.BigIntegerField(_("journal up to"), default=0)
    months_computed = models.PositiveIntegerField(_("months computed"), default=0)
    figures_written = models.PositiveIntegerField(_("figures written"), default=0)
    error = models.TextField(_("what went wrong"), blank=True)

    objects = StatisticsRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("statistics run")
        verbose_name_plural = _("statistics runs")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.requested_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class StatisticsLock(models.Model):
    """The lock row of databases without advisory locks (SQLite): one row while a
    computation runs. PostgreSQL uses an advisory lock instead (apps/effects/locking.py)."""

    name = models.CharField(max_length=50, unique=True)
    acquired_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("statistics lock")
        verbose_name_plural = _("statistics locks")

    def __str__(self):
        return self.name
