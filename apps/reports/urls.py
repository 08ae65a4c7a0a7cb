from django.urls import path

from apps.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("statistieken/status/", views.statistics_status, name="statistics_status"),
    path("statistieken/opnieuw/", views.statistics_rebuild, name="statistics_rebuild"),
    path("gemeenten/", views.municipality_reports, name="municipality_reports"),
    path("gemeenten/<int:pk>/", views.municipality_report, name="municipality_report"),
    path(
        "gemeenten/<int:pk>/teksten/",
        views.municipality_report_texts,
        name="municipality_report_texts",
    ),
    path(
        "gemeenten/<int:pk>/maken/",
        views.municipality_report_generate,
        name="municipality_report_generate",
    ),
    path(
        "gemeenten/<int:pk>/correctie/",
        views.municipality_report_correct,
        name="municipality_report_correct",
    ),
    path(
        "gemeenten/<int:pk>/voortgang/",
        views.municipality_report_generation,
        name="municipality_report_generation",
    ),
    path(
        "gemeenten/<int:pk>/pdf/",
        views.municipality_report_download,
        name="municipality_report_download",
    ),
    path("sector/", views.sector, name="sector"),
    path("sector/export/", views.sector_export, name="sector_export"),
    path("sector/exports/", views.sector_exports, name="sector_exports"),
    path(
        "sector/export/<int:pk>.<str:kind>",
        views.sector_export_download,
        name="sector_export_download",
    ),
    path("sector/organisaties/", views.sector_peer_upload, name="sector_peer_upload"),
    path(
        "sector/organisaties/<int:pk>/verwijderen/",
        views.sector_peer_remove,
        name="sector_peer_remove",
    ),
    path("sector/vergelijken/", views.sector_comparison_page, name="sector_comparison"),
    path("<slug:slug>/", views.subject, name="subject"),
    path("<slug:slug>/<slug:chart>.csv", views.chart_csv, name="chart_csv"),
]
