"""The team leader divides the work: gives a client to a colleague, and asks a worker why a
trajectory runs long. Both are reached from the team overview and the list of long
trajectories, and go back there."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.policy import area_required
from apps.core.forms import add_service_errors
from apps.dossiers import selectors, services
from apps.dossiers.forms import ReassignForm


@area_required("dossiers.view_team_overview", record="dossiers.dossier")
@require_http_methods(["GET", "POST"])
def dossier_reassign(request, pk):
    dossier = selectors.dossier_for_leader(leader=request.user, pk=pk)
    # Not `request.POST or None`: an empty POST is a form sent without a choice.
    data = request.POST if request.method == "POST" else None
    form = ReassignForm(data, candidates=selectors.reassign_candidates(dossier=dossier))
    back = _back_url(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_reassign(dossier=dossier, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(worker)s now supports %(client)s and gets an e-mail about it.")
                % {"worker": dossier.responsible_worker, "client": dossier.client.full_name},
            )
            return redirect(back)
    status = 400 if request.method == "POST" else 200
    context = {"dossier": dossier, "form": form, "back": back}
    return render(request, "dossiers/dossier_reassign.html", context, status=status)


@area_required("dossiers.view_team_overview", record="dossiers.dossier")
@require_POST
def dossier_request_explanation(request, pk):
    dossier = selectors.dossier_for_leader(leader=request.user, pk=pk)
    try:
        dossier, asked = services.dossier_request_explanation(dossier=dossier, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _team_overview(request, status=400)
    names = {"worker": dossier.responsible_worker, "client": dossier.client.full_name}
    if asked:
        messages.success(
            request,
            _("You asked %(worker)s why support for %(client)s takes longer.") % names,
        )
    else:
        asked_on = date_format(localtime(dossier.explanation_requested_at), "SHORT_DATE_FORMAT")
        messages.info(
            request,
            _("You already asked %(worker)s about %(client)s on %(date)s.")
            % {**names, "date": asked_on},
        )
    return redirect(f"{_back_url(request)}#long-running-{dossier.pk}")


def _back_url(request) -> str:
    """Where the leader came from (the overview or a page of the long list), never
    another site."""
    back = request.POST.get("next") or request.GET.get("next") or ""
    if back.startswith("/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return reverse("dossiers:team_overview")


def _team_overview(request, *, status):
    teams = selectors.team_overview(leader=request.user)
    return render(request, "dossiers/team_overview.html", {"teams": teams}, status=status)
