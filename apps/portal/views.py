from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import policy
from apps.accounts.policy import area_required
from apps.core.forms import add_service_errors
from apps.dossiers import help_requests
from apps.dossiers import selectors as dossier_selectors
from apps.dossiers import services as dossier_services
from apps.dossiers.forms import HelpRequestForm
from apps.dossiers.models import Client
from apps.learning import selectors as learning_selectors
from apps.organisation.models import Theme
from apps.portal import activities, my_data, selectors
from apps.portal import informal_help as informal_help_services
from apps.portal import services as portal_services
from apps.portal.forms import (
    InformalHelpForm,
    MessageForm,
    OwnDetailsForm,
    PreferencesForm,
    SearchForm,
    ThreadForm,
)
from apps.portal.models import (
    Activity,
    InformationPage,
    MessageThread,
    ResidentPreferences,
    SignUp,
)
from apps.portal.presentation import message_items
from apps.questionnaires import selectors as questionnaire_selectors
from apps.questionnaires.services.self_scans import pending_scan_read
from apps.socialmap.presentation import result_cards


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


# The newest conversations "My support" shows; the rest are on the messages page.
MY_SUPPORT_THREADS = 3


@area_required("dossiers.view_own_dossier_area")
def my_support(request):
    """The resident's own support: their worker, their plan, what the worker wrote for
    them, their messages, activities and learning paths."""
    context = {
        "dossiers": dossier_selectors.own_dossiers(resident=request.user),
        "help_requests": dossier_selectors.own_help_requests(resident=request.user),
        "sign_ups": selectors.own_sign_ups(resident=request.user),
        "threads": selectors.own_threads(resident=request.user, limit=MY_SUPPORT_THREADS),
        "enrolments": learning_selectors.own_enrolments(learner=request.user),
    }
    return render(request, "portal/my_support.html", context)


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


def theme(request, code):
    """One theme: the questions residents bring about it, each answered by a journey, then
    help nearby and the way to a person."""
    chosen = selectors.theme_or_404(code)
    context = {"theme": chosen, "journeys": selectors.theme_journeys(theme=chosen)}
    return render(request, "portal/theme.html", context)


def journey(request, slug):
    found = selectors.journey_for_reader(actor=request.user, slug=slug)
    steps = selectors.journey_steps(found)
    for view in steps:
        if view.step.kind == view.step.Kind.SERVICES:
            view.cards = result_cards(view.services)
            view.search_query = urlencode(
                {"q": view.step.search_words, "thema": found.theme.code}
                if view.step.search_words
                else {"thema": found.theme.code}
            )
    context = {
        "journey": found,
        "steps": steps,
        "can_edit": policy.can(request.user, "portal.change_journey", found),
    }
    return render(request, "portal/journey.html", context)


def search(request):
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    found = selectors.search_everything(query)
    context = {
        "form": form,
        "found": found,
        "cards": result_cards(found.services),
        "map_query": urlencode({"q": query}),
        "themes": Theme.objects.all() if query else (),
        "too_long": form.is_bound and not form.is_valid(),
    }
    return render(
        request, "portal/search.html", context, status=400 if context["too_long"] else 200
    )


@require_http_methods(["GET", "POST"])
def help_request(request):
    """Asking for help online, from any page: with or without an account, with or without
    a name. The postcode finds the team."""
    account_email = request.user.email if request.user.is_authenticated else ""
    if request.method == "GET":
        initial = dossier_selectors.help_request_initial(resident=request.user)
        theme_code = request.GET.get("thema")
        if theme_code:
            initial["theme"] = Theme.objects.filter(code=theme_code).first()
        form = HelpRequestForm(initial=initial, account_email=account_email)
        return _render_help(request, form)
    form = HelpRequestForm(request.POST, account_email=account_email)
    status = 400
    if form.is_valid():
        status = help_requests.help_request_send_form(
            session=request.session,
            token=request.POST.get("once"),
            form=form,
            send=lambda: dossier_services.intake_request_submit_online(
                actor=request.user, **form.request_fields()
            ),
        )
        if not status:
            return redirect("portal:help_sent")
    return _render_help(request, form, status=status)


def _render_help(request, form, *, status=200):
    context = {
        "form": form,
        "once": help_requests.help_request_token_issue(session=request.session),
    }
    return render(request, "portal/help_request.html", context, status=status)


def help_sent(request):
    reference = help_requests.help_request_remembered(session=request.session)
    if reference is None:
        return redirect("portal:help_request")
    return render(request, "portal/help_sent.html", {"reference": reference})


