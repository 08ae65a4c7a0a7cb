import time

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from apps.accounts.middleware import LAST_ACTIVITY_KEY
from apps.accounts.models import Role, User
from apps.accounts.tests.factories import TEST_PASSWORD, UserFactory, totp_code

LOGIN = "/account/login/"


def login(client, user, password=TEST_PASSWORD):
    return client.post(LOGIN, {"login": user.email, "password": password})


@pytest.mark.django_db
class TestPasswordLogin:
    def test_wrong_password_gets_a_dutch_message_and_no_session(self, client):
        user = UserFactory()
        response = login(client, user, password="niet-het-wachtwoord")
        assert response.status_code == 200
        assert "wachtwoord" in response.content.decode().lower()
        assert "_auth_user_id" not in client.session

    def test_repeated_failures_are_rate_limited(self, client):
        user = UserFactory()
        for attempt in range(5):
            response = login(client, user, password=f"fout-{attempt}")
            assert "Te veel inlogpogingen" not in response.content.decode()
        response = login(client, user, password="fout-6")
        assert "Te veel inlogpogingen" in response.content.decode()
        # Even the right password is refused while the limit holds.
        response = login(client, user)
        assert "Te veel inlogpogingen" in response.content.decode()
        assert "_auth_user_id" not in client.session

    @pytest.mark.parametrize(
        ("role", "landing"),
        [
            (Role.RESIDENT, "/"),
            (Role.VOLUNTEER, "/vrijwilliger/koppelingen/"),
            (Role.SOCIAL_WORKER, "/werk/"),
            (Role.TEAM_LEADER, "/werk/"),
            (Role.FUNCTIONAL_ADMIN, "/werk/"),
            (Role.MANAGER, "/rapportage/"),
            (Role.MUNICIPALITY_VIEWER, "/rapportage/"),
        ],
    )
    def test_each_role_lands_in_its_own_area(self, client, role, landing):
        user = UserFactory(role=role)
        response = login(client, user)
        if user.requires_mfa:
            assert response.url == reverse("mfa_authenticate")
            response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
        assert response.status_code == 302
        assert response.url == landing


@pytest.mark.django_db
class TestStaffSecondFactor:
    def test_staff_login_stops_at_the_code_step(self, client):
        worker = UserFactory(role=Role.SOCIAL_WORKER)
        response = login(client, worker)
        assert response.url == reverse("mfa_authenticate")
        assert "_auth_user_id" not in client.session

    def test_wrong_code_keeps_the_staff_user_out(self, client):
        worker = UserFactory(role=Role.SOCIAL_WORKER)
        login(client, worker)
        response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert response.status_code == 200
        assert "ongeldig" in response.content.decode().lower()
        assert "_auth_user_id" not in client.session
        assert client.get("/werk/").status_code == 302

    def test_the_previous_code_still_works_an_older_one_does_not(self, client):
        worker = UserFactory(role=Role.SOCIAL_WORKER)
        login(client, worker)
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(offset=-3)})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(offset=-1)})
        assert response.status_code == 302

    def test_a_used_code_cannot_be_replayed(self, client):
        worker = UserFactory(role=Role.SOCIAL_WORKER)
        code = totp_code()
        login(client, worker)
        assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
        client.logout()
        login(client, worker)
        response = client.post(reverse("mfa_authenticate"), {"code": code})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session

    @pytest.mark.parametrize(
        "path", ["/werk/", "/rapportage/", "/beheer/", "/", "/werk/toegangslog/"]
    )
    def test_staff_without_mfa_are_sent_to_set_it_up(self, client, path):
        manager = UserFactory(role=Role.MANAGER, with_totp=False)
        client.force_login(manager)
        response = client.get(path)
        assert response.status_code == 302
        assert response.url == reverse("mfa_activate_totp")

    def test_setting_up_mfa_asks_for_the_password_again_then_opens(self, client):
        """allauth guards changes to the second factor with a fresh password check."""
        manager = UserFactory(role=Role.MANAGER, with_totp=False)
        response = login(client, manager)
        assert client.get(response.url).url == reverse("mfa_activate_totp")
        response = client.get(reverse("mfa_activate_totp"))
        assert response.url.startswith(reverse("account_reauthenticate"))
        response = client.post(response.url, {"password": TEST_PASSWORD})
        assert response.url == reverse("mfa_activate_totp")
        assert client.get(reverse("mfa_activate_totp")).status_code == 200

    def test_removing_the_authenticator_ends_access_in_the_open_session(self, client):
        from allauth.mfa.models import Authenticator

        worker = UserFactory(role=Role.SOCIAL_WORKER)
        client.force_login(worker)
        assert client.get("/werk/").status_code == 200
        Authenticator.objects.filter(user=worker).delete()
        response = client.get("/werk/")
        assert response.status_code == 302
        assert response.url == reverse("mfa_activate_totp")

    def test_totp_secrets_are_stored_encrypted(self):
        from allauth.mfa.models import Authenticator

        from apps.accounts.tests.factories import TEST_TOTP_SECRET

        worker = UserFactory(role=Role.SOCIAL_WORKER)
        stored = Authenticator.objects.get(user=worker, type="totp").data["secret"]
        assert TEST_TOTP_SECRET not in stored

    def test_residents_do_not_need_mfa(self, client):
        client.force_login(UserFactory(role=Role.RESIDENT))
        assert client.get("/").status_code == 200


