from django.urls import path

from apps.questionnaires import measurement_views as views

app_name = "measurements"

# Under /werk/dossiers/<pk>/metingen/: <pk> is the dossier.
urlpatterns = [
    path("nieuw/", views.measurement_new, name="new"),
    path("vergelijk/", views.measurement_compare, name="compare"),
    path("vragen/", views.assignment_new, name="assign"),
    path("vragen/<int:assignment_pk>/intrekken/", views.assignment_cancel, name="cancel"),
    path("<int:measurement_pk>/", views.measurement_detail, name="detail"),
    path("<int:measurement_pk>/invullen/", views.measurement_fill, name="fill"),
]
