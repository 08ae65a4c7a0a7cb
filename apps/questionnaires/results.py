"""A scored self-scan as the result page and its PDF show it.

`ScanResultView` holds plain values only (names already in the active language), so the
web view, the PDF and a test can all build and read it without touching the database.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext

from apps.questionnaires.models import InstrumentVersion
from apps.questionnaires.scoring import DimensionResult, ScoreResult
from apps.questionnaires.spiderweb import SpiderChart, spider_chart


@dataclass(frozen=True)
class DimensionRow:
    code: str
    name: str
    score: Decimal | None  # None when none of its questions was answered
    answered: int
    item_count: int


@dataclass(frozen=True)
class ScanResultView:
    instrument_name: str
    version_number: int
    # None for an anonymous result that was not saved.
    completed_at: datetime | None
    dimensions: tuple[DimensionRow, ...]
    overall: Decimal | None
    scale_min: int
    scale_max: int
    # Short sentences in plain language about what the result means.
    reading: tuple[str, ...] = ()
    # Titles of things that may help, such as a learning path or an activity.
    suggestions: tuple[str, ...] = ()

    @property
    def is_saved(self) -> bool:
        return self.completed_at is not None

    def chart(self) -> SpiderChart:
        return spider_chart(
            title=self.instrument_name,
            axes=[(row.code, row.name) for row in self.dimensions],
            series=[(gettext("Your result"), {row.code: row.score for row in self.dimensions})],
            scale_min=self.scale_min,
            scale_max=self.scale_max,
        )


def result_view_from_scores(
    *,
    version,
    scores: ScoreResult,
    completed_at: datetime | None = None,
    reading: Iterable[str] = (),
    suggestions: Iterable[str] = (),
) -> ScanResultView:
    """The result of `scores` on an InstrumentVersion. Fetch the version with
    `InstrumentVersion.objects.with_structure()`: this reads its dimensions and items."""
    scale_items: dict[int, int] = {}
    for item in version.items.all():
        if item.is_scale:
            scale_items[item.dimension_id] = scale_items.get(item.dimension_id, 0) + 1
    rows = []
    for dimension in sorted(version.dimensions.all(), key=lambda d: d.order):
        result = scores.dimensions.get(dimension.code)
        rows.append(
            DimensionRow(
                code=dimension.code,
                name=dimension.name,
                score=result.score if result else None,
                answered=result.answered if result else 0,
                item_count=scale_items.get(dimension.pk, 0),
            )
        )
    return ScanResultView(
        instrument_name=version.instrument.name,
        version_number=version.number,
        completed_at=completed_at,
        dimensions=tuple(rows),
        overall=scores.overall,
        scale_min=version.scale_min,
        scale_max=version.scale_max,
        reading=tuple(str(sentence) for sentence in reading),
        suggestions=tuple(str(title) for title in suggestions),
    )


# A stored measurement, as the dossier shows it ----------------------------------------


@dataclass(frozen=True)
class AnswerRow:
    question: str
    # The chosen value with its description ("3. Stable ..."), or the open answer.
    answer: str
    answered: bool


@dataclass(frozen=True)
class MeasurementResult:
    response: object
    view: ScanResultView
    chart: SpiderChart | None  # None for fewer than three parts, such as the ladder
    answers: tuple[AnswerRow, ...]


def stored_scores(response) -> ScoreResult:
    """The scores stored when the response was completed (`Response.with_scores()` reads
    them in the same query as the others)."""
    return ScoreResult(
        dimensions={
            score.dimension.code: DimensionResult(score.score, score.answered)
            for score in response.dimension_scores.all()
        },
        overall=response.overall_score,
    )


def _chart(version, series, title) -> SpiderChart | None:
    dimensions = list(version.dimensions.all())
    if len(dimensions) < 3:
        return None
    return spider_chart(
        title=title,
        axes=[(dimension.code, dimension.name) for dimension in dimensions],
        series=series,
        scale_min=version.scale_min,
        scale_max=version.scale_max,
    )


def _answer_rows(version, response) -> tuple[AnswerRow, ...]:
    answers = {answer.item_id: answer for answer in response.answers.all()}
    rows = []
    for item in version.items.all():
        answer = answers.get(item.pk)
        if answer is None:
            rows.append(AnswerRow(item.text, gettext("Not answered"), answered=False))
        elif item.is_scale:
            label = item.label_for(answer.value)
            text = f"{answer.value}. {label}" if label else str(answer.value)
            rows.append(AnswerRow(item.text, text, answered=True))
        else:
            rows.append(AnswerRow(item.text, answer.text, answered=True))
    return tuple(rows)


def _date(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y")


def measurement_result(response) -> MeasurementResult:
    """A completed response with its stored scores, its chart and every answer."""
    version = InstrumentVersion.objects.with_structure().get(pk=response.version_id)
    scores = stored_scores(response)
    view = result_view_from_scores(
        version=version, scores=scores, completed_at=response.completed_at
    )
    values = {code: result.score for code, result in scores.dimensions.items()}
    chart = _chart(version, [(_date(response.completed_at), values)], version.instrument.name)
    return MeasurementResult(
        response=response, view=view, chart=chart, answers=_answer_rows(version, response)
    )


@dataclass(frozen=True)
class ChangeRow:
    name: str
    first: Decimal | None
    second: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        if self.first is None or self.second is None:
            return None
        return self.second - self.first


@dataclass(frozen=True)
class Comparison:
    first: object
    second: object
    chart: SpiderChart | None
    rows: tuple[ChangeRow, ...]
    scale_min: int
    scale_max: int


def measurements_compared(first, second) -> Comparison:
    """Two completed measurements of one instrument, older first. The parts are those of
    the newer one's version; a part the older version did not have shows as not answered."""
    version = InstrumentVersion.objects.with_structure().get(pk=second.version_id)
    first_scores = stored_scores(first).dimensions
    second_scores = stored_scores(second).dimensions

    def score(scores, code):
        result = scores.get(code)
        return result.score if result else None

    rows = tuple(
        ChangeRow(
            dimension.name,
            score(first_scores, dimension.code),
            score(second_scores, dimension.code),
        )
        for dimension in version.dimensions.all()
    )
    codes = [dimension.code for dimension in version.dimensions.all()]
    # The newer measurement is the filled shape, the older the dashed one.
    chart = _chart(
        version,
        [
            (_date(second.completed_at), {code: score(second_scores, code) for code in codes}),
            (_date(first.completed_at), {code: score(first_scores, code) for code in codes}),
        ],
        version.instrument.name,
    )
    return Comparison(
        first=first,
        second=second,
        chart=chart,
        rows=rows,
        scale_min=version.scale_min,
        scale_max=version.scale_max,
    )
