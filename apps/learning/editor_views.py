"""Writing a learning path in the staff workspace: a new path, a draft's details, its parts
and steps in order, quiz questions with their answers, pictures, a preview as the learner
sees it, and a new draft of a published version. Every change goes through the services,
which refuse anything but a draft."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import policy
from apps.accounts.policy import area_required
from apps.core.forms import add_service_errors
from apps.learning import selectors, services
from apps.learning.forms import (
    ModuleAddForm,
    ModuleForm,
    PathNewForm,
    PictureForm,
    QuestionForm,
    StepAddForm,
    StepForm,
    VersionForm,
    question_options_formset,
    step_form,
)
from apps.learning.models import Module, PathMedia, QuizQuestion, Step
from apps.learning.transfer import version_problems

# The address part of each kind of item, for moving and deleting.
ITEMS = {"deel": Module, "stap": Step, "vraag": QuizQuestion, "afbeelding": PathMedia}


def _editor_url(version, anchor: str = "") -> str:
    url = reverse("learning_work:version", args=[version.pk])
    return f"{url}#{anchor}" if anchor else url


def _refused(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@area_required("learning.add_learningpath")
@require_http_methods(["GET", "POST"])
def path_new(request):
    form = PathNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.path_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The path is made as a draft. Add its first part."))
            return redirect(_editor_url(version, "parts"))
    status = 400 if form.errors else 200
    return render(request, "learning/work_path_new.html", {"form": form}, status=status)


@area_required("learning.view_learningpath_area")
@require_http_methods(["GET", "POST"])
def version(request, pk):
    """A version with its parts and steps: its editor while it is a draft."""
    version = selectors.version_with_content(pk=pk)
    editable = policy.can(request.user, "learning.change_pathversion", version)
    posted = request.method == "POST"
    form = VersionForm(request.POST if posted and editable else None, instance=version)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.draft_save(actor=request.user, form=form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The path's details are saved."))
                return redirect(_editor_url(version))
    context = {
        "version": version,
        "path": version.path,
        "editable": editable,
        "form": form,
        "module_form": ModuleAddForm(),
        "step_kinds": Step.Kind.choices,
        "picture_form": PictureForm(),
        # What keeps a draft from being published, said before anyone tries.
        "problems": version_problems(version) if version.is_draft else [],
        "may_publish": version.is_draft
        and policy.can(request.user, "learning.publish_pathversion", version),
        "has_draft": version.path.versions.filter(status=version.Status.DRAFT).exists(),
    }
    return render(
        request, "learning/work_version.html", context, status=400 if form.errors else 200
    )


@area_required("learning.add_learningpath")
@require_POST
def path_draft(request, pk):
    """A new draft of a published (or retired) version, to change it."""
    source = selectors.version_for_author(pk=pk)
    try:
        draft = services.draft_from(actor=request.user, version=source)
    except ValidationError as error:
        _refused(request, error)
        return redirect(_editor_url(source))
    messages.success(
        request,
        _("Version %(number)s is a draft copy of version %(source)s. Learners keep theirs.")
        % {"number": draft.number, "source": source.number},
    )
    return redirect(_editor_url(draft))


@area_required("learning.view_learningpath_area")
@require_POST
def draft_delete(request, pk):
    version = selectors.version_for_author(pk=pk)
    try:
        services.draft_delete(actor=request.user, version=version)
    except ValidationError as error:
        _refused(request, error)
        return redirect(_editor_url(version))
    messages.success(request, _("The draft is deleted."))
    return redirect("learning_work:paths")


@area_required("learning.view_learningpath_area")
@require_POST
def module_add(request, pk):
    version = selectors.version_for_author(pk=pk)
    form = ModuleAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the new part a title."))
        return redirect(_editor_url(version, "parts"))
    try:
        module = services.module_add(actor=request.user, version=version, **form.cleaned_data)
    except ValidationError as error:
        _refused(request, error)
        return redirect(_editor_url(version))
    return redirect(_editor_url(version, f"part-{module.pk}"))


@area_required("learning.view_learningpath_area")
@require_http_methods(["GET", "POST"])
def module_edit(request, pk):
    module = selectors.item_for_author(Module, pk=pk)
    return _item_form(request, module, ModuleForm, "learning/work_module.html")


@area_required("learning.view_learningpath_area")
@require_POST
def step_add(request, pk):
    module = selectors.item_for_author(Module, pk=pk)
    form = StepAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the kind of step and give it a title."))
        return redirect(_editor_url(module.version, f"part-{module.pk}"))
    try:
        step = services.step_add(actor=request.user, module=module, **form.cleaned_data)
    except ValidationError as error:
        _refused(request, error)
        return redirect(_editor_url(module.version))
    return redirect("learning_work:step_edit", pk=step.pk)


@area_required("learning.view_learningpath_area")
@require_http_methods(["GET", "POST"])
def step_edit(request, pk):
    step = selectors.item_for_author(Step, pk=pk)
    return _item_form(request, step, StepForm, "learning/work_step.html")


def _item_form(request, item, form_class, template, *, formset=None):
    """The editing page of a part, step or quiz question: its form, saved as a draft's."""
    version = services.version_of(item)
    editable = policy.can(request.user, "learning.change_pathversion", version)
    posted = request.method == "POST"
    if posted and not editable:
        raise PermissionDenied
    form = form_class(request.POST if posted else None, instance=item)
    if posted and form.is_valid() and (formset is None or formset.is_valid()):
        try:
            services.draft_save(actor=request.user, form=form, formset=formset)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(request.path)
    context = {
        "item": item,
        "version": version,
        "path": version.path,
        "editable": editable,
        "form": form,
        "formset": formset,
    }
    status = 400 if posted else 200
    return render(request, template, context, status=status)


