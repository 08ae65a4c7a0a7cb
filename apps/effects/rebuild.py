"""Computing the statistics tables from the raw tables, in the database.

Every figure is one INSERT … SELECT with GROUP BY over the raw rows: no row of a dossier,
contact or questionnaire ever travels to Python. A measure describes its facts (one row
per contact, dossier, question, score or pair, with the month and the place in the
organisation it belongs to); the engine adds the theme rows, groups at each level and
writes the figures. On PostgreSQL one statement per measure groups its facts at every level
at once (GROUPING SETS). On SQLite, which has no grouping sets, additive measures are
grouped once at the finest level (CELL) and the other levels add those rows up, and counts
of distinct clients are grouped from the raw rows at every level: a client seen by two
teams is one client of the organisation.

Table names and fixed SQL fragments are formatted into the statements; every value from
outside (months, time zone, thresholds) is a query parameter.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import connection
from django.utils import timezone

from apps.dossiers.models import Client, ContactMoment, Dossier, RegisteredQuestion
from apps.effects import sql
from apps.effects.inference import CHANGE_THRESHOLDS
from apps.effects.journal import next_month
from apps.effects.models import Figure, Level
from apps.learning.models import Cohort, Enrolment, LearningPath, PathVersion, StepProgress
from apps.organisation.models import Neighbourhood, Team, TeamMembership
from apps.questionnaires.models import (
    Dimension,
    DimensionScore,
    Instrument,
    InstrumentVersion,
    Response,
)

TABLES = {
    "figure": Figure._meta.db_table,
    "client": Client._meta.db_table,
    "contact": ContactMoment._meta.db_table,
    "dossier": Dossier._meta.db_table,
    "question": RegisteredQuestion._meta.db_table,
    "neighbourhood": Neighbourhood._meta.db_table,
    "team": Team._meta.db_table,
    "membership": TeamMembership._meta.db_table,
    "response": Response._meta.db_table,
    "version": InstrumentVersion._meta.db_table,
    "instrument": Instrument._meta.db_table,
    "score": DimensionScore._meta.db_table,
    "dimension": Dimension._meta.db_table,
    "enrolment": Enrolment._meta.db_table,
    "progress": StepProgress._meta.db_table,
    "path_version": PathVersion._meta.db_table,
    "path": LearningPath._meta.db_table,
    "cohort": Cohort._meta.db_table,
}

# The columns every measure's facts have, in this order.
FACT_COLUMNS = (
    "month",
    "dossier_id",
    "team_id",
    "municipality_id",
    "district_id",
    "neighbourhood_id",
    "own_theme_id",
    "key",
    "value",
    "client_id",
    "base",
    "above",
    "below",
)

LEVEL_COLUMNS: dict[int, tuple[str, ...]] = {
    Level.CELL: ("team_id", "municipality_id", "district_id", "neighbourhood_id"),
    Level.TEAM: ("team_id",),
    Level.NEIGHBOURHOOD: ("municipality_id", "district_id", "neighbourhood_id"),
    Level.DISTRICT: ("municipality_id", "district_id"),
    Level.MUNICIPALITY: ("municipality_id",),
    Level.ORGANISATION: (),
}
GEOGRAPHY = ("team_id", "municipality_id", "district_id", "neighbourhood_id")
# The place columns a level adds up, typed: in the subquery that numbers the figures a bare
# NULL would be text to PostgreSQL, which does not turn text into a number on insert.
NO_PLACE = "CAST(NULL AS bigint)"
NO_COUNT = NO_PLACE
NO_SUM = "CAST(NULL AS double precision)"
FIGURE_COLUMNS = (
    "level, month, team_id, municipality_id, district_id, neighbourhood_id, theme_id, "
    "measure, key, n, total, total_sq, base_total, base_total_sq, above, below"
)

# Kinds of contact that count as online in the blended-work mix. A phone call is remote
# but not online; it is shown as its own share.
ONLINE_MODES = (ContactMoment.Mode.VIDEO, ContactMoment.Mode.MESSAGE)
# Below this share of the scale a dimension score counts as low, from this share up as high
# (5 and 7 on a 0-10 scale, the marks Dutch readers know from school).
LOW_SHARE = 0.5
HIGH_SHARE = 0.7
# Decimal scores become floating point in SQLite: 6.3 - 5.3 may come out as 0.99999.
ROUNDING_MARGIN = 1e-6


@dataclass(frozen=True)
class Months:
    """Which months to compute: all (None) or a given set of first days of months, and
    the months in which only the measures counted from contact moments are computed
    (journal.Stale)."""

    months: tuple[date, ...] | None = None
    contacts_only: tuple[date, ...] = ()

    def of(self, measure: "Measure") -> "Months":
        """The months in which this measure is computed."""
        if not measure.from_contacts or not self.contacts_only:
            return Months(self.months)
        return Months(tuple(sorted({*self.months, *self.contacts_only})))

    def split(self) -> tuple["Months", "Months"]:
        """The months computed whole, and those in which only the contact figures are."""
        return Months(self.months), Months((), self.contacts_only)

    def whole(self, months) -> "Months":
        """These months computed whole, not only their contact figures."""
        if self.months is None:
            return self
        moved = set(months) & set(self.contacts_only)
        return Months(
            tuple(sorted({*self.months, *moved})),
            tuple(sorted(set(self.contacts_only) - moved)),
        )

    def written(self) -> tuple[date, ...] | None:
        """Every month that gets figures written: all (None) or these."""
        if self.months is None:
            return None
        return tuple(sorted({*self.months, *self.contacts_only}))

    def condition(self, month_expression: str, expression_params=()) -> tuple[str, list]:
        """The months as a condition on an expression, with the expression's own
        parameters (the time zone of a datetime's month) ahead of the months."""
        if self.months is None:
            return "", []
        condition = f" AND {month_expression} IN ({sql.placeholders(self.months)})"
        return condition, [*expression_params, *self.months]

    def _runs(self) -> list[tuple[date, date]]:
        """The months as runs of consecutive months: (first month, the month after)."""
        runs: list[tuple[date, date]] = []
        for month in sorted(self.months):
            if runs and runs[-1][1] == month:
                runs[-1] = (runs[-1][0], next_month(month))
            else:
                runs.append((month, next_month(month)))
        return runs

    def _within(self, column: str, bounds: list) -> tuple[str, list]:
        ranges = " OR ".join(f"({column} >= %s AND {column} < %s)" for _ in bounds[::2])
        return f" AND ({ranges})", bounds

    def datetime_within(self, column: str) -> tuple[str, list]:
        """The months as ranges of the raw timestamp, from midnight on the first in the
        local time zone: exactly the rows of those months, found by the column's index
        and counted right by the planner (a condition on the month computed from the
        column it can only guess, and it guessed a hundred rows for sixty thousand)."""
        if self.months is None:
            return "", []
        zone = timezone.get_default_timezone()
        # In the form the column holds: SQLite compares text, and a contact at 00:15 on
        # 1 March in Amsterdam, stored as "2025-02-28 23:15:00" (UTC), would sort before a
        # bound written as "2025-03-01 00:00:00+01:00" and be left out.
        adapt = connection.ops.adapt_datetimefield_value
        bounds = [
            adapt(datetime.combine(bound, time.min, tzinfo=zone))
            for run in self._runs()
            for bound in run
        ]
        return self._within(column, bounds)

    def date_within(self, column: str) -> tuple[str, list]:
        """The months as ranges of a date column."""
        if self.months is None:
            return "", []
        adapt = connection.ops.adapt_datefield_value
        return self._within(column, [adapt(bound) for run in self._runs() for bound in run])


@dataclass(frozen=True)
class Measure:
    name: str
    facts: Callable[[Months], tuple[str, list]]
    # Where theme rows come from: the themes of the fact's dossier, the fact's own theme
    # (a registered question), or none (only the all-themes row).
    themes: str = "dossier"
    # Distinct clients: grouped from the raw rows at every level.
    distinct: bool = False
    # Levels this measure has; staff surveys belong to teams, not to areas.
    levels: tuple[int, ...] = tuple(Level)
    # Counted from contact moments: computed again when contact moments alone changed.
    from_contacts: bool = False


def _select(
    *expressions: str, base: str | None = None, above: str | None = None, below: str | None = None
) -> str:
    """SELECT of fact columns, named, in FACT_COLUMNS order. Only scores and pairs have a
    base (the score before) and count facts above or below their margins; other figures
    leave those empty (NULL: a fifth less to write than zeros)."""
    # A bare NULL would be text to PostgreSQL, which cannot add it up.
    expressions = (
        *expressions,
        base or NO_SUM,
        above or NO_COUNT,
        below or NO_COUNT,
    )
    if len(expressions) != len(FACT_COLUMNS):
        raise ValueError("A fact has exactly the columns of FACT_COLUMNS.")
    named = ", ".join(f"{e} AS {c}" for e, c in zip(expressions, FACT_COLUMNS, strict=True))
    return f"SELECT {named}"


def _dossier_geography(dossier: str = "d") -> str:
    """Joins from a dossier to its team and its client's neighbourhood."""
    return (
        f" JOIN {TABLES['team']} t ON t.id = {dossier}.team_id"
        f" JOIN {TABLES['client']} c ON c.id = {dossier}.client_id"
        f" LEFT JOIN {TABLES['neighbourhood']} nb ON nb.id = c.neighbourhood_id"
    )


# team, municipality, district, neighbourhood of the joins above. A client whose address
# lies in no known neighbourhood counts in the municipality of the team.
GEOGRAPHY_COLUMNS = (
    "t.id",
    "COALESCE(nb.municipality_id, t.municipality_id)",
    "CASE WHEN nb.kind = 'wijk' THEN nb.id ELSE nb.district_id END",
    "CASE WHEN nb.kind = 'buurt' THEN nb.id END",
)


def _contact_facts(months: Months) -> tuple[str, list]:
    month, params = sql.month_of_datetime("cm.occurred_at")
    within, within_params = months.datetime_within("cm.occurred_at")
    query = (
        _select(
            month,
            "d.id",
            *GEOGRAPHY_COLUMNS,
            "NULL",
            "cm.mode",
            "cm.duration_minutes",
            "d.client_id",
        )
        + f" FROM {TABLES['contact']} cm JOIN {TABLES['dossier']} d ON d.id = cm.dossier_id"
        f"{_dossier_geography()} WHERE 1 = 1{within}"
    )
    return query, params + within_params


def _first_self_scan_month() -> tuple[str, list]:
    """Per client the month of their first self-scan filled in alone."""
    month, params = sql.month_of_datetime("MIN(r.completed_at)")
    query = (
        f"SELECT COALESCE(r.client_id, rd.client_id) AS client_id, {month} AS first_month"
        f" FROM {TABLES['response']} r"
        f" JOIN {TABLES['version']} v ON v.id = r.version_id"
        f" JOIN {TABLES['instrument']} i ON i.id = v.instrument_id"
        f" LEFT JOIN {TABLES['dossier']} rd ON rd.id = r.dossier_id"
        f" WHERE r.status = 'completed' AND r.mode = 'self' AND i.filled_by = 'resident'"
        f" AND i.purpose <> 'survey' AND COALESCE(r.client_id, rd.client_id) IS NOT NULL"
        f" GROUP BY COALESCE(r.client_id, rd.client_id)"
    )
    return query, params


def _reach_facts(months: Months) -> tuple[str, list]:
    """Clients with a contact in the month; value 1 when they had filled in a self-scan
    by the end of that month."""
    contacts, contact_params = _contact_facts(months)
    first_scan, scan_params = _first_self_scan_month()
    query = (
        _select(
            "f.month",
            "f.dossier_id",
            "f.team_id",
            "f.municipality_id",
            "f.district_id",
            "f.neighbourhood_id",
            "NULL",
            "''",
            "CASE WHEN s.first_month <= f.month THEN 1 ELSE 0 END",
            "f.client_id",
        )
        + f" FROM ({contacts}) f"
        f" LEFT JOIN ({first_scan}) s ON s.client_id = f.client_id"
    )
    return query, contact_params + scan_params


def _new_dossier_facts(months: Months) -> tuple[str, list]:
    """Dossiers started in the month, by source; value 1 when the client had filled in a
    self-scan alone on or before the start."""
    month = sql.month_of_date("d.started_on")
    within, within_params = months.date_within("d.started_on")
    scan_day, scan_params = sql.date_of_datetime("r.completed_at")
    scanned = (
        f"CASE WHEN EXISTS (SELECT 1 FROM {TABLES['response']} r"
        f" JOIN {TABLES['version']} v ON v.id = r.version_id"
        f" JOIN {TABLES['instrument']} i ON i.id = v.instrument_id"
        f" WHERE r.client_id = d.client_id AND r.status = 'completed' AND r.mode = 'self'"
        f" AND i.filled_by = 'resident' AND i.purpose <> 'survey'"
        f" AND {scan_day} <= d.started_on) THEN 1 ELSE 0 END"
    )
    query = (
        f"{_select(month, 'd.id', *GEOGRAPHY_COLUMNS, 'NULL', 'd.source', scanned, 'd.client_id')}"
        f" FROM {TABLES['dossier']} d{_dossier_geography()} WHERE 1 = 1{within}"
    )
    return query, scan_params + within_params


def _closed_dossier_facts(months: Months) -> tuple[str, list]:
    """Dossiers closed in the month, by reason; value is the length in days."""
    month = sql.month_of_date("d.ended_on")
    within, within_params = months.date_within("d.ended_on")
    query = (
        _select(
            month,
            "d.id",
            *GEOGRAPHY_COLUMNS,
            "NULL",
            "d.closing_reason",
            sql.days_between("d.started_on", "d.ended_on"),
            "d.client_id",
        )
        + f" FROM {TABLES['dossier']} d{_dossier_geography()}"
        f" WHERE d.status = 'closed' AND d.ended_on IS NOT NULL{within}"
    )
    return query, within_params


def _question_facts(months: Months) -> tuple[str, list]:
    month, params = sql.month_of_datetime("q.registered_at")
    within, within_params = months.datetime_within("q.registered_at")
    query = (
        f"{_select(month, 'd.id', *GEOGRAPHY_COLUMNS, 'q.theme_id', "''", '1', 'd.client_id')}"
        f" FROM {TABLES['question']} q JOIN {TABLES['dossier']} d ON d.id = q.dossier_id"
        f"{_dossier_geography()} WHERE 1 = 1{within}"
    )
    return query, params + within_params


def _response_frame(
    months: Months, *, purposes_sql: str, extra_joins: str = ""
) -> tuple[str, str, list]:
    """FROM and WHERE of completed responses with the place they belong to: the team of
    their dossier (none for a scan outside support) and the client's neighbourhood (none
    for an anonymous scan, which counts only for the organisation)."""
    month, params = sql.month_of_datetime("r.completed_at")
    within, within_params = months.datetime_within("r.completed_at")
    source = (
        f" FROM {TABLES['response']} r"
        f" JOIN {TABLES['version']} v ON v.id = r.version_id"
        f" JOIN {TABLES['instrument']} i ON i.id = v.instrument_id"
        f" LEFT JOIN {TABLES['dossier']} d ON d.id = r.dossier_id"
        f" LEFT JOIN {TABLES['team']} t ON t.id = d.team_id"
        f" LEFT JOIN {TABLES['client']} c ON c.id = COALESCE(r.client_id, d.client_id)"
        f" LEFT JOIN {TABLES['neighbourhood']} nb ON nb.id = c.neighbourhood_id{extra_joins}"
        f" WHERE r.status = 'completed' AND i.purpose IN ({purposes_sql}){within}"
    )
    return month, source, params + within_params


def _scan_facts(months: Months) -> tuple[str, list]:
    """Self-scans filled in, by instrument; value 1 when filled in alone."""
    month, source, params = _response_frame(months, purposes_sql="'conversation', 'measurement'")
    alone = "CASE WHEN r.mode = 'self' THEN 1 ELSE 0 END"
    query = (
        f"{_select(month, 'd.id', *GEOGRAPHY_COLUMNS, 'NULL', 'i.code', alone, 'c.id')}"
        f"{source} AND i.filled_by = 'resident'"
    )
    return query, params


def _share_of_scale(score: str) -> str:
    return f"(({score}) - v.scale_min) * 1.0 / (v.scale_max - v.scale_min)"


def _high(score: str) -> str:
    return f"CASE WHEN {_share_of_scale(score)} >= {HIGH_SHARE} THEN 1 ELSE 0 END"


def _low(score: str) -> str:
    return f"CASE WHEN {_share_of_scale(score)} < {LOW_SHARE} THEN 1 ELSE 0 END"


def _score_facts(months: Months) -> tuple[str, list]:
    """Dimension scores and overall scores of completed questionnaires, staff surveys
    left out; the key is "instrument|dimension" ("instrument|" for the overall score).
    Above counts the high scores, below the low ones: the distribution of low, middle and
    high that the spider web is shown as."""
    # Worker-filled measurement scales (ZRM) count; the staff survey has its own measure.
    not_staff = " AND NOT (i.purpose = 'survey' AND i.filled_by = 'worker')"
    purposes = "'conversation', 'measurement', 'survey'"
    month, dimensions, params = _response_frame(
        months,
        purposes_sql=purposes,
        extra_joins=(
            f" JOIN {TABLES['score']} ds ON ds.response_id = r.id"
            f" JOIN {TABLES['dimension']} dim ON dim.id = ds.dimension_id"
        ),
    )
    _, overall, overall_params = _response_frame(months, purposes_sql=purposes)
    dimension_score = sql.as_float("ds.score")
    overall_score = sql.as_float("r.overall_score")
    query = (
        _select(
            month,
            "d.id",
            *GEOGRAPHY_COLUMNS,
            "NULL",
            "i.code || '|' || dim.code",
            dimension_score,
            "c.id",
            above=_high(dimension_score),
            below=_low(dimension_score),
        )
        + f"{dimensions}{not_staff} AND ds.score IS NOT NULL UNION ALL "
        + _select(
            month,
            "d.id",
            *GEOGRAPHY_COLUMNS,
            "NULL",
            "i.code || '|'",
            overall_score,
            "c.id",
            above=_high(overall_score),
            below=_low(overall_score),
        )
        + f"{overall}{not_staff} AND r.overall_score IS NOT NULL"
    )
    return query, params + overall_params


def _survey_facts(months: Months, *, per_team: bool) -> tuple[str, list]:
    """Staff survey scores per construct (key "instrument|dimension"): per team of the
    respondent, or once per response for the organisation."""
    month, params = sql.month_of_datetime("r.completed_at")
    within, within_params = months.datetime_within("r.completed_at")
    team_join = f" JOIN {TABLES['membership']} m ON m.user_id = r.respondent_id" if per_team else ""
    team = "m.team_id" if per_team else "NULL"
    score = sql.as_float("ds.score")
    key = "i.code || '|' || dim.code"
    query = (
        f"{_select(month, 'NULL', team, 'NULL', 'NULL', 'NULL', 'NULL', key, score, 'NULL')}"
        f" FROM {TABLES['response']} r"
        f" JOIN {TABLES['version']} v ON v.id = r.version_id"
        f" JOIN {TABLES['instrument']} i ON i.id = v.instrument_id"
        f" JOIN {TABLES['score']} ds ON ds.response_id = r.id"
        f" JOIN {TABLES['dimension']} dim ON dim.id = ds.dimension_id{team_join}"
        f" WHERE r.status = 'completed' AND i.purpose = 'survey' AND i.filled_by = 'worker'"
        f" AND ds.score IS NOT NULL{within}"
    )
    return query, params + within_params


PAIR_KINDS = ("first_last", "intake_closing")


def _threshold_case() -> tuple[str, list]:
    if not CHANGE_THRESHOLDS:
        return "NULL", []
    whens = " ".join("WHEN %s THEN %s" for _ in CHANGE_THRESHOLDS)
    params: list = []
    for code, threshold in CHANGE_THRESHOLDS.items():
        params += [code, float(threshold.points) - ROUNDING_MARGIN]
    return f"CASE p.instrument_code {whens} END", params


def _scored_pairs(columns: str) -> str:
    """The overall scores and the dimension scores before and after of the CTE `pairs`
    (with pre_id and post_id), each row with the pair's `columns`, its dimension ('' for
    overall), before and after."""
    overall = (
        f"SELECT {columns}, '' AS dimension, {sql.as_float('pre.overall_score')} AS before,"
        f" {sql.as_float('post.overall_score')} AS after"
        f" FROM pairs p JOIN {TABLES['response']} pre ON pre.id = p.pre_id"
        f" JOIN {TABLES['response']} post ON post.id = p.post_id"
        f" WHERE pre.overall_score IS NOT NULL AND post.overall_score IS NOT NULL"
    )
    per_dimension = (
        f"SELECT {columns}, dpost.code, {sql.as_float('spre.score')},"
        f" {sql.as_float('spost.score')}"
        f" FROM pairs p JOIN {TABLES['score']} spost ON spost.response_id = p.post_id"
        f" JOIN {TABLES['dimension']} dpost ON dpost.id = spost.dimension_id"
        f" JOIN {TABLES['score']} spre ON spre.response_id = p.pre_id"
        f" JOIN {TABLES['dimension']} dpre ON dpre.id = spre.dimension_id"
        f" AND dpre.code = dpost.code"
        f" WHERE spre.score IS NOT NULL AND spost.score IS NOT NULL"
    )
    return f"{overall} UNION ALL {per_dimension}"


def pair_scores_sql(months: Months) -> tuple[str, list]:
    """One row per pair of measurements in a dossier, per dimension and overall: kind,
    instrument, dimension, the month of the later measurement, before, after, threshold.

    Pairs are made of completed measurement scales (not conversation tools, not surveys)
    within one dossier: the first and the last, and the last at intake with the last at
    closing."""
    month, month_params = sql.month_of_datetime("p.post_at")
    when, when_params = months.condition(month, month_params)
    threshold, threshold_params = _threshold_case()
    # A pair belongs to the month of its later measurement: only dossiers with a
    # measurement completed in the months can have one there.
    measured, measured_params = months.datetime_within("mr.completed_at")
    in_months = (
        f" AND r.dossier_id IN (SELECT mr.dossier_id FROM {TABLES['response']} mr"
        f" WHERE mr.status = 'completed'{measured})"
        if months.months is not None
        else ""
    )
    ranked = (
        f"SELECT r.id, r.dossier_id, i.code AS instrument_code, r.completed_at, r.moment,"
        f" ROW_NUMBER() OVER (PARTITION BY r.dossier_id, i.id"
        f" ORDER BY r.completed_at, r.id) AS first_rank,"
        f" ROW_NUMBER() OVER (PARTITION BY r.dossier_id, i.id"
        f" ORDER BY r.completed_at DESC, r.id DESC) AS last_rank,"
        f" ROW_NUMBER() OVER (PARTITION BY r.dossier_id, i.id, r.moment"
        f" ORDER BY r.completed_at DESC, r.id DESC) AS moment_rank"
        f" FROM {TABLES['response']} r JOIN {TABLES['version']} v ON v.id = r.version_id"
        f" JOIN {TABLES['instrument']} i ON i.id = v.instrument_id"
        f" WHERE r.status = 'completed' AND r.dossier_id IS NOT NULL"
        f" AND i.purpose = 'measurement'{in_months}"
    )
    # Each dossier's and instrument's first, last, last-at-intake and last-at-closing
    # measurement in one pass, and the pairs from those. Not a join of `ranked` with itself:
    # the planner cannot estimate the rank filters and chose a nested loop over every two
    # measurements (20,000 squared in the large demo set: 36 s a statement).
    ends = (
        "SELECT dossier_id, instrument_code,"
        " MAX(CASE WHEN first_rank = 1 THEN id END) AS first_id,"
        " MAX(CASE WHEN last_rank = 1 THEN id END) AS last_id,"
        " MAX(CASE WHEN last_rank = 1 THEN completed_at END) AS last_at,"
        " MAX(CASE WHEN moment = 'intake' AND moment_rank = 1 THEN id END) AS intake_id,"
        " MAX(CASE WHEN moment = 'intake' AND moment_rank = 1 THEN completed_at END)"
        " AS intake_at,"
        " MAX(CASE WHEN moment = 'closing' AND moment_rank = 1 THEN id END) AS closing_id,"
        " MAX(CASE WHEN moment = 'closing' AND moment_rank = 1 THEN completed_at END)"
        " AS closing_at"
        " FROM ranked GROUP BY dossier_id, instrument_code"
    )
    pairs = (
        "SELECT 'first_last' AS kind, dossier_id, instrument_code, first_id AS pre_id,"
        " last_id AS post_id, last_at AS post_at FROM ends WHERE first_id <> last_id"
        " UNION ALL SELECT 'intake_closing', dossier_id, instrument_code, intake_id,"
        " closing_id, closing_at FROM ends WHERE intake_at < closing_at"
    )
    query = (
        f"WITH ranked AS ({ranked}), ends AS ({ends}), pairs AS ({pairs}),"
        f" scored AS ({_scored_pairs('p.kind, p.dossier_id, p.instrument_code, p.post_at')})"
        f" SELECT p.kind, p.dossier_id, p.instrument_code, p.dimension,"
        f" {month} AS month, p.before, p.after, {threshold} AS threshold"
        f" FROM scored p WHERE 1 = 1{when}"
    )
    # In the order of the placeholders: the dossiers measured in the months, the month,
    # the thresholds, the condition.
    return query, measured_params + month_params + threshold_params + when_params


def _pair_facts(months: Months) -> tuple[str, list]:
    """Facts of the pairs: the change as value, the score before as base, and above or
    below for a pair that improved or worsened by at least the instrument's threshold."""
    pairs, params = pair_scores_sql(months)
    key = "p.kind || '|' || p.instrument_code || '|' || p.dimension"
    query = _select(
        "p.month",
        "d.id",
        *GEOGRAPHY_COLUMNS,
        "NULL",
        key,
        "p.after - p.before",
        "d.client_id",
        base="p.before",
        above="CASE WHEN p.after - p.before >= p.threshold THEN 1 ELSE 0 END",
        below="CASE WHEN p.before - p.after >= p.threshold THEN 1 ELSE 0 END",
    ) + (
        f" FROM ({pairs}) p JOIN {TABLES['dossier']} d ON d.id = p.dossier_id{_dossier_geography()}"
    )
    return query, params


def _learning_pair_facts(months: Months) -> tuple[str, list]:
    """Per learner who finished a learning path that measures with the same self-scan at
    the start and at the end: the change from the last scan filled in before their first
    finished step to the first one filled in after they finished, overall and per
    dimension (key "learning|path|instrument|dimension"). The fact belongs to the month of
    the later scan and to the team of the learner's group, if they were in one."""
    month, month_params = sql.month_of_datetime("p.post_at")
    when, when_params = months.condition(month, month_params)
    threshold, threshold_params = _threshold_case()
    scans = (
        f"SELECT r.id, r.respondent_id, i.code, r.completed_at"
        f" FROM {TABLES['response']} r JOIN {TABLES['version']} v ON v.id = r.version_id"
        f" JOIN {TABLES['instrument']} i ON i.id = v.instrument_id"
        f" WHERE r.status = 'completed' AND r.respondent_id IS NOT NULL"
    )
    finished = (
        f"SELECT e.id, e.learner_id, e.completed_at, e.cohort_id, lp.slug,"
        f" pv.pre_measurement AS code,"
        f" (SELECT MIN(g.completed_at) FROM {TABLES['progress']} g"
        f" WHERE g.enrolment_id = e.id AND g.completed_at IS NOT NULL) AS first_done"
        f" FROM {TABLES['enrolment']} e JOIN {TABLES['path_version']} pv ON pv.id = e.version_id"
        f" JOIN {TABLES['path']} lp ON lp.id = e.path_id"
        f" WHERE e.completed_at IS NOT NULL AND pv.pre_measurement <> ''"
        f" AND pv.pre_measurement = pv.post_measurement"
    )
    ends = (
        "SELECT f.id AS enrolment_id, f.cohort_id, f.slug, f.code AS instrument_code,"
        " (SELECT x.id FROM scans x WHERE x.respondent_id = f.learner_id AND x.code = f.code"
        " AND x.completed_at <= f.first_done ORDER BY x.completed_at DESC, x.id DESC LIMIT 1)"
        " AS pre_id,"
        " (SELECT y.id FROM scans y WHERE y.respondent_id = f.learner_id AND y.code = f.code"
        " AND y.completed_at >= f.completed_at ORDER BY y.completed_at, y.id LIMIT 1)"
        " AS post_id"
        " FROM finished f"
    )
    pairs = (
        f"SELECT ends.*, post.completed_at AS post_at FROM ends"
        f" JOIN {TABLES['response']} post ON post.id = ends.post_id"
        f" WHERE ends.pre_id IS NOT NULL"
    )
    key = "'learning|' || p.slug || '|' || p.instrument_code || '|' || p.dimension"
    query = _select(
        f"{month}",
        NO_PLACE,
        "t.id",
        "t.municipality_id",
        NO_PLACE,
        NO_PLACE,
        "NULL",
        key,
        "p.after - p.before",
        NO_PLACE,
        base="p.before",
        above=f"CASE WHEN p.after - p.before >= {threshold} THEN 1 ELSE 0 END",
        below=f"CASE WHEN p.before - p.after >= {threshold} THEN 1 ELSE 0 END",
    ) + (
        f" FROM (WITH scans AS ({scans}), finished AS ({finished}), ends AS ({ends}),"
        f" pairs AS ({pairs})"
        f" {_scored_pairs('p.enrolment_id, p.cohort_id, p.slug, p.instrument_code, p.post_at')}) p"
        f" LEFT JOIN {TABLES['cohort']} co ON co.id = p.cohort_id"
        f" LEFT JOIN {TABLES['team']} t ON t.id = co.team_id"
        f" WHERE 1 = 1{when}"
    )
    # In the order of the placeholders: the month, the two thresholds, the condition.
    return query, month_params + threshold_params * 2 + when_params


TEAM_LEVELS = (Level.TEAM, Level.ORGANISATION)

MEASURES: tuple[Measure, ...] = (
    Measure("contacts", _contact_facts, from_contacts=True),
    Measure("clients_reached", _reach_facts, distinct=True, from_contacts=True),
    Measure("dossiers_new", _new_dossier_facts),
    Measure("dossiers_closed", _closed_dossier_facts),
    Measure("questions", _question_facts, themes="own"),
    Measure("scans", _scan_facts),
    Measure("score", _score_facts),
    Measure("pair", _pair_facts),
    Measure(
        "staff_survey",
        lambda months: _survey_facts(months, per_team=True),
        themes="none",
        levels=TEAM_LEVELS,
    ),
    # Learners need not be clients: their change counts for the organisation only.
    Measure("learning_pair", _learning_pair_facts, themes="none", levels=(Level.ORGANISATION,)),
)


def _themed(themes: str) -> str:
    columns = ", ".join(f"f.{column}" for column in FACT_COLUMNS if column != "own_theme_id")
    all_themes = f"SELECT {columns}, CAST(NULL AS integer) AS theme_id FROM facts f"
    if themes == "dossier":
        return (
            f"{all_themes} UNION ALL SELECT {columns}, dt.theme_id FROM facts f"
            f" JOIN (SELECT DISTINCT dossier_id, theme_id FROM {TABLES['question']}) dt"
            f" ON dt.dossier_id = f.dossier_id"
        )
    if themes == "own":
        return (
            f"{all_themes} UNION ALL SELECT {columns}, f.own_theme_id FROM facts f"
            f" WHERE f.own_theme_id IS NOT NULL"
        )
    return all_themes


# n: the distinct clients; total: those of them with value 1.
DISTINCT_AGGREGATES = (
    "COUNT(DISTINCT client_id), COUNT(DISTINCT CASE WHEN value = 1 THEN client_id END), 0,"
    f" {NO_SUM}, {NO_SUM}, {NO_COUNT}, {NO_COUNT}"
)
# The baseline and the margins stay empty where the facts have none.
ADDITIVE_AGGREGATES = (
    "COUNT(*), COALESCE(SUM(value), 0), COALESCE(SUM(value * value), 0),"
    " SUM(base), SUM(base * base), SUM(above), SUM(below)"
)


def _grouped_select(measure: Measure, level: int, facts: str, params: list) -> tuple[str, list]:
    columns = LEVEL_COLUMNS[level]
    select_geography = ", ".join(column if column in columns else NO_PLACE for column in GEOGRAPHY)
    group_by = ", ".join(("month", *columns, "theme_id", "key"))
    aggregates = DISTINCT_AGGREGATES if measure.distinct else ADDITIVE_AGGREGATES
    named = ", ".join(FACT_COLUMNS)
    select = (
        f"WITH facts ({named}) AS ({facts}), themed AS ({_themed(measure.themes)})"
        f" SELECT %s, month, {select_geography}, theme_id, %s, key, {aggregates}"
        f" FROM themed GROUP BY {group_by}"
    )
    return select, [*params, level, measure.name]


def _grouping_sets_select(measure: Measure, facts: str, params: list) -> tuple[str, list]:
    """Every level of a measure in one statement (PostgreSQL's GROUPING SETS): the facts
    are computed and read once instead of once per level, and no level is read back from
    the figures. GROUPING() says which place columns a row adds up, and so its level."""
    levels = measure.levels
    sets = ", ".join(f"({', '.join(LEVEL_COLUMNS[level])})" for level in levels)
    bits = {
        level: sum(
            1 << (len(GEOGRAPHY) - 1 - index)
            for index, column in enumerate(GEOGRAPHY)
            if column not in LEVEL_COLUMNS[level]
        )
        for level in levels
    }
    level_case = " ".join(f"WHEN {bits[level]} THEN {int(level)}" for level in levels)
    grouping = f"GROUPING({', '.join(GEOGRAPHY)})"
    aggregates = DISTINCT_AGGREGATES if measure.distinct else ADDITIVE_AGGREGATES
    named = ", ".join(FACT_COLUMNS)
    select = (
        f"WITH facts ({named}) AS ({facts}), themed AS ({_themed(measure.themes)})"
        f" SELECT CASE {grouping} {level_case} END, month, {', '.join(GEOGRAPHY)}, theme_id,"
        f" %s, key, {aggregates}"
        f" FROM themed GROUP BY month, theme_id, key, GROUPING SETS ({sets})"
    )
    return select, [*params, measure.name]


# Where a coarser level of an additive measure is added up from: the finest level that
# holds it whole. A district adds up its neighbourhoods' rows, a municipality its
# districts', the organisation its municipalities': each reads a fraction of the CELL rows
# (in the large demo set 7 million CELL rows against 1 million of municipalities).
ROLLUP_SOURCE = {
    Level.TEAM: Level.CELL,
    Level.NEIGHBOURHOOD: Level.CELL,
    Level.DISTRICT: Level.NEIGHBOURHOOD,
    Level.MUNICIPALITY: Level.DISTRICT,
    Level.ORGANISATION: Level.MUNICIPALITY,
}


def _rollup_select(
    level: int, measures: Sequence[str], months: Months, target: str
) -> tuple[str, list]:
    """A coarser level of additive measures added up from a finer one (ROLLUP_SOURCE);
    steps() writes the finer level first."""
    columns = LEVEL_COLUMNS[level]
    select_geography = ", ".join(column if column in columns else NO_PLACE for column in GEOGRAPHY)
    group_by = ", ".join(("month", *columns, "theme_id", "measure", "key"))
    when, when_params = months.condition("month")
    select = (
        f"SELECT %s, month, {select_geography}, theme_id, measure, key,"
        f" SUM(n), SUM(total), SUM(total_sq), SUM(base_total), SUM(base_total_sq),"
        f" SUM(above), SUM(below) FROM {target}"
        f" WHERE level = %s AND measure IN ({sql.placeholders(measures)}){when}"
        f" GROUP BY {group_by}"
    )
    return select, [level, ROLLUP_SOURCE[level], *measures, *when_params]


@dataclass(frozen=True)
class Step:
    """One statement of a computation: a SELECT of figures (FIGURE_COLUMNS, in order) and
    the table they are written to."""

    label: str
    select: str
    params: list
    target: str = TABLES["figure"]

    @property
    def statement(self) -> str:
        return f"INSERT INTO {self.target} ({FIGURE_COLUMNS}) {self.select}"

    def numbered_statement(self) -> str:
        """The INSERT with the ids numbered from a first id, its first parameter."""
        return (
            f"INSERT INTO {self.target} (id, {FIGURE_COLUMNS})"
            f" SELECT %s + ROW_NUMBER() OVER () - 1, figures.* FROM ({self.select}) figures"
        )


def steps(months: Months, *, target: str = TABLES["figure"]) -> list[Step]:
    """Every statement of a computation, in order; the caller runs them in one
    transaction after deleting the figures of the same months (delete_figures)."""
    result = []
    for measure in MEASURES:
        measure_months = months.of(measure)
        if measure_months.months == ():
            continue
        facts, params = measure.facts(measure_months)
        if sql.is_postgresql() and measure.levels == tuple(Level):
            select, select_params = _grouping_sets_select(measure, facts, params)
            result.append(Step(f"{measure.name}:levels", select, select_params, target))
            continue
        if measure.distinct:
            levels = measure.levels
        elif Level.CELL in measure.levels:
            levels = (Level.CELL,)
        else:
            levels = measure.levels
        for level in levels:
            if measure.name == "staff_survey" and level == Level.ORGANISATION:
                facts, params = _survey_facts(measure_months, per_team=False)
            select, select_params = _grouped_select(measure, level, facts, params)
            label = f"{measure.name}:{Level(level).name.lower()}"
            result.append(Step(label, select, select_params, target))
    if sql.is_postgresql():
        return result
    additive = [m for m in MEASURES if not m.distinct and Level.CELL in m.levels]
    for measure_months, measures in _by_months(additive, months):
        for level in Level:
            if level == Level.CELL:
                continue
            select, params = _rollup_select(level, measures, measure_months, target)
            result.append(Step(f"rollup:{Level(level).name.lower()}", select, params, target))
    return result


def _by_months(measures: Sequence[Measure], months: Months) -> list[tuple[Months, list[str]]]:
    """The names of the measures, grouped by the months they are computed in."""
    groups: dict[Months, list[str]] = {}
    for measure in measures:
        measure_months = months.of(measure)
        if measure_months.months != ():
            groups.setdefault(measure_months, []).append(measure.name)
    return list(groups.items())


# Memory for each sort and hash of a statement (PostgreSQL's default is 4 MB): grouping a
# month of contacts by cell, theme and mode then stays in memory instead of spilling to
# disk in batches.
WORK_MEM = "64MB"


# Memory for building the index of the figures written (apps/effects/partitions.py).
MAINTENANCE_WORK_MEM = "256MB"


def tune(cursor) -> None:
    """The computation's settings, for its transaction only."""
    if sql.is_postgresql():
        cursor.execute("SELECT set_config('work_mem', %s, true)", [WORK_MEM])
        cursor.execute(
            "SELECT set_config('maintenance_work_mem', %s, true)", [MAINTENANCE_WORK_MEM]
        )


def _run_numbered(cursor, step: Step) -> int:
    """On PostgreSQL: the step's figures numbered from one value of the figures' id
    sequence, which then moves past them. A nextval() per row cost more than the rest of
    writing the row (3 s of 6.6 for a million figures)."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [TABLES["figure"]])
    sequence = cursor.fetchone()[0]
    cursor.execute("SELECT nextval(%s)", [sequence])
    first = cursor.fetchone()[0]
    cursor.execute(step.numbered_statement(), [first, *step.params])
    written = max(cursor.rowcount, 0)
    if written > 1:
        # Never back: a figure written by hand meanwhile keeps its id.
        cursor.execute(
            f"SELECT setval(%s, GREATEST(%s, last_value)) FROM {sequence}",
            [sequence, first + written - 1],
        )
    return written


def run_steps(step_list: Sequence[Step], *, on_step=None) -> int:
    """Runs the statements (in the caller's transaction); returns how many figures they
    wrote."""
    written = 0
    numbered = sql.is_postgresql()
    with connection.cursor() as cursor:
        tune(cursor)
        for number, step in enumerate(step_list, start=1):
            if numbered:
                written += _run_numbered(cursor, step)
            else:
                cursor.execute(step.statement, step.params)
                written += max(cursor.rowcount, 0)
            if on_step:
                on_step(number, len(step_list), step.label)
    return written


def delete_figures(months: Months) -> int:
    """Deletes the figures that steps() writes again."""
    if months.months is None:
        deleted, _ = Figure.objects.all().delete()
        return deleted
    deleted = 0
    for measure_months, measures in _by_months(MEASURES, months):
        figures = Figure.objects.filter(measure__in=measures).in_months(measure_months.months)
        deleted += figures.delete()[0]
    return deleted
