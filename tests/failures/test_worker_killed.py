"""A Celery worker killed mid-task: the task runs again, and its result (the e-mail that
something waits for the client) is written once.

Real `celery -A config worker` processes against a private redis-server and the test's
PostgreSQL database; the test holds the task at a gate (worker_hooks.py) and kills the
worker there with SIGKILL. Settings: tests/failures/worker_settings.py.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.core.models import UnsentTask
from apps.core.tests.outage import RedisServer, celery_broker, refused_port
from apps.questionnaires.models import Assignment, Instrument
from apps.questionnaires.services.measurements import assignment_create
from tests.failures.processes import child_environment, database_url

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("needs_postgresql", "needs_redis"),
]

DEADLINE_SECONDS = 30


def wait_for(condition, what: str, worker=None):
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            log = worker.log() if worker is not None else ""
            raise AssertionError(f"waited {DEADLINE_SECONDS} s for {what}\n{log}")
        time.sleep(0.05)


class Gates:
    def __init__(self, directory: Path):
        self.directory = directory

    def open(self, name: str) -> None:
        (self.directory / f"{name}-open").touch()

    def reached(self, name: str) -> list[int]:
        """The process ids that reached gate `name`, once per pass."""
        return [int(path.name.split("-")[2]) for path in self.directory.glob(f"{name}-reached-*")]

    def mails(self) -> list[str]:
        return [path.read_text() for path in self.directory.glob("mail-*.eml")]


class Worker:
    """`celery -A config worker`, one process for tasks, in a process group of its own."""

    def __init__(self, broker_url: str, gates: Gates, name: str):
        environment = child_environment(
            DJANGO_SETTINGS_MODULE="tests.failures.worker_settings",
            DATABASE_URL=database_url(connection.settings_dict),
            REDIS_URL=broker_url,
            BUURTKOMPAS_TEST_GATES=str(gates.directory),
        )
        self.log_path = gates.directory / f"{name}.log"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "celery"),
                    "-A", "config", "worker",
                    "--hostname", f"{name}@failure-test",
                    "--pool", "prefork", "--concurrency", "1",
                    "--without-gossip", "--without-mingle", "--without-heartbeat",
                    "--loglevel", "INFO",
                ],
                cwd=settings.BASE_DIR,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def kill(self) -> None:
        """SIGKILL to the worker and its pool processes at once: what a lost machine or
        `docker kill` does. Nothing gets to clean up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # warm shutdown
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def broker():
    server = RedisServer().start()
    yield server
    server.close()


@pytest.fixture
def gates(tmp_path):
    return Gates(tmp_path)


@pytest.fixture
def start_worker(broker, gates):
    started = []

    def start():
        worker = Worker(broker.url, gates, f"worker{len(started) + 1}")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def assignment(broker, worker, dossier, instruments):
    """A worker asks their client to fill in a scan: the e-mail task goes to the broker."""
    dossier.client.account = UserFactory(role=Role.RESIDENT)
    dossier.client.save(update_fields=["account"])
    with celery_broker(broker.url):
        return assignment_create(
            dossier=dossier,
            instrument=Instrument.objects.get(code="positive-health-short"),
            actor=worker,
        )


def notified(assignment) -> bool:
    return Assignment.objects.filter(pk=assignment.pk, notified_at__isnull=False).exists()


def settled(broker) -> bool:
    """Nothing waits in the queue and nothing is taken but unacknowledged."""
    redis = broker.client()
    return redis.llen("celery") == 0 and redis.hlen("unacked") == 0


def test_a_worker_killed_while_the_mail_server_is_slow_sends_the_email_once(
    broker, gates, start_worker, assignment
):
    gates.open("acknowledge")
    first = start_worker()
    wait_for(lambda: gates.reached("mail"), "the task to reach the mail server", first)
    first.kill()
    assert gates.mails() == []
    assert not notified(assignment)

    gates.open("mail")
    second = start_worker()
    wait_for(lambda: notified(assignment) and settled(broker), "the task to run again", second)
    second.stop()
    assert len(gates.reached("mail")) == 2  # it did run twice...
    assert len(gates.mails()) == 1  # ...and one e-mail went out
    assert assignment.client.account.email in gates.mails()[0]


def test_a_worker_killed_after_the_email_but_before_acknowledging_sends_no_second(
    broker, gates, start_worker, assignment
):
    gates.open("mail")
    first = start_worker()
    wait_for(lambda: gates.reached("acknowledge"), "the task to finish", first)
    first.kill()
    assert len(gates.mails()) == 1
    assert notified(assignment)

    gates.open("acknowledge")
    second = start_worker()
    wait_for(
        lambda: len(gates.reached("acknowledge")) == 2 and settled(broker),
        "the task to run again",
        second,
    )
    second.stop()
    # It ran again (the broker never heard it had finished) and found the e-mail sent.
    assert len(gates.mails()) == 1


def test_a_killed_task_process_is_put_back_by_its_worker_and_runs_once(
    broker, gates, start_worker, assignment
):
    gates.open("acknowledge")
    celery_worker = start_worker()
    wait_for(lambda: gates.reached("mail"), "the task to reach the mail server", celery_worker)
    (task_process,) = gates.reached("mail")
    assert task_process != celery_worker.process.pid
    os.kill(task_process, signal.SIGKILL)  # the kernel's OOM killer does the same

    gates.open("mail")
    wait_for(
        lambda: notified(assignment) and settled(broker), "the task to run again", celery_worker
    )
    celery_worker.stop()
    assert len(gates.reached("mail")) == 2
    assert len(gates.mails()) == 1


def test_tasks_kept_while_the_broker_was_down_are_sent_when_a_worker_starts(
    broker, gates, start_worker, worker, dossier, instruments
):
    gates.open("mail")
    gates.open("acknowledge")
    dossier.client.account = UserFactory(role=Role.RESIDENT)
    dossier.client.save(update_fields=["account"])
    with refused_port() as port, celery_broker(f"redis://127.0.0.1:{port}/0"):
        assignment = assignment_create(
            dossier=dossier,
            instrument=Instrument.objects.get(code="positive-health-short"),
            actor=worker,
        )
    assert UnsentTask.objects.count() == 1

    started = start_worker()
    wait_for(lambda: notified(assignment) and settled(broker), "the kept task to run", started)
    started.stop()
    assert UnsentTask.objects.count() == 0
    assert len(gates.mails()) == 1
