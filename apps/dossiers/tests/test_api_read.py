"""Reading through the API: clients and dossiers of the own teams only, every read logged,
filters, pagination and a query count that does not grow with the rows."""

import pytest
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.accounts.tests.factories import PartnerSystemFactory, UserFactory, api_token_for
from apps.audit.models import AccessLogEntry
from apps.dossiers.models import BreakGlassAccess
from apps.dossiers.tests.api_support import (
    API,
    field_errors,
    member,
    outsider,
    problem,
    token_header,
)
from apps.dossiers.tests.factories import (
    ClientFactory,
    ContactMomentFactory,
    DossierFactory,
    RegisteredQuestionFactory,
)
from apps.organisation.models import Theme
from apps.organisation.tests.factories import TeamFactory, TeamMembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.names]

READ_ENDPOINTS = ["clients/", "clients/{client}/", "dossiers/", "dossiers/{dossier}/"]
NESTED_ENDPOINTS = ["dossiers/{dossier}/contact-moments/", "dossiers/{dossier}/questions/"]


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def worker(team):
    return member(team)


@pytest.fixture
def dossier(team, worker):
    return DossierFactory(team=team, responsible_worker=worker)


@pytest.fixture
def foreign_dossier():
    return DossierFactory(team=TeamFactory())


def ids(response):
    return [row["id"] for row in response.json()["results"]]


class TestClients:
    def test_the_team_sees_the_clients_of_its_own_dossiers_only(
        self, client, team, worker, dossier, foreign_dossier
    ):
        closed_earlier = DossierFactory(
            team=team,
            status="closed",
            ended_on=timezone.localdate(),
            closing_reason="goals_reached",
        )
        ClientFactory()  # no dossier at all
        for reader in (worker, member(team), member(team, Role.TEAM_LEADER)):
            client.force_login(reader)
            response = client.get(f"{API}/clients/")
            assert response.status_code == 200
            assert sorted(ids(response)) == sorted([dossier.client_id, closed_earlier.client_id])

    def test_a_client_in_two_teams_is_listed_once(self, client, team, worker, dossier):
        DossierFactory(team=team, client=dossier.client)
        client.force_login(worker)
        assert ids(client.get(f"{API}/clients/")) == [dossier.client_id]

    def test_the_list_writes_one_access_log_row_naming_the_records_shown(
        self, client, worker, dossier
    ):
        client.force_login(worker)
        client.get(f"{API}/clients/")
        entry = AccessLogEntry.objects.get()
        assert entry.action == AccessLogEntry.Action.SEARCH
        assert entry.object_type == "dossiers.client"
        assert entry.actor_user_id == worker.pk
        assert entry.reason == str(dossier.client_id)
        assert entry.path == "/api/v1/clients/"

    def test_one_client_is_read_and_logged(self, client, worker, dossier):
        client.force_login(worker)
        response = client.get(f"{API}/clients/{dossier.client_id}/")
        assert response.status_code == 200
        body = response.json()
        assert body["full_name"] == dossier.client.full_name
        assert body["postcode"] == dossier.client.postcode
        assert AccessLogEntry.objects.filter(
            action="read", object_type="dossiers.client", object_id=str(dossier.client_id)
        ).exists()

    def test_another_teams_client_and_a_missing_one_are_the_same_logged_404(
        self, client, worker, foreign_dossier
    ):
        client.force_login(worker)
        theirs = client.get(f"{API}/clients/{foreign_dossier.client_id}/")
        missing = client.get(f"{API}/clients/999999/")
        assert theirs.status_code == missing.status_code == 404
        assert problem(theirs) == problem(missing)
        assert foreign_dossier.client.last_name not in theirs.content.decode()
        denied = AccessLogEntry.objects.filter(action="denied", object_type="dossiers.client")
        assert sorted(denied.values_list("object_id", flat=True)) == sorted(
            [str(foreign_dossier.client_id), "999999"]
        )


