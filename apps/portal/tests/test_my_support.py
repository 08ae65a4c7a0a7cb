"""My support in the portal: the resident reads their worker, plan and the summaries written
for them, and ticks off their own steps; nobody else reads or ticks anything of theirs."""

import pytest
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.dossiers.models import Action, Dossier, Goal
from apps.dossiers.tests.factories import ContactMomentFactory, DossierFactory
from apps.organisation.tests.factories import TeamMembershipFactory

pytestmark = pytest.mark.django_db
URL = "/mijn-hulp/"


@pytest.fixture
def resident():
    return UserFactory(role=Role.RESIDENT)


@pytest.fixture
def dossier(resident):
    worker = TeamMembershipFactory(
        user__role=Role.SOCIAL_WORKER, user__first_name="Sanne", user__last_name="Smit"
    ).user
    dossier = DossierFactory(
        client__account=resident, team=worker.teams.get(), responsible_worker=worker
    )
    goal = Goal.objects.create(dossier=dossier, question="Hoe betaal ik mijn rekeningen op tijd?")
    Action.objects.create(goal=goal, description="Brieven sorteren", owner=Action.Owner.CLIENT)
    Action.objects.create(goal=goal, description="Bewindvoering uitzoeken", owner="worker")
    ContactMomentFactory(
        dossier=dossier, client_summary="We spraken over je post. Sorteer je brieven."
    )
    ContactMomentFactory(dossier=dossier, notes="Alleen voor het team.", client_summary="")
    return dossier


def own(dossier, owner=Action.Owner.CLIENT) -> Action:
    return Action.objects.get(goal__dossier=dossier, owner=owner)


class TestReading:
    def test_the_resident_reads_their_worker_plan_and_summaries(self, client, resident, dossier):
        client.force_login(resident)
        page = client.get(URL)
        assert page.status_code == 200
        text = page.text
        assert "Sanne Smit" in text
        assert dossier.team.name in text
        assert "Hoe betaal ik mijn rekeningen op tijd?" in text
        assert "Brieven sorteren" in text and "Bewindvoering uitzoeken" in text
        assert "We spraken over je post." in text
        assert "Alleen voor het team." not in text
        assert AccessLogEntry.objects.filter(
            actor_user_id=resident.pk,
            action="read",
            object_type="dossiers.dossier",
            object_id=str(dossier.pk),
        ).exists()

    def test_a_resident_without_support_gets_the_way_to_it(self, client, resident):
        client.force_login(resident)
        page = client.get(URL)
        assert page.status_code == 200
        assert "nog geen hulp" in page.text

    def test_another_residents_support_is_never_shown(self, client, dossier):
        client.force_login(UserFactory(role=Role.RESIDENT))
        page = client.get(URL)
        assert "Hoe betaal ik" not in page.text
        assert "We spraken over je post." not in page.text

    @pytest.mark.parametrize(
        "role", [Role.SOCIAL_WORKER, Role.TEAM_LEADER, Role.MANAGER, Role.FUNCTIONAL_ADMIN]
    )
    def test_staff_do_not_use_the_residents_page(self, client, dossier, role):
        client.force_login(UserFactory(role=role))
        assert client.get(URL).status_code == 403

    def test_anonymous_visitors_go_to_the_login_page(self, client):
        assert client.get(URL).status_code == 302

    @pytest.mark.parametrize("summaries", [2, 25])
    def test_the_query_count_does_not_grow_with_the_summaries(
        self, client, resident, dossier, django_assert_max_num_queries, summaries
    ):
        for number in range(summaries):
            ContactMomentFactory(dossier=dossier, client_summary=f"Gesprek {number}.")
        client.force_login(resident)
        client.get(URL)
        # session, user, dossiers (with client, team, worker and the summaries' count),
        # goals, actions, the newest summaries, the access-log row, the own help requests,
        # activities and conversations
        with django_assert_max_num_queries(11):
            page = client.get(URL)
        assert page.text.count("Gesprek ") == min(summaries, 10)
        if summaries > 10:
            assert "De nieuwste 10 van" in page.text


class TestTicking:
    def url(self, action):
        return f"{URL}actie/{action.pk}/"

    def test_the_resident_ticks_off_their_own_step_and_back(self, client, resident, dossier):
        client.force_login(resident)
        action = own(dossier)
        response = client.post(self.url(action), {"done": "yes"})
        assert response.status_code == 302
        assert response["Location"] == f"{URL}#action-{action.pk}"
        action.refresh_from_db()
        assert action.status == Action.Status.DONE
        assert AccessLogEntry.objects.filter(
            actor_user_id=resident.pk, action="update", object_type="dossiers.action"
        ).exists()
        page = client.get(response["Location"])
        assert "Je sociaal werker ziet het in je plan." in page.text
        client.post(self.url(action), {"done": "no"})
        action.refresh_from_db()
        assert action.status == Action.Status.OPEN

    def test_not_a_step_of_the_worker(self, client, resident, dossier):
        client.force_login(resident)
        action = own(dossier, Action.Owner.WORKER)
        assert client.post(self.url(action), {"done": "yes"}).status_code == 404
        action.refresh_from_db()
        assert action.status == Action.Status.OPEN
        assert AccessLogEntry.objects.filter(actor_user_id=resident.pk, action="denied").exists()

    def test_not_a_step_of_someone_else(self, client, dossier):
        client.force_login(UserFactory(role=Role.RESIDENT))
        action = own(dossier)
        assert client.post(self.url(action), {"done": "yes"}).status_code == 404
        action.refresh_from_db()
        assert action.status == Action.Status.OPEN

    def test_not_in_a_closed_dossier(self, client, resident, dossier):
        Dossier.objects.filter(pk=dossier.pk).update(
            status=Dossier.Status.CLOSED,
            ended_on=timezone.localdate(),
            closing_reason=Dossier.ClosingReason.GOALS_REACHED,
        )
        client.force_login(resident)
        action = own(dossier)
        response = client.post(self.url(action), {"done": "yes"}, follow=True)
        assert "gesloten" in response.text
        action.refresh_from_db()
        assert action.status == Action.Status.OPEN

    @pytest.mark.parametrize("value", ["", "maybe", "<script>"])
    def test_a_wrong_value_changes_nothing(self, client, resident, dossier, value):
        client.force_login(resident)
        action = own(dossier)
        response = client.post(self.url(action), {"done": value}, follow=True)
        assert response.status_code == 200
        assert "Kies of het gedaan is." in response.text
        action.refresh_from_db()
        assert action.status == Action.Status.OPEN

    def test_unknown_ids_and_get_requests(self, client, resident, dossier):
        client.force_login(resident)
        assert client.post(f"{URL}actie/99999999/", {"done": "yes"}).status_code == 404
        assert client.get(self.url(own(dossier))).status_code == 405
