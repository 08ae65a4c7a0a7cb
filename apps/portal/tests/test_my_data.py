"""My data: a resident downloads everything of theirs the portal shows, and sees who looked
at their records; nobody else gets either."""

import json
from datetime import date

import pytest

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.core.tests.pdfs import pdf_text, structure_elements
from apps.dossiers.models import Client, Goal
from apps.dossiers.tests.factories import DossierFactory
from apps.organisation.tests.factories import TeamMembershipFactory
from apps.portal.services import message_send, thread_start
from apps.questionnaires.tests.factories import ResponseFactory

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
    assert data["support"][0]["started_on"] == dossier.started_on.isoformat()
    logged = AccessLogEntry.objects.get(action="export", actor_user_id=resident.pk)
    assert logged.reason.endswith("(JSON)")


def test_the_pdf_is_the_same_data_to_read_and_is_logged(client, resident, worker, dossier):
    thread = thread_start(actor=resident, dossier=dossier, subject="Brief", body="Hulp graag.")
    message_send(actor=worker, thread=thread, body="Ik bel je morgen.")
    ResponseFactory(respondent=resident, client=dossier.client)
    client.force_login(resident)
    download = client.get("/mijn-gegevens/download.pdf")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == "private, no-store"
    text = pdf_text(download.content)
    for expected in (
        "Je gegevens in Buurtkompas",
        resident.email,
        "Hoe krijg ik overzicht?",
        "Ik bel je morgen.",
        dossier.team.name,
        "Je zelfscans",
    ):
        assert expected in text
    assert any(kind == "Table" for kind, _attributes in structure_elements(download.content))
    logged = AccessLogEntry.objects.get(action="export", actor_user_id=resident.pk)
    assert logged.reason.endswith("(PDF)")


def test_a_resident_corrects_their_contact_details(client, resident, worker, dossier):
    client.force_login(resident)
    form = client.get("/mijn-gegevens/contactgegevens/")
    assert "phone" in form.context["form"].fields
    answer = client.post(
        "/mijn-gegevens/contactgegevens/",
        {
            "first_name": "Fatima",
            "last_name": "El Amrani",
            "phone": "06 12345678",
            "street": "Kortegracht",
            "house_number": "12a",
            "postcode": "3811kg",
            "city": "Amersfoort",
            "contact_preference": "portal",
        },
    )
    assert answer.url == "/mijn-gegevens/"
    record = Client.objects.get(account=resident)
    assert (record.last_name, record.postcode, record.house_number) == (
        "El Amrani",
        "3811 KG",
        "12A",
    )
    assert record.contact_preference == "portal"
    resident.refresh_from_db()
    assert resident.last_name == "El Amrani"
    change = AccessLogEntry.objects.get(action="update", actor_user_id=resident.pk)
    assert change.object_type == "dossiers.client"
    assert "postcode" in change.reason
    # The worker sees the new details in the dossier.
    client.force_login(worker)
    details = client.get(f"/werk/dossiers/{dossier.pk}/deel/gegevens/").content.decode()
    assert "Kortegracht" in details


def test_wrong_contact_details_change_nothing(client, resident, dossier):
    client.force_login(resident)
    answer = client.post(
        "/mijn-gegevens/contactgegevens/",
        {"first_name": "", "last_name": "Nieuw", "postcode": "12345", "contact_preference": "x"},
    )
    assert answer.status_code == 400
    assert set(answer.context["form"].errors) == {"first_name", "postcode", "contact_preference"}
    assert "Sommige antwoorden kloppen niet" in answer.content.decode()
    assert Client.objects.get(account=resident).last_name == dossier.client.last_name
    resident.refresh_from_db()
    assert resident.last_name != "Nieuw"


def test_without_a_client_record_only_the_name_is_changed(client, resident):
    client.force_login(resident)
    form = client.get("/mijn-gegevens/contactgegevens/").context["form"]
    assert list(form.fields) == ["first_name", "last_name"]
    client.post(
        "/mijn-gegevens/contactgegevens/",
        {"first_name": "Fatima", "last_name": "Bakker", "phone": "0612345678"},
    )
    resident.refresh_from_db()
    assert resident.last_name == "Bakker"
    assert not Client.objects.exists()


def test_the_header_takes_a_resident_to_my_data(client, resident):
    client.force_login(resident)
    assert 'href="/mijn-gegevens/">Mijn account' in client.get("/mijn-hulp/").content.decode()


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
    assert client.get("/mijn-gegevens/download.pdf").status_code == 403
    assert client.get("/mijn-gegevens/contactgegevens/").status_code == 403


