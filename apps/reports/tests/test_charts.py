import csv
import io
import math
import re
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import number_format

from apps.effects.inference import FunnelStatus
from apps.reports.charts import (
    MAP_RAMP,
    Chart,
    FunnelPoint,
    MapTile,
    Series,
    Table,
    Value,
    bar_chart,
    format_number,
    funnel_plot,
    grid_cells,
    line_chart,
    map_classes,
    nice_ticks,
    range_chart,
    small_multiples,
    tile_map,
)

SVG = "{http://www.w3.org/2000/svg}"
AWKWARD = "<script>alert(1)</script>"
HOF = "'t Hof & Zn"
DASH = "\u2013"  # what the report pages show for "no number"


@pytest.fixture(autouse=True)
def _english():
    """The texts below are the English source strings; tests of the Dutch texts switch to
    Dutch themselves."""
    with translation.override("en"):
        yield


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))  # noqa: S314 - our own template output


def by_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [el for el in root.iter() if name in (el.get("class") or "").split()]


def texts(root: ET.Element) -> list[str]:
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def assert_accessible(root: ET.Element, slug: str, title: str) -> None:
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title_el, desc_el = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title_el.text == title
    assert desc_el.text
    assert root.get("aria-labelledby") == f"{title_el.get('id')} {desc_el.get('id')}"
    assert title_el.get("id") == f"chart-{slug}-title"
    # Natural size and a view box, so the page can scale it down.
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox"))
    assert root.get("width") == root.get("viewBox").split()[2]


def csv_rows(table: Table) -> list[list[str]]:
    return list(csv.reader(io.StringIO(table.csv())))


def v(n, text=None):
    return Value(n, text if text is not None else (DASH if n is None else str(n)))


# --- nice ticks --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0, 87, (0, 20, 40, 60, 80, 100)),
        (0, 1234, (0, 500, 1000, 1500)),
        (0.3, 0.8, (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)),
        (-300, 1234, (-500, 0, 500, 1000, 1500)),
        (0, 0, (0, 0.2, 0.4, 0.6, 0.8, 1)),
        (12, 12, (10.5, 11, 11.5, 12, 12.5, 13, 13.5)),
    ],
)
def test_nice_ticks_are_round_and_cover_the_range(low, high, expected):
    ticks = nice_ticks(low, high)
    assert ticks.values == pytest.approx(expected)
    assert ticks.low <= low and ticks.high >= high
    steps = {round(b - a, 9) for a, b in zip(ticks.values, ticks.values[1:], strict=False)}
    assert len(steps) == 1


def test_tick_steps_are_one_two_or_five_times_a_power_of_ten():
    for low, high in [(0, 7), (0, 13), (0, 260), (1.2, 1.9), (-40, 9), (0, 99999)]:
        values = nice_ticks(low, high).values
        step = values[1] - values[0]
        mantissa = step / 10 ** math.floor(math.log10(step))
        assert round(mantissa, 6) in (1, 2, 5), (low, high, values)
        assert 3 <= len(values) <= 8


def test_ticks_are_written_in_the_active_language():
    ticks = nice_ticks(0, 2500)
    with translation.override("nl"):
        assert [ticks.text(t) for t in ticks.values] == [
            "0",
            "500",
            "1.000",
            "1.500",
            "2.000",
            "2.500",
        ]
    with translation.override("en"):
        assert ticks.text(1500) == "1,500"
    with translation.override("nl"):
        assert nice_ticks(0.3, 0.8).text(0.5) == "0,5"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_numbers_are_written_as_django_writes_them(language):
    values = [0, -0.04, 0.05, 1, -1, 999.95, 1234.5, -1234.56, 1234567.891, 0.125, 2.5, 10**9]
    with translation.override(language):
        for value in values:
            for decimals in (0, 1, 2):
                expected = number_format(
                    round(value, decimals) + 0.0, decimals, force_grouping=True
                )
                assert format_number(value, decimals) == expected, (value, decimals)


# --- bar chart ---------------------------------------------------------------------------------


