from django.urls import path

from apps.questionnaires import views

app_name = "questionnaires"

urlpatterns = [
    path("", views.scan_list, name="list"),
    path("mijn/<int:pk>/", views.stored_result, name="result"),
    path("mijn/<int:pk>/vragen/<int:step>/", views.stored_step, name="step"),
    path("mijn/<int:pk>/delen/", views.share, name="share"),
    path("mijn/<int:pk>/uitslag.pdf", views.stored_result_pdf, name="result_pdf"),
    path("mijn/<int:pk>/praten/", views.talk_stored, name="talk"),
    path("gevraagd/<int:pk>/", views.assignment_start, name="assignment_start"),
    path("bewaren/", views.pending_scan, name="pending"),
    path("<slug:code>/", views.scan_intro, name="intro"),
    path("<slug:code>/vragen/<int:step>/", views.anonymous_step, name="anonymous_step"),
    path("<slug:code>/uitslag/", views.anonymous_result, name="anonymous_result"),
    path("<slug:code>/uitslag.pdf", views.anonymous_result_pdf, name="anonymous_pdf"),
    path("<slug:code>/wissen/", views.anonymous_forget, name="anonymous_forget"),
    path("<slug:code>/praten/", views.talk_anonymous, name="talk_anonymous"),
    path("<slug:code>/bewaren/", views.keep_anonymous, name="keep"),
]
