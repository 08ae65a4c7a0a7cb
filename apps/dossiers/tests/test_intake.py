import datetime

import pytest
from django.utils import timezone
from django.utils.html import escape

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.dossiers.models import Client, Dossier, IntakeRequest
from apps.dossiers.tests.factories import ClientFactory, IntakeRequestFactory
from apps.organisation.models import Theme
from apps.organisation.tests.factories import TeamFactory, TeamMembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.names]
QUEUE = "/werk/dossiers/intake/"


@pytest.fixture
def worker():
    return TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user


@pytest.fixture
def money():
    return Theme.objects.get(code="geldzaken-regelgeving")


def convert(client, intake, **data):
    return client.post(f"{QUEUE}{intake.pk}/", {"client_choice": "new", **data})


class TestQueue:
    def test_the_queue_shows_waiting_requests_of_the_own_team_only(self, client, worker):
        mine = IntakeRequestFactory(team=worker.teams.get())
        IntakeRequestFactory(team=worker.teams.get(), status="converted")
        theirs = IntakeRequestFactory()
        client.force_login(worker)
        html = client.get(QUEUE).content.decode()
        assert escape(mine.full_name) in html
        assert escape(theirs.full_name) not in html

    @pytest.mark.parametrize(
        "role",
        [
            Role.RESIDENT,
            Role.VOLUNTEER,
            Role.MANAGER,
            Role.MUNICIPALITY_VIEWER,
            Role.FUNCTIONAL_ADMIN,
        ],
    )
    def test_roles_without_casework_are_refused(self, client, role):
        intake = IntakeRequestFactory()
        client.force_login(UserFactory(role=role))
        assert client.get(QUEUE).status_code == 403
        assert client.get(f"{QUEUE}{intake.pk}/").status_code == 403

    def test_another_teams_request_is_a_logged_404(self, client, worker):
        theirs = IntakeRequestFactory()
        client.force_login(worker)
        assert client.get(f"{QUEUE}{theirs.pk}/").status_code == 404
        assert AccessLogEntry.objects.filter(
            action="denied", object_type="dossiers.intakerequest", object_id=str(theirs.pk)
        ).exists()

    @pytest.mark.parametrize("rows", [3, 80])
    def test_query_count_does_not_grow_with_the_queue(
        self, client, worker, django_assert_num_queries, rows
    ):
        IntakeRequestFactory.create_batch(rows, team=worker.teams.get())
        client.force_login(worker)
        client.get(QUEUE)
        # 1 session, 2 user, 3 second factors (MFA check), 4 team ids, 5 how many wait,
        # 6 the first page of waiting requests
        with django_assert_num_queries(6):
            assert client.get(QUEUE).status_code == 200

    def test_a_long_queue_comes_in_pages_oldest_first(self, client, worker):
        team = worker.teams.get()
        now = timezone.now()
        requests = [
            IntakeRequestFactory(team=team, received_at=now - timezone.timedelta(hours=n))
            for n in range(30)
        ]
        client.force_login(worker)
        first, second = client.get(QUEUE), client.get(QUEUE, {"page": 2})
        seen = [r.pk for r in first.context["page"]] + [r.pk for r in second.context["page"]]
        assert seen == [r.pk for r in reversed(requests)]
        assert "30 verzoeken wachten." in first.content.decode()
        for page in ("0", "abc", "99999999999999999999"):
            assert client.get(QUEUE, {"page": page}).status_code == 200


