"""The learner's pages: the paths, a path with its outline, each step, the certificate, and
the pictures the texts show."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import policy
from apps.core.forms import add_service_errors
from apps.learning import certificates, selectors, services
from apps.learning.forms import PostForm, step_form
from apps.learning.models import PathMedia, Step
from apps.learning.sessions import sessions_of


def path_list(request):
    context = {
        "versions": selectors.published_versions(),
        "enrolments": selectors.own_enrolments(learner=request.user),
    }
    return render(request, "learning/path_list.html", context)


def path_detail(request, slug):
    path = selectors.path_or_404(slug)
    enrolment = selectors.enrolment_of(learner=request.user, path=path)
    version = selectors.version_for_reader(actor=request.user, path=path, enrolment=enrolment)
    outline = selectors.path_outline(version=version, enrolment=enrolment)
    cohort = enrolment.cohort if enrolment else None
    openings = selectors.openings_of(cohort)
    now = timezone.now()
    today = timezone.localdate()
    for module, _views in outline.modules:
        opens_on = openings.get(module.pk)
        module.opens_later = opens_on if opens_on and opens_on > today else None
    context = {
        "path": path,
        "version": version,
        "enrolment": enrolment,
        "cohort": cohort,
        "outline": outline,
        "may_enrol": enrolment is None and version.status == version.Status.PUBLISHED,
        "sessions": [session for session in sessions_of(cohort) if session.ends_at >= now],
        "offers": selectors.help_offers_of(enrolment=enrolment) if enrolment else [],
    }
    return render(request, "learning/path_detail.html", context)


@require_POST
def enrol(request, slug):
    path = selectors.path_or_404(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("learning:path", args=[slug]))
    try:
        services.enrol(actor=request.user, path=path)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    return redirect("learning:continue", slug=slug)


def _own_enrolment(request, path):
    enrolment = selectors.enrolment_of(learner=request.user, path=path)
    if enrolment is None or not policy.can(request.user, "learning.view_enrolment", enrolment):
        raise Http404
    return enrolment


def continue_path(request, slug):
    """Back to where the learner stopped: the step they last opened when it is not done,
    else the first step not done, else the path's page."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    path = selectors.path_or_404(slug)
    enrolment = _own_enrolment(request, path)
    outline = selectors.path_outline(version=enrolment.version, enrolment=enrolment)
    last = outline.index_of(enrolment.last_step_id) if enrolment.last_step_id else None
    if last is not None and not outline.steps[last].done:
        target = outline.steps[last]
    else:
        target = outline.first_open()
    if target is None:
        return redirect("learning:path", slug=slug)
    return redirect("learning:step", slug=slug, pk=target.step.pk)


