"""The what-if calculator: a worker records on a closed dossier what support likely
prevented; the municipality's report adds it up as a range, never for small groups."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.dossiers.models import Dossier
from apps.dossiers.tests.factories import DossierFactory
from apps.organisation.tests.factories import (
    MunicipalityFactory,
    NeighbourhoodFactory,
    TeamFactory,
    TeamMembershipFactory,
)
from apps.reports import accountability
from apps.reports.disclosure import Rules
from apps.reports.models import CostItem, MunicipalityReport, PreventedEvent
from apps.reports.prevented_costs import prevented_sums, rounded_euros

pytestmark = pytest.mark.django_db

RULES = Rules(threshold=10, rounding_base=5)
CLOSED_ON = date(2025, 6, 12)


def _closed(team, **fields):
    return DossierFactory(
        team=team,
        status=Dossier.Status.CLOSED,
        started_on=date(2025, 1, 6),
        ended_on=CLOSED_ON,
        closing_reason=Dossier.ClosingReason.GOALS_REACHED,
        **fields,
    )


@pytest.fixture
def setting():
    municipality = MunicipalityFactory(name="Eemdal")
    team = TeamFactory(municipality=municipality)
    area = NeighbourhoodFactory(municipality=municipality)
    eviction_old = CostItem.objects.create(
        code="eviction",
        name_nl="Huisuitzetting",
        name_en="Eviction",
        amount=Decimal("8000"),
        source="Bron A",
        valid_from=date(2024, 1, 1),
    )
    CostItem.objects.create(
        code="eviction",
        name_nl="Huisuitzetting",
        name_en="Eviction",
        amount=Decimal("9500"),
        source="Bron B",
        valid_from=date(2026, 1, 1),
    )
    hospital = CostItem.objects.create(
        code="hospital-admission",
        name_nl="Ziekenhuisopname",
        name_en="Hospital admission",
        amount=Decimal("3500"),
        source="Bron C",
        valid_from=date(2024, 1, 1),
    )
    return {
        "municipality": municipality,
        "team": team,
        "area": area,
        "eviction": eviction_old,
        "hospital": hospital,
        "worker": TeamMembershipFactory(team=team, user__role=Role.SOCIAL_WORKER).user,
        "dossier": _closed(team, client__neighbourhood=area),
    }


def _url(dossier) -> str:
    return f"/werk/dossiers/{dossier.pk}/voorkomen-kosten/"


def test_a_worker_records_what_support_likely_prevented(client, setting):
    client.force_login(setting["worker"])
    dossier = setting["dossier"]
    page = client.get(_url(dossier))
    assert page.status_code == 200
    response = client.post(
        _url(dossier),
        {"item-eviction": "likely", "item-hospital-admission": "", "with_client": "on"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/werk/dossiers/{dossier.pk}/"
    event = PreventedEvent.objects.get()
    # The amount that held when the dossier closed (2025), not today's.
    assert event.cost_item == setting["eviction"]
    assert (event.likelihood, event.with_client) == ("likely", True)
    assert (event.municipality, event.closed_on) == (setting["municipality"], CLOSED_ON)
    assert AccessLogEntry.objects.filter(
        action=AccessLogEntry.Action.UPDATE, object_id=str(dossier.pk), reason__contains="prevent"
    ).exists()

    # Recording again replaces what was recorded.
    client.post(_url(dossier), {"item-hospital-admission": "very_likely"})
    assert list(PreventedEvent.objects.values_list("cost_item__code", "likelihood")) == [
        ("hospital-admission", "very_likely")
    ]
    assert client.get(_url(dossier)).context["form"].initial == {
        "item-hospital-admission": "very_likely",
        "with_client": False,
    }


def test_an_open_dossier_has_nothing_to_record_yet(client, setting):
    dossier = DossierFactory(team=setting["team"])
    client.force_login(setting["worker"])
    assert client.get(_url(dossier)).status_code == 409
    response = client.post(_url(dossier), {"item-eviction": "likely"})
    assert response.status_code == 409
    assert not PreventedEvent.objects.exists()


def test_a_bad_likelihood_is_refused_and_nothing_changes(client, setting):
    client.force_login(setting["worker"])
    response = client.post(_url(setting["dossier"]), {"item-eviction": "certain"})
    assert response.status_code == 400
    assert response.context["form"].errors["item-eviction"]
    assert not PreventedEvent.objects.exists()


def test_another_team_and_other_roles_cannot_record(client, setting):
    stranger = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
    client.force_login(stranger)
    assert client.get(_url(setting["dossier"])).status_code == 404
    for role in (Role.MANAGER, Role.MUNICIPALITY_VIEWER, Role.RESIDENT):
        client.force_login(UserFactory(role=role))
        assert client.post(_url(setting["dossier"]), {"item-eviction": "likely"}).status_code in (
            403,
            404,
        )
    assert not PreventedEvent.objects.exists()


def _events(setting, item, likelihood, count):
    for _ in range(count):
        PreventedEvent.objects.create(
            dossier=_closed(setting["team"]),
            municipality=setting["municipality"],
            closed_on=CLOSED_ON,
            cost_item=item,
            likelihood=likelihood,
        )


def test_the_sums_are_a_range_and_rare_events_are_left_out(setting):
    _events(setting, setting["eviction"], "likely", 12)
    _events(setting, setting["hospital"], "possible", 3)
    sums = prevented_sums(setting["municipality"].pk, date(2025, 1, 1), date(2025, 12, 1), RULES)
    assert sums.shown
    assert sums.dossiers == 15
    # 12 evictions of 8,000 euros, likely (40 to 70 in 100); 3 admissions are too few to
    # show, alone or as "other events".
    [eviction] = sums.events
    assert (eviction.name, eviction.dossiers) == ("Huisuitzetting", 10)
    assert (eviction.low, eviction.high) == pytest.approx((38_400, 67_200))
    assert (sums.low, sums.high) == pytest.approx((38_400, 67_200))
    assert (rounded_euros(sums.low), rounded_euros(sums.high, up=True)) == (38_000, 68_000)


def test_fewer_dossiers_than_the_threshold_show_nothing(setting):
    _events(setting, setting["eviction"], "very_likely", 9)
    sums = prevented_sums(setting["municipality"].pk, date(2025, 1, 1), date(2025, 12, 1), RULES)
    assert not sums.shown
    assert sums.events == []
    # Outside the period nothing counts.
    _events(setting, setting["eviction"], "very_likely", 5)
    assert not prevented_sums(
        setting["municipality"].pk, date(2025, 7, 1), date(2025, 12, 1), RULES
    ).shown


def test_the_sums_survive_the_removal_of_a_dossier(setting):
    _events(setting, setting["eviction"], "likely", 10)
    PreventedEvent.objects.first().dossier.delete()
    sums = prevented_sums(setting["municipality"].pk, date(2025, 1, 1), date(2025, 12, 1), RULES)
    assert sums.shown
    assert sums.events[0].dossiers == 10


def test_the_municipality_report_states_the_method_and_the_range(setting):
    _events(setting, setting["eviction"], "likely", 12)
    report = MunicipalityReport(
        municipality=setting["municipality"],
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 1),
        created_at=timezone.now(),
    )
    html = accountability.report_html(accountability.report_content(report, None))
    assert 'id="prevented"' in html
    assert "38.000" in html
    assert "68.000" in html
    report.period_start = date(2025, 7, 1)
    html = accountability.report_html(accountability.report_content(report, None))
    assert "38.000" not in html


def test_rare_events_together_count_their_dossiers_not_their_records(setting):
    # Six dossiers each with two rare events: twelve records, but six dossiers, too few.
    for _ in range(6):
        dossier = _closed(setting["team"])
        for item in (setting["eviction"], setting["hospital"]):
            PreventedEvent.objects.create(
                dossier=dossier,
                municipality=setting["municipality"],
                closed_on=CLOSED_ON,
                cost_item=item,
                likelihood="possible",
            )
    _events(setting, setting["hospital"], "likely", 5)  # eleven dossiers in all
    sums = prevented_sums(setting["municipality"].pk, date(2025, 1, 1), date(2025, 12, 1), RULES)
    assert sums.shown
    # Hospital admissions: 11 dossiers, shown; evictions: 6, alone too few to show.
    assert [(event.name, event.dossiers) for event in sums.events] == [("Ziekenhuisopname", 10)]
