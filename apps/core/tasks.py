from celery import shared_task
from celery.signals import worker_ready
from django.db import connection

from apps.core.outbox import unsent_tasks_send


@shared_task
def send_unsent_tasks() -> int:
    """Every minute (beat): tasks that could not be sent while the broker was down."""
    return unsent_tasks_send()


@worker_ready.connect
def send_unsent_tasks_at_start(**kwargs) -> None:
    """A worker that starts after an outage sends what waited, without waiting for beat.
    In the worker's main process: its database connection is closed again afterwards."""
    try:
        unsent_tasks_send()
    finally:
        connection.close()
