from django.urls import path

from apps.questionnaires.api import views

app_name = "questionnaires-api"

urlpatterns = [
    path("instruments/", views.InstrumentList.as_view(), name="instrument-list"),
    path("instruments/<slug:code>/", views.InstrumentDetail.as_view(), name="instrument-detail"),
    path("responses/", views.ResponseList.as_view(), name="response-list"),
    path("responses/<int:pk>/", views.ResponseDetail.as_view(), name="response-detail"),
]
