from django.urls import path

from apps.portal import work_views

app_name = "portal_work"

urlpatterns = [
    path("", work_views.journeys, name="journeys"),
    path("nieuw/", work_views.journey_edit, name="journey_new"),
    path("<int:pk>/", work_views.journey_edit, name="journey_edit"),
    path("<int:pk>/publiceren/", work_views.journey_publish, name="journey_publish"),
]
