"""The texts of a learning path: Markdown as authors write it, shown as a small, safe set
of HTML. Pictures come only from the path's own media (`media:<name>`); anything else a
text may hold (HTML, scripts, pictures from elsewhere, links that are not https) is
removed when it is shown."""

import re
from collections.abc import Callable

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "img", "br", "blockquote"}
ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}}
MEDIA_PREFIX = "media:"
# ![alt](media:name.png): what an import checks (every picture named, with a text).
PICTURE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)[^)]*\)")


def pictures_in(text: str) -> list[tuple[str, str]]:
    """The (text alternative, source) of every picture the text shows."""
    return [(match["alt"].strip(), match["src"]) for match in PICTURE.finditer(text or "")]


def media_name(source: str) -> str | None:
    return source.removeprefix(MEDIA_PREFIX) if source.startswith(MEDIA_PREFIX) else None


def render(text: str, *, media_url: Callable[[str], str | None]) -> SafeString:
    """The text as safe HTML; `media_url(name)` gives a picture's address, or None for a
    name the path does not have (the picture is then left out)."""
    if not text:
        return mark_safe("")

    def keep(element: str, attribute: str, value: str) -> str | None:
        if element == "img" and attribute == "src":
            name = media_name(value)
            return media_url(name) if name else None
        if element == "a" and attribute == "href":
            return value if value.startswith("https://") else None
        return value

    html = markdown.markdown(text, output_format="html")
    # The page's own title is the only first-level heading.
    html = re.sub(r"<(/?)h1>", r"<\1h2>", html)
    cleaned = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"https", "media", "http"},
        attribute_filter=keep,
        link_rel="noopener noreferrer",
    )
    # nh3 leaves an <img> whose src was dropped: without a source it shows nothing useful.
    cleaned = re.sub(r"<img(?![^>]*\ssrc=)[^>]*>", "", cleaned)
    return mark_safe(cleaned)  # noqa: S308 (cleaned by nh3 to the tags above)
