"""What each report page shows: its charts, built from the statistics tables.

A subject turns a selection into charts; every chart carries its numbers as a table, and
its CSV download is exactly that table, built by the same function. Nothing here reads a
raw row: only apps.effects.selectors.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property

from django.db.models import F
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.dossiers.models import ContactMoment, Dossier
from apps.effects import inference
from apps.effects.inference import Sums
from apps.effects.rebuild import ONLINE_MODES
from apps.effects.selectors import Scope, Selection, figures, figures_per_unit
from apps.organisation.models import Municipality, Neighbourhood, Team, Theme
from apps.questionnaires.models import Dimension, Instrument
from apps.reports import charts
from apps.reports.charts import Chart, Series, Value
from apps.reports.disclosure import NO_FIGURE, Presenter
from apps.reports.filters import months_back

MEASUREMENT_INSTRUMENTS = ("zrm", "positive-health-short", "participation-ladder")
SELF_SCAN_INSTRUMENT = "positive-health"
SATISFACTION_INSTRUMENT = "client-satisfaction"
STAFF_SURVEY_INSTRUMENT = "staff-technology-acceptance"
# A staff survey figure is shown for a team only over at least this many answers, so no
# one's answer can be read back.
MIN_SURVEY_GROUP = 5
# Small multiples of more teams than this no longer fit a page.
MAX_PANELS = 12
# Bars of more teams than this no longer make a readable chart: they are added up per
# municipality.
MAX_TEAM_BARS = 30
PAIR_KINDS = {
    "first_last": gettext_lazy("First and last measurement"),
    "intake_closing": gettext_lazy("At intake and at closing"),
}
IN_PERSON_MODES = (
    ContactMoment.Mode.FACE_TO_FACE,
    ContactMoment.Mode.HOME_VISIT,
    ContactMoment.Mode.GROUP,
)


@dataclass
class Page:
    """What a subject page shows: key figures, charts, notes and effect rows."""

    charts: list[Chart] = field(default_factory=list)
    key_figures: list[tuple[str, Value, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    effects: list = field(default_factory=list)
    has_data: bool = False

    def add(self, context: "Context", slug: str, build: Callable[[], Chart]) -> None:
        """Builds the chart, with its queries, only when the context wants it."""
        if context.wants(slug):
            self.charts.append(build())


@dataclass(frozen=True)
class Context:
    scope: Scope
    selection: Selection
    options: dict
    # The slugs of the charts to build; None for all of them. The overview shows one chart
    # per subject and a CSV download one chart: neither pays for the others' queries.
    charts: frozenset[str] | None = None

    def wants(self, slug: str) -> bool:
        return self.charts is None or slug in self.charts

    def only(self, *slugs: str) -> "Context":
        return replace(self, charts=frozenset(slugs))

    @cached_property
    def present(self) -> Presenter:
        return Presenter(protected=self.scope.protected)

    def months(self) -> list[date]:
        months, month = [], self.selection.start
        while month <= self.selection.end:
            months.append(month)
            month = months_back(month, -1)
        return months

    def month_labels(self) -> list[str]:
        return [date_format(month, "M Y") for month in self.months()]


def _by_month(rows) -> dict[date, dict]:
    return {row["month"]: row for row in rows}


def _monthly_series(context: Context, rows, label: str, value: Callable[[dict | None], Value]):
    by_month = _by_month(rows)
    return Series(label, tuple(value(by_month.get(month)) for month in context.months()))


def _share_of_total(present: Presenter):
    """A month's `total` as a share of its `n` (for measures whose total counts a subset)."""
    return lambda row: present.share(row["total"], row["n"]) if row else Value(None, NO_FIGURE)


def _mean_of_total(present: Presenter):
    return lambda row: present.mean(row["total"], row["n"]) if row else Value(None, NO_FIGURE)


def _count(context: Context, field_name: str = "n"):
    return lambda row: context.present.count(row[field_name] if row else 0)


# --- Reach and questions -----------------------------------------------------------------


