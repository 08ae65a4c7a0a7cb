"""The statistics of the effect measurement, checked against values worked out by hand.

Quantiles in the hand computations come from printed tables to three decimals
(t with 19 df: 2.093; normal 97.5%: 1.960, 99.9%: 3.090), so the comparisons allow 1e-3.
"""

import itertools
from decimal import Decimal

import pytest
from django.utils import translation

from apps.effects.inference import (
    CHANGE_THRESHOLDS,
    MIN_GROUP_SIZE,
    FunnelStatus,
    FunnelUnit,
    Sums,
    funnel_verdicts,
    limit_curve,
    mean_limits,
    paired_change,
    proportion_limits,
    reliable_change,
    threshold_for,
)

TABLE = 1e-3

# --- Sums -------------------------------------------------------------------------------------


def test_sums_give_mean_sample_variance_and_sd():
    # 2, 4, 4, 4, 5, 5, 7, 9: n 8, total 40, mean 5; squared deviations 9+1+1+1+0+0+4+16 = 32;
    # sample variance 32 / 7 = 4.571429; sd = sqrt(4.571429) = 2.138090.
    sums = Sums.of([2, 4, 4, 4, 5, 5, 7, 9])
    assert (sums.n, sums.total, sums.total_sq) == (8, 40.0, 232.0)
    assert sums.mean == 5.0
    assert sums.variance == pytest.approx(32 / 7)
    assert sums.sd == pytest.approx(2.138090, abs=1e-6)


def test_sums_of_two_groups_add_up_to_the_sums_of_both():
    first, second = [2, 4, 4, 4], [5, 5, 7, 9]
    merged = Sums.of(first) + Sums.of(second)
    assert merged == Sums.of(first + second)
    assert merged.variance == pytest.approx(32 / 7)
    assert Sums(0, 0, 0) + Sums.of(first) == Sums.of(first)


def test_sums_refuse_to_add_something_else():
    with pytest.raises(TypeError):
        Sums.of([1, 2]) + 3


def test_sums_take_what_sql_gives():
    # SUM over numeric columns gives Decimals, and NULL over no rows.
    sums = Sums(2, Decimal("3.50"), Decimal("6.25"))
    assert (sums.total, sums.total_sq) == (3.5, 6.25)
    assert isinstance(sums.total, float)
    assert Sums(0, None, None) == Sums(0, 0.0, 0.0)
    with pytest.raises(ValueError):
        Sums(-1, 0, 0)


def test_no_values_no_mean_and_one_value_no_spread():
    assert (Sums(0, 0, 0).mean, Sums(0, 0, 0).variance, Sums(0, 0, 0).sd) == (None, None, None)
    one = Sums.of([7.5])
    assert one.mean == 7.5
    assert (one.variance, one.sd) == (None, None)


@pytest.mark.parametrize("value", [0.1, 7.3, 9.99])
def test_equal_values_have_no_spread_despite_rounding(value):
    # 0.1 three times: 0.03 - 0.3**2 / 3 is not exactly 0 in floating point.
    sums = Sums.of([value] * 25)
    assert sums.variance == 0.0
    assert sums.sd == 0.0


# --- Reliable change thresholds --------------------------------------------------------------


def test_reliable_change_follows_the_formula_and_the_scale_step():
    # SD 1.4, r 0.85: SEdiff = 1.4 * 1.41421 * sqrt(0.15) = 1.4 * 1.41421 * 0.38730 = 0.76681;
    # 1.960 * 0.76681 = 1.503 -> 1.5 on a step of 0.1.
    assert reliable_change(sd=1.4, reliability=0.85, step=0.1) == 1.5
    # SD 0.6, r 0.80: 0.6 * 1.41421 * 0.44721 = 0.37947; * 1.960 = 0.744 -> 0.7.
    assert reliable_change(sd=0.6, reliability=0.80, step=0.1) == 0.7
    # SD 1.3, r 0.90: 1.3 * 1.41421 * 0.31623 = 0.58138; * 1.960 = 1.140 -> 1 on a step of 1.
    assert reliable_change(sd=1.3, reliability=0.90, step=1) == 1.0
    # The same margin on a step of 0.5 rounds 1.140 to 1.0, and 1.503 rounds to 1.5.
    assert reliable_change(sd=1.4, reliability=0.85, step=0.5) == 1.5


