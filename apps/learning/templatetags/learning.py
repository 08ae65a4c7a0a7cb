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
