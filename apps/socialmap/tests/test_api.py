"""The social map's API: the public map in the HSDS format of the export, for anyone, read
only; never what only staff read, nor what residents do not find."""

import datetime

import pytest

from apps.organisation.models import Theme
from apps.socialmap.models import Service
from apps.socialmap.tests.factories import ServiceFactory, a_full_service
from apps.socialmap.tests.test_hsds_export import assert_valid

pytestmark = pytest.mark.django_db
API = "/api/v1/social-map/"


@pytest.fixture
def on_the_map():
    return {
        "full": a_full_service(name="Formulierenhulp"),
        "plain": ServiceFactory(name="Wandelgroep"),
        "stopped": ServiceFactory(name="Oude dienst", status=Service.Status.DEFUNCT),
        "hidden": ServiceFactory(name="Verborgen", hidden_since=datetime.date(2026, 12, 1)),
    }


def names(response) -> list[str]:
    return [service["name"] for service in response.json()["results"]]


def test_anyone_reads_the_services_as_hsds(client, on_the_map):
    response = client.get(f"{API}services/")
    assert response.status_code == 200
    assert sorted(names(response)) == ["Formulierenhulp", "Wandelgroep"]
    for document in response.json()["results"]:
        assert_valid(document)
    text = response.text
    assert "Niet doorverwijzen" not in text  # internal notes
    assert "Bel eerst de coördinator" not in text  # how to refer


def test_one_service_and_its_provider_and_place(client, on_the_map):
    full = on_the_map["full"]
    document = client.get(f"{API}services/{full.pk}/").json()
    assert_valid(document)
    assert document["id"] == str(full.pk)
    provider = client.get(f"{API}organizations/{full.organization_id}/").json()
    assert provider["name"] == full.organization.name
    place = full.service_at_locations.get().location
    location = client.get(f"{API}locations/{place.pk}/").json()
    assert location["addresses"][0]["postal_code"] == "3811 AB"
    assert document["service_at_locations"][0]["location"] == location


@pytest.mark.parametrize("which", ["stopped", "hidden"])
def test_what_residents_do_not_find_is_not_in_it(client, on_the_map, which):
    assert client.get(f"{API}services/{on_the_map[which].pk}/").status_code == 404


def test_filtered_by_theme(client, on_the_map):
    theme = Theme.objects.order_by("position").first()
    on_the_map["full"].themes.set([theme])
    response = client.get(f"{API}services/", {"theme": theme.code})
    assert names(response) == ["Formulierenhulp"]


@pytest.mark.parametrize("query", [{"theme": "bestaat-niet"}, {"organization": "<script>"}])
def test_a_wrong_filter_is_a_problem_document(client, on_the_map, query):
    response = client.get(f"{API}services/", query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_it_is_read_only(client, on_the_map, method):
    url = f"{API}services/{on_the_map['plain'].pk}/"
    assert getattr(client, method)(url, {}, content_type="application/json").status_code in (
        401,
        403,
        405,
    )
    assert Service.objects.filter(name="Wandelgroep").exists()


def test_the_query_count_does_not_grow_with_the_services(client, django_assert_max_num_queries):
    a_full_service()
    with django_assert_max_num_queries(25) as few:
        client.get(f"{API}services/")
    for _ in range(8):
        a_full_service()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(f"{API}services/").json()["results"]) == 9
