import csv
import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.socialmap import hsds_tables
from apps.socialmap.models import Location, Organization, Service
from apps.socialmap.tests.factories import a_full_service

pytestmark = pytest.mark.django_db


def test_export_then_import_into_an_empty_map(tmp_path, capsys):
    admin = UserFactory(role=Role.FUNCTIONAL_ADMIN)
    service = a_full_service()
    path = tmp_path / "kaart.json"
    call_command("socialmap_export", "--output", str(path))
    assert [document["id"] for document in json.loads(path.read_text())] == [str(service.id)]
    Service.objects.all().delete()
    Location.objects.all().delete()
    Organization.objects.all().delete()
    call_command("socialmap_import", str(path), "--as", admin.email)
    assert "1 added, 0 updated, 0 unchanged, 0 refused." in capsys.readouterr().out
    assert Service.objects.get().name == service.name


def test_a_refused_file_or_person_is_an_error(tmp_path):
    path = tmp_path / "kaart.json"
    path.write_text("geen json")
    admin = UserFactory(role=Role.FUNCTIONAL_ADMIN)
    with pytest.raises(CommandError, match="geen JSON"):
        call_command("socialmap_import", str(path), "--as", admin.email)
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    path.write_text("[]")
    with pytest.raises(CommandError, match="may not change"):
        call_command("socialmap_import", str(path), "--as", worker.email)
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("socialmap_import", str(tmp_path / "weg.json"), "--as", admin.email)
    with pytest.raises(CommandError, match="No active user"):
        call_command("socialmap_import", str(path), "--as", "niemand@example.org")


def test_services_that_do_not_fit_are_listed(tmp_path, capsys):
    admin = UserFactory(role=Role.FUNCTIONAL_ADMIN)
    path = tmp_path / "kaart.json"
    path.write_text(json.dumps([{"id": "x"}]))
    with pytest.raises(CommandError, match="1 services were refused"):
        call_command("socialmap_import", str(path), "--as", admin.email)
    assert "Service 1 (x) refused" in capsys.readouterr().err


def test_the_tabular_form_holds_the_same_map(tmp_path):
    service = a_full_service()
    target = tmp_path / "kaart.zip"
    call_command("socialmap_export", "--format", "csv", "--output", str(target))
    with zipfile.ZipFile(target) as archive:
        package = json.loads(archive.read("datapackage.json"))
        tables = {
            name.removesuffix(".csv"): list(csv.DictReader(io.TextIOWrapper(archive.open(name))))
            for name in archive.namelist()
            if name.endswith(".csv")
        }
    assert {resource["name"] for resource in package["resources"]} == set(tables)
    assert {
        "services",
        "organizations",
        "locations",
        "service_at_location",
        "addresses",
        "phones",
        "schedules",
        "contacts",
        "cost_options",
        "languages",
        "accessibility",
        "service_areas",
        "attributes",
        "taxonomy_terms",
    } <= set(tables)
    [row] = tables["services"]
    assert (row["id"], row["name"], row["organization_id"]) == (
        str(service.pk),
        service.name,
        str(service.organization_id),
    )
    assert "internal_notes" not in row and "referral_instructions" not in row
    phones = {phone["number"]: phone for phone in tables["phones"]}
    assert phones["0800 1234"]["service_id"] == str(service.pk)
    assert phones["033 765 43 21"]["location_id"] == str(service.locations.get().pk)
    assert len(tables["languages"]) == 2
    # Every row once, also a provider that offers several services.
    assert len(tables["organizations"]) == 1


def test_the_tabular_form_needs_a_file(capsys):
    with pytest.raises(CommandError, match="ZIP"):
        call_command("socialmap_export", "--format", "csv")


def test_the_tabular_form_fits_the_specifications_tables(tmp_path):
    """Every file is a table of HSDS's tabular schema, every column one of its fields (or
    one of our two documented additions), every required field filled in; except the
    address's state_province, which a Dutch address does not have (README, "Social
    map"): the column is there, empty."""
    a_full_service()
    target = tmp_path / "kaart.zip"
    call_command("socialmap_export", "--format", "csv", "--output", str(target))
    resources = {
        item["items"]["path"]: item["items"] for item in hsds_tables.TABULAR_SCHEMA.values()
    }
    ours = {"services.csv": {"summary", "owner_contact_id"}}
    with zipfile.ZipFile(target) as archive:
        for name in archive.namelist():
            if name == "datapackage.json":
                continue
            assert name in resources, name
            resource = resources[name]
            rows = list(csv.DictReader(io.TextIOWrapper(archive.open(name))))
            assert rows, name
            columns = set(rows[0])
            assert columns <= set(resource["properties"]) | ours.get(name, set()), name
            for row in rows:
                for required in resource.get("required", []):
                    assert required in row, (name, required)
                    if (name, required) != ("addresses.csv", "state_province"):
                        assert row[required], (name, required)