def two_year_bars(**overrides):
    arguments = {
        "slug": "questions-per-district",
        "title": "Questions per district",
        "description": "Most questions come from Binnenstad.",
        "categories": ["Binnenstad", HOF, "Maatschappelijke participatie in de wijk Noord"],
        "series": [
            Series("2025", (v(1234, "1.234"), v(None, "< 10"), v(12.5, "12,5"))),
            Series("2026", (v(800, "800"), v(0, "0"), v(None, DASH))),
        ],
        "value_label": "Questions",
        "category_label": "District",
    }
    return bar_chart(**(arguments | overrides))


def test_bar_chart_draws_a_bar_per_number_and_none_for_missing_values():
    chart = two_year_bars()
    root = parse(chart)
    assert_accessible(root, "questions-per-district", "Questions per district")
    bars = by_class(root, "bk-chart__bar")
    # Six values, two without a number: four bars, among them a real zero.
    assert len(bars) == 4
    titles = [bar.find(f"{SVG}title").text for bar in bars]
    assert f"{HOF}, 2026: 0" in titles
    assert not any("< 10" in title or DASH in title for title in titles)
    missing = by_class(root, "bk-chart__no-data")
    # The hidden number keeps its own text, the plain dash says "no data".
    assert {el.find(f"{SVG}title").tail for el in missing} == {"< 10", "no data"}


def test_bars_start_at_the_zero_line_and_grow_with_the_value():
    root = parse(two_year_bars())
    zero = float(by_class(root, "bk-chart__zero")[0].get("x1"))
    widths = {}
    for bar in by_class(root, "bk-chart__bar"):
        assert float(bar.get("x")) == pytest.approx(zero)
        widths[bar.find(f"{SVG}title").text] = float(bar.get("width"))
    assert widths["Binnenstad, 2025: 1.234"] > widths["Binnenstad, 2026: 800"] > 0
    assert widths[f"{HOF}, 2026: 0"] == 0


def test_negative_bars_run_left_of_zero():
    chart = bar_chart(
        slug="change",
        title="Change",
        description="One district fell.",
        categories=["Noord", "Zuid"],
        series=[Series("Change", (v(-300), v(200)))],
        value_label="Change",
    )
    root = parse(chart)
    zero = float(by_class(root, "bk-chart__zero")[0].get("x1"))
    north, south = by_class(root, "bk-chart__bar")
    assert float(north.get("x")) + float(north.get("width")) == pytest.approx(zero, abs=0.2)
    assert float(south.get("x")) == pytest.approx(zero)


def test_grouped_bars_differ_in_fill_not_only_colour():
    root = parse(two_year_bars())
    fills = {
        bar.find(f"{SVG}title").text.split(":")[0].split(", ")[-1]: bar.get("fill")
        for bar in by_class(root, "bk-chart__bar")
    }
    assert fills["2025"].startswith("#")
    assert fills["2026"] == "url(#chart-questions-per-district-hatch-1)"
    assert root.find(f".//{SVG}pattern").get("id") == "chart-questions-per-district-hatch-1"


def test_labels_are_escaped():
    chart = two_year_bars(
        title=AWKWARD, categories=[AWKWARD, HOF, "Noord"], description=f"{HOF} leads."
    )
    svg = str(chart.svg)
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "&#x27;t Hof &amp; Zn" in svg
    root = parse(chart)
    assert root.find(f"{SVG}title").text == AWKWARD
    assert any(HOF in text for text in texts(root))


def test_bar_chart_table_and_csv_hold_the_same_texts():
    chart = two_year_bars()
    assert chart.table.header == ("District", "2025", "2026")
    assert chart.table.rows == (
        ("Binnenstad", "1.234", "800"),
        (HOF, "< 10", "0"),
        ("Maatschappelijke participatie in de wijk Noord", "12,5", DASH),
    )
    assert chart.table.numeric == (False, True, True)
    assert csv_rows(chart.table) == [list(chart.table.header), *map(list, chart.table.rows)]


def test_csv_neutralises_formulas_in_text_but_keeps_negative_numbers():
    table = Table(
        "t", ("Name", "Change"), (("=HYPERLINK(1)", "-3,5"), ("@x", "- 1")), (False, True)
    )
    assert csv_rows(table)[1:] == [["'=HYPERLINK(1)", "-3,5"], ["'@x", "'- 1"]]


