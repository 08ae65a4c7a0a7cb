"""Monthly partitions of the access log on PostgreSQL.

The log grows by every read of a personal record and is kept for years, so on PostgreSQL
`audit_accesslogentry` is partitioned by month of `occurred_at` (migration 0005). The
retention purge then drops whole months instead of deleting millions of rows, and every
query with a date range reads only the months it needs.

- Months are calendar months in UTC: `audit_accesslogentry_p202611` holds the rows from
  2026-11-01 00:00 UTC up to (not including) 2026-12-01 00:00 UTC.
- `ensure_partitions` creates the current month and MONTHS_AHEAD months after it. It runs
  after every `migrate` and every night. A row whose month has no partition yet lands in
  `audit_accesslogentry_default`; the next run creates that month and moves those rows.
- Every partition refuses UPDATE, DELETE and TRUNCATE, like the table itself: the row
  trigger of migration 0002 is cloned to each partition by PostgreSQL, the TRUNCATE
  trigger of migration 0004 is a statement trigger, which PostgreSQL does not clone, so it
  is added to each partition here.

On SQLite (development) there are no partitions and every function here does nothing.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db import connection as default_connection
from django.db import transaction
from django.utils import timezone

TABLE = "audit_accesslogentry"
DEFAULT_PARTITION = f"{TABLE}_default"
MONTHS_AHEAD = 3
# DDL on the log waits for running queries; rather fail (the nightly task is retried)
# than queue every new access-log row behind a long wait.
LOCK_TIMEOUT = "10s"

_MONTH_NAME = re.compile(rf"^{TABLE}_p(\d{{4}})(\d{{2}})$")


def first_of_month(value: date | datetime) -> date:
    """The month that holds `value`; an aware datetime is read in UTC."""
    if isinstance(value, datetime):
        value = value.astimezone(UTC).date()
    return value.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, order=True)
class Partition:
    month: date

    @property
    def name(self) -> str:
        return f"{TABLE}_p{self.month:%Y%m}"

    @property
    def starts_at(self) -> datetime:
        return datetime(self.month.year, self.month.month, 1, tzinfo=UTC)

    @property
    def ends_at(self) -> datetime:
        end = add_months(self.month, 1)
        return datetime(end.year, end.month, 1, tzinfo=UTC)

    @classmethod
    def from_name(cls, name: str) -> "Partition | None":
        match = _MONTH_NAME.match(name)
        if match is None:
            return None
        year, month = int(match[1]), int(match[2])
        return cls(date(year, month, 1)) if 1 <= month <= 12 else None


def is_partitioned(connection=default_connection) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
            "WHERE c.oid = to_regclass(%s)",
            [TABLE],
        )
        return cursor.fetchone() is not None


def monthly_partitions(connection=default_connection) -> list[Partition]:
    """The month partitions that exist now, oldest first (the default one left out)."""
    if not is_partitioned(connection):
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(%s)",
            [TABLE],
        )
        found = (Partition.from_name(name) for (name,) in cursor.fetchall())
        return sorted(partition for partition in found if partition is not None)


def ensure_partitions(
    *, now: datetime | None = None, months_ahead: int = MONTHS_AHEAD, connection=None
) -> list[str]:
    """Create the partitions of this month and the coming ones; returns the names created.

    Rows that landed in the default partition get their own month's partition too and are
    moved into it, so the default partition is empty again afterwards.
    """
    connection = connection or default_connection
    if not is_partitioned(connection):
        return []
    this_month = first_of_month(now or timezone.now())
    wanted = {Partition(add_months(this_month, n)) for n in range(months_ahead + 1)}
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_TIMEOUT])
        cursor.execute(
            f"SELECT DISTINCT date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date "  # noqa: S608
            f"FROM {DEFAULT_PARTITION}"
        )
        stray = {Partition(month) for (month,) in cursor.fetchall()}
        missing = sorted((wanted | stray) - set(monthly_partitions(connection)))
        if not missing:
            return []
        if stray:
            _create_moving_stray_rows(cursor, missing)
        else:
            for partition in missing:
                _create(cursor, partition)
    return [partition.name for partition in missing]


def _create(cursor, partition: Partition) -> None:
    cursor.execute(
        f"CREATE TABLE {partition.name} PARTITION OF {TABLE} FOR VALUES FROM (%s) TO (%s)",
        [partition.starts_at, partition.ends_at],
    )
    protect(cursor, partition.name)


def _create_moving_stray_rows(cursor, missing: list[Partition]) -> None:
    """PostgreSQL refuses a new partition while the default one holds rows of its range.

    So, in one transaction: take the default partition out (which also takes its cloned
    row trigger away), create the months, copy their rows in through the parent table,
    remove them from the detached default partition, and put it back (PostgreSQL checks
    that it holds no row of any month and clones the row trigger to it again).
    """
    cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {DEFAULT_PARTITION}")
    for partition in missing:
        _create(cursor, partition)
        cursor.execute(
            f"INSERT INTO {TABLE} SELECT * FROM {DEFAULT_PARTITION} "  # noqa: S608
            "WHERE occurred_at >= %s AND occurred_at < %s",
            [partition.starts_at, partition.ends_at],
        )
        cursor.execute(
            f"DELETE FROM {DEFAULT_PARTITION} WHERE occurred_at >= %s AND occurred_at < %s",  # noqa: S608
            [partition.starts_at, partition.ends_at],
        )
    cursor.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {DEFAULT_PARTITION} DEFAULT")


def create_default_partition(cursor) -> None:
    cursor.execute(f"CREATE TABLE {DEFAULT_PARTITION} PARTITION OF {TABLE} DEFAULT")
    protect(cursor, DEFAULT_PARTITION)


def protect(cursor, table: str) -> None:
    """The TRUNCATE trigger of migration 0004 on one partition (row triggers are cloned)."""
    cursor.execute(
        f"CREATE TRIGGER audit_accesslog_refuse_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_accesslog_refuse_truncate()"
    )


def drop_expired_partitions(cursor, *, cutoff: datetime) -> tuple[int, list[str]]:
    """Detach and drop every month that lies wholly before `cutoff`, inside the caller's
    transaction. Returns the number of rows they held and their names.

    Rows of the month that holds `cutoff` stay; the caller deletes its expired rows.
    """
    connection = cursor.db
    expired = [p for p in monthly_partitions(connection) if p.ends_at <= cutoff]
    if not expired:
        return 0, []
    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_TIMEOUT])
    removed = 0
    for partition in expired:
        cursor.execute(f"SELECT count(*) FROM {partition.name}")  # noqa: S608
        removed += cursor.fetchone()[0]
        cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {partition.name}")
        cursor.execute(f"DROP TABLE {partition.name}")
    return removed, [partition.name for partition in expired]
