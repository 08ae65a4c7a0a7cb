"""Who may open the portal, the workspace, the reports and the admin, and what the others get."""

import pytest
from django.utils.html import escape

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.names

AREAS = {
    "/": set(Role),
    "/werk/": {Role.SOCIAL_WORKER, Role.TEAM_LEADER, Role.FUNCTIONAL_ADMIN},
    "/rapportage/": {Role.MANAGER, Role.TEAM_LEADER, Role.MUNICIPALITY_VIEWER},
    "/beheer/": {Role.FUNCTIONAL_ADMIN},
    "/werk/toegangslog/": {Role.FUNCTIONAL_ADMIN},
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("path", list(AREAS))
def test_area_access_by_role(client, role, path):
    client.force_login(UserFactory(role=role))
    response = client.get(path)
    if role in AREAS[path]:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "geen toegang" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/werk/", "/rapportage/", "/beheer/", "/werk/toegangslog/"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith("/account/login/?next=")


@pytest.mark.django_db
def test_the_admin_has_no_password_only_login_of_its_own(client):
    response = client.get("/beheer/login/")
    assert response.status_code == 302
    assert response.url.startswith("/account/login/")


@pytest.mark.django_db
def test_unknown_page_gets_a_dutch_404(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "We kunnen deze pagina niet vinden" in response.content.decode()


@pytest.mark.django_db
def test_navigation_shows_only_the_areas_the_policy_allows(client):
    client.force_login(UserFactory(role=Role.MANAGER))
    html = client.get("/rapportage/").content.decode()
    assert 'href="/rapportage/"' in html
    assert 'href="/werk/"' not in html
    assert 'href="/beheer/"' not in html


@pytest.mark.django_db
def test_the_caseload_names_the_workers_own_teams_only(client):
    from apps.organisation.tests.factories import TeamMembershipFactory

    membership = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER)
    other = TeamMembershipFactory()
    client.force_login(membership.user)
    html = client.get("/werk/").content.decode()
    assert escape(membership.team.name) in html
    assert escape(other.team.name) not in html


@pytest.mark.django_db
def test_the_administration_home_counts_all_members_of_a_team(client):
    from apps.organisation.tests.factories import TeamMembershipFactory

    membership = TeamMembershipFactory(user__role=Role.FUNCTIONAL_ADMIN)
    TeamMembershipFactory.create_batch(2, team=membership.team)
    client.force_login(membership.user)
    teams = list(client.get("/werk/").context["teams"])
    assert [team.member_count for team in teams] == [3]


@pytest.mark.django_db
def test_municipality_viewer_sees_only_their_own_municipality(client):
    from apps.organisation.tests.factories import (
        MunicipalityFactory,
        MunicipalityMembershipFactory,
    )

    membership = MunicipalityMembershipFactory(user__role=Role.MUNICIPALITY_VIEWER)
    other = MunicipalityFactory()
    client.force_login(membership.user)
    html = client.get("/rapportage/").content.decode()
    assert escape(membership.municipality.name) in html
    assert escape(other.name) not in html


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [5, 50])
def test_administration_home_query_count_does_not_grow_with_teams(
    client, django_assert_num_queries, rows
):
    from apps.organisation.tests.factories import NeighbourhoodFactory, TeamMembershipFactory

    worker = UserFactory(role=Role.FUNCTIONAL_ADMIN)
    for _ in range(rows):
        membership = TeamMembershipFactory(user=worker)
        membership.team.neighbourhoods.add(NeighbourhoodFactory())
    client.force_login(worker)
    client.get("/werk/")  # warm up: the first request of a session writes it
    # 1 session, 2 user, 3 the user's second factors (MFA check), 4 teams with member
    # counts, 5 their districts (prefetch)
    with django_assert_num_queries(5):
        assert client.get("/werk/").status_code == 200
