from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import policy
from apps.accounts.policy import area_required
from apps.dossiers import selectors, services
from apps.dossiers.forms import (
    ActionForm,
    BreakGlassForm,
    CloseDossierForm,
    ContactMomentForm,
    GoalForm,
    IntakeConvertForm,
    LongRunningExplanationForm,
)
from apps.dossiers.models import Action, Dossier


@area_required("dossiers.view_intake_queue")
def intake_queue(request):
    requests = selectors.intake_queue(actor=request.user)
    return render(request, "dossiers/intake_queue.html", {"requests": requests})


@area_required("dossiers.view_intake_queue")
@require_http_methods(["GET", "POST"])
def intake_detail(request, pk):
    intake = selectors.intake_for_actor(actor=request.user, pk=pk, request=request)
    if intake.status != intake.Status.NEW:
        messages.info(request, _("This request has already been handled."))
        return redirect("dossiers:intake_queue")
    form = IntakeConvertForm(request.POST or None, duplicates=intake.possible_duplicates())
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.intake_convert(
                intake=intake,
                actor=request.user,
                questions=form.questions,
                existing_client=form.existing_client,
                request=request,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The dossier is open. You are its social worker."))
            return redirect("dossiers:detail", pk=dossier.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "dossiers/intake_detail.html", {"intake": intake, "form": form}, status=status
    )


@area_required("dossiers.view_team_overview")
def team_overview(request):
    teams = selectors.team_overview(leader=request.user)
    return render(request, "dossiers/team_overview.html", {"teams": teams})


@area_required("dossiers.view_caseload")
def dossier_detail(request, pk):
    try:
        dossier = selectors.dossier_for_actor(
            actor=request.user, pk=pk, request=request, offer_break_glass=True
        )
    except selectors.BreakGlassRequired:
        return redirect("dossiers:break_glass", pk=pk)
    return _render_detail(request, dossier)


@area_required("dossiers.view_caseload")
@require_POST
def contact_moment_add(request, pk):
    dossier = selectors.dossier_for_actor(actor=request.user, pk=pk, request=request)
    policy.require(request.user, "dossiers.change_dossier", dossier)
    form = ContactMomentForm(request.POST)
    if _submit(
        form, services.contact_moment_log, dossier=dossier, actor=request.user, request=request
    ):
        messages.success(request, _("The contact moment is saved."))
        return redirect("dossiers:detail", pk=dossier.pk)
    return _render_detail(request, dossier, contact_form=form, status=400)


@area_required("dossiers.view_caseload")
@require_POST
def plan_goal_add(request, pk):
    dossier = selectors.dossier_for_actor(actor=request.user, pk=pk, request=request)
    policy.require(request.user, "dossiers.change_dossier", dossier)
    form = GoalForm(request.POST)
    if _submit(form, services.plan_goal_add, dossier=dossier, actor=request.user, request=request):
        return redirect(f"{dossier_url(dossier)}#plan")
    return _render_detail(request, dossier, goal_form=form, status=400)


@area_required("dossiers.view_caseload")
@require_POST
def plan_action_add(request, pk, goal_pk):
    goal = selectors.plan_goal_for_actor(
        actor=request.user, dossier_pk=pk, goal_pk=goal_pk, request=request
    )
    policy.require(request.user, "dossiers.change_dossier", goal.dossier)
    form = ActionForm(request.POST, goal=goal)
    if _submit(form, services.plan_action_add, goal=goal, actor=request.user, request=request):
        return redirect(f"{dossier_url(goal.dossier)}#goal-{goal.pk}")
    return _render_detail(request, goal.dossier, action_forms={goal.pk: form}, status=400)


@area_required("dossiers.view_caseload")
@require_POST
def plan_action_status(request, pk, action_pk):
    action = selectors.plan_action_for_actor(
        actor=request.user, dossier_pk=pk, action_pk=action_pk, request=request
    )
    policy.require(request.user, "dossiers.change_dossier", action.goal.dossier)
    try:
        services.plan_action_set_status(
            action=action,
            actor=request.user,
            status=request.POST.get("status", ""),
            request=request,
        )
    except ValidationError:
        messages.error(request, _("Choose one of the statuses."))
        return _render_detail(request, action.goal.dossier, status=400)
    return redirect(f"{dossier_url(action.goal.dossier)}#goal-{action.goal_id}")


def dossier_url(dossier) -> str:
    return reverse("dossiers:detail", kwargs={"pk": dossier.pk})


@area_required("dossiers.view_caseload")
@require_POST
def dossier_advance(request, pk):
    dossier = selectors.dossier_for_actor(actor=request.user, pk=pk, request=request)
    policy.require(request.user, "dossiers.change_dossier", dossier)
    to_status = dossier.next_status
    if to_status is None:
        messages.error(request, _("This dossier is closed."))
        return _render_detail(request, dossier, status=400)
    close_form = CloseDossierForm(request.POST if to_status == Dossier.Status.CLOSED else None)
    if to_status == Dossier.Status.CLOSED and not close_form.is_valid():
        return _render_detail(request, dossier, close_form=close_form, status=400)
    extra = close_form.cleaned_data if to_status == Dossier.Status.CLOSED else {}
    try:
        services.dossier_advance(
            dossier=dossier, actor=request.user, to_status=to_status, request=request, **extra
        )
    except ValidationError as error:
        _add_errors(close_form, error)
        return _render_detail(request, dossier, close_form=close_form, status=400)
    messages.success(
        request, _("The status is now: %(status)s.") % {"status": dossier.get_status_display()}
    )
    return redirect("dossiers:detail", pk=dossier.pk)


@area_required("dossiers.view_caseload")
@require_POST
def explain_long_running(request, pk):
    dossier = selectors.dossier_for_actor(actor=request.user, pk=pk, request=request)
    policy.require(request.user, "dossiers.change_dossier", dossier)
    form = LongRunningExplanationForm(request.POST)
    explain = services.dossier_explain_long_running
    if _submit(form, explain, dossier=dossier, actor=request.user, request=request):
        messages.success(request, _("Your explanation is saved. Your team leader can read it."))
        return redirect("dossiers:detail", pk=dossier.pk)
    return _render_detail(request, dossier, explanation_form=form, status=400)


@area_required("dossiers.view_caseload")
@require_http_methods(["GET", "POST"])
def break_glass(request, pk):
    dossier = selectors.dossier_for_break_glass(actor=request.user, pk=pk)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and _submit(
        form, services.dossier_break_glass, dossier=dossier, actor=request.user, request=request
    ):
        return redirect("dossiers:detail", pk=dossier.pk)
    return render(request, "dossiers/break_glass.html", {"dossier": dossier, "form": form})


def _render_detail(
    request,
    dossier,
    *,
    contact_form=None,
    close_form=None,
    explanation_form=None,
    goal_form=None,
    action_forms=None,
    status=200,
):
    goals = list(selectors.dossier_plan(dossier=dossier))
    action_forms = action_forms or {}
    for goal in goals:
        goal.action_form = action_forms.get(goal.pk) or ActionForm(goal=goal)
    context = {
        "dossier": dossier,
        "questions": dossier.questions.select_related("theme"),
        "timeline": selectors.dossier_timeline(dossier=dossier),
        "goals": goals,
        "goal_form": goal_form or GoalForm(),
        "action_statuses": Action.Status.choices,
        "can_change": policy.can(request.user, "dossiers.change_dossier", dossier),
        "contact_form": contact_form or ContactMomentForm(),
        "close_form": close_form or CloseDossierForm(),
        "explanation_form": explanation_form
        or LongRunningExplanationForm(initial={"explanation": dossier.long_running_explanation}),
    }
    return render(request, "dossiers/dossier_detail.html", context, status=status)


def _submit(form, service, **arguments) -> bool:
    """Validate the form and call the service with its cleaned data; the service's own
    validation errors land on the form's fields. True when the change was made."""
    if not form.is_valid():
        return False
    try:
        service(**arguments, **form.cleaned_data)
    except ValidationError as error:
        _add_errors(form, error)
        return False
    return True


def _add_errors(form, error: ValidationError) -> None:
    for field, field_errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_errors)
