import time

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

LAST_ACTIVITY_KEY = "staff_last_activity"
# Writing the session on every request would be wasteful; a minute of slack is harmless.
ACTIVITY_WRITE_INTERVAL_SECONDS = 60


class StaffIdleTimeoutMiddleware:
    """Ends a staff session after STAFF_IDLE_TIMEOUT_MINUTES without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.is_staff_role:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY, now)
            if now - last > settings.STAFF_IDLE_TIMEOUT_MINUTES * 60:
                logout(request)
                minutes = settings.STAFF_IDLE_TIMEOUT_MINUTES
                messages.info(
                    request,
                    ngettext(
                        "You were signed out because you did nothing for %(minutes)d minute. "
                        "Sign in again.",
                        "You were signed out because you did nothing for %(minutes)d minutes. "
                        "Sign in again.",
                        minutes,
                    )
                    % {"minutes": minutes},
                )
                return redirect_to_login(request.get_full_path())
            if LAST_ACTIVITY_KEY not in request.session or (
                now - last >= ACTIVITY_WRITE_INTERVAL_SECONDS
            ):
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


class StaffMfaRequiredMiddleware:
    """Sends a staff user without a second factor to set one up before anything else."""

    # Pages a staff user still needs while setting up MFA.
    ALLOWED_PREFIXES = ("/account/", "/i18n/", "/static/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.requires_mfa
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            # Asked on every request (one indexed query): when an administrator removes a
            # lost phone, the open session must lose its access at once.
            and not is_mfa_enabled(user)
        ):
            messages.warning(
                request,
                _(
                    "You work with other people's data, so you sign in with two steps. "
                    "Set up an authenticator app first."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