@pytest.mark.parametrize(
    "build",
    [
        lambda: two_year_bars(categories=[], series=[]),
        lambda: two_year_bars(
            series=[Series("2025", (v(None), v(None, "< 10"), v(None)))],
        ),
        lambda: line_chart(
            slug="l", title="t", description="d", x_labels=[], series=[], value_label="n"
        ),
        lambda: line_chart(
            slug="l",
            title="t",
            description="d",
            x_labels=["jan 2026"],
            series=[Series("A", (v(None),))],
            value_label="n",
        ),
        lambda: small_multiples(
            slug="s",
            title="t",
            description="d",
            x_labels=["jan"],
            panels=[Series("Noord", (v(None),))],
            value_label="n",
        ),
        lambda: funnel_plot(
            slug="f",
            title="t",
            description="d",
            points=[],
            centre=0.5,
            limits=[],
            value_label="Share",
            size_label="Clients",
        ),
        lambda: tile_map(
            slug="m",
            title="t",
            description="d",
            value_label="n",
            tiles=[MapTile("Noord", 52.1, 5.1, v(None, "< 10"))],
        ),
        lambda: tile_map(slug="m", title="t", description="d", value_label="n", tiles=[]),
    ],
)
def test_empty_input_gives_a_chart_that_says_there_is_no_data(build):
    chart = build()
    root = parse(chart)
    assert root.get("role") == "img"
    assert texts(root) == ["No data to show."]
    assert chart.table.rows == ()
    assert chart.table.header
    assert csv_rows(chart.table) == [list(chart.table.header)]


def test_a_series_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="one value per category"):
        two_year_bars(series=[Series("2025", (v(1),))])


def test_dutch_numbers_on_the_axis_and_dots_in_the_coordinates():
    with translation.override("nl"):
        chart = bar_chart(
            slug="share",
            title="Share",
            description="d",
            categories=["Noord", "Zuid"],
            series=[Series("Share", (v(0.35, "35%"), v(0.72, "72%")))],
            value_label="Share",
        )
    root = parse(chart)
    ticks = ["".join(t.itertext()) for t in by_class(root, "bk-chart__ticks")[0]]
    assert ticks == ["0,0", "0,2", "0,4", "0,6", "0,8"]
    for bar in by_class(root, "bk-chart__bar"):
        float(bar.get("x")), float(bar.get("width"))  # a decimal comma would fail here
    assert "," not in root.get("viewBox")


# --- line chart --------------------------------------------------------------------------------

MONTHS = ["jan 2026", "feb 2026", "mrt 2026", "apr 2026", "mei 2026", "jun 2026"]


def monthly_lines():
    return line_chart(
        slug="contacts",
        title="Contacts per month",
        description="Online contacts grow.",
        x_labels=MONTHS,
        series=[
            Series("Online", (v(10), v(14), v(None), v(22), v(25), v(31))),
            Series("Face to face", (v(40), v(38), v(36), v(35), v(None), v(30))),
            Series("Phone", (v(5), v(None), v(7), v(None), v(9), v(None))),
        ],
        value_label="Contacts",
        x_label="Month",
    )


def test_line_chart_draws_a_marker_per_number_and_gaps_for_missing_values():
    root = parse(monthly_lines())
    assert_accessible(root, "contacts", "Contacts per month")
    groups = [by_class(root, f"bk-chart__series--{i}")[0] for i in range(3)]
    points = [by_class(g, "bk-chart__point") for g in groups]
    assert [len(p) for p in points] == [5, 5, 3]
    lines = [by_class(g, "bk-chart__line") for g in groups]
    # Online: a gap in March gives two runs; face to face ends with a lone point after its
    # gap (a marker, no line); phone has no two months in a row, so no line at all.
    assert [len(runs) for runs in lines] == [2, 1, 0]
    assert lines[0][0].get("d").count("L") == 1 and lines[0][1].get("d").count("L") == 2


