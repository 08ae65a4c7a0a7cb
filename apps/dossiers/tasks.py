from celery import shared_task
from django.db import DatabaseError

from apps.dossiers.geocoding import client_geocode, clients_geocode_missing
from apps.dossiers.notifications import (
    worker_notify_explanation_requested,
    worker_notify_reassigned,
)
from apps.dossiers.services import dossiers_purge_expired


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def purge_expired_dossiers() -> int:
    return dossiers_purge_expired()


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=3)
def geocode_client(client_id: int) -> bool:
    """Coordinates for a new or moved client; the geocoder itself never raises."""
    return client_geocode(client_id=client_id)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=3)
def geocode_missing_clients() -> int:
    """Nightly: addresses that could not be placed before get another try."""
    return clients_geocode_missing()


# Mail is slow and may fail for a while: it leaves the request, and retries (also when the
# database restarts). A retry after a failed send sends nothing twice.
@shared_task(autoretry_for=(OSError, DatabaseError), retry_backoff=True, max_retries=5)
def notify_reassigned_worker(dossier_id: int, worker_id: int) -> bool:
    return worker_notify_reassigned(dossier_id=dossier_id, worker_id=worker_id)


@shared_task(autoretry_for=(OSError, DatabaseError), retry_backoff=True, max_retries=5)
def notify_explanation_requested(dossier_id: int) -> bool:
    return worker_notify_explanation_requested(dossier_id=dossier_id)
