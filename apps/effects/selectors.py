"""Reading the statistics tables for a user and a filter: one query per question.

A reader says which figures (a measure, split by month, key or unit); the selection
(period, area, team, theme) and the user's scope decide which level of rows answers it,
so a page reads a few dozen small rows, whatever the size of the organisation.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date

from django.core.cache import caches
from django.db import connection
from django.db.models import Sum

from apps.accounts import policy
from apps.effects.inference import ChangeEstimate, Sums, paired_change
from apps.effects.models import Figure, Level, StatisticsRun
from apps.organisation.models import Municipality, Neighbourhood, Team, Theme
from apps.questionnaires.models import Dimension, Instrument

# What a reader gets of the rows it adds up. Counts come back as integers: PostgreSQL adds
# up bigints as numeric.
SUM_COLUMNS = {
    "n": "CAST(SUM(n) AS bigint)",
    "total": "SUM(total)",
    "total_sq": "SUM(total_sq)",
    "base_total": "SUM(base_total)",
    "base_total_sq": "SUM(base_total_sq)",
    "above": "CAST(SUM(above) AS bigint)",
    "below": "CAST(SUM(below) AS bigint)",
}
# Sums read under a computation, per process (config/settings/base.py).
FIGURE_CACHE = "figures"
# What a reader may split the sums by, and the column that holds it.
SPLIT_COLUMNS = {
    "month": "month",
    "key": "key",
    "theme": "theme_id",
    "team_id": "team_id",
    "district_id": "district_id",
    "neighbourhood_id": "neighbourhood_id",
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
    """What the user may see at all: every team, their own teams, or one municipality;
    and of which computation. `run_id` is the last successful computation when the reader
    was built: its figures change with nothing else, so the sums read under it are kept
    in the process (the "figures" cache). Without it every read goes to the database."""

    team_ids: frozenset[int] | None = None
    municipality_ids: frozenset[int] | None = None
    protected: bool = False
    run_id: int | None = None

    @property
    def restricted_to_teams(self) -> bool:
        return self.team_ids is not None


def scope_of(user, run: StatisticsRun | None = None) -> Scope:
    """The user's scope over the figures of `run`, the last successful computation."""
    protected = not policy.can(user, "effects.view_unprotected_figures")
    run_id = run.pk if run is not None else None
    if policy.can(user, "effects.view_organisation_figures"):
        return Scope(protected=protected, run_id=run_id)
    if policy.is_team_leader(user):
        return Scope(team_ids=policy.team_ids_of(user), protected=protected, run_id=run_id)
    return Scope(
        municipality_ids=policy.municipality_ids_of(user), protected=protected, run_id=run_id
    )


@dataclass
class Where:
    """The conditions of a figures query, with their parameters."""

    conditions: list[str] = field(default_factory=list)
    params: list = field(default_factory=list)

    def add(self, condition: str, *params) -> None:
        self.conditions.append(condition)
        self.params.extend(params)

    def add_in(self, column: str, values) -> None:
        values = sorted(values)
        if not values:
            self.conditions.append("1 = 0")
            return
        self.add(f"{column} IN ({', '.join(['%s'] * len(values))})", *values)

    def add_key_prefix(self, prefix: str) -> None:
        # Not LIKE: keys hold "_", which LIKE reads as any character.
        self.add("substr(key, 1, %s) = %s", len(prefix), prefix)

    def sql(self) -> str:
        return " AND ".join(self.conditions)


def _level_and_where(scope: Scope, selection: Selection) -> tuple[int, Where]:
    """The coarsest level that answers the selection within the scope, and the
    conditions on place and team that go with it."""
    where = Where()
    area = selection.area
    if area is not None:
        column = "district_id" if area.kind == Neighbourhood.Kind.DISTRICT else "neighbourhood_id"
        where.add(f"{column} = %s", area.pk)
    elif selection.municipality is not None:
        where.add("municipality_id = %s", selection.municipality.pk)
    elif scope.municipality_ids is not None:
        where.add_in("municipality_id", scope.municipality_ids)
    geography = bool(where.conditions)

    if selection.team is not None:
        where.add("team_id = %s", selection.team.pk)
    elif scope.restricted_to_teams:
        where.add_in("team_id", scope.team_ids)
    teams = len(where.conditions) > int(geography)

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
    return level, where


