"""Monthly partitions of the access log (PostgreSQL), their purge and the plans of the page.

SQLite has no partitions, triggers or index plans of this kind: those tests are skipped
there with that reason; the tests that hold on both run on both.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import ProgrammingError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from apps.audit import partitions
from apps.audit.models import AccessLogEntry
from apps.audit.partitions import Partition, add_months, first_of_month
from apps.audit.services import access_log_purge_expired
from apps.audit.tasks import create_access_log_partitions

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="partitions, their triggers and index plans exist on PostgreSQL only",
)


def add_row(occurred_at, **fields) -> AccessLogEntry:
    defaults = {"action": "read", "object_type": "dossiers.dossier", "object_id": "1"}
    return AccessLogEntry.objects.create(occurred_at=occurred_at, **(defaults | fields))


def table_of(entry) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM audit_accesslogentry WHERE id = %s", [entry.pk]
        )
        return cursor.fetchone()[0]


def existing() -> set[str]:
    return {partition.name for partition in partitions.monthly_partitions()}


def refused(sql: str, *, flags: dict | None = None) -> bool:
    """Whether the database refuses `sql` (in a savepoint, so the test goes on)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for name, value in (flags or {}).items():
                cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
            cursor.execute(sql)
    except ProgrammingError as error:
        assert "append-only" in str(error)
        return True
    return False


class TestMonths:
    def test_month_arithmetic_and_names(self):
        assert first_of_month(datetime(2026, 1, 31, 23, 30, tzinfo=UTC)).isoformat() == (
            "2026-01-01"
        )
        assert add_months(datetime(2026, 11, 1).date(), 3).isoformat() == "2027-02-01"
        december = Partition(datetime(2026, 12, 1).date())
        assert december.name == "audit_accesslogentry_p202612"
        assert december.ends_at == datetime(2027, 1, 1, tzinfo=UTC)
        assert Partition.from_name(december.name) == december
        assert Partition.from_name("audit_accesslogentry_default") is None
        assert Partition.from_name("audit_accesslogentry_p202613") is None

    def test_the_partition_task_is_scheduled_each_night(self, settings):
        schedule = settings.CELERY_BEAT_SCHEDULE["create-access-log-partitions"]
        assert schedule["task"] == create_access_log_partitions.name
        assert schedule["schedule"].hour == {3}

    @pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite only")
    def test_on_sqlite_there_is_nothing_to_partition(self):
        assert partitions.ensure_partitions() == []
        assert partitions.monthly_partitions() == []


