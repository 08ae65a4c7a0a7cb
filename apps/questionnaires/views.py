"""Self-scans in the portal: one part of the scan per page, then the spider web.

Without an account nothing is stored: the answers of earlier pages travel along in the
page itself and are checked again on every page. With a resident account the scan is
kept, so it can be stopped and finished later, and shared with the social worker.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import policy
from apps.core.forms import add_service_errors
from apps.dossiers import help_requests
from apps.dossiers import selectors as dossier_selectors
from apps.questionnaires import anonymous_answers, reading, scoring, selectors
from apps.questionnaires.forms import (
    DimensionStepForm,
    ShareForm,
    TalkForm,
)
from apps.questionnaires.models import InstrumentVersion
from apps.questionnaires.pdf import result_pdf
from apps.questionnaires.results import result_view_from_scores
from apps.questionnaires.services import answering, measurements, self_scans
from apps.questionnaires.spiderweb import spider_chart


def scan_list(request):
    scans = assignments = None
    if policy.can(request.user, "questionnaires.add_response"):
        scans = selectors.resident_scans(resident=request.user)
        assignments = selectors.waiting_assignments(resident=request.user)
    context = {
        "versions": selectors.self_scan_versions(),
        "scans": scans,
        "assignments": assignments,
        "pending_scan": self_scans.pending_scan_read(session=request.session),
    }
    return render(request, "questionnaires/scan_list.html", context)


@require_POST
def assignment_start(request, pk):
    """Begin (or go on with) what the resident's worker asked them to fill in."""
    assignment = selectors.assignment_for_resident(actor=request.user, pk=pk)
    try:
        response = measurements.assignment_start(assignment=assignment, actor=request.user)
    except ValidationError as error:
        messages.info(request, error.messages[0])
        return redirect("questionnaires:list")
    return redirect("questionnaires:step", pk=response.pk, step=1)


@require_http_methods(["GET", "POST"])
def scan_intro(request, code):
    version = selectors.self_scan_version(code=code)
    keeps_answers = policy.can(request.user, "questionnaires.add_response")
    if request.method == "POST" and keeps_answers:
        response = self_scans.self_scan_start(version=version, actor=request.user)
        return redirect("questionnaires:step", pk=response.pk, step=1)
    return render(
        request,
        "questionnaires/scan_intro.html",
        {"version": version, "keeps_answers": keeps_answers, "steps": _steps(version)},
    )


# The pages of a scan without an account show the answers kept in the browser: never
# stored by the browser's cache or one on the way.
@never_cache
@require_http_methods(["GET", "POST"])
def anonymous_step(request, code, step):
    """A page of a scan without an account. The answers so far wait in the resident's own
    browser (apps/questionnaires/anonymous_answers.py); a POST saves this page's answers
    there and redirects, so Back and Reload never send a page twice."""
    version = selectors.self_scan_version(code=code)
    steps = _steps(version)
    if not 1 <= step <= len(steps):
        return redirect("questionnaires:anonymous_step", code=code, step=1)
    try:
        answers = anonymous_answers.read(request, version)
    except anonymous_answers.Stale:
        return _questions_changed(request, version)
    items = steps[step - 1][1]
    if request.method == "GET":
        form = DimensionStepForm(version=version, items=items, initial=answers)
        return _render_step(request, version, steps, step, form)
    form = DimensionStepForm(request.POST, version=version, items=items)
    if not form.is_valid():
        return _render_step(request, version, steps, step, form, status=400)
    answers.update(form.cleaned_data)
    if "back" in request.POST:
        target = reverse("questionnaires:anonymous_step", args=[code, max(step - 1, 1)])
    elif step < len(steps):
        target = reverse("questionnaires:anonymous_step", args=[code, step + 1])
    else:
        target = reverse("questionnaires:anonymous_result", args=[code])
    response = redirect(target)
    anonymous_answers.write(response, version, answers)
    return response


@never_cache
def anonymous_result(request, code):
    version = selectors.self_scan_version(code=code)
    try:
        answers = _held_answers(request, version)
    except ValidationError as error:
        return _start_again(request, version, error)
    except anonymous_answers.Stale:
        return _questions_changed(request, version)
    return _render_result(request, version, answers, anonymous=True)


