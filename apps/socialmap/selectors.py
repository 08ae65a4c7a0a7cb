"""What residents find on the social map: the services that run, searched in Dutch and
filtered, and one service with everything its page shows."""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.http import Http404

from apps.socialmap.models import CostOption, Schedule, Service, ServiceAtLocation

# What a resident may find: a service that stopped, or stopped for now without saying
# when, is not on the public map; a temporary closure shows with its notice.
PUBLIC_STATUSES = (Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED)


def public_services(
    *, query: str = "", theme=None, neighbourhood=None, target_group=None, free: bool = False
):
    """Services for residents, the best match first when there is a query (name weighs
    most, then the summary, then the description), else by name."""
    services = Service.objects.filter(status__in=PUBLIC_STATUSES)
    if theme is not None:
        services = services.filter(themes=theme)
    if target_group is not None:
        services = services.filter(target_groups=target_group)
    if neighbourhood is not None:
        # Offered in the neighbourhood, in the whole municipality, or at a place in it.
        services = services.filter(
            Q(neighbourhoods=neighbourhood)
            | Q(municipalities=neighbourhood.municipality_id)
            | Q(locations__neighbourhood=neighbourhood)
        ).distinct()
    if free:
        services = services.exclude(
            Exists(CostOption.objects.filter(service=OuterRef("pk"), amount__gt=0))
        )
    query = query.strip()
    services = _matching(services, query) if query else services.order_by("name", "id")
    # Only what a result shows: the search document and long texts stay in the database.
    places = (
        ServiceAtLocation.objects.select_related("location")
        .only("service_id", "location__address_1", "location__city")
        .order_by("id")
    )
    return (
        services.select_related("organization")
        .only("id", "name", "summary", "status", "organization__name")
        .prefetch_related("themes", Prefetch("service_at_locations", queryset=places))
    )


def _matching(services, query: str):
    if connection.vendor == "postgresql":
        # The search document is kept by a trigger and found through its GIN index
        # (migration 0002): name weighs most, then the summary, then the description.
        search = SearchQuery(query, config="dutch", search_type="websearch")
        return (
            services.filter(search_document=search)
            .annotate(rank=SearchRank(F("search_document"), search))
            .order_by("-rank", "name", "id")
        )
    # The embedded database has no Dutch stemming: every word must occur somewhere, and
    # a match in the name comes first.
    for word in query.split()[:10]:
        services = services.filter(
            Q(name__icontains=word) | Q(summary__icontains=word) | Q(description__icontains=word)
        )
    first_word = query.split()[0]
    return services.annotate(
        in_name=Exists(Service.objects.filter(pk=OuterRef("pk"), name__icontains=first_word))
    ).order_by("-in_name", "name", "id")


def public_service(*, pk) -> Service:
    """One service for its public page, with its provider, places, hours, phones, costs
    and languages; 404 for a service that is not on the public map."""
    service = (
        Service.objects.filter(pk=pk, status__in=PUBLIC_STATUSES)
        .select_related("organization")
        .prefetch_related(
            "themes",
            "target_groups",
            "phones",
            "cost_options",
            "languages",
            Prefetch("schedules", queryset=Schedule.objects.order_by("opens_at", "id")),
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location")
                .prefetch_related(
                    "location__accessibilities",
                    "location__phones",
                    Prefetch("schedules", queryset=Schedule.objects.order_by("opens_at", "id")),
                )
                .order_by("id"),
            ),
        )
        .first()
    )
    if service is None:
        raise Http404
    return service
