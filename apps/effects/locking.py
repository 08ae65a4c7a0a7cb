"""One computation of the statistics at a time.

PostgreSQL: a session-level advisory lock, which the database releases by itself when the
process holding it dies. Other databases: a lock row, committed before the computation
starts so that a second process sees it; a row older than LOCK_STALE_AFTER is left over
from a process that died and is taken over.
"""

from contextlib import contextmanager

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from apps.effects.models import LOCK_STALE_AFTER, StatisticsLock
from apps.effects.sql import is_postgresql

# "BKST" as a number: the key of the advisory lock, the same in every process.
ADVISORY_LOCK_KEY = 0x424B5354
LOCK_NAME = "statistics"


class AlreadyRunning(Exception):
    """Another computation of the statistics holds the lock."""


@contextmanager
def statistics_lock():
    if is_postgresql():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
            if not cursor.fetchone()[0]:
                raise AlreadyRunning
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
        return
    StatisticsLock.objects.filter(
        name=LOCK_NAME, acquired_at__lt=timezone.now() - LOCK_STALE_AFTER
    ).delete()
    try:
        with transaction.atomic():
            StatisticsLock.objects.create(name=LOCK_NAME)
    except IntegrityError:
        raise AlreadyRunning from None
    try:
        yield
    finally:
        StatisticsLock.objects.filter(name=LOCK_NAME).delete()