def test_each_instrument_has_its_threshold_and_dimensions_share_it():
    points = {code: threshold.points for code, threshold in CHANGE_THRESHOLDS.items()}
    assert points == {"positive-health-short": 1.5, "zrm": 0.7, "participation-ladder": 1.0}
    assert threshold_for("zrm", "finances") is CHANGE_THRESHOLDS["zrm"]
    assert threshold_for("positive-health-short") is CHANGE_THRESHOLDS["positive-health-short"]
    assert threshold_for("client-satisfaction") is None
    assert CHANGE_THRESHOLDS["zrm"].scale == "1\N{EN DASH}5"


@pytest.mark.parametrize(
    ("instrument", "change", "expected"),
    [
        ("positive-health-short", 7.2 - 5.7, "improved"),  # 1.4999999999999996 in floats
        ("positive-health-short", Decimal("1.49"), "unchanged"),
        ("positive-health-short", Decimal("-1.50"), "worsened"),
        ("zrm", 0.69, "unchanged"),
        ("zrm", -0.7, "worsened"),
        ("participation-ladder", 1, "improved"),
        ("participation-ladder", 0, "unchanged"),
        ("participation-ladder", -2, "worsened"),
    ],
)
def test_a_change_counts_from_the_threshold_on(instrument, change, expected):
    assert CHANGE_THRESHOLDS[instrument].classify(change) == expected


def test_when_lower_is_better_a_fall_is_an_improvement():
    ladder = CHANGE_THRESHOLDS["participation-ladder"]
    assert ladder.classify(-1, higher_is_better=False) == "improved"
    assert ladder.classify(1, higher_is_better=False) == "worsened"


def test_the_rationale_is_translated():
    with translation.override("nl"):
        assert str(CHANGE_THRESHOLDS["positive-health-short"].rationale).startswith(
            "Een verandering van minder dan 1,5 punt kan toeval zijn"
        )


# --- Paired change ---------------------------------------------------------------------------

# 20 clients. Changes post - pre:
#   -1, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5
#   total = -1 + 0 + 4*1 + 6*2 + 4*3 + 2*4 + 5 = 40, mean = 2
#   sum of squares = 1 + 0 + 4 + 24 + 36 + 32 + 25 = 122
#   SS = 122 - 40**2 / 20 = 42, variance = 42 / 19 = 2.210526, sd = 1.486784
#   se = 1.486784 / sqrt(20) = 1.486784 / 4.472136 = 0.332455
#   t(0.975, 19) = 2.093 (table); half width = 2.093 * 0.332455 = 0.695828
#   interval 2 - 0.695828 = 1.304172 to 2 + 0.695828 = 2.695828
# Baseline scores: ten 4s and ten 6s, mean 5, SS = 20 * 1 = 20, variance 20 / 19,
#   sd = 1.025978
#   d = 2 / 1.025978 = 1.949359; J = 1 - 3 / (4 * 19 - 1) = 1 - 3 / 75 = 0.96
#   g = 0.96 * 1.949359 = 1.871385
# With the Positive Health margin 1.5: improved are the 2s, 3s, 4s and the 5 (6+4+2+1 = 13),
#   unchanged -1, 0, 0 and the four 1s (7), worsened none.
CHANGES = [-1, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5]
BASELINE = [4] * 10 + [6] * 10


def crafted(changes=CHANGES, **options):
    threshold = CHANGE_THRESHOLDS["positive-health-short"]
    higher_is_better = options.get("higher_is_better", True)
    directions = [threshold.classify(c, higher_is_better=higher_is_better) for c in changes]
    return paired_change(
        diff=Sums.of(changes),
        pre=Sums.of(BASELINE[: len(changes)] if len(changes) <= 20 else [5] * len(changes)),
        improved=directions.count("improved"),
        unchanged=directions.count("unchanged"),
        worsened=directions.count("worsened"),
        **options,
    )


def test_a_group_of_twenty_against_the_hand_computation():
    estimate = crafted()
    assert estimate.n == 20
    assert estimate.conclusive
    assert estimate.mean_change == 2.0
    assert estimate.ci_low == pytest.approx(1.304172, abs=TABLE)
    assert estimate.ci_high == pytest.approx(2.695828, abs=TABLE)
    assert estimate.effect_size == pytest.approx(1.871385, abs=1e-6)
    assert (estimate.improved, estimate.unchanged, estimate.worsened) == (13, 7, 0)
    assert estimate.share_improved == pytest.approx(0.65)
    assert estimate.share_unchanged == pytest.approx(0.35)
    assert estimate.share_worsened == 0.0
    assert type(estimate.ci_low) is float  # no NumPy floats towards templates or JSON


