"""The figures in a partition per month on PostgreSQL; one table on SQLite."""

from datetime import date

import pytest
from django.db import connection

from apps.dossiers.models import ContactMoment
from apps.dossiers.tests.factories import DossierFactory
from apps.effects import partitions
from apps.effects.models import Figure, Level
from apps.effects.services import statistics_update
from apps.effects.tests.builders import contact, local
from apps.organisation.tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

on_postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no partitions"
)


def _rows_in(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (a partition's name)
        return cursor.fetchone()[0]


def _months_with_figures() -> set[date]:
    return set(Figure.objects.values_list("month", flat=True))


@pytest.fixture
def dossier():
    """Calls in March and May 2025; April only as a month of the dossier's life."""
    dossier = DossierFactory(team=TeamFactory(), started_on=date(2025, 3, 3))
    contact(dossier, local(2025, 3, 10), ContactMoment.Mode.PHONE, 30)
    contact(dossier, local(2025, 5, 12), ContactMoment.Mode.VIDEO, 45)
    return dossier


@on_postgresql_only
def test_every_month_computed_lies_in_a_partition_of_its_own(dossier):
    statistics_update(full=True)
    months = _months_with_figures()
    assert {date(2025, 3, 1), date(2025, 5, 1)} <= months
    existing = partitions.existing()
    for month in months:
        name = partitions.name_of(month)
        assert name in existing
        assert _rows_in(name) == Figure.objects.filter(month=month).count()
    assert _rows_in(partitions.DEFAULT_PARTITION) == 0


@on_postgresql_only
def test_a_full_rebuild_creates_a_partition_for_every_month_of_the_raw_data(dossier):
    statistics_update(full=True)
    # April has no contact, but lies between the first and the last raw row.
    assert partitions.name_of(date(2025, 4, 1)) in partitions.existing()


@on_postgresql_only
def test_figures_that_landed_in_the_default_partition_are_computed_into_their_own(dossier):
    statistics_update(full=True)
    june = date(2025, 6, 1)
    assert partitions.name_of(june) not in partitions.existing()
    # A month without a partition (written by hand, or by a version that made none).
    Figure.objects.create(
        level=Level.ORGANISATION, month=june, measure="contacts", key="phone", n=99
    )
    assert _rows_in(partitions.DEFAULT_PARTITION) == 1

    contact(dossier, local(2025, 6, 2), ContactMoment.Mode.PHONE, 10)
    statistics_update(full=False)

    assert partitions.name_of(june) in partitions.existing()
    assert _rows_in(partitions.DEFAULT_PARTITION) == 0
    june_calls = Figure.objects.get(
        level=Level.ORGANISATION, month=june, measure="contacts", key="phone", theme=None
    )
    assert june_calls.n == 1


@on_postgresql_only
def test_ensure_creates_only_what_is_missing():
    created = partitions.ensure([date(2031, 1, 15), date(2031, 1, 1), date(2031, 2, 1)])
    assert created == [partitions.name_of(date(2031, 1, 1)), partitions.name_of(date(2031, 2, 1))]
    assert partitions.ensure([date(2031, 2, 1)]) == []


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite's one table")
def test_sqlite_keeps_one_table(dossier):
    assert partitions.ensure([date(2025, 3, 1)]) == []
    statistics_update(full=True)
    assert date(2025, 3, 1) in _months_with_figures()


@on_postgresql_only
def test_a_full_rebuild_leaves_no_month_without_raw_data(dossier):
    statistics_update(full=True)
    stale = date(2019, 1, 1)
    partitions.ensure([stale])
    Figure.objects.create(level=Level.ORGANISATION, month=stale, measure="contacts", n=5)
    statistics_update(full=True)
    assert partitions.name_of(stale) not in partitions.existing()
    assert not Figure.objects.filter(month=stale).exists()
    # The staging table went with the swap.
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [partitions.STAGING])
        assert cursor.fetchone()[0] is None


@on_postgresql_only
def test_an_update_replaces_only_its_own_months(dossier):
    statistics_update(full=True)
    march_before = Figure.objects.filter(month=date(2025, 3, 1)).count()
    may_calls = Figure.objects.get(
        level=Level.ORGANISATION, month=date(2025, 5, 1), measure="contacts", key="video"
    )
    contact(dossier, local(2025, 5, 20), ContactMoment.Mode.VIDEO, 15)
    run = statistics_update(full=False)
    assert run.status == "succeeded", run.error
    assert Figure.objects.filter(month=date(2025, 3, 1)).count() == march_before
    assert (
        Figure.objects.get(
            level=Level.ORGANISATION, month=date(2025, 5, 1), measure="contacts", key="video"
        ).n
        == may_calls.n + 1
    )


@on_postgresql_only
def test_an_update_after_a_contact_leaves_the_months_other_figures_as_they_were(dossier):
    statistics_update(full=True)
    march = date(2025, 3, 1)
    others = Figure.objects.filter(month=march).exclude(measure__in=("contacts", "clients_reached"))
    kept = set(others.values_list("pk", "measure", "level", "key", "n", "total"))
    assert {row[1] for row in kept} >= {"dossiers_new"}

    contact(dossier, local(2025, 3, 25), ContactMoment.Mode.VIDEO, 20)
    run = statistics_update(full=False)

    assert run.status == "succeeded", run.error
    assert set(others.values_list("pk", "measure", "level", "key", "n", "total")) == kept
    assert (
        Figure.objects.get(
            level=Level.ORGANISATION, month=march, measure="contacts", key="video", theme=None
        ).n
        == 1
    )
    assert _rows_in(partitions.name_of(march)) == Figure.objects.filter(month=march).count()


@on_postgresql_only
def test_a_contact_in_a_month_without_a_partition_computes_the_month_whole(dossier):
    statistics_update(full=True)
    june = date(2025, 6, 1)
    Figure.objects.create(level=Level.ORGANISATION, month=june, measure="dossiers_new", n=7)

    contact(dossier, local(2025, 6, 2), ContactMoment.Mode.PHONE, 10)
    run = statistics_update(full=False)

    assert run.status == "succeeded", run.error
    # Written by hand, computed away: nothing started in June.
    assert not Figure.objects.filter(month=june, measure="dossiers_new").exists()
    assert Figure.objects.filter(month=june, measure="contacts").exists()


@on_postgresql_only
def test_the_months_swapped_in_are_logged_like_the_rest_of_the_figures(dossier):
    """Written unlogged, kept logged: they survive a crash of the database server."""
    statistics_update(full=True)
    contact(dossier, local(2025, 5, 20), ContactMoment.Mode.VIDEO, 15)
    dossier.team = TeamFactory()
    dossier.save()
    statistics_update(full=False)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.relpersistence FROM pg_inherits i"
            " JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(%s)",
            [partitions.TABLE],
        )
        persistence = dict(cursor.fetchall())
    assert partitions.name_of(date(2025, 5, 1)) in persistence
    assert set(persistence.values()) == {"p"}
