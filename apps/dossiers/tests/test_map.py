import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.html import escape
from faker import Faker

from apps.accounts.demo import DEMO_DOMAIN
from apps.accounts.models import Role, User
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.dossiers import demo
from apps.dossiers.models import Client, Dossier
from apps.dossiers.tests.factories import DossierFactory, RegisteredQuestionFactory
from apps.organisation.demo import DemoOrganisation, seed_organisation
from apps.organisation.models import Team, Theme
from apps.organisation.tests.factories import NeighbourhoodFactory, TeamMembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.names]
URL = "/werk/kaart/"
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def worker():
    return TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user


def located(**kwargs):
    """Client fields for a client with coordinates in Amersfoort."""
    return {"client__latitude": 52.156, "client__longitude": 5.388, **kwargs}


def shown_dossiers(response):
    return [entry.dossier_id for entry in response.context["entries"]]


def map_data(response):
    match = re.search(
        r'<script id="client-map-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "the page carries the map's data as a JSON block"
    return json.loads(match.group(1))


def dutch(message):
    with translation.override("nl"):
        return translation.gettext(message)


def theme(code):
    return Theme.objects.get(code=code)


class TestWhoSeesWhat:
    def test_a_worker_sees_the_clients_of_their_own_open_dossiers(self, client, worker):
        team = worker.teams.get()
        mine = DossierFactory(team=team, responsible_worker=worker, **located())
        colleague = TeamMembershipFactory(team=team, user__role=Role.SOCIAL_WORKER).user
        DossierFactory(team=team, responsible_worker=colleague, **located())
        DossierFactory(responsible_worker=UserFactory(role=Role.SOCIAL_WORKER), **located())
        DossierFactory(
            team=team,
            responsible_worker=worker,
            status=Dossier.Status.CLOSED,
            ended_on=timezone.localdate(),
            closing_reason="goals_reached",
            **located(),
        )
        client.force_login(worker)

        response = client.get(URL)

        assert response.status_code == 200
        assert shown_dossiers(response) == [mine.pk]
        assert [c["url"] for c in map_data(response)["points"]] == [f"/werk/dossiers/{mine.pk}/"]

    def test_not_a_dossier_of_another_team_even_with_the_worker_responsible(self, client, worker):
        DossierFactory(responsible_worker=worker, **located())  # a team the worker left
        client.force_login(worker)
        response = client.get(URL)
        assert shown_dossiers(response) == []
        assert map_data(response)["points"] == []

    def test_a_team_leader_sees_their_own_clients(self, client):
        leader = TeamMembershipFactory(user__role=Role.TEAM_LEADER).user
        mine = DossierFactory(team=leader.teams.get(), responsible_worker=leader)
        client.force_login(leader)
        assert shown_dossiers(client.get(URL)) == [mine.pk]

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
    def test_roles_without_casework_get_no_map(self, client, role):
        user = TeamMembershipFactory(user__role=role).user
        DossierFactory(team=user.teams.get(), responsible_worker=user, **located())
        client.force_login(user)
        response = client.get(URL)
        assert response.status_code == 403
        assert b"client-map-data" not in response.content

    def test_anonymous_visitors_go_to_the_login_page(self, client):
        response = client.get(URL)
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/?next=/werk/kaart/")

    def test_the_map_only_reads(self, client, worker):
        client.force_login(worker)
        assert client.post(URL).status_code == 405

    def test_the_navigation_links_to_the_map_for_caseworkers_only(self, client, worker):
        client.force_login(worker)
        assert 'href="/werk/kaart/"' in client.get("/werk/").content.decode()
        client.force_login(UserFactory(role=Role.FUNCTIONAL_ADMIN))
        assert 'href="/werk/kaart/"' not in client.get("/werk/").content.decode()

    def test_reading_the_map_is_logged(self, client, worker):
        DossierFactory(team=worker.teams.get(), responsible_worker=worker, **located())
        client.force_login(worker)

        client.get(URL, {"theme": "huisvesting-wonen"})

        entry = AccessLogEntry.objects.get()
        assert entry.action == AccessLogEntry.Action.READ
        assert entry.actor_user_id == worker.pk
        assert entry.object_type == "dossiers.client"
        assert entry.path == "/werk/kaart/?theme=huisvesting-wonen"

    def test_a_refused_visit_reads_nothing(self, client):
        client.force_login(UserFactory(role=Role.MANAGER))
        client.get(URL)
        assert not AccessLogEntry.objects.filter(action=AccessLogEntry.Action.READ).exists()


class TestWhatTheMapShows:
    def test_a_flag_has_the_theme_of_the_first_question(self, client, worker):
        dossier = DossierFactory(
            team=worker.teams.get(),
            responsible_worker=worker,
            **located(client__first_name="Anna", client__last_name="Bakker"),
        )
        now = timezone.now()
        RegisteredQuestionFactory(
            dossier=dossier, theme=theme("huisvesting-wonen"), registered_at=now
        )
        RegisteredQuestionFactory(
            dossier=dossier,
            theme=theme("geldzaken-regelgeving"),
            registered_at=now - timezone.timedelta(days=1),
        )
        client.force_login(worker)

        data = map_data(client.get(URL))

        money = theme("geldzaken-regelgeving")
        assert data["points"] == [
            {
                "label": "Anna B.",
                "theme": money.name_nl,
                "slot": money.colour_slot,
                "symbol": str(list(Theme.objects.all()).index(money) + 1),
                "lat": 52.156,
                "lon": 5.388,
                "url": f"/werk/dossiers/{dossier.pk}/",
            }
        ]

    def test_the_map_data_holds_no_more_than_the_flags_need(self, client, worker):
        DossierFactory(
            team=worker.teams.get(),
            responsible_worker=worker,
            **located(
                client__first_name="Anna",
                client__last_name="Bakker",
                client__postcode="3811 AB",
                client__street="Langestraat",
                client__phone="0612345678",
            ),
        )
        client.force_login(worker)

        response = client.get(URL)

        script = json.dumps(map_data(response))
        for private in ("Bakker", "3811", "Langestraat", "0612345678"):
            assert private not in script
        html = response.content.decode()
        assert "Anna Bakker" in html  # the list under the map names the client in full
        assert "Langestraat" in html

    def test_clients_without_coordinates_are_listed_as_no_location_yet(self, client, worker):
        team = worker.teams.get()
        DossierFactory(team=team, responsible_worker=worker, client__first_name="Kees")
        on_map = DossierFactory(team=team, responsible_worker=worker, **located())
        client.force_login(worker)

        response = client.get(URL)

        assert [c["url"] for c in map_data(response)["points"]] == [f"/werk/dossiers/{on_map.pk}/"]
        assert [entry.name.split()[0] for entry in response.context["unlocated"]] == ["Kees"]
        assert dutch("No location yet") in response.content.decode()

    def test_the_list_is_grouped_by_neighbourhood(self, client, worker):
        team = worker.teams.get()
        west = NeighbourhoodFactory(name="Soesterkwartier")
        east = NeighbourhoodFactory(name="Kruiskamp")
        for name, place in (("Ada", west), ("Bas", east), ("Cor", None), ("Dirk", west)):
            DossierFactory(
                team=team,
                responsible_worker=worker,
                client__first_name=name,
                client__last_name=name,
                client__neighbourhood=place,
            )
        client.force_login(worker)

        groups = client.get(URL).context["groups"]

        assert [(name, [e.name.split()[0] for e in entries]) for name, entries in groups] == [
            ("Kruiskamp", ["Bas"]),
            ("Soesterkwartier", ["Ada", "Dirk"]),
            (groups[2][0], ["Cor"]),
        ]

    def test_the_legend_names_each_theme_on_the_page_in_words(self, client, worker):
        team = worker.teams.get()
        first = DossierFactory(team=team, responsible_worker=worker, **located())
        RegisteredQuestionFactory(dossier=first, theme=theme("opleiding-werk"))
        DossierFactory(team=team, responsible_worker=worker, **located())  # no question yet
        client.force_login(worker)

        response = client.get(URL)

        names = [item["name"] for item in response.context["legend"]]
        assert names[0] == theme("opleiding-werk").name_nl
        assert len(names) == 2
        legend = response.content.decode().split('id="legend-heading"')[1].split("</ul>")[0]
        assert escape(theme("opleiding-werk").name_nl) in legend
        assert escape(dutch("No question registered yet")) in legend
        assert escape(theme("vrijwillige-inzet").name_nl) not in legend

    def test_the_tiles_come_from_the_configured_address(self, client, worker, settings):
        settings.MAP_TILE_URL = "/static/img/map-tile-offline.svg"
        settings.MAP_TILE_ATTRIBUTION = "Kadaster"
        client.force_login(worker)
        tiles = map_data(client.get(URL))["tiles"]
        assert tiles["url"] == "/static/img/map-tile-offline.svg"
        assert tiles["attribution"] == "Kadaster"

    def test_the_page_loads_its_scripts_from_our_own_server_only(self, client, worker):
        client.force_login(worker)
        response = client.get(URL)
        html = response.content.decode()
        sources = re.findall(r'<script[^>]*src="([^"]+)"', html)
        assert sources and all(src.startswith("/static/") for src in sources)
        assert "/static/vendor/leaflet/leaflet.js" in sources
        assert "/static/js/point-map.js" in sources
        inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
        assert all('type="application/json"' in attributes for attributes in inline)


class TestThemeFilter:
    @pytest.fixture
    def caseload(self, worker):
        team = worker.teams.get()
        anna = DossierFactory(
            team=team, responsible_worker=worker, **located(client__first_name="Anna")
        )
        bram = DossierFactory(
            team=team, responsible_worker=worker, **located(client__first_name="Bram")
        )
        RegisteredQuestionFactory(dossier=anna, theme=theme("geldzaken-regelgeving"))
        RegisteredQuestionFactory(dossier=bram, theme=theme("huisvesting-wonen"))
        return {"anna": anna, "bram": bram}

    def test_only_dossiers_whose_first_question_has_the_theme(self, client, worker, caseload):
        client.force_login(worker)
        response = client.get(URL, {"theme": "huisvesting-wonen"})
        assert shown_dossiers(response) == [caseload["bram"].pk]
        assert len(map_data(response)["points"]) == 1

    def test_an_empty_choice_shows_everyone(self, client, worker, caseload):
        client.force_login(worker)
        response = client.get(URL, {"theme": ""})
        assert len(shown_dossiers(response)) == 2
        assert not response.context["form"].errors

    @pytest.mark.parametrize(
        "value",
        [
            "nope",
            "999",
            "<script>alert(1)</script>",
            "geldzaken-regelgeving' OR '1'='1",
            "x" * 5000,
            "\x00",
        ],
    )
    def test_a_bad_theme_gets_a_message_and_the_whole_map(self, client, worker, caseload, value):
        client.force_login(worker)
        response = client.get(URL, {"theme": value})
        assert response.status_code == 200
        assert len(shown_dossiers(response)) == 2
        assert response.context["form"].errors["theme"]
        assert 'role="alert"' in response.content.decode()
        assert "<script>alert(1)</script>" not in response.content.decode()

    def test_a_repeated_parameter_uses_the_last_value(self, client, worker, caseload):
        client.force_login(worker)
        response = client.get(f"{URL}?theme=nope&theme=geldzaken-regelgeving")
        assert response.status_code == 200
        assert shown_dossiers(response) == [caseload["anna"].pk]


@pytest.mark.parametrize("rows", [5, 200])
def test_query_count_does_not_grow_with_the_clients(client, django_assert_num_queries, rows):
    worker = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user
    team = worker.teams.get()
    places = [NeighbourhoodFactory() for _ in range(3)]
    themes = list(Theme.objects.all())
    for n in range(rows):
        dossier = DossierFactory(
            team=team,
            responsible_worker=worker,
            client__neighbourhood=places[n % 3],
            client__latitude=None if n % 7 == 0 else 52.1 + n / 10_000,
            client__longitude=None if n % 7 == 0 else 5.3 + n / 10_000,
        )
        RegisteredQuestionFactory(dossier=dossier, theme=themes[n % len(themes)])
        RegisteredQuestionFactory(dossier=dossier, theme=themes[(n + 1) % len(themes)])
    client.force_login(worker)
    client.get(URL)  # warm up: the first request of a session writes it
    # 1 session, 2 user, 3 the user's second factors (MFA check), 4 themes (filter and
    # legend), 5 team ids (policy), 6 the dossiers with client, neighbourhood and the theme
    # of the first question, 7 the access-log row
    with django_assert_num_queries(7):
        response = client.get(URL, {"theme": ""})
    assert len(response.context["entries"]) == rows
    assert len(map_data(response)["points"]) == rows - len(range(0, rows, 7))


def _settings_in_a_subprocess(code: str, **env_overrides) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MAP_", "GEO"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="kX9v-2pQ#w8zR4tL!m7yN3bF6hJ0cV5dG1sA@eU8iO2rT4qW9xZ",
        DJANGO_ALLOWED_HOSTS="buurtkompas.example",
        REDIS_URL="redis://127.0.0.1:6379/0",
        EMAIL_URL="smtp://mail.example:587",
        DATABASE_URL="postgres://buurtkompas@db.example:5432/buurtkompas",
        **env_overrides,
    )
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings as s; {code}",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_production_shows_pdok_tiles_and_allows_their_host_for_images_only():
    out = _settings_in_a_subprocess(
        "import json; print(json.dumps([s.MAP_TILE_URL, s.GEOCODER_BACKEND, s.SECURE_CSP]))"
    )
    tile_url, geocoder, csp = json.loads(out)
    assert tile_url.startswith("https://service.pdok.nl/brt/achtergrondkaart/")
    assert geocoder == "apps.core.geocoding.PdokLocatieserver"
    assert "https://service.pdok.nl" in csp["img-src"]
    others = [v for k, values in csp.items() if k != "img-src" for v in values]
    assert not any("pdok" in value for value in others)


