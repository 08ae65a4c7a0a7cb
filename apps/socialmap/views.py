from django.core.paginator import Paginator
from django.shortcuts import render

from apps.socialmap import selectors
from apps.socialmap.forms import ServiceSearchForm
from apps.socialmap.presentation import opening_hours, result_cards

SEARCH_PAGE_SIZE = 20


def search(request):
    """The social map for everyone, without an account."""
    form = ServiceSearchForm(request.GET or None)
    services = selectors.PublicSearch(**(form.search() if form.is_bound else {}))
    page = Paginator(services, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "cards": result_cards(page.object_list)}
    return render(request, "socialmap/search.html", context)


def detail(request, pk):
    service = selectors.public_service(pk=pk)
    places = [
        (place, opening_hours(place.schedules.all()))
        for place in service.service_at_locations.all()
    ]
    context = {
        "service": service,
        "places": places,
        "service_hours": opening_hours(service.schedules.all()),
    }
    return render(request, "socialmap/detail.html", context)
