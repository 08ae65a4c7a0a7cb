"""Learning paths in the staff workspace: the list of paths with their versions, importing
a path file as a draft, exporting a version, publishing a draft. The preview is the path's
own page, which shows the draft to those who write paths."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import policy
from apps.accounts.models import User
from apps.accounts.policy import area_required
from apps.audit.models import AccessLogEntry
from apps.audit.services import access_log_record
from apps.core.forms import add_service_errors
from apps.dossiers import selectors as dossier_selectors
from apps.learning import selectors, services
from apps.learning.forms import (
    CohortForm,
    HelpOfferForm,
    MemberForm,
    PathImportForm,
    PostForm,
    ScheduleForm,
)
from apps.learning.measurement import path_change
from apps.learning.models import LearningPath
from apps.learning.presentation import funnel_items, member_rows, reflection_items
from apps.learning.sessions import new_session_url, sessions_of
from apps.learning.transfer import path_file_data, path_file_json
from apps.organisation.models import Team


@area_required("learning.view_learningpath_area")
@require_http_methods(["GET", "POST"])
def paths(request):
    form = PathImportForm(request.POST or None, request.FILES or None)
    problems = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                version = services.path_import(
                    actor=request.user, content=form.cleaned_data["file"].read()
                )
            except ValidationError as error:
                problems = error.messages
            else:
                messages.success(
                    request,
                    _("The path %(title)s is imported as a draft.") % {"title": version.title},
                )
                return redirect("learning_work:paths")
        status = 400
    context = {
        "paths": selectors.paths_for_authors(),
        "form": form,
        "problems": problems,
        "may_publish": policy.can(request.user, "learning.publish_pathversion"),
    }
    return render(request, "learning/work_paths.html", context, status=status)


@area_required("learning.export_pathversion")
def export(request, pk):
    version = selectors.version_for_export(actor=request.user, pk=pk)
    response = HttpResponse(
        path_file_json(path_file_data(version)), content_type="application/json"
    )
    filename = f"leerpad-{version.path.slug}-v{version.number}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@area_required("learning.publish_pathversion")
def publish(request, pk):
    version = selectors.version_for_author(pk=pk)
    try:
        services.version_publish(actor=request.user, version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(title)s is published. New learners start this version.")
            % {"title": version.title},
        )
    return redirect("learning_work:paths")


# --- Groups -----------------------------------------------------------------------------


@area_required("learning.view_cohort_area")
@require_http_methods(["GET", "POST"])
def cohorts(request):
    teams = Team.objects.filter(pk__in=policy.team_ids_of(request.user)).order_by("name")
    form = CohortForm(request.POST or None, versions=selectors.published_versions(), teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The group is made. Add its members and its schedule."))
            return redirect("learning_work:cohort_manage", pk=cohort.pk)
    context = {"cohorts": selectors.cohorts_run_by(actor=request.user), "form": form}
    return render(
        request, "learning/work_cohorts.html", context, status=400 if form.errors else 200
    )


# The newest reflections members shared, on the overview.
SHARED_SHOWN = 10


@area_required("learning.view_cohort_area", record="learning.cohort")
def cohort(request, pk):
    """The facilitator's overview: who is ahead and who is stuck, where the group drops out,
    what members shared."""
    group = selectors.cohort_for_runner(actor=request.user, pk=pk)
    # The members' progress is personal data: the read of the group is on the access log.
    access_log_record(actor=request.user, action=AccessLogEntry.Action.READ, obj=group)
    overview = selectors.cohort_overview(cohort=group)
    reflections = selectors.shared_reflections(cohort=group, limit=SHARED_SHOWN)
    context = {
        "cohort": group,
        "overview": overview,
        "member_rows": member_rows(overview),
        "funnel_items": funnel_items(overview),
        "reflection_items": reflection_items(reflections),
        "change": path_change(group.version),
    }
    return render(request, "learning/work_cohort.html", context)


@area_required("learning.view_cohort_area", record="learning.cohort")
@require_http_methods(["GET", "POST"])
def cohort_manage(request, pk):
    """Adding members, and the days the parts open (with their discussions)."""
    group = selectors.cohort_for_runner(actor=request.user, pk=pk)
    modules = list(group.version.modules.only("pk", "title", "position", "version_id"))
    scheduled = dict(group.openings.values_list("module_id", "opens_on"))
    action = request.POST.get("action")
    member_form = MemberForm(request.POST if action == "member" else None)
    schedule_form = ScheduleForm(
        request.POST if action == "schedule" else None,
        modules=modules,
        initial={f"opens_{pk}": day for pk, day in scheduled.items()},
    )
    form = {"member": member_form, "schedule": schedule_form}.get(action)
    if form is not None and form.is_valid():
        try:
            if action == "member":
                learner = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
                services.cohort_add_learner(actor=request.user, cohort=group, learner=learner)
                messages.success(request, _("The resident is in the group."))
            else:
                services.cohort_schedule(actor=request.user, cohort=group, openings=form.openings())
                messages.success(request, _("The schedule is saved."))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("learning_work:cohort_manage", pk=group.pk)
    for module in modules:
        module.opens_on = scheduled.get(module.pk, group.starts_on)
    context = {
        "cohort": group,
        "modules": modules,
        "member_form": member_form,
        "schedule_form": schedule_form,
        "sessions": sessions_of(group),
        "new_session_url": new_session_url(group),
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "learning/work_cohort_manage.html", context, status=status)


@area_required("learning.view_cohort_area", record="learning.cohort")
@require_http_methods(["GET", "POST"])
def cohort_member(request, pk, member_pk):
    """One member's progress per step, and the help the facilitator offers them."""
    group = selectors.cohort_for_runner(actor=request.user, pk=pk)
    member = selectors.member_of_cohort(cohort=group, pk=member_pk)
    paths = LearningPath.objects.filter(versions__status="published").exclude(pk=member.path_id)
    form = HelpOfferForm(request.POST or None, paths=paths.distinct().order_by("slug"))
    if request.method == "POST":
        if request.POST.get("action") == "done":
            offer_pk = request.POST.get("offer", "")
            if not offer_pk.isdigit():
                raise Http404
            offer = get_object_or_404(member.help_offers, pk=offer_pk)
            services.help_offer_done(actor=request.user, offer=offer)
            messages.success(request, _("Marked as done."))
            return redirect("learning_work:cohort_member", pk=group.pk, member_pk=member.pk)
        if form.is_valid():
            try:
                services.help_offer(actor=request.user, enrolment=member, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("Your offer is sent. The member answers with their path.")
                )
                return redirect("learning_work:cohort_member", pk=group.pk, member_pk=member.pk)
    else:
        # A member's progress and shared reflections are personal data.
        access_log_record(actor=request.user, action=AccessLogEntry.Action.READ, obj=member)
    context = {
        "cohort": group,
        "member": member,
        "steps": selectors.member_progress(enrolment=member),
        "offers": selectors.help_offers_of(enrolment=member),
        "form": form,
    }
    status = 400 if form.errors else 200
    return render(request, "learning/work_member.html", context, status=status)


