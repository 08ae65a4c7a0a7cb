from celery import shared_task

from apps.dossiers.services import dossiers_purge_expired


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def purge_expired_dossiers() -> int:
    return dossiers_purge_expired()
