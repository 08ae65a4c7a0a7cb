"""Disclosure control: the rules on single figures and on tables, worked out by hand, and
an attacker who tries to work hidden counts out from what a table shows."""

import random

import numpy
import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from scipy.optimize import linprog

from apps.reports.disclosure import (
    HIDDEN_FOR_ANOTHER,
    TOTAL,
    Presenter,
    Rules,
    _bridges,
    _side_of,
    protect_table,
)

RULES = Rules(threshold=10, rounding_base=5)


@pytest.mark.parametrize(
    ("n", "rounded"), [(10, 10), (12, 10), (14, 10), (15, 15), (19, 15), (20, 20), (1234, 1230)]
)
def test_counts_are_rounded_down_to_a_multiple_of_five(n, rounded):
    assert RULES.rounded(n) == rounded
    assert Rules(threshold=10, rounding_base=10).rounded(19) == 10


def test_a_protected_reader_sees_small_counts_hidden_and_the_rest_rounded():
    present = Presenter(protected=True, rules=RULES)
    assert [present.count(n).text for n in (0, 1, 9, 10, 12, 13, 1234)] == [
        "0",
        "< 10",
        "< 10",
        "10",
        "10",
        "10",
        "1.230",
    ]
    assert present.count(3).number is None
    assert present.share(3, 9).text == "< 10"
    assert present.share(3, 10).text == "30,0%"
    assert present.mean(45, 9).text == "< 10"


def test_the_organisations_own_staff_see_exact_figures():
    present = Presenter(protected=False, rules=RULES)
    assert [present.count(n).text for n in (3, 12)] == ["3", "12"]
    assert present.share(3, 9).text == "33,3%"


@override_settings(DISCLOSURE_THRESHOLD=5, DISCLOSURE_ROUNDING_BASE=1)
def test_the_threshold_and_the_base_are_settings():
    present = Presenter(protected=True)
    assert [present.count(n).text for n in (4, 7)] == ["< 5", "7"]


@pytest.mark.django_db
@pytest.mark.parametrize("threshold", [4, 0, -1])
def test_no_threshold_below_five(threshold):
    with pytest.raises(ValueError, match="at least 5"):
        Rules(threshold=threshold)
    with (
        override_settings(DISCLOSURE_THRESHOLD=threshold),
        pytest.raises(SystemCheckError, match=r"reports\.E001"),
    ):
        call_command("check")


# The example of the rules' description, worked out by hand:
#
#           A    B    C | total         hidden: A1 = 3 and B3 = 8 (under 10);
#     r1    3   20   15 |    38         row r1 then shows one hidden cell: its smallest
#     r2   12   30   40 |    82         other, C1 = 15, is hidden too; row r3: A3 = 25;
#     r3   25    8   50 |    83         column B: B1 = 20; column C: C2 = 40; row r2:
#  total   40   58  105 |   203         A2 = 12. Then every row and column hides 0 or 2+.
EXAMPLE = {
    ("r1", "A"): 3,
    ("r1", "B"): 20,
    ("r1", "C"): 15,
    ("r2", "A"): 12,
    ("r2", "B"): 30,
    ("r2", "C"): 40,
    ("r3", "A"): 25,
    ("r3", "B"): 8,
    ("r3", "C"): 50,
}
ROWS, COLUMNS = ("r1", "r2", "r3"), ("A", "B", "C")


def test_the_worked_example():
    table = protect_table(EXAMPLE, rows=ROWS, columns=COLUMNS, rules=RULES)

    assert table.hidden_below_threshold == {("r1", "A"), ("r3", "B")}
    assert table.hidden_for_another == {
        ("r1", "C"),
        ("r3", "A"),
        ("r1", "B"),
        ("r2", "C"),
        ("r2", "A"),
    }
    shown = {cell: value.text for cell, value in table.values.items() if cell not in table.hidden}
    assert shown == {
        ("r2", "B"): "30",
        ("r3", "C"): "50",
        ("r1", TOTAL): "35",
        ("r2", TOTAL): "80",
        ("r3", TOTAL): "80",
        (TOTAL, "A"): "40",
        (TOTAL, "B"): "55",
        (TOTAL, "C"): "105",
        (TOTAL, TOTAL): "200",
    }
    assert table.value("r1", "A").text == "< 10"
    assert table.value("r1", "C").text == HIDDEN_FOR_ANOTHER
    assert table.value("r1", "C").number is None


def test_a_table_without_small_counts_is_only_rounded():
    counts = {("r1", "A"): 12, ("r1", "B"): 0, ("r2", "A"): 33, ("r2", "B"): 41}
    table = protect_table(counts, rows=("r1", "r2"), columns=("A", "B"), rules=RULES)

    assert table.hidden == set()
    assert table.value("r1", "B").text == "0"
    # Totals are rounded themselves: column A shows 10 and 30, and 45 as its total.
    assert [table.value(r, "A").text for r in ("r1", "r2", TOTAL)] == ["10", "30", "45"]


