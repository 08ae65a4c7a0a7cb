"""Every exported service is a valid HSDS 3.1 service, with all the map holds of it and
nothing that is for staff only."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from apps.socialmap import hsds
from apps.socialmap.tests.factories import ServiceFactory, a_full_service

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(
    (Path(hsds.__file__).parent / "hsds_schema" / "service.json").read_text(encoding="utf-8")
)
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=FormatChecker())


def assert_valid(document):
    errors = sorted(VALIDATOR.iter_errors(document), key=lambda error: list(error.path))
    assert not errors, [f"{list(error.path)}: {error.message}" for error in errors]


def test_a_full_service_is_a_valid_hsds_service():
    service = a_full_service()
    [document] = [hsds.service_document(found) for found in hsds.services_for_export()]
    assert_valid(document)
    assert document["id"] == str(service.id)
    assert document["organization"]["name"] == service.organization.name
    assert document["assured_date"] == "2026-11-02"
    assert document["minimum_age"] == 18
    assert {language["code"] for language in document["languages"]} == {"nl", "ar"}
    [place] = document["service_at_locations"]
    assert place["location"]["addresses"][0]["postal_code"] == "3811 AB"
    assert place["location"]["latitude"] == pytest.approx(52.1561)
    assert place["schedules"][0]["byday"] == "TH"
    assert document["schedules"][0]["opens_at"] == "09:00"
    assert document["cost_options"][0]["amount"] == 5.0
    assert document["owner_contact_id"] == str(service.owner_id)
    taxonomies = {attribute["taxonomy_term"]["taxonomy"] for attribute in document["attributes"]}
    assert taxonomies == {hsds.THEME_TAXONOMY, hsds.TARGET_GROUP_TAXONOMY}
    assert [area["uri"] for area in document["service_areas"]] == sorted(
        area["uri"] for area in document["service_areas"]
    )


def test_staff_notes_never_leave_the_organisation():
    a_full_service()
    text = json.dumps([hsds.service_document(found) for found in hsds.services_for_export()])
    assert "geen vrijwilligers" not in text
    assert "coördinator" not in text


def test_a_bare_service_is_valid_too():
    ServiceFactory(description="", assured_date=None, assurer_email="")
    [document] = [hsds.service_document(found) for found in hsds.services_for_export()]
    assert_valid(document)
    assert "assured_date" not in document


def test_the_same_map_gives_the_same_ids_every_time():
    a_full_service()
    first = [hsds.service_document(found) for found in hsds.services_for_export()]
    second = [hsds.service_document(found) for found in hsds.services_for_export()]
    assert first == second


def test_the_query_count_does_not_grow_with_the_services(django_assert_max_num_queries):
    a_full_service()
    with django_assert_max_num_queries(20) as few:
        [hsds.service_document(found) for found in hsds.services_for_export()]
    for _ in range(3):
        a_full_service()
    with django_assert_max_num_queries(len(few.captured_queries)):
        documents = [hsds.service_document(found) for found in hsds.services_for_export()]
    assert len(documents) == 4