@require_POST
def anonymous_forget(request, code):
    """ "Clear my answers": the cookie goes; on a shared computer nobody reads them after."""
    version = selectors.self_scan_version(code=code)
    messages.success(request, _("Your answers are cleared from this browser."))
    response = redirect("questionnaires:intro", code=version.instrument.code)
    anonymous_answers.forget(response)
    return response


def _held_answers(request, version) -> dict:
    """The answers of a finished scan without an account; ValidationError when there are
    none (the browser session ended, or the scan was never filled in)."""
    answers = anonymous_answers.read(request, version)
    if not answers:
        raise ValidationError(
            _("Your answers are no longer in this browser. Please fill in the scan again.")
        )
    return answers


def _questions_changed(request, version):
    messages.error(request, _("The questions changed in the meantime. Please start again."))
    response = redirect("questionnaires:intro", code=version.instrument.code)
    anonymous_answers.forget(response)
    return response


@require_http_methods(["GET", "POST"])
def stored_step(request, pk, step):
    response = selectors.response_for_actor(actor=request.user, pk=pk)
    if response.is_completed:
        # A second "send" (a double click, the back button): the answers are in.
        messages.info(request, _("You have already sent this questionnaire."))
        return redirect("questionnaires:result", pk=pk)
    policy.require(request.user, "questionnaires.change_response", response)
    version = InstrumentVersion.objects.with_structure().get(pk=response.version_id)
    steps = _steps(version, with_open=True)
    if not 1 <= step <= len(steps):
        return redirect("questionnaires:step", pk=pk, step=1)
    items = steps[step - 1][1]
    if request.method == "GET":
        initial = response.answers_by_code()
        form = DimensionStepForm(version=version, items=items, initial=initial)
        return _render_step(request, version, steps, step, form, response=response)
    form = DimensionStepForm(request.POST, version=version, items=items)
    if not form.is_valid():
        return _render_step(request, version, steps, step, form, response=response, status=400)
    try:
        answering.response_answer_save(response=response, answers=form.cleaned_data)
        if "later" in request.POST:
            messages.success(request, _("Your answers are saved. You can go on later."))
            return redirect("questionnaires:list")
        if "back" in request.POST:
            return redirect("questionnaires:step", pk=pk, step=max(step - 1, 1))
        if step < len(steps):
            return redirect("questionnaires:step", pk=pk, step=step + 1)
        answering.response_complete(response=response)
    except ValidationError as error:
        add_service_errors(form, error)
        return _render_step(request, version, steps, step, form, response=response, status=400)
    return redirect("questionnaires:result", pk=pk)


def stored_result(request, pk):
    response = selectors.response_for_actor(actor=request.user, pk=pk)
    if not response.is_completed:
        return redirect("questionnaires:step", pk=pk, step=1)
    if response.is_survey:
        return render(request, "questionnaires/survey_thanks.html", {"response": response})
    version = InstrumentVersion.objects.with_structure().get(pk=response.version_id)
    answers = dict(response.answers.filter(value__isnull=False).values_list("item__code", "value"))
    return _render_result(request, version, answers, response=response)


def stored_result_pdf(request, pk):
    response = selectors.response_for_actor(actor=request.user, pk=pk)
    if not response.is_completed or response.is_survey:
        return redirect("questionnaires:result", pk=pk)
    version = InstrumentVersion.objects.with_structure().get(pk=response.version_id)
    answers = dict(response.answers.filter(value__isnull=False).values_list("item__code", "value"))
    return _pdf_download(version, answers, completed_at=response.completed_at)


def anonymous_result_pdf(request, code):
    """The result of a scan without an account, as a PDF, from the answers in the
    resident's browser, checked again; nothing is stored."""
    version = selectors.self_scan_version(code=code)
    try:
        answers = _held_answers(request, version)
    except ValidationError as error:
        return _start_again(request, version, error)
    except anonymous_answers.Stale:
        return _questions_changed(request, version)
    return _pdf_download(version, answers)


