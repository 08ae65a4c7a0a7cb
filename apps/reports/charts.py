"""Charts for the report pages and the municipality PDFs, drawn as SVG on the server.

Five kinds: horizontal bars, lines over time, small multiples (one small chart per group on a
shared scale), a funnel plot and a tile map (or a choropleth when every area has a boundary).
Each builder returns a `Chart`: the SVG, a text alternative and the same numbers as a
`Table`, which is also the chart's CSV. The table is part of the chart, not an extra: it is
how screen readers, keyboard users and anyone who wants the exact figure reads it.

How it is split, as in the spider web (apps/questionnaires/spiderweb.py): this module does
the geometry and the formatting, the templates under templates/reports/charts/ write the SVG
(so every label is escaped by the template engine); only elements a chart repeats by the
hundred (a map's areas, bars, funnel points) are written by `_tag`, which escapes every
value itself. Colours, dashes and fonts are presentation attributes, never CSS variables:
WeasyPrint draws the SVG on its own. The stylesheet only refines it on screen.

Never colour alone: lines differ in dash and marker shape, grouped bars alternate solid and
hatched fills, funnel outliers have their own shape and their name beside them, and a tile
without a number is hatched. A value without a number (no data, or hidden because the group
is too small to show) is never drawn as a zero.

Units are CSS pixels at the natural size (the SVG's width and height); text is 12 px or more
there. The view box lets the page shrink the chart to a phone's width.
"""

import base64
import csv
import functools
import io
import math
import re
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise
from typing import Literal

from django.template.loader import render_to_string
from django.utils.formats import get_format
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language, gettext, gettext_lazy

WIDTH = 640
MARGIN = 8
FONT_SIZE = 14
TICK_FONT_SIZE = 13
SMALL_FONT_SIZE = 12
LINE_HEIGHT = 1.25
# Rough width of one character as a share of the font size (DejaVu Sans, mixed case). Only
# used to make room for text, so it errs on the wide side.
CHAR_WIDTH = 0.6
MAX_SERIES = 5

TEXT_COLOUR = "#1a1a1a"
MUTED_COLOUR = "#4d4d4d"
GRID_COLOUR = "#d5dbe1"
# Dark enough for 3:1 against white, told apart by people with any colour-vision deficiency
# only together with their dash, marker or fill pattern.
SERIES_COLOURS = ("#00695c", "#a34700", "#1f5fa8", "#7b3f8c", "#4d4d4d")
SERIES_DASHES = ("", "8 4", "2 3", "12 4 2 4", "5 2 1 2 1 2")
SERIES_MARKERS = ("circle", "square", "triangle", "diamond", "cross")
# A single-hue sequential ramp (light to dark blue): readable with every colour-vision
# deficiency and in greyscale print. Text on the two darkest classes is white.
MAP_RAMP = ("#eff3ff", "#bdd7e7", "#6baed6", "#2171b5", "#084594")
MAP_RAMP_PICKS = {1: (2,), 2: (1, 3), 3: (0, 2, 4), 4: (0, 1, 3, 4), 5: (0, 1, 2, 3, 4)}
MAP_DARK_FROM = 3


# --- What the callers build and get back ---------------------------------------------------


@dataclass(frozen=True)
class Value:
    """One number in a chart and its table cell. `number` is what is drawn (None: nothing
    is drawn, for no data or a number hidden by small-cell protection); `text` is what the
    table and the labels show, already formatted ("1.234", "< 10", a dash, "12,5%")."""

    number: float | None
    text: str


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[Value, ...]


# Cells a spreadsheet would run as a formula start with one of these (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_TEXT = re.compile(r"[-+]?\d[\d.,\s]*%?")


TEXT_CELL_CLASS = "utrecht-table__cell"
NUMBER_CELL_CLASS = (
    "utrecht-table__cell utrecht-table__cell--numeric-column "
    "utrecht-table__cell--numeric-data bk-chart__number"
)


@dataclass(frozen=True)
class Table:
    """The chart's numbers as an accessible table, and exactly its CSV."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]

    @property
    def header_cells(self) -> list[tuple[str, bool]]:
        """(text, numeric) per column, for the template."""
        return list(zip(self.header, self.numeric, strict=True))

    @property
    def body_html(self) -> SafeString:
        """The rows as HTML table rows, the first cell of each a row header. Written in
        Python: a comparison of a few hundred districts has over a thousand cells."""
        opening = [
            f'<td class="{NUMBER_CELL_CLASS if numeric else TEXT_CELL_CLASS}">'
            for numeric in self.numeric[1:]
        ]
        written = "".join(
            '<tr class="utrecht-table__row"><th scope="row" class="utrecht-table__header-cell">'
            + _cell(row[0])
            + "</th>"
            + "".join(
                f"{start}{_cell(text)}</td>" for start, text in zip(opening, row[1:], strict=True)
            )
            + "</tr>"
            for row in self.rows
        )
        return mark_safe(written)  # noqa: S308 (every cell escaped by _cell)

    def csv(self) -> str:
        """Header and rows, comma-separated, as UTF-8 text (the view adds the byte-order
        mark). Texts are the table's own, except that a text cell a spreadsheet would run
        as a formula gets a leading apostrophe; numbers such as "-3,5" stay as they are."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([_csv_cell(text, numeric=False) for text in self.header])
        for row in self.rows:
            writer.writerow(
                [_csv_cell(text, numeric) for text, numeric in zip(row, self.numeric, strict=True)]
            )
        return buffer.getvalue()


