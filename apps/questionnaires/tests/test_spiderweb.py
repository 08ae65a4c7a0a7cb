import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext

from apps.questionnaires.spiderweb import (
    RADIUS,
    Point,
    SpiderChart,
    describe,
    spider_chart,
    spider_web_layout,
)

SVG = "{http://www.w3.org/2000/svg}"

POSITIVE_HEALTH = {
    "body": "Lichaamsfuncties",
    "mental": "Mentaal welbevinden",
    "meaning": "Zingeving",
    "quality": "Kwaliteit van leven",
    "participation": "Maatschappelijke participatie",
    "daily": "Dagelijks functioneren",
}
MARCH = {
    "body": Decimal("7.5"),
    "mental": Decimal("6.2"),
    "meaning": Decimal("8"),
    "quality": Decimal("5.5"),
    "participation": None,
    "daily": Decimal("6.8"),
}
JANUARY = {
    "body": Decimal("5"),
    "mental": Decimal("4.3"),
    "meaning": Decimal("6.5"),
    "quality": Decimal("4"),
    "participation": Decimal("6"),
    "daily": Decimal("7.2"),
}


def four_axes(values, **scale):
    return spider_chart(
        title="Vier",
        axes={"n": "Noord", "e": "Oost", "s": "Zuid", "w": "West"},
        series={"Nu": values},
        **scale,
    )


def health(*series):
    return spider_chart(title="Positieve Gezondheid", axes=POSITIVE_HEALTH, series=series)


def markers(layout, series=0):
    return {m.axis.code: m.position for m in layout.series[series].markers}


def render(source, language="nl", **context):
    with translation.override(language):
        return Template("{% load spiderweb %}" + source).render(Context(context))


def parse(html):
    """The whole fragment must be well-formed XML; returns its root element."""
    return ET.fromstring(html)  # noqa: S314 - our own template output, not outside input


