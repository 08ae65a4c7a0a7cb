from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import policy
from apps.accounts.policy import area_required
from apps.core.forms import add_service_errors
from apps.dossiers import dossier_page, sections, selectors, services, worker_reads, worklists
from apps.dossiers.dossier_page import section_url
from apps.dossiers.filters import CaseloadFilter
from apps.dossiers.forms import (
    ActionForm,
    AttachmentForm,
    BreakGlassForm,
    ClientForm,
    CloseDossierForm,
    ContactMomentForm,
    ErasureAnswerForm,
    GoalForm,
    IntakeConvertForm,
    IntakeRequestForm,
    LegalHoldForm,
    LifeEventForm,
    LongRunningExplanationForm,
    NetworkMemberForm,
    QuestionForm,
)
from apps.dossiers.models import Dossier
from apps.dossiers.team_figures import LongTrajectory
from apps.organisation import selectors as organisation_selectors
from apps.organisation.models import Neighbourhood, Team

# Asks for the caseload's search fields: the page with its drawer open, or under htmx (the
# drawer being opened) the fields alone.
SEARCH_PARAM = "zoeken"


@area_required("core.access_workspace")
def caseload(request):
    """The caseload for those who do casework; administration links for the others."""
    if not policy.can(request.user, "dossiers.view_caseload"):
        teams = organisation_selectors.teams_of_user(user=request.user)
        return render(request, "workspace/home.html", {"teams": teams})
    searching = SEARCH_PARAM in request.GET
    # Most visits search nothing: then no filter is built, and the list is read as it is.
    caseload = (
        selectors.caseload_filter(worker=request.user, data=request.GET)
        if searching or CaseloadFilter.asks(request.GET)
        else None
    )
    if request.htmx and searching:
        response = render(request, "dossiers/includes/caseload_search.html", {"filter": caseload})
    elif request.htmx:
        context = _caseload_page(request, caseload)
        response = render(request, "dossiers/_caseload_rows.html", context)
    else:
        context = {
            **_caseload_page(request, caseload),
            "teams": organisation_selectors.team_names_of_user(user=request.user),
            "show_search": searching or (caseload is not None and caseload.in_use),
            "search_param": SEARCH_PARAM,
        }
        response = render(request, "dossiers/caseload.html", context)
    # Under htmx the same address gives a part of the page: a browser must not mix them.
    patch_vary_headers(response, ("HX-Request",))
    return response


def _caseload_page(request, caseload) -> dict:
    page, values = selectors.caseload_page(
        worker=request.user, caseload=caseload, number=request.GET.get("page")
    )
    return {"filter": caseload, "page": page, "rows": worklists.caseload_rows(values)}


@area_required("dossiers.view_today")
def today(request):
    day = selectors.worker_today(worker=request.user)
    return render(request, "dossiers/today.html", {"day": day, **worklists.day_items(day)})


INTAKE_PAGE_SIZE = 25


