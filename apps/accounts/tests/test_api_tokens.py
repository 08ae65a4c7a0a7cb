"""Partner systems' API tokens: only a digest is stored, the token is shown once, it
expires, its last use is recorded (not on every request), and it can be revoked. Every
token that does not work gets a 401 problem document that says why, and changes nothing."""

from datetime import timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import ApiToken, Role
from apps.accounts.tests.factories import PartnerSystemFactory, UserFactory, api_token_for
from apps.audit.models import AccessLogEntry
from apps.dossiers.models import IntakeRequest
from apps.dossiers.tests.api_support import API, PROBLEM, member, post_json, token_header
from apps.organisation.tests.factories import TeamFactory

pytestmark = pytest.mark.django_db
REFERRALS = f"{API}/referrals/"
REFERRAL = {"first_name": "Fatima", "last_name": "El Amrani", "question": "Schulden."}


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def partner(team):
    return PartnerSystemFactory(teams=[team])


def refused(response, code: str) -> dict:
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"] == "Token"
    body = response.json()
    assert body["code"] == code
    assert body["title"] == "Niet ingelogd"
    return body


def issue(*args) -> str:
    out = StringIO()
    call_command("create_api_token", *args, stdout=out)
    (token,) = [
        line.rsplit(" ", 1)[-1] for line in out.getvalue().splitlines() if "API token" in line
    ]
    return token


class TestIssuing:
    def test_the_printed_token_works_and_only_its_digest_is_kept(self, client, team):
        token = issue("--email", "k@delinde.example", "--name", "De Linde", "--kind", "gp",
                      "--team", str(team.pk))  # fmt: skip
        stored = ApiToken.objects.get()
        assert token.startswith("bk_") and len(token) >= 40
        assert stored.digest == ApiToken.digest_of(token) != token
        assert token.startswith(stored.prefix) and len(stored.prefix) == 10
        expected = timezone.now() + timedelta(days=365)
        assert abs(stored.expires_at - expected) < timedelta(minutes=1)
        assert stored.last_used_at is None

        assert post_json(client, REFERRALS, REFERRAL, **token_header(token)).status_code == 201
        stored.refresh_from_db()
        assert stored.last_used_at is not None

    def test_expiry_in_days(self, team):
        issue("--email", "k@school.example", "--name", "School", "--kind", "school",
              "--team", str(team.pk), "--expires-in-days", "30")  # fmt: skip
        expected = timezone.now() + timedelta(days=30)
        assert abs(ApiToken.objects.get().expires_at - expected) < timedelta(minutes=1)

    @pytest.mark.parametrize("days", ["0", "-1", "100000"])
    def test_an_impossible_expiry_is_refused_and_nothing_is_made(self, team, days):
        with pytest.raises(CommandError, match=r"1 (and|en) 1825"):
            issue("--email", "k@school.example", "--name", "School", "--kind", "school",
                  "--team", str(team.pk), "--expires-in-days", days)  # fmt: skip
        assert not ApiToken.objects.exists()
        assert not AccessLogEntry.objects.exists()