class TestGeometry:
    def test_four_axes_clockwise_from_the_top(self):
        layout = spider_web_layout(four_axes({"n": 10, "e": 5, "s": 10, "w": 2.5}))
        centre = layout.centre
        assert layout.radius == RADIUS == 170
        # Top of the scale on the top axis: straight above the centre at the full radius.
        assert markers(layout)["n"] == Point(centre.x, centre.y - 170)
        assert markers(layout) == {
            "n": Point(0.0, -170.0),
            "e": Point(85.0, 0.0),  # half the scale, to the right
            "s": Point(0.0, 170.0),
            "w": Point(-42.5, 0.0),  # a quarter, to the left
        }
        assert layout.series[0].points == "0.0,-170.0 85.0,0.0 0.0,170.0 -42.5,0.0"

    def test_six_axes_sit_sixty_degrees_apart(self):
        layout = spider_web_layout(health(("12 maart 2026", JANUARY | {"mental": 10})))
        points = markers(layout)
        # 60 degrees clockwise from the top: x = 170 sin 60 = 147.22, y = -170 cos 60 = -85.
        assert points["mental"] == Point(147.2, -85.0)
        # 4 of 10 at 180 degrees: straight down, 68 from the centre.
        assert points["quality"] == Point(0.0, 68.0)
        # 6 of 10 at 240 degrees: x = -102 sin 60 = -88.33, y = 102 cos 60 = 51.
        assert points["participation"] == Point(-88.3, 51.0)
        ends = [axis.spoke_end for axis in layout.axes]
        assert ends[1] == Point(147.2, -85.0) and ends[5] == Point(-147.2, -85.0)

    def test_scale_that_does_not_start_at_zero(self):
        chart = four_axes({"n": 5, "e": 1, "s": 3, "w": 2}, scale_min=1, scale_max=5)
        points = markers(spider_web_layout(chart))
        assert points["n"] == Point(0.0, -170.0)
        assert points["e"] == Point(0.0, 0.0)  # the bottom of the scale is the centre
        assert points["s"] == Point(0.0, 85.0)
        assert points["w"] == Point(-42.5, 0.0)

    def test_values_outside_the_scale_are_drawn_on_its_edge(self):
        layout = spider_web_layout(four_axes({"n": 12, "e": -1, "s": 10, "w": 0}))
        points = markers(layout)
        assert points["n"] == Point(0.0, -170.0)
        assert points["e"] == Point(0.0, 0.0)
        clamped = {m.axis.code: (m.clamped, m.value) for m in layout.series[0].markers}
        assert clamped == {"n": (True, 12), "e": (True, -1), "s": (False, 10), "w": (False, 0)}

    def test_a_part_without_answer_is_skipped_not_drawn_as_zero(self):
        layout = spider_web_layout(four_axes({"n": 10, "e": None, "s": 10, "w": 5}))
        series = layout.series[0]
        assert series.points == "0.0,-170.0 0.0,170.0 -85.0,0.0"
        assert [axis.code for axis in series.unanswered] == ["e"]
        east = layout.axes[1]
        assert east.unanswered
        assert [line.text for line in east.label_lines if line.is_note] == [gettext("not answered")]
        assert not layout.axes[0].unanswered

    @pytest.mark.parametrize(
        "value", [float("nan"), float("inf"), Decimal("NaN"), Decimal("-Infinity")]
    )
    def test_not_a_number_counts_as_not_answered(self, value):
        layout = spider_web_layout(four_axes({"n": 10, "e": value, "s": 10, "w": 5}))
        assert [axis.code for axis in layout.series[0].unanswered] == ["e"]
        assert "nan" not in layout.series[0].points.lower()

    def test_missing_in_one_of_two_measurements_names_that_measurement(self):
        layout = spider_web_layout(health(("12 maart 2026", MARCH), ("10 januari 2026", JANUARY)))
        participation = layout.axes[4]
        assert not participation.unanswered  # January has it
        notes = [line.text for line in participation.label_lines if line.is_note]
        assert notes == [gettext("not answered:"), "12 maart 2026"]

    def test_label_anchors_follow_the_side_of_the_web(self):
        layout = spider_web_layout(four_axes({"n": 1, "e": 1, "s": 1, "w": 1}))
        assert [axis.label_anchor for axis in layout.axes] == ["middle", "start", "middle", "end"]
        north, south = layout.axes[0], layout.axes[2]
        # The top label sits above the web, the bottom label below it.
        assert north.label_lines[-1].y < -170
        assert south.label_lines[0].y - 20 > 170

    def test_long_labels_wrap_and_fit_in_the_view_box(self):
        layout = spider_web_layout(health(("12 maart 2026", JANUARY)))
        participation = layout.axes[4]
        assert [line.text for line in participation.label_lines] == [
            "Maatschappelijke",
            "participatie",
        ]
        assert participation.label_anchor == "end"
        # Label point: 184 from the centre at 240 degrees, x = -184 sin 60 = -159.3. Its
        # right-aligned 16-letter first line is at least 16 x 20 x 0.5 = 160 wide.
        assert participation.label_x == -159.3
        left, top, width, height = (float(n) for n in layout.view_box.split())
        assert left <= -159.3 - 160
        assert top < layout.axes[0].label_lines[0].y - 20
        assert top + height > layout.axes[3].label_lines[-1].y
        assert (layout.display_width, layout.display_height) == (
            round(width * 0.8),
            round(height * 0.8),
        )

    @pytest.mark.parametrize(
        ("low", "high", "rings", "labelled"),
        [
            (
                0,
                10,
                ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"],
                ["2", "4", "6", "8", "10"],
            ),
            (1, 5, ["2", "3", "4", "5"], ["2", "3", "4", "5"]),
            (0, 100, [str(n) for n in range(10, 101, 10)], ["20", "40", "60", "80", "100"]),
            (0, 1.5, ["0.25", "0.5", "0.75", "1", "1.25", "1.5"], None),
        ],
    )
    def test_rings_follow_round_steps_of_the_scale(self, low, high, rings, labelled):
        layout = spider_web_layout(four_axes({}, scale_min=low, scale_max=high))
        assert [str(ring.value) for ring in layout.rings] == rings
        with_label = [str(ring.value) for ring in layout.rings if ring.label_position]
        assert with_label == (labelled or rings)
        # The outer ring is the top of the scale, on the full radius.
        assert layout.rings[-1].points.startswith("0.0,-170.0 170.0,0.0")

    def test_any_axis_count_from_three(self):
        for count in (3, 5, 13):
            axes = [(f"a{n}", f"Domein {n}") for n in range(count)]
            chart = spider_chart(
                title="T", axes=axes, series={"x": {"a0": 5}}, scale_min=1, scale_max=5
            )
            layout = spider_web_layout(chart)
            assert len(layout.axes) == count
            assert layout.axes[0].spoke_end == Point(0.0, -170.0)

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"axes": {"a": "A", "b": "B"}},
            {"scale_min": 10, "scale_max": 10},
            {"scale_min": 0, "scale_max": float("nan")},
            {"series": {"a": {}, "b": {}, "c": {}}},
            {"series": {}},
        ],
    )
    def test_charts_that_cannot_be_drawn_are_refused(self, kwargs):
        data = {"title": "T", "axes": {"a": "A", "b": "B", "c": "C"}, "series": {"x": {}}}
        with pytest.raises(ValueError):
            spider_chart(**(data | kwargs))

    def test_helper_takes_dicts_or_pairs(self):
        from_dicts = health(("12 maart 2026", MARCH))
        from_pairs = spider_chart(
            title="Positieve Gezondheid",
            axes=list(POSITIVE_HEALTH.items()),
            series=[("12 maart 2026", {k: v for k, v in MARCH.items() if v is not None})],
        )
        assert isinstance(from_pairs, SpiderChart)
        assert from_dicts.rows == from_pairs.rows
        assert from_dicts.rows[4][1] == [None]


