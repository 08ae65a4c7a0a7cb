"""Reading the figures: the sums a page gets for a selection and a reader's scope, from
figures written by hand."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from apps.effects.models import Figure, Level, StatisticsRun
from apps.effects.selectors import (
    RunStatus,
    Scope,
    Selection,
    figures,
    figures_per_unit,
    run_status,
)
from apps.organisation.models import Theme
from apps.organisation.tests.factories import MunicipalityFactory, TeamFactory

pytestmark = pytest.mark.django_db

JANUARY, FEBRUARY, MARCH = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
FIRST_QUARTER = Selection(start=JANUARY, end=MARCH)


def write(measure, month, n, *, level=Level.ORGANISATION, key="", **place):
    return Figure.objects.create(
        level=level, month=month, measure=measure, key=key, n=n, total=n * 10, **place
    )


def test_sums_per_month_of_the_organisation_for_all_themes_together():
    theme = Theme.objects.first()
    write("contacts", JANUARY, 3, key="phone")
    write("contacts", JANUARY, 4, key="video")
    write("contacts", MARCH, 5, key="phone")
    # Not in the answer: another month, a theme's row, a team's row, another measure.
    write("contacts", date(2025, 12, 1), 100, key="phone")
    write("contacts", JANUARY, 100, key="phone", theme=theme)
    write("contacts", JANUARY, 100, key="phone", level=Level.TEAM, team=TeamFactory())
    write("dossiers_new", JANUARY, 100)

    rows = figures(Scope(), FIRST_QUARTER, "contacts")

    assert [(row["month"], row["n"], row["total"]) for row in rows] == [
        (JANUARY, 7, 70.0),
        (MARCH, 5, 50.0),
    ]
    assert all(type(row["n"]) is int for row in rows)
    # Empty where no figure has them (a contact has no baseline).
    assert rows[0]["base_total"] is None
    by_key = figures(Scope(), FIRST_QUARTER, "contacts", by=("key",))
    assert [(row["key"], row["n"]) for row in by_key] == [("phone", 8), ("video", 4)]
    by_theme = figures(Scope(), FIRST_QUARTER, "contacts", by=("theme",))
    assert [(row["theme"], row["n"]) for row in by_theme] == [(theme.pk, 100)]


def test_a_key_prefix_is_a_prefix_and_no_pattern():
    write("pair", JANUARY, 2, key="first_last|zrm|")
    write("pair", JANUARY, 3, key="first_last|zrm|finances")
    # "_" would match any character in a LIKE pattern.
    write("pair", JANUARY, 100, key="firstXlast|zrm|")

    rows = figures(Scope(), FIRST_QUARTER, "pair", by=("key",), key_prefix="first_last|zrm|")

    assert [(row["key"], row["n"]) for row in rows] == [
        ("first_last|zrm|", 2),
        ("first_last|zrm|finances", 3),
    ]


def test_a_team_leader_reads_the_rows_of_their_own_teams():
    own, other = TeamFactory(), TeamFactory()
    write("contacts", FEBRUARY, 6, level=Level.TEAM, team=own)
    write("contacts", FEBRUARY, 100, level=Level.TEAM, team=other)
    write("contacts", FEBRUARY, 100)

    rows = figures(Scope(team_ids=frozenset({own.pk})), FIRST_QUARTER, "contacts")

    assert [(row["month"], row["n"]) for row in rows] == [(FEBRUARY, 6)]


def test_a_municipality_viewer_compares_only_the_teams_of_their_municipality():
    own, elsewhere = MunicipalityFactory(), MunicipalityFactory()
    ours, theirs = TeamFactory(municipality=own), TeamFactory(municipality=elsewhere)
    for team, online, phone in ((ours, 2, 6), (theirs, 50, 50)):
        write("contacts", JANUARY, online, level=Level.TEAM, team=team, key="video")
        write("contacts", FEBRUARY, phone, level=Level.TEAM, team=team, key="phone")

    rows = figures_per_unit(
        Scope(municipality_ids=frozenset({own.pk}), protected=True),
        FIRST_QUARTER,
        "contacts",
        unit="team",
        by=(),
        part_keys=("video", "message"),
    )

    assert rows == [
        {
            "team_id": ours.pk,
            "part": 2,
            "n": 8,
            "total": 80.0,
            "total_sq": 0.0,
            "base_total": None,
            "base_total_sq": None,
            "above": None,
            "below": None,
        }
    ]


def test_sums_read_under_a_computation_are_kept_until_the_next_one(django_assert_num_queries):
    figure = write("contacts", JANUARY, 3, key="phone")
    computed = Scope(run_id=7)
    with django_assert_num_queries(1):
        assert [row["n"] for row in figures(computed, FIRST_QUARTER, "contacts")] == [3]
    # Figures change only through a computation, which gives the next run id; a change
    # by hand shows from the next computation on.
    Figure.objects.filter(pk=figure.pk).update(n=30)

    with django_assert_num_queries(0):
        assert [row["n"] for row in figures(computed, FIRST_QUARTER, "contacts")] == [3]
    with django_assert_num_queries(1):
        assert [row["n"] for row in figures(Scope(run_id=8), FIRST_QUARTER, "contacts")] == [30]


def test_without_a_computation_every_read_goes_to_the_database(django_assert_num_queries):
    figure = write("contacts", JANUARY, 3, key="phone")
    with django_assert_num_queries(1):
        figures(Scope(), FIRST_QUARTER, "contacts")
    Figure.objects.filter(pk=figure.pk).update(n=30)

    with django_assert_num_queries(1):
        assert [row["n"] for row in figures(Scope(), FIRST_QUARTER, "contacts")] == [30]


def test_a_kept_read_never_answers_another_scope_or_selection():
    own, other = TeamFactory(), TeamFactory()
    write("contacts", FEBRUARY, 6, level=Level.TEAM, team=own)
    write("contacts", FEBRUARY, 100, level=Level.TEAM, team=other)
    write("contacts", FEBRUARY, 106)
    write("contacts", date(2025, 12, 1), 50)

    organisation = figures(Scope(run_id=7), FIRST_QUARTER, "contacts")
    team = figures(Scope(team_ids=frozenset({own.pk}), run_id=7), FIRST_QUARTER, "contacts")
    longer = figures(Scope(run_id=7), Selection(start=date(2025, 12, 1), end=MARCH), "contacts")

    assert [row["n"] for row in organisation] == [106]
    assert [row["n"] for row in team] == [6]
    assert [row["n"] for row in longer] == [50, 106]


def test_a_kept_read_is_a_copy_that_callers_may_change():
    write("contacts", JANUARY, 3, key="phone")
    figures(Scope(run_id=7), FIRST_QUARTER, "contacts")[0]["n"] = 999

    assert [row["n"] for row in figures(Scope(run_id=7), FIRST_QUARTER, "contacts")] == [3]


def _run(status, minutes_ago, finished_minutes_ago=None):
    now = timezone.now()
    return StatisticsRun.objects.create(
        kind=StatisticsRun.Kind.FULL,
        status=status,
        requested_at=now - timedelta(minutes=minutes_ago),
        finished_at=(
            None if finished_minutes_ago is None else now - timedelta(minutes=finished_minutes_ago)
        ),
    )


def test_the_status_names_the_newest_the_last_successful_and_the_active_computation():
    Status = StatisticsRun.Status
    older_success = _run(Status.SUCCEEDED, 300, finished_minutes_ago=290)
    success = _run(Status.SUCCEEDED, 200, finished_minutes_ago=100)
    _run(Status.FAILED, 150, finished_minutes_ago=140)
    lost = _run(Status.RUNNING, 60 * 24)  # waited longer than a lock may be held
    running = _run(Status.RUNNING, 30)
    refused = _run(Status.REFUSED, 10, finished_minutes_ago=10)

    status = run_status()

    assert (status.latest, status.last_success, status.active) == (refused, success, running)
    assert lost not in (status.latest, status.active) and older_success != status.last_success


def test_without_computations_the_status_is_empty():
    assert run_status() == RunStatus(latest=None, last_success=None, active=None)


def test_one_run_can_be_the_newest_the_last_success_and_nothing_active():
    only = _run(StatisticsRun.Status.SUCCEEDED, 20, finished_minutes_ago=5)

    assert run_status() == RunStatus(latest=only, last_success=only, active=None)
