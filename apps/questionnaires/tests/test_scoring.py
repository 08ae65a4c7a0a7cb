from decimal import Decimal
from fractions import Fraction

import pytest

from apps.questionnaires.scoring import ItemSpec, ScoringSpec, round_score, score


def spec(rule, dimensions, *, scale=(0, 10), reversed_items=(), open_items=(), **options):
    """A ScoringSpec from {dimension: [item codes]}."""
    items = [
        ItemSpec(code, dimension, reversed=code in reversed_items)
        for dimension, codes in dimensions.items()
        for code in codes
    ]
    items += [ItemSpec(code, None, is_scale=False) for code in open_items]
    return ScoringSpec(
        rule=rule,
        scale_min=scale[0],
        scale_max=scale[1],
        dimensions=tuple(dimensions),
        items=tuple(items),
        options=options,
    )


def scores(result):
    return {code: (r.score, r.answered) for code, r in result.dimensions.items()}


class TestMeanPerDimension:
    def test_mean_of_answered_items_and_empty_dimension(self):
        definition = spec(
            "mean_per_dimension", {"a": ["a1", "a2", "a3"], "b": ["b1", "b2"], "c": ["c1"]}
        )
        result = score(definition, {"a1": 7, "a2": 8, "a3": 8, "b1": 3, "b2": 4, "c1": None})
        # a: 23/3 = 7.666… → 7.67; b: 7/2 = 3.5; c: nothing answered.
        assert scores(result) == {
            "a": (Decimal("7.67"), 3),
            "b": (Decimal("3.50"), 2),
            "c": (None, 0),
        }
        # Overall from the exact means: (23/3 + 7/2) / 2 = 67/12 = 5.5833… → 5.58. The mean
        # of the rounded scores, (7.67 + 3.50) / 2 = 5.585, would have given 5.59.
        assert result.overall == Decimal("5.58")

    def test_skipped_items_do_not_count_as_zero(self):
        definition = spec("mean_per_dimension", {"a": ["a1", "a2", "a3", "a4"]})
        result = score(definition, {"a1": 6, "a3": 9})
        assert scores(result) == {"a": (Decimal("7.50"), 2)}

    def test_reversed_item_counts_from_the_other_end(self):
        definition = spec("mean_per_dimension", {"a": ["a1", "pain"]}, reversed_items={"pain"})
        # pain 8 on 0-10 counts as 2: (6 + 2) / 2 = 4.
        result = score(definition, {"a1": 6, "pain": 8})
        assert scores(result) == {"a": (Decimal("4.00"), 2)}

    def test_reversed_on_a_scale_not_starting_at_zero(self):
        definition = spec("mean_per_dimension", {"a": ["r"]}, scale=(1, 5), reversed_items={"r"})
        assert score(definition, {"r": 2}).dimensions["a"].score == Decimal("4.00")

    def test_rounds_half_up(self):
        codes = [f"q{i}" for i in range(8)]
        definition = spec("mean_per_dimension", {"a": codes})
        # 49 / 8 = 6.125: half up gives 6.13 (banker's rounding would give 6.12).
        answers = dict.fromkeys(codes[:7], 7) | {"q7": 0}
        assert score(definition, answers).dimensions["a"].score == Decimal("6.13")

    def test_no_answers_at_all(self):
        result = score(spec("mean_per_dimension", {"a": ["a1"], "b": ["b1"]}), {})
        assert scores(result) == {"a": (None, 0), "b": (None, 0)}
        assert result.overall is None

    def test_open_answers_are_ignored(self):
        definition = spec("mean_per_dimension", {"a": ["a1"]}, open_items=["remark"])
        assert score(definition, {"a1": 4, "remark": None}).overall == Decimal("4.00")

    @pytest.mark.parametrize("value", [11, -1, True, "5", 5.0])
    def test_value_off_the_scale_is_refused(self, value):
        with pytest.raises(ValueError):
            score(spec("mean_per_dimension", {"a": ["a1"]}), {"a1": value})


def test_level_per_domain():
    definition = spec(
        "level_per_domain",
        {"finances": ["finances"], "housing": ["housing"], "justice": ["justice"]},
        scale=(1, 5),
    )
    result = score(definition, {"finances": 2, "housing": 5})
    assert scores(result) == {
        "finances": (Decimal("2.00"), 1),
        "housing": (Decimal("5.00"), 1),
        "justice": (None, 0),
    }
    # Mean over the two scored domains: (2 + 5) / 2.
    assert result.overall == Decimal("3.50")


def test_level_per_domain_needs_one_item_per_domain():
    with pytest.raises(ValueError):
        score(spec("level_per_domain", {"finances": ["a", "b"]}, scale=(1, 5)), {"a": 1})


def test_rung():
    definition = spec("rung", {"participation": ["rung"]}, scale=(1, 6))
    result = score(definition, {"rung": 4})
    assert scores(result) == {"participation": (Decimal("4.00"), 1)}
    assert result.overall == Decimal("4.00")
    assert score(definition, {}).overall is None


def test_overall_and_item_mean():
    definition = spec(
        "overall_and_item_mean",
        {"overall": ["overall"], "experience": ["listened", "speed", "agreements", "result"]},
        open_items=["remark"],
        overall_item="overall",
    )
    result = score(definition, {"overall": 8, "listened": 7, "speed": 9, "agreements": 6})
    # Items: (7 + 9 + 6) / 3 = 7.333… → 7.33; the overall figure is the mark itself.
    assert scores(result) == {"overall": (Decimal("8.00"), 1), "experience": (Decimal("7.33"), 3)}
    assert result.overall == Decimal("8.00")


def test_overall_and_item_mean_without_a_mark():
    definition = spec(
        "overall_and_item_mean",
        {"overall": ["overall"], "experience": ["x"]},
        overall_item="overall",
    )
    result = score(definition, {"x": 3})
    assert result.overall is None
    assert result.dimensions["experience"].score == Decimal("3.00")


def test_construct_means():
    definition = spec(
        "construct_means",
        {"usefulness": ["u1", "u2", "u3"], "ease": ["e1", "e2"]},
        scale=(1, 5),
        reversed_items={"e2"},
    )
    result = score(definition, {"u1": 4, "u2": 5, "u3": 3, "e1": 2, "e2": 1})
    # usefulness: (4 + 5 + 3) / 3 = 4; ease: e2 = 1 reversed on 1-5 counts as 5, (2 + 5) / 2.
    assert scores(result) == {"usefulness": (Decimal("4.00"), 3), "ease": (Decimal("3.50"), 2)}
    assert result.overall is None


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(2, 3, "0.67"), (1, 200, "0.01"), (1, 8, "0.13"), (-1, 8, "-0.13"), (10, 1, "10.00")],
)
def test_round_score(numerator, denominator, expected):
    assert round_score(Fraction(numerator, denominator)) == Decimal(expected)
