from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.policy import area_required, require
from apps.effects import selectors as figure_selectors
from apps.effects.inference import configured_min_group_size
from apps.effects.services import progress_read, statistics_rebuild_request
from apps.reports.filters import ReportFilter
from apps.reports.subjects import INDICATORS, PAIR_KINDS, SUBJECTS, Context

# The overview shows the key figures of these subjects and one chart of each.
OVERVIEW_CHARTS = {
    "bereik": "reach",
    "contact": "modes",
    "zelfscans": "scans",
    "tevredenheid": "satisfaction",
    "effecten": "improved",
    "adoptie": "clients-with-scan",
}


def _context(request, last_success):
    """The filter and, when valid, the context every subject reads, over the figures of
    the last successful computation; 403 for a municipality, area or team the user may
    not see."""
    report_filter = ReportFilter(request.GET, user=request.user)
    report_filter.refuse_unserved()
    selection = report_filter.selection()
    if selection is None:
        return report_filter, None
    options = {name: request.GET.get(name, "") for name in ("pairs", "indicator")}
    return report_filter, Context(
        scope=figure_selectors.scope_of(request.user, last_success),
        selection=selection,
        options=options,
    )


def _statistics_status(request, runs: figure_selectors.RunStatus) -> dict:
    running = runs.active
    return {
        "latest_run": runs.latest,
        "last_success": runs.last_success,
        "running": running,
        "progress": progress_read(running.pk) if running else None,
        "may_rebuild": request.user.has_perm("effects.add_statisticsrun"),
    }


def _render(request, template, context, report_filter, runs, status=200):
    context |= {
        "report_filter": report_filter,
        "subjects": [(slug, title) for slug, (title, _builder) in SUBJECTS.items()],
        "minimum_pairs": configured_min_group_size(),
        "query": request.GET.urlencode(),
        "statistics": _statistics_status(request, runs),
    }
    return render(request, template, context, status=status)


@area_required("core.access_reports")
@require_GET
def home(request):
    runs = figure_selectors.run_status()
    report_filter, context = _context(request, runs.last_success)
    if context is None:
        return _render(request, "reports/home.html", {}, report_filter, runs, status=400)
    pages = [
        (slug, SUBJECTS[slug][0], SUBJECTS[slug][1](context.only(chart)))
        for slug, chart in OVERVIEW_CHARTS.items()
    ]
    return _render(
        request,
        "reports/home.html",
        {
            "pages": pages,
            "has_data": any(page.has_data for _slug, _title, page in pages),
            "selection": context.selection,
        },
        report_filter,
        runs,
    )


@area_required("core.access_reports")
@require_GET
def subject(request, slug):
    if slug not in SUBJECTS:
        raise Http404
    title, builder = SUBJECTS[slug]
    runs = figure_selectors.run_status()
    report_filter, context = _context(request, runs.last_success)
    if context is None:
        return _render(
            request,
            "reports/subject.html",
            {"slug": slug, "title": title},
            report_filter,
            runs,
            status=400,
        )
    return _render(
        request,
        "reports/subject.html",
        {
            "slug": slug,
            "title": title,
            "page": builder(context),
            "selection": context.selection,
            "pair_kinds": PAIR_KINDS.items(),
            "indicators": INDICATORS.items(),
            "options": context.options,
        },
        report_filter,
        runs,
    )


@area_required("core.access_reports")
@require_GET
def chart_csv(request, slug, chart):
    """Exactly the table beside the chart, as CSV."""
    if slug not in SUBJECTS:
        raise Http404
    _filter, context = _context(request, figure_selectors.run_status().last_success)
    if context is None:
        return HttpResponse(
            _("The period or filter is not valid."), status=400, content_type="text/plain"
        )
    built = SUBJECTS[slug][1](context.only(chart))
    found = next((c for c in built.charts if c.slug == chart), None)
    if found is None:
        raise Http404
    response = HttpResponse("\ufeff" + found.table.csv(), content_type="text/csv; charset=utf-8")
    period = f"{context.selection.start:%Y-%m}_{context.selection.end:%Y-%m}"
    response["Content-Disposition"] = f'attachment; filename="{slug}-{chart}-{period}.csv"'
    return response


@area_required("core.access_reports")
@require_GET
def statistics_status(request):
    """The status block alone, for htmx to poll while a computation runs."""
    return render(
        request,
        "reports/includes/statistics_status.html",
        {"statistics": _statistics_status(request, figure_selectors.run_status())},
    )


@area_required("core.access_reports")
@require_POST
def statistics_rebuild(request):
    require(request.user, "effects.add_statisticsrun")
    _run, is_new = statistics_rebuild_request(requested_by=request.user)
    if is_new:
        messages.success(request, _("The statistics are being computed again."))
    else:
        messages.info(
            request, _("A computation was already waiting or running; you see its progress.")
        )
    return redirect(reverse("reports:home"))
