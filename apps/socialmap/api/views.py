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


class Services(Public):
    serializer_class = ServiceDocument
    filterset_class = ServiceFilter

    def get_queryset(self):
        on_map = Service.objects.filter(status__in=PUBLIC_STATUSES, hidden_since__isnull=True)
        return hsds.services_for_export(on_map)


@extend_schema_view(
    get=extend_schema(
        summary="Services on the social map (HSDS 3.1)",
        responses={200: OpenApiTypes.OBJECT},
        auth=[],
        operation_id="social_map_services_list",
    )
)
class ServiceList(Services, generics.ListAPIView):
    pass


@extend_schema_view(
    get=extend_schema(
        summary="One service (HSDS 3.1)",
        responses={200: OpenApiTypes.OBJECT},
        auth=[],
        operation_id="social_map_services_retrieve",
    )
)
class ServiceDetail(Services, generics.RetrieveAPIView):
    pass


class Organizations(Public):
    serializer_class = OrganizationDocument
    filterset_fields = []

    def get_queryset(self):
        return Organization.objects.prefetch_related("phones", "contacts__phones").order_by(
            "name", "id"
        )


@extend_schema_view(
    get=extend_schema(
        summary="Providers on the social map (HSDS 3.1)",
        responses={200: OpenApiTypes.OBJECT},
        auth=[],
        operation_id="social_map_organizations_list",
    )
)
class OrganizationList(Organizations, generics.ListAPIView):
    pass


@extend_schema_view(
    get=extend_schema(
        summary="One provider (HSDS 3.1)",
        responses={200: OpenApiTypes.OBJECT},
        auth=[],
        operation_id="social_map_organizations_retrieve",
    )
)
class OrganizationDetail(Organizations, generics.RetrieveAPIView):
    pass


class Locations(Public):
    serializer_class = LocationDocument
    filterset_fields = []

    def get_queryset(self):
        return Location.objects.prefetch_related("accessibilities", "phones").order_by("name", "id")


@extend_schema_view(
    get=extend_schema(
        summary="Places on the social map (HSDS 3.1)",
        responses={200: OpenApiTypes.OBJECT},
        auth=[],
        operation_id="social_map_locations_list",
    )
)
class LocationList(Locations, generics.ListAPIView):
    pass


@extend_schema_view(
    get=extend_schema(
        summary="One place (HSDS 3.1)",
        responses={200: OpenApiTypes.OBJECT},
        auth=[],
        operation_id="social_map_locations_retrieve",
    )
)
class LocationDetail(Locations, generics.RetrieveAPIView):
    pass
