"""Informal help: a resident asks, a volunteer coordinator of the team near them matches a
volunteer, the volunteer sees only what they need; nobody else sees any of it."""

import pytest

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.organisation.tests.factories import NeighbourhoodFactory, TeamMembershipFactory
from apps.portal import informal_help
from apps.portal.models import InformalHelpRequest, VolunteerMatch

pytestmark = pytest.mark.django_db
URL = "/informele-hulp/"


@pytest.fixture
def coordinator():
    membership = TeamMembershipFactory(user__role=Role.SOCIAL_WORKER, coordinates_volunteers=True)
    # Amersfoort to the offline geocoder: postcode area 38.
    district = NeighbourhoodFactory(centroid_latitude=52.1561, centroid_longitude=5.3878)
    membership.team.neighbourhoods.add(district)
    return membership.user


@pytest.fixture
def team(coordinator):
    return coordinator.teams.get()


@pytest.fixture
def volunteer(team):
    return TeamMembershipFactory(
        team=team, user__role=Role.VOLUNTEER, user__first_name="Kees", user__last_name="Jansen"
    ).user


@pytest.fixture
def resident():
    return UserFactory(role=Role.RESIDENT, first_name="Fatima", last_name="El Amrani")


def ask(resident, **changes):
    fields = {
        "kind": "ride",
        "description": "Ik moet elke dinsdag naar het ziekenhuis.",
        "when": "dinsdagochtend",
        "postcode": "3811 AB",
        "phone": "06 12345678",
    } | changes
    return informal_help.informal_help_ask(actor=resident, **fields)


class TestAsking:
    def test_a_resident_asks_and_the_team_near_them_gets_it(self, client, resident, team):
        client.force_login(resident)
        sent = client.post(
            URL,
            {
                "kind": "buddy",
                "description": "Iemand om mee te wandelen.",
                "when": "",
                "postcode": "3811ab",
                "phone": "",
            },
        )
        assert sent.status_code == 302
        asked = InformalHelpRequest.objects.get()
        assert (asked.team, asked.resident, asked.postcode) == (team, resident, "3811 AB")
        page = client.get(URL)
        assert "Wacht op een vrijwilliger" in page.content.decode()

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"description": ""}, "description"),
            ({"postcode": "12"}, "postcode"),
            ({"kind": "spaceship"}, "kind"),
            ({"phone": "bel me"}, "phone"),
        ],
        ids=["no-description", "bad-postcode", "unknown-kind", "bad-phone"],
    )
    def test_bad_input_gets_a_message_and_nothing_is_sent(
        self, client, resident, team, changes, field
    ):
        client.force_login(resident)
        data = {"kind": "ride", "description": "Naar de dokter.", "postcode": "3811 AB"}
        refused = client.post(URL, data | changes)
        assert refused.status_code == 400
        assert refused.context["form"].errors[field]
        assert not InformalHelpRequest.objects.exists()

    def test_without_any_coordinator_it_says_so(self, client, resident):
        client.force_login(resident)
        refused = client.post(
            URL, {"kind": "ride", "description": "Naar de dokter.", "postcode": "3811 AB"}
        )
        assert refused.status_code == 400
        assert "Bel ons" in refused.content.decode()
        assert not InformalHelpRequest.objects.exists()

    @pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.VOLUNTEER, Role.MANAGER])
    def test_only_residents_ask(self, client, team, role):
        client.force_login(UserFactory(role=role))
        assert client.get(URL).status_code == 403


class TestMatching:
    def test_the_coordinator_matches_a_volunteer_who_is_mailed_without_content(
        self,
        client,
        coordinator,
        volunteer,
        resident,
        mailoutbox,
        django_capture_on_commit_callbacks,
    ):
        asked = ask(resident)
        client.force_login(coordinator)
        assert client.get("/werk/informele-hulp/").status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            matched = client.post(
                f"/werk/informele-hulp/{asked.pk}/",
                {"volunteer": volunteer.pk, "note": "Fatima loopt slecht."},
            )
        assert matched.status_code == 302
        asked.refresh_from_db()
        assert asked.status == InformalHelpRequest.Status.MATCHED
        assert [mail.to for mail in mailoutbox] == [[volunteer.email]]
        assert "ziekenhuis" not in mailoutbox[0].body and "Fatima" not in mailoutbox[0].body

    def test_the_volunteer_sees_only_what_they_need(self, client, coordinator, volunteer, resident):
        asked = ask(resident)
        informal_help.volunteer_match(actor=coordinator, request=asked, volunteer=volunteer)
        client.force_login(volunteer)
        page = client.get("/vrijwilliger/koppelingen/").content.decode()
        assert "Fatima" in page and "El Amrani" not in page
        assert "06 12345678" in page and "3811" in page and "3811 AB" not in page
        client.force_login(TeamMembershipFactory(user__role=Role.VOLUNTEER).user)
        assert "Fatima" not in client.get("/vrijwilliger/koppelingen/").content.decode()

    def test_a_volunteer_of_another_team_cannot_be_matched(
        self, client, coordinator, team, resident
    ):
        asked = ask(resident)
        outsider = TeamMembershipFactory(user__role=Role.VOLUNTEER).user
        client.force_login(coordinator)
        refused = client.post(f"/werk/informele-hulp/{asked.pk}/", {"volunteer": outsider.pk})
        assert refused.status_code == 400
        assert not VolunteerMatch.objects.exists()

    def test_a_request_is_matched_once(self, client, coordinator, volunteer, resident, team):
        asked = ask(resident)
        other = TeamMembershipFactory(team=team, user__role=Role.VOLUNTEER).user
        informal_help.volunteer_match(actor=coordinator, request=asked, volunteer=volunteer)
        client.force_login(coordinator)
        again = client.post(f"/werk/informele-hulp/{asked.pk}/", {"volunteer": other.pk})
        assert again.status_code == 400
        assert VolunteerMatch.objects.count() == 1

    def test_closing_ends_the_match(self, client, coordinator, volunteer, resident):
        asked = ask(resident)
        informal_help.volunteer_match(actor=coordinator, request=asked, volunteer=volunteer)
        client.force_login(coordinator)
        client.post(f"/werk/informele-hulp/{asked.pk}/", {"close": "yes"})
        assert VolunteerMatch.objects.get().ended_at is not None
        client.force_login(volunteer)
        assert "Fatima" not in client.get("/vrijwilliger/koppelingen/").content.decode()

    def test_another_teams_coordinator_gets_a_404(self, client, resident, team):
        asked = ask(resident)
        other = TeamMembershipFactory(
            user__role=Role.SOCIAL_WORKER, coordinates_volunteers=True
        ).user
        client.force_login(other)
        assert client.get(f"/werk/informele-hulp/{asked.pk}/").status_code == 404

    @pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.VOLUNTEER, Role.RESIDENT])
    def test_who_does_not_coordinate_cannot_open_the_queue(self, client, team, role):
        client.force_login(TeamMembershipFactory(team=team, user__role=role).user)
        assert client.get("/werk/informele-hulp/").status_code == 403

    def test_a_forged_request_number_is_a_404(self, client, coordinator):
        client.force_login(coordinator)
        assert client.get("/werk/informele-hulp/999999/").status_code == 404
