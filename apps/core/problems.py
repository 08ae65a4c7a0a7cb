"""Errors of the API as problem details (RFC 9457, `application/problem+json`).

Every error under /api/ has the same shape, whether DRF refused the request (400, 401,
403, 404, 405, 406, 415, 429, ...) or Django did before or after the view (an unknown
address, a server error; see apps.core.errors):

    {"type": "about:blank", "title": "Niet gevonden", "status": 404,
     "detail": "...", "instance": "/api/v1/dossiers/12/", "code": "not_found"}

`type` is "about:blank" (the status says what kind of problem it is), so `title` is the
status phrase in the reader's language. `code` is the machine-readable reason (DRF's
error codes and a few of our own, such as `token_expired`); a 400 for wrong input adds
`errors` with the messages per field, as the API gave them before.
"""

import json
import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.views import exception_handler as drf_exception_handler

CONTENT_TYPE = "application/problem+json"
API_PREFIX = "/api/"

TITLES = {
    400: gettext_lazy("Bad request"),
    401: gettext_lazy("Not signed in"),
    403: gettext_lazy("No access"),
    404: gettext_lazy("Not found"),
    405: gettext_lazy("Method not allowed"),
    406: gettext_lazy("Not acceptable"),
    409: gettext_lazy("Conflict"),
    413: gettext_lazy("Request too large"),
    415: gettext_lazy("Unsupported media type"),
    429: gettext_lazy("Too many requests"),
    500: gettext_lazy("Server error"),
    503: gettext_lazy("Service unavailable"),
}

# Headers of DRF's error answer that the problem document keeps.
KEPT_HEADERS = ("WWW-Authenticate", "Retry-After", "Allow")


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def problem(request, status: int, *, detail, code: str, **extensions) -> dict:
    return {
        "type": "about:blank",
        "title": str(TITLES.get(status, _("Error"))),
        "status": status,
        "detail": str(detail),
        # The path only: the query string may hold what the reader filtered on.
        "instance": escape_uri_path(request.path),
        "code": code,
        **extensions,
    }


def problem_response(request, status: int, *, detail, code: str, **extensions) -> HttpResponse:
    body = problem(request, status, detail=detail, code=code, **extensions)
    return HttpResponse(
        json.dumps(body, cls=JSONEncoder, ensure_ascii=False, separators=(",", ":")),
        status=status,
        content_type=CONTENT_TYPE,
    )


def exception_handler(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: DRF's handler decides status and headers (and
    rolls back), this one writes the body. An exception DRF does not know is left to
    Django, whose handler500 answers a problem document without internals."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    request = context["request"]
    if isinstance(exc, Http404):
        # Django's 404 messages name models ("No Instrument matches the given query."),
        # and every 404 of the API must read the same, whether absent or not yours.
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    extensions = {}
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data
        if not isinstance(errors, dict):
            errors = {api_settings.NON_FIELD_ERRORS_KEY: errors}
        detail = _("Not everything you sent is right: see the messages per field in errors.")
        code = "invalid"
        extensions["errors"] = errors
    else:
        given = exc.detail if isinstance(exc, exceptions.APIException) else ""
        if isinstance(given, (dict, list)):
            # An APIException raised with structured detail: keep it, like a 400's.
            extensions["errors"] = given if isinstance(given, dict) else {"detail": given}
            given = ""
        detail = _plain_detail(exc, given, request) or TITLES.get(response.status_code, "")
        code = getattr(given, "code", None) or getattr(exc, "default_code", None) or "error"
    if isinstance(exc, exceptions.Throttled):
        extensions["retry_after"] = retry_after(exc.wait)
    answer = problem_response(request, response.status_code, detail=detail, code=code, **extensions)
    for header in KEPT_HEADERS:
        if header in response:
            answer[header] = response[header]
    if isinstance(exc, exceptions.Throttled):
        answer["Retry-After"] = str(extensions["retry_after"])
    return answer


def retry_after(wait: float | None) -> int:
    """Whole seconds, rounded up, at least one (DRF rounds down, and to 0 under a second)."""
    return max(1, math.ceil(wait or 0))


def _plain_detail(exc, given, request) -> str:
    """Our own words where DRF speaks (its Dutch is uneven); a view's own message stays."""
    match exc:
        case exceptions.NotAuthenticated():
            return _(
                "Sign in first. A partner system sends its API token in the Authorization "
                "header: Token <token>."
            )
        case exceptions.MethodNotAllowed():
            return _("This address does not take %(method)s.") % {"method": request.method}
        case exceptions.UnsupportedMediaType():
            return _("Send JSON, with the header Content-Type: application/json.")
        case exceptions.NotAcceptable():
            return _("This address answers in JSON only: ask for application/json.")
        case exceptions.Throttled():
            return _("Too many requests. Wait %(seconds)d seconds and try again.") % {
                "seconds": retry_after(exc.wait)
            }
        case exceptions.ParseError() if _is_drf_parse_error(given):
            return _("The body is not valid JSON.")
        case exceptions.PermissionDenied() if _is_default(given, exc):
            return _("Your account may not do this.")
        case exceptions.NotFound() if _is_default(given, exc):
            return _("This does not exist, or it is not yours to see.")
    return str(given)


def _is_default(given, exc) -> bool:
    return str(given) == str(type(exc).default_detail)


def _is_drf_parse_error(given) -> bool:
    text = str(given)
    return text == str(exceptions.ParseError.default_detail) or text.startswith("JSON parse error")
