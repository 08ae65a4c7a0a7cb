import logging
from datetime import datetime

from allauth.account.adapter import get_adapter as get_account_adapter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from apps.audit import partitions
from apps.audit.models import AccessLogEntry

logger = logging.getLogger(__name__)

# PostgreSQL refuses UPDATE and DELETE on the log (see migration 0002) unless this flag is
# set inside the transaction; only the retention purge sets it.
PURGE_FLAG = "buurtkompas.audit_purge"


def client_ip(request) -> str | None:
    """The address allauth's rate limits use too (TRUSTED_PROXY_COUNT decides)."""
    try:
        return get_account_adapter().get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        return None


def _clean(value: str, max_length: int) -> str:
    """Fit a column and drop NUL characters (PostgreSQL refuses them in text)."""
    return value.replace("\x00", "")[:max_length]


def access_log_record(
    *,
    actor,
    action: AccessLogEntry.Action,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    request=None,
    reason: str = "",
) -> AccessLogEntry:
    """Append one row: who did what to which personal record, when, from where, why.

    Pass the record as `obj`, or `object_type`/`object_id` when it was not loaded (for
    example an attempt on an id that the actor may not see).
    """
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = str(obj.pk)
    authenticated = actor is not None and actor.is_authenticated
    return AccessLogEntry.objects.create(
        actor_user_id=actor.pk if authenticated else None,
        actor_email=actor.email if authenticated else "",
        actor_role=actor.role if authenticated else "",
        action=action,
        object_type=_clean(object_type, 100),
        object_id=_clean(object_id, 64),
        object_repr=_clean(str(obj), 200) if obj is not None else "",
        reason=_clean(reason, 5000),
        path=_clean(request.get_full_path(), 500) if request is not None else "",
        ip_address=client_ip(request) if request is not None else None,
        user_agent=_clean(request.META.get("HTTP_USER_AGENT", ""), 300) if request else "",
    )


def access_log_purge_expired(*, now: datetime | None = None) -> int:
    """Remove rows older than AUDIT_RETENTION_DAYS and log that it happened.

    On PostgreSQL the months that lie wholly before the cutoff are dropped as partitions;
    only the month that holds the cutoff (and the default partition) has rows deleted.
    """
    now = now or timezone.now()
    cutoff = now - timezone.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    table = connection.ops.quote_name(AccessLogEntry._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        dropped_rows, _ = partitions.drop_expired_partitions(cursor, cutoff=cutoff)
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_FLAG])
        # Adapted as the ORM stores it: SQLite compares text, and an offset on the
        # parameter would move the boundary.
        boundary = connection.ops.adapt_datetimefield_value(cutoff)
        cursor.execute(f"DELETE FROM {table} WHERE occurred_at < %s", [boundary])  # noqa: S608
        removed = dropped_rows + cursor.rowcount
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, 'off', true)", [PURGE_FLAG])
        access_log_record(
            actor=None,
            action=AccessLogEntry.Action.PURGE,
            object_type=AccessLogEntry._meta.label_lower,
            reason=f"{removed} rows from before {cutoff:%Y-%m-%d %H:%M %Z} removed "
            f"(retention {settings.AUDIT_RETENTION_DAYS} days).",
        )
    logger.info("Access log retention: removed %d rows older than %s", removed, cutoff)
    return removed
