"""Who is acting, from which address and browser, on which path: set once per request
by `RequestContextMiddleware`, per task by the Celery signals in `config.celery`, and per
command by `manage.py`. The access log reads it, so services take the actor and the data
and never the HTTP request.

A context variable, not a thread-local: each request, task and test thread sees its own,
and a task run eagerly inside a request gets its own context and gives the request's
back when it ends.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace

from django.core.exceptions import ImproperlyConfigured, PermissionDenied


@dataclass(frozen=True)
class RequestContext:
    # The signed-in user, AnonymousUser, or None for the system (a task, a command).
    actor: object = None
    ip_address: str | None = None
    user_agent: str = ""
    # The page address of a request; "task <name>" or "manage.py <command>" otherwise.
    path: str = ""


_current: ContextVar[RequestContext] = ContextVar("buurtkompas_request_context")
_NOBODY = RequestContext()


def current() -> RequestContext:
    return _current.get(_NOBODY)


@contextmanager
def acting(context: RequestContext) -> Iterator[RequestContext]:
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def actor_set(actor) -> None:
    """The actor became known after the middleware ran (an API token is checked by the API
    view, not by Django's authentication middleware)."""
    _current.set(replace(current(), actor=actor))


def client_ip(request) -> str | None:
    """The address allauth's rate limits use too (TRUSTED_PROXY_COUNT decides)."""
    # Imported here: manage.py enters a context before Django's apps are loaded.
    from allauth.account.adapter import get_adapter as get_account_adapter

    try:
        return get_account_adapter().get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        return None


def from_request(request) -> RequestContext:
    return RequestContext(
        actor=getattr(request, "user", None),
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        path=request.get_full_path(),
    )


class RequestContextMiddleware:
    """Records the request's actor and origin for everything the view calls. After
    AuthenticationMiddleware, which gives the request its user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting(from_request(request)):
            return self.get_response(request)
