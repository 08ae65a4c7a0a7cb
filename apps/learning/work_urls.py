from django.urls import path

from apps.learning import work_views

app_name = "learning_work"

urlpatterns = [
    path("", work_views.paths, name="paths"),
    path("versie/<int:pk>/export.json", work_views.export, name="export"),
    path("versie/<int:pk>/publiceren/", work_views.publish, name="publish"),
    path("groepen/", work_views.cohorts, name="cohorts"),
    path("groepen/<int:pk>/", work_views.cohort, name="cohort"),
    path("groepen/<int:pk>/beheer/", work_views.cohort_manage, name="cohort_manage"),
    path(
        "groepen/<int:pk>/gesprek/<int:module_pk>/",
        work_views.cohort_discussion,
        name="cohort_discussion",
    ),
    path("bericht/<int:pk>/verbergen/", work_views.post_hide, name="post_hide"),
    path("dossier/<int:dossier_pk>/aanmelden/", work_views.dossier_enrol, name="dossier_enrol"),
]
