from django.urls import path

from apps.socialmap import work_views

app_name = "socialmap_work"

urlpatterns = [
    path("", work_views.search, name="search"),
    path("<uuid:pk>/", work_views.detail, name="detail"),
    path("actualiteit/", work_views.freshness_dashboard, name="freshness"),
    path("voorstellen/", work_views.proposals, name="proposals"),
    path("voorstellen/<uuid:pk>/", work_views.proposal, name="proposal"),
]