def test_line_series_differ_in_marker_shape_and_dash():
    root = parse(monthly_lines())
    shapes, dashes = [], []
    for i in range(3):
        group = by_class(root, f"bk-chart__series--{i}")[0]
        point_classes = {p.get("class").split()[-1] for p in by_class(group, "bk-chart__point")}
        assert len(point_classes) == 1
        shapes.append(point_classes.pop())
        dashes.append(
            by_class(group, "bk-chart__line")[0].get("stroke-dasharray")
            if by_class(group, "bk-chart__line")
            else "2 3"
        )
    assert len(set(shapes)) == 3
    assert len(set(dashes)) == 3
    legend = by_class(root, "bk-chart__legend")[0]
    assert [t.text for t in legend.iter(f"{SVG}text")] == ["Online", "Face to face", "Phone"]


def test_line_chart_y_ticks_are_nice_and_x_labels_all_shown_when_they_fit():
    root = parse(monthly_lines())
    tick_texts = texts(by_class(root, "bk-chart__ticks")[0])
    assert tick_texts[:5] == ["0", "10", "20", "30", "40"]
    assert tick_texts[5:] == MONTHS


def test_line_chart_skips_x_labels_that_would_overlap():
    labels = [
        f"{m} 2026"
        for m in [
            "jan",
            "feb",
            "mrt",
            "apr",
            "mei",
            "jun",
            "jul",
            "aug",
            "sep",
            "okt",
            "nov",
            "dec",
        ]
    ] * 2
    chart = line_chart(
        slug="long",
        title="t",
        description="d",
        x_labels=labels,
        series=[Series("A", tuple(v(i) for i in range(24)))],
        value_label="n",
    )
    shown = [t for t in texts(by_class(parse(chart), "bk-chart__ticks")[0]) if "2026" in t]
    assert 3 <= len(shown) < 24
    assert shown[0] == "jan 2026"
    assert len(chart.table.rows) == 24


# --- small multiples ---------------------------------------------------------------------------


def district_panels(kind="line"):
    return small_multiples(
        slug="per-district",
        title="Questions per district",
        description="Noord rises.",
        x_labels=["jan", "feb", "mrt"],
        panels=[
            Series("Noord", (v(10), v(20), v(30))),
            Series(HOF, (v(5), v(None, "< 10"), v(8))),
            Series("Zuid", (v(0), v(2), v(1))),
            Series("West", (v(12), v(9), v(15))),
        ],
        value_label="Questions",
        group_label="District",
        kind=kind,
        columns=3,
    )


def test_small_multiples_draw_one_panel_per_group_on_one_scale():
    chart = district_panels()
    root = parse(chart)
    assert_accessible(root, "per-district", "Questions per district")
    panels = by_class(root, "bk-chart__panel")
    assert len(panels) == 4
    assert [by_class(p, "bk-chart__panel-label")[0].find(f"{SVG}title").text for p in panels] == [
        "Noord",
        HOF,
        "Zuid",
        "West",
    ]
    # One shared scale: the same grid lines in every panel of a row.
    rows = {}
    for panel in panels:
        grid = tuple(line.get("y1") for line in panel.iter(f"{SVG}line"))
        top = float(by_class(panel, "bk-chart__panel-label")[0].get("y"))
        rows.setdefault(top, set()).add(tuple(round(float(y) - top, 1) for y in grid))
    assert len(rows) == 2
    assert len({shape for shapes in rows.values() for shape in shapes}) == 1
    assert [len(by_class(p, "bk-chart__point")) for p in panels] == [3, 2, 3, 3]
    assert chart.table.header == ("District", "jan", "feb", "mrt")
    assert chart.table.rows[1] == (HOF, "5", "< 10", "8")


def test_small_multiple_bars_leave_missing_values_undrawn():
    root = parse(district_panels(kind="bar"))
    panels = by_class(root, "bk-chart__panel")
    assert [len(by_class(p, "bk-chart__bar")) for p in panels] == [3, 2, 3, 3]
    assert [t.find(f"{SVG}title").text for t in by_class(panels[1], "bk-chart__no-data")] == [
        f"{HOF}, feb: < 10"
    ]


