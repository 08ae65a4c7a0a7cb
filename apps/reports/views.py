from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.policy import area_required, require
from apps.dossiers.selectors import dossier_for_actor
from apps.effects import selectors as figure_selectors
from apps.effects.inference import configured_min_group_size
from apps.effects.services import progress_read, statistics_rebuild_request
from apps.questionnaires.models import Instrument
from apps.reports import sector_benchmark, sector_comparison
from apps.reports import services as report_services
from apps.reports.filters import ReportFilter
from apps.reports.forms import (
    BenchmarkExportForm,
    BenchmarkPeerForm,
    PreventedEventsForm,
    ReportPublishForm,
    ReportStartForm,
    ReportTextsForm,
)
from apps.reports.models import BenchmarkExport, BenchmarkPeer, CostItem, PreventedEvent
from apps.reports.selectors import municipality_reports_for
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


def _subject_links() -> list[tuple[str, str]]:
    return [(slug, title) for slug, (title, _builder) in SUBJECTS.items()]


def _render(request, template, context, report_filter, runs, status=200):
    context |= {
        "report_filter": report_filter,
        "subjects": _subject_links(),
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


# --- The municipality's accountability reports ---------------------------------------------


def _report_or_404(request, pk, permission="reports.view_municipalityreport"):
    """The report, if the user may see it at all (404 otherwise, so ids cannot be probed),
    then checked for `permission` (403)."""
    report = get_object_or_404(municipality_reports_for(request.user), pk=pk)
    require(request.user, permission, report)
    return report


@area_required("core.access_municipality_reports")
def municipality_reports(request):
    may_start = request.user.has_perm("reports.add_municipalityreport")
    form = ReportStartForm(request.POST or None) if may_start else None
    if request.method == "POST":
        require(request.user, "reports.add_municipalityreport")
        if form.is_valid():
            try:
                report = report_services.report_draft_create(
                    municipality=form.cleaned_data["municipality"],
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                    actor=request.user,
                )
            except report_services.ReportRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("The draft is made. Write the texts, then publish."))
                return redirect("reports:municipality_report", pk=report.pk)
    reports = municipality_reports_for(request.user)
    return render(
        request,
        "reports/municipality_reports.html",
        {"reports": reports, "form": form, "subjects": _subject_links()},
        status=400 if form is not None and form.errors else 200,
    )


def _report_page(request, report, *, texts_form=None, publish_form=None, status=200):
    editable = request.user.has_perm("reports.change_municipalityreport", report)
    versions = (
        municipality_reports_for(request.user)
        .of_period(report.municipality_id, report.period_start, report.period_end)
        .order_by("-version")
    )
    return render(
        request,
        "reports/municipality_report.html",
        {
            "report": report,
            "versions": versions,
            "texts_form": texts_form or (ReportTextsForm(instance=report) if editable else None),
            "publish_form": publish_form or (ReportPublishForm() if editable else None),
            "may_correct": request.user.has_perm("reports.correct_municipalityreport", report)
            and not versions.filter(version__gt=report.version).exists(),
        },
        status=status,
    )


@area_required("core.access_municipality_reports", record="reports.municipalityreport")
@require_GET
def municipality_report(request, pk):
    return _report_page(request, _report_or_404(request, pk))


@area_required("core.access_municipality_reports", record="reports.municipalityreport")
@require_POST
def municipality_report_texts(request, pk):
    report = _report_or_404(request, pk, "reports.change_municipalityreport")
    form = ReportTextsForm(request.POST, instance=report)
    if form.is_valid():
        texts = {name: form.cleaned_data.get(name, "") for name in report_services.TEXT_FIELDS}
        try:
            report_services.report_texts_update(report=report, texts=texts, actor=request.user)
        except report_services.ReportRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("The texts are saved."))
        return redirect("reports:municipality_report", pk=report.pk)
    return _report_page(request, report, texts_form=form, status=400)


@area_required("core.access_municipality_reports", record="reports.municipalityreport")
@require_POST
def municipality_report_generate(request, pk):
    """A preview, or (with `publish` and the approval ticked) the published report."""
    publish = request.POST.get("publish") == "1"
    permission = (
        "reports.publish_municipalityreport" if publish else "reports.change_municipalityreport"
    )
    report = _report_or_404(request, pk, permission)
    if publish:
        form = ReportPublishForm(request.POST)
        if not form.is_valid():
            return _report_page(request, report, publish_form=form, status=400)
    try:
        report_services.report_generation_request(
            report=report, publish=publish, actor=request.user
        )
    except report_services.ReportRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("The report is being made and published.")
            if publish
            else _("The preview is being made."),
        )
    return redirect("reports:municipality_report", pk=report.pk)