def test_the_verdict_of_a_clear_improvement():
    estimate = crafted()
    with translation.override("en"):
        assert estimate.verdict() == "On average 2.0 points better (95% interval 1.3 to 2.7)."
    with translation.override("nl"):
        assert estimate.verdict() == "Gemiddeld 2,0 punt beter (95%-interval: 1,3 tot 2,7)."


def test_the_verdict_of_a_clear_worsening_names_the_size_of_the_loss():
    # The same changes with the sign turned: mean -2, interval -2.696 to -1.304.
    estimate = crafted([-change for change in CHANGES])
    assert estimate.ci_high == pytest.approx(-1.304172, abs=TABLE)
    assert (estimate.improved, estimate.unchanged, estimate.worsened) == (0, 7, 13)
    with translation.override("nl"):
        assert estimate.verdict() == "Gemiddeld 2,0 punt slechter (95%-interval: 1,3 tot 2,7)."


def test_when_lower_is_better_a_rise_is_a_worsening():
    estimate = crafted(higher_is_better=False)
    assert estimate.mean_change == 2.0  # the change itself keeps its sign
    assert (estimate.improved, estimate.worsened) == (0, 13)
    with translation.override("en"):
        assert estimate.verdict() == "On average 2.0 points worse (95% interval 1.3 to 2.7)."


def test_an_interval_around_zero_is_no_clear_change():
    # -2, -1, -1, 0, 0, 0, 0, 1, 1, 2 twice: total 0, mean 0; squares 2 * 12 = 24, SS 24,
    # variance 24 / 19 = 1.263158, sd 1.123903, se 1.123903 / 4.472136 = 0.251312,
    # half width 2.093 * 0.251312 = 0.526 -> -0.526 to 0.526.
    estimate = crafted([-2, -1, -1, 0, 0, 0, 0, 1, 1, 2] * 2)
    assert estimate.mean_change == 0.0
    assert estimate.ci_low == pytest.approx(-0.526, abs=TABLE)
    assert estimate.ci_high == pytest.approx(0.526, abs=TABLE)
    assert estimate.effect_size == 0.0
    with translation.override("nl"):
        assert estimate.verdict() == (
            "Geen duidelijke verandering: het interval loopt van -0,5 tot 0,5."
        )


def test_a_narrow_interval_is_shown_with_two_decimals():
    # 400 pairs, mean change 0.3, sd 0.5: total 120, sum of squares = 0.25 * 399 + 120**2 / 400
    # = 99.75 + 36 = 135.75. se = 0.5 / 20 = 0.025; t(0.975, 399) = 1.966 (table);
    # half width 0.049 -> 0.251 to 0.349.
    estimate = paired_change(
        diff=Sums(400, 120, 135.75),
        pre=Sums(400, 2000, 10_400),
        improved=0,
        unchanged=400,
        worsened=0,
    )
    assert estimate.ci_low == pytest.approx(0.251, abs=TABLE)
    assert estimate.ci_high == pytest.approx(0.349, abs=TABLE)
    with translation.override("en"):
        assert estimate.verdict() == ("On average 0.30 points better (95% interval 0.25 to 0.35).")


def test_an_end_near_zero_is_not_shown_as_zero():
    # 20 pairs, mean 0.5, sd 0.98292: SS = 19 * 0.98292**2 = 18.3565, sum of squares
    # 18.3565 + 10**2 / 20 = 23.3565. Half width 2.093 * 0.98292 / 4.472136 = 0.460 -> 0.040
    # to 0.960: with one decimal the lower end would read 0.0.
    estimate = paired_change(
        diff=Sums(20, 10, 23.3565),
        pre=Sums.of(BASELINE),
        improved=0,
        unchanged=20,
        worsened=0,
    )
    assert estimate.ci_low == pytest.approx(0.040, abs=TABLE)
    with translation.override("en"):
        assert estimate.verdict() == ("On average 0.50 points better (95% interval 0.04 to 0.96).")


