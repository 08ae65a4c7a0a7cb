"""Tasks that cannot reach the broker wait in the database (apps/core/outbox.py)."""

import logging

import pytest

from apps.core import outbox
from apps.core.models import UnsentTask
from apps.core.tests.outage import celery_broker, refused_port
from apps.dossiers.tasks import geocode_client
from apps.dossiers.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

GEOCODE = "apps.dossiers.tasks.geocode_client"


@pytest.fixture
def broker_down():
    with refused_port() as port, celery_broker(f"redis://127.0.0.1:{port}/0"):
        yield


def test_without_a_broker_the_task_runs_at_once(django_capture_on_commit_callbacks):
    client = ClientFactory(postcode="3811 AB", house_number="12")
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue_on_commit(geocode_client, client.pk)
    client.refresh_from_db()
    assert client.latitude is not None
    assert UnsentTask.objects.count() == 0


def test_nothing_is_sent_before_the_transaction_commits(
    broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outbox.enqueue_on_commit(geocode_client, 7)
    assert len(callbacks) == 1
    assert UnsentTask.objects.count() == 0


def test_a_broker_that_refuses_keeps_the_tasks_in_order(
    broker_down, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue_on_commit(geocode_client, 7)
        outbox.enqueue_on_commit(geocode_client, client_id=8)
    rows = list(UnsentTask.objects.values_list("task", "args", "kwargs"))
    assert rows == [(GEOCODE, [7], {}), (GEOCODE, [], {"client_id": 8})]
    assert "Broker unavailable" in caplog.text


def test_after_a_failure_the_process_does_not_try_the_broker_for_a_while(
    broker_down, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue_on_commit(geocode_client, 7)
    tried = []
    monkeypatch.setattr(outbox, "_publish", lambda *args: tried.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue_on_commit(geocode_client, 8)
    assert tried == []
    assert UnsentTask.objects.count() == 2


def test_sending_while_the_broker_is_still_down_keeps_every_row(broker_down):
    UnsentTask.objects.create(task=GEOCODE, args=[7])
    UnsentTask.objects.create(task=GEOCODE, args=[8])
    assert outbox.unsent_tasks_send() == 0
    assert UnsentTask.objects.count() == 2


def test_a_task_this_version_does_not_know_is_dropped_not_retried_forever(
    broker_down, caplog, monkeypatch
):
    UnsentTask.objects.create(task="apps.gone.tasks.renamed", args=[1])
    UnsentTask.objects.create(task=GEOCODE, args=[7])
    sent = []
    monkeypatch.setattr(
        outbox.celery_app.tasks[GEOCODE], "apply_async", lambda *args, **kw: sent.append(args)
    )
    with caplog.at_level(logging.ERROR):
        assert outbox.unsent_tasks_send() == 1
    assert sent == [([7], {})]
    assert UnsentTask.objects.count() == 0
    assert "apps.gone.tasks.renamed is unknown" in caplog.text
