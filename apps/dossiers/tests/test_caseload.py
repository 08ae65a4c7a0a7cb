import pytest
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.utils import timezone
from django.utils.html import escape

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.dossiers.models import ContactMoment, Dossier
from apps.dossiers.tests.factories import (
    ContactMomentFactory,
    DossierFactory,
    RegisteredQuestionFactory,
)
from apps.organisation.models import Theme
from apps.organisation.tests.factories import NeighbourhoodFactory, TeamMembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.names]
URL = "/werk/"


@pytest.fixture
def worker():
    return TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user


def caseload_dossiers(response):
    return [dossier.pk for dossier in response.context["page"].object_list]


def days_ago(days):
    return timezone.localdate() - timezone.timedelta(days=days)


class TestWhoSeesWhat:
    def test_a_worker_sees_their_own_open_dossiers_only(self, client, worker):
        team = worker.teams.get()
        mine = DossierFactory(team=team, responsible_worker=worker)
        colleague = TeamMembershipFactory(team=team, user__role=Role.SOCIAL_WORKER).user
        DossierFactory(team=team, responsible_worker=colleague)
        DossierFactory(responsible_worker=UserFactory(role=Role.SOCIAL_WORKER))
        DossierFactory(
            team=team,
            responsible_worker=worker,
            status="closed",
            ended_on=timezone.localdate(),
            closing_reason="goals_reached",
        )
        client.force_login(worker)

        response = client.get(URL)

        assert response.status_code == 200
        assert caseload_dossiers(response) == [mine.pk]
        assert escape(mine.client.full_name) in response.content.decode()

    @pytest.mark.parametrize(
        "role", [Role.RESIDENT, Role.VOLUNTEER, Role.MANAGER, Role.MUNICIPALITY_VIEWER]
    )
    def test_roles_without_casework_get_no_caseload(self, client, role):
        DossierFactory()
        client.force_login(UserFactory(role=role))
        assert client.get(URL).status_code == 403

    def test_a_functional_administrator_gets_the_administration_links(self, client):
        DossierFactory()
        client.force_login(UserFactory(role=Role.FUNCTIONAL_ADMIN))
        response = client.get(URL)
        assert response.status_code == 200
        assert "page" not in response.context
        assert 'href="/werk/toegangslog/"' in response.content.decode()


class TestColoursAndOrder:
    def test_longest_support_first_with_a_band_per_duration(self, client, worker):
        team = worker.teams.get()
        short = DossierFactory(team=team, responsible_worker=worker, started_on=days_ago(20))
        long = DossierFactory(team=team, responsible_worker=worker, started_on=days_ago(250))
        medium = DossierFactory(team=team, responsible_worker=worker, started_on=days_ago(120))
        client.force_login(worker)

        response = client.get(URL)

        assert caseload_dossiers(response) == [long.pk, medium.pk, short.pk]
        html = response.content.decode()
        for band in ("short", "medium", "long"):
            assert f"bk-caseload__row--{band}" in html
        assert html.count("bk-attention") == 1  # the long one, unexplained

    def test_the_thresholds_are_configurable(self, client, worker, settings):
        settings.CASELOAD_MEDIUM_AFTER_MONTHS = 1
        DossierFactory(team=worker.teams.get(), responsible_worker=worker, started_on=days_ago(40))
        client.force_login(worker)
        assert "bk-caseload__row--medium" in client.get(URL).content.decode()


