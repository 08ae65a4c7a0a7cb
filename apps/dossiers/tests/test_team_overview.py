import pytest
from django.utils import timezone
from django.utils.html import escape

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.dossiers import services
from apps.dossiers.tests.factories import DossierFactory, IntakeRequestFactory
from apps.organisation.tests.factories import TeamMembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.names]
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
    member = next(m for m in entry["members"] if m["user_id"] == sanne.pk)
    assert (member["short"], member["medium"], member["long"], member["total"]) == (1, 1, 3, 5)
    html = response.content.decode()
    assert "5 / 2" in html
    # Capacity only for those who carry a caseload: not "0 / 30" for the team leader.
    assert "0 / 30" not in html
    # Long trajectories, oldest first, with their explanation or its absence.
    assert next(d.pk for d in entry["long_running"]) == explained.pk
    assert len(entry["long_running"]) == 3
    assert "Wacht op schuldsanering." in response.content.decode()


def test_the_team_leader_sees_the_totals_and_how_long_the_intake_queue_waits(client, team_setup):
    leader, team, _sanne, _explained = team_setup
    IntakeRequestFactory(team=team, received_at=timezone.now() - timezone.timedelta(days=4))
    IntakeRequestFactory(team=team)
    IntakeRequestFactory(team=team, status="withdrawn")
    IntakeRequestFactory(received_at=timezone.now() - timezone.timedelta(days=40))  # elsewhere
    client.force_login(leader)
    response = client.get(URL)
    [entry] = response.context["teams"]
    assert entry["totals"] == {"short": 1, "medium": 1, "long": 3, "total": 5}
    assert (entry["intake"]["waiting"], entry["intake"]["waiting_days"]) == (2, 4)
    html = response.content.decode()
    assert "2 aanvragen wachten in de intake-wachtrij" in html


def test_break_the_glass_openings_show_up_for_the_team_leader(client, team_setup):
    leader, _team, _sanne, explained = team_setup
    outsider = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
    services.dossier_break_glass(
        dossier=explained, actor=outsider, reason="Cliënt belde in crisis, team afwezig"
    )
    client.force_login(leader)
    html = client.get(URL).content.decode()
    assert "Cliënt belde in crisis" in html
    assert escape(str(outsider)) in html


