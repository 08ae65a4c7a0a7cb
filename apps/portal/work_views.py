"""Journeys in the staff workspace: the list, the editor with its steps, and publishing.
The preview is the journey's own page, which shows a draft to those who write journeys."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import policy
from apps.accounts.policy import area_required
from apps.portal import selectors, services
from apps.portal.forms import JourneyForm, journey_steps_formset
from apps.portal.models import Journey


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