def test_another_tile_server_is_allowed_together_with_its_url():
    out = _settings_in_a_subprocess(
        "print(s.SECURE_CSP['img-src'][-1])",
        MAP_TILE_URL="https://{s}.tiles.example.org/{z}/{x}/{y}.png",
    )
    assert out == "https://*.tiles.example.org"


class TestDemoData:
    """Demo clients lie close to the centre of their neighbourhood, so the map is usable."""

    def assert_near_their_neighbourhood(self, clients):
        assert clients
        for client in clients:
            place = client.neighbourhood
            assert abs(client.latitude - place.centroid_latitude) <= 0.005, client.pk
            assert abs(client.longitude - place.centroid_longitude) <= 0.005, client.pk

    def test_the_small_set(self, client):
        call_command("seed_demo", "--force", verbosity=0)
        self.assert_near_their_neighbourhood(Client.objects.select_related("neighbourhood"))
        client.force_login(User.objects.get(email=f"sociaalwerker@{DEMO_DOMAIN}"))
        response = client.get(URL)
        assert response.context["entries"]
        assert response.context["unlocated"] == []

    def test_the_large_set(self, monkeypatch):
        rng = random.Random(3)
        seed_organisation(size="small", rng=rng)
        for team in Team.objects.all():
            TeamMembershipFactory(team=team, user__role=Role.SOCIAL_WORKER)
        monkeypatch.setattr(demo, "LARGE_CLIENTS", 120)
        monkeypatch.setattr(demo, "LARGE_RETURNING_CLIENTS", 10)
        monkeypatch.setattr(demo, "LARGE_CHUNK", 50)
        monkeypatch.setattr(demo, "LARGE_CONTACTS_PER_DOSSIER", (0, 1))
        organisation = DemoOrganisation(teams=list(Team.objects.all()))

        demo._seed_large(organisation=organisation, rng=rng, faker=Faker("nl_NL"))

        clients = Client.objects.select_related("neighbourhood")
        assert clients.count() == 120
        self.assert_near_their_neighbourhood(clients)


class TestThemeColours:
    def test_each_sector_theme_has_a_colour_of_its_own(self):
        slots = [theme.colour_slot for theme in Theme.objects.all()]
        assert sorted(slots) == list(range(1, 11))

    def test_a_new_theme_gets_a_colour_from_its_code_that_never_changes(self):
        new = Theme(code="digitale-vaardigheden", name_nl="Digitaal", name_en="Digital")
        assert 1 <= new.colour_slot <= 10
        assert Theme(code="digitale-vaardigheden", position=99).colour_slot == new.colour_slot
