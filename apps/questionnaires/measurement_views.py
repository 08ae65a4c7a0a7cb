"""The workspace side of questionnaires. In the dossier: record ZRM, the ladder or a scan
together with the client, ask the client to fill in a scan, read one measurement and
compare two. Those pages start from the dossier (its read is logged, and a worker outside
the team gets a 404), then from the measurement, which must belong to the dossier's client.

And the staff survey about the platform itself, which belongs to no dossier.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import policy
from apps.accounts.policy import area_required
from apps.core.forms import add_service_errors
from apps.dossiers.selectors import dossier_for_actor
from apps.questionnaires import selectors
from apps.questionnaires.forms import (
    AssignmentForm,
    CompareForm,
    ItemsForm,
    MeasurementStartForm,
)
from apps.questionnaires.models import Assignment, InstrumentVersion
from apps.questionnaires.results import measurement_result, measurements_compared
from apps.questionnaires.selectors import MEASUREMENTS_SECTION
from apps.questionnaires.services import measurements, surveys


def _dossier(request, pk):
    return dossier_for_actor(actor=request.user, pk=pk)


def _measurements_url(dossier) -> str:
    section = {"pk": dossier.pk, "section": MEASUREMENTS_SECTION}
    return reverse("dossiers:section", kwargs=section) + "#measurements"


@area_required("dossiers.view_caseload", record="dossiers.dossier")
@require_http_methods(["GET", "POST"])
def measurement_new(request, pk):
    dossier = _dossier(request, pk)
    policy.require(request.user, "questionnaires.record_measurement", dossier)
    form = MeasurementStartForm(
        request.POST or None, instruments=selectors.recordable_instruments()
    )
    if request.method == "POST" and form.is_valid():
        try:
            response = measurements.measurement_start(
                dossier=dossier, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("measurements:fill", pk=dossier.pk, measurement_pk=response.pk)
    texts = (_("Record a measurement"), _("Start"))
    return _form_page(request, dossier, form, texts)


@area_required("dossiers.view_caseload", record="dossiers.dossier")
@require_http_methods(["GET", "POST"])
def measurement_fill(request, pk, measurement_pk):
    dossier = _dossier(request, pk)
    response = selectors.measurement_in_dossier(
        actor=request.user, dossier=dossier, pk=measurement_pk, recorded_here=True
    )
    if response.is_completed:
        # A second "finish" (a double click, the back button): the answers are in.
        messages.info(request, _("This measurement is already finished."))
        return redirect("measurements:detail", pk=dossier.pk, measurement_pk=response.pk)
    if not policy.can(request.user, "questionnaires.change_response", response):
        # Someone else records it: the refusal is logged, and the answer is a 404.
        selectors.measurement_in_dossier(
            actor=request.user,
            dossier=dossier,
            pk=measurement_pk,
            permission="questionnaires.change_response",
            recorded_here=True,
        )
    version = InstrumentVersion.objects.with_structure().get(pk=response.version_id)
    items = list(version.items.all())
    if request.method == "GET":
        form = ItemsForm(version=version, items=items, initial=response.answers_by_code())
        return _render_fill(request, dossier, response, version, form)
    form = ItemsForm(request.POST, version=version, items=items)
    complete = "complete" in request.POST
    if form.is_valid():
        try:
            measurements.measurement_save(
                response=response,
                answers=form.cleaned_data,
                actor=request.user,
                complete=complete,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if complete:
                messages.success(request, _("The measurement is saved."))
                return redirect("measurements:detail", pk=dossier.pk, measurement_pk=response.pk)
            messages.success(request, _("The answers are saved. You can go on later."))
            return redirect(_measurements_url(dossier))
    return _render_fill(request, dossier, response, version, form, status=400)


def _render_fill(request, dossier, response, version, form, *, status=200):
    sections, open_fields = _sections(version, form)
    context = {
        "dossier": dossier,
        "response": response,
        "version": version,
        "form": form,
        "sections": sections,
        "open_fields": open_fields,
    }
    return render(request, "questionnaires/workspace/measurement_fill.html", context, status=status)


def _sections(version, form):
    """The form's scale questions per dimension, and the open questions after them."""
    items = list(version.items.all())
    sections = [
        (dimension, [form[item.code] for item in items if item.dimension_id == dimension.pk])
        for dimension in version.dimensions.all()
    ]
    return sections, [form[item.code] for item in items if not item.is_scale]


