"""The key that encrypts staff TOTP secrets: required in production, rotatable, and loud
when it does not fit the stored secrets."""

import subprocess
import sys
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse

from apps.accounts.mfa_keys import MfaKeyError
from apps.accounts.models import Role
from apps.accounts.tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, UserFactory, totp_code

ROOT = Path(__file__).resolve().parents[3]
OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def production_environment(**overrides: str) -> dict[str, str]:
    """What production needs, and nothing of the test run's own environment."""
    environment = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "a-long-random-value-for-this-test-only-0123456789abcdef",
        "DJANGO_ALLOWED_HOSTS": "buurtkompas.example",
        "DATABASE_URL": "postgres://buurtkompas@db.example:5432/buurtkompas",
        "REDIS_URL": "redis://redis.example:6379/0",
        "EMAIL_URL": "smtp+tls://mail.example:587",
        "MFA_ENCRYPTION_KEY": NEW_KEY,
    }
    environment.update(overrides)
    return {name: value for name, value in environment.items() if value is not None}


def start_production(**overrides: str) -> subprocess.CompletedProcess:
    """Load the production settings in a fresh interpreter, as the web process would."""
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=production_environment(**overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )


class TestProductionNeedsTheKey:
    def test_production_starts_with_a_valid_key(self):
        """The control: the other tests in this class fail only for the key."""
        result = start_production()
        assert result.returncode == 0, result.stderr

    def test_production_refuses_to_start_without_the_key(self):
        result = start_production(MFA_ENCRYPTION_KEY=None)
        assert result.returncode != 0
        assert "ImproperlyConfigured: MFA_ENCRYPTION_KEY is required in production" in (
            result.stderr
        )

    def test_an_empty_key_counts_as_missing(self):
        result = start_production(MFA_ENCRYPTION_KEY="")
        assert result.returncode != 0
        assert "MFA_ENCRYPTION_KEY is required in production" in result.stderr

    @pytest.mark.parametrize("variable", ["MFA_ENCRYPTION_KEY", "MFA_ENCRYPTION_OLD_KEYS"])
    def test_a_value_that_is_not_a_fernet_key_is_refused_without_showing_it(self, variable):
        wrong = "not-a-fernet-key-but-a-secret-all-the-same"
        result = start_production(**{variable: wrong})
        assert result.returncode != 0
        assert f"ImproperlyConfigured: {variable} holds a value that is not a Fernet key" in (
            result.stderr
        )
        assert wrong not in result.stderr


def login_with_code(client, user, code: str):
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )
    assert response.url == reverse("mfa_authenticate")
    return client.post(reverse("mfa_authenticate"), {"code": code})


def stored_secret(user) -> str:
    return Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]


def opens_with(key: str, token: str) -> bool:
    try:
        Fernet(key).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


@pytest.mark.django_db
class TestKeyRotation:
    def test_old_secrets_open_new_writes_use_the_new_key_and_reencrypt_frees_the_old_key(
        self, client
    ):
        with override_settings(MFA_ENCRYPTION_KEY=OLD_KEY, MFA_ENCRYPTION_OLD_KEYS=[]):
            before = UserFactory(role=Role.SOCIAL_WORKER)
            codes = RecoveryCodes.activate(before).get_unused_codes()
        assert opens_with(OLD_KEY, stored_secret(before))

        with override_settings(MFA_ENCRYPTION_KEY=NEW_KEY, MFA_ENCRYPTION_OLD_KEYS=[OLD_KEY]):
            # A secret written with the old key still opens.
            assert login_with_code(client, before, totp_code(offset=-1)).status_code == 302
            # A new enrolment is written with the new key only.
            after = UserFactory(role=Role.TEAM_LEADER)
            assert opens_with(NEW_KEY, stored_secret(after))
            assert not opens_with(OLD_KEY, stored_secret(after))
            assert not opens_with(NEW_KEY, stored_secret(before))

            call_command("reencrypt_mfa_secrets")

        assert opens_with(NEW_KEY, stored_secret(before))
        seed = Authenticator.objects.get(user=before, type="recovery_codes").data["seed"]
        assert opens_with(NEW_KEY, seed)
        with override_settings(MFA_ENCRYPTION_KEY=NEW_KEY, MFA_ENCRYPTION_OLD_KEYS=[]):
            # The old key is gone; the TOTP code and a recovery code still work.
            assert login_with_code(client, before, totp_code(offset=0)).status_code == 302
            assert login_with_code(client, before, codes[0]).status_code == 302
            assert login_with_code(client, after, totp_code(offset=1)).status_code == 302
        assert "_auth_user_id" in client.session

    def test_reencrypt_reports_what_it_did_and_leaves_current_secrets_alone(self, capsys):
        with override_settings(MFA_ENCRYPTION_KEY=OLD_KEY):
            old = UserFactory(role=Role.SOCIAL_WORKER)
        with override_settings(MFA_ENCRYPTION_KEY=NEW_KEY, MFA_ENCRYPTION_OLD_KEYS=[OLD_KEY]):
            current = UserFactory(role=Role.SOCIAL_WORKER)
            current_secret = stored_secret(current)

            call_command("reencrypt_mfa_secrets", "--dry-run")
            assert "1 of 2 authenticators still use an old key" in capsys.readouterr().out
            assert opens_with(OLD_KEY, stored_secret(old))

            call_command("reencrypt_mfa_secrets")
            assert "Re-encrypted 1 of 2 authenticators" in capsys.readouterr().out
            assert stored_secret(current) == current_secret

            call_command("reencrypt_mfa_secrets", "--dry-run")
            assert "0 of 2 authenticators still use an old key" in capsys.readouterr().out