class TestRefusedTokens:
    def test_an_expired_token_says_since_when(self, client, partner):
        token = api_token_for(partner, expires_at=timezone.now() - timedelta(days=1))
        body = refused(
            post_json(client, REFERRALS, REFERRAL, **token_header(token)), "token_expired"
        )
        assert "verlopen" in body["detail"]
        assert not IntakeRequest.objects.exists()
        assert ApiToken.objects.get().last_used_at is None

    def test_a_revoked_token(self, client, partner):
        token = api_token_for(partner, revoked_at=timezone.now())
        refused(post_json(client, REFERRALS, REFERRAL, **token_header(token)), "token_revoked")
        assert not IntakeRequest.objects.exists()

    @pytest.mark.parametrize(
        "forge",
        [
            lambda token: "bk_" + "A" * 43,
            lambda token: token[:-1] + ("a" if token[-1] != "a" else "b"),
            lambda token: token.upper(),
            lambda token: token[:10],  # the prefix that the admin shows
            lambda token: ApiToken.digest_of(token),  # the digest that the database holds
        ],
    )
    def test_a_forged_token(self, client, partner, forge):
        token = api_token_for(partner)
        response = post_json(client, REFERRALS, REFERRAL, **token_header(forge(token)))
        refused(response, "token_invalid")
        assert not IntakeRequest.objects.exists()
        assert ApiToken.objects.get().last_used_at is None

    @pytest.mark.parametrize(
        "header",
        ["Token", "Token ", "Token a b", "Token " + "x" * 500, "Token caf\xe9", "token \t"],
    )
    def test_a_malformed_header(self, client, partner, header):
        response = post_json(client, REFERRALS, REFERRAL, HTTP_AUTHORIZATION=header)
        refused(response, "token_malformed")
        assert not IntakeRequest.objects.exists()

    @pytest.mark.parametrize("header", ["Bearer abc", "Basic YTpi", "abc"])
    def test_another_scheme_is_no_token_at_all(self, client, header):
        response = post_json(client, REFERRALS, REFERRAL, HTTP_AUTHORIZATION=header)
        refused(response, "not_authenticated")

    def test_a_switched_off_account(self, client, partner):
        token = api_token_for(partner)
        partner.account.is_active = False
        partner.account.save(update_fields=["is_active"])
        refused(post_json(client, REFERRALS, REFERRAL, **token_header(token)), "inactive")

    def test_refusals_are_in_dutch_or_in_english(self, client, partner):
        client.cookies["django_language"] = "en"
        token = api_token_for(partner, revoked_at=timezone.now())
        response = post_json(client, REFERRALS, REFERRAL, **token_header(token))
        assert response.json()["detail"].startswith("This API token has been revoked")

    def test_a_good_token_still_reads_no_dossier(self, client, partner):
        token = api_token_for(partner)
        assert client.get(f"{API}/dossiers/", **token_header(token)).status_code == 403


class TestLastUsed:
    def updates(self, queries) -> list[str]:
        return [
            q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "apitoken" in q["sql"]
        ]

    def test_written_once_a_minute_not_on_every_request(self, client, partner):
        token = api_token_for(partner)
        headers = token_header(token)
        url = f"{API}/instruments/"  # a read a partner may do, which writes nothing else
        with CaptureQueriesContext(connection) as first:
            assert client.get(url, **headers).status_code == 200
        with CaptureQueriesContext(connection) as second:
            assert client.get(url, **headers).status_code == 200
        assert len(self.updates(first.captured_queries)) == 1
        assert self.updates(second.captured_queries) == []

        two_minutes_ago = timezone.now() - timedelta(minutes=2)
        ApiToken.objects.update(last_used_at=two_minutes_ago)
        with CaptureQueriesContext(connection) as later:
            client.get(url, **headers)
        assert len(self.updates(later.captured_queries)) == 1
        assert ApiToken.objects.get().last_used_at > two_minutes_ago

    def test_a_concurrent_request_that_saw_the_old_time_writes_nothing(self, partner):
        api_token_for(partner)
        now = timezone.now()
        seen_by_both = ApiToken.objects.get()
        other = ApiToken.objects.get()
        seen_by_both.mark_used(now=now)
        other.mark_used(now=now + timedelta(seconds=5))
        assert ApiToken.objects.get().last_used_at == now


class TestRevoking:
    def revoke(self, *args) -> str:
        out = StringIO()
        call_command("revoke_api_token", *args, stdout=out)
        return out.getvalue()

    def test_all_working_tokens_of_a_partner(self, client, partner):
        tokens = [api_token_for(partner), api_token_for(partner)]
        other = api_token_for(PartnerSystemFactory(teams=list(partner.teams.all())))
        assert "2" in self.revoke("--email", partner.account.email.upper())
        for token in tokens:
            refused(post_json(client, REFERRALS, REFERRAL, **token_header(token)), "token_revoked")
        assert post_json(client, REFERRALS, REFERRAL, **token_header(other)).status_code == 201
        assert (
            AccessLogEntry.objects.filter(
                action="update", object_id=str(partner.account_id), reason__contains="revoked"
            ).count()
            == 2
        )

    def test_one_token_by_its_prefix(self, client, partner):
        old, new = api_token_for(partner), api_token_for(partner)
        self.revoke("--email", partner.account.email, "--prefix", old[:10])
        refused(post_json(client, REFERRALS, REFERRAL, **token_header(old)), "token_revoked")
        assert post_json(client, REFERRALS, REFERRAL, **token_header(new)).status_code == 201

    def test_nothing_to_revoke(self, partner):
        with pytest.raises(CommandError):
            self.revoke("--email", "niemand@example.nl")
        api_token_for(partner, revoked_at=timezone.now())
        with pytest.raises(CommandError):
            self.revoke("--email", partner.account.email)