def test_below_the_minimum_only_the_counts_are_given():
    estimate = crafted(CHANGES[:19])
    assert MIN_GROUP_SIZE == 20
    assert (estimate.n, estimate.conclusive) == (19, False)
    assert (estimate.improved, estimate.unchanged, estimate.worsened) == (12, 7, 0)
    statistics = [
        estimate.mean_change,
        estimate.ci_low,
        estimate.ci_high,
        estimate.effect_size,
        estimate.share_improved,
        estimate.share_unchanged,
        estimate.share_worsened,
    ]
    assert statistics == [None] * 7
    with translation.override("en"):
        assert estimate.verdict() == (
            "Too few pairs (19) to draw a conclusion: at least 20 are needed."
        )
    with translation.override("nl"):
        assert estimate.verdict() == (
            "Te weinig paren van metingen (19) voor een conclusie: er zijn er minstens 20 nodig."
        )


def test_no_pairs_at_all():
    estimate = paired_change(
        diff=Sums(0, None, None), pre=Sums(0, None, None), improved=0, unchanged=0, worsened=0
    )
    assert (estimate.n, estimate.conclusive, estimate.mean_change) == (0, False, None)
    assert (estimate.share_improved, estimate.share_unchanged, estimate.share_worsened) == (
        None,
        None,
        None,
    )
    with translation.override("en"):
        assert estimate.verdict().startswith("Too few pairs (0)")


def test_one_pair_is_never_enough():
    one = paired_change(diff=Sums.of([3]), pre=Sums.of([4]), improved=1, unchanged=0, worsened=0)
    assert (one.conclusive, one.mean_change, one.ci_low, one.effect_size) == (
        False,
        None,
        None,
        None,
    )
    assert one.improved == 1
    with pytest.raises(ValueError):  # an interval from one pair does not exist
        paired_change(
            diff=Sums.of([3]),
            pre=Sums.of([4]),
            improved=1,
            unchanged=0,
            worsened=0,
            min_group_size=1,
        )


def test_no_spread_gives_a_point_interval_and_no_effect_size():
    # Everyone started at 5 and went up exactly 1: sd of changes and of the baseline are 0.
    estimate = paired_change(
        diff=Sums.of([1] * 20), pre=Sums.of([5] * 20), improved=0, unchanged=20, worsened=0
    )
    assert (estimate.mean_change, estimate.ci_low, estimate.ci_high) == (1.0, 1.0, 1.0)
    assert estimate.effect_size is None
    with translation.override("en"):
        assert estimate.verdict() == "On average 1.0 points better (95% interval 1.0 to 1.0)."


def test_the_minimum_group_size_comes_from_the_settings(settings):
    settings.EFFECTS_MIN_GROUP_SIZE = 25
    estimate = crafted()
    assert not estimate.conclusive
    with translation.override("en"):
        assert estimate.verdict().endswith("at least 25 are needed.")
    assert crafted(min_group_size=10).conclusive


def test_counts_and_baseline_must_describe_the_same_pairs():
    with pytest.raises(ValueError):
        paired_change(
            diff=Sums.of(CHANGES), pre=Sums.of(BASELINE), improved=13, unchanged=6, worsened=0
        )
    with pytest.raises(ValueError):
        paired_change(
            diff=Sums.of(CHANGES), pre=Sums.of(BASELINE[:19]), improved=13, unchanged=7, worsened=0
        )


# --- Funnel limits ---------------------------------------------------------------------------


def test_proportion_limits_for_a_target_of_a_half():
    # n = 10, target 0.5: P(R <= r) in 1024ths: r=0: 1, 1: 11, 2: 56, 7: 968, 8: 1013, 9: 1023.
    # 97.5%: 0.975 * 1024 = 998.4; first r with cdf >= it is 8; alpha = (1013 - 998.4) / 45 =
    #   0.324444; limit (8 + 0.5 - 0.324444) / 10 = 0.817556.
    # 2.5%: 25.6 -> r = 2; alpha = (56 - 25.6) / 45 = 0.675556; (2.5 - 0.675556) / 10 = 0.182444.
    # 99.9%: 1022.976 -> r = 9; alpha = (1023 - 1022.976) / 10 = 0.0024; (9.5 - 0.0024) / 10 =
    #   0.94976.  0.1%: 1.024 -> r = 1; alpha = (11 - 1.024) / 10 = 0.9976; 0.05024.
    [limits] = proportion_limits(0.5, [10])
    assert limits.size == 10
    assert limits.high95 == pytest.approx(0.817556, abs=1e-6)
    assert limits.low95 == pytest.approx(0.182444, abs=1e-6)
    assert limits.high998 == pytest.approx(0.94976, abs=1e-6)
    assert limits.low998 == pytest.approx(0.05024, abs=1e-6)
    # A target of one half gives limits that mirror each other.
    assert limits.low95 == pytest.approx(1 - limits.high95)


