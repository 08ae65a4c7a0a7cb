from django.urls import path

from apps.socialmap.api import views

app_name = "socialmap-api"

urlpatterns = [
    path("social-map/services/", views.ServiceList.as_view(), name="service-list"),
    path("social-map/services/<uuid:pk>/", views.ServiceDetail.as_view(), name="service-detail"),
    path(
        "social-map/organizations/",
        views.OrganizationList.as_view(),
        name="organization-list",
    ),
    path(
        "social-map/organizations/<uuid:pk>/",
        views.OrganizationDetail.as_view(),
        name="organization-detail",
    ),
    path("social-map/locations/", views.LocationList.as_view(), name="location-list"),
    path(
        "social-map/locations/<uuid:pk>/",
        views.LocationDetail.as_view(),
        name="location-detail",
    ),
]
