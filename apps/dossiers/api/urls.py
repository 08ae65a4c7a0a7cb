from django.urls import path

from apps.dossiers.api import views

app_name = "dossiers-api"

urlpatterns = [
    path("clients/", views.ClientList.as_view(), name="client-list"),
    path("clients/<int:pk>/", views.ClientDetail.as_view(), name="client-detail"),
    path("dossiers/", views.DossierList.as_view(), name="dossier-list"),
    path("dossiers/<int:pk>/", views.DossierDetail.as_view(), name="dossier-detail"),
    path(
        "dossiers/<int:dossier_pk>/contact-moments/",
        views.ContactMomentList.as_view(),
        name="contact-moment-list",
    ),
    path(
        "dossiers/<int:dossier_pk>/questions/",
        views.QuestionList.as_view(),
        name="question-list",
    ),
    path("referrals/", views.ReferralCreate.as_view(), name="referral-create"),
]
