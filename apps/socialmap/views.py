from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from apps.core.forms import add_service_errors
from apps.socialmap import freshness, opening, selectors
from apps.socialmap.forms import ProposedChangeForm, ServiceSearchForm
from apps.socialmap.presentation import opening_hours, result_cards, result_map, search_fields

SEARCH_PAGE_SIZE = 20


def search(request):
    """The social map for everyone, without an account."""
    context = search_context(request, detail_name="socialmap:detail")
    return render(request, "socialmap/search.html", context)


def search_context(request, *, detail_name, for_staff=False, query=None) -> dict:
    """The search form, a page of results as cards and as flags on a map, and the public
    holiday that closes everything when the visitor asked what is open now."""
    form = ServiceSearchForm(request.GET or None)
    asked = form.search() if form.is_bound else {}
    services = selectors.PublicSearch(**asked, for_staff=for_staff)
    page = Paginator(services, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    holiday = None
    if asked.get("open_at"):
        holiday = opening.public_holiday(opening.local_moment(asked["open_at"]).date())
    return {
        "form": form,
        "fields": search_fields(form),
        "page": page,
        "holiday": holiday,
        "near": asked.get("near"),
        "cards": result_cards(page.object_list, detail_name=detail_name, query=query),
        "map_data": result_map(page.object_list, detail_name=detail_name, query=query),
    }


def detail(request, pk):
    service = selectors.public_service(pk=pk)
    return render(request, "socialmap/detail.html", service_context(service))


def service_context(service) -> dict:
    return {
        "service": service,
        "places": [
            (place, opening_hours(place.schedules.all()))
            for place in service.service_at_locations.all()
        ],
        "service_hours": opening_hours(service.schedules.all()),
    }


# --- The provider's answer, through the link in our e-mail (no account) ------------------


def _refused(request, refused: freshness.LinkRefused):
    return render(
        request,
        "socialmap/verify_refused.html",
        {"message": refused.message},
        status=refused.status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request, token):
    """'Is this still right?': the service as residents read it, with one button to
    confirm it and a way to propose changes."""
    try:
        verification = freshness.request_for_link(token)
        if request.method == "POST":
            freshness.service_confirm(request=verification)
            return redirect("socialmap:verify_done", answer="bevestigd")
    except freshness.LinkRefused as refused:
        return _refused(request, refused)
    service = selectors.public_service(pk=verification.service_id, for_staff=True)
    context = service_context(service) | {"verification": verification, "token": token}
    return render(request, "socialmap/verify.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def propose(request, token):
    try:
        verification = freshness.request_for_link(token)
    except freshness.LinkRefused as refused:
        return _refused(request, refused)
    service = verification.service
    current = freshness.editable_values(service)
    form = ProposedChangeForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        note = values.pop("note")
        try:
            freshness.change_propose(request=verification, values=values, note=note)
        except freshness.LinkRefused as refused:
            return _refused(request, refused)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("socialmap:verify_done", answer="voorstel")
    status = 400 if form.errors else 200
    context = {"service": service, "form": form, "token": token}
    return render(request, "socialmap/propose.html", context, status=status)


def verify_done(request, answer):
    return render(request, "socialmap/verify_done.html", {"proposed": answer == "voorstel"})
