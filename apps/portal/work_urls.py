from django.urls import path

from apps.portal import views, work_views

app_name = "portal_work"

urlpatterns = [
    path("klantreizen/", work_views.journeys, name="journeys"),
    path("klantreizen/nieuw/", work_views.journey_edit, name="journey_new"),
    path("klantreizen/<int:pk>/", work_views.journey_edit, name="journey_edit"),
    path("klantreizen/<int:pk>/publiceren/", work_views.journey_publish, name="journey_publish"),
    path("activiteiten/", work_views.activities_list, name="activities"),
    path("activiteiten/nieuw/", work_views.activity_edit, name="activity_new"),
    path("activiteiten/<int:pk>/", work_views.activity_edit, name="activity_edit"),
    path(
        "activiteiten/<int:pk>/deelnemers/",
        work_views.activity_participants,
        name="activity_participants",
    ),
    path("informele-hulp/", work_views.informal_help_queue, name="informal_help"),
    path(
        "informele-hulp/<int:pk>/",
        work_views.informal_help_request,
        name="informal_help_request",
    ),
    path("berichten/<int:pk>/", views.thread, {"side": "work"}, name="thread"),
    path("dossiers/<int:pk>/berichten/nieuw/", work_views.thread_new, name="thread_new"),
]