def reach(context: Context) -> Page:
    page = Page()
    selection, scope, present = context.selection, context.scope, context.present
    reached = figures(scope, selection, "clients_reached")
    new = figures(scope, selection, "dossiers_new")
    closed = figures(scope, selection, "dossiers_closed")
    page.has_data = bool(reached or new or closed)
    page.add(
        context,
        "reach",
        lambda: charts.line_chart(
            slug="reach",
            title=_("Clients reached, new and closed dossiers per month"),
            description=_(
                "Clients with at least one contact in the month, dossiers started and "
                "dossiers closed."
            ),
            x_labels=context.month_labels(),
            series=[
                _monthly_series(context, reached, _("Clients reached"), _count(context)),
                _monthly_series(context, new, _("New dossiers"), _count(context)),
                _monthly_series(context, closed, _("Closed dossiers"), _count(context)),
            ],
            value_label=_("Number"),
            x_label=_("Month"),
        ),
    )
    page.add(context, "questions", lambda: _questions_chart(context))
    if context.wants("closed") or context.wants("length"):
        closed_by_reason = figures(scope, selection, "dossiers_closed", by=("key",))
        reasons = dict(Dossier.ClosingReason.choices)
        reason_labels = [str(reasons.get(row["key"], row["key"])) for row in closed_by_reason]
        page.add(
            context,
            "closed",
            lambda: charts.bar_chart(
                slug="closed",
                title=_("Closed dossiers by reason"),
                description=_("Dossiers closed in the period, by the reason they were closed."),
                categories=reason_labels,
                series=[
                    Series(
                        _("Closed dossiers"),
                        tuple(present.count(row["n"]) for row in closed_by_reason),
                    ),
                ],
                value_label=_("Closed dossiers"),
                category_label=_("Closing reason"),
            ),
        )
        page.add(
            context,
            "length",
            lambda: charts.bar_chart(
                slug="length",
                title=_("How long support lasted, by closing reason"),
                description=_("The mean number of days from start to end of the dossiers closed."),
                categories=reason_labels,
                series=[
                    Series(
                        _("Mean length in days"),
                        tuple(present.mean(row["total"], row["n"], 0) for row in closed_by_reason),
                    ),
                ],
                value_label=_("Days"),
                category_label=_("Closing reason"),
            ),
        )
    if context.wants("areas"):
        unit = area_unit(context)
        page.charts.append(_area_map(context, unit))
        if unit == "district":
            page.notes.append(DISTRICTS_NOTE)
    total_reached = sum(row["n"] for row in reached)
    page.key_figures = [
        (
            _("Clients reached per month, on average"),
            present.count(round(total_reached / len(context.months()))),
            _(
                "Clients with at least one contact in a month; a client seen in two months "
                "counts in both."
            ),
        ),
        (_("New dossiers"), present.count(sum(row["n"] for row in new)), ""),
        (_("Closed dossiers"), present.count(sum(row["n"] for row in closed)), ""),
    ]
    return page


def _questions_chart(context: Context) -> Chart:
    questions = figures(context.scope, context.selection, "questions", by=("theme",))
    themes = {theme.pk: theme for theme in Theme.objects.all()}
    question_rows = sorted(questions, key=lambda row: -row["n"])
    return charts.bar_chart(
        slug="questions",
        title=_("Questions per theme"),
        description=_("Questions registered in the period, by theme."),
        categories=[themes[row["theme"]].name for row in question_rows],
        series=[
            Series(_("Questions"), tuple(context.present.count(row["n"]) for row in question_rows))
        ],
        value_label=_("Questions"),
        category_label=_("Theme"),
    )


AREA_UNIT_LABELS = {
    "district": (gettext_lazy("District"), gettext_lazy("district")),
    "neighbourhood": (gettext_lazy("Neighbourhood"), gettext_lazy("neighbourhood")),
}


DISTRICTS_NOTE = gettext_lazy(
    "Across several municipalities the map and the comparison show districts: choose a "
    "municipality to see its neighbourhoods."
)


def area_unit(context: Context) -> str:
    """The areas that maps and comparisons show: neighbourhoods within one municipality,
    districts across several. A large organisation has over a thousand neighbourhoods:
    more than a map or a list can show readably; choosing a municipality shows its
    neighbourhoods."""
    selection, scope = context.selection, context.scope
    if selection.municipality is not None or selection.area is not None:
        return "neighbourhood"
    if selection.team is not None:
        return "neighbourhood"
    if scope.municipality_ids is not None:
        municipalities = len(scope.municipality_ids)
    elif scope.restricted_to_teams:
        municipalities = (
            Team.objects.filter(pk__in=scope.team_ids).values("municipality").distinct().count()
        )
    else:
        municipalities = Municipality.objects.count()
    return "neighbourhood" if municipalities <= 1 else "district"


def _map_areas(context: Context, unit: str, counts: dict):
    """The areas on the map: around a chosen area its district's neighbourhoods, else the
    areas of the chosen or served municipalities, else those with figures."""
    kind = Neighbourhood.Kind.DISTRICT if unit == "district" else Neighbourhood.Kind.NEIGHBOURHOOD
    areas = Neighbourhood.objects.filter(kind=kind).only(
        "name", "centroid_latitude", "centroid_longitude", "boundary"
    )
    selection, scope = context.selection, context.scope
    if selection.area is not None:
        district = selection.area.district_id or selection.area.pk
        return areas.filter(district_id=district)
    if selection.municipality is not None:
        return areas.filter(municipality=selection.municipality)
    if scope.municipality_ids is not None:
        return areas.filter(municipality_id__in=scope.municipality_ids)
    return areas.filter(pk__in=list(counts))


