"""Disclosure control: figures as they may leave the organisation.

Municipality viewers' pages, the municipality's report and the sector benchmark show
figures about small groups of residents. One set of rules, in this module, decides what
they may show; the organisation's own staff see exact figures (`Presenter` with
`protected=False`).

The rules, in the words a municipality gets:

1. A count from 1 up to the threshold (10, `DISCLOSURE_THRESHOLD`, never below 5) is not
   shown: the table says "< 10". Zero is shown: nobody is no one to protect.
2. Every other count is rounded down to a multiple of 5 (`DISCLOSURE_ROUNDING_BASE`): 12
   and 14 show as 10, 15 as 15. The same table gives the same output every time: no
   random rounding.
3. In a table with totals, a hidden count must not follow from its row or column: while a
   row or column (its total included) has exactly one hidden cell, its smallest other
   cell is hidden too (marked "x"), preferring a count above zero and a cell inside the
   table over a total.
4. A share, a mean or an effect is shown only for a group of at least the threshold.

Rounded totals are rounded themselves, not added up from rounded cells, so a column of
rounded counts need not add up to its rounded total.
"""

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from apps.reports.charts import Value, format_number

# No setting may lower the threshold below this: below five, a count points at people.
MINIMUM_THRESHOLD = 5
# Shown where there is no figure (the table needs a text; "0" would look like data).
NO_FIGURE = "\u2013"
# A count hidden only so that another cannot be worked out from the totals.
HIDDEN_FOR_ANOTHER = "x"
# The key of a table's totals row and column.
TOTAL = "total"


@dataclass(frozen=True)
class Rules:
    threshold: int = 10
    rounding_base: int = 5

    def __post_init__(self):
        if self.threshold < MINIMUM_THRESHOLD:
            raise ValueError(f"The threshold is at least {MINIMUM_THRESHOLD}.")
        if self.rounding_base < 1:
            raise ValueError("Counts are rounded to a base of at least 1.")

    def hides(self, n: float) -> bool:
        return 0 < n < self.threshold

    def rounded(self, n: float) -> int:
        # Down, not to the nearest: with the nearest, "< 10" for January to June and "20"
        # for January to July (true 9 and 18) leave 9 as the only small count July can
        # have. Rounded down, every shown count stands for a base's worth of counts at or
        # above it, and no two overlapping figures pin a small count (tested).
        return self.rounding_base * math.floor(n / self.rounding_base)

    @property
    def below_threshold(self) -> str:
        return _("< %(threshold)s") % {"threshold": self.threshold}


def configured_rules() -> Rules:
    return Rules(
        threshold=settings.DISCLOSURE_THRESHOLD,
        rounding_base=settings.DISCLOSURE_ROUNDING_BASE,
    )


@dataclass(frozen=True)
class Presenter:
    """Single figures for one reader: exact for the organisation's staff, by the rules for
    a protected reader."""

    protected: bool
    rules: Rules = field(default_factory=configured_rules)

    def count(self, n: float | None) -> Value:
        if n is None:
            return Value(None, NO_FIGURE)
        n = int(n)
        if self.protected:
            if self.rules.hides(n):
                return Value(None, self.rules.below_threshold)
            n = self.rules.rounded(n)
        return Value(n, format_number(n))

    def may_show_group(self, size: float) -> bool:
        """Whether a share, mean or effect over a group of this size may be shown."""
        return not self.protected or size >= self.rules.threshold

    def share(self, part: float | None, whole: float | None) -> Value:
        """A percentage of a whole; nothing when the whole is zero or too small to show."""
        if not whole or part is None:
            return Value(None, NO_FIGURE)
        if not self.may_show_group(whole):
            return Value(None, self.rules.below_threshold)
        percentage = 100 * part / whole
        return Value(percentage, f"{format_number(percentage, 1)}%")

    def mean(self, total: float | None, n: float | None, decimals: int = 1) -> Value:
        if not n:
            return Value(None, NO_FIGURE)
        if not self.may_show_group(n):
            return Value(None, self.rules.below_threshold)
        mean = total / n
        return Value(mean, format_number(mean, decimals))


Cell = tuple[Hashable, Hashable]


@dataclass(frozen=True)
class ProtectedTable:
    """A table of counts with its totals, as it may be shown: `values` has every cell,
    the totals included (row or column `TOTAL`)."""

    rows: tuple[Hashable, ...]
    columns: tuple[Hashable, ...]
    values: Mapping[Cell, Value]
    hidden_below_threshold: frozenset[Cell]
    hidden_for_another: frozenset[Cell]

    def value(self, row: Hashable, column: Hashable) -> Value:
        return self.values[(row, column)]

    @property
    def hidden(self) -> frozenset[Cell]:
        return self.hidden_below_threshold | self.hidden_for_another


def _lines(rows: Sequence[Hashable], columns: Sequence[Hashable]) -> list[list[Cell]]:
    """Every row and every column of the table with its total: each line's cells add up
    to its total, which is what an attacker would use."""
    all_rows, all_columns = [*rows, TOTAL], [*columns, TOTAL]
    return [[(row, column) for column in all_columns] for row in all_rows] + [
        [(row, column) for row in all_rows] for column in all_columns
    ]


