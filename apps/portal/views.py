from django.shortcuts import render

from apps.accounts import policy
from apps.organisation.models import Theme
from apps.questionnaires import selectors as questionnaire_selectors
from apps.questionnaires.services.self_scans import pending_scan_read


def home(request):
    waiting = 0
    if policy.can(request.user, "questionnaires.add_response"):
        waiting = questionnaire_selectors.waiting_assignments(resident=request.user).count()
    context = {
        "themes": Theme.objects.all(),
        "waiting_count": waiting,
        "pending_scan": pending_scan_read(session=request.session),
    }
    return render(request, "portal/home.html", context)
