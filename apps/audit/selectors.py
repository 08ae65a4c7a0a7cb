from collections.abc import Iterator

from apps.accounts import policy
from apps.audit.models import AccessLogEntry
from apps.audit.pagination import LogPage, Position

PAGE_SIZE = 50
EXPORT_CHUNK_SIZE = 2000


def access_log_page(
    *,
    actor,
    filters: dict,
    older_than: Position | None = None,
    newer_than: Position | None = None,
    size: int = PAGE_SIZE,
) -> LogPage:
    """One page of the filtered log, newest first, in one query and without a count.

    One row more than the page is read to know whether there is a page beyond it.
    """
    policy.require(actor, "audit.view_accesslogentry")
    rows = AccessLogEntry.objects.search(**filters)
    if newer_than is not None:
        above = rows.newer_than(newer_than.occurred_at, newer_than.id)
        found = list(above.oldest_first()[: size + 1])
        if len(found) < size:
            # Fewer rows above than a page: that is the newest page, shown whole.
            return access_log_page(actor=actor, filters=filters, size=size)
        entries = found[:size][::-1]
        return LogPage(
            entries=entries,
            older=Position.of(entries[-1]),
            newer=Position.of(entries[0]) if len(found) > size else None,
        )
    newer = None
    if older_than is not None:
        rows = rows.older_than(older_than.occurred_at, older_than.id)
        newer = older_than
    found = list(rows.newest_first()[: size + 1])
    entries = found[:size]
    return LogPage(
        entries=entries,
        older=Position.of(entries[-1]) if len(found) > size else None,
        newer=Position.of(entries[0]) if newer and entries else newer,
    )


EXPORT_COLUMNS = (
    "occurred_at",
    "actor_email",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "reason",
    "path",
    "ip_address",
    "user_agent",
)


def access_log_export_rows(*, actor, filters: dict) -> Iterator[tuple]:
    """The filtered log, newest first, for a CSV export of any size.

    Read in chunks by position (keyset), so memory stays bounded, no database cursor stays
    open while the file downloads, and rows that arrive meanwhile do not shift the chunks.
    """
    policy.require(actor, "audit.export_accesslogentry")
    return _export_chunks(AccessLogEntry.objects.search(**filters).newest_first())


def _export_chunks(rows) -> Iterator[tuple]:
    chunk = rows
    while True:
        found = list(chunk.values_list("id", *EXPORT_COLUMNS)[:EXPORT_CHUNK_SIZE])
        for row in found:
            yield row[1:]
        if len(found) < EXPORT_CHUNK_SIZE:
            return
        last = found[-1]
        chunk = rows.older_than(last[1], last[0])
