from django.urls import path, re_path

from apps.socialmap import views

app_name = "socialmap"

urlpatterns = [
    path("", views.search, name="search"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("bevestigen/<str:token>/", views.verify, name="verify"),
    path("bevestigen/<str:token>/wijzigen/", views.propose, name="propose"),
    re_path(r"^bedankt/(?P<answer>bevestigd|voorstel)/$", views.verify_done, name="verify_done"),
]