class TestDescription:
    def test_highest_lowest_and_not_answered(self):
        with translation.override("en"):
            text = describe(health(("12 maart 2026", MARCH)))
        assert text.startswith("Spider web with 6 parts on a scale from 0 to 10.")
        assert "Highest: Zingeving (8). Lowest: Kwaliteit van leven (5.5)." in text
        assert "Not answered: Maatschappelijke participatie." in text
        assert "not a score of 0" in text

    def test_ties_and_numbers_in_dutch_notation(self):
        values = MARCH | {"body": Decimal("8"), "participation": Decimal("2.5")}
        with translation.override("nl"):
            text = describe(health(("12 maart 2026", values)))
        assert "Lichaamsfuncties en Zingeving (8)" in text
        assert "Maatschappelijke participatie (2,5)" in text

    def test_two_series_each_get_their_extremes(self):
        with translation.override("en"):
            text = describe(health(("12 maart 2026", MARCH), ("10 januari 2026", JANUARY)))
        assert "compares 12 maart 2026 (solid line, round points)" in text
        assert "with 10 januari 2026 (dashed line, square points)" in text
        assert "10 januari 2026: Highest: Dagelijks functioneren (7.2)." in text

    def test_nothing_answered(self):
        with translation.override("en"):
            text = describe(four_axes({}))
        assert "Nothing was answered." in text