def test_zeros_are_hidden_beside_a_small_count_only_when_nothing_else_is_left():
    counts = {("r1", "A"): 4, ("r1", "B"): 0, ("r1", "C"): 30}
    table = protect_table(counts, rows=("r1",), columns=("A", "B", "C"), rules=RULES)

    assert ("r1", "C") in table.hidden_for_another
    assert ("r1", "B") not in table.hidden
    assert table.value("r1", "B").text == "0"


def test_the_same_table_gives_the_same_output_in_any_order():
    backwards = dict(reversed(list(EXAMPLE.items())))
    first = protect_table(EXAMPLE, rows=ROWS, columns=COLUMNS, rules=RULES)
    again = protect_table(backwards, rows=ROWS, columns=COLUMNS, rules=RULES)

    assert first == again


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({("r1", "A"): -1}, "negative"),
        ({("r9", "A"): 1}, "outside"),
    ],
)
def test_bad_tables_are_refused(counts, message):
    with pytest.raises(ValueError, match=message):
        protect_table(counts, rows=("r1",), columns=("A",), rules=RULES)


def test_the_key_of_the_totals_cannot_be_a_row():
    with pytest.raises(ValueError, match="totals"):
        protect_table({}, rows=(TOTAL,), columns=("A",), rules=RULES)


# --- The attacker -----------------------------------------------------------------------


def _intervals(counts, table, rows, columns):
    """What an attacker can learn of each hidden cell from what the table shows: the
    smallest and largest count that fits every row and column. Stronger than a real one:
    they are given the exact counts of the shown cells, not the rounded ones."""
    full = {(r, c): counts.get((r, c), 0) for r in rows for c in columns}
    for r in rows:
        full[(r, TOTAL)] = sum(full[(r, c)] for c in columns)
    for c in [*columns, TOTAL]:
        full[(TOTAL, c)] = sum(full[(r, c)] for r in rows)
    hidden = sorted(table.hidden, key=str)
    index = {cell: i for i, cell in enumerate(hidden)}
    equations, known = [], []
    lines = [[(r, c) for c in columns] + [(r, TOTAL)] for r in [*rows, TOTAL]] + [
        [(r, c) for r in rows] + [(TOTAL, c)] for c in [*columns, TOTAL]
    ]
    for line in lines:
        # The inner cells add up to the total, the line's last cell.
        row = numpy.zeros(len(hidden))
        rest = 0.0
        for position, cell in enumerate(line):
            sign = -1.0 if position == len(line) - 1 else 1.0
            if cell in index:
                row[index[cell]] += sign
            else:
                rest -= sign * full[cell]
        if row.any():
            equations.append(row)
            known.append(rest)
    intervals = {}
    for cell in hidden:
        objective = numpy.zeros(len(hidden))
        objective[index[cell]] = 1.0
        bounds = []
        for sense in (1.0, -1.0):
            result = linprog(
                sense * objective,
                A_eq=numpy.array(equations),
                b_eq=numpy.array(known),
                bounds=[(0, None)] * len(hidden),
                method="highs",
            )
            # Unbounded: the hidden cells of a rectangle with totals can all grow together.
            assert result.status in (0, 3), result.message
            bounds.append(sense * result.fun if result.status == 0 else numpy.inf)
        intervals[cell] = tuple(bounds)
    return intervals


def test_the_attacker_cannot_work_out_the_hidden_counts_of_the_example():
    table = protect_table(EXAMPLE, rows=ROWS, columns=COLUMNS, rules=RULES)
    intervals = _intervals(EXAMPLE, table, ROWS, COLUMNS)

    # A1 = 38 - B1 - C1, where C2 = 55 - C1 and A2 = 52 - C2 = C1 - 3 >= 0: C1 is at least
    # 3, so A1 lies between 0 and 35. B3 = 28 - B1, between 0 and 28.
    assert intervals[("r1", "A")] == pytest.approx((0, 35))
    assert intervals[("r3", "B")] == pytest.approx((0, 28))
    for low, high in intervals.values():
        assert high - low >= 1


