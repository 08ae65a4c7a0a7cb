"""The reports API: read-only, with the policy of the pages. Published municipality
reports' metadata for managers and the municipality's own viewers; the sector benchmark
exports, and the export document itself, for managers. Handing out an export document is
in the access log, as its download on the page is."""

import json

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response as ApiResponse

from apps.reports.api.serializers import BenchmarkExportSerializer, MunicipalityReportSerializer
from apps.reports.models import BenchmarkExport, MunicipalityReport
from apps.reports.selectors import municipality_reports_for
from apps.reports.services import download_record


class PublishedReports:
    queryset = MunicipalityReport.objects.none()  # for the schema; get_queryset() decides
    serializer_class = MunicipalityReportSerializer
    policy_permissions = {"GET": "core.access_municipality_reports"}
    filterset_fields = ["municipality", "version"]

    def get_queryset(self):
        return (
            municipality_reports_for(self.request.user)
            .published()
            .order_by("-period_end", "municipality__name", "-version", "pk")
        )


@extend_schema(summary="Published municipality reports you may see")
class MunicipalityReportList(PublishedReports, generics.ListAPIView):
    """Managers see every published report; a municipality's viewers those of their own
    municipality. Drafts are never in the API."""


@extend_schema(summary="One published municipality report")
class MunicipalityReportDetail(PublishedReports, generics.RetrieveAPIView):
    policy_object_permissions = {"GET": "reports.view_municipalityreport"}


class Exports:
    queryset = BenchmarkExport.objects.none()
    serializer_class = BenchmarkExportSerializer
    policy_permissions = {"GET": "reports.view_benchmarkexport"}
    filterset_fields = ["year", "status"]

    def get_queryset(self):
        return BenchmarkExport.objects.order_by("-requested_at", "-pk")


@extend_schema(summary="The organisation's sector benchmark exports")
class BenchmarkExportList(Exports, generics.ListAPIView):
    pass


@extend_schema(summary="One sector benchmark export")
class BenchmarkExportDetail(Exports, generics.RetrieveAPIView):
    policy_object_permissions = {"GET": "reports.view_benchmarkexport"}


@extend_schema(
    summary="The export document itself (schema apps/reports/schemas/)",
    responses={200: OpenApiTypes.OBJECT},
)
class BenchmarkExportDocument(Exports, generics.RetrieveAPIView):
    """The JSON of a finished export, as its schema describes it. In the access log."""

    policy_object_permissions = {"GET": "reports.view_benchmarkexport"}

    def retrieve(self, request, *args, **kwargs):
        export = self.get_object()
        if export.status != BenchmarkExport.Status.DONE:
            raise Http404
        with export.json_file.open("rb") as file:
            document = json.loads(file.read().decode("utf-8"))
        download_record(obj=export, actor=request.user)
        return ApiResponse(document)
