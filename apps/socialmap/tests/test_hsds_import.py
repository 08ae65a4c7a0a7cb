"""Importing an Open Referral (HSDS) file: matched by id, idempotent, each service whole or
not at all, and a report of every service that was refused and why."""

import copy
import json

import pytest
from django.core.exceptions import PermissionDenied

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.socialmap import hsds, services
from apps.socialmap.models import (
    Contact,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    TargetGroup,
)
from apps.socialmap.tests.factories import a_full_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(role=Role.FUNCTIONAL_ADMIN)


def exported() -> list[dict]:
    return [hsds.service_document(service) for service in hsds.services_for_export()]


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Service, Organization, Location, Contact, Phone, Schedule)
    }


def import_documents(documents, actor):
    return services.hsds_import(content=json.dumps(documents), actor=actor)


class TestRoundTrip:
    def test_an_export_imported_into_an_empty_map_gives_the_same_map(self, admin):
        for _ in range(3):
            a_full_service()
        before, numbers = exported(), counts()
        for model in (Service, Location, Contact, Organization, TargetGroup):
            model.objects.all().delete()
        assert Service.objects.count() == 0

        report = import_documents(before, admin)
        assert (report.added, report.updated, report.rejected) == (3, 0, [])
        assert exported() == before
        assert counts() == numbers

    def test_importing_the_same_file_again_changes_nothing(self, admin):
        a_full_service()
        documents = exported()
        report = import_documents(documents, admin)
        assert (report.added, report.updated, report.unchanged) == (0, 0, 1)
        assert exported() == documents

    def test_a_changed_service_is_brought_up_to_date(self, admin):
        a_full_service()
        [document] = exported()
        changed = copy.deepcopy(document)
        changed["name"] = "Formulierenhulp Centrum"
        changed["phones"] = []  # the service's own phone is gone
        changed["schedules"][0]["closes_at"] = "13:00"
        report = import_documents([changed], admin)
        assert (report.added, report.updated) == (0, 1)
        service = Service.objects.get(pk=document["id"])
        assert service.name == "Formulierenhulp Centrum"
        assert not service.phones.exists()
        assert service.schedules.get().closes_at.strftime("%H:%M") == "13:00"

    def test_a_file_from_elsewhere_without_our_additions(self, admin):
        a_full_service()
        [document] = exported()
        Service.objects.all().delete()
        for ours in ("summary", "owner_contact_id"):
            document.pop(ours)
        document["attributes"] = [
            {
                "id": hsds.link_id("x"),
                "taxonomy_term": {
                    "id": hsds.link_id("term"),
                    "taxonomy": "other",
                    "code": "x",
                    "name": "X",
                    "description": "Een term van een ander",
                },
            }
        ]
        report = import_documents([document], admin)
        assert report.added == 1, report.rejected
        service = Service.objects.get(pk=document["id"])
        assert service.summary == "Een vrijwilliger kijkt met je mee."
        assert not service.themes.exists()


class TestRefusedWhole:
    @pytest.mark.parametrize(
        ("content", "message"),
        [
            ("{not json", "Het bestand is geen JSON"),
            ('{"services": []}', "geen lijst met aanbod"),
            ('"a string"', "geen lijst met aanbod"),
        ],
    )
    def test_a_file_that_is_no_hsds_list(self, admin, content, message):
        a_full_service()
        numbers = counts()
        with pytest.raises(services.ImportRefused, match=message):
            services.hsds_import(content=content, actor=admin)
        assert counts() == numbers

    def test_two_services_with_one_id(self, admin):
        a_full_service()
        [document] = exported()
        Service.objects.all().delete()
        twin = {**document, "name": "Tweeling"}
        with pytest.raises(services.ImportRefused, match=document["id"]):
            import_documents([document, twin], admin)
        assert not Service.objects.exists()

    def test_only_a_functional_administrator_imports(self):
        for role in (Role.SOCIAL_WORKER, Role.MANAGER, Role.RESIDENT):
            with pytest.raises(PermissionDenied):
                services.hsds_import(content="[]", actor=UserFactory(role=role))


def theme_term(document) -> dict:
    return next(
        attribute["taxonomy_term"]
        for attribute in document["attributes"]
        if attribute["taxonomy_term"]["taxonomy"] == hsds.THEME_TAXONOMY
    )


