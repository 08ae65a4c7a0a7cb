from django.urls import path

from apps.learning.api import views

app_name = "learning-api"

urlpatterns = [
    path("learning/paths/", views.PathList.as_view(), name="path-list"),
    path("learning/paths/<slug:slug>/", views.PathDetail.as_view(), name="path-detail"),
    path("learning/enrolments/", views.EnrolmentList.as_view(), name="enrolment-list"),
    path("learning/enrolments/<int:pk>/", views.EnrolmentDetail.as_view(), name="enrolment-detail"),
]