def test_proportion_limits_for_a_small_target_and_clamping():
    # n = 5, target 0.2: P(R = r) = 0.32768, 0.4096, 0.2048, 0.0512, 0.0064, 0.00032;
    # cdf 0.32768, 0.73728, 0.94208, 0.99328, 0.99968, 1.
    # 97.5%: r = 3; alpha = (0.99328 - 0.975) / 0.0512 = 0.357031; (3.5 - 0.357031) / 5 = 0.628594.
    # 99.9%: r = 4; alpha = (0.99968 - 0.999) / 0.0064 = 0.10625; (4.5 - 0.10625) / 5 = 0.87875.
    # 2.5% and 0.1%: r = 0; alpha = (0.32768 - 0.025) / 0.32768 = 0.9237 and 0.9969, so the limit
    # (0.5 - alpha) / 5 is below 0: clamped to 0.
    # n = 4, target 0.5: cdf 1/16, 5/16, 11/16, 15/16, 1. 97.5%: r = 4, alpha = 0.025 / (1/16) =
    # 0.4, (4.5 - 0.4) / 4 = 1.025: clamped to 1. 2.5%: r = 0, alpha = 0.6, (0.5 - 0.6) / 4 < 0.
    [small] = proportion_limits(0.2, [5.0])  # sizes are counts: 5.0 is 5
    assert small.size == 5
    assert small.high95 == pytest.approx(0.628594, abs=1e-6)
    assert small.high998 == pytest.approx(0.87875, abs=1e-6)
    assert (small.low95, small.low998) == (0.0, 0.0)
    [tiny] = proportion_limits(0.5, [4])
    assert (tiny.low998, tiny.low95, tiny.high95, tiny.high998) == (0.0, 0.0, 1.0, 1.0)


def test_proportion_limits_refuse_impossible_input():
    with pytest.raises(ValueError):
        proportion_limits(1.2, [10])
    with pytest.raises(ValueError):
        proportion_limits(0.5, [0])


def test_mean_limits():
    # target 5, sd 2. n = 4: se = 1; 5 -+ 1.960 = 3.040 / 6.960; 5 -+ 3.090 = 1.910 / 8.090.
    # n = 16: se = 0.5; 5 -+ 0.980 = 4.020 / 5.980; 5 -+ 1.545 = 3.455 / 6.545.
    four, sixteen = mean_limits(5, 2, [4, 16])
    assert (four.low95, four.high95) == (
        pytest.approx(3.040, abs=TABLE),
        pytest.approx(6.960, abs=TABLE),
    )
    assert (four.low998, four.high998) == (
        pytest.approx(1.910, abs=TABLE),
        pytest.approx(8.090, abs=TABLE),
    )
    assert (sixteen.low95, sixteen.high95) == (
        pytest.approx(4.020, abs=TABLE),
        pytest.approx(5.980, abs=TABLE),
    )
    assert (sixteen.low998, sixteen.high998) == (
        pytest.approx(3.455, abs=TABLE),
        pytest.approx(6.545, abs=TABLE),
    )


def test_a_mean_curve_runs_from_one_to_the_largest_size_and_narrows():
    curve = limit_curve("mean", 5, 2, 200)
    sizes = [limits.size for limits in curve]
    assert len(curve) == 40
    assert sizes[0] == pytest.approx(1) and sizes[-1] == pytest.approx(200)
    assert sizes == sorted(sizes)
    widths = [limits.high998 - limits.low998 for limits in curve]
    assert all(wider > narrower for wider, narrower in itertools.pairwise(widths))
    # At size 1 the outer limits are 5 -+ 3.090 * 2.
    assert curve[0].high998 == pytest.approx(11.180, abs=TABLE)