def _sums(
    scope: Scope,
    where: Where,
    by: tuple[str, ...],
    extra: dict[str, tuple[str, list]] | None = None,
):
    """The sums of the figures that meet the conditions, per `by`, in its order: a list of
    dicts like the ORM's values().annotate(). Written as SQL: a page asks a dozen of these,
    and building each through the ORM cost ten times running it. Kept per computation
    under the statement itself, so a key cannot serve another scope or selection."""
    extra = extra or {}
    splits = [f"{SPLIT_COLUMNS[name]} AS {name}" for name in by]
    sums = [f"{expression} AS {name}" for name, expression in SUM_COLUMNS.items()]
    extras = [f"{expression} AS {name}" for name, (expression, _params) in extra.items()]
    params = [param for _expression, extra_params in extra.values() for param in extra_params]
    query = (
        f"SELECT {', '.join([*splits, *extras, *sums])} FROM {Figure._meta.db_table}"  # noqa: S608
        f" WHERE {where.sql()}"
    )
    if by:
        columns = ", ".join(SPLIT_COLUMNS[name] for name in by)
        query += f" GROUP BY {columns} ORDER BY {columns}"
    params = [*params, *where.params]
    if scope.run_id is None:
        return _read(query, params, by)
    statement = repr((query, params)).encode()
    key = f"sums:{scope.run_id}:{hashlib.sha256(statement).hexdigest()}"
    kept = caches[FIGURE_CACHE].get(key)
    if kept is None:
        kept = _read(query, params, by)
        caches[FIGURE_CACHE].set(key, kept)
    return kept


def _read(query: str, params: list, by: tuple[str, ...]) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    if "month" in by:
        # SQLite may hand a date back as text.
        for row in rows:
            if isinstance(row["month"], str):
                row["month"] = date.fromisoformat(row["month"])
    return rows


def _within_selection(where: Where, level: int, measure: str, selection: Selection) -> None:
    where.add("level = %s", level)
    where.add("measure = %s", measure)
    adapt = connection.ops.adapt_datefield_value
    where.add("month >= %s", adapt(selection.start))
    where.add("month <= %s", adapt(selection.end))


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
    level, where = _level_and_where(scope, selection)
    _within_selection(where, level, measure, selection)
    if "theme" not in by:
        if all_themes or selection.theme is None:
            where.add("theme_id IS NULL")
        else:
            where.add("theme_id = %s", selection.theme.pk)
    elif selection.theme is not None:
        where.add("theme_id = %s", selection.theme.pk)
    else:
        where.add("theme_id IS NOT NULL")
    if key_prefix:
        where.add_key_prefix(key_prefix)
    if key is not None:
        where.add("key = %s", key)
    return _sums(scope, where, by)


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
    """Sums per team, district or neighbourhood over the selected period (and per `by`,
    such as the key or the theme), for comparisons, maps and cross tables; with
    `part_keys` also `part`: the n of those keys alone."""
    level = UNIT_LEVELS[unit]
    if unit in AREA_UNITS and (scope.restricted_to_teams or selection.team is not None):
        # Area rows add up every team; a reader of some teams needs their cells.
        level = Level.CELL
    column = f"{unit}_id"
    where = Where()
    _within_selection(where, level, measure, selection)
    if selection.theme is not None:
        where.add("theme_id = %s", selection.theme.pk)
    elif "theme" in by:
        where.add("theme_id IS NOT NULL")
    else:
        where.add("theme_id IS NULL")
    where.add(f"{column} IS NOT NULL")
    if scope.restricted_to_teams:
        where.add_in("team_id", scope.team_ids)
    if scope.municipality_ids is not None:
        if unit in AREA_UNITS:
            where.add_in("municipality_id", scope.municipality_ids)
        else:
            ids = sorted(scope.municipality_ids) or [None]
            where.add(
                f"team_id IN (SELECT id FROM {Team._meta.db_table}"  # noqa: S608
                f" WHERE municipality_id IN ({', '.join(['%s'] * len(ids))}))",
                *ids,
            )
    if selection.municipality is not None and unit in AREA_UNITS:
        where.add("municipality_id = %s", selection.municipality.pk)
    if selection.team is not None:
        where.add("team_id = %s", selection.team.pk)
    if key_prefix:
        where.add_key_prefix(key_prefix)
    extra = {}
    if part_keys:
        placeholders = ", ".join(["%s"] * len(part_keys))
        extra["part"] = (
            f"CAST(SUM(CASE WHEN key IN ({placeholders}) THEN n END) AS bigint)",
            list(part_keys),
        )
    return _sums(scope, where, (column, *by), extra)


