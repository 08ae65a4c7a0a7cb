"""Redis stops and starts again (a private redis-server, never the shared one): the first
request afterwards works, and the tasks that waited in the database are sent."""

import base64
import json

import pytest
from django.test import Client

from apps.accounts.models import Role
from apps.accounts.tests.factories import TEST_PASSWORD, UserFactory
from apps.core import outbox
from apps.core.models import UnsentTask
from apps.core.tasks import send_unsent_tasks
from apps.core.tests.outage import RedisServer, celery_broker, redis_cache_at
from apps.dossiers.tasks import geocode_client
from apps.questionnaires.models import Assignment, Instrument

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("needs_redis")]

NOTIFY = "apps.questionnaires.tasks.notify_assignment"
GEOCODE = "apps.dossiers.tasks.geocode_client"


@pytest.fixture
def redis_server():
    server = RedisServer().start()
    try:
        with redis_cache_at(server.port), celery_broker(server.url):
            yield server
    finally:
        server.close()


@pytest.fixture
def resident(dossier):
    account = UserFactory(role=Role.RESIDENT)
    dossier.client.account = account
    dossier.client.save(update_fields=["account"])
    return account


def login(user):
    return Client().post("/account/login/", {"login": user.email, "password": TEST_PASSWORD})


def queued(server) -> list[tuple[str, list]]:
    """(task name, positional arguments) of each message in the broker's default queue."""
    messages = [json.loads(raw) for raw in server.client().lrange("celery", 0, -1)]
    return [
        (message["headers"]["task"], json.loads(base64.b64decode(message["body"]))[0])
        for message in messages
    ]


def ask_for_a_scan(worker, dossier, capture):
    staff = Client()
    staff.force_login(worker)
    instrument = Instrument.objects.get(code="positive-health-short")
    with capture(execute=True):
        return staff.post(
            f"/werk/dossiers/{dossier.pk}/metingen/vragen/",
            {"instrument": instrument.pk, "moment": "intake"},
        )


def test_after_redis_returns_login_works_at_once_and_waiting_tasks_are_sent(
    redis_server, worker, dossier, resident, instruments, django_capture_on_commit_callbacks
):
    # Before: connections to cache and broker are open and pooled.
    assert login(UserFactory(role=Role.RESIDENT)).status_code == 302
    assert redis_server.client().ping()

    redis_server.stop()
    assert ask_for_a_scan(worker, dossier, django_capture_on_commit_callbacks).status_code == 302
    assignment = Assignment.objects.get()
    assert list(UnsentTask.objects.values_list("task", "args")) == [(NOTIFY, [assignment.pk])]
    assert login(resident).status_code == 503

    redis_server.start()
    # The pooled connections died with the old server; the first request reconnects.
    assert login(resident).status_code == 302
    assert queued(redis_server) == []
    # What beat asks a worker to do every minute.
    assert send_unsent_tasks.apply().get() == 1
    assert UnsentTask.objects.count() == 0
    assert queued(redis_server) == [(NOTIFY, [assignment.pk])]
    # Sent once: running it again finds nothing.
    assert send_unsent_tasks.apply().get() == 0
    assert queued(redis_server) == [(NOTIFY, [assignment.pk])]


def test_the_next_task_sent_takes_the_waiting_ones_along(
    redis_server, django_capture_on_commit_callbacks
):
    redis_server.stop()
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue_on_commit(geocode_client, 101)
    assert list(UnsentTask.objects.values_list("task", "args")) == [(GEOCODE, [101])]

    redis_server.start()
    outbox._paused_until = 0.0  # the process's pause after a failed try is over
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue_on_commit(geocode_client, 102)
    assert UnsentTask.objects.count() == 0
    assert sorted(queued(redis_server)) == [(GEOCODE, [101]), (GEOCODE, [102])]
