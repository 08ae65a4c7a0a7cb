from django import template
from django.urls import reverse

from apps.learning.text import render

register = template.Library()


@register.simple_tag
def path_text(text, version):
    """A Markdown text of the version as safe HTML, its pictures served from the version.
    The version's picture names are read once per page."""
    if "media:" not in (text or ""):
        return render(text, media_url=lambda name: None)
    if not hasattr(version, "_media_names"):
        version._media_names = set(version.media.values_list("name", flat=True))

    def media_url(name: str) -> str | None:
        if name not in version._media_names:
            return None
        return reverse("learning:media", args=[version.pk, name])

    return render(text, media_url=media_url)


@register.simple_tag(takes_context=True)
def step_url(context, step):
    """A step's address: the learner's, or in the editor's preview the preview's."""
    if context.get("preview"):
        return reverse("learning_work:preview_step", args=[context["version"].pk, step.pk])
    return reverse("learning:step", args=[context["path"].slug, step.pk])


@register.simple_tag(takes_context=True)
def outline_url(context):
    """The address of the path's page with all its steps, or of the preview's."""
    if context.get("preview"):
        return reverse("learning_work:preview", args=[context["version"].pk])
    return reverse("learning:path", args=[context["path"].slug])
