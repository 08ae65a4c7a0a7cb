import pytest
from django.utils import timezone, translation
from django.utils.html import escape

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.dossiers import services
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
    return [dossier["pk"] for dossier in response.context["page"].object_list]


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


class TestRows:
    def test_each_row_names_its_colour_status_questions_and_last_contact(self, client, worker):
        dossier = DossierFactory(
            team=worker.teams.get(), responsible_worker=worker, started_on=days_ago(45)
        )
        money = Theme.objects.get(code="geldzaken-regelgeving")
        RegisteredQuestionFactory(dossier=dossier, theme=money, subcategory="Schulden")
        ContactMomentFactory(
            dossier=dossier,
            mode=ContactMoment.Mode.HOME_VISIT,
            occurred_at=timezone.now() - timezone.timedelta(days=2),
        )
        client.force_login(worker)

        html = client.get(URL).content.decode()

        with translation.override("nl"):
            meaning = str(Dossier.DurationBand.SHORT.label).lower()
            days = translation.ngettext("%(days)s day", "%(days)s days", 45) % {"days": 45}
            expected = [
                f"{days} · {meaning}",
                escape(f"{money.name} (Schulden)"),
                str(ContactMoment.Mode.HOME_VISIT.label),
                str(Dossier.Status.ACTIVE.label),
            ]
        for text in expected:
            assert text in html
        # On a phone each cell says which column it is.
        for label in ("Status", "Questions", "Last contact"):
            with translation.override("nl"):
                assert f'data-label="{escape(translation.gettext(label))}"' in html


class TestSearchDrawer:
    def test_closed_without_a_search_and_its_fields_not_rendered(self, client, worker):
        client.force_login(worker)
        html = client.get(URL).content.decode()
        assert '<details class="bk-drawer" hx-get="/werk/?zoeken=1"' in html
        assert 'name="theme"' not in html
        # Without JavaScript a link opens the fields.
        assert 'href="?zoeken=1"' in html

    @pytest.mark.parametrize("query", [{"q": "bakk"}, {"status": "intake"}, {"theme": "abc"}])
    def test_open_with_its_fields_while_a_search_is_on_or_not_right(self, client, worker, query):
        client.force_login(worker)
        html = client.get(URL, query).content.decode()
        assert '<details class="bk-drawer" open>' in html
        assert 'name="theme"' in html

    def test_opened_without_javascript_it_shows_the_fields(self, client, worker):
        client.force_login(worker)
        html = client.get(URL, {"zoeken": "1"}).content.decode()
        assert '<details class="bk-drawer" open>' in html
        assert 'name="theme"' in html

    def test_opened_with_htmx_only_the_fields_come(self, client, worker):
        client.force_login(worker)
        response = client.get(URL, {"zoeken": "1"}, HTTP_HX_REQUEST="true")
        html = response.content.decode()
        assert "<html" not in html and "bk-caseload__row" not in html
        assert 'name="theme"' in html and 'hx-target="#caseload-results"' in html
        assert "HX-Request" in response["Vary"]


class TestBadInput:
    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ({"status": "closed"}, "Status"),
            ({"theme": "abc"}, "Theme"),
            ({"theme": "999999"}, "Theme"),
            ({"neighbourhood": "1; DROP TABLE"}, "District"),
            ({"last_contact_mode": "telepathy"}, "Last contact"),
            ({"sort": "password"}, "Sort by"),
        ],
    )
    def test_the_message_names_the_field_and_the_rest_still_works(
        self, client, worker, query, field
    ):
        mine = DossierFactory(team=worker.teams.get(), responsible_worker=worker)
        client.force_login(worker)

        response = client.get(URL, {**query, "q": mine.client.last_name})

        assert response.status_code == 200
        html = response.content.decode()
        alert = html.split('role="alert"')[1].split("</div>")[0]
        with translation.override("nl"):
            assert f"<li>{escape(translation.gettext(field))}: " in alert
        assert caseload_dossiers(response) == [mine.pk]


def fill_caseload(worker, rows):
    team = worker.teams.get()
    theme = Theme.objects.first()
    # The district choices grow with the rows too (each district names its municipality).
    for _ in range(rows // 10 + 1):
        team.neighbourhoods.add(NeighbourhoodFactory())
    for n in range(rows):
        dossier = DossierFactory(team=team, responsible_worker=worker, started_on=days_ago(n * 10))
        RegisteredQuestionFactory(dossier=dossier, theme=theme)
        RegisteredQuestionFactory(dossier=dossier, theme=theme, subcategory="Schulden")
        ContactMomentFactory(dossier=dossier)


@pytest.mark.parametrize("rows", [2, 30])
def test_query_count_does_not_grow_with_the_caseload(client, django_assert_num_queries, rows):
    worker = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
    fill_caseload(worker, rows)
    client.force_login(worker)
    client.get(URL)  # warm up: the first request of a session writes it
    # 1 session, 2 user, 3 the user's second factors (MFA check), 4 count, 5 the page of
    # dossiers with client and last contact, 6 their questions with themes, 7 team names
    # (header), 8 their memberships (the menu: do they coordinate volunteers?)
    with django_assert_num_queries(8):
        response = client.get(URL)
    assert response.content.decode().count("bk-caseload__row--") == min(rows, 25)
    # The rows alone (htmx), sorted: no team names, the team ids (policy, for districts)
    with django_assert_num_queries(7):
        client.get(URL, {"sort": "name"}, HTTP_HX_REQUEST="true")
    # With the search fields open: 9 theme choices, 10 district choices (the memberships
    # read for the districts serve the menu too)
    with django_assert_num_queries(10):
        response = client.get(URL, {"zoeken": "1"})
    assert 'name="theme"' in response.content.decode()
    assert Dossier.objects.count() == rows


class TestChangesShowAtOnce:
    """Rendered afresh: what a worker just changed is on the next read of the caseload."""

    @pytest.fixture
    def dossier(self, worker):
        return DossierFactory(
            team=worker.teams.get(), responsible_worker=worker, started_on=days_ago(200)
        )

    def test_a_question_a_new_name_and_a_contact(self, client, worker, dossier):
        client.force_login(worker)
        before = client.get(URL).content.decode()
        services.question_register(
            dossier=dossier,
            actor=worker,
            theme=Theme.objects.order_by("-pk").first(),
            subcategory="Betalingsregeling",
        )
        services.client_update(client=dossier.client, actor=worker, last_name="Bakkerstraat-Ooms")
        services.contact_moment_log(
            dossier=dossier,
            actor=worker,
            occurred_at=timezone.now() - timezone.timedelta(minutes=5),
            mode=ContactMoment.Mode.HOME_VISIT,
            duration_minutes=45,
        )
        after = client.get(URL).content.decode()
        with translation.override("nl"):
            home_visit = str(ContactMoment.Mode.HOME_VISIT.label)
        for text in ("Betalingsregeling", "Bakkerstraat-Ooms", home_visit):
            assert text not in before
            assert text in after

    def test_a_closed_dossier_leaves_the_caseload(self, client, worker, dossier):
        client.force_login(worker)
        assert escape(dossier.client.full_name) in client.get(URL).content.decode()
        services.dossier_advance(
            dossier=dossier,
            actor=worker,
            to_status=Dossier.Status.CLOSED,
            closing_reason=Dossier.ClosingReason.GOALS_REACHED,
        )
        assert escape(dossier.client.full_name) not in client.get(URL).content.decode()