class TestConvert:
    def test_a_new_client_gets_a_dossier_in_the_intake_step(self, client, worker, money):
        intake = IntakeRequestFactory(team=worker.teams.get())
        client.force_login(worker)
        assert client.get(f"{QUEUE}{intake.pk}/").status_code == 200

        response = convert(client, intake, theme_1=money.pk, subcategory_1="Schulden")

        dossier = Dossier.objects.get()
        assert response.url == f"/werk/dossiers/{dossier.pk}/"
        assert (dossier.status, dossier.responsible_worker, dossier.team) == (
            "intake",
            worker,
            intake.team,
        )
        assert dossier.client.last_name == intake.last_name
        assert dossier.client.postcode == "3811 AB"
        assert [q.subcategory for q in dossier.questions.all()] == ["Schulden"]
        intake.refresh_from_db()
        assert (intake.status, intake.dossier, intake.handled_by) == ("converted", dossier, worker)
        assert AccessLogEntry.objects.filter(
            action="read", object_type="dossiers.intakerequest"
        ).exists()

    def test_a_known_person_is_offered_for_merging_and_keeps_one_record(
        self, client, worker, money
    ):
        known = ClientFactory(last_name="Amrani", birth_date=datetime.date(1961, 4, 12), phone="")
        intake = IntakeRequestFactory(
            team=worker.teams.get(), last_name="amrani", phone="0612345678"
        )
        client.force_login(worker)
        page = client.get(f"{QUEUE}{intake.pk}/").content.decode()
        assert escape(known.full_name) in page

        convert(client, intake, client_choice=str(known.pk), theme_1=money.pk)

        assert Client.objects.count() == 1
        known.refresh_from_db()
        assert known.phone == "0612345678"
        assert Dossier.objects.get().client == known

    def test_a_request_sent_while_logged_in_links_the_new_client_to_the_account(
        self, client, worker, money
    ):
        resident = UserFactory(role=Role.RESIDENT)
        intake = IntakeRequestFactory(team=worker.teams.get(), requested_by=resident)
        client.force_login(worker)
        convert(client, intake, theme_1=money.pk)
        assert Dossier.objects.get().client.account == resident
        client.force_login(resident)
        assert Dossier.objects.get().team.name in client.get("/mijn-hulp/").content.decode()

    def test_the_account_s_own_client_is_offered_without_a_birth_date(self, client, worker, money):
        resident = UserFactory(role=Role.RESIDENT)
        known = ClientFactory(account=resident, last_name="Jansen")
        intake = IntakeRequestFactory(
            team=worker.teams.get(), requested_by=resident, last_name="", birth_date=None
        )
        assert list(intake.possible_duplicates()) == [known]
        client.force_login(worker)
        convert(client, intake, client_choice=str(known.pk), theme_1=money.pk)
        assert Dossier.objects.get().client == known
        assert Client.objects.count() == 1

    def test_an_account_that_has_a_client_is_not_linked_to_a_second_one(
        self, client, worker, money
    ):
        resident = UserFactory(role=Role.RESIDENT)
        known = ClientFactory(account=resident)
        intake = IntakeRequestFactory(team=worker.teams.get(), requested_by=resident)
        client.force_login(worker)
        convert(client, intake, theme_1=money.pk)
        new = Dossier.objects.get().client
        assert (new.account, Client.objects.get(pk=known.pk).account) == (None, resident)

    def test_a_tampered_client_choice_is_refused(self, client, worker, money):
        stranger = ClientFactory(birth_date=datetime.date(1990, 1, 1))
        intake = IntakeRequestFactory(team=worker.teams.get())
        client.force_login(worker)
        response = convert(client, intake, client_choice=str(stranger.pk), theme_1=money.pk)
        assert response.status_code == 400
        assert not Dossier.objects.exists()

    def test_a_question_is_required(self, client, worker):
        intake = IntakeRequestFactory(team=worker.teams.get())
        client.force_login(worker)
        response = convert(client, intake)
        assert response.status_code == 400
        assert response.context["form"].errors["theme_1"]
        assert not Dossier.objects.exists()

    def test_a_double_submit_makes_one_dossier(self, client, worker, money):
        intake = IntakeRequestFactory(team=worker.teams.get())
        client.force_login(worker)
        convert(client, intake, theme_1=money.pk)
        response = convert(client, intake, theme_1=money.pk)
        assert response.status_code == 302
        assert response.url == QUEUE
        assert Dossier.objects.count() == 1


class TestNotingARequest:
    DATA = {
        "source": "self",
        "referrer": "",
        "first_name": "Henk",
        "last_name": "de Boer",
        "birth_date": "1950-03-02",
        "postcode": "3811ab",
        "house_number": "4",
        "phone": "0612345678",
        "email": "",
        "question": "Mijn vrouw is overleden en ik red het niet alleen.",
    }

    def test_a_phone_call_lands_in_the_own_team_queue(self, client, worker):
        team = worker.teams.get()
        client.force_login(worker)
        assert client.get(f"{QUEUE}nieuw/").status_code == 200
        response = client.post(f"{QUEUE}nieuw/", {**self.DATA, "team": team.pk})
        assert response.status_code == 302
        intake = IntakeRequest.objects.get()
        assert (intake.team, intake.postcode, intake.status) == (team, "3811 AB", "new")
        assert AccessLogEntry.objects.filter(
            action="create", object_type="dossiers.intakerequest"
        ).exists()
        assert "Henk de Boer" in client.get(QUEUE).content.decode()

    def test_another_team_cannot_be_chosen(self, client, worker):
        other = TeamFactory()
        client.force_login(worker)
        response = client.post(f"{QUEUE}nieuw/", {**self.DATA, "team": other.pk})
        assert response.status_code == 400
        assert response.context["form"].errors["team"]
        assert not IntakeRequest.objects.exists()

    @pytest.mark.parametrize(
        "change",
        [
            {"first_name": ""},
            {"question": ""},
            {"postcode": "12345"},
            {"birth_date": "2099-01-01"},
            {"birth_date": "vorige week"},
            {"email": "geen-adres"},
            {"source": "pigeon"},
        ],
    )
    def test_bad_input_gets_field_messages(self, client, worker, change):
        client.force_login(worker)
        data = {**self.DATA, "team": worker.teams.get().pk, **change}
        response = client.post(f"{QUEUE}nieuw/", data)
        assert response.status_code == 400
        assert set(response.context["form"].errors) & set(change)
        assert not IntakeRequest.objects.exists()

    @pytest.mark.parametrize("role", [Role.MANAGER, Role.RESIDENT, Role.FUNCTIONAL_ADMIN])
    def test_roles_without_casework_cannot(self, client, role):
        client.force_login(UserFactory(role=role))
        assert client.get(f"{QUEUE}nieuw/").status_code == 403
