"""Scoring rules, as pure functions over a version's structure and a response's answers.

The rule of a version is named in its definition file (`[scoring] rule = ...`). Means are
computed exactly (fractions) and rounded once, to 2 decimals with ROUND_HALF_UP, so that
6.125 becomes 6.13 and an overall figure is not a mean of already rounded numbers.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class ItemSpec:
    code: str
    dimension: str | None  # None for an open question
    is_scale: bool = True
    reversed: bool = False


@dataclass(frozen=True)
class ScoringSpec:
    rule: str
    scale_min: int
    scale_max: int
    dimensions: tuple[str, ...]  # codes, in order
    items: tuple[ItemSpec, ...]
    options: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DimensionResult:
    score: Decimal | None  # None when no item of the dimension was answered
    answered: int


@dataclass(frozen=True)
class ScoreResult:
    dimensions: dict[str, DimensionResult]
    overall: Decimal | None


def round_score(value: Fraction) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _mean(values: list[Fraction]) -> Fraction | None:
    return sum(values, Fraction(0)) / len(values) if values else None


def _item_value(spec: ScoringSpec, item: ItemSpec, value: int) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{item.code}: {value!r} is not a whole number")
    if not spec.scale_min <= value <= spec.scale_max:
        raise ValueError(f"{item.code}: {value} is outside {spec.scale_min}-{spec.scale_max}")
    # A reversed item counts from the other end: on 0-10 an answer of 8 scores 2.
    return Fraction(spec.scale_min + spec.scale_max - value if item.reversed else value)


def _exact_means(
    spec: ScoringSpec, answers: Mapping[str, int | None]
) -> dict[str, tuple[Fraction | None, int]]:
    """Per dimension: the exact mean of its answered scale items and how many there were."""
    values: dict[str, list[Fraction]] = {code: [] for code in spec.dimensions}
    for item in spec.items:
        answer = answers.get(item.code)
        if item.is_scale and answer is not None:
            values[item.dimension].append(_item_value(spec, item, answer))
    return {code: (_mean(found), len(found)) for code, found in values.items()}


def _result(means: dict[str, tuple[Fraction | None, int]], overall: Fraction | None) -> ScoreResult:
    return ScoreResult(
        dimensions={
            code: DimensionResult(None if mean is None else round_score(mean), answered)
            for code, (mean, answered) in means.items()
        },
        overall=None if overall is None else round_score(overall),
    )


def _mean_of_dimensions(means) -> Fraction | None:
    return _mean([mean for mean, _answered in means.values() if mean is not None])


def mean_per_dimension(spec: ScoringSpec, answers: Mapping[str, int | None]) -> ScoreResult:
    """Mean of the answered items per dimension; overall: the mean of the dimension means,
    each dimension weighing the same however many items it has."""
    means = _exact_means(spec, answers)
    return _result(means, _mean_of_dimensions(means))


def construct_means(spec: ScoringSpec, answers: Mapping[str, int | None]) -> ScoreResult:
    """UTAUT: mean per construct. No overall figure: the constructs measure different things
    (usefulness, ease, social influence, intention) and are reported side by side."""
    return _result(_exact_means(spec, answers), None)


def level_per_domain(spec: ScoringSpec, answers: Mapping[str, int | None]) -> ScoreResult:
    """ZRM: each domain has one item and its score is the level chosen (1-5). Overall: the
    mean level over the domains that were scored, as used in team and effect reports."""
    for code in spec.dimensions:
        count = sum(1 for item in spec.items if item.is_scale and item.dimension == code)
        if count != 1:
            raise ValueError(f"domain {code} has {count} scale items; level_per_domain needs 1")
    means = _exact_means(spec, answers)
    return _result(means, _mean_of_dimensions(means))


def rung(spec: ScoringSpec, answers: Mapping[str, int | None]) -> ScoreResult:
    """Participatieladder: one item; the score and the overall figure are the rung (1-6)."""
    scale_items = [item for item in spec.items if item.is_scale]
    if len(scale_items) != 1:
        raise ValueError(f"rung needs exactly one scale item, not {len(scale_items)}")
    means = _exact_means(spec, answers)
    return _result(means, means[scale_items[0].dimension][0])


def overall_and_item_mean(spec: ScoringSpec, answers: Mapping[str, int | None]) -> ScoreResult:
    """Satisfaction: the overall mark is one item (options["overall_item"]); the other
    items are averaged per dimension. Overall figure: the mark itself."""
    overall_code = spec.options["overall_item"]
    overall_item = next(item for item in spec.items if item.code == overall_code)
    mark = answers.get(overall_code)
    overall = None if mark is None else _item_value(spec, overall_item, mark)
    return _result(_exact_means(spec, answers), overall)


RULES: dict[str, Callable[[ScoringSpec, Mapping[str, int | None]], ScoreResult]] = {
    "mean_per_dimension": mean_per_dimension,
    "construct_means": construct_means,
    "level_per_domain": level_per_domain,
    "rung": rung,
    "overall_and_item_mean": overall_and_item_mean,
}


def score(spec: ScoringSpec, answers: Mapping[str, int | None]) -> ScoreResult:
    """Score answers {item code: value or None}; answers to open questions are ignored."""
    return RULES[spec.rule](spec, answers)


def spec_from_version(version) -> ScoringSpec:
    """The scoring structure of an InstrumentVersion (prefetch its dimensions and items)."""
    dimension_codes = {dimension.pk: dimension.code for dimension in version.dimensions.all()}
    return ScoringSpec(
        rule=version.scoring_rule,
        scale_min=version.scale_min,
        scale_max=version.scale_max,
        dimensions=tuple(d.code for d in sorted(version.dimensions.all(), key=lambda d: d.order)),
        items=tuple(
            ItemSpec(
                code=item.code,
                dimension=dimension_codes.get(item.dimension_id),
                is_scale=item.is_scale,
                reversed=item.reversed,
            )
            for item in sorted(version.items.all(), key=lambda i: i.order)
        ),
        options=dict(version.scoring_options or {}),
    )
