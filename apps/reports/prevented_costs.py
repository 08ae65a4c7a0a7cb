"""The what-if effect calculator: the costly events that support likely prevented, added up
per municipality and period as a range.

The method, in the words the report uses: for a closed dossier the worker, with the client
where possible, marks which events (an eviction, a debt restructuring, …) the support
likely prevented and how likely: possible (10 to 40 in 100), likely (40 to 70) or very
likely (70 to 90). Each event counts with the amount of its cost item on the day the
dossier closed, times the low and the high end of that chance. The sum is a range of
costs that society likely did not have; it is an estimate by the people involved, not a
measured saving, and there is no comparison with clients without support.

Disclosure: an event shows only when it was recorded for at least the threshold of
dossiers; rarer events are added up as "other events" when together they reach it, and
left out otherwise; nothing shows below the threshold of dossiers in all.
"""

import math
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from apps.core.languages import in_active_language
from apps.reports.disclosure import Rules
from apps.reports.filters import months_back
from apps.reports.models import PreventedEvent

# Sums are shown in whole thousands of euros: the amounts are averages, not invoices.
ROUND_TO = 1000


@dataclass
class EventSum:
    name: str
    # The dossiers it was recorded for (once per dossier at most).
    dossiers: int
    low: float
    high: float


@dataclass
class PreventedSums:
    """What the report shows: each event with enough dossiers, the rarer ones together,
    the total range, and how many dossiers it rests on."""

    events: list[EventSum] = field(default_factory=list)
    dossiers: int = 0
    shown: bool = False

    @property
    def low(self) -> float:
        return sum(event.low for event in self.events)

    @property
    def high(self) -> float:
        return sum(event.high for event in self.events)


def rounded_euros(amount: float, up: bool = False) -> int:
    """Down for the low end and up for the high end: the range only widens."""
    step = (math.ceil if up else math.floor)(amount / ROUND_TO)
    return int(step * ROUND_TO)


def prevented_sums(municipality_id: int, start: date, end: date, rules: Rules) -> PreventedSums:
    """The events recorded for dossiers of the municipality closed from the first day of
    `start` to the last day of `end`, protected by the rules: three queries at most."""
    events = PreventedEvent.objects.filter(
        municipality_id=municipality_id,
        closed_on__gte=start,
        closed_on__lt=months_back(end, -1),
    )
    dossiers = events.values("dossier_id").distinct().count()
    result = PreventedSums(dossiers=rules.rounded(dossiers), shown=dossiers >= rules.threshold)
    if not result.shown:
        return result
    per_item = {}
    for row in (
        events.values("cost_item__code", "cost_item__name_nl", "cost_item__name_en", "likelihood")
        .annotate(n=Count("pk"), total=Sum("cost_item__amount"))
        .order_by("cost_item__code", "likelihood")
    ):
        name = in_active_language(row["cost_item__name_nl"], row["cost_item__name_en"])
        item = per_item.setdefault(row["cost_item__code"], EventSum(name, 0, 0.0, 0.0))
        low, high = PreventedEvent.CHANCES[row["likelihood"]]
        item.dossiers += row["n"]
        item.low += float(row["total"]) * low
        item.high += float(row["total"]) * high
    other = EventSum(
        _("Other events, each recorded fewer than %(threshold)s times")
        % {"threshold": rules.threshold},
        0,
        0.0,
        0.0,
    )
    rare = []
    for code, item in sorted(per_item.items(), key=lambda pair: (-pair[1].high, pair[1].name)):
        if item.dossiers >= rules.threshold:
            result.events.append(item)
        else:
            rare.append(code)
            other.low += item.low
            other.high += item.high
    if rare:
        # One dossier may have several rare events: the group counts its dossiers.
        other.dossiers = (
            events.filter(cost_item__code__in=rare).values("dossier_id").distinct().count()
        )
        if other.dossiers >= rules.threshold:
            result.events.append(other)
    for event in result.events:
        event.dossiers = rules.rounded(event.dossiers)
    return result
