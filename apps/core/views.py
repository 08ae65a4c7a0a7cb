from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.core import health


@require_GET
@never_cache
def healthz(request):
    states = health.service_states()
    healthy = all(state in (health.OK, health.EAGER) for state in states.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "services": states},
        status=200 if healthy else 503,
    )
