"""Asking for help online, from any page: the postcode finds the team (never a list of
internal team names), a name is not needed, the resident gets a reference and, with an
account, follows the request in My support."""

import re

import pytest
from django.utils.html import escape

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.dossiers import help_requests
from apps.dossiers.models import IntakeRequest
from apps.organisation.models import Team, Theme
from apps.organisation.tests.factories import NeighbourhoodFactory, TeamFactory

pytestmark = pytest.mark.django_db
URL = "/hulp-vragen/"
# Postcode area 38 is Amersfoort to the offline geocoder: within a kilometre of this point.
AMERSFOORT = (52.1561, 5.3878)
UTRECHT = (52.0907, 5.1214)


@pytest.fixture
def teams():
    """Two districts, each with a neighbourhood team and a money team."""
    made = {}
    for town, (latitude, longitude) in (("amersfoort", AMERSFOORT), ("utrecht", UTRECHT)):
        district = NeighbourhoodFactory(centroid_latitude=latitude, centroid_longitude=longitude)
        for specialism in (Team.Specialism.SOCIAL_WORK, Team.Specialism.DEBT):
            team = TeamFactory(
                name=f"{specialism} {town}",
                specialism=specialism,
                municipality=district.municipality,
            )
            team.neighbourhoods.add(district)
            made[(town, specialism)] = team
    return made


def theme(code="mentaal-welbevinden-zingeving"):
    return Theme.objects.get(code=code)


def form(**changes):
    return {
        "theme": theme().pk,
        "question": "Ik voel me vaak alleen sinds mijn man overleed.",
        "postcode": "3811 AB",
        "house_number": "",
        "contact_by": "phone",
        "name": "",
        "phone": "06 12345678",
        "email": "",
        **changes,
    }


def send(client, data):
    session = client.session
    token = help_requests.help_request_token_issue(session=session)
    session.save()
    return client.post(URL, {**data, "once": token})


class TestAsking:
    def test_the_form_asks_a_postcode_and_names_no_team(self, client, teams):
        page = client.get(URL)
        assert page.status_code == 200
        html = page.content.decode()
        assert 'name="postcode"' in html and 'name="team"' not in html
        assert all(escape(team.name) not in html for team in teams.values())

    def test_a_subject_from_a_journey_is_chosen_already(self, client, teams):
        page = client.get(URL, {"thema": "geldzaken-regelgeving"})
        assert page.context["form"].initial["theme"] == theme("geldzaken-regelgeving")

    def test_without_a_name_it_lands_at_the_team_near_the_postcode(self, client, teams):
        sent = send(client, form())
        assert sent.status_code == 302 and sent.url == "/hulp-vragen/verstuurd/"
        intake = IntakeRequest.objects.get()
        assert intake.team == teams[("amersfoort", Team.Specialism.SOCIAL_WORK)]
        assert (intake.source, intake.contact_by, intake.theme) == ("online", "phone", theme())
        assert intake.full_name == "Zonder naam" or intake.full_name == "Without a name"
        assert intake.requested_by is None
        assert re.fullmatch(r"HV-[A-Z0-9]{4}-[A-Z0-9]{4}", intake.reference)
        page = client.get(sent.url)
        assert intake.reference in page.content.decode()
        # Reloading the confirmation shows it again and sends nothing new.
        assert intake.reference in client.get(sent.url).content.decode()
        assert IntakeRequest.objects.count() == 1

    def test_a_money_question_goes_to_the_money_team_of_that_district(self, client, teams):
        send(client, form(theme=theme("geldzaken-regelgeving").pk, postcode="3512 JE"))
        intake = IntakeRequest.objects.get()
        assert intake.team == teams[("utrecht", Team.Specialism.DEBT)]

    def test_outside_our_area_the_theme_chooses_the_team(self, client, teams):
        send(client, form(theme=theme("geldzaken-regelgeving").pk, postcode="9999 ZZ"))
        assert IntakeRequest.objects.get().team.specialism == Team.Specialism.DEBT

    def test_a_logged_in_resident_follows_it_in_my_support(self, client, teams):
        resident = UserFactory(role=Role.RESIDENT, email="sanne@example.org")
        client.force_login(resident)
        send(client, form(phone="", contact_by="message"))
        intake = IntakeRequest.objects.get()
        assert (intake.requested_by, intake.email) == (resident, "sanne@example.org")
        html = client.get("/mijn-hulp/").content.decode()
        assert intake.reference in html

    def test_another_resident_does_not_see_it(self, client, teams):
        client.force_login(UserFactory(role=Role.RESIDENT))
        send(client, form())
        reference = IntakeRequest.objects.get().reference
        client.force_login(UserFactory(role=Role.RESIDENT))
        assert reference not in client.get("/mijn-hulp/").content.decode()

    def test_the_confirmation_without_a_request_goes_back_to_the_form(self, client):
        assert client.get("/hulp-vragen/verstuurd/").url == URL


