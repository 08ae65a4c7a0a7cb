from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.core import errors
from apps.core import views as core_views
from apps.core.api_index import ApiIndex
from apps.dossiers import map_views
from apps.dossiers import urls as dossier_urls
from apps.dossiers import views as dossier_views
from apps.questionnaires import measurement_views

# The dossiers namespace: the caseload at /werk/, the worker's day at /werk/vandaag/, the
# dossier pages under /werk/dossiers/, the client map next to them at /werk/kaart/.
dossier_patterns = [
    path("", dossier_views.caseload, name="caseload"),
    path("vandaag/", dossier_views.today, name="today"),
    path("dossiers/", include(dossier_urls.urlpatterns)),
    path("kaart/", map_views.client_map, name="map"),
]

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("account/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("werk/toegangslog/", include("apps.audit.urls")),
    path("werk/", include((dossier_patterns, dossier_urls.app_name))),
    path("werk/dossiers/<int:pk>/metingen/", include("apps.questionnaires.measurement_urls")),
    path("werk/dossiers/<int:pk>/voorkomen-kosten/", include("apps.reports.workspace_urls")),
    path("werk/sociale-kaart/", include("apps.socialmap.work_urls")),
    path("werk/", include("apps.portal.work_urls")),
    path("werk/leerpaden/", include("apps.learning.work_urls")),
    path("werk/enquete/", measurement_views.staff_survey, name="staff_survey"),
    path("api/v1/", ApiIndex.as_view(), name=errors.INDEX_URL_NAME),
    path("api/v1/", include("apps.dossiers.api.urls")),
    path("api/v1/", include("apps.questionnaires.api.urls")),
    path("api/v1/", include("apps.reports.api.urls")),
    path("api/v1/", include("apps.socialmap.api.urls")),
    path("api/v1/", include("apps.learning.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI from drf-spectacular-sidecar; its start script is a separate request, so
    # the page needs no inline script under the CSP.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
    # Last under /api/: any other address there is a problem document, not an HTML page.
    re_path(r"^api/", errors.api_not_found, name=errors.NOT_FOUND_URL_NAME),
    path("zelfscan/", include("apps.questionnaires.urls")),
    path("sociale-kaart/", include("apps.socialmap.urls")),
    path("leren/", include("apps.learning.urls")),
    path("beheer/", admin.site.urls),
    path("rapportage/", include("apps.reports.urls")),
    path("", include("apps.portal.urls")),
]

# Under /api/ a problem document (application/problem+json), elsewhere the site's page.
handler400 = "apps.core.errors.bad_request"
handler403 = "apps.core.errors.permission_denied"
handler404 = "apps.core.errors.not_found"
handler500 = "apps.core.errors.server_error"