class TestTemplateTag:
    def test_figure_with_titled_svg_and_table(self):
        html = render("{% spider_web chart %}", chart=health(("12 maart 2026", MARCH)))
        root = parse(html)
        svg = root.find(f".//{SVG}svg[@role='img']")
        title_id, desc_id = svg.get("aria-labelledby").split()
        assert svg.find(f"{SVG}title").get("id") == title_id
        assert svg.find(f"{SVG}title").text == "Positieve Gezondheid"
        assert svg.find(f"{SVG}desc").get("id") == desc_id
        assert "Zingeving (8)" in svg.find(f"{SVG}desc").text
        assert root.find(".//figure/figcaption") is not None
        rows = root.findall(".//table/tbody/tr")
        assert [row.find("th").text for row in rows] == list(POSITIVE_HEALTH.values())
        assert root.find(".//table/caption") is not None

    def test_table_uses_a_decimal_comma_in_dutch_and_the_svg_keeps_dots(self):
        html = render("{% spider_web chart %}", chart=health(("12 maart 2026", MARCH)))
        root = parse(html)
        cells = [td.text for td in root.findall(".//table/tbody/tr/td")]
        assert cells[:4] == ["7,5", "6,2", "8", "5,5"]
        shape = root.find(f".//{SVG}polygon[@class='bk-spiderweb__shape']")
        # 7.5 of 10 on the top axis: 127.5 above the centre.
        assert shape.get("points").startswith("0.0,-127.5 ")
        for element in root.iter():
            for name, value in element.attrib.items():
                if name in {"x", "y", "cx", "cy", "x1", "y1", "x2", "y2", "width", "height"}:
                    assert re.fullmatch(r"-?\d+(\.\d+)?", value), (name, value)
        assert "7,5" in svg_text(root)  # the tooltip of the point is for people: localised

    def test_not_answered_in_the_table_and_a_dashed_spoke(self):
        html = render(
            "{% spider_web chart %}", language="en", chart=health(("12 maart 2026", MARCH))
        )
        root = parse(html)
        cell = root.findall(".//table/tbody/tr")[4].find("td")
        assert "".join(cell.itertext()) == "Not answered"
        spokes = root.findall(f".//{SVG}line[@x1='0.0']")
        dashed = [spoke for spoke in spokes if spoke.get("stroke-dasharray")]
        assert len(spokes) == 6 and len(dashed) == 1
        assert (dashed[0].get("x2"), dashed[0].get("y2")) == ("-147.2", "85.0")

    def test_true_value_in_the_table_even_when_clamped(self):
        html = render("{% spider_web chart %}", chart=four_axes({"n": 12, "e": Decimal("-0.5")}))
        cells = [td.text for td in parse(html).findall(".//table/tbody/tr/td")]
        assert cells[:2] == ["12", "-0,5"]

    def test_overlay_differs_in_line_fill_and_point_shape(self):
        chart = health(("12 maart 2026", MARCH), ("10 januari 2026", JANUARY))
        root = parse(render("{% spider_web chart %}", chart=chart))
        groups = root.findall(f".//{SVG}g[@aria-hidden='true']")
        first_group = next(g for g in groups if "series--first" in g.get("class", ""))
        second_group = next(g for g in groups if "series--second" in g.get("class", ""))
        # The first series is drawn last, on top, so its points show inside the squares.
        assert groups.index(second_group) < groups.index(first_group)
        first, second = (g.find(f"{SVG}polygon") for g in (first_group, second_group))
        assert first.get("stroke-dasharray") is None and first.get("fill") != "none"
        assert second.get("stroke-dasharray") == "8 5" and second.get("fill") == "none"
        assert len(first_group.findall(f"{SVG}circle")) == 5  # participation not answered
        assert len(second_group.findall(f"{SVG}rect")) == 6
        assert first_group.findall(f"{SVG}rect") == []
        legend = root.findall(".//figcaption//li")
        assert [li.find("span").text for li in legend] == ["12 maart 2026", "10 januari 2026"]
        keys = [li.find(f"{SVG}svg") for li in legend]
        assert keys[0].find(f"{SVG}circle") is not None
        assert keys[1].find(f"{SVG}rect") is not None
        assert keys[1].find(f"{SVG}line").get("stroke-dasharray")
        headers = [th.text for th in root.findall(".//table/thead/tr/th")]
        assert headers[1:] == ["12 maart 2026", "10 januari 2026"]

    def test_ring_values_sit_on_a_box_above_the_shapes(self):
        # A shape's edge often crosses the top spoke's ring values: drawn after the shapes,
        # each on a pale box, the numbers stay readable.
        chart = health(("12 maart 2026", MARCH), ("10 januari 2026", JANUARY))
        root = parse(render("{% spider_web chart %}", chart=chart))
        groups = root.findall(f".//{SVG}g[@aria-hidden='true']")
        scale = next(g for g in groups if "bk-spiderweb__scale" in g.get("class", ""))
        series = [g for g in groups if "series--" in g.get("class", "")]
        assert all(groups.index(g) < groups.index(scale) for g in series)
        boxes, values = scale.findall(f"{SVG}rect"), scale.findall(f"{SVG}text")
        assert len(boxes) == len(values) == 5
        for box, value in zip(boxes, values, strict=True):
            left, top = float(box.get("x")), float(box.get("y"))
            assert left < float(value.get("x")) < left + float(box.get("width"))
            assert top < float(value.get("y")) <= top + float(box.get("height"))

    def test_the_table_can_be_left_to_the_page(self):
        chart = health(("12 maart 2026", MARCH))
        root = parse(render('{% spider_web chart "c" numbers=False %}', chart=chart))
        assert root.find(".//table") is None
        assert root.find(f".//{SVG}desc").text  # the chart still describes itself

    def test_two_charts_on_one_page_have_their_own_ids(self):
        chart = health(("12 maart 2026", MARCH))
        html = render("<div>{% spider_web chart %}{% spider_web chart %}</div>", chart=chart)
        root = parse(html)
        ids = [element.get("id") for element in root.iter() if element.get("id")]
        assert len(ids) == 6 and len(set(ids)) == 6
        for svg in root.findall(f".//{SVG}svg[@role='img']"):
            own = {element.get("id") for element in svg.iter() if element.get("id")}
            assert set(svg.get("aria-labelledby").split()) == own

    def test_a_fixed_id_can_be_given(self):
        html = render("{% spider_web chart 'health-now' %}", chart=health(("x", MARCH)))
        svg = parse(html).find(f".//{SVG}svg[@role='img']")
        assert svg.get("aria-labelledby") == "health-now-title health-now-desc"

    def test_no_nan_anywhere_in_the_svg(self):
        chart = four_axes({"n": float("nan"), "e": Decimal("NaN"), "s": 3})
        root = parse(render("{% spider_web chart %}", chart=chart))
        for element in root.iter():
            for name, value in element.attrib.items():
                if name != "class":  # "unanswered" is a word, not a number
                    assert "nan" not in value.lower() and "inf" not in value.lower(), name


def svg_text(root):
    svg = root.find(f".//{SVG}svg[@role='img']")
    return " ".join("".join(element.itertext()) for element in svg)