class TestDossiers:
    def test_the_team_sees_all_its_dossiers_whoever_is_responsible(
        self, client, team, worker, dossier, foreign_dossier
    ):
        colleagues = DossierFactory(team=team, responsible_worker=member(team), status="intake")
        client.force_login(worker)
        response = client.get(f"{API}/dossiers/")
        assert response.status_code == 200
        assert sorted(ids(response)) == sorted([dossier.pk, colleagues.pk])
        row = next(row for row in response.json()["results"] if row["id"] == dossier.pk)
        assert row["client"] == {"id": dossier.client_id, "full_name": dossier.client.full_name}
        assert row["team"] == {"id": team.pk, "name": team.name}
        assert row["responsible_worker"]["id"] == worker.pk
        assert row["status"] == "active"
        assert row["duration_band"] == "short"

    def test_one_dossier_is_read_with_its_questions_and_logged(self, client, worker, dossier):
        question = RegisteredQuestionFactory(dossier=dossier, subcategory="Schulden")
        client.force_login(worker)
        response = client.get(f"{API}/dossiers/{dossier.pk}/")
        assert response.status_code == 200
        assert response.json()["questions"] == [
            {
                "id": question.pk,
                "theme": question.theme.code,
                "theme_name": question.theme.name,
                "subcategory": "Schulden",
                "description": "",
                "registered_at": response.json()["questions"][0]["registered_at"],
            }
        ]
        assert AccessLogEntry.objects.filter(
            action="read", object_type="dossiers.dossier", object_id=str(dossier.pk)
        ).exists()

    def test_another_teams_dossier_is_a_logged_404(self, client, worker, foreign_dossier):
        client.force_login(worker)
        response = client.get(f"{API}/dossiers/{foreign_dossier.pk}/")
        assert response.status_code == 404
        assert AccessLogEntry.objects.filter(
            action="denied", object_id=str(foreign_dossier.pk)
        ).exists()
        for nested in ("contact-moments", "questions"):
            assert client.get(f"{API}/dossiers/{foreign_dossier.pk}/{nested}/").status_code == 404

    def test_after_break_the_glass_another_teams_dossier_can_be_read(
        self, client, worker, foreign_dossier
    ):
        BreakGlassAccess.objects.create(
            dossier=foreign_dossier,
            actor=worker,
            reason="Crisis in het weekend, eigen team niet bereikbaar.",
            expires_at=timezone.now() + timezone.timedelta(minutes=30),
        )
        client.force_login(worker)
        assert client.get(f"{API}/dossiers/{foreign_dossier.pk}/").status_code == 200
        # ...but it does not join the lists: those hold the own teams' dossiers.
        assert ids(client.get(f"{API}/dossiers/")) == []


class TestDossierFilters:
    @pytest.fixture
    def dossiers(self, team, worker):
        money = Theme.objects.get(code="geldzaken-regelgeving")
        old = DossierFactory(
            team=team, started_on=timezone.localdate() - timezone.timedelta(days=400)
        )
        RegisteredQuestionFactory(dossier=old, theme=money)
        new = DossierFactory(team=team, status="intake", started_on=timezone.localdate())
        other_team = TeamFactory()
        worker.team_memberships.create(team=other_team)
        elsewhere = DossierFactory(team=other_team)
        return old, new, elsewhere

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("status=intake", ["new"]),
            ("theme=geldzaken-regelgeving", ["old"]),
            ("started_on_before={a_year_ago}", ["old"]),
            ("started_on_after={a_year_ago}&status=active", ["elsewhere"]),
            ("team={other_team}", ["elsewhere"]),
            ("client={old_client}", ["old"]),
            ("", ["old", "new", "elsewhere"]),
        ],
    )
    def test_filters(self, client, worker, dossiers, query, expected):
        old, new, elsewhere = dossiers
        named = {"old": old, "new": new, "elsewhere": elsewhere}
        query = query.format(
            a_year_ago=timezone.localdate() - timezone.timedelta(days=365),
            other_team=elsewhere.team_id,
            old_client=old.client_id,
        )
        client.force_login(worker)
        response = client.get(f"{API}/dossiers/?{query}")
        assert response.status_code == 200
        assert sorted(ids(response)) == sorted(named[name].pk for name in expected)

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ("status=open", "status"),
            ("theme=no-such-theme", "theme"),
            ("started_on_after=2026-13-45", "started_on"),
            ("client=abc", "client"),
            ("client=99999999999999999999999", "client"),
            ("client=-1e400", "client"),
            ("team=abc", "team"),
        ],
    )
    def test_a_bad_filter_is_a_400_per_field_and_shows_nothing(
        self, client, worker, dossiers, query, field
    ):
        client.force_login(worker)
        response = client.get(f"{API}/dossiers/?{query}")
        assert response.status_code == 400
        assert field in field_errors(response)
        assert not AccessLogEntry.objects.exists()

    def test_another_teams_id_is_not_a_choice(self, client, worker, foreign_dossier):
        client.force_login(worker)
        response = client.get(f"{API}/dossiers/?team={foreign_dossier.team_id}")
        assert response.status_code == 400
        assert "team" in field_errors(response)


class TestPagination:
    def test_lists_come_in_pages_of_fifty(self, client, team, worker):
        DossierFactory.create_batch(51, team=team)
        client.force_login(worker)
        first = client.get(f"{API}/dossiers/").json()
        assert first["count"] == 51
        assert len(first["results"]) == 50
        assert first["next"].endswith("/api/v1/dossiers/?page=2")
        second = client.get(f"{API}/dossiers/?page=2").json()
        assert len(second["results"]) == 1
        assert client.get(f"{API}/dossiers/?page=3").status_code == 404


