"""A scored self-scan as the result page and its PDF show it.

`ScanResultView` holds plain values only (names already in the active language), so the
web view, the PDF and a test can all build and read it without touching the database.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext

from apps.questionnaires.scoring import ScoreResult
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
