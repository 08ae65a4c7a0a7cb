"""Monthly partitions of the access log (PostgreSQL), their purge and the plans of the page.

SQLite has no partitions, triggers or index plans of this kind: those tests are skipped
there with that reason; the tests that hold on both run on both.
"""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import ProgrammingError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from apps.audit import partitions
from apps.audit.forms import AccessLogSearchForm
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


def plan(queryset, **switches) -> list[dict]:
    """Every node of PostgreSQL's plan for the query, with planner switches set locally."""
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        for name, value in switches.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        raw = cursor.fetchone()[0]
    root = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    nodes, todo = [], [root]
    while todo:
        node = todo.pop()
        nodes.append(node)
        todo.extend(node.get("Plans", []))
    return nodes


def searched(**data):
    form = AccessLogSearchForm(data)
    assert form.is_valid(), form.errors
    return AccessLogEntry.objects.search(**form.filters())


def indexes_used(nodes) -> list[str]:
    """The indexes of month partitions that the plan reads (index and bitmap scans)."""
    return [
        node["Index Name"]
        for node in nodes
        if node.get("Index Name", "").startswith(f"{partitions.TABLE}_p")
    ]


def months_read(nodes) -> set[str]:
    return {
        node["Relation Name"]
        for node in nodes
        if Partition.from_name(node.get("Relation Name", "")) is not None
    }


def seq_scans(nodes) -> list[str]:
    return [
        node["Relation Name"]
        for node in nodes
        if node["Node Type"] == "Seq Scan" and Partition.from_name(node["Relation Name"])
    ]


def assert_reads_only(nodes, index_suffix: str) -> None:
    used = indexes_used(nodes)
    assert used, nodes
    assert all(index.endswith(index_suffix) for index in used), used
    assert seq_scans(nodes) == []


@postgresql_only
class TestIndexPlans:
    """The page's queries can be answered from the indexes of every month.

    Sequential scans are switched off for the plan, because on a test's handful of rows a
    scan is cheaper and PostgreSQL rightly takes it. What this proves is that the index
    fits the query (same expression, same operator class), which is what breaks when a
    lookup or an index changes.
    """

    @pytest.fixture(autouse=True)
    def _months_with_rows(self):
        now = timezone.now()
        for months_back in range(4):
            at = now - timedelta(days=31 * months_back)
            add_row(at, actor_email="sanne@example.nl", object_repr="Anna Bakker", actor_user_id=7)
        partitions.ensure_partitions()

    def test_the_page_reads_each_month_newest_first_from_the_time_index(self):
        page = AccessLogEntry.objects.newest_first()[:51]
        assert_reads_only(plan(page, enable_seqscan="off"), "_occurred_at_id_idx")

    def test_an_older_page_skips_the_newer_months(self):
        position = timezone.now() - timedelta(days=40)
        page = AccessLogEntry.objects.older_than(position, 10**9).newest_first()[:51]
        nodes = plan(page, enable_seqscan="off")
        assert Partition(first_of_month(timezone.now())).name not in months_read(nodes)
        assert_reads_only(nodes, "_occurred_at_id_idx")

    @pytest.mark.parametrize(
        ("search", "index_suffix"),
        [
            ({"actor_user_id": "7"}, "_actor_user_id_occurred_at_id_idx"),
            ({"actor_email": "sanne@example.nl"}, "_lower_occurred_at_id_idx"),
            (
                {"object_type": "dossiers.dossier", "object_id": "1"},
                "_object_type_object_id_occurred_idx",
            ),
            ({"action": "denied"}, "_action_occurred_at_id_idx"),
        ],
    )
    def test_exact_filters_read_their_index_in_page_order(self, search, index_suffix):
        query = searched(**search).newest_first()[:51]
        assert_reads_only(plan(query, enable_seqscan="off"), index_suffix)

    def test_the_beginning_of_an_e_mail_address_is_a_range_on_its_index(self):
        nodes = plan(searched(actor_email="sanne").order_by(), enable_seqscan="off")
        assert_reads_only(nodes, "_lower_occurred_at_id_idx")
        conditions = [node["Index Cond"] for node in nodes if "Index Cond" in node]
        assert conditions
        assert all("~>=~" in condition for condition in conditions)

    def test_a_description_is_found_through_the_trigram_index(self):
        nodes = plan(
            searched(description="bakker").newest_first()[:51],
            enable_seqscan="off",
            enable_indexscan="off",
        )
        assert_reads_only(nodes, "_upper_idx")
        assert "Bitmap Index Scan" in {node["Node Type"] for node in nodes}

    def test_a_date_range_reads_only_its_months(self):
        today = timezone.localdate()
        query = searched(
            actor_email="sanne",
            occurred_from=str(today - timedelta(days=3)),
            occurred_until=str(today),
        ).newest_first()[:51]
        nodes = plan(query, enable_seqscan="off")
        assert seq_scans(nodes) == []
        assert months_read(nodes) <= {
            Partition(first_of_month(timezone.now() - timedelta(days=4))).name,
            Partition(first_of_month(timezone.now() + timedelta(days=1))).name,
        }


class TestBulkFill:
    def test_refused_without_debug_or_force(self, settings):
        settings.DEBUG = False
        with pytest.raises(CommandError, match="refusing without DEBUG"):
            call_command("audit_bulk_fill", rows=10)
        assert not AccessLogEntry.objects.exists()

    @pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite only")
    def test_on_sqlite_it_says_it_needs_postgresql(self):
        with pytest.raises(CommandError, match="needs PostgreSQL"):
            call_command("audit_bulk_fill", rows=10, force=True)

    @postgresql_only
    def test_fills_months_with_rows_whose_ids_rise_with_time(self):
        before = existing()
        call_command("audit_bulk_fill", rows=600, years=0.5, force=True, stdout=None)

        assert AccessLogEntry.objects.count() == 600
        new_months = existing() - before
        assert len(new_months) >= 4
        times = list(AccessLogEntry.objects.order_by("id").values_list("occurred_at", flat=True))
        assert times == sorted(times)
        assert AccessLogEntry.objects.values("actor_email").distinct().count() > 50
        assert not AccessLogEntry.objects.filter(actor_email="").exists()
        # The months it attached are append-only like any other.
        assert refused(f"DELETE FROM {sorted(new_months)[0]}")  # noqa: S608
        assert refused(
            f"TRUNCATE {sorted(new_months)[0]}", flags={"buurtkompas.audit_truncate": "off"}
        )