# --- Secure messages --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@area_required("portal.view_own_messages")
def own_messages(request):
    """The resident's conversations with their team, and a new one about their open
    dossier."""
    dossier = selectors.own_open_dossier(resident=request.user)
    form = ThreadForm(request.POST or None, request.FILES or None) if dossier else None
    status = 200
    if request.method == "POST":
        if form is None:
            messages.error(request, _("You can send a message once a social worker helps you."))
            return redirect("portal:messages")
        thread = thread_started(request, dossier=dossier, form=form)
        if thread is not None:
            return redirect("portal:thread", pk=thread.pk)
        status = 400
    context = {
        "threads": selectors.own_threads(resident=request.user),
        "form": form,
        "dossier": dossier,
    }
    return render(request, "portal/messages.html", context, status=status)


def thread_started(request, *, dossier, form) -> MessageThread | None:
    """A new conversation from a posted ThreadForm, by either side; None (with the reasons
    on the form) when it was not started."""
    if not form.is_valid():
        return None
    try:
        started = portal_services.thread_start(
            actor=request.user,
            dossier=dossier,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            uploads=form.cleaned_data["uploads"],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, _("Your message is sent."))
    return started


@require_http_methods(["GET", "POST"])
def thread(request, pk, side):
    """One conversation, for the resident in the portal and for their team in the
    workspace: the messages, oldest first, and an answer. Opening it marks what the other
    side sent as read."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    conversation = selectors.thread_for_reader(actor=request.user, pk=pk)
    is_client = policy.can(request.user, "dossiers.view_own_dossier", conversation.dossier)
    if is_client != (side == "portal"):
        # The other side's address: the same conversation in the reader's own area.
        return redirect("portal:thread" if is_client else "portal_work:thread", pk=pk)
    can_answer = policy.can(request.user, "portal.add_message", conversation)
    form = MessageForm(request.POST or None, request.FILES or None) if can_answer else None
    status = 200
    if request.method == "POST":
        if form is None:
            messages.error(request, _("This conversation is closed: its dossier was closed."))
            return redirect(request.path)
        if form.is_valid():
            try:
                portal_services.message_send(
                    actor=request.user,
                    thread=conversation,
                    body=form.cleaned_data["body"],
                    uploads=form.cleaned_data["uploads"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your message is sent."))
                return redirect(f"{request.path}#newest")
        status = 400
    page = selectors.thread_messages(thread=conversation, before=_number(request, "eerder"))
    if request.method == "GET":
        portal_services.messages_mark_read(
            actor=request.user, thread=conversation, shown=page.messages
        )
    context = {
        "thread": conversation,
        "page": page,
        "message_items": message_items(
            page.messages, is_client=is_client, client_name=conversation.dossier.client.full_name
        ),
        "form": form,
        "is_client": is_client,
        "base_template": "portal/base.html" if is_client else "workspace/base.html",
    }
    return render(request, "portal/thread.html", context, status=status)


def message_attachment(request, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    attachment = selectors.message_attachment_for_download(actor=request.user, pk=pk)
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=request.GET.get("download") == "1",
        filename=attachment.original_name,
    )
    # Shown in the browser, never run: no scripts, no plugins, not cached on shared devices.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Activities -------------------------------------------------------------------------

ACTIVITIES_PER_PAGE = 20


def activity_list(request):
    theme = Theme.objects.filter(code=request.GET.get("thema") or "").first()
    kind = request.GET.get("soort") or ""
    if kind not in Activity.Kind.values:
        kind = ""
    page = Paginator(
        selectors.upcoming_activities(theme=theme, kind=kind), ACTIVITIES_PER_PAGE
    ).get_page(request.GET.get("pagina"))
    context = {
        "page": page,
        "themes": Theme.objects.all(),
        "kinds": Activity.Kind.choices,
        "chosen_theme": theme,
        "chosen_kind": kind,
        "own_sign_ups": selectors.own_sign_ups(resident=request.user),
    }
    return render(request, "portal/activities.html", context)


def activity(request, pk):
    chosen = selectors.activity_or_404(actor=request.user, pk=pk)
    context = {
        "activity": chosen,
        "own_sign_up": selectors.own_sign_up(resident=request.user, activity=chosen),
        "can_sign_up": policy.can(request.user, "portal.add_signup"),
        "full": chosen.takes_sign_ups and chosen.places_taken >= chosen.capacity,
    }
    return render(request, "portal/activity.html", context)


@require_POST
@area_required("portal.add_signup")
def activity_sign_up(request, pk):
    chosen = selectors.activity_or_404(actor=request.user, pk=pk)
    waiting_list_ok = request.POST.get("wachtlijst") == "ja"
    try:
        made = activities.sign_up(
            actor=request.user, activity=chosen, waiting_list_ok=waiting_list_ok
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if made.status == SignUp.Status.PLACE:
            messages.success(request, _("You are signed up. You have a place."))
        else:
            messages.success(
                request,
                _(
                    "You are on the waiting list. When a place comes free, it is yours and "
                    "we e-mail you."
                ),
            )
    return redirect("portal:activity", pk=chosen.pk)


@require_POST
@area_required("portal.add_signup")
def activity_cancel(request, pk):
    own = selectors.own_sign_up_or_404(resident=request.user, pk=pk)
    try:
        activities.sign_up_cancel(actor=request.user, sign_up=own)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You are signed off. Thank you for letting us know."))
    return redirect("portal:activity", pk=pk)


def activity_calendar(request, pk):
    chosen = selectors.activity_or_404(actor=request.user, pk=pk)
    response = HttpResponse(activities.calendar_file(chosen), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="activiteit-{chosen.pk}.ics"'
    return response


def _number(request, name) -> int | None:
    """A positive whole number from the query string, or None for anything else."""
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and 0 < len(value) < 19 else None


# --- Informal help ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@area_required("portal.add_informalhelprequest")
def informal_help(request):
    """A resident asks for a buddy, a ride or help with paperwork, and follows their
    requests."""
    form = InformalHelpForm(
        request.POST or None, initial=dossier_selectors.help_request_initial(resident=request.user)
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                informal_help_services.informal_help_ask(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Your request is sent. A coordinator looks for a volunteer and lets "
                        "you know."
                    ),
                )
                return redirect("portal:informal_help")
        status = 400
    context = {"form": form, "requests": selectors.own_informal_help(resident=request.user)}
    return render(request, "portal/informal_help.html", context, status=status)


@area_required("portal.view_own_matches")
def volunteer_matches(request):
    """What a volunteer needs for the residents they are matched with, and nothing more."""
    context = {"matches": selectors.own_matches(volunteer=request.user)}
    return render(request, "portal/volunteer_matches.html", context)


# --- My data ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@area_required("portal.view_own_data")
def own_data(request):
    """Download all of your data, choose about e-mail, ask for erasure, and see who looked
    at your records."""
    if request.method == "POST":
        if request.POST.get("erase") == "yes":
            try:
                asked = portal_services.erasure_request(actor=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("Your request is sent to your team, with reference %(reference)s.")
                    % {"reference": asked.reference},
                )
        else:
            form = PreferencesForm(request.POST)
            if form.is_valid():
                portal_services.preferences_save(
                    actor=request.user, email_notifications=form.cleaned_data["email_notifications"]
                )
                messages.success(request, _("Your choice is saved."))
        return redirect("portal:own_data")
    context = {
        "details": Client.objects.filter(account=request.user).first(),
        "looks": my_data.who_looked(resident=request.user),
        "preferences": PreferencesForm(
            initial={"email_notifications": ResidentPreferences.wants_email(request.user)}
        ),
    }
    return render(request, "portal/my_data.html", context)


@require_http_methods(["GET", "POST"])
@area_required("portal.view_own_data")
def own_details(request):
    """Correct your name and, once we support you, your phone, address and how you would
    like to be contacted."""
    client = Client.objects.filter(account=request.user).first()
    instance = client or Client(
        first_name=request.user.first_name, last_name=request.user.last_name
    )
    form = OwnDetailsForm(
        request.POST or None, instance=instance, has_client_record=client is not None
    )
    if request.method == "POST" and form.is_valid():
        try:
            portal_services.own_details_save(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your details are saved."))
            return redirect("portal:own_data")
    status = 400 if form.errors else 200
    context = {"form": form, "has_client_record": client is not None}
    return render(request, "portal/own_details.html", context, status=status)


@area_required("portal.view_own_data")
def own_data_download(request):
    data = my_data.my_data(resident=request.user, file_format="JSON")
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    return _own_data_file(response, "json")


@area_required("portal.view_own_data")
def own_data_download_pdf(request):
    data = my_data.my_data(resident=request.user, file_format="PDF")
    response = HttpResponse(my_data.my_data_pdf(data), content_type="application/pdf")
    return _own_data_file(response, "pdf")


def _own_data_file(response, extension: str):
    response["Content-Disposition"] = (
        f'attachment; filename="mijn-gegevens-buurtkompas.{extension}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