def _area_map(context: Context, unit: str) -> charts.Chart:
    counts = defaultdict(int)
    for row in figures_per_unit(context.scope, context.selection, "dossiers_new", unit=unit, by=()):
        counts[row[f"{unit}_id"]] += row["n"]
    tiles = [
        charts.MapTile(
            label=area.name,
            latitude=area.centroid_latitude,
            longitude=area.centroid_longitude,
            value=context.present.count(counts.get(area.pk, 0)),
            boundary=area.boundary,
        )
        for area in _map_areas(context, unit, counts).order_by("name")
    ]
    label, lower = AREA_UNIT_LABELS[unit]
    return charts.tile_map(
        slug="areas",
        title=_("New dossiers per %(area)s") % {"area": lower},
        description=_("Dossiers started in the period, by the %(area)s where the client lives.")
        % {"area": lower},
        tiles=tiles,
        value_label=_("New dossiers"),
        area_label=str(label),
    )


# --- Contact mix ---------------------------------------------------------------------------


def contact_mix(context: Context) -> Page:
    page = Page()
    rows = figures(context.scope, context.selection, "contacts", by=("month", "key"))
    page.has_data = bool(rows)
    per_month = defaultdict(lambda: defaultdict(int))
    minutes = defaultdict(float)
    for row in rows:
        per_month[row["month"]][row["key"]] += row["n"]
        minutes[row["key"]] += row["total"]
    present = context.present
    modes = ContactMoment.Mode
    page.add(
        context,
        "modes",
        lambda: charts.small_multiples(
            slug="modes",
            title=_("Contacts per kind, per month"),
            description=_("Each panel shows one kind of contact on the same scale."),
            x_labels=context.month_labels(),
            panels=[
                Series(
                    str(label),
                    tuple(present.count(per_month[m][mode]) for m in context.months()),
                )
                for mode, label in modes.choices
            ],
            value_label=_("Contacts"),
            group_label=_("Kind of contact"),
            kind="bar",
        ),
    )

    def share(groups):
        def value(month):
            counts = per_month.get(month, {})
            whole = sum(counts.values())
            return present.share(sum(counts.get(mode, 0) for mode in groups), whole)

        return value

    page.add(
        context,
        "online-share",
        lambda: charts.line_chart(
            slug="online-share",
            title=_("The mix of online and offline contact"),
            description=_(
                "Share of contacts per month online (video and messages), by phone and in "
                "person (including home visits and groups)."
            ),
            x_labels=context.month_labels(),
            series=[
                Series(_("Online"), tuple(share(ONLINE_MODES)(m) for m in context.months())),
                Series(_("Phone"), tuple(share((modes.PHONE,))(m) for m in context.months())),
                Series(_("In person"), tuple(share(IN_PERSON_MODES)(m) for m in context.months())),
            ],
            value_label=_("Share of contacts (%)"),
            x_label=_("Month"),
        ),
    )
    totals = {mode: sum(per_month[m][mode] for m in per_month) for mode, _label in modes.choices}
    categories = [str(label) for _mode, label in modes.choices]
    page.add(
        context,
        "minutes",
        lambda: charts.bar_chart(
            slug="minutes",
            title=_("Hours of contact per kind"),
            description=_("Total hours of contact in the period, per kind of contact."),
            categories=categories,
            series=[
                Series(
                    _("Hours"),
                    tuple(present.count(round(minutes[mode] / 60)) for mode, _l in modes.choices),
                ),
            ],
            value_label=_("Hours"),
            category_label=_("Kind of contact"),
        ),
    )
    page.add(
        context,
        "minutes-per-contact",
        lambda: charts.bar_chart(
            slug="minutes-per-contact",
            title=_("Minutes per contact"),
            description=_("How long a contact of each kind lasted, on average."),
            categories=categories,
            series=[
                Series(
                    _("Minutes per contact"),
                    tuple(
                        present.mean(minutes[mode], totals[mode], 0) for mode, _l in modes.choices
                    ),
                ),
            ],
            value_label=_("Minutes"),
            category_label=_("Kind of contact"),
        ),
    )
    all_contacts = sum(totals.values())
    page.key_figures = [
        (_("Contacts"), present.count(all_contacts), ""),
        (
            _("Online"),
            present.share(sum(totals[mode] for mode in ONLINE_MODES), all_contacts),
            _("Video calls and messages."),
        ),
    ]
    return page


# --- Self-scans and Positive Health --------------------------------------------------------


def _dimension_names(*instrument_codes: str) -> dict[str, dict[str, str]]:
    """Per instrument code the names of the dimensions of its current version, in order;
    one query for all of them."""
    names = {code: {} for code in instrument_codes}
    dimensions = (
        Dimension.objects.filter(
            version__is_current=True, version__instrument__code__in=instrument_codes
        )
        .annotate(instrument_code=F("version__instrument__code"))
        .order_by("order", "pk")
    )
    for dimension in dimensions:
        names[dimension.instrument_code][dimension.code] = dimension.name
    return names


