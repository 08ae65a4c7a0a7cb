from celery import shared_task

from apps.audit.partitions import ensure_partitions
from apps.audit.services import access_log_purge_expired, refusal_tallies_flush


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def purge_expired_access_log() -> int:
    return access_log_purge_expired()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def flush_refusal_tallies() -> int:
    return refusal_tallies_flush()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def create_access_log_partitions() -> list[str]:
    return ensure_partitions()
