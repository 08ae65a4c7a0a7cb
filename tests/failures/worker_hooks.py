"""Hooks that only the worker tests load (worker_settings.CELERY_IMPORTS).

A gate is a file in BUURTKOMPAS_TEST_GATES: a process that reaches gate `name` leaves a
file `name-reached-<pid>-<n>` and waits until the test creates `name-open`. The test thus
knows where the task is, without sleeping, and kills the worker at that point.

- "mail": inside the mail server, before it accepts the message (a slow SMTP server).
- "acknowledge": after the task finished and committed, before the worker acknowledges it
  to the broker.
"""

import itertools
import os
import time
import uuid
from pathlib import Path

from celery.signals import task_postrun
from django.core.mail.backends.base import BaseEmailBackend

GATES = Path(os.environ["BUURTKOMPAS_TEST_GATES"])
WAIT_SECONDS = 60
_passes = itertools.count()


def gate_pass(name: str) -> None:
    (GATES / f"{name}-reached-{os.getpid()}-{next(_passes)}").touch()
    deadline = time.monotonic() + WAIT_SECONDS
    while not (GATES / f"{name}-open").exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gate {name} was not opened")
        time.sleep(0.02)


class GatedFileMailer(BaseEmailBackend):
    """Each message the "server" accepted is one file mail-<id>.eml."""

    def __init__(self, *, directory, **kwargs):
        super().__init__(**kwargs)
        self.directory = Path(directory)

    def send_messages(self, messages):
        gate_pass("mail")
        for message in messages:
            name = f"mail-{uuid.uuid4().hex}"
            draft = self.directory / f"{name}.tmp"
            draft.write_bytes(message.message().as_bytes())
            draft.rename(self.directory / f"{name}.eml")
        return len(messages)


@task_postrun.connect
def _before_acknowledging(**kwargs):
    gate_pass("acknowledge")
