from django.urls import path

from apps.dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("team/", views.team_overview, name="team_overview"),
    path("intake/", views.intake_queue, name="intake_queue"),
    path("intake/<int:pk>/", views.intake_detail, name="intake_detail"),
    path("<int:pk>/", views.dossier_detail, name="detail"),
    path("<int:pk>/contact/", views.contact_moment_add, name="contact_add"),
    path("<int:pk>/status/", views.dossier_advance, name="advance"),
    path("<int:pk>/uitleg/", views.explain_long_running, name="explain"),
    path("<int:pk>/plan/doel/", views.plan_goal_add, name="goal_add"),
    path("<int:pk>/plan/doel/<int:goal_pk>/actie/", views.plan_action_add, name="action_add"),
    path(
        "<int:pk>/plan/actie/<int:action_pk>/status/",
        views.plan_action_status,
        name="action_status",
    ),
    path("<int:pk>/noodtoegang/", views.break_glass, name="break_glass"),
]