def test_a_proportion_curve_uses_whole_sizes():
    curve = limit_curve("proportion", 0.3, None, 200, start=5)
    sizes = [limits.size for limits in curve]
    assert sizes[0] == 5 and sizes[-1] == 200
    assert all(isinstance(size, int) for size in sizes)
    assert len(set(sizes)) == len(sizes) <= 40
    assert all(
        0 <= limits.low998 <= limits.low95 <= 0.3 <= limits.high95 <= limits.high998 <= 1
        for limits in curve
    )


def test_a_curve_needs_a_known_kind_and_a_mean_curve_an_sd():
    with pytest.raises(ValueError):
        limit_curve("median", 5, 2, 100)
    with pytest.raises(ValueError):
        limit_curve("mean", 5, None, 100)
    with pytest.raises(ValueError):
        limit_curve("mean", 5, 2, 100, start=200)


# --- Funnel verdicts -------------------------------------------------------------------------


def statuses(units, **options):
    return {unit.key: status for unit, status in funnel_verdicts(units, **options)}


def test_mean_funnel_verdicts():
    # target 5, sd 2, n = 16: 95% limits 4.020 / 5.980, 99.8% limits 3.455 / 6.545.
    exact = mean_limits(5, 2, [16])[0]
    units = [
        FunnelUnit("within", "Noord", 16, 5.5),
        FunnelUnit("watch-high", "Oost", 16, 6.0),
        FunnelUnit("high", "Zuid", 16, 7.0),
        FunnelUnit("watch-low", "West", 16, 4.0),
        FunnelUnit("low", "Centrum", 16, 3.0),
        FunnelUnit("small", "Haven", 3, 10.0),
        FunnelUnit("on-outer", "Dorp", 16, exact.high998),
        FunnelUnit("on-inner", "Wijk", 16, exact.high95),
        FunnelUnit("on-outer-low", "Veld", 16, exact.low998),
    ]
    assert statuses(units, kind="mean", target=5, sd=2, min_size=10) == {
        "within": FunnelStatus.WITHIN,
        "watch-high": FunnelStatus.WATCH_ABOVE,
        "high": FunnelStatus.ABOVE,
        "watch-low": FunnelStatus.WATCH_BELOW,
        "low": FunnelStatus.BELOW,
        "small": FunnelStatus.TOO_SMALL,  # far outside any limit, but too small to judge
        "on-outer": FunnelStatus.WATCH_ABOVE,  # exactly on the 99.8% limit is not outside it
        "on-inner": FunnelStatus.WITHIN,
        "on-outer-low": FunnelStatus.WATCH_BELOW,
    }


def test_proportion_funnel_verdicts():
    # target 0.5, n = 10: limits 0.05024 / 0.182444 / 0.817556 / 0.94976 (see above).
    # target 0.2, n = 5: upper limits 0.628594 and 0.87875, lower limits 0.
    units = [
        FunnelUnit("none", "A", 10, 0.0),
        FunnelUnit("one", "B", 10, 0.1),
        FunnelUnit("five", "C", 10, 0.5),
        FunnelUnit("nine", "D", 10, 0.9),
        FunnelUnit("ten", "E", 10, 1.0),
        FunnelUnit("no-value", "F", 10, None),
        FunnelUnit("small", "G", 4, 1.0),
    ]
    assert statuses(units, kind="proportion", target=0.5, sd=None, min_size=5) == {
        "none": FunnelStatus.BELOW,
        "one": FunnelStatus.WATCH_BELOW,
        "five": FunnelStatus.WITHIN,
        "nine": FunnelStatus.WATCH_ABOVE,
        "ten": FunnelStatus.ABOVE,
        "no-value": FunnelStatus.TOO_SMALL,
        "small": FunnelStatus.TOO_SMALL,
    }
    units = [
        FunnelUnit("zero", "A", 5, 0.0),
        FunnelUnit("four", "B", 5, 0.8),
        FunnelUnit("five", "C", 5, 1.0),
    ]
    assert statuses(units, kind="proportion", target=0.2, sd=None, min_size=5) == {
        "zero": FunnelStatus.WITHIN,  # with limits at 0 nothing can lie below
        "four": FunnelStatus.WATCH_ABOVE,
        "five": FunnelStatus.ABOVE,
    }


def test_funnel_status_labels_are_translated():
    with translation.override("nl"):
        assert str(FunnelStatus.WATCH_ABOVE.label) == "Iets hoger dan verwacht"
        assert str(FunnelStatus.TOO_SMALL.label) == "Te klein om iets over te zeggen"