def test_two_squares_joined_by_one_small_count_get_another_cell_hidden():
    # Small counts in two squares (rows 1-2 by A-B, rows 3-4 by C-D) and C1 between them:
    # every row and column then hides none or two and more, yet C1 follows from the totals
    # of rows 1 and 2 and columns A and B. One more cell must be hidden to close a cycle.
    small = {
        ("r1", "A"): 3,
        ("r1", "B"): 4,
        ("r1", "C"): 2,
        ("r2", "A"): 5,
        ("r2", "B"): 6,
        ("r3", "C"): 7,
        ("r3", "D"): 8,
        ("r4", "C"): 3,
        ("r4", "D"): 9,
    }
    rows, columns = ("r1", "r2", "r3", "r4", "r5"), ("A", "B", "C", "D", "E")
    counts = {(r, c): 40 + 5 * i for i, (r, c) in enumerate((r, c) for r in rows for c in columns)}
    counts |= small
    table = protect_table(counts, rows=rows, columns=columns, rules=RULES)

    assert table.hidden_below_threshold == set(small)
    assert len(table.hidden_for_another) == 1
    for cell, (low, high) in _intervals(counts, table, rows, columns).items():
        assert high - low >= 1, cell


def _random_table(seed):
    generator = random.Random(seed)
    rows = tuple(f"r{i}" for i in range(generator.randint(1, 6)))
    columns = tuple(f"c{i}" for i in range(generator.randint(1, 6)))
    counts = {
        (r, c): generator.choice([0, 0, 1, 2, 3, 5, 8, 9, 11, 14, 20, 35, 60, 150])
        for r in rows
        for c in columns
    }
    return counts, rows, columns


@pytest.mark.parametrize("seed", range(150))
def test_the_attacker_cannot_work_out_any_small_count_of_random_tables(seed):
    counts, rows, columns = _random_table(seed)
    table = protect_table(counts, rows=rows, columns=columns, rules=RULES)
    if not table.hidden:
        return
    intervals = _intervals(counts, table, rows, columns)

    for cell in table.hidden_below_threshold:
        low, high = intervals[cell]
        assert high - low >= 1, (cell, low, high)


def _stands_for(largest=120):
    """Per shown text, every true count it can stand for."""
    present = Presenter(protected=True, rules=RULES)
    counts = {}
    for n in range(largest + 1):
        counts.setdefault(present.count(n).text, []).append(n)
    return counts


def test_two_overlapping_periods_do_not_give_away_the_month_between_them():
    # January to June and January to July, each shown on its own: July is their
    # difference. For every small July count, the shown pair fits more than one July.
    present, stands_for = Presenter(protected=True, rules=RULES), _stands_for()
    for first_half in range(0, 60):
        for july in range(1, RULES.threshold):
            shown = (present.count(first_half).text, present.count(first_half + july).text)
            candidates = {
                later - earlier
                for earlier in stands_for[shown[0]]
                for later in stands_for[shown[1]]
                if later >= earlier
            }
            assert july in candidates
            assert len(candidates & set(range(1, RULES.threshold))) > 1, (first_half, july)


def test_two_filters_do_not_give_away_the_third_theme():
    # All themes together and two themes on their own: the third is what is left. Its own
    # count shows as "< 10"; what the other three show fits more than one count.
    present, stands_for = Presenter(protected=True, rules=RULES), _stands_for()
    for first in range(0, 26):
        for second in range(0, 26):
            for third in range(1, RULES.threshold):
                left = {
                    whole - one - two
                    for whole in stands_for[present.count(first + second + third).text]
                    for one in stands_for[present.count(first).text]
                    for two in stands_for[present.count(second).text]
                }
                assert third in left
                assert len(left & set(range(1, RULES.threshold))) > 1, (first, second, third)


@pytest.mark.parametrize("seed", range(40))
def test_the_bridges_are_exactly_the_hidden_cells_on_no_cycle(seed):
    # The one-walk search against the definition: a cell is a bridge when, without it, its
    # row no longer reaches its column over the other hidden cells.
    generator = random.Random(seed)
    cells = [(f"r{r}", f"c{c}") for r in range(8) for c in range(6)]
    hidden = set(generator.sample(cells, generator.randint(0, 30)))
    by_definition = {
        cell
        for cell in hidden
        if ("column", cell[1]) not in _side_of(("row", cell[0]), hidden - {cell})
    }
    assert _bridges(hidden) == by_definition


def test_a_table_of_a_hundred_areas_by_ten_themes_is_protected_with_the_same_rules():
    # The municipality report's table of questions: mostly small counts; every line with a
    # hidden cell has at least two and no hidden cell is a bridge.
    generator = random.Random(7)
    rows, columns = tuple(range(100)), tuple(range(10))
    counts = {(r, c): generator.choice([0, 1, 2, 4, 7, 12, 30]) for r in rows for c in columns}
    table = protect_table(counts, rows=rows, columns=columns, rules=RULES)
    for line in [[(r, c) for c in (*columns, TOTAL)] for r in (*rows, TOTAL)] + [
        [(r, c) for r in (*rows, TOTAL)] for c in (*columns, TOTAL)
    ]:
        assert sum(cell in table.hidden for cell in line) != 1
    assert not _bridges(set(table.hidden))
