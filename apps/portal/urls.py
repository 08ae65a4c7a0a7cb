from django.urls import path

from apps.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("mijn-hulp/", views.my_support, name="my_support"),
    path("mijn-hulp/actie/<int:pk>/", views.action_tick, name="action_tick"),
    path("privacy/", views.information_page, {"slug": "privacy"}, name="privacy"),
    path(
        "toegankelijkheid/",
        views.information_page,
        {"slug": "toegankelijkheid"},
        name="accessibility",
    ),
    path("contact/", views.information_page, {"slug": "contact"}, name="contact"),
]
