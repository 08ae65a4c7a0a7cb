"""The portal's parts in the staff workspace: journeys (the list, the editor with its
steps, publishing; the preview is the journey's own page, which shows a draft to those who
write journeys), starting a conversation with a client, and activities with who signed
up."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import policy
from apps.accounts.policy import area_required
from apps.core.forms import add_service_errors
from apps.dossiers import selectors as dossier_selectors
from apps.learning import selectors as learning_selectors
from apps.learning.models import Cohort
from apps.organisation.models import Team
from apps.portal import activities, informal_help, selectors, services
from apps.portal.forms import (
    ActivityForm,
    AttendanceForm,
    JourneyForm,
    MatchForm,
    ThreadForm,
    journey_steps_formset,
)
from apps.portal.models import Activity, Journey, SignUp
from apps.portal.views import thread_started


@area_required("portal.view_journey")
def journeys(request):
    context = {
        "journeys": selectors.journeys_for_editor(),
        "can_add": policy.can(request.user, "portal.add_journey"),
    }
    return render(request, "portal/work_journeys.html", context)


@area_required("portal.view_journey")
@require_http_methods(["GET", "POST"])
def journey_edit(request, pk=None):
    journey = selectors.journey_for_editor(pk=pk) if pk else Journey()
    permission = "portal.change_journey" if pk else "portal.add_journey"
    if not policy.can(request.user, permission, journey if pk else None):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = JourneyForm(data, instance=journey)
    steps = journey_steps_formset(journey=journey, data=data)
    status = 200
    if data is not None:
        if form.is_valid() and steps.is_valid():
            saved = services.journey_save(actor=request.user, form=form, steps=steps)
            messages.success(request, _("The journey is saved."))
            return redirect("portal_work:journey_edit", pk=saved.pk)
        status = 400
    context = {
        "journey": journey,
        "form": form,
        "steps": steps,
        "can_publish": pk is not None and policy.can(request.user, "portal.publish_journey"),
    }
    return render(request, "portal/work_journey_edit.html", context, status=status)


@require_POST
@area_required("portal.publish_journey")
def journey_publish(request, pk):
    journey = selectors.journey_for_editor(pk=pk)
    publish = request.POST.get("publish") == "yes"
    try:
        services.journey_publish(actor=request.user, journey=journey, publish=publish)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The journey is on the portal now.")
            if publish
            else _("The journey is a draft again: residents no longer see it."),
        )
    return redirect("portal_work:journey_edit", pk=journey.pk)


@require_http_methods(["GET", "POST"])
@area_required("dossiers.view_caseload", record="dossiers.dossier")
def thread_new(request, pk):
    """A worker starts a conversation with the client of a dossier of their team."""
    dossier = dossier_selectors.dossier_for_actor(actor=request.user, pk=pk)
    if not policy.can(request.user, "portal.add_messagethread", dossier):
        raise PermissionDenied
    form = ThreadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        thread = thread_started(request, dossier=dossier, form=form)
        if thread is not None:
            return redirect("portal_work:thread", pk=thread.pk)
        status = 400
    context = {"dossier": dossier, "form": form}
    return render(request, "portal/work_thread_new.html", context, status=status)


# --- Activities -------------------------------------------------------------------------


@area_required("portal.view_activity_area")
def activities_list(request):
    page = Paginator(selectors.activities_for_staff(actor=request.user), 30).get_page(
        request.GET.get("pagina")
    )
    return render(request, "portal/work_activities.html", {"page": page})


@area_required("portal.view_activity_area")
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk=None):
    activity = selectors.activity_for_staff(actor=request.user, pk=pk) if pk else Activity()
    if pk is None and not policy.can(request.user, "portal.add_activity"):
        raise PermissionDenied
    teams = Team.objects.order_by("name")
    if not policy.can(request.user, "core.access_admin"):
        teams = teams.filter(pk__in=policy.team_ids_of(request.user))
    runs = learning_selectors.cohorts_run_by(actor=request.user)
    initial = _session_initial(request.GET.get("groep"), runs) if pk is None else None
    # The group a meeting is of stays a choice for whoever else of the team changes it.
    cohorts = Cohort.objects.filter(
        Q(pk__in=runs.values("pk")) | Q(pk=activity.cohort_id)
    ).order_by("-starts_on", "name")
    form = ActivityForm(
        request.POST or None, instance=activity, teams=teams, cohorts=cohorts, initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = activities.activity_save(actor=request.user, form=form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The activity is saved."))
                return redirect("portal_work:activity_participants", pk=saved.pk)
        status = 400
    context = {"activity": activity, "form": form}
    return render(request, "portal/work_activity_edit.html", context, status=status)


def _session_initial(cohort_pk, cohorts) -> dict | None:
    """A new meeting of a learning group the actor runs (?groep=<pk>): for its members."""
    cohort = cohorts.filter(pk=cohort_pk).first() if (cohort_pk or "").isdigit() else None
    if cohort is None:
        return None
    return {
        "cohort": cohort.pk,
        "team": cohort.team_id,
        "kind": Activity.Kind.GROUP,
        "theme": cohort.version.path.theme_id,
        "title": _("Meeting of %(group)s") % {"group": cohort.name},
        "capacity": cohort.enrolments.count() or None,
    }


@area_required("portal.view_activity_area")
@require_http_methods(["GET", "POST"])
def activity_participants(request, pk):
    activity = selectors.activity_for_staff(actor=request.user, pk=pk)
    if request.method == "POST":
        sign_up = get_object_or_404(SignUp, pk=request.POST.get("sign_up"), activity=activity)
        try:
            if request.POST.get("cancel") == "yes":
                moved_up = activities.sign_up_cancel(actor=request.user, sign_up=sign_up)
                messages.success(
                    request,
                    _("Signed off. The first on the waiting list has the place now.")
                    if moved_up
                    else _("Signed off."),
                )
            else:
                form = AttendanceForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("Choose whether they were there."))
                activities.attendance_record(
                    actor=request.user, sign_up=sign_up, attended=form.cleaned_data["attended"]
                )
                messages.success(request, _("Attendance is noted."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("portal_work:activity_participants", pk=activity.pk)
    context = {
        "activity": activity,
        "sign_ups": selectors.activity_participants(actor=request.user, activity=activity),
        "started": activity.starts_at <= timezone.now(),
    }
    return render(request, "portal/work_activity_participants.html", context)


# --- Informal help ----------------------------------------------------------------------


@area_required("portal.view_informal_help_queue")
def informal_help_queue(request):
    page = Paginator(selectors.informal_help_queue(actor=request.user), 30).get_page(
        request.GET.get("pagina")
    )
    return render(request, "portal/work_informal_help.html", {"page": page})


@area_required("portal.view_informal_help_queue")
@require_http_methods(["GET", "POST"])
def informal_help_request(request, pk):
    asked = selectors.informal_help_for_coordinator(actor=request.user, pk=pk)
    volunteers = informal_help.team_volunteers(asked)
    form = MatchForm(request.POST or None, volunteers=volunteers)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("close") == "yes":
                informal_help.informal_help_close(actor=request.user, request=asked)
                messages.success(request, _("The request is closed."))
                return redirect("portal_work:informal_help")
            if form.is_valid():
                informal_help.volunteer_match(
                    actor=request.user,
                    request=asked,
                    volunteer=form.cleaned_data["volunteer"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("The volunteer is matched and gets an e-mail."))
                return redirect("portal_work:informal_help_request", pk=asked.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        status = 400
    context = {
        "asked": asked,
        "form": form,
        "matches": asked.matches.select_related("volunteer", "matched_by"),
    }
    return render(request, "portal/work_informal_help_request.html", context, status=status)