@area_required("learning.view_learningpath_area")
@require_http_methods(["GET", "POST"])
def question_new(request, pk):
    step = selectors.item_for_author(Step, pk=pk)
    if step.kind != Step.Kind.QUIZ:
        raise Http404
    version = step.module.version
    if not policy.can(request.user, "learning.change_pathversion", version):
        raise PermissionDenied
    question = QuizQuestion(step=step)
    data = request.POST if request.method == "POST" else None
    form = QuestionForm(data, instance=question)
    options = question_options_formset(question=question, data=data)
    if data is not None and form.is_valid() and options.is_valid():
        try:
            services.question_add(actor=request.user, step=step, form=form, options=options)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The question is added."))
            return redirect("learning_work:step_edit", pk=step.pk)
    context = {
        "item": question,
        "step": step,
        "version": version,
        "path": version.path,
        "editable": True,
        "form": form,
        "formset": options,
    }
    status = 400 if data is not None else 200
    return render(request, "learning/work_question.html", context, status=status)


@area_required("learning.view_learningpath_area")
@require_http_methods(["GET", "POST"])
def question_edit(request, pk):
    question = selectors.item_for_author(QuizQuestion, pk=pk)
    data = request.POST if request.method == "POST" else None
    options = question_options_formset(question=question, data=data)
    return _item_form(
        request, question, QuestionForm, "learning/work_question.html", formset=options
    )


@area_required("learning.view_learningpath_area")
@require_POST
def item_move(request, kind, pk):
    if kind == "afbeelding":
        raise Http404  # pictures have no order
    item = selectors.item_for_author(_item_model(kind), pk=pk)
    try:
        services.item_move(actor=request.user, item=item, up=request.POST.get("up") == "yes")
    except ValidationError as error:
        _refused(request, error)
    return redirect(_back_to(item))


@area_required("learning.view_learningpath_area")
@require_POST
def item_delete(request, kind, pk):
    item = selectors.item_for_author(_item_model(kind), pk=pk)
    try:
        services.item_delete(actor=request.user, item=item)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("%(name)s is deleted.") % {"name": item})
    return redirect(_back_to(item))


def _item_model(kind: str):
    if kind not in ITEMS:
        raise Http404
    return ITEMS[kind]


def _back_to(item) -> str:
    if isinstance(item, QuizQuestion):
        return reverse("learning_work:step_edit", args=[item.step_id])
    if isinstance(item, Step):
        return _editor_url(item.module.version, f"part-{item.module_id}")
    if isinstance(item, PathMedia):
        return _editor_url(item.version, "pictures")
    return _editor_url(item.version, "parts")


@area_required("learning.view_learningpath_area")
@require_POST
def picture_add(request, pk):
    version = selectors.version_for_author(pk=pk)
    form = PictureForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose a picture to add."))
        picture = services.picture_add(
            actor=request.user, version=version, upload=form.cleaned_data["picture"]
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("The picture is added. Show it in a text with ![what it shows](media:%(name)s).")
            % {"name": picture.name},
        )
    return redirect(_editor_url(version, "pictures"))


@area_required("learning.view_learningpath_area")
def preview(request, pk, step_pk=None):
    """The version as a learner sees it, every part open; nothing is saved."""
    version = selectors.version_with_content(pk=pk)
    outline = selectors.path_outline(version=version, enrolment=None)
    context = {"path": version.path, "version": version, "outline": outline, "preview": True}
    if step_pk is None:
        return render(request, "learning/path_detail.html", context)
    index = outline.index_of(step_pk)
    if index is None:
        raise Http404
    view = outline.steps[index]
    context |= {
        "view": view,
        "step": view.step,
        "previous": outline.steps[index - 1] if index > 0 else None,
        "next": outline.steps[index + 1] if index + 1 < len(outline.steps) else None,
        "form": step_form(view.step, None),
    }
    return render(request, "learning/step.html", context)
