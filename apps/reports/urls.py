from django.urls import path

from apps.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("statistieken/status/", views.statistics_status, name="statistics_status"),
    path("statistieken/opnieuw/", views.statistics_rebuild, name="statistics_rebuild"),
    path("<slug:slug>/", views.subject, name="subject"),
    path("<slug:slug>/<slug:chart>.csv", views.chart_csv, name="chart_csv"),
]
