"""Referrals from partner systems (a GP's or school's software): with a token, into the
intake queue of a team the partner was set up for; nothing else is open to them."""

import datetime

import pytest

from apps.accounts.models import PartnerSystem, Role
from apps.accounts.tests.factories import TEST_PASSWORD, PartnerSystemFactory, api_token_for
from apps.audit.models import AccessLogEntry
from apps.dossiers.models import IntakeRequest
from apps.dossiers.tests.api_support import API, field_errors, member, post_json, token_header
from apps.organisation.tests.factories import TeamFactory

pytestmark = pytest.mark.django_db
URL = f"{API}/referrals/"


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def partner(team):
    return PartnerSystemFactory(name="Huisartsenpraktijk De Linde", teams=[team])


@pytest.fixture
def headers(partner):
    return token_header(api_token_for(partner))


def referral(**changes):
    return {
        "first_name": "Fatima",
        "last_name": "El Amrani",
        "birth_date": "1961-04-12",
        "postcode": "3811ab",
        "house_number": "12",
        "phone": "06 12345678",
        "question": "Mevrouw heeft veel schulden en slaapt slecht.",
        **changes,
    }


class TestReferral:
    def test_a_referral_lands_in_the_teams_intake_queue(self, client, team, partner, headers):
        response = post_json(client, URL, referral(), **headers)

        assert response.status_code == 201
        intake = IntakeRequest.objects.get()
        assert intake.team == team
        assert intake.status == IntakeRequest.Status.NEW
        assert intake.source == "gp"
        assert intake.referrer == "Huisartsenpraktijk De Linde"
        assert intake.postcode == "3811 AB"
        assert intake.birth_date == datetime.date(1961, 4, 12)
        # The receipt only: the partner sent the person's data, it gets none back.
        assert set(response.json()) == {"id", "team", "status", "received_at"}
        assert response.json()["id"] == intake.pk
        entry = AccessLogEntry.objects.get()
        assert (entry.action, entry.object_type, entry.object_id) == (
            "create",
            "dossiers.intakerequest",
            str(intake.pk),
        )
        assert entry.actor_user_id == partner.account_id
        assert entry.actor_role == Role.PARTNER_SYSTEM

    def test_the_team_sees_it_in_its_intake_queue(self, client, team, headers):
        post_json(client, URL, referral(), **headers)
        client.force_login(member(team))
        assert "El Amrani" in client.get("/werk/dossiers/intake/").content.decode()

    def test_a_partner_of_several_teams_names_the_team(self, client, team, partner, headers):
        second = TeamFactory()
        partner.teams.add(second)
        missing = post_json(client, URL, referral(), **headers)
        assert missing.status_code == 400
        assert "team" in field_errors(missing)
        chosen = post_json(client, URL, referral(team=second.pk), **headers)
        assert chosen.status_code == 201
        assert IntakeRequest.objects.get().team == second

    def test_a_team_it_was_not_set_up_for_is_refused(self, client, headers):
        elsewhere = TeamFactory()
        response = post_json(client, URL, referral(team=elsewhere.pk), **headers)
        assert response.status_code == 400
        assert "team" in field_errors(response)
        assert not IntakeRequest.objects.exists()


class TestBadReferrals:
    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"first_name": ""}, "first_name"),
            ({"question": ""}, "question"),
            ({"birth_date": "2999-01-01"}, "birth_date"),
            ({"birth_date": "12-04-1961"}, "birth_date"),
            ({"postcode": "1234"}, "postcode"),
            ({"postcode": "0123 AB"}, "postcode"),
            ({"email": "geen e-mail"}, "email"),
            ({"team": 999999}, "team"),
            ({"team": "Team Noord"}, "team"),
            ({"team": True}, "team"),
            ({"last_name": "x" * 151}, "last_name"),
            ({"source": "police"}, "source"),
            ({"referrer": "Someone else"}, "referrer"),
            ({"status": "converted"}, "status"),
            ({"bsn": "123456782"}, "bsn"),
        ],
    )
    def test_a_400_per_field_and_nothing_saved(self, client, headers, changes, field):
        response = post_json(client, URL, referral(**changes), **headers)
        assert response.status_code == 400
        assert field in field_errors(response)
        assert not IntakeRequest.objects.exists()
        assert not AccessLogEntry.objects.exists()

    def test_missing_fields(self, client, headers):
        response = post_json(client, URL, {}, **headers)
        assert response.status_code == 400
        assert set(field_errors(response)) == {"first_name", "last_name", "question"}


class TestWhoMaySend:
    def test_anonymous_gets_401(self, client):
        assert post_json(client, URL, referral()).status_code == 401

    def test_a_wrong_token_gets_401(self, client):
        response = post_json(client, URL, referral(), **token_header("0" * 40))
        assert response.status_code == 401

    def test_an_inactive_partner_gets_401(self, client, partner, headers):
        partner.account.is_active = False
        partner.account.save()
        assert post_json(client, URL, referral(), **headers).status_code == 401

    def test_a_partner_without_teams_gets_403(self, client, partner, headers):
        partner.teams.clear()
        assert post_json(client, URL, referral(), **headers).status_code == 403

    @pytest.mark.parametrize(
        "role",
        [
            Role.RESIDENT,
            Role.VOLUNTEER,
            Role.SOCIAL_WORKER,
            Role.TEAM_LEADER,
            Role.MANAGER,
            Role.MUNICIPALITY_VIEWER,
            Role.FUNCTIONAL_ADMIN,
        ],
    )
    def test_people_do_not_send_referrals_through_the_api(self, client, team, role):
        client.force_login(member(team, role))
        assert post_json(client, URL, referral()).status_code == 403
        assert not IntakeRequest.objects.exists()

    def test_only_post(self, client, headers):
        assert client.get(URL, **headers).status_code == 405


class TestPartnerSystemAccount:
    def test_cannot_sign_in_to_pages_even_with_a_password(self, client, partner):
        partner.account.set_password(TEST_PASSWORD)
        partner.account.save()
        response = client.post(
            "/account/login/", {"login": partner.account.email, "password": TEST_PASSWORD}
        )
        assert response.status_code == 200  # the login form again, with an error
        assert "_auth_user_id" not in client.session

    def test_needs_no_second_factor(self, partner):
        assert partner.account.requires_mfa is False

    @pytest.mark.parametrize("page", ["/werk/", "/werk/dossiers/intake/", "/rapportage/"])
    def test_a_session_would_open_no_page(self, client, partner, page):
        client.force_login(partner.account)
        assert client.get(page).status_code == 403

    def test_its_kind_matches_a_dossier_source(self):
        from apps.dossiers.models import Dossier

        assert set(PartnerSystem.Kind.values) <= set(Dossier.Source.values)
