"""Small crafted data for the statistics tests, and ways to read the figures back."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Max

from apps.dossiers.models import ContactMoment
from apps.effects.models import Figure, Level, StatisticsRun
from apps.effects.services import statistics_update
from apps.organisation.models import Neighbourhood
from apps.organisation.tests.factories import NeighbourhoodFactory
from apps.questionnaires.models import DimensionScore, InstrumentVersion, Response

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

FIGURE_FIELDS = (
    "level",
    "month",
    "team_id",
    "municipality_id",
    "district_id",
    "neighbourhood_id",
    "theme_id",
    "measure",
    "key",
    "n",
    "total",
    "total_sq",
    "base_total",
    "base_total_sq",
    "above",
    "below",
)


PLACE_FIELDS = ("team", "municipality", "district", "neighbourhood")


def local(year, month, day, hour=12, minute=0) -> datetime:
    """A moment on the clock of the Netherlands."""
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


def wijk(municipality) -> Neighbourhood:
    return NeighbourhoodFactory(municipality=municipality, kind=Neighbourhood.Kind.DISTRICT)


def buurt(district: Neighbourhood) -> Neighbourhood:
    return NeighbourhoodFactory(
        municipality=district.municipality,
        district=district,
        kind=Neighbourhood.Kind.NEIGHBOURHOOD,
        cbs_code=f"BU{district.pk:04d}{Neighbourhood.objects.count():04d}",
    )


def contact(dossier, when, mode=ContactMoment.Mode.PHONE, minutes=30) -> ContactMoment:
    return ContactMoment.objects.create(
        dossier=dossier, occurred_at=when, mode=mode, duration_minutes=minutes
    )


def current_version(code) -> InstrumentVersion:
    return InstrumentVersion.objects.get(instrument__code=code, is_current=True)


def completed_response(
    code,
    when,
    *,
    dossier=None,
    client=None,
    mode=Response.Mode.SELF,
    moment=Response.Moment.NONE,
    overall=None,
    dimensions=None,
) -> Response:
    """A completed response of the instrument's current version with the given scores
    ({dimension code: score}), as the scoring would have stored them."""
    version = current_version(code)
    response = Response.objects.create(
        version=version,
        dossier=dossier,
        client=client or (dossier.client if dossier else None),
        mode=mode,
        moment=moment,
        status=Response.Status.COMPLETED,
        started_at=when,
        completed_at=when,
        overall_score=None if overall is None else Decimal(str(overall)),
    )
    for dimension_code, score in (dimensions or {}).items():
        DimensionScore.objects.create(
            response=response,
            dimension=version.dimensions.get(code=dimension_code),
            score=Decimal(str(score)),
            answered=1,
        )
    return response


def compute(*, full=True) -> StatisticsRun:
    run = statistics_update(full=full)
    assert run.status == StatisticsRun.Status.SUCCEEDED, run.error
    return run


def figure(measure, level, month: date, *, key="", theme=None, **geography):
    """(n, total, total_sq) of the one figure with exactly this place (team=…,
    municipality=…, district=…, neighbourhood=…; left out means empty), or None."""
    place = {name: geography.pop(name, None) for name in PLACE_FIELDS}
    assert not geography, f"not a place: {geography}"
    rows = list(
        Figure.objects.filter(
            measure=measure, level=level, month=month, key=key, theme=theme, **place
        ).values_list("n", "total", "total_sq")
    )
    assert len(rows) <= 1, rows
    return rows[0] if rows else None


def org(measure, month: date, *, key="", theme=None):
    return figure(measure, Level.ORGANISATION, month, key=key, theme=theme)


def org_margins(measure, month: date, *, key="", theme=None):
    """(base_total, base_total_sq, above, below) of the organisation's figure, or None."""
    rows = list(
        Figure.objects.filter(
            measure=measure,
            level=Level.ORGANISATION,
            month=month,
            key=key,
            theme=theme,
            team=None,
            municipality=None,
            district=None,
            neighbourhood=None,
        ).values_list("base_total", "base_total_sq", "above", "below")
    )
    assert len(rows) <= 1, rows
    return rows[0] if rows else None


def snapshot() -> list[tuple]:
    """Every figure as a tuple, floats to 6 decimals, in a stable order."""
    rows = [
        tuple(round(value, 6) if isinstance(value, float) else value for value in row)
        for row in Figure.objects.values_list(*FIGURE_FIELDS)
    ]
    return sorted(rows, key=repr)


def journal_top() -> int:
    from apps.effects.models import StaleMonth

    return StaleMonth.objects.aggregate(top=Max("id"))["top"] or 0