def test_a_year_of_hidden_months_in_a_panel_is_marked_by_circles_not_crowded_text():
    months = [f"m{i}" for i in range(1, 13)]
    chart = small_multiples(
        slug="per-kind",
        title="Contacts per kind",
        description="",
        x_labels=months,
        panels=[
            Series("Telefoon", tuple(v(None, "< 10") for _ in months)),
            Series("Huisbezoek", (*(v(0) for _ in months[:-1]), v(10))),
            Series("Bericht", (*(v(0) for _ in months[:-1]), v(15))),
        ],
        value_label="Contacts",
        kind="bar",
        columns=3,
    )
    marks = by_class(parse(chart), "bk-chart__no-data")

    assert [mark.tag for mark in marks] == [f"{SVG}circle"] * 12
    assert marks[0].find(f"{SVG}title").text == "Telefoon, m1: < 10"
    # Three months leave room for the text, as above.
    assert {m.tag for m in by_class(parse(district_panels("bar")), "bk-chart__no-data")} == {
        f"{SVG}text"
    }


# --- funnel plot -------------------------------------------------------------------------------


def teams_funnel():
    centre = 0.4
    limits = []
    for size in range(5, 405, 5):
        se = math.sqrt(centre * (1 - centre) / size)
        limits.append(
            (size, centre - 1.96 * se, centre + 1.96 * se, centre - 3.09 * se, centre + 3.09 * se)
        )
    return funnel_plot(
        slug="goals",
        title="Goals reached per team",
        description="Team Zuid reaches more goals than expected.",
        points=[
            FunnelPoint("Noord", 120, 0.42, "within"),
            FunnelPoint("Zuid", 300, 0.62, "above"),
            FunnelPoint(HOF, 80, 0.18, "below"),
            FunnelPoint("West", 8, 0.9, "too_small"),
            FunnelPoint("Oost", 200, 0.37, "within"),
        ],
        centre=centre,
        limits=limits,
        value_label="Share of goals reached",
        size_label="Clients",
        unit_label="Team",
        format_value=lambda n: f"{round(n * 100)}%",
    )


def test_funnel_plot_draws_every_unit_with_a_shape_per_verdict():
    root = parse(teams_funnel())
    assert_accessible(root, "goals", "Goals reached per team")
    points = by_class(root, "bk-chart__point")
    assert len(points) == 5
    by_status = {}
    for point in points:
        status = point.get("class").split("--")[-1]
        # The shape is the first command pattern of the path: arcs, or three corners.
        shape = (
            "circle"
            if " a" in point.get("d")
            else point.get("d")[:1] + str(point.get("d").count("L"))
        )
        tip_up = None
        if shape != "circle":
            ys = [
                float(pair.split(",")[1]) for pair in re.findall(r"[\d.]+,[\d.]+", point.get("d"))
            ]
            tip_up = ys[0] < ys[1]
        by_status.setdefault(status, set()).add((shape, tip_up, point.get("fill")))
    assert set(by_status) == {"within", "above", "below", "too_small"}
    assert all(len(looks) == 1 for looks in by_status.values())
    looks = {status: next(iter(found)) for status, found in by_status.items()}
    assert len(set(looks.values())) == 4
    assert looks["above"][1] is True and looks["below"][1] is False
    assert looks["too_small"][2] == "#ffffff"  # hollow


def test_funnel_plot_takes_every_status_of_the_inference():
    """A unit between the 95% and 99.8% limits is drawn as one within them, unnamed, and
    its row in the table says which way it leans."""
    with translation.override("en"):
        chart = funnel_plot(
            slug="online",
            title="Online per team",
            description="",
            points=[
                FunnelPoint(label, 100, value, status)
                for label, value, status in (
                    ("Noord", 0.4, FunnelStatus.WITHIN),
                    ("Zuid", 0.52, FunnelStatus.WATCH_ABOVE),
                    ("Oost", 0.28, FunnelStatus.WATCH_BELOW),
                )
            ],
            centre=0.4,
            limits=[(100, 0.3, 0.5, 0.25, 0.55)],
            value_label="Share online",
            size_label="Contacts",
            unit_label="Team",
        )
    root = parse(chart)
    assert [p.get("fill") for p in by_class(root, "bk-chart__point")] == ["#4d5b66"] * 3
    assert not [el for el in root.iter() if (el.text or "").strip() in {"Zuid", "Oost"}]
    assert [row[3] for row in chart.table.rows] == [
        "As expected",
        "Somewhat higher than expected",
        "Somewhat lower than expected",
    ]


