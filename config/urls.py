from django.contrib import admin
from django.urls import include, path

from apps.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("account/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("werk/toegangslog/", include("apps.audit.urls")),
    path("werk/dossiers/", include("apps.dossiers.urls")),
    path("beheer/", admin.site.urls),
    path("", include("apps.core.urls")),
]
