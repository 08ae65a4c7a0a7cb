from django.urls import path

from apps.learning import views

app_name = "learning"

urlpatterns = [
    path("", views.path_list, name="paths"),
    path("afbeelding/<int:version_pk>/<str:name>", views.media, name="media"),
    path("<slug:slug>/", views.path_detail, name="path"),
    path("<slug:slug>/starten/", views.enrol, name="enrol"),
    path("<slug:slug>/verder/", views.continue_path, name="continue"),
    path("<slug:slug>/stap/<int:pk>/", views.step, name="step"),
    path("<slug:slug>/hulp/<int:pk>/", views.help_answer, name="help_answer"),
    path("<slug:slug>/certificaat.pdf", views.certificate, name="certificate"),
    path("<slug:slug>/gesprek/<int:module_pk>/", views.discussion, name="discussion"),
    path("<slug:slug>/bericht/<int:pk>/melden/", views.post_report, name="post_report"),
]
