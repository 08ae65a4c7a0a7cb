from rest_framework import serializers

from apps.organisation.models import Municipality
from apps.reports.models import BenchmarkExport, MunicipalityReport


class MunicipalitySummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Municipality
        fields = ["id", "name", "cbs_code"]


class MonthField(serializers.DateField):
    """A month as YYYY-MM (the report's periods are whole months)."""

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m", **kwargs)


class MunicipalityReportSerializer(serializers.ModelSerializer):
    """A published report's metadata: what, when, which version, and the PDF's checksum."""

    municipality = MunicipalitySummarySerializer(read_only=True)
    period_start = MonthField(read_only=True)
    period_end = MonthField(read_only=True)
    sha256 = serializers.CharField(source="checksum", read_only=True)
    changes = serializers.SerializerMethodField()

    class Meta:
        model = MunicipalityReport
        fields = [
            "id",
            "municipality",
            "period_start",
            "period_end",
            "version",
            "published_at",
            "changes",
            "page_count",
            "file_size",
            "sha256",
        ]
        read_only_fields = fields

    def get_changes(self, report) -> str | None:
        """What changed since the previous version; none for a first version."""
        return report.changes if report.version > 1 else None


class BenchmarkExportSerializer(serializers.ModelSerializer):
    class Meta:
        model = BenchmarkExport
        fields = [
            "id",
            "pseudonym",
            "year",
            "schema_version",
            "status",
            "requested_at",
            "finished_at",
            "row_count",
            "json_sha256",
            "csv_sha256",
        ]
        read_only_fields = fields
