"""Demo cost items for the what-if calculator: the events are real kinds of events, the
amounts are not. Each says so in its source, so no one mistakes them for figures."""

from datetime import date
from decimal import Decimal

from apps.core.demo import DemoRun, demo_step
from apps.reports.models import CostItem

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
