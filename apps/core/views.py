from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.accounts import policy
from apps.accounts.policy import area_required
from apps.core import health
from apps.core.fragments import fragment_render
from apps.dossiers import selectors as dossier_selectors
from apps.organisation import selectors as organisation_selectors
from apps.organisation.models import Theme
from apps.questionnaires import selectors as questionnaire_selectors
from apps.questionnaires.services import pending_scan_read


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
    waiting = 0
    if policy.can(request.user, "questionnaires.add_response"):
        waiting = questionnaire_selectors.waiting_assignments(resident=request.user).count()
    context = {
        "themes": Theme.objects.all(),
        "waiting_count": waiting,
        "pending_scan": pending_scan_read(session=request.session),
    }
    return render(request, "portal/home.html", context)


CASELOAD_PAGE_SIZE = 25


@area_required("core.access_workspace")
def workspace_home(request):
    """The caseload for those who do casework; administration links for the others."""
    if not policy.can(request.user, "dossiers.view_caseload"):
        teams = organisation_selectors.teams_of_user(user=request.user)
        return render(request, "workspace/home.html", {"teams": teams})
    caseload = dossier_selectors.caseload_filter(worker=request.user, data=request.GET)
    rows = _caseload_rows(request, caseload)
    if request.htmx:
        return HttpResponse(rows)
    teams = organisation_selectors.team_names_of_user(user=request.user)
    return render(
        request, "dossiers/caseload.html", {"filter": caseload, "rows": rows, "teams": teams}
    )


def _caseload_rows(request, caseload):
    """The table of the worker's clients, from the fragment cache while none of their open
    dossiers changed. A name search is rendered afresh: it is rarely asked twice."""

    def context():
        page = Paginator(caseload.qs, CASELOAD_PAGE_SIZE).get_page(request.GET.get("page"))
        return {"filter": caseload, "page": page}

    template_name = "dossiers/_caseload_rows.html"
    if request.GET.get("q"):
        return render_to_string(template_name, context())
    version = dossier_selectors.caseload_version(worker=request.user)
    query = sorted(request.GET.lists())
    return fragment_render(
        request,
        template_name,
        key_parts=("caseload", request.user.pk, query, version),
        context=context,
    )


@area_required("core.access_reports")
def reports_home(request):
    municipalities = organisation_selectors.municipalities_visible_to(user=request.user)
    return render(request, "reports/home.html", {"municipalities": municipalities})
