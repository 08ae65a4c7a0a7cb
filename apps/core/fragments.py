"""Rendered parts of pages, kept while what they show stays the same.

Rendering a caseload or a dossier costs far more than reading it. The caller names the
versions of the data a fragment shows (for a dossier: its `updated_at`, which every change
to its records moves); with the language and today's date (durations in days) they make
the key, so a changed record is never shown from the cache: it gets a new key. Names from
reference data (themes, neighbourhoods, colleagues) are not versioned: a rename shows
once the copy expires (FRAGMENT_CACHE_SECONDS).

The copies live in the "fragments" cache: the memory of the process that rendered them,
never Redis, since they hold personal data. Access is checked before a fragment is asked
for, on every request.
"""

import hashlib

from django.core.cache import caches
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# Forms in a fragment are rendered with this in place of the CSRF token; each reader gets
# their own token put in. (A token kept in the cache would fail for the next browser.)
CSRF_PLACEHOLDER = "bk-csrf-placeholder-5e1f0c9a"


def fragment_key(template_name: str, key_parts: tuple) -> str:
    parts = (template_name, get_language(), timezone.localdate(), *key_parts)
    return "fragment:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def fragment_render(request, template_name: str, *, key_parts: tuple, context) -> SafeString:
    """The template rendered with `context()`, or the copy rendered earlier for the same
    key parts. `context` is a callable: its queries run only when nothing is cached."""
    cache = caches["fragments"]
    key = fragment_key(template_name, key_parts)
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            template_name, {**context(), "csrf_token": CSRF_PLACEHOLDER}, request=request
        )
        cache.set(key, html)
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, escaped there
