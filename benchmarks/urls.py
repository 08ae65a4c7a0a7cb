"""The product's URLs plus the floor: the cheapest page Django can serve with one query.

Only benchmarks/settings.py uses this URLconf; the floor never ships with the product.
"""

from django.http import JsonResponse
from django.urls import include, path

from apps.organisation.models import Team

FLOOR_PATH = "benchmark/floor/"


def floor(request):
    """One small query and a tiny response, behind the same middleware as every page.

    Requested with the benchmark's staff session, so it pays what every page pays
    (session, user, the per-request MFA check); the ratio of a page to it shows what
    the page itself costs.
    """
    return JsonResponse({"teams": Team.objects.count()})


urlpatterns = [
    path(FLOOR_PATH, floor, name="benchmark_floor"),
    path("", include("config.urls")),
]