def test_anonymous_visitors_are_asked_to_log_in(client):
    for path in ("download.json", "download.pdf", "contactgegevens/"):
        assert client.get(f"/mijn-gegevens/{path}").url.startswith("/account/login/")


def test_asking_for_erasure_reaches_the_team_once(client, resident, worker, dossier):
    from apps.dossiers.models import IntakeRequest

    client.force_login(resident)
    client.post("/mijn-gegevens/", {"erase": "yes"})
    asked = IntakeRequest.objects.get()
    assert (asked.team, asked.requested_by, asked.kind) == (dossier.team, resident, "erasure")
    assert "verwijderen" in asked.question
    again = client.post("/mijn-gegevens/", {"erase": "yes"}, follow=True)
    assert "Je hebt dit al gevraagd" in again.content.decode()
    assert IntakeRequest.objects.count() == 1
    support = client.get("/mijn-hulp/").content.decode()
    assert asked.reference in support
    assert "Verzoek om je gegevens te verwijderen" in support


def _erasure_asked(client, resident):
    from apps.dossiers.models import IntakeRequest

    client.force_login(resident)
    client.post("/mijn-gegevens/", {"erase": "yes"})
    return IntakeRequest.objects.get(kind="erasure")


def test_the_team_answers_an_erasure_request_and_the_resident_reads_it(
    client, resident, worker, dossier, mailoutbox, django_capture_on_commit_callbacks
):
    dossier.status, dossier.started_on, dossier.ended_on = (
        "closed",
        date(2025, 1, 6),
        date(2026, 3, 2),
    )
    dossier.closing_reason = "goals_reached"
    dossier.save()
    asked = _erasure_asked(client, resident)
    client.force_login(worker)
    queue = client.get("/werk/dossiers/intake/").content.decode()
    assert "Verzoek om gegevens te verwijderen" in queue
    page = client.get(f"/werk/dossiers/intake/{asked.pk}/")
    assert page.context["dossiers"] == [dossier]
    assert "2 maart 2033" in page.content.decode()  # kept seven years after closing
    assert "Dossier openen" not in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            f"/werk/dossiers/intake/{asked.pk}/",
            {"answer": "Je account is verwijderd. Je dossier bewaren we tot 2 maart 2033."},
        )
    assert answer.url == "/werk/dossiers/intake/"
    # The e-mail says there is an answer, never what it says.
    [mail] = [mail for mail in mailoutbox if mail.to == [resident.email]]
    assert asked.reference in mail.body
    assert "2033" not in mail.body
    assert "/mijn-hulp/" in mail.body
    asked.refresh_from_db()
    assert (asked.status, asked.handled_by) == ("answered", worker)
    client.force_login(resident)
    assert "bewaren we tot 2 maart 2033" in client.get("/mijn-hulp/").content.decode()
    # Answered, the resident may ask again.
    client.post("/mijn-gegevens/", {"erase": "yes"})
    assert asked.__class__.objects.filter(kind="erasure", status="new").count() == 1


def test_an_empty_answer_changes_nothing(client, resident, worker, dossier):
    asked = _erasure_asked(client, resident)
    client.force_login(worker)
    answer = client.post(f"/werk/dossiers/intake/{asked.pk}/", {"answer": "  "})
    assert answer.status_code == 400
    asked.refresh_from_db()
    assert (asked.status, asked.answer) == ("new", "")


def test_an_erasure_request_never_becomes_a_dossier(client, resident, worker, dossier):
    from django.core.exceptions import ValidationError

    from apps.dossiers.services import intake_convert

    asked = _erasure_asked(client, resident)
    with pytest.raises(ValidationError):
        intake_convert(intake=asked, actor=worker, questions=[(None, "", "x")])
    assert asked.__class__.objects.get(pk=asked.pk).status == "new"


def test_another_team_cannot_answer(client, resident, dossier):
    asked = _erasure_asked(client, resident)
    stranger = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
    client.force_login(stranger)
    assert client.get(f"/werk/dossiers/intake/{asked.pk}/").status_code == 404
    refused = client.post(f"/werk/dossiers/intake/{asked.pk}/", {"answer": "Gedaan."})
    assert refused.status_code == 404
    assert asked.__class__.objects.get(pk=asked.pk).status == "new"


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