@pytest.mark.django_db
class TestWrongKey:
    def test_login_with_a_key_that_fits_no_secret_fails_loudly(self, client):
        with override_settings(MFA_ENCRYPTION_KEY=OLD_KEY):
            worker = UserFactory(role=Role.SOCIAL_WORKER)
        with (
            override_settings(MFA_ENCRYPTION_KEY=NEW_KEY, MFA_ENCRYPTION_OLD_KEYS=[]),
            pytest.raises(MfaKeyError, match="MFA_ENCRYPTION_OLD_KEYS") as raised,
        ):
            login_with_code(client, worker, totp_code())
        # Not a quietly refused code: the error names the cause and where to read more.
        assert "Rotating the MFA encryption key" in str(raised.value)
        assert "_auth_user_id" not in client.session

    def test_reencrypt_changes_nothing_when_a_secret_fits_no_key(self):
        with override_settings(MFA_ENCRYPTION_KEY=OLD_KEY):
            lost = UserFactory(role=Role.SOCIAL_WORKER)
        other_key = Fernet.generate_key().decode()
        with override_settings(MFA_ENCRYPTION_KEY=other_key):
            movable = UserFactory(role=Role.SOCIAL_WORKER)
        movable_before = stored_secret(movable)
        with (
            override_settings(MFA_ENCRYPTION_KEY=NEW_KEY, MFA_ENCRYPTION_OLD_KEYS=[other_key]),
            pytest.raises(CommandError) as raised,
        ):
            call_command("reencrypt_mfa_secrets")
        message = str(raised.value)
        lost_authenticator = Authenticator.objects.get(user=lost, type="totp")
        assert f"authenticator {lost_authenticator.pk} (totp) of user {lost.pk}" in message
        assert "Nothing was changed" in message
        assert stored_secret(movable) == movable_before
        assert opens_with(OLD_KEY, stored_secret(lost))

    def test_no_key_at_all_is_a_configuration_error_not_a_fallback(self):
        with override_settings(MFA_ENCRYPTION_KEY=""), pytest.raises(MfaKeyError):
            TOTP.activate(UserFactory(role=Role.RESIDENT), TEST_TOTP_SECRET)


@pytest.mark.parametrize("module", ["config.settings.local", "config.settings.test"])
def test_local_and_test_settings_have_a_key_of_their_own_whatever_the_secret_key(module):
    def key_with(secret_key: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", PRINT_MFA_KEY],
            cwd=ROOT,
            env={
                "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
                "DJANGO_SETTINGS_MODULE": module,
                "DJANGO_SECRET_KEY": secret_key,
            },
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    first = key_with("one-secret-key")
    assert first
    Fernet(first)
    assert key_with("another-secret-key") == first


PRINT_MFA_KEY = (
    "import django; django.setup(); "
    "from django.conf import settings; print(settings.MFA_ENCRYPTION_KEY)"
)