def self_scans(context: Context) -> Page:
    page = Page()
    present = context.present
    scans = figures(context.scope, context.selection, "scans", by=("month", "key"))
    new = figures(context.scope, context.selection, "dossiers_new")
    page.has_data = bool(scans or new)
    instruments = {
        i.code: i.name for i in Instrument.objects.filter(code__in={r["key"] for r in scans})
    }
    per_instrument = defaultdict(dict)
    for row in scans:
        per_instrument[row["key"]][row["month"]] = row
    page.add(
        context,
        "scans",
        lambda: charts.line_chart(
            slug="scans",
            title=_("Self-scans filled in per month"),
            description=_(
                "Completed self-scans by residents, alone or together with a social worker."
            ),
            x_labels=context.month_labels(),
            series=[
                Series(
                    instruments.get(code, code),
                    tuple(
                        present.count(per_instrument[code].get(m, {}).get("n", 0))
                        for m in context.months()
                    ),
                )
                for code in sorted(per_instrument)
            ],
            value_label=_("Self-scans"),
            x_label=_("Month"),
        ),
    )
    page.add(
        context,
        "scan-before-intake",
        lambda: charts.line_chart(
            slug="scan-before-intake",
            title=_("New clients who filled in a self-scan before their intake"),
            description=_(
                "Share of new dossiers whose client had filled in a self-scan alone on or "
                "before the start."
            ),
            x_labels=context.month_labels(),
            series=[
                _monthly_series(
                    context,
                    new,
                    _("Share of new clients"),
                    lambda row: (
                        present.share(row["total"], row["n"]) if row else Value(None, NO_FIGURE)
                    ),
                )
            ],
            value_label=_("Share (%)"),
            x_label=_("Month"),
        ),
    )
    page.add(context, "positive-health", lambda: _positive_health_chart(context))
    total_new = sum(row["n"] for row in new)
    page.key_figures = [
        (_("Self-scans filled in"), present.count(sum(row["n"] for row in scans)), ""),
        (
            _("New clients with a self-scan before intake"),
            present.share(sum(row["total"] for row in new), total_new),
            "",
        ),
    ]
    return page


def _positive_health_chart(context: Context) -> Chart:
    present = context.present
    scores = figures(
        context.scope,
        context.selection,
        "score",
        by=("key",),
        key_prefix=f"{SELF_SCAN_INSTRUMENT}|",
    )
    names = _dimension_names(SELF_SCAN_INSTRUMENT)[SELF_SCAN_INSTRUMENT]
    counts = {}
    for row in scores:
        _code, dimension = row["key"].split("|")
        if dimension:
            counts[dimension] = {
                "low": row["below"],
                "middle": row["n"] - row["below"] - row["above"],
                "high": row["above"],
            }
    dimensions = [code for code in names if code in counts]
    band_labels = {
        "low": _("Low (under 5)"),
        "middle": _("Middle (5 to 7)"),
        "high": _("High (7 or more)"),
    }
    return charts.bar_chart(
        slug="positive-health",
        title=_("Positive Health: how residents score each dimension"),
        description=_(
            "The spider web is a conversation tool, not a measurement: this shows how many "
            "scans scored low, middle or high per dimension, not an effect."
        ),
        categories=[names[code] for code in dimensions],
        series=[
            Series(
                str(label),
                tuple(present.count(counts[code].get(band, 0)) for code in dimensions),
            )
            for band, label in band_labels.items()
        ],
        value_label=_("Self-scans"),
        category_label=_("Dimension"),
    )


# --- Satisfaction --------------------------------------------------------------------------


def satisfaction(context: Context) -> Page:
    page = Page()
    present = context.present
    prefix = f"{SATISFACTION_INSTRUMENT}|"
    overall = figures(context.scope, context.selection, "score", key=prefix)
    page.has_data = bool(overall)
    page.add(
        context,
        "satisfaction",
        lambda: charts.line_chart(
            slug="satisfaction",
            title=_("Mean satisfaction mark per month"),
            description=_("The mean mark (0 to 10) that clients gave, per month."),
            x_labels=context.month_labels(),
            series=[
                _monthly_series(
                    context,
                    overall,
                    _("Mean mark"),
                    lambda row: (
                        present.mean(row["total"], row["n"]) if row else Value(None, NO_FIGURE)
                    ),
                ),
            ],
            value_label=_("Mark"),
            x_label=_("Month"),
            include_zero=True,
        ),
    )
    page.add(context, "satisfaction-parts", lambda: _satisfaction_parts_chart(context))
    answered = sum(row["n"] for row in overall)
    page.key_figures = [
        (_("Surveys answered"), present.count(answered), ""),
        (
            _("Mean mark"),
            present.mean(sum(row["total"] for row in overall), answered),
            _("From 0 to 10."),
        ),
    ]
    return page