@area_required("learning.view_cohort_area", record="learning.cohort")
@require_http_methods(["GET", "POST"])
def cohort_discussion(request, pk, module_pk):
    """A module's discussion as the facilitator sees it: hidden posts too, and reports."""
    group = selectors.cohort_for_runner(actor=request.user, pk=pk)
    module = selectors.module_of(cohort=group, pk=module_pk)
    form = PostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_add(actor=request.user, cohort=group, module=module, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("learning_work:cohort_discussion", pk=group.pk, module_pk=module.pk)
    context = {
        "cohort": group,
        "module": module,
        "posts": selectors.discussion(actor=request.user, cohort=group, module=module),
        "form": form,
    }
    return render(
        request, "learning/work_discussion.html", context, status=400 if form.errors else 200
    )


@require_POST
@area_required("learning.view_cohort_area", record="learning.post")
def post_hide(request, pk):
    post = selectors.post_or_404(pk=pk)
    if not policy.can(request.user, "learning.change_cohort", post.cohort):
        raise Http404
    services.post_hide(actor=request.user, post=post, hide=request.POST.get("hide") == "yes")
    return redirect("learning_work:cohort_discussion", pk=post.cohort_id, module_pk=post.module_id)


@require_POST
@area_required("dossiers.view_caseload", record="dossiers.dossier")
def dossier_enrol(request, dossier_pk):
    """A worker gives their client a learning path to follow at home."""
    dossier = dossier_selectors.dossier_for_actor(actor=request.user, pk=dossier_pk)
    path = selectors.path_or_404(request.POST.get("path", ""))
    learner = dossier.client.account
    try:
        if learner is None:
            raise ValidationError(_("The client has no portal account."))
        services.enrol(actor=request.user, path=path, learner=learner)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The client can start the learning path in the portal."))
    return redirect(f"{reverse('dossiers:section', args=[dossier.pk, 'leerpaden'])}#learning")
