import logging
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation

from apps.audit import partitions
from apps.audit.models import AccessLogEntry, RefusalTally
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
    # The log is read in the site's language, whoever or whatever wrote the row: a record's
    # description ("… (Lopend)") and a reason the system gives are written in it.
    with translation.override(settings.LANGUAGE_CODE):
        object_repr = str(obj) if obj is not None else ""
        reason = str(reason)
    authenticated = actor is not None and actor.is_authenticated
    return AccessLogEntry.objects.create(
        actor_user_id=actor.pk if authenticated else None,
        actor_email=actor.email if authenticated else "",
        actor_role=actor.role if authenticated else "",
        action=action,
        object_type=_clean(object_type, 100),
        object_id=_clean(object_id, 64),
        object_repr=_clean(object_repr, 200),
        reason=_clean(reason, 5000),
        path=_clean(origin.path, 500),
        ip_address=origin.ip_address,
        user_agent=_clean(origin.user_agent, 300),
    )


def access_denied_record(
    *,
    object_type: str,
    object_id: str = "",
    actor=_CONTEXT_ACTOR,
    reason: str = "",
) -> AccessLogEntry | None:
    """A refusal of a personal record, by any role and through any channel. The first
    AUDIT_REFUSALS_PER_MINUTE of one actor in a minute get a row each; the rest are counted
    and written as one row when the minute is over, so a scan of ids cannot flood the log
    and is still on it. None when the refusal was counted instead of written."""
    origin = request_context.current()
    if actor is _CONTEXT_ACTOR:
        actor = origin.actor
    authenticated = actor is not None and actor.is_authenticated
    now = timezone.now()
    minute = now.replace(second=0, microsecond=0)
    key = f"user:{actor.pk}" if authenticated else f"ip:{origin.ip_address or 'unknown'}"
    with transaction.atomic():
        tally, _created = RefusalTally.objects.get_or_create(
            actor_key=key,
            minute=minute,
            defaults={
                "actor_user_id": actor.pk if authenticated else None,
                "actor_email": actor.email if authenticated else "",
                "actor_role": actor.role if authenticated else "",
                "ip_address": origin.ip_address,
            },
        )
        RefusalTally.objects.filter(pk=tally.pk).update(
            count=F("count") + 1, last_path=_clean(origin.path, 500)
        )
        count = RefusalTally.objects.values_list("count", flat=True).get(pk=tally.pk)
    refusal_tallies_flush(before=minute)
    if count > settings.AUDIT_REFUSALS_PER_MINUTE:
        return None
    return access_log_record(
        actor=actor,
        action=AccessLogEntry.Action.DENIED,
        object_type=object_type,
        object_id=object_id,
        reason=reason,
    )


def refusal_tallies_flush(*, before: datetime | None = None) -> int:
    """Write one row for each finished minute in which an actor was refused more often than
    their rows show, and forget the counts. Runs with every refusal and every few minutes
    (Celery beat). Returns the number of rows written."""
    before = before or timezone.now().replace(second=0, microsecond=0)
    limit = settings.AUDIT_REFUSALS_PER_MINUTE
    written = 0
    with transaction.atomic():
        finished = RefusalTally.objects.filter(minute__lt=before)
        if connection.features.has_select_for_update_skip_locked:
            # Two flushes at once: each tally is summed up by one of them.
            finished = finished.select_for_update(skip_locked=True)
        tallies = list(finished)
        rows = [
            AccessLogEntry(
                occurred_at=tally.minute + timezone.timedelta(seconds=59),
                actor_user_id=tally.actor_user_id,
                actor_email=tally.actor_email,
                actor_role=tally.actor_role,
                action=AccessLogEntry.Action.DENIED,
                object_type="refusals",
                reason=f"{tally.count - limit} more refusals in the minute from "
                f"{timezone.localtime(tally.minute):%Y-%m-%d %H:%M}, counted and not logged "
                f"one by one (more than {limit} a minute).",
                path=tally.last_path,
                ip_address=tally.ip_address,
            )
            for tally in tallies
            if tally.count > limit
        ]
        AccessLogEntry.objects.bulk_create(rows)
        written = len(rows)
        RefusalTally.objects.filter(pk__in=[tally.pk for tally in tallies]).delete()
    return written


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
