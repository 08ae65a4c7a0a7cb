"""Layout of the spider web (radar chart) of a scored questionnaire.

One spoke per part of the instrument (Positive Health has six dimensions, a self-sufficiency
matrix thirteen domains), the first at the top and the others clockwise, as on a clock face.
The centre is the bottom of the scale, the outer ring the top. One or two series: the first
(for example the newest measurement) is drawn filled with a solid line and round points, the
second with a dashed line, no fill and square points, so the overlay never relies on colour.

A part without an answer (value None) is not a zero: the shape skips that spoke and joins its
neighbours, the spoke is drawn dashed and its label gets a "not answered" line. Values outside
the scale are drawn on its edge; the table and the description keep the true value.

Pure geometry and data, no drawing: the template turns the result into SVG. Coordinates are
in the SVG's own units with the centre at (0, 0); the view box grows to fit every label, so
nothing is clipped whatever the number of axes or the length of their names.
"""

import math
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils.text import get_text_list
from django.utils.translation import gettext, ngettext

RADIUS = 170
# Distance between the outer ring and the nearest edge of an axis label.
LABEL_GAP = 14
LABEL_FONT_SIZE = 24
NOTE_FONT_SIZE = 18
RING_FONT_SIZE = 18
LINE_HEIGHT = 1.2
# Labels beside the web wrap at this many characters ("Maatschappelijke participatie"
# becomes two lines); labels above and below it have more room.
LABEL_WRAP = 17
LABEL_WRAP_CENTRED = 26
# The SVG's natural size in CSS pixels per unit: 24-unit labels show at 19 px. On a phone
# the web shrinks to the page's width, whole (nothing cut off), its labels at about 12 px
# on a 390-pixel screen.
DISPLAY_SCALE = 0.8
# Ring values sit this far right of the top spoke, clear of the points on it.
RING_LABEL_OFFSET = 10
LABEL_MAX_LINES = 3
# Rough width of one character as a share of the font size (DejaVu Sans, mixed case). Only
# used to make the view box large enough, so it errs on the wide side.
CHAR_WIDTH = 0.6
MARGIN = 10
MAX_SERIES = 2
MAX_RINGS = 10
SQUARE_HALF = 5

Number = Decimal | float | int


@dataclass(frozen=True)
class Axis:
    code: str
    label: str


@dataclass(frozen=True)
class Series:
    label: str
    values: Mapping[str, Number | None]


@dataclass(frozen=True)
class SpiderChart:
    """What to draw. Build it with `spider_chart()` from plain dicts."""

    title: str
    axes: tuple[Axis, ...]
    series: tuple[Series, ...]
    scale_min: Number = 0
    scale_max: Number = 10

    def __post_init__(self):
        if len(self.axes) < 3:
            raise ValueError("A spider web needs at least three axes.")
        if len({axis.code for axis in self.axes}) != len(self.axes):
            raise ValueError("Axis codes must be unique.")
        if not 1 <= len(self.series) <= MAX_SERIES:
            raise ValueError(f"A spider web shows one or {MAX_SERIES} series.")
        if not _finite(self.scale_min) or not _finite(self.scale_max):
            raise ValueError("The scale needs finite bounds.")
        if self.scale_max <= self.scale_min:
            raise ValueError("The top of the scale must be above its bottom.")

    def value(self, series: Series, axis: Axis) -> Number | None:
        """The answered value, or None. Not-a-number and infinity count as not answered."""
        value = series.values.get(axis.code)
        return value if value is not None and _finite(value) else None

    @property
    def rows(self) -> list[tuple[Axis, list[Number | None]]]:
        """The numbers for the table: one row per axis, one value per series."""
        return [(axis, [self.value(s, axis) for s in self.series]) for axis in self.axes]


