"""Secure messages between a resident and their team: only the two sides read them, a
message from the team is a contact moment in the dossier, the e-mail says only that there
is a message, and files follow the rules of a dossier's attachments."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.dossiers.models import ContactMoment, Dossier
from apps.dossiers.tests.factories import DossierFactory
from apps.organisation.tests.factories import TeamMembershipFactory
from apps.portal.models import Message, MessageAttachment, MessageThread
from apps.portal.services import message_send, thread_start

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def worker():
    return TeamMembershipFactory(
        user__role=Role.SOCIAL_WORKER, user__first_name="Sanne", user__last_name="Smit"
    ).user


@pytest.fixture
def resident():
    return UserFactory(role=Role.RESIDENT, email="anna@example.org")


@pytest.fixture
def dossier(resident, worker):
    return DossierFactory(
        client__account=resident, team=worker.teams.get(), responsible_worker=worker
    )


@pytest.fixture
def thread(dossier, resident):
    return thread_start(
        actor=resident, dossier=dossier, subject="Brief van de gemeente", body="Wat moet ik doen?"
    )


def pdf(name="brief.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def photo(name="foto.jpg"):
    image = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(image, "JPEG")
    return SimpleUploadedFile(name, image.getvalue(), content_type="image/jpeg")


class TestConversation:
    def test_a_resident_starts_one_and_their_worker_is_mailed_without_its_content(
        self, client, resident, worker, dossier, mailoutbox, django_capture_on_commit_callbacks
    ):
        client.force_login(resident)
        with django_capture_on_commit_callbacks(execute=True):
            sent = client.post(
                "/mijn-hulp/berichten/",
                {"subject": "Brief", "body": "Ik heb een aanmaning gekregen.", "uploads": pdf()},
            )
        thread = MessageThread.objects.get()
        assert sent.status_code == 302 and sent.url == f"/mijn-hulp/berichten/{thread.pk}/"
        message = thread.messages.get()
        assert message.from_client and message.contact_moment is None
        assert message.attachments.get().original_name == "brief.pdf"
        assert [mail.to for mail in mailoutbox] == [[worker.email]]
        assert "aanmaning" not in mailoutbox[0].body and "Brief" not in mailoutbox[0].subject
        assert f"/werk/berichten/{thread.pk}/" in mailoutbox[0].body

    def test_the_workers_answer_is_a_contact_moment_and_the_resident_is_mailed(
        self, client, worker, resident, thread, mailoutbox, django_capture_on_commit_callbacks
    ):
        client.force_login(worker)
        with django_capture_on_commit_callbacks(execute=True):
            answered = client.post(
                f"/werk/berichten/{thread.pk}/", {"body": "Stuur me een foto van de brief."}
            )
        assert answered.status_code == 302
        answer = Message.objects.get(from_client=False)
        moment = answer.contact_moment
        assert (moment.mode, moment.dossier, moment.worker) == (
            ContactMoment.Mode.MESSAGE,
            thread.dossier,
            worker,
        )
        assert [mail.to for mail in mailoutbox] == [[resident.email]]
        assert "foto" not in mailoutbox[0].body

    def test_opening_the_conversation_is_the_read_receipt(self, client, worker, resident, thread):
        message_send(actor=worker, thread=thread, body="Ik bel je morgen.")
        client.force_login(resident)
        page = client.get(f"/mijn-hulp/berichten/{thread.pk}/")
        assert page.status_code == 200
        assert Message.objects.get(from_client=False).read_at is not None
        # The resident's own message stays unread until the team opens it.
        assert Message.objects.get(from_client=True).read_at is None
        client.force_login(worker)
        page = client.get(f"/werk/berichten/{thread.pk}/")
        assert "gelezen op" in page.content.decode()
        assert Message.objects.get(from_client=True).read_at is not None

    def test_without_a_worker_the_team_is_mailed(
        self, resident, worker, mailoutbox, django_capture_on_commit_callbacks
    ):
        colleague = TeamMembershipFactory(team=worker.teams.get(), user__role=Role.TEAM_LEADER)
        TeamMembershipFactory(team=worker.teams.get(), user__role=Role.VOLUNTEER)
        dossier = DossierFactory(client__account=resident, team=worker.teams.get())
        with django_capture_on_commit_callbacks(execute=True):
            thread_start(actor=resident, dossier=dossier, subject="Vraag", body="Hallo?")
        assert sorted(mailoutbox[0].to) == sorted([worker.email, colleague.user.email])

    def test_a_worker_starts_a_conversation_from_the_dossier(self, client, worker, dossier):
        client.force_login(worker)
        section = client.get(f"/werk/dossiers/{dossier.pk}/deel/berichten/")
        assert section.status_code == 200
        assert f"/werk/dossiers/{dossier.pk}/berichten/nieuw/" in section.content.decode()
        started = client.post(
            f"/werk/dossiers/{dossier.pk}/berichten/nieuw/",
            {"subject": "Afspraak", "body": "Past dinsdag om 10 uur?"},
        )
        thread = MessageThread.objects.get()
        assert started.url == f"/werk/berichten/{thread.pk}/"
        assert thread.messages.get().contact_moment.mode == ContactMoment.Mode.MESSAGE

    def test_each_side_is_sent_to_its_own_address_of_the_conversation(
        self, client, worker, resident, thread
    ):
        client.force_login(resident)
        assert (
            client.get(f"/werk/berichten/{thread.pk}/").url == f"/mijn-hulp/berichten/{thread.pk}/"
        )
        client.force_login(worker)
        assert (
            client.get(f"/mijn-hulp/berichten/{thread.pk}/").url == f"/werk/berichten/{thread.pk}/"
        )

    def test_the_thread_reads_as_many_queries_for_few_and_many_messages(
        self, client, worker, resident, thread
    ):
        client.force_login(resident)

        def queries():
            # Read once first: opening marks new messages read (one more query, once).
            client.get(f"/mijn-hulp/berichten/{thread.pk}/")
            with CaptureQueriesContext(connection) as captured:
                assert client.get(f"/mijn-hulp/berichten/{thread.pk}/").status_code == 200
            return len(captured)

        few = queries()
        for number in range(30):
            message_send(actor=worker, thread=thread, body=f"Bericht {number}", uploads=[pdf()])
        assert queries() == few


class TestWhoMayNot:
    def test_another_resident_gets_a_404_and_nothing_is_added(self, client, thread):
        other = UserFactory(role=Role.RESIDENT)
        client.force_login(other)
        assert client.get(f"/mijn-hulp/berichten/{thread.pk}/").status_code == 404
        assert client.post(f"/mijn-hulp/berichten/{thread.pk}/", {"body": "Hoi"}).status_code == 404
        assert thread.messages.count() == 1
        assert AccessLogEntry.objects.filter(
            action="denied", object_type="portal.messagethread", object_id=str(thread.pk)
        ).exists()

    @pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.TEAM_LEADER])
    def test_another_team_gets_a_404(self, client, thread, role):
        client.force_login(TeamMembershipFactory(user__role=role).user)
        assert client.get(f"/werk/berichten/{thread.pk}/").status_code == 404

    @pytest.mark.parametrize("role", [Role.MANAGER, Role.VOLUNTEER, Role.FUNCTIONAL_ADMIN])
    def test_others_in_the_organisation_get_a_404(self, client, worker, thread, role):
        TeamMembershipFactory(team=worker.teams.get(), user__role=role)
        client.force_login(UserFactory(role=role))
        assert client.get(f"/werk/berichten/{thread.pk}/").status_code == 404

    def test_a_file_is_only_for_the_two_sides(self, client, resident, worker, thread):
        message = message_send(actor=resident, thread=thread, body="Hier.", uploads=[photo()])
        attachment = message.attachments.get()
        url = f"/berichten/bijlage/{attachment.pk}/"
        client.force_login(worker)
        assert client.get(url).status_code == 200
        client.force_login(UserFactory(role=Role.RESIDENT))
        assert client.get(url).status_code == 404
        client.logout()
        assert client.get(url).status_code == 302

    def test_a_closed_dossier_can_be_read_not_answered(self, client, resident, thread):
        Dossier.objects.filter(pk=thread.dossier_id).update(
            status=Dossier.Status.CLOSED,
            ended_on=thread.dossier.started_on,
            closing_reason=Dossier.ClosingReason.GOALS_REACHED,
        )
        client.force_login(resident)
        page = client.get(f"/mijn-hulp/berichten/{thread.pk}/")
        assert page.status_code == 200 and page.context["form"] is None
        client.post(f"/mijn-hulp/berichten/{thread.pk}/", {"body": "Nog een vraag"})
        assert thread.messages.count() == 1

    def test_a_resident_without_a_dossier_cannot_start_one(self, client):
        client.force_login(UserFactory(role=Role.RESIDENT))
        page = client.get("/mijn-hulp/berichten/")
        assert page.status_code == 200 and page.context["form"] is None
        client.post("/mijn-hulp/berichten/", {"subject": "Hoi", "body": "Hallo"})
        assert not MessageThread.objects.exists()

    def test_staff_cannot_open_the_residents_list(self, client, worker):
        client.force_login(worker)
        assert client.get("/mijn-hulp/berichten/").status_code == 403


class TestBadInput:
    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"body": "   "}, "body"),
            ({"body": "x" * 5001}, "body"),
            ({"body": "Hier", "uploads": SimpleUploadedFile("a.txt", b"hallo")}, "uploads"),
            ({"body": "Hier", "uploads": SimpleUploadedFile("leeg.pdf", b"")}, "uploads"),
            (
                {"body": "Hier", "uploads": SimpleUploadedFile("nep.jpg", b"\xff\xd8\xffnope")},
                "uploads",
            ),
        ],
        ids=["empty", "too-long", "wrong-type", "empty-file", "broken-photo"],
    )
    def test_a_clear_message_and_nothing_stored(self, client, resident, thread, data, field):
        client.force_login(resident)
        refused = client.post(f"/mijn-hulp/berichten/{thread.pk}/", data)
        assert refused.status_code == 400
        assert refused.context["form"].errors[field]
        assert thread.messages.count() == 1
        assert not MessageAttachment.objects.exists()

    def test_too_many_files_are_refused(self, client, resident, thread):
        client.force_login(resident)
        refused = client.post(
            f"/mijn-hulp/berichten/{thread.pk}/",
            {"body": "Hier", "uploads": [pdf("1.pdf"), pdf("2.pdf"), pdf("3.pdf"), pdf("4.pdf")]},
        )
        assert refused.status_code == 400
        assert not MessageAttachment.objects.exists()

    def test_an_oversized_file_is_refused(self, client, resident, thread, settings):
        settings.ATTACHMENT_MAX_MEGABYTES = 1
        client.force_login(resident)
        big = SimpleUploadedFile("groot.pdf", PDF + b"0" * (1024 * 1024))
        refused = client.post(
            f"/mijn-hulp/berichten/{thread.pk}/", {"body": "Hier", "uploads": big}
        )
        assert refused.status_code == 400
        assert "1 MB" in refused.content.decode()

    def test_an_empty_subject_is_refused(self, client, resident, dossier):
        client.force_login(resident)
        refused = client.post("/mijn-hulp/berichten/", {"subject": " ", "body": "Hallo"})
        assert refused.status_code == 400
        assert not MessageThread.objects.exists()

    def test_a_forged_conversation_number_is_a_404(self, client, resident):
        client.force_login(resident)
        assert client.post("/mijn-hulp/berichten/999999/", {"body": "Hoi"}).status_code == 404
        assert client.get("/berichten/bijlage/999999/").status_code == 404