class TestFilters:
    @pytest.fixture
    def caseload(self, worker):
        team = worker.teams.get()
        district = NeighbourhoodFactory()
        team.neighbourhoods.add(district)
        money = Theme.objects.get(code="geldzaken-regelgeving")
        housing = Theme.objects.get(code="huisvesting-wonen")
        anna = DossierFactory(
            team=team,
            responsible_worker=worker,
            status="intake",
            client__first_name="Anna",
            client__last_name="Bakker",
            client__postcode="3811 AB",
            client__neighbourhood=NeighbourhoodFactory(
                kind="buurt",
                district=district,
                municipality=district.municipality,
                cbs_code="BU00000001",
            ),
        )
        bram = DossierFactory(
            team=team,
            responsible_worker=worker,
            client__first_name="Bram",
            client__last_name="Jansen",
            client__postcode="3822 CD",
        )
        RegisteredQuestionFactory(dossier=anna, theme=money)
        RegisteredQuestionFactory(dossier=bram, theme=housing)
        ContactMomentFactory(dossier=anna, mode=ContactMoment.Mode.HOME_VISIT)
        ContactMomentFactory(
            dossier=bram,
            mode=ContactMoment.Mode.HOME_VISIT,
            occurred_at=timezone.now() - timezone.timedelta(days=3),
        )
        ContactMomentFactory(dossier=bram, mode=ContactMoment.Mode.PHONE)
        return {"anna": anna, "bram": bram, "money": money, "district": district}

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({"q": "bakk"}, ["anna"]),
            ({"q": "3811ab"}, ["anna"]),
            ({"q": "3822 cd"}, ["bram"]),
            ({"status": "intake"}, ["anna"]),
            ({"theme": "money"}, ["anna"]),
            ({"neighbourhood": "district"}, ["anna"]),
            ({"last_contact_mode": "phone"}, ["bram"]),
            ({"last_contact_mode": "home_visit"}, ["anna"]),
            ({"sort": "name"}, ["anna", "bram"]),
            ({"sort": "-name"}, ["bram", "anna"]),
        ],
    )
    def test_filter_search_and_sort(self, client, worker, caseload, query, expected):
        query = {k: caseload[v].pk if v in caseload else v for k, v in query.items()}
        client.force_login(worker)
        response = client.get(URL, query)
        assert caseload_dossiers(response) == [caseload[name].pk for name in expected]

    @pytest.mark.parametrize(
        "query",
        [
            {"status": "closed"},
            {"theme": "999999"},
            {"theme": "abc"},
            {"sort": "password"},
            {"page": "-3"},
            {"neighbourhood": "1; DROP TABLE"},
        ],
    )
    def test_bad_filter_values_get_a_message_not_an_error(self, client, worker, caseload, query):
        client.force_login(worker)
        response = client.get(URL, query)
        assert response.status_code == 200

    def test_htmx_gets_only_the_rows(self, client, worker, caseload):
        client.force_login(worker)
        response = client.get(URL, {"q": "anna"}, HTTP_HX_REQUEST="true")
        assert "<html" not in response.content.decode()
        assert "Anna" in response.content.decode()


@pytest.mark.parametrize("rows", [5, 200])
def test_query_count_does_not_grow_with_the_caseload(client, django_assert_num_queries, rows):
    worker = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
    team = worker.teams.get()
    theme = Theme.objects.first()
    # The district choices grow with the rows too (each district names its municipality).
    for _ in range(rows // 20 + 1):
        team.neighbourhoods.add(NeighbourhoodFactory())
    for n in range(rows):
        dossier = DossierFactory(team=team, responsible_worker=worker, started_on=days_ago(n % 300))
        RegisteredQuestionFactory(dossier=dossier, theme=theme)
        ContactMomentFactory(dossier=dossier)
    client.force_login(worker)
    client.get(URL)  # warm up: the first request of a session writes it
    # 1 session, 2 user, 3 the user's second factors (MFA check), 4 team ids (policy, for
    # districts), 5 the caseload's version (count and last change), 6 team names (header);
    # the rows and the filter fields come from the caches
    with django_assert_num_queries(6):
        client.get(URL)
    caches["fragments"].clear()
    # Rendering the rows: 7 count, 8 the page of dossiers with client and last contact,
    # 9 their questions with themes; and the filter fields: 10 theme choices, 11 district
    # choices
    with django_assert_num_queries(11):
        response = client.get(URL)
    assert response.content.decode().count("bk-caseload__row--") == min(rows, 25)
    caches["fragments"].delete(
        make_template_fragment_key("caseload_filter_fields", [worker.pk, "nl", ""])
    )
    # Without the cached filter fields (the rows are cached again): 7 theme choices,
    # 8 district choices
    with django_assert_num_queries(8):
        response = client.get(URL)
    assert 'name="theme"' in response.content.decode()
    assert Dossier.objects.count() == rows


def test_a_search_is_never_kept_in_the_cache(client):
    from unittest import mock

    from django.core.cache import caches

    worker = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
    DossierFactory(team=worker.teams.get(), responsible_worker=worker)
    client.force_login(worker)
    fragments = caches["fragments"]
    with mock.patch.object(fragments, "set", wraps=fragments.set) as stored:
        client.get(URL, {"q": "Fatima El Amrani"})
        assert not any("Fatima" in str(call.args[1]) for call in stored.call_args_list)
        client.get(URL, {"status": "active"})
        assert any('name="theme"' in str(call.args[1]) for call in stored.call_args_list)
