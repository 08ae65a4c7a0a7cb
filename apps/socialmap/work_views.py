"""The social map in the staff workspace: the same search with what only staff read, a
referral from a dossier, the editor's queue of proposed changes, and how fresh the map is."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.accounts.policy import area_required
from apps.core.forms import add_service_errors
from apps.socialmap import freshness, selectors, services
from apps.socialmap.forms import DecisionForm, ReferralForm
from apps.socialmap.views import search_context, service_context


@area_required("socialmap.view_service")
def search(request):
    dossier = selectors.dossier_to_refer(actor=request.user, pk=request.GET.get("dossier"))
    context = search_context(
        request,
        detail_name="socialmap_work:detail",
        for_staff=True,
        query={"dossier": dossier.pk} if dossier else None,
    )
    context["dossier"] = dossier
    return render(request, "socialmap/work_search.html", context)


@area_required("socialmap.view_service")
@require_http_methods(["GET", "POST"])
def detail(request, pk):
    service = selectors.public_service(pk=pk, for_staff=True)
    dossier = selectors.dossier_to_refer(
        actor=request.user, pk=request.POST.get("dossier") or request.GET.get("dossier")
    )
    form = ReferralForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if dossier is None:
            form.add_error(None, _("Open the social map from a dossier to refer its client."))
        elif form.is_valid():
            try:
                services.referral_record(
                    actor=request.user,
                    dossier=dossier,
                    service=service,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The referral to %(service)s is in the dossier.") % {"service": service.name},
                )
                return redirect("dossiers:section", pk=dossier.pk, section="verwijzingen")
        status = 400
    context = service_context(service) | {"dossier": dossier, "referral_form": form}
    return render(request, "socialmap/work_detail.html", context, status=status)


@area_required("socialmap.view_freshness")
def freshness_dashboard(request):
    return render(
        request,
        "socialmap/freshness.html",
        {"freshness": selectors.freshness_overview()},
    )


@area_required("socialmap.view_proposedchange")
def proposals(request):
    page = Paginator(selectors.pending_proposals(), 50).get_page(request.GET.get("page"))
    return render(request, "socialmap/proposals.html", {"page": page})


@area_required("socialmap.view_proposedchange")
@require_http_methods(["GET", "POST"])
def proposal(request, pk):
    proposal = selectors.proposal_for_editor(pk=pk)
    form = DecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision not in ("accept", "reject"):
            form.add_error(None, _("Choose whether to accept or reject the proposal."))
        elif form.is_valid():
            decide = (
                freshness.proposal_accept if decision == "accept" else freshness.proposal_reject
            )
            try:
                decide(proposal=proposal, actor=request.user, note=form.cleaned_data["note"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The change is accepted: the social map shows it now.")
                    if decision == "accept"
                    else _("The proposal is rejected; the service stays as it was."),
                )
                return redirect("socialmap_work:proposals")
        status = 400
    context = {
        "proposal": proposal,
        "diff": freshness.proposal_diff(proposal),
        "form": form,
        "can_decide": proposal.state == proposal.State.PENDING
        and request.user.has_perm("socialmap.change_proposedchange", proposal),
    }
    return render(request, "socialmap/proposal.html", context, status=status)