def _satisfaction_parts_chart(context: Context) -> Chart:
    prefix = f"{SATISFACTION_INSTRUMENT}|"
    parts = figures(context.scope, context.selection, "score", by=("key",), key_prefix=prefix)
    names = _dimension_names(SATISFACTION_INSTRUMENT)[SATISFACTION_INSTRUMENT]
    part_rows = [row for row in parts if row["key"] != prefix and row["key"].split("|")[1] in names]
    return charts.bar_chart(
        slug="satisfaction-parts",
        title=_("Satisfaction per question"),
        description=_("The mean answer per question of the satisfaction survey in the period."),
        categories=[names[row["key"].split("|")[1]] for row in part_rows],
        series=[
            Series(
                _("Mean"),
                tuple(context.present.mean(row["total"], row["n"]) for row in part_rows),
            )
        ],
        value_label=_("Mean (0 to 10)"),
        category_label=_("Question"),
    )


# --- Effects -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EffectRow:
    instrument: str
    part: str
    estimate: inference.ChangeEstimate
    threshold: inference.ChangeThreshold | None
    pairs: Value

    @property
    def shares(self) -> str:
        """Improved / unchanged / worsened as percentages; only over enough pairs."""
        estimate = self.estimate
        if not estimate.conclusive:
            return NO_FIGURE
        return " / ".join(
            f"{charts.format_number(100 * share, 0)}%"
            for share in (
                estimate.share_improved,
                estimate.share_unchanged,
                estimate.share_worsened,
            )
        )


@dataclass(frozen=True)
class InstrumentEffect:
    """One instrument's pairs: the overall score first, then its parts."""

    name: str
    threshold: inference.ChangeThreshold | None
    overall: EffectRow
    rows: list[EffectRow]

    @property
    def conclusive(self) -> bool:
        return self.overall.estimate.conclusive


def pair_kind(context: Context) -> str:
    kind = context.options.get("pairs")
    return kind if kind in PAIR_KINDS else "first_last"


def effect_rows(context: Context) -> dict[str, dict]:
    """Per "kind|instrument|part": the sums of its pairs, in one query."""
    rows = figures(
        context.scope, context.selection, "pair", by=("key",), key_prefix=f"{pair_kind(context)}|"
    )
    return {row["key"]: row for row in rows}


def _estimate(row: dict) -> inference.ChangeEstimate:
    n, improved, worsened = int(row["n"]), int(row["above"]), int(row["below"])
    return inference.paired_change(
        diff=Sums(n, row["total"], row["total_sq"]),
        pre=Sums(n, row["base_total"], row["base_total_sq"]),
        improved=improved,
        unchanged=n - improved - worsened,
        worsened=worsened,
    )


def effects(context: Context) -> Page:
    page = Page()
    sums = effect_rows(context)
    instruments = {
        i.code: i.name for i in Instrument.objects.filter(code__in=MEASUREMENT_INSTRUMENTS)
    }
    present = context.present
    kind = pair_kind(context)
    dimension_names = _dimension_names(*MEASUREMENT_INSTRUMENTS)
    for code in MEASUREMENT_INSTRUMENTS:
        names = dimension_names[code]
        rows = []
        for dimension in ["", *names]:
            key = f"{kind}|{code}|{dimension}"
            if key not in sums:
                continue
            estimate = _estimate(sums[key])
            rows.append(
                EffectRow(
                    instrument=instruments.get(code, code),
                    part=names.get(dimension) if dimension else _("Overall score"),
                    estimate=estimate,
                    threshold=inference.threshold_for(code, dimension or None),
                    pairs=present.count(estimate.n),
                )
            )
        if rows:
            page.effects.append(
                InstrumentEffect(
                    name=instruments.get(code, code),
                    threshold=inference.threshold_for(code),
                    overall=rows[0],
                    rows=rows,
                )
            )
    page.has_data = bool(page.effects)
    # Only instruments with enough pairs: a bar of "too few" says nothing.
    overall = [instrument.overall for instrument in page.effects if instrument.conclusive]
    page.add(
        context,
        "improved",
        lambda: charts.bar_chart(
            slug="improved",
            title=_("Improved, unchanged and worsened (overall score)"),
            description=_(
                "Share of pairs of measurements per instrument that changed by at least the "
                "instrument's margin. Shown only where there are enough pairs."
            ),
            categories=[row.instrument for row in overall],
            series=[
                Series(
                    label,
                    tuple(
                        present.share(getattr(row.estimate, attribute), row.estimate.n)
                        for row in overall
                    ),
                )
                for label, attribute in (
                    (_("Improved"), "improved"),
                    (_("Unchanged"), "unchanged"),
                    (_("Worsened"), "worsened"),
                )
            ],
            value_label=_("Share of pairs (%)"),
            category_label=_("Instrument"),
        ),
    )
    page.notes.append(
        _(
            "With fewer than %(minimum)s pairs no conclusion can be drawn: the page then shows "
            "only how many pairs there are."
        )
        % {"minimum": inference.configured_min_group_size()}
    )
    return page


