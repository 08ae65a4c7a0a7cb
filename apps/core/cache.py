"""The shared cache (Redis in production) and what it raises when Redis is down.

Everything Buurtkompas keeps in the default cache is a guard, not a speed-up: allauth's
login, sign-up and password-reset rate limits, used TOTP codes, the one-time tokens and
the hourly limit of the forms that ask for help, the API's idempotency keys and rate
limits. No rendered page is cached: every page is rendered afresh for its reader.

Django's RedisCache does not hide an outage: every call raises one of CACHE_ERRORS after
at most the socket timeouts of settings.CACHES. A guard that cannot be checked refuses
the action, with a clear message, and changes nothing: a service that has a better answer
than a whole error page catches CACHE_ERRORS itself (a request for help keeps the form
with what was typed, apps/dossiers/help_requests.py); anything else ends in
`ServiceUnavailableMiddleware`, a 503 page (a problem document under /api/). The one
exception is the API's rate limit (apps/accounts/api/throttling.py), which lets requests
through while Redis is down: they still need a valid session or partner token, and the
API has no password to guess. Code that uses the cache only to go faster must catch
CACHE_ERRORS, log them and treat them as a miss.
"""

from redis.exceptions import RedisError

CACHE_ERRORS = (RedisError,)
