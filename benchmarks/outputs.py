"""What leaves the organisation, timed on the benchmark database, one part per process.

`make benchmark` runs `python -m benchmarks.outputs <part>` in a child process of its own
and reads the JSON it prints, so the peak memory is that of a process that did nothing
else.

- pdf: the municipality's accountability report (apps/reports/accountability.py) for the
  demo municipality with the most figures over the last twelve months with figures: the
  figures read, the HTML rendered and the tagged PDF written, as the Celery task does.
  The first PDF of a process also loads WeasyPrint, Pango and the fonts; a worker does
  that once, so the target is the median of the next ones (the first is reported too).
- export: the anonymised sector benchmark of the last year with figures
  (apps/reports/sector_benchmark.py): the figures read per municipality and month, added
  up per quarter and size class, protected, and written as JSON and CSV with their
  checksums, as the Celery task does.
- hsds: the social map in Open Referral HSDS 3.1 (apps/socialmap): the whole map exported
  as JSON; then, in a transaction that is rolled back at the end, the same file imported
  again (every service unchanged), and imported into a map emptied first (every service
  added), as `manage.py socialmap_import` does.
- learning: a learning path of 100 steps (the demo money path's steps repeated, with its
  pictures) written as one file and imported as a new draft, as an author does in the
  workspace, in a transaction that is rolled back at the end.
"""

import json
import resource
import statistics
import sys
import time

PDF_RUNS = 3


def main(argv: list[str]) -> int:
    import django

    django.setup()
    parts = {
        "pdf": municipality_pdf,
        "export": benchmark_export,
        "hsds": social_map_hsds,
        "learning": learning_import,
    }
    part = argv[0] if argv else ""
    if part not in parts:
        print(f"usage: python -m benchmarks.outputs {{{','.join(parts)}}}", file=sys.stderr)
        return 2
    print(json.dumps(parts[part]()))
    return 0


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def municipality_pdf() -> dict:
    from django.db.models import Sum

    from apps.effects.models import Figure, Level, StatisticsRun
    from apps.effects.selectors import months_with_figures
    from apps.organisation.models import Municipality
    from apps.reports import accountability
    from apps.reports.filters import months_back
    from apps.reports.models import MunicipalityReport

    run = StatisticsRun.objects.succeeded().first()
    _first, last = months_with_figures()
    if run is None or last is None:
        return {"error": "no statistics computed in the benchmark database"}
    start = months_back(last, 11)
    busiest = (
        Figure.objects.filter(level=Level.MUNICIPALITY, measure="contacts", month__gte=start)
        .values("municipality_id")
        .annotate(contacts=Sum("n"))
        .order_by("-contacts")
        .first()
    )
    municipality = Municipality.objects.get(pk=busiest["municipality_id"])
    report = MunicipalityReport(
        municipality=municipality,
        period_start=start,
        period_end=last,
        introduction="Een inleiding van een paar zinnen.\n\nEn een tweede alinea.",
        findings="Wat opvalt in de cijfers.",
        outlook="Wat we hierna doen.",
    )
    rss_before = _peak_rss_mb()
    seconds = []
    for _ in range(1 + PDF_RUNS):
        started = time.perf_counter()
        rendered = accountability.report_pdf(report, run)
        seconds.append(round(time.perf_counter() - started, 3))
    return {
        "municipality": municipality.name,
        "period": f"{start:%Y-%m} to {last:%Y-%m}",
        "pages": rendered.page_count,
        "bytes": len(rendered.data),
        "first_seconds": seconds[0],
        "seconds": statistics.median(seconds[1:]),
        "all_seconds": seconds,
        "rss_before_mb": rss_before,
        "peak_rss_mb": _peak_rss_mb(),
    }


def benchmark_export() -> dict:
    import hashlib

    from apps.effects.selectors import months_with_figures
    from apps.reports import sector_benchmark

    _first, last = months_with_figures()
    if last is None:
        return {"error": "no statistics computed in the benchmark database"}
    rss_before = _peak_rss_mb()
    started = time.perf_counter()
    document = sector_benchmark.export_document(pseudonym="Welzijn Benchmark", year=last.year)
    files = [sector_benchmark.export_json(document), sector_benchmark.export_csv(document)]
    checksums = [hashlib.sha256(data).hexdigest() for data in files]
    seconds = round(time.perf_counter() - started, 3)
    return {
        "year": last.year,
        "rows": len(document["rows"]),
        "json_bytes": len(files[0]),
        "csv_bytes": len(files[1]),
        "checksums": checksums,
        "seconds": seconds,
        "rss_before_mb": rss_before,
        "peak_rss_mb": _peak_rss_mb(),
    }


def social_map_hsds() -> dict:
    from django.db import transaction

    from apps.accounts.models import Role, User
    from apps.socialmap import hsds
    from apps.socialmap.models import (
        Contact,
        Location,
        Organization,
        Referral,
        Service,
        VerificationRequest,
    )
    from apps.socialmap.services import hsds_import

    editor = User.objects.filter(role=Role.FUNCTIONAL_ADMIN, is_active=True).first()
    if editor is None or not Service.objects.exists():
        return {"error": "no social map or no functional administrator in the database"}
    started = time.perf_counter()
    content = json.dumps([hsds.service_document(s) for s in hsds.services_for_export()])
    export_seconds = round(time.perf_counter() - started, 3)

    class Undo(Exception):
        pass

    result = {"services": Service.objects.count(), "json_bytes": len(content)}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            again = hsds_import(content=content, actor=editor)
            result["reimport_seconds"] = round(time.perf_counter() - started, 3)
            result["reimport_unchanged"] = again.unchanged
            for model in (Referral, VerificationRequest, Service, Location, Contact, Organization):
                model.objects.all().delete()
            started = time.perf_counter()
            fresh = hsds_import(content=content, actor=editor)
            result["import_seconds"] = round(time.perf_counter() - started, 3)
            result["import_added"] = fresh.added
            result["import_rejected"] = len(fresh.rejected)
            raise Undo
    except Undo:
        pass
    return {**result, "export_seconds": export_seconds, "peak_rss_mb": _peak_rss_mb()}


LEARNING_STEPS = 100


def learning_import() -> dict:
    from django.db import transaction

    from apps.accounts.models import Role, User
    from apps.learning.models import LearningPath
    from apps.learning.selectors import version_for_export
    from apps.learning.services import path_import
    from apps.learning.transfer import path_file_data, path_file_json

    author = User.objects.filter(role=Role.TEAM_LEADER, is_active=True).order_by("pk").first()
    path = LearningPath.objects.order_by("slug").first()
    version = path.versions.published().first() if path else None
    if author is None or version is None:
        return {"error": "no published learning path or no team leader in the database"}
    data = path_file_data(version_for_export(actor=author, pk=version.pk))
    data["path"]["slug"] = "benchmark-honderd-stappen"
    modules = data["path"]["modules"]
    steps = [step for module in modules for step in module["steps"]]
    per_module = -(-LEARNING_STEPS // len(modules))
    for index, module in enumerate(modules):
        module["steps"] = [steps[(index * per_module + n) % len(steps)] for n in range(per_module)]
    modules[-1]["steps"] = modules[-1]["steps"][: LEARNING_STEPS - per_module * (len(modules) - 1)]
    content = path_file_json(data)

    class Undo(Exception):
        pass

    result = {"steps": sum(len(module["steps"]) for module in modules), "bytes": len(content)}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            path_import(actor=author, content=content)
            result["seconds"] = round(time.perf_counter() - started, 3)
            raise Undo
    except Undo:
        pass
    return {**result, "peak_rss_mb": _peak_rss_mb()}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
