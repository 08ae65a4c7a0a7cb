from django.urls import path

from apps.reports import views

app_name = "prevented"

# Under /werk/dossiers/<pk>/voorkomen-kosten/: <pk> is the dossier. The worker's side of
# the what-if calculator; the sums are in the municipality's report.
urlpatterns = [path("", views.prevented_events, name="record")]