def test_only_outliers_are_named_in_the_plot():
    root = parse(teams_funnel())
    assert sorted(el.text for el in by_class(root, "bk-chart__outlier-label")) == sorted(
        ["Zuid", HOF]
    )


def test_funnel_limits_are_dashed_and_dotted_and_cut_to_the_plot():
    root = parse(teams_funnel())
    limits95 = by_class(root, "bk-chart__limit--95")
    limits998 = by_class(root, "bk-chart__limit--998")
    assert limits95 and limits998
    assert {el.get("stroke-dasharray") for el in limits95} != {
        el.get("stroke-dasharray") for el in limits998
    }
    assert by_class(root, "bk-chart__centre")
    axis = by_class(root, "bk-chart__axis")[0]
    left, right = float(axis.get("x1")), float(axis.get("x2"))
    for path in limits95 + limits998:
        for x, _ in re.findall(r"([\d.]+),([\d.]+)", path.get("d")):
            assert left - 0.1 <= float(x) <= right + 0.1


def test_funnel_table_lists_every_unit_with_its_verdict():
    chart = teams_funnel()
    assert chart.table.header == ("Team", "Clients", "Share of goals reached", "Verdict")
    assert chart.table.rows == (
        ("Noord", "120", "42%", "As expected"),
        ("Zuid", "300", "62%", "Higher than expected"),
        (HOF, "80", "18%", "Lower than expected"),
        ("West", "8", "90%", "Too few to judge"),
        ("Oost", "200", "37%", "As expected"),
    )
    assert csv_rows(chart.table)[1:] == [list(row) for row in chart.table.rows]


# --- tile map ----------------------------------------------------------------------------------


def test_grid_cells_are_unique_and_keep_the_layout():
    # Three neighbourhoods on almost the same spot and one far east.
    cells = grid_cells([(5.0, -52.0), (5.0001, -52.0), (5.0002, -52.0001), (5.1, -52.0)])
    assert len(set(cells)) == 4
    assert min(c for c, _ in cells) == 0 and min(r for _, r in cells) == 0
    assert cells[3][0] == max(c for c, _ in cells)


def test_a_collision_moves_to_the_nearest_free_cell():
    # A 3x3 lattice with a tenth point on the centre: it lands next to the centre.
    lattice = [(x, y) for y in range(3) for x in range(3)]
    cells = grid_cells([*lattice, (1, 1)])
    assert len(set(cells)) == 10
    centre = cells[4]
    moved = cells[9]
    assert max(abs(moved[0] - centre[0]), abs(moved[1] - centre[1])) == 1


def districts(boundaries=False):
    def square(lat, lon, d=0.004):
        ring = [
            [lon - d, lat - d],
            [lon + d, lat - d],
            [lon + d, lat + d],
            [lon - d, lat + d],
            [lon - d, lat - d],
        ]
        return {"type": "Polygon", "coordinates": [ring]}

    rows = [
        ("Binnenstad", 52.09, 5.12, v(34.5, "34,5")),
        (HOF, 52.10, 5.10, v(None, "< 10")),
        ("Noord", 52.11, 5.12, v(12.0, "12,0")),
        ("Oost", 52.09, 5.14, v(21.0, "21,0")),
        ("Zuid", 52.07, 5.12, v(3.5, "3,5")),
        (AWKWARD, 52.09, 5.10, v(28.0, "28,0")),
    ]
    return [
        MapTile(label, lat, lon, value, square(lat, lon) if boundaries else None)
        for label, lat, lon, value in rows
    ]