@postgresql_only
class TestPartitions:
    def test_migrate_left_this_month_the_coming_ones_and_a_default(self):
        this_month = first_of_month(timezone.now())
        wanted = {Partition(add_months(this_month, n)).name for n in range(4)}
        assert wanted <= existing()
        assert partitions.is_partitioned()
        assert table_of(add_row(timezone.now())) == Partition(this_month).name

    def test_the_nightly_task_creates_coming_months_once(self):
        later = timezone.now() + timedelta(days=200)
        created = create_access_log_partitions.delay().get()  # today: already there
        assert created == []
        created = partitions.ensure_partitions(now=later)
        assert Partition(first_of_month(later)).name in created
        assert partitions.ensure_partitions(now=later) == []

    def test_rows_in_the_default_partition_move_into_their_new_month(self):
        far = datetime(2031, 7, 15, 12, tzinfo=UTC)
        stray = add_row(far)
        assert table_of(stray) == partitions.DEFAULT_PARTITION

        created = partitions.ensure_partitions()

        assert "audit_accesslogentry_p203107" in created
        assert table_of(stray) == "audit_accesslogentry_p203107"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {partitions.DEFAULT_PARTITION}")  # noqa: S608
            assert cursor.fetchone()[0] == 0
        # Detaching and attaching the default partition kept it append-only.
        add_row(far + timedelta(days=400))  # lands in the default partition again
        for sql in (
            f"UPDATE {partitions.DEFAULT_PARTITION} SET reason = 'x'",  # noqa: S608
            f"DELETE FROM {partitions.DEFAULT_PARTITION}",  # noqa: S608
            f"TRUNCATE {partitions.DEFAULT_PARTITION}",
        ):
            assert refused(sql, flags={"buurtkompas.audit_truncate": "off"})

    @pytest.mark.parametrize("statement", ["UPDATE {} SET reason = 'x'", "DELETE FROM {}"])
    def test_a_month_partition_refuses_changes_and_deletes(self, statement):
        entry = add_row(timezone.now())
        assert refused(statement.format(table_of(entry)))
        assert AccessLogEntry.objects.filter(pk=entry.pk, reason="").exists()

    def test_a_month_partition_refuses_truncate(self):
        entry = add_row(timezone.now())
        assert refused(f"TRUNCATE {table_of(entry)}", flags={"buurtkompas.audit_truncate": "off"})
        assert AccessLogEntry.objects.filter(pk=entry.pk).exists()

    def test_the_purge_flag_allows_deleting_but_never_changing(self):
        entry = add_row(timezone.now())
        flag = {"buurtkompas.audit_purge": "on"}
        assert refused(f"UPDATE {table_of(entry)} SET reason = 'x'", flags=flag)  # noqa: S608
        assert AccessLogEntry.objects.filter(pk=entry.pk, reason="").exists()

    def test_every_partition_carries_both_triggers(self):
        partitions.ensure_partitions(now=timezone.now() + timedelta(days=400))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname, array_agg(t.tgname ORDER BY t.tgname) "
                "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "LEFT JOIN pg_trigger t ON t.tgrelid = c.oid AND NOT t.tgisinternal "
                "WHERE i.inhparent = 'audit_accesslogentry'::regclass GROUP BY c.relname"
            )
            found = dict(cursor.fetchall())
        assert len(found) >= 6
        assert set(map(tuple, found.values())) == {
            ("audit_accesslog_append_only", "audit_accesslog_refuse_truncate")
        }


@postgresql_only
class TestPurgeDropsMonths:
    @override_settings(AUDIT_RETENTION_DAYS=200)
    def test_whole_months_are_dropped_and_only_the_boundary_month_loses_rows(self):
        now = datetime(2026, 12, 6, 3, 15, tzinfo=UTC)
        cutoff = now - timedelta(days=200)  # 2026-05-20 03:15 UTC
        boundary = Partition(first_of_month(cutoff))  # May 2026
        two_before, one_before = (Partition(add_months(boundary.month, n)) for n in (-2, -1))
        gone = [add_row(two_before.starts_at + timedelta(days=3)) for _ in range(3)]
        gone += [add_row(one_before.ends_at - timedelta(microseconds=1))]
        gone += [add_row(cutoff - timedelta(microseconds=1)), add_row(boundary.starts_at)]
        kept = [add_row(cutoff), add_row(cutoff + timedelta(days=1)), add_row(now)]
        partitions.ensure_partitions(now=now)  # the stray old rows get their months
        assert {table_of(row) for row in gone} == {
            two_before.name,
            one_before.name,
            boundary.name,
        }

        removed = access_log_purge_expired(now=now)

        assert removed == len(gone)
        assert two_before.name not in existing()
        assert one_before.name not in existing()
        assert boundary.name in existing()
        remaining = AccessLogEntry.objects.exclude(action=AccessLogEntry.Action.PURGE)
        assert set(remaining.values_list("pk", flat=True)) == {row.pk for row in kept}
        purge_row = AccessLogEntry.objects.get(action=AccessLogEntry.Action.PURGE)
        assert purge_row.reason.startswith(f"{len(gone)} rows")

    @override_settings(AUDIT_RETENTION_DAYS=200)
    def test_a_month_that_ends_exactly_at_the_cutoff_is_dropped(self):
        month = Partition(datetime(2026, 4, 1).date())
        now = month.ends_at + timedelta(days=200)
        last = add_row(month.ends_at - timedelta(microseconds=1))
        first_kept = add_row(month.ends_at)
        partitions.ensure_partitions(now=now)

        assert access_log_purge_expired(now=now) == 1

        assert month.name not in existing()
        assert not AccessLogEntry.objects.filter(pk=last.pk).exists()
        assert AccessLogEntry.objects.filter(pk=first_kept.pk).exists()
