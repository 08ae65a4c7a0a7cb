"""My data: a resident downloads everything of theirs the portal shows, and sees who looked
at their records; nobody else gets either."""

import json

import pytest

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.dossiers.models import Goal
from apps.dossiers.tests.factories import DossierFactory
from apps.organisation.tests.factories import TeamMembershipFactory
from apps.portal.services import message_send, thread_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    return TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user


@pytest.fixture
def resident():
    return UserFactory(role=Role.RESIDENT, first_name="Fatima")


@pytest.fixture
def dossier(resident, worker):
    dossier = DossierFactory(
        client__account=resident, team=worker.teams.get(), responsible_worker=worker
    )
    Goal.objects.create(dossier=dossier, question="Hoe krijg ik overzicht?")
    return dossier


def test_the_download_holds_the_residents_data_and_is_logged(client, resident, worker, dossier):
    thread = thread_start(actor=resident, dossier=dossier, subject="Brief", body="Hulp graag.")
    message_send(actor=worker, thread=thread, body="Ik bel je.")
    client.force_login(resident)
    download = client.get("/mijn-gegevens/download.json")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    data = json.loads(download.content)
    assert data["account"]["email"] == resident.email
    assert data["support"][0]["plan"][0]["goal"] == "Hoe krijg ik overzicht?"
    assert [message["text"] for message in data["messages"]] == ["Hulp graag.", "Ik bel je."]
    assert AccessLogEntry.objects.filter(action="export", actor_user_id=resident.pk).exists()


def test_the_resident_sees_who_looked_and_not_themselves(client, resident, worker, dossier):
    client.force_login(worker)
    client.get(f"/werk/dossiers/{dossier.pk}/")
    client.force_login(resident)
    client.get("/mijn-hulp/")  # their own read of the dossier is not listed
    page = client.get("/mijn-gegevens/")
    looks = page.context["looks"]
    assert [look.actor_email for look in looks] == [worker.email]
    assert "Sociaal werker" in page.content.decode()


def test_another_residents_looks_are_not_shown(client, resident, worker, dossier):
    client.force_login(worker)
    client.get(f"/werk/dossiers/{dossier.pk}/")
    client.force_login(UserFactory(role=Role.RESIDENT))
    assert client.get("/mijn-gegevens/").context["looks"] == []


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.MANAGER, Role.VOLUNTEER])
def test_only_residents_have_this_page(client, role):
    client.force_login(UserFactory(role=role))
    assert client.get("/mijn-gegevens/").status_code == 403
    assert client.get("/mijn-gegevens/download.json").status_code == 403


def test_anonymous_visitors_are_asked_to_log_in(client):
    assert client.get("/mijn-gegevens/download.json").url.startswith("/account/login/")