@require_http_methods(["GET", "POST"])
def step(request, slug, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    enrolment = selectors.enrolment_for_path(learner=request.user, slug=slug)
    path = enrolment.path
    current, progress = selectors.step_for_learner(enrolment=enrolment, pk=pk)
    posted = request.method == "POST"
    form = step_form(
        current,
        progress,
        data=request.POST if posted else None,
        files=request.FILES if posted else None,
    )
    status = 200
    if request.method == "POST":
        answer = _step_post(request, enrolment, current, form)
        if answer is not None:
            return answer
        status = 400
    else:
        try:
            if enrolment.last_step_id != current.pk:
                services.step_open(actor=request.user, enrolment=enrolment, step=current)
        except ValidationError as error:
            messages.info(request, " ".join(error.messages))
            return redirect("learning:path", slug=slug)
    outline = selectors.path_outline(version=enrolment.version, enrolment=enrolment)
    index = outline.index_of(current.pk)
    context = {
        "path": path,
        "enrolment": enrolment,
        "version": enrolment.version,
        "outline": outline,
        "view": outline.steps[index],
        "previous": outline.steps[index - 1] if index > 0 else None,
        "next": outline.steps[index + 1] if index + 1 < len(outline.steps) else None,
        "step": current,
        "progress": progress,
        "form": form,
        "questions": selectors.quiz_of(step=current, progress=progress),
    }
    return render(request, "learning/step.html", context, status=status)


def _step_post(request, enrolment, step, form):
    """The learner's answer to the step; a redirect when it is taken, None (the page again
    with the reasons) when not."""
    try:
        if step.kind == Step.Kind.QUIZ:
            answer = services.quiz_answer(
                actor=request.user,
                enrolment=enrolment,
                step=step,
                option_id=request.POST.get("option", ""),
            )
            url = reverse("learning:step", args=[enrolment.path.slug, step.pk])
            return redirect(f"{url}#question-{answer.question_id}")
        if form is not None and not form.is_valid():
            return None
        data = form.cleaned_data if form is not None else {}
        services.step_complete(
            actor=request.user,
            enrolment=enrolment,
            step=step,
            reflection=data.get("reflection", ""),
            share=data.get("share", False),
            ticked=data.get("ticked"),
            upload=data.get("upload"),
        )
    except ValidationError as error:
        if form is None:
            messages.error(request, " ".join(error.messages))
            return redirect("learning:step", slug=enrolment.path.slug, pk=step.pk)
        add_service_errors(form, error)
        return None
    return redirect("learning:continue", slug=enrolment.path.slug)


def certificate(request, slug):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    path = selectors.path_or_404(slug)
    enrolment = _own_enrolment(request, path)
    if enrolment.completed_at is None:
        messages.info(request, _("You get your certificate when you have done every step."))
        return redirect("learning:path", slug=slug)
    outline = selectors.path_outline(version=enrolment.version, enrolment=enrolment)
    pdf = certificates.certificate_pdf(enrolment=enrolment, outline=outline)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificaat-{slug}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def media(request, version_pk, name):
    """A picture of a path's text, for whoever may read that version."""
    pictures = PathMedia.objects.select_related("version")
    picture = pictures.filter(version_id=version_pk, name=name).first()
    if picture is None:
        raise Http404
    version = picture.version
    if not selectors.version_readable(actor=request.user, version=version):
        raise Http404
    response = FileResponse(picture.file.open("rb"), content_type=picture.content_type)
    # A stored picture never changes: a new version gets its own address.
    published = version.status == version.Status.PUBLISHED
    response["Cache-Control"] = "public, max-age=86400" if published else "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def discussion(request, slug, module_pk):
    """A module's discussion in the learner's group."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    path = selectors.path_or_404(slug)
    enrolment = _own_enrolment(request, path)
    if enrolment.cohort is None:
        raise Http404
    cohort = enrolment.cohort
    module = selectors.module_of(cohort=cohort, pk=module_pk)
    form = PostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_add(actor=request.user, cohort=cohort, module=module, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("learning:discussion", slug=slug, module_pk=module.pk)
    context = {
        "path": path,
        "cohort": cohort,
        "module": module,
        "posts": selectors.discussion(actor=request.user, cohort=cohort, module=module),
        "form": form,
    }
    status = 400 if form.errors else 200
    return render(request, "learning/discussion.html", context, status=status)


@require_POST
def post_report(request, slug, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("learning:path", args=[slug]))
    post = selectors.post_or_404(pk=pk)
    if not policy.can(request.user, "learning.add_post", post.cohort):
        raise Http404
    try:
        services.post_report(actor=request.user, post=post, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you. The facilitator looks at it."))
    return redirect("learning:discussion", slug=slug, module_pk=post.module_id)


@require_POST
def help_answer(request, slug, pk):
    """The learner says yes or no to the help their facilitator offered."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("learning:path", args=[slug]))
    path = selectors.path_or_404(slug)
    enrolment = _own_enrolment(request, path)
    offer = enrolment.help_offers.filter(pk=pk).first()
    if offer is None:
        raise Http404
    try:
        services.help_offer_answer(
            actor=request.user, offer=offer, yes=request.POST.get("answer") == "yes"
        )
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you. Your facilitator sees your answer."))
    return redirect(f"{reverse('learning:path', args=[slug])}#help")