def spider_chart(
    *,
    title: str,
    axes: Mapping[str, str] | Iterable[tuple[str, str]],
    series: Mapping[str, Mapping[str, Number | None]] | Iterable[tuple[str, Mapping]],
    scale_min: Number = 0,
    scale_max: Number = 10,
) -> SpiderChart:
    """A chart from plain data: axes as {code: label} (or pairs), series as
    {label: {code: value}} (or pairs), in drawing order. Codes missing from a series count
    as not answered."""
    axis_pairs = axes.items() if isinstance(axes, Mapping) else axes
    series_pairs = series.items() if isinstance(series, Mapping) else series
    return SpiderChart(
        title=str(title),
        axes=tuple(Axis(str(code), str(label)) for code, label in axis_pairs),
        series=tuple(Series(str(label), dict(values)) for label, values in series_pairs),
        scale_min=scale_min,
        scale_max=scale_max,
    )


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class Ring:
    value: Decimal
    points: str
    # Where the ring's value is written, or None for rings left unlabelled to avoid clutter.
    label_position: Point | None

    @property
    def label_box(self) -> tuple[float, float, float, float] | None:
        """(x, y, width, height) of a pale box behind the value, drawn over the shapes: a
        shape's edge may cross the value, which must stay readable (also in a PDF)."""
        if self.label_position is None:
            return None
        width = len(str(self.value)) * RING_FONT_SIZE * CHAR_WIDTH + 6
        return (
            self.label_position.x - 3,
            _round(self.label_position.y - RING_FONT_SIZE),
            _round(width),
            RING_FONT_SIZE + 5,
        )


@dataclass(frozen=True)
class LabelLine:
    text: str
    y: float
    is_note: bool


@dataclass(frozen=True)
class AxisLayout:
    axis: Axis
    spoke_end: Point
    label_x: float
    label_anchor: str
    label_lines: list[LabelLine]
    # Not answered in any series: the spoke is drawn dashed.
    unanswered: bool


@dataclass(frozen=True)
class Marker:
    axis: Axis
    position: Point
    value: Number
    clamped: bool

    @property
    def corner(self) -> Point:
        """Top left of the square point that marks the second series."""
        return Point(_round(self.position.x - SQUARE_HALF), _round(self.position.y - SQUARE_HALF))


@dataclass(frozen=True)
class SeriesLayout:
    index: int
    label: str
    # Polygon through the answered axes only, "x,y x,y ..."; empty when nothing was answered.
    points: str
    markers: list[Marker]
    unanswered: list[Axis]


@dataclass(frozen=True)
class SpiderLayout:
    view_box: str
    width: float
    height: float
    # Natural size on a page or in a PDF, in CSS pixels.
    display_width: int
    display_height: int
    centre: Point
    radius: float
    rings: list[Ring]
    axes: list[AxisLayout]
    series: list[SeriesLayout]


def _finite(value) -> bool:
    if isinstance(value, Decimal):
        return value.is_finite()
    return math.isfinite(value)


def _round(value: float) -> float:
    # One decimal is finer than a pixel; + 0.0 turns -0.0 into 0.0.
    return round(value, 1) + 0.0


def _angle(index: int, count: int) -> float:
    """Degrees clockwise from the top."""
    return 360 * index / count


def _point(degrees: float, radius: float) -> Point:
    radians = math.radians(degrees)
    return Point(_round(radius * math.sin(radians)), _round(-radius * math.cos(radians)))


def _points(points: Iterable[Point]) -> str:
    return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in points)


def _ring_step(span: Decimal) -> Decimal:
    """A round step that divides the scale into at most ten rings: 1 for 0-10 and 1-5,
    10 for 0-100, 0.25 for 0-1.5. Odd spans fall back to five equal rings."""
    if span == span.to_integral_value() and 3 <= span <= MAX_RINGS:
        # A scale of whole answers (1-5, 0-10) gets one ring per answer.
        return Decimal(1)
    for exponent in range(-3, 7):
        for mantissa in ("1", "2", "2.5", "5"):
            step = Decimal(mantissa).scaleb(exponent)
            count = span / step
            if count <= MAX_RINGS and count == count.to_integral_value():
                return step
    return span / 5


