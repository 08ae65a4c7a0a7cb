"""The statistics of the effect measurement: from sufficient statistics to honest figures.

The statistics tables keep, per group, only what SQL's COUNT and SUM give (n, the sum and the
sum of squares). This module turns those into a mean change with its interval, an effect size
and the counts of clients who improved, stayed the same or got worse; and it draws the funnel
limits that compare neighbourhoods or teams without ranking them. No database, no requests:
plain numbers in, plain numbers and sentences out.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import numpy
from django.conf import settings
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from scipy import stats

# Pairs (a measurement before and after) below which no conclusion is drawn: with fewer, the
# interval is so wide that a mean would suggest more than the data can say. A deployment may
# set EFFECTS_MIN_GROUP_SIZE; a t-interval needs at least two pairs.
MIN_GROUP_SIZE = 20

CONFIDENCE = 0.95
# The funnel's outer limits: the usual 95% and 99.8% (Spiegelhalter 2005), about 2 and 3 SD.
FUNNEL_INNER = 0.95
FUNNEL_OUTER = 0.998

# A sum of squares this small relative to the squares themselves is rounding, not spread.
RELATIVE_ROUNDING = 1e-12


def configured_min_group_size() -> int:
    return getattr(settings, "EFFECTS_MIN_GROUP_SIZE", MIN_GROUP_SIZE)


@dataclass(frozen=True)
class Sums:
    """Sufficient statistics of one group: COUNT(x), SUM(x) and SUM(x * x).

    SQL gives Decimals for sums of numeric columns; they are stored as floats so the sums of
    two groups add up and SciPy can use them.
    """

    n: int
    total: float
    total_sq: float

    def __post_init__(self):
        if self.n < 0:
            raise ValueError("A count cannot be negative.")
        object.__setattr__(self, "n", int(self.n))
        object.__setattr__(self, "total", float(self.total or 0))
        object.__setattr__(self, "total_sq", float(self.total_sq or 0))

    @classmethod
    def of(cls, values: Iterable[float | Decimal]) -> "Sums":
        numbers = [float(value) for value in values]
        return cls(len(numbers), sum(numbers), sum(number * number for number in numbers))

    def __add__(self, other: "Sums") -> "Sums":
        if not isinstance(other, Sums):
            return NotImplemented
        return Sums(self.n + other.n, self.total + other.total, self.total_sq + other.total_sq)

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def variance(self) -> float | None:
        """The sample variance (divided by n - 1); None below two values."""
        if self.n < 2:
            return None
        squares = self.total_sq - self.total * self.total / self.n
        # Equal values give a sum of squares of exactly zero only on paper: in floating point
        # it can come out as -1e-16 or 1e-16, and a tiny positive spread would blow up an
        # effect size that should not exist at all.
        if squares <= RELATIVE_ROUNDING * self.total_sq:
            return 0.0
        return squares / (self.n - 1)

    @property
    def sd(self) -> float | None:
        variance = self.variance
        return None if variance is None else math.sqrt(variance)


# --- What counts as a real change for one client -------------------------------------------

Direction = Literal["improved", "unchanged", "worsened"]


def reliable_change(*, sd: float, reliability: float, step: float) -> float:
    """The reliable change index margin (Jacobson & Truax 1991), rounded to the scale's step.

    SEdiff = SD * sqrt(2) * sqrt(1 - r) is the spread of the difference between two
    measurements of someone who did not change; 1.96 * SEdiff is the change that measurement
    noise alone exceeds in only 5% of such clients.
    """
    se_difference = sd * math.sqrt(2) * math.sqrt(1 - reliability)
    margin = float(stats.norm.ppf(0.975)) * se_difference
    # Decimal so that 15 steps of 0.1 are 1.5 and not 1.5000000000000002.
    return float(Decimal(str(step)) * round(margin / step))


@dataclass(frozen=True)
class ChangeThreshold:
    """Per instrument: a change smaller than `points` (in absolute value) counts as unchanged."""

    instrument: str
    points: float
    scale: str
    rationale: str

    def classify(self, change: float | Decimal, *, higher_is_better: bool = True) -> Direction:
        # Scores have two decimals, so a change computed in floating point is rounded back to
        # six: 7.2 - 5.7 must count as a change of 1.5, not of 1.4999999999999996.
        change = Decimal(str(change)).quantize(Decimal("0.000001"))
        if abs(change) < Decimal(str(self.points)):
            return "unchanged"
        return "improved" if (change > 0) == higher_is_better else "worsened"


# The assumptions behind each margin. Reliabilities and baseline SDs are typical values for
# these instruments in social-work populations, chosen on the careful side, not measured here:
# - Positive Health short (mean of the dimensions, 0-10): SD 1.4, reliability 0.85.
#   SEdiff = 1.4 * 1.414 * 0.387 = 0.767; 1.96 * 0.767 = 1.50 -> 1.5 points.
# - ZRM (mean level over the domains, 1-5): SD 0.6, reliability 0.80 (inter-rater: before
#   and after are often scored by different workers). SEdiff = 0.6 * 1.414 * 0.447 = 0.379;
#   1.96 * 0.379 = 0.74 -> 0.7 on a step of 0.1.
# - Participation ladder (rung 1-6): SD 1.3 rungs, reliability 0.90. SEdiff = 1.3 * 1.414 *
#   0.316 = 0.581; 1.96 * 0.581 = 1.14 -> one rung, the smallest step the ladder has.
CHANGE_THRESHOLDS: dict[str, ChangeThreshold] = {
    threshold.instrument: threshold
    for threshold in [
        ChangeThreshold(
            instrument="positive-health-short",
            points=reliable_change(sd=1.4, reliability=0.85, step=0.1),
            scale="0\N{EN DASH}10",
            rationale=_(
                "A change smaller than 1.5 points can be chance: measurement noise alone can "
                "reach that far, with a usual spread of 1.4 points at the start and a "
                "reliability of 0.85."
            ),
        ),
        ChangeThreshold(
            instrument="zrm",
            points=reliable_change(sd=0.6, reliability=0.80, step=0.1),
            scale="1\N{EN DASH}5",
            rationale=_(
                "A change smaller than 0.7 levels can be chance: measurement noise alone can "
                "reach that far, with a usual spread of 0.6 levels at the start and a "
                "reliability of 0.80 between social workers."
            ),
        ),
        ChangeThreshold(
            instrument="participation-ladder",
            points=reliable_change(sd=1.3, reliability=0.90, step=1),
            scale="1\N{EN DASH}6",
            rationale=_(
                "Every move of one rung or more counts: measurement noise alone reaches about "
                "1.1 rungs, and the ladder has no step smaller than one rung."
            ),
        ),
    ]
}


def threshold_for(instrument: str, dimension: str | None = None) -> ChangeThreshold | None:
    """The margin for an instrument's overall score, and by default for each dimension score.

    A dimension is on the same scale as the overall score, so it gets the same margin. This
    is lenient: a dimension has fewer questions, so it is less reliable and its own reliable
    change would be larger. Until there are dimension-level reliabilities, one margin per
    scale keeps the pages in one language.
    """
    return CHANGE_THRESHOLDS.get(instrument)


# --- The change of a group -----------------------------------------------------------------


@dataclass(frozen=True)
class ChangeEstimate:
    """The change in one group of clients measured before and after.

    `mean_change` and the interval are of post - pre, whatever `higher_is_better` says; the
    verdict turns them into "better" or "worse". The counts are always there; every statistic
    (including the shares) is None when the group is below the minimum size.
    """

    n: int
    conclusive: bool
    mean_change: float | None
    ci_low: float | None
    ci_high: float | None
    effect_size: float | None
    improved: int
    unchanged: int
    worsened: int
    share_improved: float | None
    share_unchanged: float | None
    share_worsened: float | None
    higher_is_better: bool
    min_group_size: int

    def verdict(self) -> str:
        if not self.conclusive:
            return gettext(
                "Too few pairs (%(n)s) to draw a conclusion: at least %(minimum)s are needed."
            ) % {"n": number_format(self.n), "minimum": number_format(self.min_group_size)}
        places = _decimal_places(self.ci_low, self.ci_high)
        sign = 1 if self.higher_is_better else -1
        # The interval seen from the side of "better": both ends above zero is better.
        better_low, better_high = sorted((sign * self.ci_low, sign * self.ci_high))
        if better_low > 0:
            text = gettext(
                "On average %(change)s points better (95%% interval %(low)s to %(high)s)."
            )
            change, low, high = sign * self.mean_change, better_low, better_high
        elif better_high < 0:
            text = gettext(
                "On average %(change)s points worse (95%% interval %(low)s to %(high)s)."
            )
            change, low, high = -sign * self.mean_change, -better_high, -better_low
        else:
            return gettext("No clear change: the interval runs from %(low)s to %(high)s.") % {
                "low": _number(self.ci_low, places),
                "high": _number(self.ci_high, places),
            }
        return text % {
            "change": _number(change, places),
            "low": _number(low, places),
            "high": _number(high, places),
        }


def paired_change(
    *,
    diff: Sums,
    pre: Sums,
    improved: int,
    unchanged: int,
    worsened: int,
    min_group_size: int | None = None,
    higher_is_better: bool = True,
) -> ChangeEstimate:
    """The mean paired change with a 95% t-interval, an effect size and the counts.

    `diff` sums post - pre per client; `pre` sums the baseline scores of the same clients, and
    the three counts split the same clients by `ChangeThreshold.classify`.

    The effect size is the mean change divided by the SD of the baseline scores (Becker 1988),
    not by the SD of the changes: the SD of changes shrinks when before and after correlate
    strongly, which would make the same change look larger in a steadier group. The baseline
    SD keeps it in the units of "how much people differ at the start". Small groups overstate
    it, so it is multiplied by Hedges' correction J = 1 - 3 / (4(n - 1) - 1). None when
    everybody started with the same score (SD 0): there is no spread to compare with.
    """
    minimum = configured_min_group_size() if min_group_size is None else min_group_size
    if minimum < 2:
        raise ValueError("A confidence interval needs a minimum group size of at least 2.")
    if pre.n != diff.n:
        raise ValueError("The baseline scores must come from the same pairs as the changes.")
    if improved + unchanged + worsened != diff.n:
        raise ValueError("Improved, unchanged and worsened must add up to the number of pairs.")
    n = diff.n
    counts = {"improved": improved, "unchanged": unchanged, "worsened": worsened}
    if n < minimum:
        return ChangeEstimate(
            n=n,
            conclusive=False,
            mean_change=None,
            ci_low=None,
            ci_high=None,
            effect_size=None,
            **counts,
            share_improved=None,
            share_unchanged=None,
            share_worsened=None,
            higher_is_better=higher_is_better,
            min_group_size=minimum,
        )
    mean = diff.mean
    # float(): SciPy answers in NumPy floats, which should not leak into templates or JSON.
    half_width = float(stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1)) * diff.sd / math.sqrt(n)
    effect_size = None
    if pre.sd:
        correction = 1 - 3 / (4 * (n - 1) - 1)
        effect_size = correction * mean / pre.sd
    return ChangeEstimate(
        n=n,
        conclusive=True,
        mean_change=mean,
        ci_low=mean - half_width,
        ci_high=mean + half_width,
        effect_size=effect_size,
        **counts,
        share_improved=improved / n,
        share_unchanged=unchanged / n,
        share_worsened=worsened / n,
        higher_is_better=higher_is_better,
        min_group_size=minimum,
    )


def _decimal_places(low: float, high: float) -> int:
    # One decimal, unless that would hide the interval: when it is narrow, or when an end that
    # is not zero would read "0.0" next to the word "better".
    if 0 < (high - low) / 2 < 0.1:
        return 2
    if any(end != 0 and round(end, 1) == 0 for end in (low, high)):
        return 2
    return 1


def _number(value: float, places: int) -> str:
    # + 0.0 turns a rounded -0.0 into 0.0, so no "-0,0".
    return number_format(round(value, places) + 0.0, decimal_pos=places)


# --- Funnel plots ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelLimits:
    size: float
    low95: float
    high95: float
    low998: float
    high998: float


class FunnelStatus(models.TextChoices):
    """Outside 99.8% a unit is flagged; between 95% and 99.8% it is only worth watching:
    among 20 units of the same quality, one is expected outside 95% by chance alone."""

    ABOVE = "above", _("Clearly higher than expected")
    WATCH_ABOVE = "watch_above", _("Somewhat higher than expected")
    WITHIN = "within", _("As expected")
    WATCH_BELOW = "watch_below", _("Somewhat lower than expected")
    BELOW = "below", _("Clearly lower than expected")
    TOO_SMALL = "too_small", _("Too small to judge")


def proportion_limits(target: float, sizes: Iterable[float]) -> list[FunnelLimits]:
    """Binomial-exact limits around a target proportion, smoothed between whole counts.

    Per size n: r = binom.ppf(p, n, target), the smallest count with P(R <= r) >= p, and
    alpha = (P(R <= r) - p) / P(R = r), Spiegelhalter's (2005, appendix) interpolation. He
    places the limit at (r - alpha) / n, which spreads the chance of count r over (r - 1, r]
    and so lies half a count low: a unit is then flagged high on P(R > r) but low on
    P(R <= r), and with a target of 0.5 the limits are not symmetric. Here the chance of r is
    spread over (r - 0.5, r + 0.5], giving (r + 0.5 - alpha) / n: symmetric, and a unit is
    outside exactly when its mid-p value is below the tail probability. Clamped to [0, 1].

    Sizes are numbers of clients and are rounded to whole numbers.
    """
    if not 0 <= target <= 1:
        raise ValueError("A target proportion lies between 0 and 1.")

    counts = [round(size) for size in sizes]
    if any(n < 1 for n in counts):
        raise ValueError("A funnel needs sizes of at least 1.")
    if not counts:
        return []
    n = numpy.array(counts, dtype=float)

    # All sizes and the four limits at once: one SciPy call per function instead of one
    # per unit and limit (each call costs more in checking its arguments than in work).
    quantiles = numpy.array(
        [
            [(1 - FUNNEL_INNER) / 2],
            [(1 + FUNNEL_INNER) / 2],
            [(1 - FUNNEL_OUTER) / 2],
            [(1 + FUNNEL_OUTER) / 2],
        ]
    )
    count = stats.binom.ppf(quantiles, n, target)
    below_or_at = stats.binom.cdf(count, n, target)
    at = stats.binom.pmf(count, n, target)
    alpha = numpy.where(at > 0, (below_or_at - quantiles) / numpy.where(at > 0, at, 1.0), 0.0)
    low95, high95, low998, high998 = numpy.clip((count + 0.5 - alpha) / n, 0.0, 1.0).tolist()
    return [
        FunnelLimits(
            size=counts[i],
            low95=low95[i],
            high95=high95[i],
            low998=low998[i],
            high998=high998[i],
        )
        for i in range(len(counts))
    ]


def mean_limits(target: float, sd: float, sizes: Iterable[float]) -> list[FunnelLimits]:
    """target ± z * sd / sqrt(n), z the normal quantile of 97.5% and 99.9%."""
    if sd < 0:
        raise ValueError("A standard deviation cannot be negative.")
    z_inner = float(stats.norm.ppf((1 + FUNNEL_INNER) / 2))
    z_outer = float(stats.norm.ppf((1 + FUNNEL_OUTER) / 2))
    limits = []
    for size in sizes:
        if size <= 0:
            raise ValueError("A funnel needs sizes above 0.")
        error = sd / math.sqrt(size)
        limits.append(
            FunnelLimits(
                size=size,
                low95=target - z_inner * error,
                high95=target + z_inner * error,
                low998=target - z_outer * error,
                high998=target + z_outer * error,
            )
        )
    return limits


FunnelKind = Literal["proportion", "mean"]


def _limits(kind: FunnelKind, target: float, sd: float | None, sizes) -> list[FunnelLimits]:
    if kind == "proportion":
        return proportion_limits(target, sizes)
    if kind == "mean":
        if sd is None:
            raise ValueError("Mean funnels need a standard deviation.")
        return mean_limits(target, sd, sizes)
    raise ValueError(f"Unknown funnel kind: {kind!r}")


def limit_curve(
    kind: FunnelKind,
    target: float,
    sd: float | None,
    max_size: float,
    points: int = 40,
    start: float = 1,
) -> list[FunnelLimits]:
    """The limits at `points` sizes from `start` to `max_size`, for drawing the funnel.

    The sizes are spread evenly on a log scale: the funnel bends most at small sizes, where
    even steps would draw it as a few straight pieces. Proportion funnels use whole sizes, so
    a curve may have fewer points than asked.
    """
    if not 0 < start <= max_size:
        raise ValueError("A curve runs from a size above 0 up to its largest size.")
    sizes = [float(size) for size in numpy.geomspace(start, max_size, max(points, 2))]
    if kind == "proportion":
        sizes = sorted({round(size) for size in sizes})
    return _limits(kind, target, sd, sizes)


@dataclass(frozen=True)
class FunnelUnit:
    key: str
    label: str
    size: float
    value: float | None


def funnel_verdicts(
    units: Iterable[FunnelUnit],
    *,
    kind: FunnelKind,
    target: float,
    sd: float | None,
    min_size: int,
) -> list[tuple[FunnelUnit, FunnelStatus]]:
    """Each unit with where it lies in the funnel.

    Outside the 99.8% limits: "above" or "below". Between 95% and 99.8%: "watch_above" or
    "watch_below", never a conclusion on its own. A value exactly on a limit counts as inside
    it. Units smaller than `min_size`, or without a value, are drawn but never judged.
    """
    units = list(units)
    judged = [unit for unit in units if unit.value is not None and unit.size >= min_size]
    limits = dict(
        zip(
            (id(unit) for unit in judged),
            _limits(kind, target, sd, [unit.size for unit in judged]),
            strict=True,
        )
    )
    return [
        (
            unit,
            _status(unit.value, limits[id(unit)]) if id(unit) in limits else FunnelStatus.TOO_SMALL,
        )
        for unit in units
    ]


def _status(value: float, limits: FunnelLimits) -> FunnelStatus:
    if value > limits.high998:
        return FunnelStatus.ABOVE
    if value < limits.low998:
        return FunnelStatus.BELOW
    if value > limits.high95:
        return FunnelStatus.WATCH_ABOVE
    if value < limits.low95:
        return FunnelStatus.WATCH_BELOW
    return FunnelStatus.WITHIN