# --- Comparison (funnel plots) -------------------------------------------------------------

INDICATORS = {
    "online": gettext_lazy("Share of contacts online"),
    "scan-before-intake": gettext_lazy("Share of new clients with a self-scan before intake"),
    "zrm-change": gettext_lazy("Mean change of the self-sufficiency matrix (ZRM)"),
}


def indicator(context: Context) -> str:
    chosen = context.options.get("indicator")
    return chosen if chosen in INDICATORS else "online"


def _unit_values(context: Context, unit: str):
    """Per unit: (size, value) of the chosen indicator, and the pooled SD for means."""
    chosen = indicator(context)
    column = f"{unit}_id"
    units = defaultdict(lambda: [0.0, 0.0, 0.0])
    if chosen == "online":
        for row in figures_per_unit(
            context.scope, context.selection, "contacts", unit=unit, by=(), part_keys=ONLINE_MODES
        ):
            units[row[column]][0] += row["n"]
            units[row[column]][1] += row["part"] or 0
        return (
            {
                key: (size, part / size if size else None)
                for key, (size, part, _sq) in units.items()
            },
            "proportion",
            None,
        )
    if chosen == "scan-before-intake":
        for row in figures_per_unit(
            context.scope, context.selection, "dossiers_new", unit=unit, by=()
        ):
            units[row[column]][0] += row["n"]
            units[row[column]][1] += row["total"]
        return (
            {
                key: (size, part / size if size else None)
                for key, (size, part, _sq) in units.items()
            },
            "proportion",
            None,
        )
    key = f"{pair_kind(context)}|zrm|"
    for row in figures_per_unit(
        context.scope, context.selection, "pair", unit=unit, key_prefix=key
    ):
        if row["key"] != key:
            continue
        units[row[column]][0] += row["n"]
        units[row[column]][1] += row["total"]
        units[row[column]][2] += row["total_sq"]
    pooled = Sums(
        int(sum(v[0] for v in units.values())),
        sum(v[1] for v in units.values()),
        sum(v[2] for v in units.values()),
    )
    return (
        {key: (size, total / size if size else None) for key, (size, total, _sq) in units.items()},
        "mean",
        pooled,
    )


def _shown_size(context: Context, size: float) -> float:
    # Rounded like every count a protected reader sees, in the plot as in the table.
    shown = context.present.count(size).number
    return size if shown is None else shown


def comparison(context: Context, unit: str) -> charts.Chart:
    values, kind, pooled = _unit_values(context, unit)
    names = dict(
        (Team if unit == "team" else Neighbourhood)
        .objects.filter(pk__in=list(values))
        .values_list("pk", "name")
    )
    sizes = [size for size, _v in values.values()]
    whole = sum(sizes)
    if kind == "proportion":
        target = (
            sum(size * value for size, value in values.values() if value is not None) / whole
            if whole
            else 0
        )
        sd = None
        scale = 100
    else:
        target = pooled.mean if pooled and pooled.n else 0
        sd = pooled.sd if pooled and pooled.n > 1 else None
        scale = 1
    min_size = inference.configured_min_group_size()
    units = [
        inference.FunnelUnit(key=str(key), label=names.get(key, "?"), size=size, value=value)
        for key, (size, value) in sorted(values.items(), key=lambda item: names.get(item[0], ""))
    ]
    verdicts = (
        inference.funnel_verdicts(units, kind=kind, target=target, sd=sd, min_size=min_size)
        if units and (kind == "proportion" or sd)
        else [(unit_, inference.FunnelStatus.TOO_SMALL) for unit_ in units]
    )
    curve = (
        inference.limit_curve(kind, target, sd, max(sizes))
        if sizes and (kind == "proportion" or sd)
        else []
    )
    unit_label, unit_lower = (
        (_("Team"), _("team")) if unit == "team" else map(str, AREA_UNIT_LABELS[unit])
    )
    return charts.funnel_plot(
        slug=f"funnel-{unit}",
        title=_("%(indicator)s per %(unit)s")
        % {"indicator": INDICATORS[indicator(context)], "unit": unit_lower},
        description=_(
            "Each point is a %(unit)s: its value against its size. Inside the funnel the "
            "difference from the organisation can be chance; points outside the outer (99.8%%) "
            "limit are named. Small units are drawn but not judged."
        )
        % {"unit": unit_lower},
        points=[
            charts.FunnelPoint(
                label=unit_.label,
                size=_shown_size(context, unit_.size),
                value=(unit_.value or 0) * scale,
                status=status,
            )
            for unit_, status in verdicts
            if unit_.value is not None and context.present.may_show_group(unit_.size)
        ],
        centre=target * scale,
        limits=[
            (
                limit.size,
                limit.low95 * scale,
                limit.high95 * scale,
                limit.low998 * scale,
                limit.high998 * scale,
            )
            for limit in curve
        ],
        value_label=str(INDICATORS[indicator(context)]),
        format_size=lambda size: context.present.count(size).text,
        format_value=(
            (lambda value: f"{charts.format_number(value, 1)}%")
            if kind == "proportion"
            else (lambda value: charts.format_number(value, 2))
        ),
        size_label=_("Contacts")
        if indicator(context) == "online"
        else (_("New dossiers") if indicator(context) == "scan-before-intake" else _("Pairs")),
        unit_label=unit_label,
    )


