"""Monthly partitions of the figures table on PostgreSQL.

An update computes the figures of the months that changed again: it deletes those months
and writes them anew. In one table a month's rows lie scattered over all of it (a full
rebuild writes measure after measure, every month at once), so deleting the current
month of the large demo set touched nearly every page of 3 GB and took 12 s, and adding
its levels up read as much again. With a partition per month (migration 0004) an update
reads and writes only the partitions of its months.

- `effects_figure_p202611` holds the figures of November 2026 (`month` is a first day).
- A computation creates the partitions of the months it is about to write, in a short
  transaction of its own before it starts (creating a partition locks the table for a
  moment; holding that lock for the whole computation would stop every report page).
- The default partition catches a month that has none, so a write never fails for lack of
  one; when that month gets its partition, its rows there are deleted first (the
  computation that creates it writes them again).

On SQLite (development, tests) there are no partitions and `ensure` does nothing.
"""

from collections.abc import Iterable
from datetime import date

from django.db import connection, transaction

from apps.effects.models import Figure

TABLE = Figure._meta.db_table
DEFAULT_PARTITION = f"{TABLE}_default"
# Creating a partition waits for the report pages that read the table; rather fail the
# computation (the nightly one is retried) than keep every page waiting behind it.
LOCK_TIMEOUT = "10s"


def name_of(month: date) -> str:
    return f"{TABLE}_p{month:%Y%m}"


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def is_partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)", [TABLE]
        )
        return cursor.fetchone() is not None


def existing() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(%s)",
            [TABLE],
        )
        return {name for (name,) in cursor.fetchall()}


def ensure(months: Iterable[date]) -> list[str]:
    """Creates the partitions of these months that do not exist yet; returns their names."""
    if not is_partitioned():
        return []
    present = existing()
    missing = sorted({month.replace(day=1) for month in months if name_of(month) not in present})
    if not missing:
        return []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_TIMEOUT])
        for month in missing:
            cursor.execute(
                f"DELETE FROM {DEFAULT_PARTITION} WHERE month >= %s AND month < %s",  # noqa: S608
                [month, next_month(month)],
            )
            cursor.execute(
                f"CREATE TABLE {name_of(month)} PARTITION OF {TABLE} FOR VALUES FROM (%s) TO (%s)",
                [month, next_month(month)],
            )
    return [name_of(month) for month in missing]
