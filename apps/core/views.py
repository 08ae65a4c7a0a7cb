from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.accounts import policy
from apps.accounts.policy import area_required
from apps.core import health
from apps.dossiers import selectors as dossier_selectors
from apps.organisation import selectors as organisation_selectors
from apps.organisation.models import Theme


@require_GET
@never_cache
def healthz(request):
    states = health.service_states()
    healthy = all(state in (health.OK, health.EAGER) for state in states.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "services": states},
        status=200 if healthy else 503,
    )


def portal_home(request):
    return render(request, "portal/home.html", {"themes": Theme.objects.all()})


CASELOAD_PAGE_SIZE = 25


@area_required("core.access_workspace")
def workspace_home(request):
    """The caseload for those who do casework; administration links for the others."""
    if not policy.can(request.user, "dossiers.view_caseload"):
        teams = organisation_selectors.teams_of_user(user=request.user)
        return render(request, "workspace/home.html", {"teams": teams})
    teams = organisation_selectors.team_names_of_user(user=request.user)
    caseload = dossier_selectors.caseload_filter(worker=request.user, data=request.GET)
    page = Paginator(caseload.qs, CASELOAD_PAGE_SIZE).get_page(request.GET.get("page"))
    template = "dossiers/_caseload_rows.html" if request.htmx else "dossiers/caseload.html"
    return render(request, template, {"filter": caseload, "page": page, "teams": teams})


@area_required("core.access_reports")
def reports_home(request):
    municipalities = organisation_selectors.municipalities_visible_to(user=request.user)
    return render(request, "reports/home.html", {"municipalities": municipalities})