class TestAdmin:
    URL = "/beheer/accounts/apitoken/"

    @pytest.fixture
    def admin_client(self, client):
        client.force_login(UserFactory(role=Role.FUNCTIONAL_ADMIN))
        return client

    def test_lists_tokens_without_their_secret(self, admin_client, partner):
        token = api_token_for(partner)
        page = admin_client.get(self.URL).content.decode()
        assert token[:10] in page
        assert token not in page and ApiToken.digest_of(token) not in page
        assert admin_client.get(f"{self.URL}add/").status_code == 403
        stored = ApiToken.objects.get()
        detail = admin_client.get(f"{self.URL}{stored.pk}/change/")
        assert detail.status_code == 200
        assert stored.digest not in detail.content.decode()
        assert 'name="_save"' not in detail.content.decode()  # a page to read, not to edit

    def test_revoke_action(self, client, admin_client, partner):
        token = api_token_for(partner)
        stored = ApiToken.objects.get()
        response = admin_client.post(
            self.URL, {"action": "revoke", "_selected_action": [stored.pk]}, follow=True
        )
        assert "1 sleutel ingetrokken." in response.content.decode()
        refused(post_json(client, REFERRALS, REFERRAL, **token_header(token)), "token_revoked")

    @pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.TEAM_LEADER, Role.MANAGER])
    def test_only_a_functional_administrator(self, client, partner, role):
        api_token_for(partner)
        client.force_login(member(role=role) if role != Role.MANAGER else UserFactory(role=role))
        assert client.get(self.URL).status_code in (302, 403)
        stored = ApiToken.objects.get()
        client.post(self.URL, {"action": "revoke", "_selected_action": [stored.pk]})
        stored.refresh_from_db()
        assert stored.revoked_at is None


class TestTokensFromBeforeHashing:
    """rest_framework.authtoken kept tokens in plain text; the migration moves them."""

    def run_migration(self):
        from importlib import import_module

        migration = import_module("apps.accounts.migrations.0003_api_tokens")
        # The function uses the editor's connection only; a real editor cannot be opened
        # inside the test's transaction on SQLite.
        migration.hash_legacy_tokens(django_apps, SimpleNamespace(connection=connection))

    @pytest.fixture
    def legacy_table(self):
        with connection.cursor() as cursor:
            cursor.execute(
                'CREATE TABLE authtoken_token ("key" varchar(40) PRIMARY KEY, '
                "created timestamp with time zone NOT NULL, user_id bigint NOT NULL)"
                if connection.vendor == "postgresql"
                else 'CREATE TABLE authtoken_token ("key" varchar(40) PRIMARY KEY, '
                "created datetime NOT NULL, user_id bigint NOT NULL)"
            )
        yield
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE authtoken_token")

    def test_a_partners_token_keeps_working_and_a_persons_is_dropped(
        self, client, partner, legacy_table
    ):
        person = member()
        created = timezone.now() - timedelta(days=400)
        with connection.cursor() as cursor:
            for key, user in (("a" * 40, partner.account), ("b" * 40, person)):
                cursor.execute(
                    'INSERT INTO authtoken_token ("key", created, user_id) VALUES (%s, %s, %s)',
                    [key, created, user.pk],
                )

        self.run_migration()

        stored = ApiToken.objects.get()
        assert stored.partner == partner and stored.prefix == "a" * 10
        assert abs(stored.created_at - created) < timedelta(seconds=1)
        assert stored.expires_at > timezone.now() + timedelta(days=364)
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM authtoken_token")
            assert cursor.fetchone() == (0,)  # no plain-text token left behind
        assert post_json(client, REFERRALS, REFERRAL, **token_header("a" * 40)).status_code == 201
        refused(post_json(client, REFERRALS, REFERRAL, **token_header("b" * 40)), "token_invalid")

    def test_without_the_old_table_nothing_happens(self):
        self.run_migration()
        assert not ApiToken.objects.exists()