def figures_per_municipality(start: date, end: date, measures: tuple[str, ...]):
    """The organisation's sums per municipality, month, theme and key of these measures:
    the rows an export adds up by its own groups (size classes, quarters). Only for
    readers who may see the whole organisation. Read in chunks, not held in memory."""
    return (
        Figure.objects.filter(
            level=Level.MUNICIPALITY,
            measure__in=measures,
            month__gte=start,
            month__lte=end,
        )
        .values("measure", "municipality_id", "month", "theme_id", "key", *SUM_COLUMNS)
        .order_by("measure", "municipality_id", "month", "theme_id", "key")
        .iterator(chunk_size=5000)
    )


def months_with_figures() -> tuple[date | None, date | None]:
    first = Figure.objects.filter(level=Level.ORGANISATION).order_by("month").first()
    last = Figure.objects.filter(level=Level.ORGANISATION).order_by("-month").first()
    return (first.month if first else None, last.month if last else None)


@dataclass(frozen=True)
class RunStatus:
    """The newest computation of any kind, the newest successful one (whose figures the
    pages show) and the one that waits or runs."""

    latest: StatisticsRun | None
    last_success: StatisticsRun | None
    active: StatisticsRun | None


def run_status() -> RunStatus:
    runs = StatisticsRun.objects
    return RunStatus(
        latest=runs.newest_first().first(),
        last_success=runs.succeeded().first(),
        active=runs.active().first(),
    )


@dataclass(frozen=True)
class PathChange:
    """What changed between the self-scan at the start and at the end of a learning path,
    for everyone who finished it (every version): told only for a group large enough.
    `parts` has the change per dimension of the self-scan, in its order."""

    instrument: str
    instrument_name: str
    estimate: ChangeEstimate
    parts: list[tuple[str, ChangeEstimate]] = field(default_factory=list)


def _path_estimate(sums: dict | None) -> ChangeEstimate:
    sums = sums or {}
    n = int(sums.get("n") or 0)
    improved, worsened = int(sums.get("above") or 0), int(sums.get("below") or 0)
    return paired_change(
        diff=Sums(n, sums.get("total"), sums.get("total_sq")),
        pre=Sums(n, sums.get("base_total"), sums.get("base_total_sq")),
        improved=improved,
        unchanged=n - improved - worsened,
        worsened=worsened,
    )


def learning_path_change(version) -> PathChange | None:
    """None when the version does not measure with the same self-scan at both ends."""
    code = version.pre_measurement
    if not code or code != version.post_measurement:
        return None
    prefix = f"learning|{version.path.slug}|{code}|"
    rows = (
        Figure.objects.filter(
            level=Level.ORGANISATION,
            measure="learning_pair",
            key__startswith=prefix,
            theme__isnull=True,
        )
        .values("key")
        .annotate(
            n=Sum("n"),
            total=Sum("total"),
            total_sq=Sum("total_sq"),
            base_total=Sum("base_total"),
            base_total_sq=Sum("base_total_sq"),
            above=Sum("above"),
            below=Sum("below"),
        )
    )
    sums = {row["key"].removeprefix(prefix): row for row in rows}
    instrument = Instrument.objects.filter(code=code).first()
    dimensions = Dimension.objects.filter(
        version__is_current=True, version__instrument__code=code
    ).order_by("order", "pk")
    return PathChange(
        instrument=code,
        instrument_name=instrument.name if instrument else code,
        estimate=_path_estimate(sums.get("")),
        parts=[
            (dimension.name, _path_estimate(sums[dimension.code]))
            for dimension in dimensions
            if dimension.code in sums
        ],
    )
