from django.urls import path

from apps.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("zoeken/", views.search, name="search"),
    path("thema/<slug:code>/", views.theme, name="theme"),
    path("vraag/<slug:slug>/", views.journey, name="journey"),
    path("activiteiten/", views.activity_list, name="activities"),
    path("activiteiten/<int:pk>/", views.activity, name="activity"),
    path("activiteiten/<int:pk>/aanmelden/", views.activity_sign_up, name="activity_sign_up"),
    path("activiteiten/<int:pk>/afmelden/", views.activity_cancel, name="activity_cancel"),
    path("activiteiten/<int:pk>/agenda.ics", views.activity_calendar, name="activity_calendar"),
    path("mijn-gegevens/", views.own_data, name="own_data"),
    path("mijn-gegevens/download.json", views.own_data_download, name="own_data_download"),
    path("mijn-gegevens/download.pdf", views.own_data_download_pdf, name="own_data_download_pdf"),
    path("mijn-gegevens/contactgegevens/", views.own_details, name="own_details"),
    path("informele-hulp/", views.informal_help, name="informal_help"),
    path("vrijwilliger/koppelingen/", views.volunteer_matches, name="volunteer_matches"),
    path("hulp-vragen/", views.help_request, name="help_request"),
    path("hulp-vragen/verstuurd/", views.help_sent, name="help_sent"),
    path("mijn-hulp/", views.my_support, name="my_support"),
    path("mijn-hulp/actie/<int:pk>/", views.action_tick, name="action_tick"),
    path("mijn-hulp/berichten/", views.own_messages, name="messages"),
    path("mijn-hulp/berichten/<int:pk>/", views.thread, {"side": "portal"}, name="thread"),
    path("berichten/bijlage/<int:pk>/", views.message_attachment, name="message_attachment"),
    path("privacy/", views.information_page, {"slug": "privacy"}, name="privacy"),
    path(
        "toegankelijkheid/",
        views.information_page,
        {"slug": "toegankelijkheid"},
        name="accessibility",
    ),
    path("contact/", views.information_page, {"slug": "contact"}, name="contact"),
]