def _csv_cell(text: str, numeric: bool) -> str:
    if not text.startswith(_FORMULA_START):
        return text
    if numeric and _NUMBER_TEXT.fullmatch(text):
        return text
    return f"'{text}"


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    svg: SafeString
    table: Table
    # Names the chart in its page's address of the CSV download.
    slug: str = ""

    @property
    def image_url(self) -> str:
        """The SVG as a data: URL, for a PDF: there an image with a text alternative is
        tagged as a figure, and its drawing stays out of the document's own styling."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


# --- Numbers on axes -----------------------------------------------------------------------


@dataclass(frozen=True)
class Ticks:
    """Round values for an axis, from its bottom to its top."""

    values: tuple[float, ...]
    decimals: int

    @property
    def low(self) -> float:
        return self.values[0]

    @property
    def high(self) -> float:
        return self.values[-1]

    def text(self, value: float) -> str:
        return format_number(value, self.decimals)


@functools.cache
def _separators(language: str | None) -> tuple[str, str]:
    return get_format("DECIMAL_SEPARATOR", language), get_format("THOUSAND_SEPARATOR", language)


def format_number(value: float, decimals: int = 0) -> str:
    """A number in the active language's notation: 1.234,5 in Dutch, 1,234.5 in English.

    What django.utils.formats.number_format writes with grouping, at a twentieth of its
    cost: a chart of a few hundred teams formats thousands of numbers."""
    decimal_separator, thousand_separator = _separators(get_language())
    # Adding 0.0 turns a rounded -0.0 into 0.0, so no "-0" is written.
    text = f"{round(value, decimals) + 0.0:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", decimal_separator).replace("\0", thousand_separator)


def nice_ticks(low: float, high: float, count: int = 5) -> Ticks:
    """About `count` equal steps of 1, 2 or 5 times a power of ten that cover low to high:
    0-87 gives 0, 20, ..., 100; 0.3-0.8 gives 0.3, 0.4, ..., 0.8."""
    low, high = min(low, high), max(low, high)
    if low == high:
        # One value: a scale around it (or 0 to 1 for nothing but zeros).
        pad = abs(low) * 0.1 or 1
        low, high = (0, 1) if low == 0 else (low - pad, high + pad)
    raw = (high - low) / max(count, 1)
    exponent = math.floor(math.log10(raw))
    fraction = raw / 10**exponent
    mantissa = next(m for m in (1, 2, 5, 10) if fraction <= m + 1e-9)
    if mantissa == 10:
        mantissa, exponent = 1, exponent + 1
    step = mantissa * 10**exponent
    decimals = max(0, -exponent)
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    values = tuple(round(k * step, decimals) + 0.0 for k in range(first, last + 1))
    return Ticks(values, decimals)


# --- Shared helpers ------------------------------------------------------------------------


def _round(value: float) -> float:
    # One decimal is finer than a pixel; + 0.0 turns -0.0 into 0.0.
    return round(value, 1) + 0.0


def _text_width(text: str, font_size: float = FONT_SIZE) -> float:
    return len(text) * font_size * CHAR_WIDTH


def _fit(text: str, width: float, font_size: float) -> str:
    """The text, cut with an ellipsis where it would not fit in `width`."""
    chars = max(int(width / (font_size * CHAR_WIDTH)), 2)
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def _wrap(text: str, chars: int, max_lines: int) -> list[str]:
    lines = textwrap.wrap(text, chars, break_long_words=False) or [""]
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return [line if len(line) <= chars else line[: chars - 1].rstrip() + "…" for line in lines]


def _uid(slug: str) -> str:
    """An XML id prefix for everything in one chart; two charts on a page need two slugs."""
    return f"chart-{slugify(slug) or 'unnamed'}"


def _no_data_text(value: Value) -> str:
    """What a value without a number says in the chart: its own text when that says
    something ("< 10"), otherwise "no data" (a lone dash would read as a zero)."""
    if any(character.isalnum() for character in value.text):
        return value.text
    return gettext("no data")


def _check_series(series: Sequence[Series], length: int) -> None:
    if len(series) > MAX_SERIES:
        raise ValueError(f"A chart shows at most {MAX_SERIES} series; use small multiples.")
    for one in series:
        if len(one.values) != length:
            raise ValueError(f"Series {one.label!r} needs one value per category.")


def _numbers(series: Iterable[Series]) -> list[float]:
    return [v.number for s in series for v in s.values if v.number is not None]


def _table(caption: str, first: str, labels: Sequence[str], series: Sequence[Series]) -> Table:
    return Table(
        caption=caption,
        header=(first, *(s.label for s in series)),
        rows=tuple(
            (label, *(s.values[index].text for s in series)) for index, label in enumerate(labels)
        ),
        numeric=(False, *(True for _ in series)),
    )


def _render(template: str, context: dict) -> SafeString:
    return render_to_string(f"reports/charts/{template}", context)


def _tag(name: str, attributes: dict, content: str | None = None) -> str:
    """One SVG element, for the elements a chart repeats hundreds of times (a map's areas):
    the template engine takes about half a millisecond per area, this a few microseconds.
    Every attribute value is escaped; `content` is markup already (use _text for text)."""
    written = "".join(
        f' {key}="{value if isinstance(value, int | float) else escape(value, quote=True)}"'
        for key, value in attributes.items()
        if value is not None
    )
    return f"<{name}{written}/>" if content is None else f"<{name}{written}>{content}</{name}>"


def _cell(value) -> str:
    """A table cell's text escaped as a template escapes it; markup stays markup."""
    return value if isinstance(value, SafeData) else escape(str(value), quote=True)


def _text(value: str) -> str:
    return escape(str(value), quote=False)


def _chart(kind, *, slug, title, description, table, width, height, **context) -> Chart:
    svg = _render(
        f"{kind}.svg",
        {
            "kind": kind,
            "uid": _uid(slug),
            "title": title,
            "description": description,
            "width": math.ceil(width),
            "height": math.ceil(height),
            **context,
        },
    )
    return Chart(title=str(title), description=str(description), svg=svg, table=table, slug=slug)


def _empty(*, slug, title, description, table: Table) -> Chart:
    """A chart without any number to draw: the SVG says so, the table has no rows."""
    empty_table = Table(table.caption, table.header, (), table.numeric)
    return _chart(
        "empty",
        slug=slug,
        title=title,
        description=description,
        table=empty_table,
        width=WIDTH,
        height=64,
        box_width=WIDTH - 2,
        box_height=62,
        centre_x=WIDTH / 2,
        text_y=37,
        message=gettext("No data to show."),
    )


@dataclass(frozen=True)
class TickMark:
    position: float
    text: str

    @property
    def baseline(self) -> float:
        """Baseline of a label centred on a horizontal grid line."""
        return _round(self.position + TICK_FONT_SIZE * 0.35)


@dataclass(frozen=True)
class LegendItem:
    """One key of a legend; `y` is the baseline of its text, the key sits left of it."""

    x: float
    y: float
    label: str
    index: int
    kind: str = ""
    # A marker drawn on the key (lines and funnel points), as an SVG path.
    key_path: str = ""

    @property
    def key_y(self) -> float:
        return _round(self.y - 5)

    @property
    def swatch_y(self) -> float:
        return _round(self.y - 12)

    @property
    def key_end(self) -> float:
        return _round(self.x + LEGEND_KEY_WIDTH)

    @property
    def text_x(self) -> float:
        return _round(self.x + LEGEND_KEY_WIDTH + 6)


LEGEND_KEY_WIDTH = 30
LEGEND_ROW = 22


def _legend(
    labels: Sequence[str],
    *,
    top: float,
    kinds: Sequence[str] = (),
    shapes: Sequence[str | None] = (),
) -> tuple[list[LegendItem], float]:
    """Keys left to right, wrapping to a new row where the width runs out; returns the items
    and the bottom of the legend."""
    items, x, y = [], MARGIN, top + 15
    for index, label in enumerate(labels):
        width = LEGEND_KEY_WIDTH + 6 + _text_width(label, TICK_FONT_SIZE)
        if x > MARGIN and x + width > WIDTH - MARGIN:
            x, y = MARGIN, y + LEGEND_ROW
        shape = shapes[index] if shapes else None
        key_path = marker_path(shape, x + LEGEND_KEY_WIDTH / 2, y - 5) if shape else ""
        kind = kinds[index] if kinds else ""
        items.append(LegendItem(_round(x), _round(y), label, index, kind, key_path))
        x += width + 18
    return items, y + 10


@dataclass(frozen=True)
class Style:
    colour: str
    dash: str
    marker: str
    hatched: bool


def _style(index: int) -> Style:
    return Style(
        colour=SERIES_COLOURS[index],
        dash=SERIES_DASHES[index],
        marker=SERIES_MARKERS[index],
        hatched=index % 2 == 1,
    )


def marker_path(shape: str, x: float, y: float, size: float = 5) -> str:
    """An SVG path for a point marker centred on (x, y), about 2 * size across."""
    r = size
    if shape == "circle":
        return f"M{_round(x - r)},{_round(y)} a{r},{r} 0 1,0 {2 * r},0 a{r},{r} 0 1,0 {-2 * r},0 Z"
    if shape == "square":
        s = _round(r * 0.9)
        return f"M{_round(x - s)},{_round(y - s)} h{2 * s} v{2 * s} h{-2 * s} Z"
    if shape in ("triangle", "triangle-down"):
        sign = 1 if shape == "triangle" else -1
        tip, base, half = _round(y - sign * r * 1.3), _round(y + sign * r * 0.9), _round(r * 1.2)
        return f"M{_round(x)},{tip} L{_round(x + half)},{base} L{_round(x - half)},{base} Z"
    if shape == "diamond":
        d = _round(r * 1.3)
        return f"M{_round(x)},{_round(y - d)} l{d},{d} l{-d},{d} l{-d},{-d} Z"
    if shape == "cross":
        a, b = _round(r * 0.4), _round(r * 1.1)
        return (
            f"M{_round(x - a)},{_round(y - b)} h{2 * a} v{b - a} h{b - a} v{2 * a} h{a - b} "
            f"v{b - a} h{-2 * a} v{a - b} h{a - b} v{-2 * a} h{b - a} Z"
        )
    raise ValueError(f"Unknown marker shape {shape!r}.")


# --- Bar chart ------------------------------------------------------------------------------

BAR_LABEL_WRAP = 26
BAR_HEIGHT_SINGLE = 22
BAR_HEIGHT_GROUPED = 16
BAR_GROUP_GAP = 12


@dataclass(frozen=True)
class Bar:
    series_index: int
    x: float
    y: float
    width: float
    height: float
    # Where the value's text goes and which way it runs from there.
    text_x: float
    text_y: float
    text_anchor: str
    text: str
    title: str
    style: Style
    fill: str
    # True when there is no number: nothing is drawn, only the text ("no data", "< 10").
    missing: bool


@dataclass(frozen=True)
class CategoryLabel:
    x: float
    lines: tuple[tuple[float, str], ...]


def _bars_svg(bars: Sequence[Bar]) -> SafeString:
    """Each bar with its value beside it; a value without a number only as text."""
    written = []
    for bar in bars:
        title = _tag("title", {}, _text(bar.title))
        if bar.missing:
            written.append(
                _tag(
                    "text",
                    {
                        "class": "bk-chart__no-data",
                        "x": bar.text_x,
                        "y": bar.text_y,
                        "font-style": "italic",
                        "fill": MUTED_COLOUR,
                    },
                    title + _text(bar.text),
                )
            )
            continue
        written.append(
            _tag(
                "rect",
                {
                    "class": "bk-chart__bar",
                    "x": bar.x,
                    "y": bar.y,
                    "width": bar.width,
                    "height": bar.height,
                    "fill": bar.fill,
                    "stroke": bar.style.colour,
                    "stroke-width": 1.5,
                },
                title,
            )
            + _tag(
                "text",
                {"x": bar.text_x, "y": bar.text_y, "text-anchor": bar.text_anchor},
                _text(bar.text),
            )
        )
    return mark_safe("".join(written))  # noqa: S308 (every value escaped by _tag and _text)


def _category_labels_svg(labels: Sequence[CategoryLabel]) -> SafeString:
    written = [
        _tag(
            "text",
            {"x": label.x},
            "".join(_tag("tspan", {"x": label.x, "y": y}, _text(line)) for y, line in label.lines),
        )
        for label in labels
    ]
    return mark_safe("".join(written))  # noqa: S308 (every value escaped by _tag and _text)


def bar_chart(
    *,
    slug: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    value_label: str,
    category_label: str = "",
) -> Chart:
    """Horizontal bars, one row per category (long Dutch names fit on the left), one bar per
    series in each row. Bars start at zero; a value without a number gets its text at the
    zero line instead of a bar."""
    _check_series(series, len(categories))
    table = _table(title, category_label or gettext("Category"), categories, series)
    numbers = _numbers(series)
    if not categories or not numbers:
        return _empty(slug=slug, title=title, description=description, table=table)

    legend, top = [], MARGIN
    if len(series) > 1:
        legend, top = _legend([s.label for s in series], top=MARGIN)
    top += 6

    wrapped = [_wrap(label, BAR_LABEL_WRAP, 2) for label in categories]
    label_width = max(_text_width(line) for lines in wrapped for line in lines)
    label_right = MARGIN + label_width

    def value_text(value: Value) -> str:
        return value.text if value.number is not None else _no_data_text(value)

    # Room for the texts at the ends of the bars: right of positive bars (and of the zero
    # line, where a missing value says so), left of negative ones.
    widths = [
        (
            value.number is not None and value.number < 0,
            _text_width(value_text(value), TICK_FONT_SIZE),
        )
        for one in series
        for value in one.values
    ]
    right_room = max((width for negative, width in widths if not negative), default=0)
    left_room = max((width for negative, width in widths if negative), default=0)
    plot_left = label_right + 12 + (left_room + 6 if left_room else 0)
    plot_right = WIDTH - MARGIN - max(right_room + 6, 24)

    ticks = nice_ticks(min(0, *numbers), max(0, *numbers))
    span = ticks.high - ticks.low

    def x_of(number: float) -> float:
        return _round(plot_left + (number - ticks.low) / span * (plot_right - plot_left))

    zero = x_of(0)
    uid = _uid(slug)
    styles = [_style(i) for i in range(len(series))]
    # Every other series is hatched, so grouped bars differ in more than colour.
    patterns = [(f"{uid}-hatch-{i}", s.colour) for i, s in enumerate(styles) if s.hatched]
    fills = [f"url(#{uid}-hatch-{i})" if s.hatched else s.colour for i, s in enumerate(styles)]
    bar_height = BAR_HEIGHT_SINGLE if len(series) == 1 else BAR_HEIGHT_GROUPED
    line_height = FONT_SIZE * LINE_HEIGHT
    bars, labels, y = [], [], top
    for index, category in enumerate(categories):
        lines = wrapped[index]
        row_height = max(len(series) * bar_height, len(lines) * line_height) + BAR_GROUP_GAP
        middle = y + row_height / 2
        first_baseline = middle - (len(lines) - 1) * line_height / 2 + FONT_SIZE * 0.35
        labels.append(
            CategoryLabel(
                _round(label_right),
                tuple(
                    (_round(first_baseline + n * line_height), line) for n, line in enumerate(lines)
                ),
            )
        )
        bar_top = middle - len(series) * bar_height / 2
        for series_index, one in enumerate(series):
            value = one.values[index]
            bar_y = _round(bar_top + series_index * bar_height + 1)
            text_y = _round(bar_y + (bar_height - 2) / 2 + TICK_FONT_SIZE * 0.35)
            name = category if len(series) == 1 else f"{category}, {one.label}"
            missing = value.number is None
            end = zero if missing else x_of(value.number)
            negative = not missing and value.number < 0
            bars.append(
                Bar(
                    series_index=series_index,
                    x=min(zero, end),
                    y=bar_y,
                    width=_round(abs(end - zero)),
                    height=bar_height - 2,
                    text_x=_round(end - 4 if negative else end + 4),
                    text_y=text_y,
                    text_anchor="end" if negative else "start",
                    text=value_text(value),
                    title=f"{name}: {value.text}",
                    style=styles[series_index],
                    fill=fills[series_index],
                    missing=missing,
                )
            )
        y += row_height

    axis = _horizontal_value_axis(
        ticks, x_of, top=top, bottom=y, left=plot_left, right=plot_right, title=value_label
    )
    return _chart(
        "bar",
        slug=slug,
        title=title,
        description=description,
        table=table,
        width=WIDTH,
        legend=list(zip(legend, styles, fills, strict=False)),
        patterns=patterns,
        bars_svg=_bars_svg(bars),
        labels_svg=_category_labels_svg(labels),
        zero=zero,
        **axis,
    )


def _horizontal_value_axis(ticks: Ticks, x_of, *, top, bottom, left, right, title) -> dict:
    """The value axis under rows of horizontal marks (bars, ranges): its ticks, its title
    and the chart's height that makes room for them."""
    return {
        "ticks": [TickMark(x_of(t), ticks.text(t)) for t in ticks.values],
        "plot_top": _round(top),
        "plot_bottom": _round(bottom),
        "tick_y": _round(bottom + 6 + TICK_FONT_SIZE),
        "axis_title": title,
        "axis_title_x": _round((left + right) / 2),
        "axis_title_y": _round(bottom + 6 + TICK_FONT_SIZE + 8 + FONT_SIZE),
        "height": bottom + 6 + TICK_FONT_SIZE + 8 + FONT_SIZE + MARGIN + 4,
    }


# --- Range chart (an organisation against the sector) ---------------------------------------

RANGE_ROW_HEIGHT = 34
RANGE_BOX_HEIGHT = 14
RANGE_COLOUR = "#a9b8c4"


@dataclass(frozen=True)
class RangeRow:
    label_lines: tuple[tuple[float, str], ...]
    # The box from the first to the third quartile; no width when there is no box.
    box_x: float
    box_y: float
    box_width: float | None
    median_x: float | None
    median_top: float
    median_bottom: float
    own_path: str
    title: str


def range_chart(
    *,
    slug: str,
    title: str,
    description: str,
    categories: Sequence[str],
    own: Series,
    median: Series,
    lower: Series,
    upper: Series,
    counts: Series,
    value_label: str,
    category_label: str = "",
) -> Chart:
    """Per category the sector's middle half (a box from the first to the third quartile),
    its median (a line) and one organisation's own value (a diamond), on one scale. The
    table beside it has the five numbers of each row."""
    series = [own, median, lower, upper, counts]
    _check_series(series, len(categories))
    table = _table(title, category_label or gettext("Category"), categories, series)
    numbers = _numbers([own, median, lower, upper])
    if not categories or not numbers:
        return _empty(slug=slug, title=title, description=description, table=table)
    labels = [gettext("Sector: middle half"), gettext("Sector median"), own.label]
    legend, top = _legend(labels, top=MARGIN, shapes=(None, None, "diamond"))
    top += 6
    wrapped = [_wrap(label, BAR_LABEL_WRAP, 2) for label in categories]
    label_right = MARGIN + max(_text_width(line) for lines in wrapped for line in lines)
    plot_left, plot_right = label_right + 16, WIDTH - MARGIN - 16
    ticks = nice_ticks(min(0, *numbers), max(numbers))
    span = ticks.high - ticks.low or 1

    def x_of(number: float) -> float:
        return _round(plot_left + (number - ticks.low) / span * (plot_right - plot_left))

    line_height = FONT_SIZE * LINE_HEIGHT
    rows, y = [], top
    for index, category in enumerate(categories):
        lines = wrapped[index]
        row_height = max(RANGE_ROW_HEIGHT, len(lines) * line_height + 12)
        middle = y + row_height / 2
        first = middle - (len(lines) - 1) * line_height / 2 + FONT_SIZE * 0.35
        q1, q2, q3, mine = (one.values[index].number for one in (lower, median, upper, own))
        has_box = q1 is not None and q3 is not None
        rows.append(
            RangeRow(
                label_lines=tuple(
                    (_round(first + n * line_height), line) for n, line in enumerate(lines)
                ),
                box_x=x_of(q1) if has_box else 0,
                box_y=_round(middle - RANGE_BOX_HEIGHT / 2),
                box_width=_round(max(x_of(q3) - x_of(q1), 2)) if has_box else None,
                median_x=x_of(q2) if q2 is not None else None,
                median_top=_round(middle - RANGE_BOX_HEIGHT / 2 - 4),
                median_bottom=_round(middle + RANGE_BOX_HEIGHT / 2 + 4),
                own_path=marker_path("diamond", x_of(mine), middle, 6) if mine is not None else "",
                title=(
                    f"{category}: {own.label} {own.values[index].text}, "
                    f"{median.label} {median.values[index].text}"
                ),
            )
        )
        y += row_height
    axis = _horizontal_value_axis(
        ticks, x_of, top=top, bottom=y, left=plot_left, right=plot_right, title=value_label
    )
    return _chart(
        "range",
        slug=slug,
        title=title,
        description=description,
        table=table,
        width=WIDTH,
        legend=legend,
        rows=rows,
        label_right=_round(label_right),
        box_height=RANGE_BOX_HEIGHT,
        range_colour=RANGE_COLOUR,
        own_colour=SERIES_COLOURS[0],
        **axis,
    )


# --- Line chart -----------------------------------------------------------------------------

LINE_PLOT_HEIGHT = 240
LINE_EDGE_PAD = 14


@dataclass(frozen=True)
class LinePoint:
    x: float
    y: float
    path: str
    title: str


@dataclass(frozen=True)
class LineSeries:
    index: int
    label: str
    style: Style
    # One path per run of values with a number; a value without one leaves a gap.
    segments: tuple[str, ...]
    points: tuple[LinePoint, ...]

    @property
    def points_svg(self) -> SafeString:
        """The markers, each with its month and value as a tooltip."""
        marker = f"bk-chart__point bk-chart__point--{self.style.marker}"
        paint = {"fill": self.style.colour, "stroke": "#ffffff", "stroke-width": 1}
        written = "".join(
            _tag(
                "path",
                {"class": marker, "d": point.path, **paint},
                _tag("title", {}, _text(point.title)),
            )
            for point in self.points
        )
        return mark_safe(written)  # noqa: S308 (every value escaped by _tag and _text)


def _line_axes_svg(
    y_ticks: Sequence[TickMark],
    x_ticks: Sequence[TickMark],
    *,
    plot_left: float,
    plot_right: float,
    plot_bottom: float,
    tick_x: float,
    tick_end: float,
    x_tick_y: float,
) -> SafeString:
    """A line chart's grid and tick labels: a dozen months are forty elements."""
    grid = "".join(
        _tag("line", {"x1": plot_left, "y1": t.position, "x2": plot_right, "y2": t.position})
        for t in y_ticks
    )
    labels = "".join(
        _tag("text", {"x": tick_x, "y": t.baseline, "text-anchor": "end"}, _text(t.text))
        for t in y_ticks
    )
    marks = "".join(
        _tag(
            "line",
            {
                "x1": t.position,
                "y1": plot_bottom,
                "x2": t.position,
                "y2": tick_end,
                "stroke": "#4d4d4d",
                "stroke-width": "1",
            },
        )
        + _tag("text", {"x": t.position, "y": x_tick_y, "text-anchor": "middle"}, _text(t.text))
        for t in x_ticks
    )
    written = _tag(
        "g", {"class": "bk-chart__grid", "stroke": "#d5dbe1", "stroke-width": "1"}, grid
    ) + _tag(
        "g",
        {"class": "bk-chart__ticks", "font-size": "13", "fill": "#4d4d4d"},
        labels + marks,
    )
    return mark_safe(written)  # noqa: S308 (every value escaped by _tag and _text)


def _y_ticks(numbers: Sequence[float], include_zero: bool, count: int = 5) -> Ticks:
    low, high = min(numbers), max(numbers)
    if include_zero:
        low, high = min(low, 0), max(high, 0)
    return nice_ticks(low, high, count)


def _line_series(series, x_positions, y_of, x_labels, *, marker_size=5.0) -> list[LineSeries]:
    drawn = []
    for index, one in enumerate(series):
        style = _style(index)
        runs, run, points = [], [], []
        for position, label, value in zip(x_positions, x_labels, one.values, strict=True):
            if value.number is None:
                if run:
                    runs.append(run)
                run = []
                continue
            point = (position, y_of(value.number))
            run.append(point)
            name = f"{one.label}, {label}" if len(series) > 1 else label
            points.append(
                LinePoint(
                    *point,
                    path=marker_path(style.marker, *point, size=marker_size),
                    title=f"{name}: {value.text}",
                )
            )
        if run:
            runs.append(run)
        segments = tuple(
            "M" + " L".join(f"{x},{y}" for x, y in run) for run in runs if len(run) > 1
        )
        drawn.append(LineSeries(index, one.label, style, segments, tuple(points)))
    return drawn


def line_chart(
    *,
    slug: str,
    title: str,
    description: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    value_label: str,
    x_label: str = "",
    include_zero: bool = True,
) -> Chart:
    """Lines over time (x labels such as "jan 2026"), each series with its own dash and
    marker shape. A value without a number leaves a gap in its line."""
    _check_series(series, len(x_labels))
    table = _table(title, x_label or gettext("Period"), x_labels, series)
    numbers = _numbers(series)
    if not x_labels or not numbers:
        return _empty(slug=slug, title=title, description=description, table=table)

    legend, top = [], MARGIN
    if len(series) > 1:
        legend, top = _legend(
            [s.label for s in series],
            top=MARGIN,
            shapes=[_style(i).marker for i in range(len(series))],
        )
    axis_title_y = top + FONT_SIZE + 2
    plot_top = axis_title_y + 14
    plot_bottom = plot_top + LINE_PLOT_HEIGHT

    ticks = _y_ticks(numbers, include_zero)
    tick_width = max(_text_width(ticks.text(t), TICK_FONT_SIZE) for t in ticks.values)
    plot_left = MARGIN + tick_width + 8
    plot_right = WIDTH - MARGIN - 4

    def y_of(number: float) -> float:
        share = (number - ticks.low) / (ticks.high - ticks.low)
        return _round(plot_bottom - share * (plot_bottom - plot_top))

    count = len(x_labels)
    inner = plot_right - plot_left - 2 * LINE_EDGE_PAD
    step = inner / (count - 1) if count > 1 else 0
    x_positions = [
        _round(plot_left + LINE_EDGE_PAD + (index * step if count > 1 else inner / 2))
        for index in range(count)
    ]
    # Every k-th month gets its label, so labels never overlap.
    widest = max(_text_width(label, TICK_FONT_SIZE) for label in x_labels) + 10
    every = max(1, math.ceil(widest / step)) if step else 1
    x_ticks = [TickMark(x_positions[i], x_labels[i]) for i in range(count) if i % every == 0]
    height = plot_bottom + 8 + TICK_FONT_SIZE + (FONT_SIZE + 12 if x_label else 0) + MARGIN + 4
    return _chart(
        "line",
        slug=slug,
        title=title,
        description=description,
        table=table,
        width=WIDTH,
        height=height,
        legend=list(zip(legend, (_style(i) for i in range(len(series))), strict=False)),
        lines=_line_series(series, x_positions, y_of, x_labels),
        axes_svg=_line_axes_svg(
            [TickMark(y_of(t), ticks.text(t)) for t in ticks.values],
            x_ticks,
            plot_left=_round(plot_left),
            plot_right=_round(plot_right),
            plot_bottom=_round(plot_bottom),
            tick_x=_round(plot_left - 6),
            tick_end=_round(plot_bottom + 4),
            x_tick_y=_round(plot_bottom + 8 + TICK_FONT_SIZE),
        ),
        plot_left=_round(plot_left),
        plot_right=_round(plot_right),
        plot_top=_round(plot_top),
        plot_bottom=_round(plot_bottom),
        zero=y_of(0) if ticks.low <= 0 <= ticks.high else None,
        axis_title=value_label,
        axis_title_x=MARGIN,
        axis_title_y=_round(axis_title_y),
        x_title=x_label,
        x_title_x=_round((plot_left + plot_right) / 2),
        x_title_y=_round(plot_bottom + 8 + TICK_FONT_SIZE + FONT_SIZE + 8),
    )


# --- Small multiples ------------------------------------------------------------------------

PANEL_GAP = 16
PANEL_PLOT_HEIGHT = 100
PANEL_LABEL_HEIGHT = 22
PANEL_FOOT_HEIGHT = 20
PANEL_ROW_GAP = 14
SMALL_MULTIPLES_COLUMNS = 3


@dataclass(frozen=True)
class PanelBar:
    x: float
    y: float
    width: float
    height: float
    title: str
    missing: bool


@dataclass(frozen=True)
class Panel:
    label: str
    short_label: str
    x: float
    y: float
    width: float
    plot_top: float
    plot_bottom: float
    label_y: float
    grid: tuple[float, ...]
    zero: float | None
    line: LineSeries | None
    bars: tuple[PanelBar, ...]
    first_x_label: TickMark | None
    last_x_label: TickMark | None
    foot_y: float

    @property
    def right(self) -> float:
        return _round(self.x + self.width)


def _panel_svg(panel: Panel, colour: str, no_data: str) -> str:
    """One small chart: its name, grid, axis, line or bars, and first and last x label."""
    x, right = panel.x, panel.right
    parts = [
        _tag(
            "text",
            {
                "class": "bk-chart__panel-label",
                "x": x,
                "y": panel.label_y,
                "font-size": "13",
                "font-weight": "bold",
            },
            _tag("title", {}, _text(panel.label)) + _text(panel.short_label),
        ),
        _tag(
            "g",
            {"stroke": "#d5dbe1", "stroke-width": "1"},
            "".join(_tag("line", {"x1": x, "y1": y, "x2": right, "y2": y}) for y in panel.grid),
        ),
        _tag(
            "line",
            {
                "x1": x,
                "y1": panel.plot_bottom,
                "x2": right,
                "y2": panel.plot_bottom,
                "stroke": "#1a1a1a",
                "stroke-width": "1",
            },
        ),
    ]
    if panel.zero is not None and panel.zero != panel.plot_bottom:
        parts.append(
            _tag(
                "line",
                {
                    "class": "bk-chart__zero",
                    "x1": x,
                    "y1": panel.zero,
                    "x2": right,
                    "y2": panel.zero,
                    "stroke": "#1a1a1a",
                    "stroke-width": "1",
                },
            )
        )
    if panel.line:
        for d in panel.line.segments:
            parts.append(
                _tag(
                    "path",
                    {
                        "class": "bk-chart__line",
                        "d": d,
                        "fill": "none",
                        "stroke": colour,
                        "stroke-width": "2",
                        "stroke-linejoin": "round",
                    },
                )
            )
        for point in panel.line.points:
            paint = {"fill": colour, "stroke": "#ffffff", "stroke-width": "0.75"}
            tooltip = _tag("title", {}, _text(f"{panel.label}, {point.title}"))
            parts.append(
                _tag("path", {"class": "bk-chart__point", "d": point.path, **paint}, tooltip)
            )
    for bar in panel.bars:
        tooltip = _tag("title", {}, _text(f"{panel.label}, {bar.title}"))
        if bar.missing and _text_width(no_data, SMALL_FONT_SIZE) > bar.width:
            # A year of months in one panel leaves no room for the text: a small open
            # circle on the axis instead; its tooltip and the table say why.
            ring = {"cx": bar.x, "cy": bar.y + 1, "r": "2.5", "fill": "none"}
            paint = {"stroke": "#4d4d4d", "stroke-width": "1"}
            parts.append(_tag("circle", {"class": "bk-chart__no-data", **ring, **paint}, tooltip))
        elif bar.missing:
            look = {"font-size": "12", "font-style": "italic", "fill": "#4d4d4d"}
            place = {"x": bar.x, "y": bar.y, **look, "text-anchor": "middle"}
            parts.append(
                _tag("text", {"class": "bk-chart__no-data", **place}, tooltip + _text(no_data))
            )
        else:
            box = {"x": bar.x, "y": bar.y, "width": bar.width, "height": bar.height}
            parts.append(_tag("rect", {"class": "bk-chart__bar", **box, "fill": colour}, tooltip))
    first, last = panel.first_x_label, panel.last_x_label
    if last:
        foot = _tag("text", {"x": x, "y": panel.foot_y}, _text(first.text)) + _tag(
            "text", {"x": right, "y": panel.foot_y, "text-anchor": "end"}, _text(last.text)
        )
    else:
        foot = _tag(
            "text",
            {"x": first.position, "y": panel.foot_y, "text-anchor": "middle"},
            _text(first.text),
        )
    parts.append(_tag("g", {"font-size": "12", "fill": "#4d4d4d"}, foot))
    return _tag("g", {"class": "bk-chart__panel"}, "".join(parts))


@dataclass(frozen=True)
class PanelRowScale:
    y_ticks: tuple[TickMark, ...]


def small_multiples(
    *,
    slug: str,
    title: str,
    description: str,
    x_labels: Sequence[str],
    panels: Sequence[Series],
    value_label: str,
    group_label: str = "",
    kind: Literal["line", "bar"] = "line",
    columns: int = SMALL_MULTIPLES_COLUMNS,
    include_zero: bool = True,
) -> Chart:
    """One small chart per group (a Series whose label is the group's name) on one shared
    scale, in a grid of `columns`, so the groups compare at a glance. The table has one row
    per group and one column per x label."""
    if kind not in ("line", "bar"):
        raise ValueError("Small multiples are lines or bars.")
    for panel in panels:
        if len(panel.values) != len(x_labels):
            raise ValueError(f"Panel {panel.label!r} needs one value per x label.")
    table = Table(
        caption=title,
        header=(group_label or gettext("Group"), *x_labels),
        rows=tuple((p.label, *(v.text for v in p.values)) for p in panels),
        numeric=(False, *(True for _ in x_labels)),
    )
    numbers = _numbers(panels)
    if not x_labels or not numbers:
        return _empty(slug=slug, title=title, description=description, table=table)

    ticks = _y_ticks(numbers, include_zero or kind == "bar", count=3)
    tick_width = max(_text_width(ticks.text(t), TICK_FONT_SIZE) for t in ticks.values)
    columns = max(1, min(columns, len(panels)))
    first_left = MARGIN + tick_width + 8
    panel_width = (WIDTH - MARGIN - first_left - (columns - 1) * PANEL_GAP) / columns
    axis_title_y = MARGIN + FONT_SIZE
    top = axis_title_y + 10
    block = PANEL_LABEL_HEIGHT + PANEL_PLOT_HEIGHT + PANEL_FOOT_HEIGHT + PANEL_ROW_GAP
    count = len(x_labels)

    drawn, row_scales = [], []
    for number, panel in enumerate(panels):
        row, column = divmod(number, columns)
        left = first_left + column * (panel_width + PANEL_GAP)
        panel_top = top + row * block
        plot_top = panel_top + PANEL_LABEL_HEIGHT
        plot_bottom = plot_top + PANEL_PLOT_HEIGHT

        def y_of(value: float, plot_top=plot_top, plot_bottom=plot_bottom) -> float:
            share = (value - ticks.low) / (ticks.high - ticks.low)
            return _round(plot_bottom - share * (plot_bottom - plot_top))

        if column == 0:
            row_scales.append(
                PanelRowScale(tuple(TickMark(y_of(t), ticks.text(t)) for t in ticks.values))
            )
        zero = y_of(0) if ticks.low <= 0 <= ticks.high else None
        line, bars = None, []
        if kind == "line":
            pad = 6
            step = (panel_width - 2 * pad) / (count - 1) if count > 1 else 0
            xs = [
                _round(left + pad + (i * step if count > 1 else (panel_width - 2 * pad) / 2))
                for i in range(count)
            ]
            line = _line_series([panel], xs, y_of, x_labels, marker_size=3.5)[0]
            positions = xs
        else:
            band = panel_width / count
            positions = [_round(left + band * (i + 0.5)) for i in range(count)]
            base = zero if zero is not None else plot_bottom
            for x_label, x, value in zip(x_labels, positions, panel.values, strict=True):
                width = _round(band * 0.7)
                if value.number is None:
                    # Its width is the slot's: whether the "no figure" text fits there.
                    bars.append(
                        PanelBar(
                            _round(x),
                            _round(base - 4),
                            _round(band),
                            0,
                            f"{x_label}: {value.text}",
                            missing=True,
                        )
                    )
                    continue
                end = y_of(value.number)
                bars.append(
                    PanelBar(
                        _round(x - width / 2),
                        min(end, base),
                        width,
                        _round(abs(base - end)),
                        f"{x_label}: {value.text}",
                        missing=False,
                    )
                )
        foot_y = _round(plot_bottom + 4 + TICK_FONT_SIZE)
        first = TickMark(positions[0], _fit(x_labels[0], panel_width / 2, SMALL_FONT_SIZE))
        last = (
            TickMark(positions[-1], _fit(x_labels[-1], panel_width / 2, SMALL_FONT_SIZE))
            if count > 1
            else None
        )
        drawn.append(
            Panel(
                label=panel.label,
                short_label=_fit(panel.label, panel_width, TICK_FONT_SIZE),
                x=_round(left),
                y=_round(panel_top),
                width=_round(panel_width),
                plot_top=_round(plot_top),
                plot_bottom=_round(plot_bottom),
                label_y=_round(panel_top + TICK_FONT_SIZE + 2),
                grid=tuple(y_of(t) for t in ticks.values),
                zero=zero,
                line=line,
                bars=tuple(bars),
                first_x_label=first,
                last_x_label=last,
                foot_y=foot_y,
            )
        )
    rows = math.ceil(len(panels) / columns)
    height = top + rows * block - PANEL_ROW_GAP + MARGIN
    return _chart(
        "small_multiples",
        slug=slug,
        title=title,
        description=description,
        table=table,
        width=WIDTH,
        height=height,
        kind_of_panel=kind,
        panels_svg=mark_safe(  # noqa: S308 (every value escaped by _tag and _text)
            "".join(_panel_svg(panel, _style(0).colour, gettext("n/a")) for panel in drawn)
        ),
        row_scales=row_scales,
        tick_x=_round(first_left - 6),
        axis_title=value_label,
        axis_title_y=_round(axis_title_y),
    )


# --- Funnel plot ----------------------------------------------------------------------------

# The statuses of apps.effects.inference.FunnelStatus. A unit between the 95% and the
# 99.8% limit ("watch") is drawn as one within them, unnamed; the table says which way it leans.
FunnelStatus = Literal["above", "watch_above", "within", "watch_below", "below", "too_small"]
FUNNEL_PLOT_HEIGHT = 300
FUNNEL_SHAPES = {
    "within": "circle",
    "watch_above": "circle",
    "watch_below": "circle",
    "above": "triangle",
    "below": "triangle-down",
    "too_small": "circle",
}
FUNNEL_COLOURS = {
    "within": "#4d5b66",
    "watch_above": "#4d5b66",
    "watch_below": "#4d5b66",
    "above": "#a34700",
    "below": "#1f5fa8",
    "too_small": "#8a949c",
}
FUNNEL_LIMIT_COLOUR = "#4d4d4d"
# Drawing order: the outliers last, on top.
FUNNEL_ORDER = ("too_small", "within", "watch_below", "watch_above", "below", "above")


@dataclass(frozen=True)
class FunnelPoint:
    label: str
    size: float
    value: float
    status: FunnelStatus


FUNNEL_VERDICTS = {
    "above": gettext_lazy("Higher than expected"),
    "below": gettext_lazy("Lower than expected"),
    "watch_above": gettext_lazy("Somewhat higher than expected"),
    "within": gettext_lazy("As expected"),
    "watch_below": gettext_lazy("Somewhat lower than expected"),
    "too_small": gettext_lazy("Too few to judge"),
}


def funnel_verdict(status: FunnelStatus) -> str:
    return str(FUNNEL_VERDICTS[status])


@dataclass(frozen=True)
class FunnelMark:
    status: str
    path: str
    colour: str
    hollow: bool
    title: str
    # The name beside an outlier; None for the others.
    label: str | None
    label_x: float
    label_y: float
    label_anchor: str


def _marks_svg(marks: Sequence[FunnelMark]) -> SafeString:
    """The points, hollow for units too small to judge, each with its name and numbers as
    a tooltip."""
    written = []
    for mark in marks:
        if mark.hollow:
            paint = {"fill": "#ffffff", "stroke": mark.colour, "stroke-width": 1.5}
        else:
            paint = {"fill": mark.colour, "stroke": "#ffffff", "stroke-width": 1}
        written.append(
            _tag(
                "path",
                {
                    "class": f"bk-chart__point bk-chart__point--{mark.status}",
                    "d": mark.path,
                    **paint,
                },
                _tag("title", {}, _text(mark.title)),
            )
        )
    return mark_safe("".join(written))  # noqa: S308 (every value escaped by _tag and _text)


def _mark_labels_svg(marks: Sequence[FunnelMark]) -> SafeString:
    """The names beside the outliers, on a white halo."""
    written = []
    for mark in marks:
        if not mark.label:
            continue
        place = {"x": mark.label_x, "y": mark.label_y, "text-anchor": mark.label_anchor}
        halo = {"stroke": "#ffffff", "stroke-width": 3, "stroke-linejoin": "round"}
        written.append(_tag("text", {**place, **halo, "aria-hidden": "true"}, _text(mark.label)))
        written.append(
            _tag("text", {"class": "bk-chart__outlier-label", **place}, _text(mark.label))
        )
    return mark_safe("".join(written))  # noqa: S308 (every value escaped by _tag and _text)


def _clip_segment(a, b, box):
    """Liang-Barsky: the part of segment a-b inside box (left, top, right, bottom), or None."""
    (x0, y0), (x1, y1) = a, b
    left, top, right, bottom = box
    dx, dy = x1 - x0, y1 - y0
    start, end = 0.0, 1.0
    for p, q in ((-dx, x0 - left), (dx, right - x0), (-dy, y0 - top), (dy, bottom - y0)):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            start = max(start, t)
        else:
            end = min(end, t)
        if start > end:
            return None
    return (
        (_round(x0 + start * dx), _round(y0 + start * dy)),
        (_round(x0 + end * dx), _round(y0 + end * dy)),
    )


def _clipped_paths(points, box) -> list[str]:
    """A polyline cut to the plot area: limits at tiny sizes run far off the scale."""
    runs, current = [], []
    for a, b in pairwise(points):
        segment = _clip_segment(a, b, box)
        if segment is None:
            if current:
                runs.append(current)
            current = []
            continue
        start, end = segment
        if current and current[-1] == start:
            current.append(end)
        else:
            if current:
                runs.append(current)
            current = [start, end]
    if current:
        runs.append(current)
    return ["M" + " L".join(f"{x},{y}" for x, y in run) for run in runs]


def funnel_plot(
    *,
    slug: str,
    title: str,
    description: str,
    points: Sequence[FunnelPoint],
    centre: float,
    limits: Sequence[tuple[float, float, float, float, float]],
    value_label: str,
    size_label: str,
    unit_label: str = "",
    centre_label: str = "",
    format_value: Callable[[float], str] | None = None,
    format_size: Callable[[float], str] | None = None,
) -> Chart:
    """Each unit (team, neighbourhood) as a point: its size across, its value up, against
    the centre line and the 95% (dashed) and 99.8% (dotted) control limits that the caller
    computed as (size, low95, high95, low998, high998). A unit above or below the limits
    gets a triangle and its name; one too small to judge is a hollow grey circle."""

    def default_value(number: float) -> str:
        return format_number(number, 1)

    def default_size(number: float) -> str:
        return format_number(number, 0 if float(number).is_integer() else 1)

    format_value = format_value or default_value
    format_size = format_size or default_size
    for point in points:
        if point.status not in FUNNEL_SHAPES:
            raise ValueError(f"Unknown funnel status {point.status!r}.")
    verdicts = {status: funnel_verdict(status) for status in FUNNEL_SHAPES}
    # Each point's texts, once: its table row and its tooltip say the same.
    texts = {
        id(p): (format_size(p.size), format_value(p.value), verdicts[p.status]) for p in points
    }
    table = Table(
        caption=title,
        header=(unit_label or gettext("Unit"), size_label, value_label, gettext("Verdict")),
        rows=tuple((p.label, *texts[id(p)]) for p in points),
        numeric=(False, True, True, False),
    )
    if not points:
        return _empty(slug=slug, title=title, description=description, table=table)

    statuses = {p.status for p in points}
    if statuses & {"watch_above", "watch_below"}:
        # Their marker is that of "within"; the legend names it once.
        statuses.add("within")
    legend_labels = [
        centre_label or gettext("Overall average"),
        # Not "95% limits": gettext would read "% l" as a placeholder.
        gettext("Limits at 95%"),
        gettext("Limits at 99.8%"),
    ]
    legend_kinds = ["centre", "limit95", "limit998"]
    for status in ("above", "below", "within", "too_small"):
        if status in statuses:
            legend_labels.append(verdicts[status])
            legend_kinds.append(status)
    legend, top = _legend(
        legend_labels,
        top=MARGIN,
        kinds=legend_kinds,
        shapes=[FUNNEL_SHAPES.get(kind) for kind in legend_kinds],
    )
    axis_title_y = top + FONT_SIZE + 2
    plot_top = axis_title_y + 14
    plot_bottom = plot_top + FUNNEL_PLOT_HEIGHT

    x_ticks = nice_ticks(0, max(p.size for p in points))
    # The vertical scale fits the points, the centre and the limits from the smallest unit
    # that can be judged onwards; the limits for tinier sizes are cut off at the edge.
    judged = [p.size for p in points if p.status != "too_small"] or [p.size for p in points]
    smallest = min(judged)
    finite = [row for row in limits if all(math.isfinite(n) for n in row)]
    in_view = [n for row in finite if row[0] >= smallest for n in row[1:]]
    y_numbers = [p.value for p in points] + [centre] + in_view
    y_ticks = nice_ticks(min(y_numbers), max(y_numbers))
    tick_width = max(_text_width(y_ticks.text(t), TICK_FONT_SIZE) for t in y_ticks.values)
    plot_left = MARGIN + tick_width + 8
    plot_right = WIDTH - MARGIN - 4

    def x_of(size: float) -> float:
        return _round(plot_left + size / x_ticks.high * (plot_right - plot_left))

    def y_of(value: float) -> float:
        share = (value - y_ticks.low) / (y_ticks.high - y_ticks.low)
        return _round(plot_bottom - share * (plot_bottom - plot_top))

    box = (plot_left, plot_top, plot_right, plot_bottom)
    ordered = sorted(finite, key=lambda row: row[0])

    def curve(column: int) -> list[str]:
        return _clipped_paths([(x_of(row[0]), y_of(row[column])) for row in ordered], box)

    marks = []
    for point in sorted(points, key=lambda p: FUNNEL_ORDER.index(p.status)):
        x, y = x_of(point.size), y_of(point.value)
        outlier = point.status in ("above", "below")
        size = 6.5 if outlier else 5
        on_left = outlier and x + 10 + _text_width(point.label, SMALL_FONT_SIZE) > WIDTH - MARGIN
        size_text, value_text, verdict = texts[id(point)]
        marks.append(
            FunnelMark(
                status=point.status,
                path=marker_path(FUNNEL_SHAPES[point.status], x, y, size),
                colour=FUNNEL_COLOURS[point.status],
                hollow=point.status == "too_small",
                title=f"{point.label}: {value_text} ({size_label} {size_text}; {verdict})",
                label=point.label if outlier else None,
                label_x=_round(x - 10 if on_left else x + 10),
                label_y=_round(y + SMALL_FONT_SIZE * 0.35),
                label_anchor="end" if on_left else "start",
            )
        )
    height = plot_bottom + 8 + TICK_FONT_SIZE + 8 + FONT_SIZE + MARGIN + 4
    return _chart(
        "funnel",
        slug=slug,
        title=title,
        description=description,
        table=table,
        width=WIDTH,
        height=height,
        legend=legend,
        limit_colour=FUNNEL_LIMIT_COLOUR,
        colours=FUNNEL_COLOURS,
        centre_y=y_of(centre) if y_ticks.low <= centre <= y_ticks.high else None,
        limits95=curve(1) + curve(2),
        limits998=curve(3) + curve(4),
        marks_svg=_marks_svg(marks),
        mark_labels_svg=_mark_labels_svg(marks),
        tick_x=_round(plot_left - 6),
        tick_end=_round(plot_bottom + 4),
        axis_title_x=MARGIN,
        y_ticks=[TickMark(y_of(t), y_ticks.text(t)) for t in y_ticks.values],
        x_ticks=[TickMark(x_of(t), x_ticks.text(t)) for t in x_ticks.values],
        plot_left=_round(plot_left),
        plot_right=_round(plot_right),
        plot_top=_round(plot_top),
        plot_bottom=_round(plot_bottom),
        axis_title=value_label,
        axis_title_y=_round(axis_title_y),
        x_tick_y=_round(plot_bottom + 8 + TICK_FONT_SIZE),
        x_title=size_label,
        x_title_x=_round((plot_left + plot_right) / 2),
        x_title_y=_round(plot_bottom + 8 + TICK_FONT_SIZE + 8 + FONT_SIZE),
    )


# --- Tile map and choropleth ----------------------------------------------------------------

TILE_SIZE = 68
TILE_GAP = 4
MAP_MAX_HEIGHT = 460


@dataclass(frozen=True)
class MapTile:
    label: str
    latitude: float
    longitude: float
    value: Value
    boundary: dict | None = None


@dataclass(frozen=True)
class MapClass:
    low: float
    high: float
    colour: str
    text: str
    dark: bool


@dataclass(frozen=True)
class DrawnArea:
    label: str
    title: str
    colour: str | None
    dark: bool
    # A tile: its square; an area with a boundary: its outline as an SVG path.
    x: float
    y: float
    path: str
    # Lines of text inside the tile or on the area, with their baselines.
    lines: tuple[tuple[float, str], ...]
    text_x: float


def map_classes(numbers: Sequence[float]) -> list[MapClass]:
    """Four or five classes of equal width with round bounds (fewer for few distinct
    values), each with its colour from the blue ramp."""
    low, high = min(numbers), max(numbers)
    if low == high:
        # One value for every area: one class, named by that value.
        text = format_number(low, 0 if float(low).is_integer() else 1)
        return [MapClass(low, high, MAP_RAMP[MAP_RAMP_PICKS[1][0]], text, dark=False)]
    candidates = [nice_ticks(low, high, count) for count in range(3, 9)]
    if all(float(number).is_integer() for number in numbers):
        # Counts get whole bounds: "1 to 2", not "1,0 to 1,5".
        whole = [t for t in candidates if all(float(v).is_integer() for v in t.values)]
        candidates = whole or candidates
    fitting = [t for t in candidates if len(t.values) - 1 <= len(MAP_RAMP)]
    ticks = max(fitting, key=lambda t: len(t.values))
    # Classes above the highest value are dropped (nice ticks may overshoot).
    bounds = list(ticks.values)
    while len(bounds) > 2 and bounds[-2] >= high and high > low:
        bounds.pop()
    while len(bounds) > 2 and bounds[1] <= low and high > low:
        bounds.pop(0)
    count = len(bounds) - 1
    picks = MAP_RAMP_PICKS[count]
    return [
        MapClass(
            low=bounds[i],
            high=bounds[i + 1],
            colour=MAP_RAMP[picks[i]],
            text=gettext("%(low)s to %(high)s")
            % {"low": ticks.text(bounds[i]), "high": ticks.text(bounds[i + 1])},
            dark=picks[i] >= MAP_DARK_FROM,
        )
        for i in range(count)
    ]


def _class_of(number: float, classes: Sequence[MapClass]) -> MapClass:
    for one in classes:
        if number < one.high:
            return one
    return classes[-1]


def _project(latitude: float, longitude: float, cos_lat: float) -> tuple[float, float]:
    """Equirectangular, with longitude shrunk by cos(latitude) so areas keep their shape at
    Dutch latitudes; y grows southwards, as on screen."""
    return longitude * cos_lat, -latitude


def _ring_cells(home: tuple[int, int], ring: int):
    """The cells at exactly `ring` steps (Chebyshev distance) from home."""
    column, row = home
    if ring == 0:
        yield home
        return
    for x in range(column - ring, column + ring + 1):
        yield x, row - ring
        yield x, row + ring
    for y in range(row - ring + 1, row + ring):
        yield column - ring, y
        yield column + ring, y


def grid_cells(positions: Sequence[tuple[float, float]]) -> list[tuple[int, int]]:
    """A grid cell (column, row) for each projected position: snapped to a grid of about
    one cell per position, each taking the nearest free cell when its own is taken (the
    first position keeps its own). Rows and columns left empty are dropped, so the map
    stays compact; the result starts at (0, 0)."""
    if not positions:
        return []
    xs, ys = [p[0] for p in positions], [p[1] for p in positions]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    count = len(positions)
    if width > 0 and height > 0:
        cell = math.sqrt(width * height / count)
    else:
        cell = max(width, height) / max(count - 1, 1) or 1
    left, top = min(xs), min(ys)
    ideal = [((x - left) / cell, (y - top) / cell) for x, y in positions]
    taken: set[tuple[int, int]] = set()
    cells = []
    for fx, fy in ideal:
        home = (round(fx), round(fy))
        best, best_distance, ring = None, math.inf, 0
        # Search rings around the home cell until no further ring can hold a nearer cell.
        while best is None or ring <= best_distance + 1:
            for column, row in _ring_cells(home, ring):
                if (column, row) in taken:
                    continue
                distance = math.hypot(column - fx, row - fy)
                if distance < best_distance or (
                    distance == best_distance and (row, column) < (best[1], best[0])
                ):
                    best, best_distance = (column, row), distance
            ring += 1
        taken.add(best)
        cells.append(best)
    columns = {c: n for n, c in enumerate(sorted({c for c, _ in cells}))}
    rows = {r: n for n, r in enumerate(sorted({r for _, r in cells}))}
    return [(columns[c], rows[r]) for c, r in cells]


def _areas_svg(areas: Sequence[DrawnArea], *, shapes: bool, no_data_fill: str) -> SafeString:
    """The areas, each with its name and number as a tooltip."""
    drawn = []
    for area in areas:
        fill = area.colour or no_data_fill
        if shapes:
            outline = _tag(
                "path",
                {
                    "class": "bk-chart__shape",
                    "d": area.path,
                    "fill": fill,
                    "fill-rule": "evenodd",
                    "stroke": "#ffffff",
                    "stroke-width": "1.5",
                },
            )
        else:
            outline = _tag(
                "rect",
                {
                    "class": "bk-chart__tile",
                    "x": area.x,
                    "y": area.y,
                    "width": TILE_SIZE,
                    "height": TILE_SIZE,
                    "rx": 3,
                    "fill": fill,
                    "stroke": "#6b7785",
                    "stroke-width": 1,
                },
            )
        drawn.append(
            _tag("g", {"class": "bk-chart__area"}, _tag("title", {}, _text(area.title)) + outline)
        )
    return mark_safe("".join(drawn))  # noqa: S308 (every value escaped by _tag and _text)


def _area_labels_svg(areas: Sequence[DrawnArea], *, shapes: bool) -> SafeString:
    """The text on the areas: a white halo where the area is hatched, white text on the
    dark classes, the number in bold on a tile."""
    written = []
    for area in areas:
        for number, (y, line) in enumerate(area.lines, start=1):
            if not area.colour:
                halo = {"stroke": "#ffffff", "stroke-width": 4, "stroke-linejoin": "round"}
                written.append(
                    _tag(
                        "text",
                        {"x": area.text_x, "y": y, **halo, "aria-hidden": "true"},
                        _text(line),
                    )
                )
            attributes = {
                "x": area.text_x,
                "y": y,
                "fill": "#ffffff" if area.dark else None,
                "font-weight": "bold" if number == len(area.lines) and not shapes else None,
            }
            written.append(_tag("text", attributes, _text(line)))
    return mark_safe("".join(written))  # noqa: S308 (every value escaped by _tag and _text)


def _rings(boundary: dict) -> list[list]:
    if boundary.get("type") == "Polygon":
        return list(boundary["coordinates"])
    if boundary.get("type") == "MultiPolygon":
        return [ring for polygon in boundary["coordinates"] for ring in polygon]
    raise ValueError("A boundary is a GeoJSON Polygon or MultiPolygon.")


def _tile_lines(label: str, text: str, top: float, size: float) -> tuple:
    chars = int((size - 6) / (SMALL_FONT_SIZE * CHAR_WIDTH))
    label_lines = _wrap(label, chars, 2)
    lines = [*label_lines, text]
    line_height = SMALL_FONT_SIZE * LINE_HEIGHT
    first = top + size / 2 - (len(lines) - 1) * line_height / 2 + SMALL_FONT_SIZE * 0.35
    return tuple((_round(first + n * line_height), line) for n, line in enumerate(lines))


def tile_map(
    *,
    slug: str,
    title: str,
    description: str,
    tiles: Sequence[MapTile],
    value_label: str,
    area_label: str = "",
) -> Chart:
    """Areas coloured by their value in four or five classes of a blue ramp, with a legend
    of the class bounds. When every area has a boundary (GeoJSON, WGS84) they are drawn as
    a map of those shapes; otherwise as one square per area near its centre point, which
    also keeps small city neighbourhoods as large as rural ones. An area without a number is
    hatched and says so in the legend."""
    table = Table(
        caption=title,
        header=(area_label or gettext("Area"), value_label),
        rows=tuple((tile.label, tile.value.text) for tile in tiles),
        numeric=(False, True),
    )
    numbers = [t.value.number for t in tiles if t.value.number is not None]
    if not numbers:
        return _empty(slug=slug, title=title, description=description, table=table)

    classes = map_classes(numbers)
    cos_lat = math.cos(math.radians(sum(t.latitude for t in tiles) / len(tiles)))
    uid = _uid(slug)

    def paint(tile: MapTile) -> tuple[str | None, bool]:
        if tile.value.number is None:
            return None, False
        one = _class_of(tile.value.number, classes)
        return one.colour, one.dark

    areas = []
    if all(t.boundary for t in tiles):
        projected = [
            [[_project(lat, lon, cos_lat) for lon, lat, *_ in ring] for ring in _rings(t.boundary)]
            for t in tiles
        ]
        xs = [x for rings in projected for ring in rings for x, _ in ring]
        ys = [y for rings in projected for ring in rings for _, y in ring]
        span_x, span_y = (max(xs) - min(xs)) or 1e-9, (max(ys) - min(ys)) or 1e-9
        scale = min((WIDTH - 2 * MARGIN) / span_x, MAP_MAX_HEIGHT / span_y)
        left = MARGIN + ((WIDTH - 2 * MARGIN) - span_x * scale) / 2

        def place(point):
            return _round(left + (point[0] - min(xs)) * scale), _round(
                MARGIN + (point[1] - min(ys)) * scale
            )

        for tile, rings in zip(tiles, projected, strict=True):
            screen = [[place(point) for point in ring] for ring in rings]
            path = " ".join("M" + " L".join(f"{x},{y}" for x, y in ring) + " Z" for ring in screen)
            colour, dark = paint(tile)
            centre_x, centre_y = place(_project(tile.latitude, tile.longitude, cos_lat))
            ring_xs = [x for ring in screen for x, _ in ring]
            ring_ys = [y for ring in screen for _, y in ring]
            fits = (
                max(ring_xs) - min(ring_xs) >= _text_width(tile.label, SMALL_FONT_SIZE) + 6
                and max(ring_ys) - min(ring_ys) >= SMALL_FONT_SIZE * 1.6
            )
            lines = ((_round(centre_y + SMALL_FONT_SIZE * 0.35), tile.label),) if fits else ()
            areas.append(
                DrawnArea(
                    label=tile.label,
                    title=f"{tile.label}: {tile.value.text}",
                    colour=colour,
                    dark=dark,
                    x=centre_x,
                    y=centre_y,
                    path=path,
                    lines=lines,
                    text_x=centre_x,
                )
            )
        map_bottom = MARGIN + span_y * scale
        width = WIDTH
        shapes = True
    else:
        cells = grid_cells([_project(t.latitude, t.longitude, cos_lat) for t in tiles])
        pitch = TILE_SIZE + TILE_GAP
        columns = max(c for c, _ in cells) + 1
        width = max(WIDTH, columns * pitch + 2 * MARGIN)
        left = (width - columns * pitch + TILE_GAP) / 2
        for tile, (column, row) in zip(tiles, cells, strict=True):
            x, y = _round(left + column * pitch), _round(MARGIN + row * pitch)
            colour, dark = paint(tile)
            text = tile.value.text if tile.value.number is not None else _no_data_text(tile.value)
            areas.append(
                DrawnArea(
                    label=tile.label,
                    title=f"{tile.label}: {tile.value.text}",
                    colour=colour,
                    dark=dark,
                    x=x,
                    y=y,
                    path="",
                    lines=_tile_lines(tile.label, text, y, TILE_SIZE),
                    text_x=_round(x + TILE_SIZE / 2),
                )
            )
        map_bottom = MARGIN + (max(r for _, r in cells) + 1) * pitch - TILE_GAP
        shapes = False

    has_missing = any(t.value.number is None for t in tiles)
    legend_top = map_bottom + 16
    legend_rows = []
    for n, one in enumerate(classes):
        y = legend_top + 10 + n * LEGEND_ROW
        legend_rows.append((_round(y), _round(y + 12), one))
    missing_y = _round(legend_top + 10 + len(classes) * LEGEND_ROW)
    height = legend_top + 10 + (len(classes) + has_missing) * LEGEND_ROW + MARGIN
    return _chart(
        "tile_map",
        slug=slug,
        title=title,
        description=description,
        table=table,
        width=width,
        height=height,
        areas_svg=_areas_svg(areas, shapes=shapes, no_data_fill=f"url(#{uid}-no-data)"),
        labels_svg=_area_labels_svg(areas, shapes=shapes),
        no_data_fill=f"url(#{uid}-no-data)",
        legend_title=value_label,
        legend_title_y=_round(legend_top + 4),
        legend_rows=legend_rows,
        has_missing=has_missing,
        missing_y=missing_y,
        missing_text_y=_round(missing_y + 12),
        legend_x=MARGIN,
        legend_text_x=MARGIN + 32,
        no_data=gettext("no data"),
        text_colour=TEXT_COLOUR,
    )