def _complement(line: list[Cell], hidden: set[Cell], counts: Mapping[Cell, int]) -> Cell:
    """The cell of `line` to hide beside the hidden ones: the smallest count above zero,
    inside the table before a total, then the first in the line's order."""
    candidates = [(position, cell) for position, cell in enumerate(line) if cell not in hidden]
    return min(
        candidates,
        key=lambda item: (
            counts[item[1]] == 0,
            TOTAL in item[1],
            counts[item[1]],
            item[0],
        ),
    )[1]


# Why the line rule is not enough: think of the hidden cells as edges between their row and
# their column. A cell's count follows from the totals exactly when its edge lies on no
# cycle, i.e. it is a bridge: then the cells on one side of it add up to a known number.
# Every line with 0 or 2+ hidden cells removes the lone edges, but two cycles joined by
# one cell still give that cell away. Bridges are found in one depth-first walk (Tarjan):
# a table of a hundred neighbourhoods by ten themes is protected in milliseconds.

Node = tuple[str, Hashable]


def _adjacency(edges: set[Cell]) -> dict[Node, list[tuple[Node, Cell]]]:
    adjacent = {}
    for row, column in edges:
        adjacent.setdefault(("row", row), []).append((("column", column), (row, column)))
        adjacent.setdefault(("column", column), []).append((("row", row), (row, column)))
    return adjacent


def _side_of(start: Node, edges: set[Cell]) -> set[Node]:
    """The rows and columns reached from `start` over the hidden cells `edges`."""
    adjacent = _adjacency(edges)
    seen, todo = {start}, [start]
    while todo:
        for reached, _cell in adjacent.get(todo.pop(), ()):
            if reached not in seen:
                seen.add(reached)
                todo.append(reached)
    return seen


def _bridges(edges: set[Cell]) -> set[Cell]:
    """The hidden cells that lie on no cycle of hidden cells."""
    adjacent = _adjacency(edges)
    order, low, bridges = {}, {}, set()
    for root in sorted(adjacent, key=str):
        if root in order:
            continue
        order[root] = low[root] = len(order)
        # (node, the cell it was reached by, its remaining neighbours)
        stack = [(root, None, iter(adjacent[root]))]
        while stack:
            node, via, neighbours = stack[-1]
            for reached, cell in neighbours:
                if cell == via:
                    continue
                if reached in order:
                    low[node] = min(low[node], order[reached])
                else:
                    order[reached] = low[reached] = len(order)
                    stack.append((reached, cell, iter(adjacent[reached])))
                    break
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        bridges.add(via)
    return bridges


def _first_bridge(hidden: set[Cell]) -> Cell | None:
    bridges = _bridges(hidden)
    return min(bridges, key=str) if bridges else None


def _closing_cell(bridge: Cell, hidden: set[Cell], counts: Mapping[Cell, int]) -> Cell:
    """The cell to hide so that the bridge lies on a cycle: one that joins the bridge's
    row side to its column side, chosen like a line's complement."""
    rest = hidden - {bridge}
    row_side = _side_of(("row", bridge[0]), rest)
    column_side = _side_of(("column", bridge[1]), rest)
    candidates = [
        cell
        for cell in counts
        if cell not in hidden
        and (
            (("row", cell[0]) in row_side and ("column", cell[1]) in column_side)
            or (("row", cell[0]) in column_side and ("column", cell[1]) in row_side)
        )
    ]
    return _complement(candidates, hidden, counts)


def protect_table(
    counts: Mapping[Cell, int],
    *,
    rows: Sequence[Hashable],
    columns: Sequence[Hashable],
    rules: Rules | None = None,
) -> ProtectedTable:
    """The counts per (row, column) with their totals, protected by the rules. A cell
    missing from `counts` is zero."""
    rules = rules or configured_rules()
    if TOTAL in rows or TOTAL in columns:
        raise ValueError(f"{TOTAL!r} is the key of the totals.")
    if len(set(rows)) != len(rows) or len(set(columns)) != len(columns):
        raise ValueError("Every row and column appears once.")
    unknown = set(counts) - {(row, column) for row in rows for column in columns}
    if unknown:
        raise ValueError(f"Cells outside the rows and columns: {sorted(map(str, unknown))}")
    if any(n < 0 for n in counts.values()):
        raise ValueError("Counts cannot be negative.")

    grid = {(row, column): int(counts.get((row, column), 0)) for row in rows for column in columns}
    for row in rows:
        grid[(row, TOTAL)] = sum(grid[(row, column)] for column in columns)
    for column in [*columns, TOTAL]:
        grid[(TOTAL, column)] = sum(grid[(row, column)] for row in rows)

    below = {cell for cell, n in grid.items() if rules.hides(n)}
    hidden = set(below)
    lines = _lines(rows, columns)
    while True:
        exposed = next((line for line in lines if sum(cell in hidden for cell in line) == 1), None)
        if exposed is not None:
            hidden.add(_complement(exposed, hidden, grid))
            continue
        bridge = _first_bridge(hidden)
        if bridge is None:
            break
        hidden.add(_closing_cell(bridge, hidden, grid))

    values = {}
    for cell, n in grid.items():
        if cell in below:
            values[cell] = Value(None, rules.below_threshold)
        elif cell in hidden:
            values[cell] = Value(None, HIDDEN_FOR_ANOTHER)
        else:
            shown = rules.rounded(n)
            values[cell] = Value(shown, format_number(shown))
    return ProtectedTable(
        rows=tuple(rows),
        columns=tuple(columns),
        values=values,
        hidden_below_threshold=frozenset(below),
        hidden_for_another=frozenset(hidden - below),
    )
