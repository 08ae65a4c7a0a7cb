from django.urls import path

from apps.dossiers import team_views, views

app_name = "dossiers"

urlpatterns = [
    path("team/", views.team_overview, name="team_overview"),
    path("team/<int:pk>/lang/", views.team_long_running, name="team_long_running"),
    path(
        "team/<int:pk>/clienten/<int:member_pk>/",
        views.team_member_dossiers,
        name="team_member_dossiers",
    ),
    path(
        "team/<int:pk>/clienten/niemand/",
        views.team_member_dossiers,
        name="team_unassigned_dossiers",
    ),
    path("intake/", views.intake_queue, name="intake_queue"),
    path("intake/nieuw/", views.intake_new, name="intake_new"),
    path("intake/<int:pk>/", views.intake_detail, name="intake_detail"),
    path("<int:pk>/", views.dossier_detail, name="detail"),
    path("<int:pk>/deel/<slug:section>/", views.dossier_section, name="section"),
    path("<int:pk>/contact/", views.contact_moment_add, name="contact_add"),
    path("<int:pk>/status/", views.dossier_advance, name="advance"),
    path("<int:pk>/uitleg/", views.explain_long_running, name="explain"),
    path("<int:pk>/vraag/", views.question_add, name="question_add"),
    path("<int:pk>/plan/doel/", views.plan_goal_add, name="goal_add"),
    path("<int:pk>/plan/doel/<int:goal_pk>/actie/", views.plan_action_add, name="action_add"),
    path(
        "<int:pk>/plan/actie/<int:action_pk>/status/",
        views.plan_action_status,
        name="action_status",
    ),
    path(
        "<int:pk>/plan/doel/<int:goal_pk>/bereikt/",
        views.plan_goal_achieved,
        name="goal_achieved",
    ),
    path("<int:pk>/netwerk/", views.network_member_add, name="network_add"),
    path("<int:pk>/netwerk/<int:member_pk>/", views.network_member_edit, name="network_edit"),
    path(
        "<int:pk>/netwerk/<int:member_pk>/weg/",
        views.network_member_remove,
        name="network_remove",
    ),
    path("<int:pk>/gebeurtenis/", views.life_event_add, name="life_event_add"),
    path(
        "<int:pk>/gebeurtenis/<int:event_pk>/weg/",
        views.life_event_remove,
        name="life_event_remove",
    ),
    path("<int:pk>/bijlage/", views.attachment_add, name="attachment_add"),
    path(
        "<int:pk>/bijlage/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "<int:pk>/bijlage/<int:attachment_pk>/weg/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("<int:pk>/client/", views.client_edit, name="client_edit"),
    path("<int:pk>/bewaren/", views.legal_hold, name="legal_hold"),
    path("<int:pk>/noodtoegang/", views.break_glass, name="break_glass"),
    path("<int:pk>/overdragen/", team_views.dossier_reassign, name="reassign"),
    path(
        "<int:pk>/uitleg-vragen/",
        team_views.dossier_request_explanation,
        name="request_explanation",
    ),
]
