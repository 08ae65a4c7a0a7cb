import logging

from celery import shared_task
from django.db import DatabaseError

from apps.socialmap import freshness

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=3)
def ask_providers_to_confirm() -> dict:
    """Daily: ask, remind, mark unconfirmed, hide (apps/socialmap/freshness.py). A run
    that is repeated asks nobody twice: each step looks at what the last one left."""
    counts = dict(freshness.providers_ask())
    logger.info("Social map freshness: %s", counts)
    return counts
