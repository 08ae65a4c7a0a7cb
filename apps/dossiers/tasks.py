from celery import shared_task
from django.db import DatabaseError

from apps.dossiers.geocoding import client_geocode, clients_geocode_missing
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
