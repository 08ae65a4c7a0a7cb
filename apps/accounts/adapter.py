from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from apps.accounts import policy


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        """Each role lands in its own area; a `next` parameter still wins (allauth)."""
        user = request.user
        if policy.can(user, "core.access_workspace"):
            return reverse("core:workspace_home")
        if policy.can(user, "core.access_reports"):
            return reverse("core:reports_home")
        return reverse("core:portal_home")
