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

- A computation does not delete and rewrite rows in place: it writes its months into a
  staging table without indexes and without the write-ahead log (`effects_figure_next`,
  an unlogged partition per month), makes each month logged and builds its index once
  over the finished rows, and at the end of its transaction each new month
  replaces the old one (detach and drop the old partition, attach the new). Writing a row
  into an indexed table cost three times writing it into a bare one; dropping a month
  costs nothing, deleting its rows one by one seconds. Readers see the old months until
  the transaction commits; the swap holds the table for a moment at its very end.

An update of a month in which only contact moments changed replaces just the contact
figures of that month, in place (apps/effects/services.py): a third of the month, cheaper
than copying the rest into the staging table and indexing the whole month again.

On SQLite (development, tests) there are no partitions: a computation deletes its months
and writes them again, and the functions here do nothing.
"""

from collections.abc import Iterable
from datetime import date

from django.db import connection, transaction

from apps.effects.journal import next_month
from apps.effects.models import Figure

TABLE = Figure._meta.db_table
DEFAULT_PARTITION = f"{TABLE}_default"
STAGING = f"{TABLE}_next"
# The one index of every partition: figure_read_idx of the model, which PostgreSQL matches
# to a partition's index of the same columns when the partition is attached.
INDEX_COLUMNS = "level, measure, theme_id, team_id"
# Creating a partition waits for the report pages that read the table; rather fail the
# computation (the nightly one is retried) than keep every page waiting behind it.
LOCK_TIMEOUT = "10s"


def name_of(month: date) -> str:
    return f"{TABLE}_p{month:%Y%m}"


def staging_name_of(month: date) -> str:
    return f"{STAGING}_p{month:%Y%m}"


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


def create_staging(months: Iterable[date]) -> str:
    """In the computation's transaction: an empty table with a partition per month and no
    index, ids from the figures' own sequence. Returns its name, for rebuild.steps()."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
        cursor.execute(
            f"CREATE TABLE {STAGING} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) "
            "PARTITION BY RANGE (month)"
        )
        cursor.execute(
            f"ALTER TABLE {STAGING} ALTER COLUMN id "
            f"SET DEFAULT nextval(pg_get_serial_sequence('{TABLE}', 'id'))"
        )
        for month in sorted(set(months)):
            name = staging_name_of(month)
            # Unlogged while it is written: millions of rows through the write-ahead log
            # and a small buffer cache made every insert wait for log flushes, and writing
            # took as long as computing. swap_in() makes each month logged in one pass.
            cursor.execute(
                f"CREATE UNLOGGED TABLE {name} PARTITION OF {STAGING} FOR VALUES FROM (%s) TO (%s)",
                [month, next_month(month)],
            )
            # Checked for free on an empty table, and kept after the detach: attaching
            # the month then need not read all its rows to check that they belong there.
            cursor.execute(
                f"ALTER TABLE {name} ADD CONSTRAINT {name}_month "
                "CHECK (month >= %s AND month < %s)",
                [month, next_month(month)],
            )
    return STAGING


def swap_in(months: Iterable[date], *, everything: bool = False) -> None:
    """At the end of the computation's transaction: each month of the staging table, with
    its index built now, replaces the month of the figures table. After a computation of
    everything, no other month keeps figures."""
    months = sorted(set(months))
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_TIMEOUT])
        present = existing()
        if everything:
            kept = {name_of(month) for month in months} | {DEFAULT_PARTITION}
            for name in sorted(present - kept):
                cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {name}")
                cursor.execute(f"DROP TABLE {name}")
            cursor.execute(f"DELETE FROM {DEFAULT_PARTITION}")  # noqa: S608
        for month in months:
            new, old = staging_name_of(month), name_of(month)
            cursor.execute(f"ALTER TABLE {STAGING} DETACH PARTITION {new}")
            # Logged like the rest of the figures: they survive a crash and reach replicas.
            cursor.execute(f"ALTER TABLE {new} SET LOGGED")
            cursor.execute(f"CREATE INDEX {new}_read ON {new} ({INDEX_COLUMNS})")
            if old in present:
                cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {old}")
                cursor.execute(f"DROP TABLE {old}")
            cursor.execute(f"ALTER TABLE {new} RENAME TO {old}")
            cursor.execute(f"ALTER INDEX {new}_read RENAME TO {old}_read")
            cursor.execute(f"ALTER TABLE {old} RENAME CONSTRAINT {new}_month TO {old}_month")
            cursor.execute(
                f"ALTER TABLE {TABLE} ATTACH PARTITION {old} FOR VALUES FROM (%s) TO (%s)",
                [month, next_month(month)],
            )
        cursor.execute(f"DROP TABLE {STAGING}")
