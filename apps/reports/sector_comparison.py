"""The organisation beside the sector: its own export against the other organisations'
exports of the same year, per indicator the sector's median and middle half.

Only shares and means are compared: counts depend on how large an organisation is. A
figure over a year is the mean of its quarters and size classes weighted by their group
sizes; suppressed figures are left out, so a small organisation may have no figure at all.
Peers stay pseudonymous: the page names none of them.
"""

from dataclasses import dataclass

import numpy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from apps.reports import charts
from apps.reports.charts import Chart, Series, Value, format_number
from apps.reports.disclosure import NO_FIGURE
from apps.reports.sector_benchmark import MEASUREMENT_INSTRUMENTS, SATISFACTION_INSTRUMENT

# Short names: the chart's axis says the unit.
SHORT_LABELS = {
    "contacts_online_share": gettext_lazy("Contacts online"),
    "new_clients_with_self_scan_share": gettext_lazy("Self-scan before intake"),
    "effect_improved_share": gettext_lazy("Improved"),
    "satisfaction_mean": gettext_lazy("Satisfaction mark"),
    "effect_mean_change": pgettext_lazy("difference between two measurements", "Change"),
}
# Below this many organisations with a figure, the sector has no median to show.
MINIMUM_PEERS = 3


@dataclass(frozen=True)
class Compared:
    indicator: str
    instrument: str | None
    own: float | None
    peers: tuple[float, ...]

    @property
    def enough_peers(self) -> bool:
        return len(self.peers) >= MINIMUM_PEERS

    def quartiles(self) -> tuple[float, float, float] | None:
        if not self.enough_peers:
            return None
        first, median, third = numpy.percentile(self.peers, [25, 50, 75])
        return float(first), float(median), float(third)


# (unit, indicators with their instrument): one chart per unit, so a scale is shared only
# by numbers of one kind.
GROUPS = (
    (
        "share",
        [
            ("contacts_online_share", None),
            ("new_clients_with_self_scan_share", None),
            *[("effect_improved_share", code) for code in MEASUREMENT_INSTRUMENTS],
        ],
    ),
    ("mark", [("satisfaction_mean", SATISFACTION_INSTRUMENT)]),
    ("change", [("effect_mean_change", code) for code in MEASUREMENT_INSTRUMENTS]),
)


def year_value(rows: list[dict], indicator: str, instrument: str | None, size: str | None):
    """The indicator over the year: its shown quarters and size classes, weighted."""
    weighted = total = 0.0
    for row in rows:
        if (
            row["indicator"] == indicator
            and row["instrument"] == instrument
            and row["value"] is not None
            and (size is None or row["size_class"] == size)
        ):
            weight = row["group_size"] or 0
            weighted += row["value"] * weight
            total += weight
    return weighted / total if total else None


def compare(own_rows: list[dict], peer_rows: list[list[dict]], size: str | None):
    """Per group of indicators, the comparison of each of its indicators."""
    result = []
    for unit, indicators in GROUPS:
        compared = []
        for indicator, instrument in indicators:
            peers = tuple(
                value
                for rows in peer_rows
                if (value := year_value(rows, indicator, instrument, size)) is not None
            )
            own = year_value(own_rows, indicator, instrument, size)
            if own is not None or peers:
                compared.append(Compared(indicator, instrument, own, peers))
        result.append((unit, compared))
    return result


UNIT_TEXTS = {
    "share": (lambda: _("Shares"), lambda: _("Share (%)")),
    "mark": (lambda: _("Satisfaction"), lambda: _("Mark (1 to 10)")),
    "change": (lambda: _("Effects"), lambda: _("Mean change (points)")),
}


def _value(number: float | None, decimals: int) -> Value:
    if number is None:
        return Value(None, NO_FIGURE)
    return Value(number, format_number(number, decimals))


def comparison_chart(unit: str, compared: list[Compared], instruments: dict) -> Chart:
    title, axis = (text() for text in UNIT_TEXTS[unit])
    decimals = 1 if unit == "share" else 2
    labels = [
        f"{SHORT_LABELS[c.indicator]}"
        + (
            f": {instruments.get(c.instrument, c.instrument)}"
            if c.instrument and unit != "mark"
            else ""
        )
        for c in compared
    ]
    quartiles = [c.quartiles() for c in compared]

    def series(label: str, position: int) -> Series:
        return Series(
            label,
            tuple(_value(q[position] if q else None, decimals) for q in quartiles),
        )

    return charts.range_chart(
        slug=f"sector-{unit}",
        title=_("%(subject)s: our organisation beside the sector") % {"subject": title},
        description=_(
            "The box is the middle half of the other organisations, the line their median, "
            "the diamond our own figure. A median needs at least %(minimum)s organisations."
        )
        % {"minimum": MINIMUM_PEERS},
        categories=labels,
        own=Series(_("Our organisation"), tuple(_value(c.own, decimals) for c in compared)),
        median=series(_("Sector median"), 1),
        lower=series(_("Q1"), 0),
        upper=series(_("Q3"), 2),
        counts=Series(
            _("Other organisations"),
            tuple(Value(len(c.peers), str(len(c.peers))) for c in compared),
        ),
        value_label=axis,
        category_label=_("Indicator"),
    )
