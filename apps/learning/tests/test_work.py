"""Learning paths in the workspace: importing a file as a draft (with every problem shown
when it is wrong), exporting a version, publishing; only those who write paths."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.learning import services
from apps.learning.models import LearningPath, PathVersion
from apps.learning.tests.paths import path_data, path_file

pytestmark = pytest.mark.django_db
LIST = "/werk/leerpaden/"


def upload(content: bytes, name="pad.json"):
    return SimpleUploadedFile(name, content, "application/json")


@pytest.fixture
def leader(client):
    user = UserFactory(role=Role.TEAM_LEADER)
    client.force_login(user)
    return user


def test_an_author_imports_a_file_as_a_draft(client):
    client.force_login(UserFactory(role=Role.SOCIAL_WORKER))
    answer = client.post(LIST, {"file": upload(path_file())}, follow=True)
    assert "is geïmporteerd als concept" in answer.content.decode()
    assert PathVersion.objects.get().status == "draft"
    assert "Voorbeeld" in answer.content.decode()


def test_a_wrong_file_shows_every_problem_and_imports_nothing(client, leader):
    data = path_data()
    data["path"]["level"] = "expert"
    data["path"]["theme"] = "bestaat-niet"
    answer = client.post(LIST, {"file": upload(path_file(data))})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "Het bestand heeft 1 probleem" in page or "problemen" in page
    assert "path/level" in page
    assert not LearningPath.objects.exists()
    assert client.post(LIST, {}).status_code == 400


def test_export_and_publish(client, leader):
    version = services.path_import(actor=leader, content=path_file())
    exported = client.get(f"{LIST}versie/{version.pk}/export.json")
    assert exported["Content-Disposition"].endswith('leerpad-grip-op-post-v1.json"')
    assert json.loads(exported.content)["path"] == path_data()["path"]
    client.post(f"{LIST}versie/{version.pk}/publiceren/")
    version.refresh_from_db()
    assert version.status == "published"
    again = client.post(f"{LIST}versie/{version.pk}/publiceren/", follow=True)
    assert "Alleen een concept kan gepubliceerd worden." in again.content.decode()


def test_a_social_worker_writes_but_does_not_publish(client):
    author = UserFactory(role=Role.SOCIAL_WORKER)
    version = services.path_import(actor=author, content=path_file())
    client.force_login(author)
    assert "Publiceren" not in client.get(LIST).content.decode()
    assert client.post(f"{LIST}versie/{version.pk}/publiceren/").status_code == 403
    version.refresh_from_db()
    assert version.status == "draft"


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.VOLUNTEER, Role.MANAGER])
def test_others_have_no_learning_path_workspace(client, role):
    version = services.path_import(actor=UserFactory(role=Role.TEAM_LEADER), content=path_file())
    client.force_login(UserFactory(role=role))
    assert client.get(LIST).status_code == 403
    assert client.post(LIST, {"file": upload(path_file())}).status_code == 403
    assert client.get(f"{LIST}versie/{version.pk}/export.json").status_code == 403
    assert client.post(f"{LIST}versie/{version.pk}/publiceren/").status_code == 403
    assert PathVersion.objects.count() == 1


def test_the_list_reads_the_same_for_more_paths(client, leader):
    for slug in ("pad-een", "pad-twee"):
        services.path_import(actor=leader, content=path_file(path_data(slug)))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(LIST)  # the first page after logging in reads the login's own rows
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for slug in ("pad-drie", "pad-vier", "pad-vijf"):
        services.path_import(actor=leader, content=path_file(path_data(slug)))
    with CaptureQueriesContext(connection) as more:
        client.get(LIST)
    assert len(few) == len(more)