def test_another_teams_leader_sees_nothing_of_this_team(client, team_setup):
    _leader, team, _sanne, explained = team_setup
    other_leader = TeamMembershipFactory(user__role=Role.TEAM_LEADER).user
    client.force_login(other_leader)
    html = client.get(URL).content.decode()
    assert escape(team.name) not in html
    assert escape(explained.client.full_name) not in html


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
    # 1 session, 2 user, 3 second factors (MFA check), 4 team ids, 5 the longest
    # trajectories of each team (at most TEAM_OVERVIEW_LONG_RUNNING), 6 the intake queue
    # per team, 7 memberships with their teams and users, 8 counts per team, worker and
    # colour (long ones and their explanations too), 9 break-the-glass openings
    for _ in range(rows // 3):
        IntakeRequestFactory(team=team)
    with django_assert_num_queries(9):
        assert client.get(URL).status_code == 200


class TestManyLongTrajectories:
    """A team of hundreds of dossiers: the overview shows the longest few and counts the
    rest; the whole list is a page away, 25 at a time."""

    @pytest.fixture
    def big_team(self):
        leader = TeamMembershipFactory(user__role=Role.TEAM_LEADER).user
        team = leader.teams.get()
        worker = TeamMembershipFactory(team=team, user__role=Role.SOCIAL_WORKER).user
        dossiers = [
            DossierFactory(
                team=team,
                responsible_worker=worker,
                started_on=days_ago(200 + n),
                long_running_explanation="Wacht op een woning." if n % 3 == 0 else "",
            )
            for n in range(40)
        ]
        return leader, team, dossiers

    def test_the_overview_shows_the_longest_and_counts_them_all(self, client, big_team):
        leader, team, dossiers = big_team
        client.force_login(leader)
        response = client.get(URL)
        [entry] = response.context["teams"]
        longest = sorted(dossiers, key=lambda d: d.started_on)[:10]
        assert [d.pk for d in entry["long_running"]] == [d.pk for d in longest]
        assert entry["long_running_counts"] == {"total": 40, "unexplained": 26}
        html = response.content.decode()
        assert "40 trajecten duren langer dan 6 maanden, 26 zonder uitleg" in html
        assert f'href="/werk/dossiers/team/{team.pk}/lang/"' in html

    def test_the_full_list_pages_through_every_trajectory_once(self, client, big_team):
        leader, team, dossiers = big_team
        client.force_login(leader)
        url = f"/werk/dossiers/team/{team.pk}/lang/"
        first, second = client.get(url), client.get(url, {"page": 2})
        seen = [d.pk for d in first.context["page"]] + [d.pk for d in second.context["page"]]
        assert len(first.context["page"]) == 25
        assert seen == [d.pk for d in sorted(dossiers, key=lambda d: d.started_on)]
        # A page that does not exist shows the last one, never an error.
        for page in ("99", "abc", "-1", "1" * 400):
            assert client.get(url, {"page": page}).status_code == 200

    @pytest.mark.parametrize("rows", [3, 60])
    def test_the_full_list_costs_the_same_for_any_team(
        self, client, django_assert_num_queries, rows
    ):
        leader = TeamMembershipFactory(user__role=Role.TEAM_LEADER).user
        team = leader.teams.get()
        for n in range(rows):
            DossierFactory(team=team, started_on=days_ago(200 + n))
        client.force_login(leader)
        url = f"/werk/dossiers/team/{team.pk}/lang/"
        client.get(url)
        # 1 session, 2 user, 3 second factors, 4 team ids, 5 the team, 6 its read logged,
        # 7 how many trajectories, 8 one page of them with client and worker
        with django_assert_num_queries(8):
            assert client.get(url).status_code == 200

    def test_only_the_leader_of_that_team_sees_the_list(self, client, big_team):
        _leader, team, _dossiers = big_team
        url = f"/werk/dossiers/team/{team.pk}/lang/"
        other_leader = TeamMembershipFactory(user__role=Role.TEAM_LEADER).user
        client.force_login(other_leader)
        assert client.get(url).status_code == 404
        colleague = TeamMembershipFactory(team=team, user__role=Role.SOCIAL_WORKER).user
        client.force_login(colleague)
        assert client.get(url).status_code == 403
        refused = AccessLogEntry.objects.filter(action="denied", object_id=str(team.pk))
        assert sorted(refused.values_list("actor_user_id", flat=True)) == sorted(
            [other_leader.pk, colleague.pk]
        )
        client.logout()
        assert client.get(url).status_code == 302


def test_clients_of_nobody_in_the_team_are_counted_apart(client, team_setup):
    """A dossier without a worker, or whose worker left the team, still counts: the team
    leader sees them on a row of their own, and in the team's totals."""
    leader, team, _sanne, _explained = team_setup
    DossierFactory(team=team, responsible_worker=None, started_on=days_ago(5))
    gone = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user  # another team's now
    DossierFactory(team=team, responsible_worker=gone, started_on=days_ago(220))
    client.force_login(leader)
    response = client.get(URL)
    [entry] = response.context["teams"]
    assert entry["without_member"] == {"short": 1, "medium": 0, "long": 1, "total": 2}
    assert entry["totals"] == {"short": 2, "medium": 1, "long": 4, "total": 7}
    assert entry["long_running_counts"] == {"total": 4, "unexplained": 3}
    html = response.content.decode()
    assert "Niemand in het team" in html
    assert escape(str(gone)) not in html.split("Langer dan 6 maanden begeleiding")[0]


def test_a_role_is_named_only_where_it_explains_the_missing_capacity(client, team_setup):
    leader, team, sanne, _explained = team_setup
    TeamMembershipFactory(team=team, user__role=Role.VOLUNTEER)
    client.force_login(leader)
    [entry] = client.get(URL).context["teams"]
    roles = {member["user_id"]: member["role"] for member in entry["members"]}
    assert roles[sanne.pk] == ""
    assert roles[leader.pk] == "Teamleider"
    assert sorted(roles.values()) == ["", "Teamleider", "Vrijwilliger"]


def test_a_leader_of_two_teams_sees_each_team_with_its_own_longest(
    client, django_assert_num_queries
):
    leader = TeamMembershipFactory(user__role=Role.TEAM_LEADER, team__name="B-team").user
    second = TeamMembershipFactory(user=leader, team__name="A-team").team
    first = leader.teams.get(name="B-team")
    for team, days in ((first, (300, 250)), (second, (400, 200, 190))):
        worker = TeamMembershipFactory(team=team, user__role=Role.SOCIAL_WORKER).user
        for started in days:
            DossierFactory(team=team, responsible_worker=worker, started_on=days_ago(started))
    client.force_login(leader)
    client.get(URL)
    # The same nine queries as for one team (see test_query_count_does_not_grow_with_the_team).
    with django_assert_num_queries(9):
        response = client.get(URL)
    entries = response.context["teams"]
    assert [entry["team"]["name"] for entry in entries] == ["A-team", "B-team"]
    assert [[t.days for t in entry["long_running"]] for entry in entries] == [
        [400, 200, 190],
        [300, 250],
    ]