class TestRejectedServices:
    @pytest.fixture
    def documents(self):
        a_full_service()
        a_full_service()
        documents = exported()
        Service.objects.all().delete()
        Location.objects.all().delete()
        return documents

    def bad(self, documents, change) -> list[dict]:
        broken = copy.deepcopy(documents[1])
        change(broken)
        return [documents[0], broken]

    @pytest.mark.parametrize(
        ("change", "reason"),
        [
            (lambda d: d.pop("name"), "'name' is a required property"),
            (lambda d: d.update(status="open"), "status"),
            (lambda d: d.update(id="not-a-uuid"), "uuid"),
            (lambda d: d.update(minimum_age=-3), "minimum_age"),
            (
                lambda d: d["service_at_locations"][0]["location"]["addresses"][0].update(
                    postal_code="99999"
                ),
                "postal_code",
            ),
            (lambda d: d["schedules"][0].update(byday="MO,XX"), "geen dagen van de week"),
            (lambda d: d["schedules"][0].update(opens_at="17:00"), "opening moet voor de sluiting"),
            (lambda d: d["schedules"][0].update(opens_at="9 uur"), "is geen tijd"),
            (lambda d: d["service_areas"][0].update(uri="urn:cbs:GM9999"), "service_areas"),
            (lambda d: theme_term(d).update(code="astrologie"), "geen van onze thema's"),
            (lambda d: d.update(owner_contact_id=hsds.link_id("nobody")), "owner_contact_id"),
            (lambda d: d.update(assured_date="gisteren"), "assured_date"),
        ],
    )
    def test_a_service_that_does_not_fit_is_reported_and_the_rest_imported(
        self, admin, documents, change, reason
    ):
        report = import_documents(self.bad(documents, change), admin)
        assert report.added == 1
        [rejected] = report.rejected
        assert rejected.position == 2
        assert any(reason in text for text in rejected.reasons), rejected.reasons
        # Nothing of the refused service is on the map, not even half.
        assert Service.objects.count() == 1
        assert Location.objects.count() == 1
        assert not Schedule.objects.filter(service_id=documents[1]["id"]).exists()

    def test_something_that_is_no_service(self, admin, documents):
        report = import_documents([documents[0], "een dienst"], admin)
        assert report.added == 1
        assert report.rejected[0].reasons == [
            "Dit is geen aanbod (we verwachtten een JSON-object)."
        ]


class TestSharedRecords:
    """A provider and a place shared by services are written once per import; a refused
    service takes back what it wrote, also for the services after it."""

    @pytest.fixture
    def shared(self):
        first = a_full_service(name="Eerste")
        second = a_full_service(name="Tweede", organization=first.organization)
        second.service_at_locations.update(location=first.service_at_locations.get().location)
        Location.objects.exclude(pk=first.service_at_locations.get().location_id).delete()
        documents = sorted(exported(), key=lambda document: document["name"])
        Service.objects.all().delete()
        Location.objects.all().delete()
        Contact.objects.all().delete()
        Organization.objects.all().delete()
        TargetGroup.objects.all().delete()
        return documents

    def test_both_share_one_provider_and_one_place(self, admin, shared):
        report = import_documents(shared, admin)
        assert (report.added, report.rejected) == (2, [])
        assert Organization.objects.count() == 1
        assert Location.objects.count() == 1
        assert exported() == sorted(shared, key=lambda document: document["id"])

    def test_a_refused_first_service_leaves_the_second_whole(self, admin, shared):
        theme_term(shared[0]).update(code="astrologie")
        report = import_documents(shared, admin)
        assert report.added == 1
        assert [rejected.position for rejected in report.rejected] == [1]
        [service] = Service.objects.all()
        assert service.name == "Tweede"
        assert service.organization.name == shared[1]["organization"]["name"]
        assert service.target_groups.count() == 1
        assert exported() == [shared[1]]


def test_a_service_the_database_refuses_in_a_batch_is_found_and_the_rest_imported(admin):
    """Two languages with one code fit the schema and our checks, but not the database: the
    batch is imported again one service at a time, and only that service is refused."""
    for _ in range(3):
        a_full_service()
    documents = exported()
    Service.objects.all().delete()
    Location.objects.all().delete()
    broken = documents[1]
    broken["languages"].append({**broken["languages"][0], "id": hsds.link_id("double")})
    report = import_documents(documents, admin)
    assert report.added == 2
    assert [rejected.position for rejected in report.rejected] == [2]
    assert not Service.objects.filter(pk=broken["id"]).exists()
    assert Service.objects.count() == 2