@area_required("dossiers.view_intake_queue")
def intake_queue(request):
    requests = selectors.intake_queue(actor=request.user)
    page = Paginator(requests, INTAKE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dossiers/intake_queue.html", {"page": page})


@area_required("dossiers.view_intake_queue")
@require_http_methods(["GET", "POST"])
def intake_new(request):
    teams = Team.objects.filter(pk__in=policy.team_ids_of(request.user)).order_by("name")
    form = IntakeRequestForm(request.POST or None, teams=teams)
    register = services.intake_request_register
    if request.method == "POST" and _submit(form, register, actor=request.user):
        messages.success(request, _("The request is in the intake queue."))
        return redirect("dossiers:intake_queue")
    status = 400 if request.method == "POST" else 200
    return render(request, "dossiers/intake_new.html", {"form": form}, status=status)


@area_required("dossiers.view_intake_queue", record="dossiers.intakerequest")
@require_http_methods(["GET", "POST"])
def intake_detail(request, pk):
    intake = selectors.intake_for_actor(actor=request.user, pk=pk)
    if intake.status != intake.Status.NEW:
        messages.info(request, _("This request has already been handled."))
        return redirect("dossiers:intake_queue")
    if intake.kind == intake.Kind.ERASURE:
        return _erasure_request(request, intake)
    form = IntakeConvertForm(request.POST or None, duplicates=intake.possible_duplicates())
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.intake_convert(
                intake=intake,
                actor=request.user,
                questions=form.questions,
                existing_client=form.existing_client,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The dossier is open. You are its social worker."))
            return redirect("dossiers:detail", pk=dossier.pk)
    status = 400 if request.method == "POST" else 200
    context = {
        "intake": intake,
        "form": form,
        "sections": sections.page_sections("intake", actor=request.user, intake=intake),
    }
    return render(request, "dossiers/intake_detail.html", context, status=status)


def _erasure_request(request, intake):
    """A resident's request to delete their data: the team's dossiers it is about, with how
    long each is kept, and the answer the resident reads."""
    form = ErasureAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.erasure_request_answer(
                intake=intake, actor=request.user, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your answer is sent. The resident reads it online."))
            return redirect("dossiers:intake_queue")
    context = {
        "intake": intake,
        "form": form,
        "dossiers": selectors.erasure_dossiers(actor=request.user, intake=intake),
        "retention_years": settings.DOSSIER_RETENTION_YEARS,
    }
    status = 400 if form.errors else 200
    return render(request, "dossiers/intake_erasure.html", context, status=status)


@area_required("dossiers.view_team_overview")
def team_overview(request):
    teams = selectors.team_overview(leader=request.user)
    return render(request, "dossiers/team_overview.html", {"teams": teams})


LONG_RUNNING_PAGE_SIZE = 25


@area_required("dossiers.view_team_overview", record="organisation.team")
def team_long_running(request, pk):
    team = selectors.team_of_leader(leader=request.user, pk=pk)
    dossiers = selectors.team_long_running(team=team)
    page = Paginator(dossiers, LONG_RUNNING_PAGE_SIZE).get_page(request.GET.get("page"))
    trajectories = [LongTrajectory.of(dossier) for dossier in page]
    context = {"team": team, "page": page, "trajectories": trajectories}
    return render(request, "dossiers/team_long_running.html", context)


@area_required("dossiers.view_team_overview", record="organisation.team")
def team_member_dossiers(request, pk, member_pk=None):
    """A member's open dossiers in the team, or those of nobody in it (no `member_pk`):
    the team leader sees who carries what and gives clients to a colleague."""
    team = selectors.team_of_leader(leader=request.user, pk=pk)
    member = None if member_pk is None else selectors.team_member(team=team, pk=member_pk)
    dossiers = selectors.team_open_dossiers(team=team, member=member)
    page = Paginator(dossiers, LONG_RUNNING_PAGE_SIZE).get_page(request.GET.get("page"))
    trajectories = [LongTrajectory.of(dossier) for dossier in page]
    context = {"team": team, "member": member, "page": page, "trajectories": trajectories}
    return render(request, "dossiers/team_member_dossiers.html", context)


@area_required("dossiers.view_caseload", record="dossiers.dossier")
def dossier_detail(request, pk):
    try:
        dossier = selectors.dossier_for_actor(actor=request.user, pk=pk, offer_break_glass=True)
    except selectors.BreakGlassRequired:
        return redirect("dossiers:break_glass", pk=pk)
    return _render_detail(request, dossier)


@area_required("dossiers.view_caseload", record="dossiers.dossier")
def dossier_section(request, pk, section):
    """One section of the dossier page: a page of its own, or under htmx only the
    section. Another team's dossier is not offered for break-the-glass here: its page is."""
    dossier_page.section_named(section)
    dossier = selectors.dossier_for_actor(actor=request.user, pk=pk)
    return _render_detail(request, dossier, section=section)


@area_required("dossiers.view_caseload", record="dossiers.dossier")
@require_http_methods(["GET", "POST"])
def contact_moment_add(request, pk):
    return _add_to_dossier(
        request,
        pk,
        ContactMomentForm,
        services.contact_moment_log,
        permission="dossiers.change_dossier",
        form_name="contact_form",
        section="contact",
        texts=(_("Log a contact moment"), _("Save contact moment")),
        success=_("The contact moment is saved."),
        form_kwargs=lambda dossier: {"worker": request.user},
    )


@area_required("dossiers.view_caseload", record="dossiers.dossier")
@require_http_methods(["GET", "POST"])
def question_add(request, pk):
    return _add_to_dossier(
        request,
        pk,
        QuestionForm,
        services.question_register,
        permission="dossiers.change_dossier",
        form_name="question_form",
        section="vragen",
        texts=(_("Register a question"), _("Add question")),
    )


@area_required("dossiers.view_caseload", record="dossiers.dossier")
@require_POST
def plan_goal_add(request, pk):
    return _add_to_dossier(
        request,
        pk,
        GoalForm,
        services.plan_goal_add,
        permission="dossiers.change_dossier",
        form_name="goal_form",
        section="plan",
        texts=(_("Add goal"), _("Add goal")),
    )


@area_required("dossiers.view_caseload", record="dossiers.dossier")
@require_http_methods(["GET", "POST"])
def plan_action_add(request, pk, goal_pk):
    goal = selectors.plan_goal_for_actor(actor=request.user, dossier_pk=pk, goal_pk=goal_pk)
    policy.require(request.user, "dossiers.change_dossier", goal.dossier)
    if request.method == "GET":
        texts = (_("Add an action"), _("Add action"))
        return _empty_form(request, goal.dossier, ActionForm(goal=goal), texts)
    form = ActionForm(request.POST, goal=goal)
    if _submit(form, services.plan_action_add, goal=goal, actor=request.user):
        return redirect(f"{section_url(goal.dossier, 'plan')}#goal-{goal.pk}")
    return _render_detail(request, goal.dossier, action_forms={goal.pk: form}, status=400)


@area_required("dossiers.view_caseload", record="dossiers.dossier")
@require_POST
def plan_action_status(request, pk, action_pk):
    action = selectors.plan_action_for_actor(actor=request.user, dossier_pk=pk, action_pk=action_pk)
    policy.require(request.user, "dossiers.change_dossier", action.goal.dossier)
    status = request.POST.get("status", "")
    set_status = services.plan_action_set_status
    refused = _refused(
        request, action.goal.dossier, set_status, section="plan", action=action, status=status
    )
    return refused or redirect(f"{section_url(action.goal.dossier, 'plan')}#goal-{action.goal_id}")


@area_required("dossiers.view_caseload", record="dossiers.dossier")
@require_POST
def plan_goal_achieved(request, pk, goal_pk):
    goal = selectors.plan_goal_for_actor(actor=request.user, dossier_pk=pk, goal_pk=goal_pk)
    achieved = request.POST.get("achieved") == "yes"
    set_achieved = services.plan_goal_set_achieved
    refused = _refused(
        request, goal.dossier, set_achieved, section="plan", goal=goal, achieved=achieved
    )
    return refused or redirect(f"{section_url(goal.dossier, 'plan')}#goal-{goal.pk}")


@area_required("dossiers.view_caseload", record="dossiers.dossier")
@require_http_methods(["GET", "POST"])
def network_member_add(request, pk):
    return _add_to_dossier(
        request,
        pk,
        NetworkMemberForm,
        services.network_member_save,
        permission="dossiers.add_networkmember",
        form_name="network_form",
        section="netwerk",
        texts=(_("Add someone to the network"), _("Add to the network")),
    )


@area_required("dossiers.view_caseload", record="dossiers.dossier")
@require_http_methods(["GET", "POST"])
def network_member_edit(request, pk, member_pk):
    member = selectors.record_in_dossier(
        actor=request.user, dossier_pk=pk, related_name="network", pk=member_pk
    )
    policy.require(request.user, "dossiers.change_networkmember", member)
    form = NetworkMemberForm(request.POST or None, instance=member)
    if request.method == "POST" and _submit(
        form,
        services.network_member_save,
        dossier=member.dossier,
        member=member,
        actor=request.user,
    ):
        return redirect(section_url(member.dossier, "netwerk"))
    status = 400 if request.method == "POST" else 200
    context = {"dossier": member.dossier, "member": member, "form": form}
    return render(request, "dossiers/network_member_edit.html", context, status=status)


@area_required("dossiers.view_caseload", record="dossiers.dossier")
@require_POST
def network_member_remove(request, pk, member_pk):
    member = selectors.record_in_dossier(
        actor=request.user, dossier_pk=pk, related_name="network", pk=member_pk
    )
    remove = services.network_member_remove
    if refused := _refused(request, member.dossier, remove, section="netwerk", member=member):
        return refused
    messages.success(request, _("%(name)s is no longer on the eco-map.") % {"name": member.name})
    return redirect(section_url(member.dossier, "netwerk"))


@area_required("dossiers.view_caseload", record="dossiers.dossier")
@require_http_methods(["GET", "POST"])
def life_event_add(request, pk):
    return _add_to_dossier(
        request,
        pk,
        LifeEventForm,
        services.life_event_add,
        permission="dossiers.add_lifeevent",
        form_name="life_event_form",
        section="gebeurtenissen",
        texts=(_("Add a life event"), _("Add life event")),
    )


@area_required("dossiers.view_caseload", record="dossiers.dossier")
@require_POST
def life_event_remove(request, pk, event_pk):
    event = selectors.record_in_dossier(
        actor=request.user, dossier_pk=pk, related_name="life_events", pk=event_pk
    )
    remove = services.life_event_remove
    if refused := _refused(request, event.dossier, remove, section="gebeurtenissen", event=event):
        return refused
    return redirect(section_url(event.dossier, "gebeurtenissen"))


@area_required("dossiers.view_caseload", record="dossiers.dossier")
@require_http_methods(["GET", "POST"])
def attachment_add(request, pk):
    """A photo or file; `?foto=1` asks for a photo, which opens a phone's camera."""
    photo = request.GET.get("foto") == "1"
    return _add_to_dossier(
        request,
        pk,
        AttachmentForm,
        services.attachment_add,
        permission="dossiers.add_attachment",
        form_name="attachment_form",
        section="bijlagen",
        texts=(_("Take a photo"), _("Save photo"))
        if photo
        else (_("Add a photo or scan"), _("Add file")),
        success=_("The file is added to the dossier."),
        form_kwargs=lambda dossier: {"dossier": dossier, "photo": photo},
    )


@area_required("dossiers.view_caseload", record="dossiers.dossier")
def attachment_download(request, pk, attachment_pk):
    attachment = selectors.attachment_for_download(
        actor=request.user, dossier_pk=pk, pk=attachment_pk
    )
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=request.GET.get("download") == "1",
        filename=attachment.original_name,
    )
    # Shown in the browser, never run: no scripts, no plugins, not cached on shared devices.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@area_required("dossiers.view_caseload", record="dossiers.dossier")
@require_POST
def attachment_remove(request, pk, attachment_pk):
    attachment = selectors.record_in_dossier(
        actor=request.user,
        dossier_pk=pk,
        related_name="attachments",
        pk=attachment_pk,
    )
    remove = services.attachment_remove
    refused = _refused(
        request, attachment.dossier, remove, section="bijlagen", attachment=attachment
    )
    if refused:
        return refused
    messages.success(request, _("The file is removed."))
    return redirect(section_url(attachment.dossier, "bijlagen"))


@area_required("dossiers.view_caseload", record="dossiers.dossier")
@require_POST
def dossier_advance(request, pk):
    dossier = selectors.dossier_for_actor(actor=request.user, pk=pk)
    policy.require(request.user, "dossiers.change_dossier", dossier)
    to_status = dossier.next_status
    if to_status is None:
        messages.error(request, _("This dossier is closed."))
        return _render_detail(request, dossier, section="gegevens", status=400)
    close_form = CloseDossierForm(request.POST if to_status == Dossier.Status.CLOSED else None)
    if to_status == Dossier.Status.CLOSED and not close_form.is_valid():
        return _render_detail(request, dossier, close_form=close_form, status=400)
    extra = close_form.cleaned_data if to_status == Dossier.Status.CLOSED else {}
    try:
        services.dossier_advance(dossier=dossier, actor=request.user, to_status=to_status, **extra)
    except ValidationError as error:
        add_service_errors(close_form, error)
        return _render_detail(request, dossier, close_form=close_form, status=400)
    messages.success(
        request, _("The status is now: %(status)s.") % {"status": dossier.get_status_display()}
    )
    return redirect(section_url(dossier, "gegevens"))


@area_required("dossiers.view_caseload", record="dossiers.dossier")
@require_POST
def explain_long_running(request, pk):
    dossier = selectors.dossier_for_actor(actor=request.user, pk=pk)
    policy.require(request.user, "dossiers.change_dossier", dossier)
    form = LongRunningExplanationForm(request.POST)
    explain = services.dossier_explain_long_running
    if _submit(form, explain, dossier=dossier, actor=request.user):
        messages.success(request, _("Your explanation is saved. Your team leader can read it."))
        return redirect("dossiers:detail", pk=dossier.pk)
    return _render_detail(request, dossier, explanation_form=form, status=400)


@area_required("dossiers.view_caseload", record="dossiers.dossier")
@require_http_methods(["GET", "POST"])
def client_edit(request, pk):
    dossier = selectors.dossier_for_actor(actor=request.user, pk=pk)
    client = dossier.client
    policy.require(request.user, "dossiers.change_client", client)
    neighbourhoods = (
        Neighbourhood.objects.filter(district__teams__in=policy.team_ids_of(request.user))
        .select_related("municipality")
        .distinct()
        .order_by("name")
    )
    form = ClientForm(request.POST or None, instance=client, neighbourhoods=neighbourhoods)
    update = services.client_update
    if request.method == "POST" and _submit(form, update, client=client, actor=request.user):
        messages.success(request, _("The client's details are saved."))
        return redirect("dossiers:detail", pk=dossier.pk)
    status = 400 if request.method == "POST" else 200
    context = {"dossier": dossier, "form": form}
    return render(request, "dossiers/client_edit.html", context, status=status)


@area_required("dossiers.view_caseload", record="dossiers.dossier")
@require_POST
def legal_hold(request, pk):
    dossier = selectors.dossier_for_actor(actor=request.user, pk=pk)
    policy.require(request.user, "dossiers.hold_dossier", dossier)
    form = LegalHoldForm(request.POST)
    hold = services.dossier_set_legal_hold
    if _submit(form, hold, dossier=dossier, actor=request.user):
        messages.success(request, _("The retention setting is saved."))
        return redirect(f"{section_url(dossier, 'gegevens')}#legal-hold")
    return _render_detail(request, dossier, legal_hold_form=form, status=400)


@area_required("dossiers.view_caseload", record="dossiers.dossier")
@require_http_methods(["GET", "POST"])
def break_glass(request, pk):
    dossier = selectors.dossier_for_break_glass(actor=request.user, pk=pk)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and _submit(
        form, services.dossier_break_glass, dossier=dossier, actor=request.user
    ):
        return redirect("dossiers:detail", pk=dossier.pk)
    return render(request, "dossiers/break_glass.html", {"dossier": dossier, "form": form})


def _render_detail(request, dossier, *, section=None, status=200, **forms):
    """The dossier page with one section: `section`, else the section of a form that came
    back with errors (`forms`, e.g. `contact_form`), else the contact moments. Under htmx
    only the sections' navigation and the section are sent; the browser keeps the rest."""
    if section is None:
        given = [name for name, form in forms.items() if form]
        section = dossier_page.SECTION_OF_FORM[given[0]] if given else dossier_page.FIRST_SECTION
    can_change = policy.can(request.user, "dossiers.change_dossier", dossier)
    page = dossier_page.DossierPage(request, dossier, can_change, forms)
    context = dossier_page.section_context(page, section)
    if request.htmx and not request.htmx.history_restore_request and status == 200:
        response = render(request, "dossiers/includes/dossier_sections.html", context)
    else:
        context["next_action"] = worker_reads.next_action(dossier.pk)
        response = render(request, "dossiers/dossier_detail.html", context, status=status)
    # The same address answers with a page or a part of one.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _add_to_dossier(
    request,
    pk,
    form_class,
    service,
    *,
    permission,
    form_name,
    section,
    texts,
    success=None,
    form_kwargs=None,
):
    """A form that adds something to a dossier. GET gives the empty form: as a fragment
    for the folded-away form on the dossier page (htmx), or as a page of its own. POST
    calls the service; on bad input the dossier page comes back (400) with the messages.

    `texts` is (what the form is for, the label of its button); `form_kwargs(dossier)`
    gives the form's own arguments."""
    dossier = selectors.dossier_for_actor(actor=request.user, pk=pk)
    policy.require(request.user, permission, dossier)
    form_kwargs = form_kwargs(dossier) if form_kwargs else {}
    if request.method == "GET":
        return _empty_form(request, dossier, form_class(**form_kwargs), texts)
    form = form_class(request.POST, request.FILES, **form_kwargs)
    if _submit(form, service, dossier=dossier, actor=request.user):
        if success:
            messages.success(request, success)
        anchor = dossier_page.section_named(section).anchor
        return redirect(f"{section_url(dossier, section)}#{anchor}")
    return _render_detail(request, dossier, status=400, **{form_name: form})


def _empty_form(request, dossier, form, texts):
    """An empty form of the dossier page: the fragment htmx fetches when it is opened, or a
    page of its own without JavaScript."""
    summary, submit_label = texts
    context = {
        "dossier": dossier,
        "form": form,
        "url": request.path,
        "summary": summary,
        "submit_label": submit_label,
        "multipart": form.is_multipart(),
    }
    template = "includes/dossier_form.html" if request.htmx else "dossier_form_page.html"
    return render(request, f"dossiers/{template}", context)


def _submit(form, service, **arguments) -> bool:
    """Validate the form and call the service with its cleaned data; the service's own
    validation errors land on the form's fields. True when the change was made."""
    if not form.is_valid():
        return False
    try:
        service(**arguments, **form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True


def _refused(request, dossier, service, *, section, **arguments):
    """Call a service that needs no form; when it refuses, show why on the dossier page
    at `section` (a 400 response). None when the change was made."""
    try:
        service(**arguments, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _render_detail(request, dossier, section=section, status=400)
    return None
