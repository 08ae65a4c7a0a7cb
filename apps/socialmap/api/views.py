"""The social map as an API, in the Open Referral (HSDS 3.1) format of the export: services,
providers and locations, for anyone (it is public information, as on the portal), read-only.
What only staff read (internal notes, how to refer) is never in it, nor a service that
stopped or is hidden for want of confirmation."""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from apps.organisation.models import Theme
from apps.socialmap import hsds
from apps.socialmap.models import Location, Organization, Service
from apps.socialmap.selectors import PUBLIC_STATUSES


class HsdsDocument(serializers.BaseSerializer):
    """A record as its HSDS document (apps/socialmap/hsds.py), the same as in the export."""

    document = None

    def to_representation(self, instance):
        return type(self).document(instance)


class ServiceDocument(HsdsDocument):
    document = staticmethod(hsds.service_document)


class OrganizationDocument(HsdsDocument):
    document = staticmethod(hsds.organization_document)


class LocationDocument(HsdsDocument):
    document = staticmethod(hsds.location_document)


class ServiceFilter(django_filters.FilterSet):
    theme = django_filters.ModelChoiceFilter(
        field_name="themes",
        queryset=Theme.objects.all(),
        to_field_name="code",
        help_text="A theme's code, such as geldzaken-regelgeving.",
    )
    organization = django_filters.UUIDFilter(field_name="organization_id")

    class Meta:
        model = Service
        fields = ["theme", "organization"]


class Public:
    permission_classes = [AllowAny]


def _read_views(records, *, noun: str, many: str, one: str):
    """The list and the detail view of `records` (a class with serializer and queryset),
    open to anyone, described in the schema as HSDS documents."""

    def documented(view, action: str, summary: str):
        described = extend_schema(
            summary=f"{summary} (HSDS 3.1)",
            responses={200: OpenApiTypes.OBJECT},
            auth=[],
            operation_id=f"social_map_{noun}_{action}",
        )
        return extend_schema_view(get=described)(view)

    listed = type(f"{records.__name__}List", (records, generics.ListAPIView), {})
    detail = type(f"{records.__name__}Detail", (records, generics.RetrieveAPIView), {})
    return documented(listed, "list", many), documented(detail, "retrieve", one)


class Services(Public):
    serializer_class = ServiceDocument
    filterset_class = ServiceFilter

    def get_queryset(self):
        on_map = Service.objects.filter(status__in=PUBLIC_STATUSES, hidden_since__isnull=True)
        return hsds.services_for_export(on_map)


class Organizations(Public):
    serializer_class = OrganizationDocument
    filterset_fields = []

    def get_queryset(self):
        return Organization.objects.prefetch_related("phones", "contacts__phones").order_by(
            "name", "id"
        )


class Locations(Public):
    serializer_class = LocationDocument
    filterset_fields = []

    def get_queryset(self):
        return Location.objects.prefetch_related("accessibilities", "phones").order_by("name", "id")


ServiceList, ServiceDetail = _read_views(
    Services, noun="services", many="Services on the social map", one="One service"
)
OrganizationList, OrganizationDetail = _read_views(
    Organizations, noun="organizations", many="Providers on the social map", one="One provider"
)
LocationList, LocationDetail = _read_views(
    Locations, noun="locations", many="Places on the social map", one="One place"
)
