"""Who acts, from where: set once per request, task and command, read by the access log."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.audit.services import access_log_record
from apps.audit.tasks import purge_expired_access_log
from apps.core import request_context

ROOT = Path(__file__).resolve().parents[3]


def test_outside_any_request_nobody_acts_from_nowhere():
    origin = request_context.current()
    assert (origin.actor, origin.ip_address, origin.user_agent, origin.path) == (None, None, "", "")


def test_a_context_ends_with_its_block():
    with request_context.acting(request_context.RequestContext(path="/a")):
        with request_context.acting(request_context.RequestContext(path="/b")):
            assert request_context.current().path == "/b"
        assert request_context.current().path == "/a"
    assert request_context.current().path == ""


def test_the_context_of_a_request_names_its_origin():
    request = RequestFactory().get(
        "/werk/dossiers/7/?tab=plan", REMOTE_ADDR="192.0.2.44", HTTP_USER_AGENT="Firefox/140"
    )
    request.user = UserFactory.build(role=Role.SOCIAL_WORKER)
    origin = request_context.from_request(request)
    assert origin.actor is request.user
    assert origin.ip_address == "192.0.2.44"
    assert origin.user_agent == "Firefox/140"
    assert origin.path == "/werk/dossiers/7/?tab=plan"


@pytest.mark.django_db
def test_the_access_log_takes_actor_and_origin_from_the_context():
    actor = UserFactory(role=Role.FUNCTIONAL_ADMIN)
    origin = request_context.RequestContext(
        actor=actor, ip_address="198.51.100.3", user_agent="Safari", path="/beheer/"
    )
    with request_context.acting(origin):
        entry = access_log_record(action=AccessLogEntry.Action.READ, object_type="x")
    assert (entry.actor_user_id, entry.ip_address, entry.user_agent, entry.path) == (
        actor.pk,
        "198.51.100.3",
        "Safari",
        "/beheer/",
    )


@pytest.mark.django_db
def test_a_named_actor_wins_over_the_context():
    # The system acting inside someone's request (a purge) is not that someone.
    with request_context.acting(request_context.RequestContext(actor=UserFactory())):
        entry = access_log_record(actor=None, action=AccessLogEntry.Action.PURGE, object_type="x")
    assert entry.actor_user_id is None


@pytest.mark.django_db
def test_the_middleware_sets_the_context_for_the_view(client):
    admin = UserFactory(role=Role.FUNCTIONAL_ADMIN)
    client.force_login(admin)
    response = client.get(
        reverse("audit:access_log"), REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Lynx/2.9"
    )
    assert response.status_code == 200
    row = AccessLogEntry.objects.filter(actor_user_id=admin.pk).latest("occurred_at")
    assert (row.ip_address, row.user_agent, row.path) == (
        "203.0.113.9",
        "Lynx/2.9",
        "/werk/toegangslog/",
    )
    # The request's context ends with the request.
    assert request_context.current().path == ""


@pytest.mark.django_db
def test_a_task_acts_under_its_own_name_and_gives_the_request_back():
    within = request_context.RequestContext(actor=UserFactory(), path="/werk/")
    with request_context.acting(within):
        purge_expired_access_log.delay()  # eager here, as on the embedded default
        assert request_context.current() is within
    row = AccessLogEntry.objects.get(action=AccessLogEntry.Action.PURGE)
    assert row.path == "task apps.audit.tasks.purge_expired_access_log"
    assert row.actor_user_id is None


def test_a_management_command_acts_under_its_own_name():
    code = "from apps.core import request_context; print(request_context.current().path)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "manage.py shell"
