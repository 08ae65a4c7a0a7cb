from django.urls import path

from apps.learning import work_views

app_name = "learning_work"

urlpatterns = [
    path("", work_views.paths, name="paths"),
    path("versie/<int:pk>/export.json", work_views.export, name="export"),
    path("versie/<int:pk>/publiceren/", work_views.publish, name="publish"),
]