def _plain(value: Decimal) -> Decimal:
    """2.50 -> 2.5 and 10.0 -> 10, without the exponent form that normalize() gives."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _wrap(text: str, width: int = LABEL_WRAP) -> list[str]:
    lines = textwrap.wrap(text, width, break_long_words=False) or [""]
    if len(lines) > LABEL_MAX_LINES:
        lines = [*lines[: LABEL_MAX_LINES - 1], lines[LABEL_MAX_LINES - 1] + "…"]
    return lines


def _anchor(degrees: float) -> str:
    sine = math.sin(math.radians(degrees))
    if abs(sine) < 0.05:
        return "middle"
    return "start" if sine > 0 else "end"


def _text_width(text: str, font_size: float) -> float:
    return len(text) * font_size * CHAR_WIDTH


def _label_lines(degrees: float, anchor_y: float, texts: list[tuple[str, bool]]) -> list:
    """Baselines for the lines of one label. The block sits above the point at the top,
    below it at the bottom and centred beside it at the sides, in proportion between."""
    heights = [
        (NOTE_FONT_SIZE if is_note else LABEL_FONT_SIZE) * LINE_HEIGHT for _, is_note in texts
    ]
    cosine = math.cos(math.radians(degrees))
    top = anchor_y - sum(heights) * (1 + cosine) / 2
    lines = []
    for (text, is_note), height in zip(texts, heights, strict=True):
        # The baseline sits at about 80 % of the line box for this font.
        lines.append(LabelLine(text, _round(top + height * 0.8), is_note))
        top += height
    return lines


def _not_answered_notes(chart: SpiderChart, axis: Axis) -> list[str]:
    missing = [s for s in chart.series if chart.value(s, axis) is None]
    if not missing:
        return []
    if len(missing) == len(chart.series):
        return [gettext("not answered")]
    # Only in one of two measurements: say which, the measurement on a line of its own.
    return [gettext("not answered:"), *(series.label for series in missing)]


def spider_web_layout(chart: SpiderChart) -> SpiderLayout:
    scale_min, scale_max = float(chart.scale_min), float(chart.scale_max)
    span = scale_max - scale_min
    count = len(chart.axes)

    def radius_of(value: Number) -> float:
        share = (float(value) - scale_min) / span
        return RADIUS * min(max(share, 0.0), 1.0)

    # Everything drawn must fit in the view box: start with the rings, add each label.
    left, right, top, bottom = -RADIUS, RADIUS, -RADIUS, RADIUS

    low, high = Decimal(str(chart.scale_min)), Decimal(str(chart.scale_max))
    step = _ring_step(high - low)
    ring_count = int(((high - low) / step).to_integral_value())
    rings = []
    for number in range(1, ring_count + 1):
        value = _plain(low + step * number)
        radius = RADIUS * number / ring_count
        corners = [_point(_angle(i, count), radius) for i in range(count)]
        # With many rings only every other one gets a number, always including the top.
        labelled = ring_count <= 6 or (ring_count - number) % 2 == 0
        position = Point(RING_LABEL_OFFSET, _round(-radius + RING_FONT_SIZE + 2))
        rings.append(Ring(value, _points(corners), position if labelled else None))

    axes = []
    for index, axis in enumerate(chart.axes):
        degrees = _angle(index, count)
        anchor = _anchor(degrees)
        label_point = _point(degrees, RADIUS + LABEL_GAP)
        width = LABEL_WRAP_CENTRED if anchor == "middle" else LABEL_WRAP
        texts = [(line, False) for line in _wrap(axis.label, width)]
        for note in _not_answered_notes(chart, axis):
            texts.extend((line, True) for line in _wrap(note, width))
        lines = _label_lines(degrees, label_point.y, texts)
        if anchor == "middle":
            # Top and bottom labels need more room than the gap alone, as text sits on its
            # baseline: push the whole block away from the ring.
            shift = -4 if label_point.y < 0 else 4
            lines = [LabelLine(line.text, _round(line.y + shift), line.is_note) for line in lines]
        widest = max(
            _text_width(line.text, NOTE_FONT_SIZE if line.is_note else LABEL_FONT_SIZE)
            for line in lines
        )
        if anchor == "start":
            right = max(right, label_point.x + widest)
        elif anchor == "end":
            left = min(left, label_point.x - widest)
        else:
            left, right = (
                min(left, label_point.x - widest / 2),
                max(right, label_point.x + widest / 2),
            )
        top = min(top, lines[0].y - LABEL_FONT_SIZE)
        bottom = max(bottom, lines[-1].y + LABEL_FONT_SIZE * 0.3)
        axes.append(
            AxisLayout(
                axis=axis,
                spoke_end=_point(degrees, RADIUS),
                label_x=label_point.x,
                label_anchor=anchor,
                label_lines=lines,
                unanswered=all(chart.value(s, axis) is None for s in chart.series),
            )
        )

    series_layouts = []
    for series_index, series in enumerate(chart.series):
        markers, unanswered = [], []
        for index, axis in enumerate(chart.axes):
            value = chart.value(series, axis)
            if value is None:
                unanswered.append(axis)
                continue
            position = _point(_angle(index, count), radius_of(value))
            clamped = not scale_min <= float(value) <= scale_max
            markers.append(Marker(axis, position, value, clamped))
        points = _points(marker.position for marker in markers)
        series_layouts.append(SeriesLayout(series_index, series.label, points, markers, unanswered))

    left, top = math.floor(left - MARGIN), math.floor(top - MARGIN)
    right, bottom = math.ceil(right + MARGIN), math.ceil(bottom + MARGIN)
    width, height = right - left, bottom - top
    return SpiderLayout(
        view_box=f"{left} {top} {width} {height}",
        width=width,
        height=height,
        display_width=round(width * DISPLAY_SCALE),
        display_height=round(height * DISPLAY_SCALE),
        centre=Point(0.0, 0.0),
        radius=RADIUS,
        rings=rings,
        axes=axes,
        series=series_layouts,
    )


def format_value(value: Number) -> str:
    """A score as people read it: at most one decimal, in the active language's notation
    (7,5 in Dutch)."""
    return floatformat(value, "-1")


def _extremes(chart: SpiderChart, series: Series) -> str:
    answered = [(axis, chart.value(series, axis)) for axis in chart.axes]
    answered = [(axis, value) for axis, value in answered if value is not None]
    if not answered:
        return gettext("Nothing was answered.")
    highest = max(value for _, value in answered)
    lowest = min(value for _, value in answered)

    def names(target):
        return get_text_list([a.label for a, v in answered if v == target], gettext("and"))

    if highest == lowest:
        return gettext("Every answered part scores %(value)s.") % {"value": format_value(highest)}
    return gettext("Highest: %(high)s (%(high_value)s). Lowest: %(low)s (%(low_value)s).") % {
        "high": names(highest),
        "high_value": format_value(highest),
        "low": names(lowest),
        "low_value": format_value(lowest),
    }


def describe(chart: SpiderChart) -> str:
    """The chart in words, for screen readers: what it shows, the highest and lowest part
    per series, what was not answered and how that is drawn."""
    count = len(chart.axes)
    parts = [
        ngettext(
            "Spider web with %(count)d part on a scale from %(low)s to %(high)s.",
            "Spider web with %(count)d parts on a scale from %(low)s to %(high)s.",
            count,
        )
        % {
            "count": count,
            "low": format_value(chart.scale_min),
            "high": format_value(chart.scale_max),
        }
    ]
    if len(chart.series) == 1:
        parts.append(_extremes(chart, chart.series[0]))
    else:
        first, second = chart.series
        parts.append(
            gettext(
                "It compares %(first)s (solid line, round points) "
                "with %(second)s (dashed line, square points)."
            )
            % {"first": first.label, "second": second.label}
        )
        for series in chart.series:
            parts.append(f"{series.label}: {_extremes(chart, series)}")
    missing = [
        axis for axis in chart.axes if any(chart.value(s, axis) is None for s in chart.series)
    ]
    if missing:
        parts.append(
            gettext(
                "Not answered: %(parts)s. The shape skips these parts; that is not a score of 0."
            )
            % {"parts": get_text_list([axis.label for axis in missing], gettext("and"))}
        )
    parts.append(gettext("The table with the chart lists all numbers."))
    return " ".join(parts)
