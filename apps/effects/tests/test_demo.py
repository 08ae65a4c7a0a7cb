"""The small demo set gives every report something to show, through the statistics that
its last step computes."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum

from apps.dossiers.models import ContactMoment, Dossier
from apps.effects.models import Figure, Level, StatisticsRun
from apps.organisation.models import Team

pytestmark = pytest.mark.django_db

MIN_PAIRS = 20  # fewer pairs than this and a report shows no effect for a team
MIN_RESPONDENTS = 5  # fewer staff than this and a report shows no team figure


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One small seed for the whole module (it takes seconds), in a transaction that is
    rolled back afterwards; each test runs in a savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--force", verbosity=0)
        yield
        transaction.set_rollback(True)


def team_totals(measure: str, key: str) -> dict[str, int]:
    rows = (
        Figure.objects.filter(level=Level.TEAM, measure=measure, key=key, theme__isnull=True)
        .values_list("team__name")
        .annotate(n=Sum("n"))
    )
    return dict(rows)


def organisation_totals(measure: str) -> dict[str, int]:
    rows = (
        Figure.objects.filter(level=Level.ORGANISATION, measure=measure, theme__isnull=True)
        .values_list("key")
        .annotate(n=Sum("n"))
    )
    return dict(rows)


def test_the_last_step_computed_the_statistics(seeded):
    run = StatisticsRun.objects.get()
    assert run.kind == StatisticsRun.Kind.FULL
    assert run.status == StatisticsRun.Status.SUCCEEDED
    assert run.figures_written == Figure.objects.count() > 0


def test_one_team_has_enough_zrm_pairs_and_another_too_few(seeded):
    pairs = team_totals("pair", "first_last|zrm|")
    assert len(pairs) == 2
    enough, too_few = sorted(pairs.values(), reverse=True)
    assert enough >= MIN_PAIRS
    assert 0 < too_few < MIN_PAIRS
    # Pairs from intake to closing too, and of the other two instruments.
    assert sum(team_totals("pair", "intake_closing|zrm|").values()) > 0
    assert sum(team_totals("pair", "first_last|positive-health-short|").values()) > 0
    assert sum(team_totals("pair", "first_last|participation-ladder|").values()) > 0


def test_staff_survey_one_team_with_enough_respondents_and_one_with_fewer(seeded):
    key = "staff-technology-acceptance|usefulness"
    per_team_month = Figure.objects.filter(
        level=Level.TEAM, measure="staff_survey", key=key
    ).values_list("team_id", "month", "n")
    largest = {}
    for team_id, _month, n in per_team_month:
        largest[team_id] = max(largest.get(team_id, 0), n)
    assert sorted(largest.values()) == [3, 6]
    assert max(largest.values()) >= MIN_RESPONDENTS > min(largest.values())


def test_closed_dossiers_with_every_reason_and_contacts_in_every_mode(seeded):
    closed = organisation_totals("dossiers_closed")
    assert set(closed) == set(Dossier.ClosingReason.values)
    contacts = organisation_totals("contacts")
    assert set(contacts) == set(ContactMoment.Mode.values)
    months = (
        Figure.objects.filter(level=Level.ORGANISATION, measure="contacts", theme__isnull=True)
        .values("month")
        .distinct()
        .count()
    )
    assert months >= 12


def test_self_scans_some_before_the_start_and_satisfaction_surveys(seeded):
    scans = Figure.objects.filter(
        level=Level.ORGANISATION, measure="scans", key="positive-health", theme__isnull=True
    ).aggregate(n=Sum("n"), alone=Sum("total"))
    assert scans["n"] == scans["alone"] > 0
    new = Figure.objects.filter(
        level=Level.ORGANISATION, measure="dossiers_new", theme__isnull=True
    ).aggregate(scanned_before=Sum("total"))
    assert new["scanned_before"] > 0
    satisfaction = Figure.objects.filter(
        level=Level.TEAM, measure="score", key="client-satisfaction|", theme__isnull=True
    )
    assert set(satisfaction.values_list("team__name", flat=True)) == set(
        Team.objects.filter(dossiers__status="closed").values_list("name", flat=True)
    )


def test_every_level_of_an_additive_measure_adds_up_to_the_same_totals(seeded):
    additive = ("contacts", "dossiers_new", "dossiers_closed", "questions", "score", "pair")
    per_level = {
        level: (n, total)
        for level, n, total in Figure.objects.filter(measure__in=additive)
        .values_list("level")
        .annotate(n=Sum("n"), total=Sum("total"))
    }
    assert set(per_level) == set(Level)
    cell_n, cell_total = per_level[Level.CELL]
    assert cell_n > 0
    for n, total in per_level.values():
        assert n == cell_n
        assert total == pytest.approx(cell_total)


def test_an_update_of_changed_months_gives_the_figures_of_the_full_rebuild(seeded):
    from apps.effects import journal
    from apps.effects.services import statistics_update

    def figures(month):
        rows = Figure.objects.filter(month=month).values_list(
            "level", "team_id", "neighbourhood_id", "theme_id", "measure", "key", "n", "total"
        )
        # Sums of floating-point scores may differ in the last bit with the order of adding.
        return sorted(((*row[:-1], round(row[-1], 6)) for row in rows), key=repr)

    months = sorted(Figure.objects.values_list("month", flat=True).distinct())
    changed = [months[-1], months[-7]]  # this month and one with a staff survey round
    before = {month: figures(month) for month in changed}
    journal.note_months(changed)
    run = statistics_update(full=False)
    assert run.status == StatisticsRun.Status.SUCCEEDED, run.error
    assert run.months_computed >= 2
    for month in changed:
        assert figures(month) == before[month]