def test_tile_map_draws_a_tile_per_area_with_a_class_colour():
    chart = tile_map(
        slug="per-1000",
        title="Questions per 1,000 residents",
        description="Highest in Binnenstad.",
        tiles=districts(),
        value_label="Questions per 1,000",
        area_label="District",
    )
    root = parse(chart)
    assert_accessible(root, "per-1000", "Questions per 1,000 residents")
    tiles = by_class(root, "bk-chart__tile")
    assert len(tiles) == 6
    positions = {(t.get("x"), t.get("y")) for t in tiles}
    assert len(positions) == 6
    areas = by_class(root, "bk-chart__area")
    titles = [a.find(f"{SVG}title").text for a in areas]
    assert titles[1] == f"{HOF}: < 10"
    assert titles[5] == f"{AWKWARD}: 28,0"
    fills = [t.get("fill") for t in tiles]
    assert fills[1] == "url(#chart-per-1000-no-data)"
    assert all(fill in MAP_RAMP for i, fill in enumerate(fills) if i != 1)
    # Darker for more: Zuid (3,5) lightest, Binnenstad (34,5) darkest.
    assert MAP_RAMP.index(fills[4]) < MAP_RAMP.index(fills[2]) < MAP_RAMP.index(fills[0])
    # North is above south, west left of east.
    assert float(tiles[2].get("y")) < float(tiles[0].get("y")) < float(tiles[4].get("y"))
    assert float(tiles[5].get("x")) < float(tiles[0].get("x")) < float(tiles[3].get("x"))
    legend = texts(by_class(root, "bk-chart__map-legend")[0])
    assert legend[0] == "Questions per 1,000"
    assert legend[-1] == "no data"
    assert chart.table.rows[1] == (HOF, "< 10")


def test_map_classes_are_four_or_five_round_ranges():
    classes = map_classes([3.5, 12, 21, 28, 34.5])
    assert 4 <= len(classes) <= 5
    assert classes[0].low <= 3.5 and classes[-1].high >= 34.5
    assert [c.text for c in classes] == ["0 to 10", "10 to 20", "20 to 30", "30 to 40"]
    assert len({c.colour for c in classes}) == len(classes)
    with translation.override("nl"):
        assert map_classes([0.12, 0.5])[1].text == "0,2 tot 0,3"


def test_one_value_everywhere_is_one_class():
    classes = map_classes([12, 12])
    assert [c.text for c in classes] == ["12"]


def test_with_every_boundary_the_map_draws_the_shapes():
    root = parse(
        tile_map(
            slug="shapes",
            title="t",
            description="d",
            tiles=districts(boundaries=True),
            value_label="n",
        )
    )
    shapes = by_class(root, "bk-chart__shape")
    assert len(shapes) == 6
    assert not by_class(root, "bk-chart__tile")
    assert shapes[1].get("fill") == "url(#chart-shapes-no-data)"
    assert all(shape.get("d").startswith("M") and shape.get("d").endswith("Z") for shape in shapes)


def test_a_multipolygon_boundary_is_drawn_with_all_its_parts():
    tiles = districts(boundaries=True)
    first = tiles[0]
    ring = first.boundary["coordinates"][0]
    island = [[x + 0.02, y] for x, y in ring]
    tiles[0] = MapTile(
        first.label,
        first.latitude,
        first.longitude,
        first.value,
        {"type": "MultiPolygon", "coordinates": [[ring], [island]]},
    )
    root = parse(tile_map(slug="multi", title="t", description="d", tiles=tiles, value_label="n"))
    assert by_class(root, "bk-chart__shape")[0].get("d").count("M") == 2


def test_one_area_without_a_boundary_gives_a_tile_map():
    tiles = districts(boundaries=True)
    tiles[2] = MapTile("Noord", 52.11, 5.12, v(12.0, "12,0"))
    root = parse(tile_map(slug="mixed", title="t", description="d", tiles=tiles, value_label="n"))
    assert len(by_class(root, "bk-chart__tile")) == 6


# --- two charts on a page and the figure -------------------------------------------------------


def test_ids_are_unique_per_chart():
    first = parse(two_year_bars(slug="one"))
    second = parse(two_year_bars(slug="two"))
    ids = [el.get("id") for root in (first, second) for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))


