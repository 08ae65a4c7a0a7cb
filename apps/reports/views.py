from django.shortcuts import render

from apps.accounts.policy import area_required
from apps.organisation import selectors as organisation_selectors


@area_required("core.access_reports")
def home(request):
    municipalities = organisation_selectors.municipalities_visible_to(user=request.user)
    return render(request, "reports/home.html", {"municipalities": municipalities})
