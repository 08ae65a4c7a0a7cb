"""Rate limits of the API, counted in the shared cache (Redis in production), so every web
process counts the same requests.

- `AccountRateThrottle`: per partner system (scope `partner`), per signed-in person
  (`user`), and per address for what anyone may read (`anon`: the index, the schema).
- `ScopedRateThrottle`: a lower limit on top for a view that names a `throttle_scope`
  (`referrals`).

The rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] at the time of the request
(DRF reads them once, at import). A cache that cannot be reached lets the request through
and says so in the log: a limit is not worth an outage.
"""

import logging

from rest_framework import throttling
from rest_framework.settings import api_settings

from apps.core import request_context
from apps.core.cache import CACHE_ERRORS

logger = logging.getLogger(__name__)


class _SharedCacheThrottle:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS:
            logger.warning(
                "API rate limit not checked: the cache cannot be reached.", exc_info=True
            )
            return True

    def get_cache_key(self, request, view):
        if request.user.is_authenticated:
            ident = request.user.pk
        else:
            # The address the access log and allauth's limits use (TRUSTED_PROXY_COUNT),
            # not DRF's, which believes any X-Forwarded-For.
            ident = request_context.client_ip(request) or "unknown"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def wait(self):
        """Seconds until the oldest counted request leaves the window. DRF's own answer is
        None when more requests were counted than the rate allows (a rate lowered in the
        meantime); a 429 always says when to come back."""
        if self.history:
            return max(0.0, self.duration - (self.now - self.history[-1]))
        return float(self.duration)


class AccountRateThrottle(_SharedCacheThrottle, throttling.SimpleRateThrottle):
    scope = "user"

    def allow_request(self, request, view):
        # The scope follows who asks, so the rate is looked up again for each request.
        self.scope = self._scope_of(request.user)
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    @staticmethod
    def _scope_of(user) -> str:
        if not user.is_authenticated:
            return "anon"
        return "partner" if user.is_partner_system else "user"


class ScopedRateThrottle(_SharedCacheThrottle, throttling.ScopedRateThrottle):
    pass