def test_figure_shows_the_chart_its_table_and_the_download():
    chart = two_year_bars(title=HOF)
    html = render_to_string(
        "reports/charts/figure.html", {"chart": chart, "csv_url": "/rapportage/export.csv?x=1&y=2"}
    )
    assert str(chart.svg) in html
    assert "<figcaption" in html and "Most questions come from Binnenstad." in html
    assert (
        '<caption class="utrecht-table__caption bk-chart__table-caption">&#x27;t Hof &amp; Zn'
        in html
    )
    assert html.count('scope="col"') == 3
    assert html.count('scope="row"') == 3
    numeric_cells = re.findall(r'<td class="[^"]*bk-chart__number[^"]*">([^<]*)</td>', html)
    assert numeric_cells == ["1.234", "800", "&lt; 10", "0", "12,5", DASH]
    link = re.search(r'<a class="utrecht-link" href="([^"]*)" download>([^<]*)</a>', html)
    assert link.group(1) == "/rapportage/export.csv?x=1&amp;y=2"
    assert "&#x27;t Hof &amp; Zn" in link.group(2) and "CSV" in link.group(2)


def test_figure_without_a_csv_url_has_no_link_and_empty_chart_no_table():
    chart = two_year_bars(categories=[], series=[])
    html = render_to_string("reports/charts/figure.html", {"chart": chart})
    assert "<table" not in html
    assert "download" not in html
    assert "No data to show." in html


def test_table_rows_are_written_as_the_template_engine_writes_them():
    from django.template import Context, Template
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    from apps.reports import charts

    table = charts.Table(
        caption="Wijken",
        header=("Wijk", "Aantal", "Oordeel"),
        rows=(
            ("'t Hof & <Zn>", "1.234", gettext_lazy("Phone")),
            ('De "Bongerd"', "< 10", mark_safe("<abbr>nvt</abbr>")),
        ),
        numeric=(False, True, False),
    )
    template = Template(
        '{% for row in rows %}<tr class="utrecht-table__row"><th scope="row" '
        'class="utrecht-table__header-cell">{{ row.0 }}</th>{% for cls, text in row.1 %}'
        '<td class="{{ cls }}">{{ text }}</td>{% endfor %}</tr>{% endfor %}'
    )
    classes = [charts.NUMBER_CELL_CLASS, charts.TEXT_CELL_CLASS]
    expected = template.render(
        Context(
            {"rows": [(row[0], list(zip(classes, row[1:], strict=True))) for row in table.rows]}
        )
    )

    assert table.body_html == expected
    assert "&#x27;t Hof &amp; &lt;Zn&gt;" in table.body_html
    assert "<abbr>nvt</abbr>" in table.body_html


# --- range chart --------------------------------------------------------------------------------


def test_range_chart_draws_the_middle_half_the_median_and_our_own_value():
    chart = range_chart(
        slug="sector-share",
        title="Shares beside the sector",
        description="Box, line, diamond.",
        categories=["Contacts online", f"Self-scan {AWKWARD}"],
        own=Series("Ours", (v(40), v(None))),
        median=Series("Median", (v(25), v(None))),
        lower=Series("Q1", (v(17.5), v(None))),
        upper=Series("Q3", (v(37.5), v(None))),
        counts=Series("Organisations", (v(4), v(2))),
        value_label="Share (%)",
    )
    root = parse(chart)
    assert_accessible(root, "sector-share", "Shares beside the sector")
    # The second row has too few organisations for a median, and no own figure.
    boxes = by_class(root, "bk-chart__range-box")
    medians = by_class(root, "bk-chart__range-median")
    owns = by_class(root, "bk-chart__range-own")
    assert (len(boxes), len(medians), len(owns)) == (1, 1, 1)
    left, width = float(boxes[0].get("x")), float(boxes[0].get("width"))
    assert left < float(medians[0].get("x1")) < left + width
    assert AWKWARD not in str(chart.svg)
    assert csv_rows(chart.table) == [
        ["Category", "Ours", "Median", "Q1", "Q3", "Organisations"],
        ["Contacts online", "40", "25", "17.5", "37.5", "4"],
        [f"Self-scan {AWKWARD}", DASH, DASH, DASH, DASH, "2"],
    ]
