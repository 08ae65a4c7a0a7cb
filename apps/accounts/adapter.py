from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.urls import reverse

from apps.accounts import mfa_keys, policy


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        """Each role lands in its own area; a `next` parameter still wins (allauth)."""
        user = request.user
        if policy.can(user, "core.access_workspace"):
            return reverse("dossiers:caseload")
        if policy.can(user, "core.access_reports"):
            return reverse("reports:home")
        if policy.can(user, "portal.view_own_matches"):
            return reverse("portal:volunteer_matches")
        return reverse("portal:home")


class MfaAdapter(DefaultMFAAdapter):
    """Stores TOTP secrets encrypted (allauth keeps them in the clear by default): written
    with MFA_ENCRYPTION_KEY, read with it or any of MFA_ENCRYPTION_OLD_KEYS."""

    def encrypt(self, text: str) -> str:
        return mfa_keys.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return mfa_keys.decrypt(encrypted_text)
