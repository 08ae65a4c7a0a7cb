from django.urls import path

from apps.learning import editor_views, work_views

app_name = "learning_work"

urlpatterns = [
    path("", work_views.paths, name="paths"),
    path("nieuw/", editor_views.path_new, name="path_new"),
    path("versie/<int:pk>/", editor_views.version, name="version"),
    path("versie/<int:pk>/nieuwe-versie/", editor_views.path_draft, name="path_draft"),
    path("versie/<int:pk>/verwijderen/", editor_views.draft_delete, name="draft_delete"),
    path("versie/<int:pk>/deel/", editor_views.module_add, name="module_add"),
    path("versie/<int:pk>/afbeelding/", editor_views.picture_add, name="picture_add"),
    path("versie/<int:pk>/voorbeeld/", editor_views.preview, name="preview"),
    path("versie/<int:pk>/voorbeeld/<int:step_pk>/", editor_views.preview, name="preview_step"),
    path("deel/<int:pk>/", editor_views.module_edit, name="module_edit"),
    path("deel/<int:pk>/stap/", editor_views.step_add, name="step_add"),
    path("stap/<int:pk>/", editor_views.step_edit, name="step_edit"),
    path("stap/<int:pk>/vraag/", editor_views.question_new, name="question_new"),
    path("vraag/<int:pk>/", editor_views.question_edit, name="question_edit"),
    path("<slug:kind>/<int:pk>/verplaatsen/", editor_views.item_move, name="item_move"),
    path("<slug:kind>/<int:pk>/verwijderen/", editor_views.item_delete, name="item_delete"),
    path("versie/<int:pk>/export.json", work_views.export, name="export"),
    path("versie/<int:pk>/publiceren/", work_views.publish, name="publish"),
    path("groepen/", work_views.cohorts, name="cohorts"),
    path("groepen/<int:pk>/", work_views.cohort, name="cohort"),
    path("groepen/<int:pk>/beheer/", work_views.cohort_manage, name="cohort_manage"),
    path(
        "groepen/<int:pk>/deelnemer/<int:member_pk>/",
        work_views.cohort_member,
        name="cohort_member",
    ),
    path(
        "groepen/<int:pk>/gesprek/<int:module_pk>/",
        work_views.cohort_discussion,
        name="cohort_discussion",
    ),
    path("bericht/<int:pk>/verbergen/", work_views.post_hide, name="post_hide"),
    path("dossier/<int:dossier_pk>/aanmelden/", work_views.dossier_enrol, name="dossier_enrol"),
]
