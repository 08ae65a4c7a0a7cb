from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts import policy
from apps.accounts.policy import area_required
from apps.dossiers import selectors as dossier_selectors
from apps.dossiers import services as dossier_services
from apps.organisation.models import Theme
from apps.portal.models import InformationPage
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


@area_required("dossiers.view_own_dossier_area")
def my_support(request):
    """The resident's own support: their worker, their plan, what the worker wrote for
    them."""
    dossiers = dossier_selectors.own_dossiers(resident=request.user)
    return render(request, "portal/my_support.html", {"dossiers": dossiers})


@require_POST
@area_required("dossiers.view_own_dossier_area")
def action_tick(request, pk):
    action = dossier_selectors.own_action(resident=request.user, pk=pk)
    done = request.POST.get("done")
    if done not in ("yes", "no"):
        messages.error(request, _("Choose whether it is done."))
    else:
        try:
            dossier_services.own_action_tick(action=action, actor=request.user, done=done == "yes")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Well done! Your social worker sees it in your plan.")
                if done == "yes"
                else _("It is on your list again."),
            )
    return redirect(f"{reverse('portal:my_support')}#action-{action.pk}")


def information_page(request, slug):
    """The privacy statement, the accessibility statement and how to reach us: for
    everyone, kept by a functional administrator."""
    page = InformationPage.shown(slug)
    if page is None:
        raise Http404
    return render(request, "portal/information_page.html", {"page": page})