def _start_again(request, version, error):
    """Posted answers that do not fit: the scan's first page, with why (a 400)."""
    context = {"version": version, "steps": _steps(version), "problem": error.messages[0]}
    return render(request, "questionnaires/scan_intro.html", context, status=400)


def _pdf_download(version, answers, *, completed_at=None):
    scores, parts = _scores_and_parts(version, answers)
    result = result_view_from_scores(
        version=version,
        scores=scores,
        completed_at=completed_at,
        reading=reading.reading(parts),
        suggestions=[s.title for s in reading.suggestions(version.instrument.code, parts)],
    )
    download = HttpResponse(result_pdf(result=result), content_type="application/pdf")
    filename = f"zelfscan-{version.instrument.code}.pdf"
    download["Content-Disposition"] = f'attachment; filename="{filename}"'
    download["Cache-Control"] = "no-store"
    return download


@require_POST
def share(request, pk):
    response = selectors.response_for_actor(
        actor=request.user, pk=pk, permission="questionnaires.share_response"
    )
    form = ShareForm(request.POST)
    if form.is_valid():
        shared = form.cleaned_data["share"]
        self_scans.response_share_set(response=response, actor=request.user, shared=shared)
        if shared:
            messages.success(request, _("Your social worker can now see this scan."))
        else:
            messages.success(request, _("Your social worker can no longer see this scan."))
    else:
        messages.error(request, _("Choose yes or no."))
    return redirect("questionnaires:result", pk=pk)


def _steps(version, *, with_open=False):
    """(dimension, its scale questions) per page, in order; with `with_open`, the open
    questions (a remark at the end) on a last page of their own, with no dimension."""
    items = list(version.items.all())
    steps = [
        (dimension, [item for item in items if item.is_scale and item.dimension_id == dimension.pk])
        for dimension in version.dimensions.all()
    ]
    open_items = [item for item in items if not item.is_scale]
    if with_open and open_items:
        steps.append((None, open_items))
    return steps


def _render_step(request, version, steps, step, form, *, response=None, status=200):
    dimension = steps[step - 1][0]
    if response is None:
        action = reverse(
            "questionnaires:anonymous_step",
            kwargs={"code": version.instrument.code, "step": step},
        )
    else:
        action = reverse("questionnaires:step", kwargs={"pk": response.pk, "step": step})
    context = {
        "version": version,
        "dimension": dimension,
        "form": form,
        "step": step,
        "step_count": len(steps),
        "is_last": step == len(steps),
        "response": response,
        "action": action,
    }
    return render(request, "questionnaires/scan_step.html", context, status=status)


def _scores_and_parts(version, answers):
    scores = scoring.score(scoring.spec_from_version(version), answers)
    parts = [
        reading.Part(dimension.code, dimension.name, scores.dimensions[dimension.code].score)
        for dimension in version.dimensions.all()
    ]
    return scores, parts


def _render_result(request, version, answers, *, response=None, anonymous=False):
    _scores, parts = _scores_and_parts(version, answers)
    chart = spider_chart(
        title=version.instrument.name,
        axes=[(part.code, part.name) for part in parts],
        series=[(_("Your answers"), {part.code: part.score for part in parts})],
        scale_min=version.scale_min,
        scale_max=version.scale_max,
    )
    context = {
        "version": version,
        "response": response,
        "chart": chart,
        "reading": reading.reading(parts),
        "suggestions": reading.suggestions(version.instrument.code, parts),
        "anonymous": anonymous,
        # Every question skipped: no web to draw, and the page says so.
        "nothing_answered": all(part.score is None for part in parts),
        "can_share": response is not None
        and policy.can(request.user, "questionnaires.share_response", response),
    }
    return render(request, "questionnaires/scan_result.html", context)


# "I would like to talk about this" ----------------------------------------------------


@require_http_methods(["GET", "POST"])
def talk_stored(request, pk):
    response = selectors.response_for_actor(
        actor=request.user, pk=pk, permission="questionnaires.share_response"
    )
    if not response.is_completed:
        return redirect("questionnaires:step", pk=pk, step=1)
    version = response.version
    if request.method == "GET":
        form = _talk_form(
            request, initial=dossier_selectors.help_request_initial(resident=request.user)
        )
        return _render_talk(request, version, form, response=response)
    return _talk_send(request, version, _talk_form(request, data=request.POST), response=response)


