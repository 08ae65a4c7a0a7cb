import logging

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _

from apps.core import problems
from apps.core.cache import CACHE_ERRORS

logger = logging.getLogger(__name__)


class CookieLocaleMiddleware:
    """Dutch unless the visitor chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language; this platform
    speaks Dutch first, whatever the browser says.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class PersonalPagesNoStoreMiddleware:
    """What a signed-in person sees holds personal data, and so does the answer to a
    posted form (a self-scan's result): no browser or proxy may keep a copy, for the back
    button of a shared computer to show the next user. A response that already says how
    it may be cached keeps its own header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" in response:
            return response
        user = getattr(request, "user", None)
        if request.method == "POST" or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response


class ServiceUnavailableMiddleware:
    """When Redis is down, what it guards (login attempts, one-time tokens, see
    apps.core.cache) cannot be checked: the action is refused with a 503 that says so and
    when to try again, never a 500. Last in MIDDLEWARE, so that the answer still passes
    every other middleware (CSP, no-store)."""

    RETRY_AFTER_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, CACHE_ERRORS):
            return None
        logger.error(
            "Cache unavailable, %s %s refused: %r", request.method, request.path, exception
        )
        if problems.is_api(request):
            response = problems.problem_response(
                request,
                503,
                detail=_(
                    "Part of Buurtkompas cannot be reached at the moment. Nothing was "
                    "changed. Try again in a minute."
                ),
                code="unavailable",
            )
        else:
            response = render(request, "503.html", status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        return response
