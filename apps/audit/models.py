import functools
from datetime import datetime

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """The access log is append-only: rows are never changed or deleted by the app."""


class AccessLogQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-occurred_at", "-id")

    def oldest_first(self):
        return self.order_by("occurred_at", "id")

    def older_than(self, occurred_at: datetime, pk: int):
        """Rows before (occurred_at, pk) in the log's order: the keyset of the next page.

        The plain `occurred_at <=` lets PostgreSQL skip the months after it (partition
        pruning); the rest breaks ties between rows of the same moment by id.
        """
        return self.filter(
            Q(occurred_at__lt=occurred_at) | Q(occurred_at=occurred_at, id__lt=pk),
            occurred_at__lte=occurred_at,
        )

    def newer_than(self, occurred_at: datetime, pk: int):
        return self.filter(
            Q(occurred_at__gt=occurred_at) | Q(occurred_at=occurred_at, id__gt=pk),
            occurred_at__gte=occurred_at,
        )

    def search(
        self,
        *,
        actor_email: str = "",
        actor_user_id: int | None = None,
        actor_role: str = "",
        action: str = "",
        object_type: str = "",
        object_id: str = "",
        description: str = "",
        since: datetime | None = None,
        before: datetime | None = None,
    ):
        """The rows that match every given filter, each answerable from an index.

        - An e-mail address with an @ is matched whole, anything else as the beginning of
          the address (both case-insensitive, on the lower(actor_email) index). Prefix,
          not "contains": people look for a person by the start of their address, and a
          part in the middle, such as the organisation's domain, would match nearly
          every row.
        - A description matches when it contains the text, case-insensitive. PostgreSQL
          answers that from the trigram index on upper(object_repr), which is what
          Django's icontains compares; SQLite reads the rows.
        - A date range is a range on occurred_at: PostgreSQL reads only those months.
        """
        rows = self
        if actor_email:
            rows = rows.alias(actor_email_lower=Lower("actor_email"))
            if "@" in actor_email.rstrip("@"):
                rows = rows.filter(actor_email_lower=actor_email.lower())
            else:
                rows = rows.filter(actor_email_lower__startswith=actor_email.lower())
        if actor_user_id is not None:
            rows = rows.filter(actor_user_id=actor_user_id)
        if actor_role:
            rows = rows.filter(actor_role=actor_role)
        if action:
            rows = rows.filter(action=action)
        if object_type:
            rows = rows.filter(object_type=object_type)
        if object_id:
            rows = rows.filter(object_id=object_id)
        if description:
            rows = rows.filter(object_repr__icontains=description)
        if since is not None:
            rows = rows.filter(occurred_at__gte=since)
        if before is not None:
            rows = rows.filter(occurred_at__lt=before)
        return rows

    def update(self, **kwargs):
        raise AppendOnlyError("Access log rows cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Access log rows are only removed by the retention purge.")


class AccessLogEntry(models.Model):
    class Action(models.TextChoices):
        READ = "read", _("Read")
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        SEARCH = "search", _("Searched")
        EXPORT = "export", _("Exported")
        DENIED = "denied", _("Access denied")
        BREAK_GLASS = "break_glass", _("Opened another team's record")
        PURGE = "purge", _("Removed by retention")

    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    # A snapshot of the actor, not a foreign key: the log must outlive a deleted account and
    # deleting one must not rewrite (UPDATE) rows that nobody may change.
    actor_user_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    actor_email = models.CharField(_("user e-mail"), max_length=254, blank=True)
    actor_role = models.CharField(_("role"), max_length=32, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action)
    object_type = models.CharField(_("kind of record"), max_length=100)
    object_id = models.CharField(_("record number"), max_length=64, blank=True)
    object_repr = models.CharField(_("record description"), max_length=200, blank=True)
    reason = models.TextField(_("stated reason"), blank=True)
    path = models.CharField(_("page address"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-occurred_at", "-id"]
        # Every index ends in (occurred_at, id), so a search reads its rows newest first
        # straight from the index. PostgreSQL also has an index on the beginning of the
        # e-mail address and a trigram index on the description (migration 0005), and
        # partitions the table by month; its primary key there is (id, occurred_at).
        indexes = [
            models.Index(fields=["occurred_at", "id"], name="audit_time_idx"),
            models.Index(fields=["actor_user_id", "occurred_at", "id"], name="audit_actor_idx"),
            models.Index(
                fields=["object_type", "object_id", "occurred_at", "id"], name="audit_object_idx"
            ),
            # Four in five rows are reads; the other actions (exports, refusals, openings of
            # another team's record) are rare and searched for, so they get an index.
            models.Index(
                fields=["action", "occurred_at", "id"],
                condition=~Q(action="read"),
                name="audit_action_idx",
            ),
        ]
        default_permissions = ("view",)
        permissions = [("export_accesslogentry", "Can export the access log")]

    def __str__(self):
        when = f"{self.occurred_at:%Y-%m-%d %H:%M}"
        return f"{when} {self.actor_email} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("Access log rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Access log rows are only removed by the retention purge.")

    @property
    def occurred_at_local(self) -> str:
        """The moment as the page shows it: local time, to the second, sortable as text."""
        return timezone.localtime(self.occurred_at).strftime("%Y-%m-%d %H:%M:%S")

    @property
    def action_label(self) -> str:
        return _labels(self.Action, get_language()).get(self.action, self.action)

    @property
    def actor_role_label(self) -> str:
        from apps.accounts.models import Role

        return _labels(Role, get_language()).get(self.actor_role, self.actor_role)


@functools.cache
def _labels(choices: type[models.TextChoices], language: str | None) -> dict[str, str]:
    """The translated labels of a choices class, once per language and process: a page
    shows fifty rows, and get_FOO_display() translates every choice for each of them."""
    with translation.override(language):
        return {value: str(label) for value, label in choices.choices}


class RefusalTally(models.Model):
    """Refusals of one actor in one minute beyond the first AUDIT_REFUSALS_PER_MINUTE: a
    scan of ids would otherwise flood the access log. They are counted here and written to
    the log as one row once the minute is over. Not part of the log: rows here change and
    go."""

    # "user:<id>" for a signed-in actor, "ip:<address>" otherwise.
    actor_key = models.CharField(max_length=80)
    minute = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)
    actor_user_id = models.BigIntegerField(null=True, blank=True)
    actor_email = models.CharField(max_length=254, blank=True)
    actor_role = models.CharField(max_length=32, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    last_path = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor_key", "minute"], name="audit_refusal_tally_once")
        ]
        indexes = [models.Index(fields=["minute"], name="audit_refusal_tally_minute")]
        default_permissions = ()

    def __str__(self):
        return f"{self.actor_key} {self.minute:%Y-%m-%d %H:%M} {self.count}"
