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


def test_asking_for_erasure_reaches_the_team_once(client, resident, worker, dossier):
    from apps.dossiers.models import IntakeRequest

    client.force_login(resident)
    client.post("/mijn-gegevens/", {"erase": "yes"})
    asked = IntakeRequest.objects.get()
    assert (asked.team, asked.requested_by) == (dossier.team, resident)
    assert "verwijderen" in asked.question
    again = client.post("/mijn-gegevens/", {"erase": "yes"}, follow=True)
    assert "Je hebt dit al gevraagd" in again.content.decode()
    assert IntakeRequest.objects.count() == 1
    assert asked.reference in client.get("/mijn-hulp/").content.decode()


def test_no_e_mail_when_the_resident_chose_so(
    client, resident, worker, dossier, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(resident)
    client.post("/mijn-gegevens/", {})  # the box unticked: no e-mail
    thread = thread_start(actor=resident, dossier=dossier, subject="Brief", body="Hulp graag.")
    with django_capture_on_commit_callbacks(execute=True):
        message_send(actor=worker, thread=thread, body="Ik bel je.")
    assert resident.email not in [address for mail in mailoutbox for address in mail.to]
    client.post("/mijn-gegevens/", {"email_notifications": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        message_send(actor=worker, thread=thread, body="Nog iets.")
    assert resident.email in [address for mail in mailoutbox for address in mail.to]