class TestBadInput:
    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"question": "   "}, "question"),
            ({"question": "x" * 2001}, "question"),
            ({"postcode": ""}, "postcode"),
            ({"postcode": "12345"}, "postcode"),
            ({"phone": "", "email": ""}, "phone"),
            ({"phone": "", "email": "sanne@", "contact_by": "message"}, "email"),
            ({"contact_by": "pigeon"}, "contact_by"),
            ({"theme": "999999"}, "theme"),
            ({"theme": "geld"}, "theme"),
            ({"contact_by": "home_visit"}, "house_number"),
            ({"contact_by": "phone", "phone": "", "email": "sanne@example.org"}, "phone"),
        ],
        ids=[
            "empty-question",
            "long-question",
            "no-postcode",
            "bad-postcode",
            "no-way-to-reach",
            "bad-email",
            "unknown-contact",
            "unknown-theme",
            "theme-not-a-number",
            "visit-without-address",
            "call-without-phone",
        ],
    )
    def test_a_clear_message_at_the_field_and_nothing_sent(self, client, teams, changes, field):
        refused = send(client, form(**changes))
        assert refused.status_code == 400
        assert refused.context["form"].errors[field]
        assert IntakeRequest.objects.count() == 0

    def test_a_burst_from_one_address_is_stopped_with_a_friendly_message(self, client, teams):
        for _ in range(help_requests.REQUESTS_PER_HOUR):
            assert send(client, form()).status_code == 302
        refused = send(client, form())
        assert refused.status_code == 429
        assert "Probeer het over een uur opnieuw" in refused.content.decode()
        assert IntakeRequest.objects.count() == help_requests.REQUESTS_PER_HOUR

    def test_a_double_click_sends_one_request(self, client, teams):
        session = client.session
        token = help_requests.help_request_token_issue(session=session)
        session.save()
        first = client.post(URL, {**form(), "once": token})
        second = client.post(URL, {**form(), "once": token})
        assert first.url == second.url == "/hulp-vragen/verstuurd/"
        assert IntakeRequest.objects.count() == 1

    def test_a_form_without_its_token_is_not_sent(self, client, teams):
        again = client.post(URL, {**form(), "once": "made-up"})
        assert again.status_code == 400
        assert IntakeRequest.objects.count() == 0


class TestAtIntake:
    def test_an_anonymous_request_becomes_a_client_the_worker_can_name(self, client, teams):
        send(client, form())
        intake = IntakeRequest.objects.get()
        from apps.dossiers.services import intake_convert
        from apps.organisation.tests.factories import TeamMembershipFactory

        worker = TeamMembershipFactory(team=intake.team, user__role=Role.SOCIAL_WORKER).user
        dossier = intake_convert(
            intake=intake,
            actor=worker,
            questions=[(theme(), "Eenzaamheid", "")],
        )
        assert dossier.client.last_name == intake.reference

    def test_the_intake_queue_shows_the_reference_and_how_to_reach_them(self, client, teams):
        send(client, form())
        intake = IntakeRequest.objects.get()
        from apps.organisation.tests.factories import TeamMembershipFactory

        worker = TeamMembershipFactory(team=intake.team, user__role=Role.SOCIAL_WORKER).user
        client.force_login(worker)
        html = client.get(f"/werk/dossiers/intake/{intake.pk}/").content.decode()
        assert intake.reference in html
        assert "Een telefoongesprek" in html
