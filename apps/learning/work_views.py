"""Learning paths in the staff workspace: the list of paths with their versions, importing
a path file as a draft, exporting a version, publishing a draft. The preview is the path's
own page, which shows the draft to those who write paths."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import policy
from apps.accounts.policy import area_required
from apps.learning import selectors, services
from apps.learning.forms import PathImportForm
from apps.learning.transfer import path_file_data, path_file_json


@area_required("learning.view_learningpath_area")
@require_http_methods(["GET", "POST"])
def paths(request):
    form = PathImportForm(request.POST or None, request.FILES or None)
    problems = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                version = services.path_import(
                    actor=request.user, content=form.cleaned_data["file"].read()
                )
            except ValidationError as error:
                problems = error.messages
            else:
                messages.success(
                    request,
                    _("The path %(title)s is imported as a draft.") % {"title": version.title},
                )
                return redirect("learning_work:paths")
        status = 400
    context = {
        "paths": selectors.paths_for_authors(),
        "form": form,
        "problems": problems,
        "may_publish": policy.can(request.user, "learning.publish_pathversion"),
    }
    return render(request, "learning/work_paths.html", context, status=status)


@area_required("learning.export_pathversion")
def export(request, pk):
    version = selectors.version_for_export(actor=request.user, pk=pk)
    response = HttpResponse(
        path_file_json(path_file_data(version)), content_type="application/json"
    )
    filename = f"leerpad-{version.path.slug}-v{version.number}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@area_required("learning.publish_pathversion")
def publish(request, pk):
    version = selectors.version_for_author(pk=pk)
    try:
        services.version_publish(actor=request.user, version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(title)s is published. New learners start this version.")
            % {"title": version.title},
        )
    return redirect("learning_work:paths")
