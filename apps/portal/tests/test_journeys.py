"""Journeys (klantreizen): residents read published ones by theme and find them in the one
search box; staff write drafts, preview them and publish; drafts stay staff-only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.organisation.models import Theme
from apps.portal.models import Journey, JourneyStep
from apps.questionnaires.services.instruments import instruments_load
from apps.socialmap.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db
MONEY = "geldzaken-regelgeving"


def money():
    return Theme.objects.get(code=MONEY)


def make_journey(*, slug="uit-de-schulden", status=Journey.Status.PUBLISHED, **fields):
    journey = Journey.objects.create(
        theme=fields.pop("theme", None) or money(),
        slug=slug,
        question=fields.pop("question", "Hoe kom ik uit de schulden?"),
        summary=fields.pop("summary", "Maak een overzicht en vraag op tijd hulp."),
        introduction=fields.pop(
            "introduction", "Veel mensen hebben schulden.\n\nJe bent niet alleen."
        ),
        status=status,
        **fields,
    )
    JourneyStep.objects.create(
        journey=journey, position=1, title="Maak een overzicht", body="Pak alle brieven erbij."
    )
    return journey


def services_step(journey, words="formulieren"):
    return JourneyStep.objects.create(
        journey=journey,
        position=2,
        kind=JourneyStep.Kind.SERVICES,
        title="Hulp in de buurt",
        search_words=words,
    )


@pytest.fixture
def worker():
    return UserFactory(role=Role.SOCIAL_WORKER)


@pytest.fixture
def leader():
    return UserFactory(role=Role.TEAM_LEADER)


class TestReading:
    def test_the_theme_page_lists_published_journeys_only(self, client):
        make_journey()
        make_journey(slug="concept", question="Een vraag in concept", status="draft")
        page = client.get(f"/thema/{MONEY}/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "Hoe kom ik uit de schulden?" in html
        assert "Een vraag in concept" not in html
        assert f"/hulp-vragen/?thema={MONEY}" in html

    def test_an_unknown_theme_is_a_404(self, client):
        assert client.get("/thema/bestaat-niet/").status_code == 404

    def test_a_journey_shows_its_steps_and_ends_with_the_way_to_a_person(self, client):
        journey = make_journey()
        services_step(journey)
        ServiceFactory(name="Formulierenhulp Centrum").themes.add(money())
        ServiceFactory(name="Formulierenhulp elders")  # another theme: not in this step
        html = client.get(f"/vraag/{journey.slug}/").content.decode()
        assert "Maak een overzicht" in html and "Pak alle brieven erbij." in html
        assert "Formulierenhulp Centrum" in html and "Formulierenhulp elders" not in html
        assert "Wil je liever met iemand praten?" in html
        assert f"/hulp-vragen/?thema={MONEY}" in html
        assert "concept" not in html.lower()

    def test_a_self_test_step_opens_the_self_scan(self, client):
        instruments_load()
        journey = make_journey()
        JourneyStep.objects.create(
            journey=journey,
            position=2,
            kind=JourneyStep.Kind.SELF_TEST,
            title="Hoe gaat het met je?",
            instrument_code="positive-health-short",
        )
        html = client.get(f"/vraag/{journey.slug}/").content.decode()
        assert "/zelfscan/positive-health-short/" in html

    @pytest.mark.parametrize("role", [None, Role.RESIDENT, Role.MANAGER, Role.VOLUNTEER])
    def test_a_draft_is_a_404_for_everyone_but_its_writers(self, client, role):
        journey = make_journey(status=Journey.Status.DRAFT)
        if role:
            client.force_login(UserFactory(role=role))
        assert client.get(f"/vraag/{journey.slug}/").status_code == 404

    @pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.TEAM_LEADER, Role.FUNCTIONAL_ADMIN])
    def test_writers_preview_a_draft_marked_as_such(self, client, role):
        journey = make_journey(status=Journey.Status.DRAFT)
        client.force_login(UserFactory(role=role))
        page = client.get(f"/vraag/{journey.slug}/")
        assert page.status_code == 200
        assert "Inwoners zien het niet" in page.content.decode()

    def test_the_journey_page_reads_the_same_number_of_queries_for_few_and_many_services(
        self, client, django_assert_max_num_queries
    ):
        journey = make_journey()
        services_step(journey)
        ServiceFactory().themes.add(money())

        def queries():
            with CaptureQueriesContext(connection) as captured:
                assert client.get(f"/vraag/{journey.slug}/").status_code == 200
            return len(captured)

        few = queries()
        for _ in range(25):
            ServiceFactory().themes.add(money())
        assert queries() == few
        with django_assert_max_num_queries(9):
            client.get(f"/vraag/{journey.slug}/")


class TestSearch:
    def test_one_box_finds_journeys_and_services_by_a_word_form(self, client):
        make_journey(introduction="Een schuld los je op met een plan.")
        ServiceFactory(name="Schuldhulp: eerste gesprek", summary="Hulp bij schulden.")
        page = client.get("/zoeken/", {"q": "schulden"})
        assert page.status_code == 200
        html = page.content.decode()
        assert "Hoe kom ik uit de schulden?" in html
        assert "Schuldhulp: eerste gesprek" in html

    def test_a_word_in_a_step_finds_the_journey(self, client):
        make_journey(question="Wat doe ik met mijn post?", summary="Orde in je papieren.")
        html = client.get("/zoeken/", {"q": "brieven"}).content.decode()
        assert "Wat doe ik met mijn post?" in html

    def test_drafts_are_never_found(self, client):
        make_journey(status=Journey.Status.DRAFT)
        found = client.get("/zoeken/", {"q": "schulden"}).context["found"]
        assert found.journeys == []

    def test_nothing_found_offers_the_themes_and_a_person(self, client):
        page = client.get("/zoeken/", {"q": "xylofoonles"})
        assert page.status_code == 200
        html = page.content.decode()
        assert escape("Niets gevonden voor “xylofoonles”.") in html
        assert "/hulp-vragen/" in html
        assert f"/thema/{MONEY}/" in html

    def test_an_empty_search_shows_the_box_only(self, client):
        page = client.get("/zoeken/")
        assert page.status_code == 200
        assert page.context["found"].nothing

    @pytest.mark.parametrize(
        "query", ["a" * 201, "'; DROP TABLE portal_journey; --", "<script>", "&|!:*()"]
    )
    def test_odd_input_gets_a_page_never_a_500(self, client, query):
        make_journey()
        page = client.get("/zoeken/", {"q": query})
        assert page.status_code in (200, 400)
        assert "<script>" not in page.content.decode().split("<main", 1)[1]
        assert Journey.objects.count() == 1


class TestEditor:
    def form(self, **changes):
        data = {
            "theme": money().pk,
            "question": "Hoe vraag ik bijzondere bijstand aan?",
            "slug": "bijzondere-bijstand",
            "summary": "Voor kosten die je niet kunt betalen.",
            "introduction": "",
            "position": "0",
            "steps-TOTAL_FORMS": "1",
            "steps-INITIAL_FORMS": "0",
            "steps-MIN_NUM_FORMS": "0",
            "steps-MAX_NUM_FORMS": "20",
            "steps-0-position": "1",
            "steps-0-kind": "explanation",
            "steps-0-title": "Wat is bijzondere bijstand?",
            "steps-0-body": "Geld van de gemeente voor een grote uitgave.",
        }
        return data | changes

    def test_a_worker_writes_a_draft_with_steps(self, client, worker):
        client.force_login(worker)
        saved = client.post("/werk/klantreizen/nieuw/", self.form())
        journey = Journey.objects.get()
        assert saved.status_code == 302 and saved.url == f"/werk/klantreizen/{journey.pk}/"
        assert (journey.status, journey.updated_by) == ("draft", worker)
        assert journey.steps.get().title == "Wat is bijzondere bijstand?"
        assert client.get("/werk/klantreizen/").status_code == 200

    def test_a_self_test_without_a_scan_is_refused_and_nothing_saved(self, client, worker):
        client.force_login(worker)
        refused = client.post(
            "/werk/klantreizen/nieuw/", self.form(**{"steps-0-kind": "self_test"})
        )
        assert refused.status_code == 400
        assert "Kies de zelfscan" in refused.content.decode()
        assert not Journey.objects.exists()

    def test_a_learning_step_offers_a_published_path_only(self, client, worker):
        from apps.learning import services as learning_services
        from apps.learning.tests.paths import path_data, path_file

        author = UserFactory(role=Role.TEAM_LEADER)
        draft = learning_services.path_import(
            actor=author, content=path_file(path_data("nog-concept"))
        )
        published = learning_services.version_publish(
            actor=author, version=learning_services.path_import(actor=author, content=path_file())
        )
        client.force_login(worker)
        learning = {"steps-0-kind": "learning"}
        refused = client.post("/werk/klantreizen/nieuw/", self.form(**learning))
        assert refused.status_code == 400
        assert "Kies het leerpad" in refused.content.decode()
        draft_path = {**learning, "steps-0-learning_path": draft.path_id}
        assert client.post("/werk/klantreizen/nieuw/", self.form(**draft_path)).status_code == 400
        assert not Journey.objects.exists()
        chosen = {**learning, "steps-0-learning_path": published.path_id}
        assert client.post("/werk/klantreizen/nieuw/", self.form(**chosen)).status_code == 302
        journey = Journey.objects.get()
        preview = client.get(f"/vraag/{journey.slug}/").content.decode()
        assert "Grip op je post" in preview and "/leren/grip-op-post/" in preview

    def test_an_unsafe_link_is_refused(self, client, worker):
        client.force_login(worker)
        refused = client.post(
            "/werk/klantreizen/nieuw/",
            self.form(
                **{
                    "steps-0-kind": "link",
                    "steps-0-link_url": "http://example.org/",
                    "steps-0-link_label": "Lees meer",
                }
            ),
        )
        assert refused.status_code == 400
        assert not Journey.objects.exists()

    def test_a_taken_web_address_is_refused(self, client, worker):
        make_journey(slug="bijzondere-bijstand")
        client.force_login(worker)
        assert client.post("/werk/klantreizen/nieuw/", self.form()).status_code == 400
        assert Journey.objects.count() == 1

    def test_a_worker_may_not_publish_or_change_a_published_journey(self, client, worker):
        draft = make_journey(status=Journey.Status.DRAFT)
        published = make_journey(slug="gepubliceerd")
        client.force_login(worker)
        assert (
            client.post(f"/werk/klantreizen/{draft.pk}/publiceren/", {"publish": "yes"}).status_code
            == 403
        )
        assert client.get(f"/werk/klantreizen/{published.pk}/").status_code == 403
        draft.refresh_from_db()
        assert draft.status == "draft"

    def test_a_team_leader_publishes_and_takes_back(self, client, leader):
        journey = make_journey(status=Journey.Status.DRAFT)
        client.force_login(leader)
        client.post(f"/werk/klantreizen/{journey.pk}/publiceren/", {"publish": "yes"})
        journey.refresh_from_db()
        assert journey.is_published and journey.published_at and journey.updated_by == leader
        assert client.get(f"/vraag/{journey.slug}/").status_code == 200
        client.post(f"/werk/klantreizen/{journey.pk}/publiceren/", {"publish": "no"})
        journey.refresh_from_db()
        assert not journey.is_published
        client.logout()
        assert client.get(f"/vraag/{journey.slug}/").status_code == 404

    def test_a_journey_without_steps_is_not_published(self, client, leader):
        journey = make_journey(status=Journey.Status.DRAFT)
        journey.steps.all().delete()
        client.force_login(leader)
        page = client.post(
            f"/werk/klantreizen/{journey.pk}/publiceren/", {"publish": "yes"}, follow=True
        )
        assert "Voeg minstens één stap toe" in page.content.decode()
        journey.refresh_from_db()
        assert journey.status == "draft"

    @pytest.mark.parametrize("role", [Role.RESIDENT, Role.MANAGER, Role.VOLUNTEER])
    def test_others_cannot_open_the_editor(self, client, role):
        journey = make_journey(status=Journey.Status.DRAFT)
        client.force_login(UserFactory(role=role))
        assert client.get("/werk/klantreizen/").status_code == 403
        assert client.post("/werk/klantreizen/nieuw/", self.form()).status_code == 403
        assert client.get(f"/werk/klantreizen/{journey.pk}/").status_code == 403
        assert Journey.objects.count() == 1

    def test_anonymous_visitors_are_sent_to_log_in(self, client):
        assert client.get("/werk/klantreizen/").url.startswith("/account/login/")

    def test_an_unknown_journey_is_a_404(self, client, leader):
        client.force_login(leader)
        assert client.get("/werk/klantreizen/999999/").status_code == 404
        assert (
            client.post("/werk/klantreizen/999999/publiceren/", {"publish": "yes"}).status_code
            == 404
        )
