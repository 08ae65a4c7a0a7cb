"""Reading the statistics tables for a user and a filter: one query per question.

A reader says which figures (a measure, split by month, key or unit); the selection
(period, area, team, theme) and the user's scope decide which level of rows answers it,
so a page reads a few dozen small rows, whatever the size of the organisation.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, Sum

from apps.accounts import policy
from apps.effects.models import Figure, Level, StatisticsRun
from apps.organisation.models import Municipality, Neighbourhood, Team, Theme

# What a reader gets of the rows it adds up.
SUMS = {
    column: Sum(column)
    for column in ("n", "total", "total_sq", "base_total", "base_total_sq", "above", "below")
}


@dataclass(frozen=True)
class Selection:
    """What the reader asked for. Months are first days of months, both inclusive."""

    start: date
    end: date
    municipality: Municipality | None = None
    area: Neighbourhood | None = None
    team: Team | None = None
    theme: Theme | None = None


@dataclass(frozen=True)
class Scope:
    """What the user may see at all: every team, their own teams, or one municipality."""

    team_ids: frozenset[int] | None = None
    municipality_ids: frozenset[int] | None = None
    protected: bool = False

    @property
    def restricted_to_teams(self) -> bool:
        return self.team_ids is not None


def scope_of(user) -> Scope:
    protected = not policy.can(user, "effects.view_unprotected_figures")
    if policy.can(user, "effects.view_organisation_figures"):
        return Scope(protected=protected)
    if policy.is_team_leader(user):
        return Scope(team_ids=policy.team_ids_of(user), protected=protected)
    return Scope(municipality_ids=policy.municipality_ids_of(user), protected=protected)


def _level_and_filter(scope: Scope, selection: Selection) -> tuple[int, Q]:
    """The coarsest level that answers the selection within the scope."""
    area = selection.area
    geography = Q()
    if area is not None:
        column = "district" if area.kind == Neighbourhood.Kind.DISTRICT else "neighbourhood"
        geography = Q(**{column: area})
    elif selection.municipality is not None:
        geography = Q(municipality=selection.municipality)
    elif scope.municipality_ids is not None:
        geography = Q(municipality_id__in=scope.municipality_ids)

    teams = Q()
    if selection.team is not None:
        teams = Q(team=selection.team)
    elif scope.restricted_to_teams:
        teams = Q(team_id__in=scope.team_ids)

    if teams and geography:
        level = Level.CELL
    elif teams:
        level = Level.TEAM
    elif area is not None:
        level = Level.DISTRICT if area.kind == Neighbourhood.Kind.DISTRICT else Level.NEIGHBOURHOOD
    elif geography:
        level = Level.MUNICIPALITY
    else:
        level = Level.ORGANISATION
    return level, teams & geography


def figures(
    scope: Scope,
    selection: Selection,
    measure: str,
    *,
    by: tuple[str, ...] = ("month",),
    key_prefix: str = "",
    key: str | None = None,
    all_themes: bool = False,
):
    """Sums of one measure over the selection, grouped by `by` (month, key, theme), of
    the keys that start with key_prefix or of the one key."""
    level, where = _level_and_filter(scope, selection)
    rows = Figure.objects.filter(
        where,
        level=level,
        measure=measure,
        month__gte=selection.start,
        month__lte=selection.end,
    )
    if "theme" not in by:
        rows = rows.filter(theme=None if all_themes or selection.theme is None else selection.theme)
    elif selection.theme is not None:
        rows = rows.filter(theme=selection.theme)
    else:
        rows = rows.exclude(theme=None)
    if key_prefix:
        rows = rows.filter(key__startswith=key_prefix)
    if key is not None:
        rows = rows.filter(key=key)
    return list(rows.values(*by).annotate(**SUMS).order_by(*by))


UNIT_LEVELS = {"team": Level.TEAM, "district": Level.DISTRICT, "neighbourhood": Level.NEIGHBOURHOOD}
AREA_UNITS = ("district", "neighbourhood")


def figures_per_unit(
    scope: Scope,
    selection: Selection,
    measure: str,
    *,
    unit: str,
    key_prefix: str = "",
    by: tuple[str, ...] = ("key",),
    part_keys: tuple[str, ...] = (),
):
    """Sums per team, district or neighbourhood over the selected period (and per `by`),
    for comparisons and maps; with `part_keys` also `part`: the n of those keys alone."""
    level = UNIT_LEVELS[unit]
    if unit in AREA_UNITS and (scope.restricted_to_teams or selection.team is not None):
        # Area rows add up every team; a reader of some teams needs their cells.
        level = Level.CELL
    column = f"{unit}_id"
    rows = Figure.objects.filter(
        level=level,
        measure=measure,
        month__gte=selection.start,
        month__lte=selection.end,
        theme=selection.theme,
    ).exclude(**{column: None})
    if scope.restricted_to_teams:
        rows = rows.filter(team_id__in=scope.team_ids)
    if scope.municipality_ids is not None:
        rows = rows.filter(
            Q(municipality_id__in=scope.municipality_ids)
            if unit in AREA_UNITS
            else Q(team__municipality_id__in=scope.municipality_ids)
        )
    if selection.municipality is not None and unit in AREA_UNITS:
        rows = rows.filter(municipality=selection.municipality)
    if selection.team is not None:
        rows = rows.filter(team=selection.team)
    if key_prefix:
        rows = rows.filter(key__startswith=key_prefix)
    # `part` first: once `n` names the sum, Sum("n") would refer to that, not the column.
    sums = {"part": Sum("n", filter=Q(key__in=part_keys)), **SUMS} if part_keys else SUMS
    return list(rows.values(column, *by).annotate(**sums).order_by(column, *by))


def months_with_figures() -> tuple[date | None, date | None]:
    first = Figure.objects.filter(level=Level.ORGANISATION).order_by("month").first()
    last = Figure.objects.filter(level=Level.ORGANISATION).order_by("-month").first()
    return (first.month if first else None, last.month if last else None)


def last_runs() -> tuple[StatisticsRun | None, StatisticsRun | None]:
    """The newest run of any kind and the newest successful one."""
    runs = list(StatisticsRun.objects.order_by("-requested_at", "-pk")[:1])
    success = (
        StatisticsRun.objects.filter(status=StatisticsRun.Status.SUCCEEDED)
        .order_by("-finished_at")
        .first()
    )
    return (runs[0] if runs else None, success)
