import pytest
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.dossiers import services
from apps.dossiers.tests.factories import DossierFactory
from apps.organisation.tests.factories import TeamMembershipFactory

pytestmark = pytest.mark.django_db
URL = "/werk/dossiers/team/"


def days_ago(days):
    return timezone.localdate() - timezone.timedelta(days=days)


@pytest.fixture
def team_setup():
    leader = TeamMembershipFactory(user__role=Role.TEAM_LEADER).user
    team = leader.teams.get()
    sanne = TeamMembershipFactory(
        team=team, user__role=Role.SOCIAL_WORKER, caseload_capacity=2
    ).user
    for started in (10, 100, 200, 250):
        DossierFactory(team=team, responsible_worker=sanne, started_on=days_ago(started))
    explained = DossierFactory(
        team=team,
        responsible_worker=sanne,
        started_on=days_ago(300),
        long_running_explanation="Wacht op schuldsanering.",
    )
    DossierFactory(
        team=team,
        responsible_worker=sanne,
        started_on=days_ago(400),
        status="closed",
        ended_on=days_ago(1),
        closing_reason="moved",
    )
    return leader, team, sanne, explained


def test_the_team_leader_sees_counts_per_colour_against_capacity(client, team_setup):
    leader, _team, sanne, explained = team_setup
    client.force_login(leader)
    response = client.get(URL)
    assert response.status_code == 200
    [entry] = response.context["teams"]
    member = next(m for m in entry["members"] if m["membership"].user == sanne)
    assert (member["short"], member["medium"], member["long"], member["total"]) == (1, 1, 3, 5)
    assert "5 / 2" in response.content.decode()
    # Long trajectories, oldest first, with their explanation or its absence.
    assert next(d.pk for d in entry["long_running"]) == explained.pk
    assert len(entry["long_running"]) == 3
    assert "Wacht op schuldsanering." in response.content.decode()


def test_break_the_glass_openings_show_up_for_the_team_leader(client, team_setup):
    leader, _team, _sanne, explained = team_setup
    outsider = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
    services.dossier_break_glass(
        dossier=explained, actor=outsider, reason="Cliënt belde in crisis, team afwezig"
    )
    client.force_login(leader)
    html = client.get(URL).content.decode()
    assert "Cliënt belde in crisis" in html
    assert str(outsider) in html


def test_another_teams_leader_sees_nothing_of_this_team(client, team_setup):
    _leader, team, _sanne, explained = team_setup
    other_leader = TeamMembershipFactory(user__role=Role.TEAM_LEADER).user
    client.force_login(other_leader)
    html = client.get(URL).content.decode()
    assert team.name not in html
    assert explained.client.full_name not in html


@pytest.mark.parametrize(
    "role",
    [
        Role.RESIDENT,
        Role.VOLUNTEER,
        Role.SOCIAL_WORKER,
        Role.MANAGER,
        Role.MUNICIPALITY_VIEWER,
        Role.FUNCTIONAL_ADMIN,
    ],
)
def test_only_team_leaders_open_it(client, role):
    client.force_login(UserFactory(role=role))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("rows", [3, 60])
def test_query_count_does_not_grow_with_the_team(client, django_assert_num_queries, rows):
    leader = TeamMembershipFactory(user__role=Role.TEAM_LEADER).user
    team = leader.teams.get()
    for n in range(rows):
        worker = TeamMembershipFactory(team=team, user__role=Role.SOCIAL_WORKER).user
        DossierFactory(team=team, responsible_worker=worker, started_on=days_ago(n * 7))
    client.force_login(leader)
    client.get(URL)  # warm up: the first request of a session writes it
    # 1 session, 2 user, 3 second factors (MFA check), 4 team ids, 5 teams, 6 memberships
    # with users, 7 counts per worker, 8 long trajectories, 9 break-the-glass openings
    with django_assert_num_queries(9):
        assert client.get(URL).status_code == 200
