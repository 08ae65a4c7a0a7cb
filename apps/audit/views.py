import csv
from datetime import datetime

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from apps.accounts.policy import area_required
from apps.audit import selectors
from apps.audit.forms import AccessLogSearchForm, ExportReasonForm
from apps.audit.models import AccessLogEntry
from apps.audit.pagination import InvalidPosition, read_position
from apps.audit.services import access_log_record


@area_required("audit.view_accesslogentry")
def access_log_list(request):
    search = AccessLogSearchForm(request.GET)
    try:
        direction, position = read_position(request.GET)
    except InvalidPosition:
        direction, position = "invalid", None
    page = None
    if search.is_valid() and direction != "invalid":
        page = selectors.access_log_page(
            actor=request.user,
            filters=search.filters(),
            older_than=position if direction == "older" else None,
            newer_than=position if direction == "newer" else None,
        )
    access_log_record(
        actor=request.user,
        action=AccessLogEntry.Action.SEARCH,
        object_type=AccessLogEntry._meta.label_lower,
        reason=search.describe(),
    )
    template = "audit/_access_log_results.html" if request.htmx else "audit/access_log_list.html"
    context = {"search": search, "page": page, "invalid_position": direction == "invalid"}
    return render(request, template, context)


@area_required("audit.export_accesslogentry")
@require_http_methods(["GET", "POST"])
def access_log_export(request):
    search = AccessLogSearchForm(request.GET)
    form = ExportReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and search.is_valid():
        rows = selectors.access_log_export_rows(actor=request.user, filters=search.filters())
        described = search.describe()
        access_log_record(
            actor=request.user,
            action=AccessLogEntry.Action.EXPORT,
            object_type=AccessLogEntry._meta.label_lower,
            reason=form.cleaned_data["reason"] + (f" [{described}]" if described else ""),
        )
        filename = f"toegangslog-{timezone.localdate():%Y%m%d}.csv"
        return StreamingHttpResponse(
            _csv_lines(rows),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    return render(request, "audit/access_log_export.html", {"search": search, "form": form})


class _Echo:
    def write(self, value):
        return value


def _csv_lines(rows):
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
    yield writer.writerow(selectors.EXPORT_COLUMNS)
    for row in rows:
        yield writer.writerow([_safe_cell(_local(value)) for value in row])


def _local(value):
    """Times in the export read as on the page: local time, with its offset."""
    return timezone.localtime(value).isoformat() if isinstance(value, datetime) else value


def _safe_cell(value) -> str:
    """Neutralise cells a spreadsheet would run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
