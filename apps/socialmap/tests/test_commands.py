import json

import pytest
from django.core.management import CommandError, call_command

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
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
