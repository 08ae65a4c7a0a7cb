from django.urls import path

from apps.core import views

app_name = "core"

urlpatterns = [
    path("", views.portal_home, name="portal_home"),
    path("werk/", views.workspace_home, name="workspace_home"),
    path("rapportage/", views.reports_home, name="reports_home"),
]
