from django.urls import path

from apps.reports.api import views

app_name = "reports-api"

urlpatterns = [
    path(
        "municipality-reports/",
        views.MunicipalityReportList.as_view(),
        name="municipality-report-list",
    ),
    path(
        "municipality-reports/<int:pk>/",
        views.MunicipalityReportDetail.as_view(),
        name="municipality-report-detail",
    ),
    path("benchmark-exports/", views.BenchmarkExportList.as_view(), name="benchmark-export-list"),
    path(
        "benchmark-exports/<int:pk>/",
        views.BenchmarkExportDetail.as_view(),
        name="benchmark-export-detail",
    ),
    path(
        "benchmark-exports/<int:pk>/document/",
        views.BenchmarkExportDocument.as_view(),
        name="benchmark-export-document",
    ),
]