@never_cache
@require_http_methods(["GET", "POST"])
def talk_anonymous(request, code):
    """From the result of a scan without an account: the answers in the resident's browser
    are only stored when they send their scan with the request."""
    version = selectors.self_scan_version(code=code)
    try:
        answers = _held_answers(request, version)
    except ValidationError as error:
        return _start_again(request, version, error)
    except anonymous_answers.Stale:
        return _questions_changed(request, version)
    if request.method == "GET":
        return _render_talk(request, version, _talk_form(request), answers=answers)
    return _talk_send(request, version, _talk_form(request, data=request.POST), answers=answers)


def _talk_form(request, **kwargs) -> TalkForm:
    account_email = request.user.email if request.user.is_authenticated else ""
    return TalkForm(account_email=account_email, **kwargs)


def _talk_send(request, version, form, *, response=None, answers=None):
    status = 400
    if form.is_valid():
        status = help_requests.help_request_send_form(
            session=request.session,
            token=request.POST.get("once"),
            form=form,
            send=lambda: self_scans.talk_request_send(
                version=version,
                actor=request.user,
                response=response,
                answers=answers,
                **form.request_fields(),
            ),
        )
        if not status:
            return redirect("portal:help_sent")
    return _render_talk(request, version, form, response=response, answers=answers, status=status)


def _render_talk(request, version, form, *, response=None, answers=None, status=200):
    context = {
        "version": version,
        "form": form,
        "response": response,
        "once": help_requests.help_request_token_issue(session=request.session),
    }
    return render(request, "questionnaires/talk.html", context, status=status)


@require_POST
def keep_anonymous(request, code):
    """ "Keep my result": the answers in the resident's browser are checked and wait in the
    session until the resident is logged in and confirms the scan is theirs."""
    version = selectors.self_scan_version(code=code)
    try:
        answers = _held_answers(request, version)
        self_scans.pending_scan_hold(session=request.session, version=version, answers=answers)
    except ValidationError as error:
        return _start_again(request, version, error)
    except anonymous_answers.Stale:
        return _questions_changed(request, version)
    confirm = reverse("questionnaires:pending")
    if request.user.is_authenticated:
        return redirect(confirm)
    messages.info(
        request,
        _("Create an account, or log in if you have one. Then you can keep your scan."),
    )
    return redirect(f"{reverse('account_signup')}?{urlencode({'next': confirm})}")


@require_http_methods(["GET", "POST"])
def pending_scan(request):
    """A scan made without an account waits in this browser: the logged-in resident keeps
    it or throws it away. Asked, never assumed: someone else may have left it behind."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
    pending = self_scans.pending_scan_read(session=request.session)
    if pending is None:
        messages.info(request, _("There is no scan waiting to be kept."))
        return redirect("questionnaires:list")
    if not policy.can(request.user, "questionnaires.add_response"):
        self_scans.pending_scan_discard(session=request.session)
        messages.error(request, _("Only a resident's account can keep a scan."))
        return redirect("questionnaires:list")
    if request.method == "POST":
        if request.POST.get("keep") != "yes":
            self_scans.pending_scan_discard(session=request.session)
            messages.info(request, _("The scan is thrown away."))
            return redirect("questionnaires:list")
        try:
            kept = self_scans.pending_scan_keep(session=request.session, actor=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("questionnaires:list")
        messages.success(request, _("Your scan is kept."))
        return redirect("questionnaires:result", pk=kept.pk)
    try:
        version = selectors.self_scan_version(code=pending["code"])
    except Http404:
        # The scan was taken out of use meanwhile: nothing left to keep.
        self_scans.pending_scan_discard(session=request.session)
        messages.info(request, _("There is no scan waiting to be kept."))
        return redirect("questionnaires:list")
    context = {"pending": pending, "version": version}
    return render(request, "questionnaires/pending_scan.html", context)
