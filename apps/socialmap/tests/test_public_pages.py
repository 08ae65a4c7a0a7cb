"""The social map for residents: search in words and filters, a page per service, nothing
for staff only, nothing that stopped, and bad input answered with a message."""

import pytest
from django.utils.html import escape

from apps.organisation.models import Theme
from apps.socialmap.models import CostOption, Service
from apps.socialmap.tests.factories import (
    ServiceAtLocationFactory,
    ServiceFactory,
    TargetGroupFactory,
    a_full_service,
)

pytestmark = pytest.mark.django_db
URL = "/sociale-kaart/"


def found(response) -> list[str]:
    return [service["name"] for service in response.context["page"].object_list]


@pytest.fixture
def services():
    themes = list(Theme.objects.order_by("position"))
    made = {
        "forms": ServiceFactory(name="Formulierenhulp", summary="Hulp bij brieven en formulieren."),
        "walk": ServiceFactory(
            name="Wandelgroep",
            summary="Samen wandelen in het park.",
            description="Ook voor wie formulieren haat.",
        ),
        "closed": ServiceFactory(name="Oude formulierendienst", status=Service.Status.DEFUNCT),
        "paused": ServiceFactory(
            name="Taalcafé", summary="Nederlands oefenen.", status=Service.Status.TEMPORARILY_CLOSED
        ),
    }
    made["forms"].themes.add(themes[1])
    made["walk"].themes.add(themes[2])
    made["walk"].target_groups.add(TargetGroupFactory(code="ouderen", name_nl="Ouderen"))
    CostOption.objects.create(service=made["walk"], option="Per keer", amount="2.00")
    for service in made.values():
        ServiceAtLocationFactory(service=service)
    return made


def test_everything_that_runs_without_a_search(client, services):
    response = client.get(URL)
    assert response.status_code == 200
    assert found(response) == ["Formulierenhulp", "Taalcafé", "Wandelgroep"]
    assert "Tijdelijk gesloten" in response.content.decode()


def test_words_find_the_name_first(client, services):
    assert found(client.get(URL, {"q": "formulieren"})) == ["Formulierenhulp", "Wandelgroep"]
    assert found(client.get(URL, {"q": "wandelen park"})) == ["Wandelgroep"]
    response = client.get(URL, {"q": "zeilen"})
    assert found(response) == []
    assert "Niets gevonden" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"thema": "geldzaken-regelgeving"}, ["Formulierenhulp"]),
        ({"voor": "ouderen"}, ["Wandelgroep"]),
        ({"gratis": "on"}, ["Formulierenhulp", "Taalcafé"]),
    ],
)
def test_filters(client, services, query, expected):
    assert found(client.get(URL, query)) == expected


def test_a_district_finds_what_is_offered_there(client, services):
    from apps.organisation.tests.factories import NeighbourhoodFactory

    district = NeighbourhoodFactory()
    services["forms"].neighbourhoods.add(district)
    services["paused"].municipalities.add(district.municipality)
    assert found(client.get(URL, {"wijk": district.cbs_code})) == ["Formulierenhulp", "Taalcafé"]


def test_a_municipality_first_then_its_districts(client, services):
    from apps.organisation.tests.factories import NeighbourhoodFactory

    district = NeighbourhoodFactory()
    elsewhere = NeighbourhoodFactory()
    services["forms"].neighbourhoods.add(district)
    services["paused"].municipalities.add(district.municipality)
    services["walk"].neighbourhoods.add(elsewhere)
    first = client.get(URL)
    assert "wijk" not in first.context["form"].fields
    response = client.get(URL, {"gemeente": district.municipality.cbs_code})
    assert found(response) == ["Formulierenhulp", "Taalcafé"]
    choices = dict(response.context["form"].fields["wijk"].choices)
    assert district.cbs_code in choices
    assert elsewhere.cbs_code not in choices
    # A district of another municipality than the one chosen is refused and left out.
    mixed = client.get(
        URL, {"gemeente": district.municipality.cbs_code, "wijk": elsewhere.cbs_code}
    )
    assert found(mixed) == ["Formulierenhulp", "Taalcafé"]
    assert mixed.context["form"].errors["wijk"]


@pytest.mark.parametrize(
    "query",
    [
        {"thema": "astrologie"},
        {"wijk": "WK999999"},
        {"gemeente": "GM9999"},
        {"gemeente": "GM9999", "wijk": "<b>"},
        {"q": "x" * 201},
        {"q": "'; DROP TABLE socialmap_service; --"},
        {"q": "<script>alert(1)</script>"},
        {"page": "veel"},
    ],
)
def test_bad_input_gets_a_message_never_a_500(client, services, query):
    response = client.get(URL, query)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert Service.objects.count() == 4


def test_a_wrong_filter_is_reported_and_the_rest_still_searches(client, services):
    response = client.get(URL, {"thema": "astrologie", "q": "formulieren"})
    assert "Niet alle zoekvelden kloppen" in response.content.decode()
    assert found(response) == ["Formulierenhulp", "Wandelgroep"]


def test_the_service_page_shows_what_a_resident_needs_and_nothing_for_staff(client):
    service = a_full_service()
    response = client.get(f"{URL}{service.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        service.name,
        service.summary,
        "Lindelaan 12",
        "3811 AB",
        "ma, wo 09:00",
        "do 13:00",
        "Rolstoeltoegankelijk",
        "Cursus: € 5,00",
        "Arabisch",
        "2 november 2026",
        "tel:+318001234",
        "openstreetmap.org/directions",
    ):
        assert escape(text) in html or text in html, text
    assert "geen vrijwilligers" not in html
    assert "coördinator" not in html


def test_a_service_that_stopped_has_no_page(client):
    service = ServiceFactory(status=Service.Status.DEFUNCT)
    assert client.get(f"{URL}{service.pk}/").status_code == 404
    assert client.get(f"{URL}00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get(f"{URL}geen-id/").status_code == 404


@pytest.mark.parametrize("extra", [0, 25])
def test_query_counts_do_not_grow_with_the_results(client, django_assert_num_queries, extra):
    a_full_service()
    for _ in range(extra):
        a_full_service()
    client.get(URL)
    # the choices of the filters, count, the page of services (with provider), their
    # first places, their themes
    with django_assert_num_queries(5):
        client.get(URL)
    with django_assert_num_queries(5):
        client.get(URL, {"q": "formulierenhulp"})
    service = Service.objects.first()
    # service, themes, target groups, phones, costs, languages, schedules, places,
    # their accessibility, phones and schedules
    with django_assert_num_queries(11):
        client.get(f"{URL}{service.pk}/")
