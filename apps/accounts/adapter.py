import base64
import hashlib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings
from django.urls import reverse

from apps.accounts import policy


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        """Each role lands in its own area; a `next` parameter still wins (allauth)."""
        user = request.user
        if policy.can(user, "core.access_workspace"):
            return reverse("dossiers:caseload")
        if policy.can(user, "core.access_reports"):
            return reverse("reports:home")
        return reverse("portal:home")


class MfaAdapter(DefaultMFAAdapter):
    """Stores TOTP secrets encrypted (allauth keeps them in the clear by default)."""

    def encrypt(self, text: str) -> str:
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _fernet().decrypt(encrypted_text.encode()).decode()


def _fernet() -> Fernet:
    key = settings.MFA_ENCRYPTION_KEY or base64.urlsafe_b64encode(
        hashlib.sha256(f"buurtkompas-mfa:{settings.SECRET_KEY}".encode()).digest()
    )
    return Fernet(key)