@pytest.mark.django_db
class TestStaffIdleTimeout:
    def _set_last_activity(self, client, seconds_ago):
        session = client.session
        session[LAST_ACTIVITY_KEY] = int(time.time()) - seconds_ago
        session.save()

    @override_settings(STAFF_IDLE_TIMEOUT_MINUTES=30)
    def test_staff_are_signed_out_after_the_idle_time(self, client):
        client.force_login(UserFactory(role=Role.SOCIAL_WORKER))
        client.get("/werk/")
        self._set_last_activity(client, 31 * 60)
        response = client.get("/werk/")
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
        assert "_auth_user_id" not in client.session

    @override_settings(STAFF_IDLE_TIMEOUT_MINUTES=30)
    def test_activity_within_the_idle_time_keeps_the_session(self, client):
        client.force_login(UserFactory(role=Role.SOCIAL_WORKER))
        client.get("/werk/")
        self._set_last_activity(client, 29 * 60)
        assert client.get("/werk/").status_code == 200
        assert client.session[LAST_ACTIVITY_KEY] >= int(time.time()) - 5

    @override_settings(STAFF_IDLE_TIMEOUT_MINUTES=5)
    def test_the_idle_time_is_configurable(self, client):
        client.force_login(UserFactory(role=Role.TEAM_LEADER))
        client.get("/werk/")
        self._set_last_activity(client, 6 * 60)
        assert client.get("/werk/").status_code == 302

    def test_residents_keep_their_session(self, client):
        client.force_login(UserFactory(role=Role.RESIDENT))
        client.get("/")
        self._set_last_activity(client, 24 * 60 * 60)
        client.get("/")
        assert "_auth_user_id" in client.session


@pytest.mark.django_db
class TestResidentSignupAndRecovery:
    def test_signup_creates_an_unverified_resident_and_sends_a_link(self, client):
        response = client.post(
            "/account/signup/",
            {"email": "nieuw@example.nl", "password1": TEST_PASSWORD, "password2": TEST_PASSWORD},
        )
        assert response.status_code == 302
        user = User.objects.get(email="nieuw@example.nl")
        assert user.role == Role.RESIDENT
        assert not EmailAddress.objects.get(user=user).verified
        assert len(mail.outbox) == 1
        assert "/account/confirm-email/" in mail.outbox[0].body

    def test_unverified_resident_cannot_sign_in_yet(self, client):
        user = UserFactory(verified_email=False)
        EmailAddress.objects.filter(user=user).update(verified=False)
        response = login(client, user)
        assert "_auth_user_id" not in client.session
        assert response.status_code == 302
        assert response.url == reverse("account_email_verification_sent")

    def test_signup_with_a_weak_password_changes_nothing(self, client):
        response = client.post(
            "/account/signup/",
            {"email": "zwak@example.nl", "password1": "12345678", "password2": "12345678"},
        )
        assert response.status_code == 200
        assert not User.objects.filter(email="zwak@example.nl").exists()

    def test_password_reset_sends_a_mail(self, client):
        user = UserFactory()
        client.post("/account/password/reset/", {"email": user.email})
        assert len(mail.outbox) == 1
        assert "/account/password/reset/key/" in mail.outbox[0].body

    def test_an_expired_or_forged_reset_link_gets_a_clear_page(self, client):
        user = UserFactory()
        response = client.get(
            f"/account/password/reset/key/{user.pk}-ongeldige-sleutel/", follow=True
        )
        assert response.status_code == 200
        assert "ongeldig" in response.content.decode().lower()

    def test_an_unknown_confirmation_link_gets_a_clear_page(self, client):
        response = client.get("/account/confirm-email/bestaat-niet/")
        assert response.status_code in (200, 404)
        assert "niet geldig" in response.content.decode()