class TestWhoMayNot:
    @pytest.fixture
    def urls(self, dossier):
        fill = {"client": dossier.client_id, "dossier": dossier.pk}
        return [f"{API}/{path.format(**fill)}" for path in READ_ENDPOINTS + NESTED_ENDPOINTS]

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
    def test_roles_without_casework_get_403_even_in_the_team(self, client, team, urls, role):
        # Managers and municipality viewers see figures, never a person: not even a list.
        client.force_login(member(team, role) if role == Role.VOLUNTEER else outsider(role))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 403, url
            assert "results" not in response.json()

    def test_the_resident_who_is_the_client_gets_403(self, client, dossier):
        resident = UserFactory(role=Role.RESIDENT)
        dossier.client.account = resident
        dossier.client.save()
        client.force_login(resident)
        assert client.get(f"{API}/dossiers/{dossier.pk}/").status_code == 403

    def test_anonymous_gets_401_with_the_token_scheme(self, client, urls):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 401, url
            assert response["WWW-Authenticate"] == "Token"

    def test_a_partner_system_reads_nothing(self, client, team, urls):
        partner = PartnerSystemFactory(teams=[team])
        key = api_token_for(partner)
        for url in urls:
            assert client.get(url, **token_header(key)).status_code == 403, url

    def test_a_token_of_a_person_is_refused(self, client, team, urls):
        """People use their two-step session; a token would skip the second step. A partner
        account that was turned into a person's keeps no working token."""
        partner = PartnerSystemFactory(teams=[team])
        key = api_token_for(partner)
        User.objects.filter(pk=partner.account_id).update(role=Role.SOCIAL_WORKER)
        TeamMembershipFactory(team=team, user_id=partner.account_id)
        response = client.get(urls[0], **token_header(key))
        assert response.status_code == 401
        assert response.json()["code"] == "not_a_partner"
        assert client.get(urls[0], **token_header("not-a-token")).status_code == 401

    def test_staff_without_second_factor_are_sent_to_set_one_up(self, client, team):
        client.force_login(UserFactory(role=Role.SOCIAL_WORKER, with_totp=False))
        assert client.get(f"{API}/dossiers/").status_code == 302

    def test_other_methods_are_refused(self, client, worker, dossier):
        client.force_login(worker)
        for method in ("put", "patch", "delete", "post"):
            response = getattr(client, method)(f"{API}/dossiers/{dossier.pk}/")
            assert response.status_code == 405, method
        assert client.options(f"{API}/dossiers/").status_code == 403


class TestQueryCounts:
    """The same number of queries for 5 and for 200 rows (a page shows 50 of them).

    Each count includes the staff activity stamp that the first request of a session writes
    (savepoint, session update, release): "+ stamp (3)" below.
    """

    @pytest.mark.parametrize("rows", [5, 200])
    def test_dossier_list(self, client, django_assert_num_queries, team, worker, rows):
        for dossier in DossierFactory.create_batch(rows, team=team, responsible_worker=worker):
            RegisteredQuestionFactory(dossier=dossier)
        client.force_login(worker)
        # session, user, second factor (middleware), own teams, count, page of dossiers
        # (with client, team and worker), their questions (with theme), access-log row
        # + stamp (3)
        with django_assert_num_queries(11):
            response = client.get(f"{API}/dossiers/")
        assert response.status_code == 200
        assert len(response.json()["results"]) == min(rows, 50)

    @pytest.mark.parametrize("rows", [5, 200])
    def test_client_list(self, client, django_assert_num_queries, team, worker, rows):
        DossierFactory.create_batch(rows, team=team)
        client.force_login(worker)
        # session, user, second factor, own teams, count, page of clients (with
        # neighbourhood), access-log row + stamp (3)
        with django_assert_num_queries(10):
            response = client.get(f"{API}/clients/")
        assert len(response.json()["results"]) == min(rows, 50)

    @pytest.mark.parametrize("rows", [5, 200])
    def test_contact_moment_list(self, client, django_assert_num_queries, worker, dossier, rows):
        ContactMomentFactory.create_batch(rows, dossier=dossier, worker=worker)
        client.force_login(worker)
        # session, user, second factor, dossier (with client, team, worker), own teams,
        # access-log row (read of the dossier), count, page of contact moments (with worker)
        # + stamp (3)
        with django_assert_num_queries(11):
            response = client.get(f"{API}/dossiers/{dossier.pk}/contact-moments/")
        assert len(response.json()["results"]) == min(rows, 50)

    @pytest.mark.parametrize("rows", [5, 200])
    def test_question_list(self, client, django_assert_num_queries, worker, dossier, rows):
        RegisteredQuestionFactory.create_batch(rows, dossier=dossier)
        client.force_login(worker)
        # session, user, second factor, dossier, own teams, access-log row, count, page of
        # questions (with theme) + stamp (3)
        with django_assert_num_queries(11):
            response = client.get(f"{API}/dossiers/{dossier.pk}/questions/")
        assert len(response.json()["results"]) == min(rows, 50)
