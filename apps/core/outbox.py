"""Enqueueing a task never turns a request into an error page, and no task is lost while
the broker (Redis) is down.

Services enqueue with `enqueue_on_commit(task, *args)`: after their transaction commits,
the task is published. When the broker cannot be reached, the task is written to the
`UnsentTask` table instead and the request goes on. Unsent tasks are sent again, oldest
first, by the beat task `send_unsent_tasks` (every minute), by every worker when it starts,
and by the next successful publish in the same process. Each row is sent and deleted in
one transaction, with the row locked, so two senders never send one row at the same time;
a task that still arrives twice (a sender killed between publishing and committing) does
no harm, because every task is idempotent.

Without a broker (the embedded default, and the tests) tasks run at once, in the request.
"""

import logging
import time

from celery.exceptions import NotRegistered
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnavailable

from apps.core.models import UnsentTask
from config.celery import app as celery_app

logger = logging.getLogger(__name__)

# One immediate reconnect covers a connection the broker dropped when it restarted; more
# tries would only hold the request longer while it is down.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0}
# After a failed publish this process does not try again for a while: a Redis that
# accepts connections but never answers would otherwise cost every request the socket
# timeouts.
PAUSE_AFTER_FAILURE_SECONDS = 30

_paused_until = 0.0
_kept_here = False


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Publish `task` with these (JSON-serialisable) arguments once the current
    transaction commits; keep it for later if the broker is down."""
    transaction.on_commit(lambda: task_send(task.name, args, kwargs))


def task_send(name: str, args=(), kwargs=None) -> None:
    global _paused_until, _kept_here
    if celery_app.conf.task_always_eager:
        celery_app.tasks[name].apply_async(args, kwargs)
        return
    if time.monotonic() >= _paused_until:
        try:
            _publish(name, args, kwargs)
        except BrokerUnavailable:
            _paused_until = time.monotonic() + PAUSE_AFTER_FAILURE_SECONDS
            logger.warning("Broker unavailable: task %s is kept to be sent later", name)
        else:
            if _kept_here:
                _kept_here = False
                unsent_tasks_send()
            return
    UnsentTask.objects.create(task=name, args=list(args), kwargs=dict(kwargs or {}))
    _kept_here = True


def unsent_tasks_send(*, limit: int = 1000) -> int:
    """Send the tasks that wait, oldest first; stop at the first the broker refuses.
    Returns how many were sent."""
    sent = 0
    waiting = list(UnsentTask.objects.order_by("pk").values_list("pk", flat=True)[:limit])
    for pk in waiting:
        with transaction.atomic():
            row = UnsentTask.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if row is None:  # another sender has it, or sent it already
                continue
            try:
                _publish(row.task, row.args, row.kwargs)
            except NotRegistered:
                logger.error("Unsent task %s is unknown to this version: dropped", row.task)
            except BrokerUnavailable:
                logger.warning("Broker still unavailable: %d tasks wait", len(waiting) - sent)
                return sent
            else:
                sent += 1
            row.delete()
    if sent:
        logger.info("Sent %d tasks that waited for the broker", sent)
    return sent


def _publish(name: str, args, kwargs) -> None:
    celery_app.tasks[name].apply_async(args, kwargs, retry_policy=PUBLISH_RETRY_POLICY)