@area_required("dossiers.view_caseload", record="dossiers.dossier")
def measurement_detail(request, pk, measurement_pk):
    dossier = _dossier(request, pk)
    response = selectors.measurement_in_dossier(
        actor=request.user, dossier=dossier, pk=measurement_pk
    )
    if not response.is_completed:
        return redirect("measurements:fill", pk=dossier.pk, measurement_pk=response.pk)
    context = {"dossier": dossier, "response": response, "result": measurement_result(response)}
    return render(request, "questionnaires/workspace/measurement_detail.html", context)


@area_required("dossiers.view_caseload", record="dossiers.dossier")
def measurement_compare(request, pk):
    dossier = _dossier(request, pk)
    form = CompareForm(request.GET)
    problem = None
    if form.is_valid():
        try:
            first, second = selectors.comparison_pair(
                actor=request.user,
                dossier=dossier,
                first_pk=form.cleaned_data["first"],
                second_pk=form.cleaned_data["second"],
            )
        except ValidationError as error:
            problem = error.messages[0]
        else:
            context = {"dossier": dossier, "comparison": measurements_compared(first, second)}
            return render(request, "questionnaires/workspace/measurement_compare.html", context)
    else:
        problem = _("Choose two measurements to compare.")
    context = {"dossier": dossier, "problem": problem}
    return render(request, "questionnaires/workspace/measurement_compare.html", context, status=400)


@area_required("dossiers.view_caseload", record="dossiers.dossier")
@require_http_methods(["GET", "POST"])
def assignment_new(request, pk):
    dossier = _dossier(request, pk)
    policy.require(request.user, "questionnaires.add_assignment", dossier)
    form = AssignmentForm(request.POST or None, instruments=selectors.assignable_instruments())
    if request.method == "POST" and form.is_valid():
        try:
            measurements.assignment_create(dossier=dossier, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The client gets an e-mail that something is waiting for them in the portal."),
            )
            return redirect(_measurements_url(dossier))
    texts = (_("Ask the client to fill in a scan"), _("Send request"))
    return _form_page(request, dossier, form, texts)


def _form_page(request, dossier, form, texts):
    """The form folded away on the dossier page (htmx fetches it when opened), a page of
    its own without JavaScript, and that page again with the messages after a wrong POST."""
    summary, submit_label = texts
    context = {
        "dossier": dossier,
        "form": form,
        "url": request.path,
        "summary": summary,
        "submit_label": submit_label,
    }
    if request.method == "GET" and request.htmx:
        return render(request, "dossiers/includes/dossier_form.html", context)
    status = 400 if request.method == "POST" else 200
    return render(request, "dossiers/dossier_form_page.html", context, status=status)


@area_required("dossiers.view_caseload", record="dossiers.dossier")
@require_POST
def assignment_cancel(request, pk, assignment_pk):
    dossier = _dossier(request, pk)
    assignment = get_object_or_404(Assignment, pk=assignment_pk, client_id=dossier.client_id)
    try:
        measurements.assignment_cancel(assignment=assignment, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The request is taken back."))
    return redirect(_measurements_url(dossier))


@area_required("questionnaires.fill_staff_survey")
@require_http_methods(["GET", "POST"])
def staff_survey(request):
    """What a worker thinks of the platform: all questions on one page, twice a year."""
    version = selectors.staff_survey_version()
    items = list(version.items.all())
    form = ItemsForm(request.POST or None, version=version, items=items)
    due_from = surveys.staff_survey_due_from(actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            surveys.staff_survey_submit(actor=request.user, answers=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you. Your answers count in the adoption report."))
            return redirect("staff_survey")
    sections, open_fields = _sections(version, form)
    context = {
        "version": version,
        "form": form,
        "sections": sections,
        "open_fields": open_fields,
        "due_from": due_from,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "questionnaires/workspace/staff_survey.html", context, status=status)
