"""The worker's day at /werk/vandaag/: their plan actions and contacts of this week, the
dossiers new with them or whose explanation was asked for, their teams' intake queue."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation
from django.utils.html import escape

from apps.accounts import policy
from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.dossiers.models import Action, ContactMoment, Goal
from apps.dossiers.tests.factories import (
    ContactMomentFactory,
    DossierFactory,
    IntakeRequestFactory,
)
from apps.organisation.tests.factories import TeamFactory, TeamMembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.names]

URL = "/werk/vandaag/"
# A Wednesday afternoon: the week runs from Monday 23 to Sunday 29 November.
WEDNESDAY = datetime(2026, 11, 25, 14, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
MONDAY, SUNDAY = WEDNESDAY.date() - timedelta(days=2), WEDNESDAY.date() + timedelta(days=4)


@pytest.fixture(autouse=True)
def wednesday():
    with time_machine.travel(WEDNESDAY, tick=False):
        yield


@pytest.fixture
def worker():
    return TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user


@pytest.fixture
def colleague(worker):
    return TeamMembershipFactory(team=worker.teams.get(), user__role=Role.SOCIAL_WORKER).user


@pytest.fixture
def other_team_dossier(worker):
    """A dossier of another team that names the worker as its worker (they moved teams)."""
    return DossierFactory(team=TeamFactory(), responsible_worker=worker)


def own_dossier(worker, **fields):
    return DossierFactory(team=worker.teams.get(), responsible_worker=worker, **fields)


def action(dossier, description, *, due, status=Action.Status.OPEN, achieved_on=None):
    goal = Goal.objects.create(
        dossier=dossier, question="Hoe kom ik rond?", achieved_on=achieved_on
    )
    return Action.objects.create(
        goal=goal,
        description=description,
        owner=Action.Owner.CLIENT,
        status=status,
        target_date=due,
    )


def dutch(message: str) -> str:
    with translation.override("nl"):
        return translation.gettext(message)


def day(client, user):
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    return response


def names(items) -> list[str]:
    return [item["name"] for item in items]


class TestWhoSeesIt:
    @pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.TEAM_LEADER])
    def test_those_who_carry_clients_see_their_day(self, client, role):
        user = TeamMembershipFactory(user__role=role).user
        response = day(client, user)
        assert 'href="/werk/"' in response.content.decode()  # back to the caseload

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
    def test_everyone_else_is_refused(self, client, role):
        user = TeamMembershipFactory(user__role=role).user
        client.force_login(user)
        assert client.get(URL).status_code == 403

    def test_without_signing_in_the_login_page_comes_first(self, client):
        response = client.get(URL)
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/")

    def test_the_workspace_menu_and_the_caseload_link_to_it(self, client, worker):
        client.force_login(worker)
        html = client.get("/werk/").content.decode()
        assert html.count(f'href="{URL}"') == 2  # the menu and the caseload's own tabs

    def test_the_menu_does_not_offer_it_to_those_without_clients(self, client):
        client.force_login(UserFactory(role=Role.FUNCTIONAL_ADMIN))
        assert f'href="{URL}"' not in client.get("/werk/").content.decode()

    def test_showing_it_is_logged_as_a_read_of_the_workers_dossiers(self, client, worker):
        day(client, worker)
        entry = AccessLogEntry.objects.get(actor_user_id=worker.pk)
        assert (entry.action, entry.object_type, entry.path) == ("read", "dossiers.dossier", URL)


class TestPlanActions:
    def test_late_today_and_later_this_week_with_nothing_else(
        self, client, worker, colleague, other_team_dossier
    ):
        dossier = own_dossier(worker, client__first_name="Anna", client__last_name="Bakker")
        action(dossier, "Bellen met de bank", due=MONDAY)
        action(dossier, "Samen naar het loket", due=WEDNESDAY.date())
        action(dossier, "Koffieochtend", due=SUNDAY, status=Action.Status.DOING)
        not_shown = [
            action(dossier, "Volgende week", due=SUNDAY + timedelta(days=1)),
            action(dossier, "Zonder datum", due=None),
            action(dossier, "Al gedaan", due=MONDAY, status=Action.Status.DONE),
            action(dossier, "Gestopt", due=MONDAY, status=Action.Status.STOPPED),
            action(dossier, "Doel bereikt", due=MONDAY, achieved_on=MONDAY),
            action(
                own_dossier(
                    worker,
                    status="closed",
                    ended_on=MONDAY,
                    closing_reason="goals_reached",
                ),
                "Afgesloten dossier",
                due=MONDAY,
            ),
            action(
                DossierFactory(team=worker.teams.get(), responsible_worker=colleague),
                "Van een collega",
                due=MONDAY,
            ),
            action(other_team_dossier, "Ander team", due=MONDAY),
        ]

        response = day(client, worker)

        context = response.context
        assert [item["what"] for item in context["actions_late"]] == ["Bellen met de bank"]
        assert [item["what"] for item in context["actions_today"]] == ["Samen naar het loket"]
        assert [item["what"] for item in context["actions_this_week"]] == ["Koffieochtend"]
        assert names(context["actions_late"]) == ["Anna Bakker"]
        # Who does it, and by when unless that is today.
        with translation.override("nl"):
            client_label = str(Action.Owner.CLIENT.label)
        assert context["actions_today"][0]["when"] == client_label
        assert context["actions_late"][0]["when"].startswith(f"{client_label} · ")
        assert context["actions_late"][0]["when"] != context["actions_this_week"][0]["when"]
        html = response.content.decode()
        assert f'href="/werk/dossiers/{dossier.pk}/"' in html
        for hidden in not_shown:
            assert escape(hidden.description) not in html

    def test_nothing_due_is_said_plainly(self, client, worker):
        own_dossier(worker)
        html = day(client, worker).content.decode()
        assert escape(dutch("Nothing from the plans is late or due this week.")) in html


class TestContacts:
    def test_the_contacts_the_worker_logged_this_week(
        self, client, worker, colleague, other_team_dossier
    ):
        anna = own_dossier(worker, client__first_name="Anna", client__last_name="Bakker")
        bram = own_dossier(worker, client__first_name="Bram", client__last_name="de Vries")
        ContactMomentFactory(
            dossier=anna,
            worker=worker,
            occurred_at=WEDNESDAY - timedelta(hours=3),
            mode=ContactMoment.Mode.HOME_VISIT,
        )
        ContactMomentFactory(dossier=bram, worker=worker, occurred_at=WEDNESDAY - timedelta(days=2))
        # Not this week, not the worker's own, or in another team's dossier.
        hidden = [
            ContactMomentFactory(
                dossier=anna, worker=worker, occurred_at=WEDNESDAY - timedelta(days=3)
            ),
            ContactMomentFactory(dossier=anna, worker=colleague, occurred_at=WEDNESDAY),
            ContactMomentFactory(dossier=other_team_dossier, worker=worker, occurred_at=WEDNESDAY),
        ]

        response = day(client, worker)

        assert names(response.context["contacts_today"]) == ["Anna Bakker"]
        assert names(response.context["contacts_earlier"]) == ["Bram de Vries"]
        assert escape(other_team_dossier.client.full_name) not in response.content.decode()
        assert response.context["day"].contacts == sorted(
            response.context["day"].contacts,
            key=lambda contact: contact["occurred_at"],
            reverse=True,
        )
        assert len(response.context["day"].contacts) == 2, hidden

    def test_no_contact_yet_is_said_plainly(self, client, worker):
        html = day(client, worker).content.decode()
        assert escape(dutch("You have not logged a contact today yet.")) in html
        assert escape(dutch("No contacts logged earlier this week.")) in html


class TestNewAndAskedFor:
    def test_dossiers_new_with_the_worker_in_the_last_seven_days(self, client, worker, colleague):
        own_dossier(
            worker,
            client__first_name="Anna",
            client__last_name="Bakker",
            worker_assigned_at=WEDNESDAY - timedelta(days=1),
        )
        own_dossier(
            worker,
            client__first_name="Bram",
            client__last_name="Smit",
            worker_assigned_at=WEDNESDAY - timedelta(days=6),
        )
        own_dossier(worker, worker_assigned_at=WEDNESDAY - timedelta(days=8))
        own_dossier(worker, worker_assigned_at=None)
        DossierFactory(
            team=worker.teams.get(),
            responsible_worker=colleague,
            worker_assigned_at=WEDNESDAY,
        )

        response = day(client, worker)

        assert names(response.context["new_dossiers"]) == ["Anna Bakker", "Bram Smit"]

    def test_dossiers_whose_explanation_the_team_leader_asked_for(self, client, worker):
        leader = TeamMembershipFactory(team=worker.teams.get(), user__role=Role.TEAM_LEADER).user
        asked = own_dossier(
            worker,
            started_on=MONDAY - timedelta(days=250),
            explanation_requested_at=WEDNESDAY - timedelta(days=2),
            explanation_requested_by=leader,
        )
        own_dossier(worker, started_on=MONDAY - timedelta(days=250))

        response = day(client, worker)

        items = response.context["explanations_asked"]
        assert names(items) == [asked.client.full_name]
        assert escape(leader.get_full_name()) in response.content.decode()

    def test_nothing_new_and_nothing_asked_is_said_plainly(self, client, worker):
        html = day(client, worker).content.decode()
        assert escape(dutch("No clients came to you in the last 7 days.")) in html
        assert escape(dutch("Your team leader is not waiting for an explanation from you.")) in html


class TestIntake:
    @pytest.fixture
    def waiting(self, worker):
        team = worker.teams.get()
        oldest = IntakeRequestFactory(team=team, received_at=WEDNESDAY - timedelta(days=5))
        later = [
            IntakeRequestFactory(team=team, received_at=WEDNESDAY - timedelta(hours=hours))
            for hours in (30, 20, 2)
        ]
        IntakeRequestFactory(
            team=team, status="withdrawn", received_at=WEDNESDAY - timedelta(days=9)
        )
        IntakeRequestFactory(received_at=WEDNESDAY - timedelta(days=20), last_name="Anderteam")
        return [oldest, *later]

    def test_how_many_wait_since_when_and_the_first_three(self, client, worker, waiting):
        response = day(client, worker)

        today = response.context["day"]
        assert (today.intake_waiting, today.intake_waiting_days) == (4, 5)
        html = response.content.decode()
        for request in waiting[:3]:
            assert f'href="/werk/dossiers/intake/{request.pk}/"' in html
        assert f'href="/werk/dossiers/intake/{waiting[3].pk}/"' not in html
        assert 'href="/werk/dossiers/intake/"' in html
        assert "Anderteam" not in html

    def test_without_access_to_the_queue_only_the_count(self, client, worker, waiting, monkeypatch):
        monkeypatch.setitem(policy.policy, "dossiers.view_intake_queue", policy.is_team_leader)

        response = day(client, worker)

        assert response.context["day"].intake_waiting == 4
        html = response.content.decode()
        assert "/werk/dossiers/intake/" not in html
        assert escape(waiting[0].full_name) not in html

    def test_an_empty_queue_is_said_plainly(self, client, worker):
        html = day(client, worker).content.decode()
        assert escape(dutch("No requests for help are waiting for your team.")) in html


def fill_a_week(worker, dossiers: int):
    """Per dossier a late action, a contact this week, new with the worker and an
    explanation asked for; and waiting requests for the team."""
    team = worker.teams.get()
    for number in range(dossiers):
        dossier = own_dossier(
            worker,
            worker_assigned_at=WEDNESDAY - timedelta(days=1),
            explanation_requested_at=WEDNESDAY - timedelta(days=1),
            explanation_requested_by=worker,
        )
        action(dossier, f"Actie {number}", due=MONDAY)
        ContactMomentFactory(dossier=dossier, worker=worker, occurred_at=WEDNESDAY)
        IntakeRequestFactory(team=team, received_at=WEDNESDAY - timedelta(days=number))


@pytest.mark.parametrize("dossiers", [2, 30])
def test_the_query_count_does_not_grow_with_the_caseload(
    client, django_assert_num_queries, dossiers
):
    worker = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
    fill_a_week(worker, dossiers)
    client.force_login(worker)
    client.get(URL)  # the first request of a session writes it
    # 1 session, 2 user, 3 the user's second factors (MFA check), 4 team ids (policy),
    # 5 plan actions due, 6 contacts this week, 7 dossiers new or asked to explain,
    # 8 the waiting requests (with their count), 9 the access-log row
    with django_assert_num_queries(9):
        response = client.get(URL)
    assert len(response.context["contacts_today"]) == min(dossiers, 20)
    assert len(response.context["explanations_asked"]) == dossiers