def compare(context: Context) -> Page:
    page = Page()
    areas = area_unit(context)
    for unit in ("team", areas):
        page.add(context, f"funnel-{unit}", lambda unit=unit: comparison(context, unit))
    if areas == "district":
        page.notes.append(DISTRICTS_NOTE)
    page.has_data = any(chart.table.rows for chart in page.charts)
    return page


# --- Adoption of blended work --------------------------------------------------------------


@dataclass(frozen=True)
class Grouping:
    """How the adoption page groups teams: each team on its own, or, past MAX_TEAM_BARS
    teams, the teams of each municipality together."""

    group_of: dict[int, int]
    names: dict[int, str]
    label: str
    lower: str
    by_team: bool

    @classmethod
    def of(cls, team_ids) -> "Grouping":
        teams = list(
            Team.objects.filter(pk__in=set(team_ids)).values_list(
                "pk", "name", "municipality_id", "municipality__name"
            )
        )
        if len(teams) <= MAX_TEAM_BARS:
            return cls(
                group_of={pk: pk for pk, *_rest in teams},
                names={pk: name for pk, name, *_rest in teams},
                label=_("Team"),
                lower=_("team"),
                by_team=True,
            )
        return cls(
            group_of={pk: municipality for pk, _n, municipality, _m in teams},
            names={municipality: name for _pk, _n, municipality, name in teams},
            label=_("Municipality"),
            lower=_("municipality"),
            by_team=False,
        )

    def ordered(self) -> list[int]:
        return sorted(set(self.group_of.values()), key=lambda pk: self.names.get(pk, ""))


# The adoption charts that read per team; the overview shows the one that does not.
PER_TEAM_CHARTS = frozenset({"online-per-team", "online-per-team-month", "staff-survey"})


def adoption(context: Context) -> Page:
    page = Page()
    if context.charts is not None and not context.charts & PER_TEAM_CHARTS:
        reached = figures(context.scope, context.selection, "clients_reached", by=("month",))
        page.has_data = bool(reached)
        page.add(context, "clients-with-scan", lambda: _clients_with_scan_chart(context, reached))
        return page
    present = context.present
    contacts = figures_per_unit(context.scope, context.selection, "contacts", unit="team")
    reached_per_team = figures_per_unit(
        context.scope, context.selection, "clients_reached", unit="team", by=()
    )
    survey = (
        figures_per_unit(
            context.scope,
            context.selection,
            "staff_survey",
            unit="team",
            key_prefix=f"{STAFF_SURVEY_INSTRUMENT}|",
        )
        if context.wants("staff-survey")
        else []
    )
    page.has_data = bool(contacts or reached_per_team or survey)
    grouping = Grouping.of(
        {row["team_id"] for row in contacts} | {row["team_id"] for row in survey}
    )
    per_group = defaultdict(lambda: [0, 0])
    for row in contacts:
        group = grouping.group_of[row["team_id"]]
        per_group[group][0] += row["n"]
        per_group[group][1] += row["n"] if row["key"] in ONLINE_MODES else 0
    # Clients reached in the period's months, added up: a share, so the double count of a
    # client seen in two months (or by two teams) is in both the part and the whole.
    scanned = defaultdict(lambda: [0, 0])
    for row in reached_per_team:
        group = grouping.group_of.get(row["team_id"])
        scanned[group][0] += row["total"]
        scanned[group][1] += row["n"]
    ordered = grouping.ordered()
    if not grouping.by_team:
        page.notes.append(
            _(
                "With more than %(n)s teams the figures per team are added up per "
                "municipality: choose a municipality to see its teams."
            )
            % {"n": MAX_TEAM_BARS}
        )
    page.add(
        context,
        "online-per-team",
        lambda: charts.bar_chart(
            slug="online-per-team",
            title=_("Online contact and self-scans per %(unit)s") % {"unit": grouping.lower},
            description=_(
                "Video calls and messages as a share of all contacts in the period, and the "
                "share of the clients who had filled in a self-scan alone."
            ),
            categories=[grouping.names.get(pk, "?") for pk in ordered],
            series=[
                Series(
                    _("Contacts online"),
                    tuple(present.share(per_group[pk][1], per_group[pk][0]) for pk in ordered),
                ),
                Series(
                    _("Clients who used a self-scan"),
                    tuple(present.share(*scanned.get(pk, (0, 0))) for pk in ordered),
                ),
            ],
            value_label=_("Share (%)"),
            category_label=grouping.label,
        ),
    )
    page.add(
        context,
        "clients-with-scan",
        lambda: _clients_with_scan_chart(
            context, figures(context.scope, context.selection, "clients_reached", by=("month",))
        ),
    )
    if len(grouping.group_of) > MAX_PANELS:
        if grouping.by_team:
            page.notes.append(
                _(
                    "The share online per team and month shows for at most %(n)s teams: "
                    "choose a municipality or a team to see it."
                )
                % {"n": MAX_PANELS}
            )
    else:
        page.add(
            context,
            "online-per-team-month",
            lambda: _online_per_team_month_chart(context, ordered, grouping.names),
        )
    page.add(context, "staff-survey", lambda: _staff_survey_chart(context, survey, grouping))
    return page


