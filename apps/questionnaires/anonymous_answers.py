"""The answers of a self-scan made without an account live in the resident's own browser,
in a signed cookie, never on our side: every page of the scan is a GET, every answer a POST
that redirects, so Back and Reload show pages again instead of sending a form twice.

The cookie lasts as long as the browser session (or until "clear my answers"), holds one
scan at a time, and is read back through the same checks as typed answers: a value that
was changed or belongs to another version of the questions is refused, never scored.
"""

import json

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError

from apps.questionnaires.services.answering import answers_clean

COOKIE = "bk_zelfscan"
SALT = "questionnaires.anonymous-answers"
# Only the scan's pages, its result and its talk form read it.
COOKIE_PATH = "/zelfscan/"
# Far more than the longest instrument's answers; a longer value is not ours.
MAX_LENGTH = 20_000


class Stale(Exception):
    """The answers belong to another version of the questions: start again."""


def read(request, version) -> dict:
    """The answers given so far to this scan, checked; {} when there are none (or they are
    of another scan). Raises Stale when they belong to another version of this scan."""
    raw = request.COOKIES.get(COOKIE)
    if not raw or len(raw) > MAX_LENGTH:
        return {}
    try:
        held = json.loads(signing.loads(raw, salt=SALT))
    except (signing.BadSignature, ValueError, TypeError, RecursionError):
        return {}
    if not isinstance(held, dict) or held.get("code") != version.instrument.code:
        return {}
    if held.get("version") != version.number:
        raise Stale
    try:
        return answers_clean(version=version, answers=held.get("answers") or {})
    except ValidationError:
        return {}


def write(response, version, answers: dict) -> None:
    value = json.dumps(
        {"code": version.instrument.code, "version": version.number, "answers": answers}
    )
    response.set_cookie(
        COOKIE,
        signing.dumps(value, salt=SALT, compress=True),
        path=COOKIE_PATH,
        httponly=True,
        secure=_secure(),
        samesite="Lax",
    )


def forget(response) -> None:
    response.delete_cookie(COOKIE, path=COOKIE_PATH, samesite="Lax")


def _secure() -> bool:
    return settings.SESSION_COOKIE_SECURE
