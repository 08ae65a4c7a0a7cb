"""The what-if calculator's cost items: the amount that holds on a day, amounts that can
never be negative, and who keeps the list."""

import random
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.core.demo import DemoRun
from apps.reports.demo import DEMO_COST_ITEMS, DEMO_SOURCE, seed_cost_items
from apps.reports.models import CostItem

pytestmark = pytest.mark.django_db

ADD = "/beheer/reports/costitem/add/"


def item(code="eviction", amount="6000", valid_from=date(2025, 1, 1), **fields):
    return CostItem.objects.create(
        code=code,
        name_nl=fields.pop("name_nl", "Huisuitzetting"),
        name_en=fields.pop("name_en", "Eviction"),
        amount=Decimal(amount),
        source=fields.pop("source", "Demo amount"),
        valid_from=valid_from,
        **fields,
    )


def test_the_amount_that_holds_on_a_day_is_the_latest_that_started_by_then():
    old = item(amount="6000", valid_from=date(2024, 1, 1))
    new = item(amount="7500", valid_from=date(2026, 1, 1))
    debts = item(code="debt-restructuring", amount="3000", valid_from=date(2025, 6, 1))

    assert set(CostItem.objects.valid_on(date(2024, 6, 1))) == {old}
    assert set(CostItem.objects.valid_on(date(2025, 12, 31))) == {old, debts}
    assert set(CostItem.objects.valid_on(date(2026, 1, 1))) == {new, debts}
    assert set(CostItem.objects.valid_on(date(2023, 12, 31))) == set()


def test_a_negative_amount_is_refused_by_the_form_rules_and_by_the_database():
    negative = CostItem(
        code="eviction",
        name_nl="Huisuitzetting",
        name_en="Eviction",
        amount=Decimal("-1"),
        source="Demo amount",
        valid_from=date(2026, 1, 1),
    )
    with pytest.raises(ValidationError) as refused:
        negative.full_clean()
    assert "amount" in refused.value.message_dict

    with pytest.raises(IntegrityError), transaction.atomic():
        negative.save()
    assert not CostItem.objects.exists()


def test_one_event_has_one_amount_per_start_date():
    item(valid_from=date(2026, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        item(amount="9000", valid_from=date(2026, 1, 1))


def _form(**changes):
    return {
        "code": "eviction",
        "name_nl": "Huisuitzetting",
        "name_en": "Eviction",
        "amount": "6500.00",
        "source": "Demo amount",
        "valid_from": "2026-01-01",
    } | changes


def test_the_functional_administrator_adds_an_amount_and_the_log_says_so(client):
    admin = UserFactory(role=Role.FUNCTIONAL_ADMIN)
    client.force_login(admin)

    response = client.post(ADD, _form())

    assert response.status_code == 302
    added = CostItem.objects.get()
    assert added.amount == Decimal("6500.00")
    assert AccessLogEntry.objects.filter(
        actor_user_id=admin.pk,
        action=AccessLogEntry.Action.CREATE,
        object_type="reports.costitem",
        object_id=str(added.pk),
    ).exists()


def test_a_negative_amount_in_the_admin_gets_a_message_and_saves_nothing(client):
    client.force_login(UserFactory(role=Role.FUNCTIONAL_ADMIN))

    response = client.post(ADD, _form(amount="-250"))

    assert response.status_code == 200
    assert "amount" in response.context["adminform"].form.errors
    assert not CostItem.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.MANAGER, Role.SOCIAL_WORKER, Role.TEAM_LEADER, Role.MUNICIPALITY_VIEWER]
)
def test_nobody_else_changes_the_list(client, role):
    client.force_login(UserFactory(role=role))

    response = client.post(ADD, _form())

    assert response.status_code == 403
    assert not CostItem.objects.exists()


def test_the_demo_list_says_its_amounts_are_not_real_and_can_be_seeded_twice():
    run = DemoRun(size="small", rng=random.Random(1), faker=None)
    seed_cost_items(run)
    seed_cost_items(run)

    items = list(CostItem.objects.valid_on(date(2026, 1, 1)))
    assert len(items) == len(DEMO_COST_ITEMS) == CostItem.objects.count()
    assert {item.source for item in items} == {DEMO_SOURCE}
    assert "geen echte bron" in DEMO_SOURCE
