"""Demo data of the what-if calculator: cost items (the events are real kinds of events,
the amounts are not; each says so in its source, so no one mistakes them for figures),
and for some closed dossiers what support likely prevented."""

from datetime import date
from decimal import Decimal

from apps.core.demo import DemoRun, demo_step
from apps.dossiers.models import Dossier
from apps.reports.models import CostItem, PreventedEvent

DEMO_SOURCE = "Demobedrag: geen echte bron. Vervang het door een bedrag met bron."
# (code, Dutch name, English name, demo amount in euros)
DEMO_COST_ITEMS = (
    ("eviction", "Huisuitzetting", "Eviction", "8000"),
    ("debt-restructuring", "Wettelijke schuldsanering", "Statutory debt restructuring", "4000"),
    ("youth-care-placement", "Uithuisplaatsing van een kind", "Youth-care placement", "60000"),
    ("hospital-admission", "Ziekenhuisopname", "Hospital admission", "3500"),
    ("crisis-shelter", "Verblijf in de crisisopvang", "Stay in a crisis shelter", "5000"),
)


@demo_step("cost_items")
def seed_cost_items(run: DemoRun) -> list[CostItem]:
    return [
        CostItem.objects.update_or_create(
            code=code,
            valid_from=date(2024, 1, 1),
            defaults={
                "name_nl": name_nl,
                "name_en": name_en,
                "amount": Decimal(amount),
                "source": DEMO_SOURCE,
            },
        )[0]
        for code, name_nl, name_en, amount in DEMO_COST_ITEMS
    ]


# Per closed demo dossier: how often support is recorded as having prevented something,
# and the weights of the likelihoods.
SHARE_WITH_RECORD = 0.6
LIKELIHOOD_WEIGHTS = {"possible": 3, "likely": 4, "very_likely": 2}


@demo_step("prevented_events", after=("cost_items", "dossiers"))
def seed_prevented_events(run: DemoRun) -> int:
    """Some closed dossiers with what support likely prevented, so the municipality's
    report has a what-if chapter to show. Bulk insert: the large set has many."""
    items = {item.code: item for item in CostItem.objects.filter(valid_from=date(2024, 1, 1))}
    codes = sorted(items)
    closed = (
        Dossier.objects.filter(status=Dossier.Status.CLOSED, ended_on__gte=date(2024, 1, 1))
        .exclude(pk__in=PreventedEvent.objects.values("dossier_id"))
        .values_list(
            "pk", "ended_on", "client__neighbourhood__municipality_id", "team__municipality_id"
        )
        .order_by("pk")
    )
    events = []
    likelihoods, weights = zip(*LIKELIHOOD_WEIGHTS.items(), strict=True)
    for pk, ended_on, home, team_home in closed.iterator(chunk_size=5000):
        if run.rng.random() >= SHARE_WITH_RECORD:
            continue
        for code in run.rng.sample(codes, k=run.rng.choice((1, 1, 2))):
            events.append(
                PreventedEvent(
                    dossier_id=pk,
                    municipality_id=home or team_home,
                    closed_on=ended_on,
                    cost_item=items[code],
                    likelihood=run.rng.choices(likelihoods, weights)[0],
                    with_client=run.rng.random() < 0.7,
                )
            )
    PreventedEvent.objects.bulk_create(events, batch_size=5000)
    return len(events)