def _clients_with_scan_chart(context: Context, reached) -> Chart:
    return charts.line_chart(
        slug="clients-with-scan",
        title=_("Clients reached who used a self-scan"),
        description=_(
            "Share of the clients reached in a month who had filled in a self-scan alone by then."
        ),
        x_labels=context.month_labels(),
        series=[
            _monthly_series(
                context, reached, _("Share of clients"), _share_of_total(context.present)
            )
        ],
        value_label=_("Share (%)"),
        x_label=_("Month"),
    )


def _online_per_team_month_chart(context: Context, teams: list[int], team_names) -> Chart:
    per_team_month = defaultdict(lambda: [0, 0])
    for row in figures_per_unit(
        context.scope, context.selection, "contacts", unit="team", by=("month", "key")
    ):
        per_team_month[(row["team_id"], row["month"])][0] += row["n"]
        if row["key"] in ONLINE_MODES:
            per_team_month[(row["team_id"], row["month"])][1] += row["n"]
    return charts.small_multiples(
        slug="online-per-team-month",
        title=_("Share of contacts online per team, per month"),
        description=_("One panel per team, on the same scale."),
        x_labels=context.month_labels(),
        panels=[
            Series(
                team_names.get(pk, "?"),
                tuple(
                    context.present.share(*reversed(per_team_month.get((pk, month), (0, 0))))
                    for month in context.months()
                ),
            )
            for pk in teams
        ],
        value_label=_("Share of contacts (%)"),
        group_label=_("Team"),
    )


def _staff_survey_chart(context: Context, survey, grouping: Grouping) -> Chart:
    present = context.present
    constructs = _dimension_names(STAFF_SURVEY_INSTRUMENT)[STAFF_SURVEY_INSTRUMENT]
    survey_sums = defaultdict(lambda: [0, 0.0])
    for row in survey:
        construct = row["key"].split("|")[1]
        group = grouping.group_of[row["team_id"]]
        survey_sums[(group, construct)][0] += row["n"]
        survey_sums[(group, construct)][1] += row["total"]
    survey_groups = sorted(
        {group for group, _c in survey_sums}, key=lambda pk: grouping.names.get(pk, "")
    )

    def construct_value(team, construct):
        n, total = survey_sums.get((team, construct), (0, 0.0))
        if n < MIN_SURVEY_GROUP:
            return Value(None, _("fewer than %(n)s answers") % {"n": MIN_SURVEY_GROUP})
        return present.mean(total, n)

    return charts.bar_chart(
        slug="staff-survey",
        title=_("How teams see working online (staff survey)"),
        description=_(
            "Mean score (1 to 5) per part of the staff survey, per team; shown only for "
            "teams with at least %(n)s answers, never per person."
        )
        % {"n": MIN_SURVEY_GROUP},
        categories=[grouping.names.get(pk, "?") for pk in survey_groups],
        series=[
            Series(str(name), tuple(construct_value(group, code) for group in survey_groups))
            for code, name in constructs.items()
        ],
        value_label=_("Mean score (1 to 5)"),
        category_label=grouping.label,
    )


SUBJECTS: dict[str, tuple] = {
    "bereik": (gettext_lazy("Reach and questions"), reach),
    "contact": (gettext_lazy("Online and offline contact"), contact_mix),
    "zelfscans": (gettext_lazy("Self-scans and Positive Health"), self_scans),
    "tevredenheid": (gettext_lazy("Satisfaction"), satisfaction),
    "effecten": (gettext_lazy("Effects"), effects),
    "vergelijken": (gettext_lazy("Where are we doing worse?"), compare),
    "adoptie": (gettext_lazy("Adoption of blended work"), adoption),
}
