from django.urls import path

from apps.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.access_log_list, name="access_log"),
    path("export/", views.access_log_export, name="access_log_export"),
]