@area_required("core.access_municipality_reports", record="reports.municipalityreport")
@require_POST
def municipality_report_correct(request, pk):
    report = _report_or_404(request, pk, "reports.correct_municipalityreport")
    try:
        correction = report_services.report_draft_create(
            municipality=report.municipality,
            start=report.period_start,
            end=report.period_end,
            actor=request.user,
        )
    except report_services.ReportRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("reports:municipality_report", pk=report.pk)
    messages.success(request, _("A new version is made. Say what changed, then publish it."))
    return redirect("reports:municipality_report", pk=correction.pk)


@area_required("core.access_municipality_reports", record="reports.municipalityreport")
@require_GET
def municipality_report_generation(request, pk):
    """The progress block alone, for htmx to poll while the PDF is being made."""
    return render(
        request,
        "reports/includes/report_generation.html",
        {"report": _report_or_404(request, pk)},
    )


@area_required("core.access_municipality_reports", record="reports.municipalityreport")
@require_GET
def municipality_report_download(request, pk):
    report = _report_or_404(request, pk)
    if not report.file:
        raise Http404
    report_services.download_record(obj=report, actor=request.user)
    period = f"{report.period_start:%Y-%m}_{report.period_end:%Y-%m}"
    kind = "" if not report.is_draft else "-concept"
    response = FileResponse(
        report.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"rapportage-{slugify(report.municipality.name)}-{period}-v{report.version}{kind}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- The sector benchmark ----------------------------------------------------------------


def _export_years() -> list[int]:
    first, last = figure_selectors.months_with_figures()
    this_year = timezone.localdate().year
    if first is None:
        return [this_year]
    return list(range(min(last.year, this_year), first.year - 1, -1))


def _sector_page(request, *, export_form=None, peer_form=None, problems=(), status=200):
    exports = BenchmarkExport.objects.select_related("requested_by")[:20]
    last = exports[0] if exports else None
    return render(
        request,
        "reports/sector.html",
        {
            "subjects": _subject_links(),
            "exports": exports,
            "export_form": export_form
            or BenchmarkExportForm(
                years=_export_years(),
                initial={"pseudonym": last.pseudonym if last else ""},
            ),
            "peer_form": peer_form or BenchmarkPeerForm(),
            "peers": BenchmarkPeer.objects.order_by("-year", "pseudonym"),
            "problems": problems,
            "schema_version": sector_benchmark.SCHEMA_VERSION,
        },
        status=status,
    )


@area_required("reports.view_benchmarkexport")
@require_GET
def sector(request):
    return _sector_page(request)


@area_required("reports.add_benchmarkexport")
@require_POST
def sector_export(request):
    form = BenchmarkExportForm(request.POST, years=_export_years())
    if not form.is_valid():
        return _sector_page(request, export_form=form, status=400)
    try:
        report_services.benchmark_export_request(
            pseudonym=form.cleaned_data["pseudonym"],
            year=form.cleaned_data["year"],
            actor=request.user,
        )
    except report_services.ReportRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The export is being made."))
    return redirect("reports:sector")


@area_required("reports.view_benchmarkexport")
@require_GET
def sector_exports(request):
    """The list of exports alone, for htmx to poll while one is being made."""
    return render(
        request,
        "reports/includes/benchmark_exports.html",
        {"exports": BenchmarkExport.objects.select_related("requested_by")[:20]},
    )


@area_required("reports.view_benchmarkexport", record="reports.benchmarkexport")
@require_GET
def sector_export_download(request, pk, kind):
    if kind not in ("json", "csv"):
        raise Http404
    export = get_object_or_404(BenchmarkExport, pk=pk, status=BenchmarkExport.Status.DONE)
    file = export.json_file if kind == "json" else export.csv_file
    report_services.download_record(obj=export, actor=request.user)
    response = FileResponse(
        file.open("rb"),
        content_type="application/json" if kind == "json" else "text/csv; charset=utf-8",
        as_attachment=True,
        filename=f"sectorbenchmark-{slugify(export.pseudonym)}-{export.year}"
        f"-v{export.schema_version}.{kind}",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@area_required("reports.add_benchmarkpeer")
@require_POST
def sector_peer_upload(request):
    form = BenchmarkPeerForm(request.POST, request.FILES)
    if not form.is_valid():
        return _sector_page(request, peer_form=form, status=400)
    try:
        peer = report_services.benchmark_peer_add(
            data=form.cleaned_data["file"].read(), actor=request.user
        )
    except report_services.PeerRefused as refusal:
        return _sector_page(request, peer_form=form, problems=refusal.problems, status=400)
    messages.success(
        request,
        _("The export of %(pseudonym)s (%(year)s) is added to the comparison.")
        % {"pseudonym": peer.pseudonym, "year": peer.year},
    )
    return redirect("reports:sector")


@area_required("reports.delete_benchmarkpeer")
@require_POST
def sector_peer_remove(request, pk):
    peer = get_object_or_404(BenchmarkPeer, pk=pk)
    peer.delete()
    messages.success(request, _("The export is removed from the comparison."))
    return redirect("reports:sector")


@area_required("reports.view_benchmarkpeer")
@require_GET
def sector_comparison_page(request):
    years = sorted(
        set(
            BenchmarkExport.objects.filter(status=BenchmarkExport.Status.DONE).values_list(
                "year", flat=True
            )
        ),
        reverse=True,
    )
    try:
        year = int(request.GET.get("year") or (years[0] if years else 0))
    except ValueError:
        year = 0
    size = request.GET.get("size_class") or None
    if year not in years or (size is not None and size not in sector_benchmark.SIZE_CLASS_LABELS):
        status = 400 if request.GET.get("year") or size else 200
        return render(
            request,
            "reports/sector_comparison.html",
            {"subjects": _subject_links(), "years": years, "year": None, "groups": []},
            status=status if years else 200,
        )
    own = BenchmarkExport.objects.filter(status=BenchmarkExport.Status.DONE, year=year).first()
    own_rows = sector_benchmark.read_rows(own)
    peers = list(BenchmarkPeer.objects.filter(year=year))
    instruments = {instrument.code: instrument.name for instrument in Instrument.objects.all()}
    groups = [
        (sector_comparison.comparison_chart(unit, compared, instruments), compared)
        for unit, compared in sector_comparison.compare(
            own_rows, [peer.rows for peer in peers], size
        )
        if compared
    ]
    return render(
        request,
        "reports/sector_comparison.html",
        {
            "subjects": _subject_links(),
            "years": years,
            "year": year,
            "size_class": size,
            "size_classes": sector_benchmark.SIZE_CLASS_LABELS.items(),
            "own": own,
            "peer_count": len(peers),
            "minimum_peers": sector_comparison.MINIMUM_PEERS,
            "groups": groups,
        },
    )


# --- The what-if calculator: what support likely prevented, on a closed dossier -----------


@area_required("dossiers.view_caseload", record="dossiers.dossier")
@require_http_methods(["GET", "POST"])
def prevented_events(request, pk):
    dossier = dossier_for_actor(actor=request.user, pk=pk)
    if dossier.status != dossier.Status.CLOSED:
        return render(
            request, "reports/prevented_events.html", {"dossier": dossier, "form": None}, status=409
        )
    require(request.user, "reports.add_preventedevent", dossier)
    items = CostItem.objects.valid_on(dossier.ended_on).order_by("name_nl")
    recorded = PreventedEvent.objects.filter(dossier=dossier).select_related("cost_item")
    initial = {f"item-{event.cost_item.code}": event.likelihood for event in recorded}
    initial["with_client"] = any(event.with_client for event in recorded)
    form = PreventedEventsForm(request.POST or None, items=items, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                report_services.prevented_events_record(
                    dossier=dossier,
                    likelihoods=form.likelihoods(),
                    with_client=form.cleaned_data["with_client"],
                    actor=request.user,
                )
            except report_services.ReportRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("What support likely prevented is saved."))
                return redirect("dossiers:detail", pk=dossier.pk)
        return render(
            request,
            "reports/prevented_events.html",
            {"dossier": dossier, "form": form},
            status=400,
        )
    return render(request, "reports/prevented_events.html", {"dossier": dossier, "form": form})
