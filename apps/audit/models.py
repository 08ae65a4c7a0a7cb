from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """The access log is append-only: rows are never changed or deleted by the app."""


class AccessLogQuerySet(models.QuerySet):
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

    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
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
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor_user_id", "occurred_at"], name="audit_actor_idx"),
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
    def actor_role_label(self) -> str:
        from apps.accounts.models import Role

        return Role(self.actor_role).label if self.actor_role in Role.values else self.actor_role


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
