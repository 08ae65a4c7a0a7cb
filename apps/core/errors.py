"""Django's error handlers (config/urls.py): under /api/ a problem document
(apps.core.problems), everywhere else the site's own error page. They also answer for
errors raised outside any view, in middleware or while resolving the address."""

from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

from apps.core import problems

# The names config/urls.py gives the API's index and its catch-all route.
INDEX_URL_NAME = "api-index"
NOT_FOUND_URL_NAME = "api-not-found"


def bad_request(request, exception):
    if problems.is_api(request):
        return problems.problem_response(
            request, 400, detail=_("The request could not be read."), code="bad_request"
        )
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if problems.is_api(request):
        return problems.problem_response(
            request, 403, detail=_("Your account may not do this."), code="permission_denied"
        )
    return defaults.permission_denied(request, exception)


def not_found(request, exception):
    if problems.is_api(request):
        return api_not_found(request)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """Nothing about the cause: it is in the server's log. No database, no session: the
    failure may be theirs."""
    if problems.is_api(request):
        return problems.problem_response(
            request,
            500,
            detail=_("Something went wrong on our side. Please try again in a few minutes."),
            code="server_error",
        )
    return defaults.server_error(request)


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Any address under /api/ that is no endpoint, whatever the method (the last route
    under /api/, so this holds with DEBUG on too). No redirect to the address with a
    slash, which would lose a POST's body: the answer names it instead."""
    detail = _("This address does not exist in the API. The list of addresses is at %(index)s.")
    detail %= {"index": reverse(INDEX_URL_NAME)}
    if not request.path_info.endswith("/"):
        try:
            match = resolve(request.path_info + "/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != NOT_FOUND_URL_NAME:
            detail = _("Addresses in the API end with a slash: %(path)s") % {
                "path": request.path + "/"
            }
    return problems.problem_response(request, 404, detail=detail, code="not_found")
