"""Asking for help online: every form that lets a resident send a request for help to a
team's intake queue (the portal's help form, "I would like to talk about this" after a
self-scan) sends it through `help_request_send`.

- A one-time token per form: a double click or the back button sends one request.
- A limit per address and hour: enough for a family on one connection, too few to fill
  a team's queue. Only requests that were really sent count, not ones with typing errors.
  The address comes from the request context.

Tokens are claimed and requests counted in the shared cache, so the rules hold across web
processes (with the local-memory cache of the embedded default, per process). When that
cache (Redis) cannot be reached nothing is sent (code "unavailable"): a double click or a
flood could not be told from a request, and the resident keeps the form with what they
typed and a message to try again later. Once sent, a request stays sent: a count the
cache could not take is lost, not the request.
"""

import logging
from collections.abc import Callable

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from apps.core import request_context
from apps.core.cache import CACHE_ERRORS

logger = logging.getLogger(__name__)

REQUESTS_PER_HOUR = 5
TOKENS_KEY = "help_request_tokens"
# Forms a resident may have open at once (several tabs) and still send.
TOKENS_KEPT = 20
TOKEN_SECONDS = 24 * 60 * 60


class AlreadySent(Exception):
    """This form was sent before (a double click, the back button): nothing new is sent."""


def help_request_token_issue(*, session) -> str:
    """A one-time token for a form that is about to be shown."""
    token = get_random_string(22)
    session[TOKENS_KEY] = [*session.get(TOKENS_KEY, [])[-(TOKENS_KEPT - 1) :], token]
    return token


def help_request_send[Sent](*, session, token, send: Callable[[], Sent]) -> Sent:
    """Send a request for help from a form that passed its own checks: `send` stores it
    and raises ValidationError on input it refuses (the form may then be sent again).

    Raises AlreadySent when this token went out before, and ValidationError when this
    session never got the token (an old tab, a lost session; code "expired") or the
    address sent its share this hour (code "too_many")."""
    if not isinstance(token, str) or token not in session.get(TOKENS_KEY, []):
        raise ValidationError(_("This form had expired. Please send it again."), code="expired")
    rate_key = _rate_key(request_context.current().ip_address)
    try:
        if cache.get(_token_key(token)):
            raise AlreadySent
        if (cache.get(rate_key) or 0) >= REQUESTS_PER_HOUR:
            raise ValidationError(
                _("Many requests came from this address. Please try again in an hour."),
                code="too_many",
            )
        # Of two requests with this token at the same moment, only one gets it.
        if not cache.add(_token_key(token), 1, TOKEN_SECONDS):
            raise AlreadySent
    except CACHE_ERRORS as error:
        logger.error("Cache unavailable: a request for help was not sent (%r)", error)
        raise ValidationError(
            _(
                "Sending does not work at the moment. What you filled in is still here: "
                "try again in a few minutes."
            ),
            code="unavailable",
        ) from error
    try:
        sent = send()
    except ValidationError:
        _forget(_token_key(token))
        raise
    _count(rate_key)
    return sent


def _token_key(token: str) -> str:
    return f"help-request:once:{token}"


def _rate_key(address: str | None) -> str:
    return f"help-request:rate:{address or 'unknown'}:{timezone.now():%Y%m%d%H}"


def _forget(token_key: str) -> None:
    try:
        cache.delete(token_key)
    except CACHE_ERRORS:
        logger.warning("Cache unavailable: a refused request's token stays used")


def _count(rate_key: str) -> None:
    try:
        cache.add(rate_key, 0, timeout=3600)
        try:
            cache.incr(rate_key)
        except ValueError:  # expired between add and incr
            cache.add(rate_key, 1, timeout=3600)
    except CACHE_ERRORS:
        logger.warning("Cache unavailable: a sent request for help was not counted")
