import logging
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.audit.models import AccessLogEntry
from apps.core import request_context

logger = logging.getLogger(__name__)

# PostgreSQL refuses UPDATE and DELETE on the log (see migration 0002) unless this flag is
# set inside the transaction; only the retention purge sets it.
PURGE_FLAG = "buurtkompas.audit_purge"


def _clean(value: str, max_length: int) -> str:
    """Fit a column and drop NUL characters (PostgreSQL refuses them in text)."""
    return value.replace("\x00", "")[:max_length]


_CONTEXT_ACTOR = object()


def access_log_record(
    *,
    action: AccessLogEntry.Action,
    actor=_CONTEXT_ACTOR,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    reason: str = "",
) -> AccessLogEntry:
    """Append one row: who did what to which personal record, when, from where, why.

    Pass the record as `obj`, or `object_type`/`object_id` when it was not loaded (for
    example an attempt on an id that the actor may not see). Address, browser and path
    come from the request context; so does the actor, unless the caller names it.
    """
    origin = request_context.current()
    if actor is _CONTEXT_ACTOR:
        actor = origin.actor
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
        path=_clean(origin.path, 500),
        ip_address=origin.ip_address,
        user_agent=_clean(origin.user_agent, 300),
    )


def access_log_purge_expired(*, now: datetime | None = None) -> int:
    """Remove rows older than AUDIT_RETENTION_DAYS and log that it happened."""
    now = now or timezone.now()
    cutoff = now - timezone.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    table = connection.ops.quote_name(AccessLogEntry._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_FLAG])
        cursor.execute(f"DELETE FROM {table} WHERE occurred_at < %s", [cutoff])  # noqa: S608
        removed = cursor.rowcount
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
