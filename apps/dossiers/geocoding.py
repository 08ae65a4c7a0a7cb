"""Clients get coordinates from their postcode and house number, for the client map.

A service that creates a client, or changes a client's address (and clears the old
coordinates), ends with `client_geocode_on_commit(client=client)`; after the transaction
commits, the Celery task `geocode_client` asks the geocoder (apps.core.geocoding). An
address the geocoder cannot place leaves the client without coordinates: the map lists
them as "no location yet".
"""

import logging

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy

from apps.audit.models import AccessLogEntry
from apps.audit.services import access_log_record
from apps.core.geocoding import geocode
from apps.core.outbox import enqueue_on_commit
from apps.dossiers.models import Client

logger = logging.getLogger(__name__)


def client_needs_coordinates(client: Client) -> bool:
    return bool(client.postcode and client.house_number) and (
        client.latitude is None or client.longitude is None
    )


def client_geocode_on_commit(*, client: Client) -> None:
    """Look the address up after the current transaction commits, if it needs that."""
    # Imported here: the tasks module imports the services, which import this module.
    from apps.dossiers.tasks import geocode_client

    if client_needs_coordinates(client):
        enqueue_on_commit(geocode_client, client.pk)


def client_geocode(*, client_id: int) -> bool:
    """Fill in the client's missing coordinates; True when it did.

    Idempotent: a client that has coordinates, has no address, or moved while the
    geocoder was asked (another task handles the new address) is left as it is.
    """
    client = (
        Client.objects.filter(pk=client_id)
        .only("first_name", "last_name", "postcode", "house_number", "latitude", "longitude")
        .first()
    )
    if client is None or not client_needs_coordinates(client):
        return False
    found = geocode(client.postcode, client.house_number)
    if found is None:
        logger.info("No coordinates found for client %s", client_id)
        return False
    with transaction.atomic():
        updated = (
            Client.objects.filter(
                pk=client_id, postcode=client.postcode, house_number=client.house_number
            )
            .filter(Q(latitude__isnull=True) | Q(longitude__isnull=True))
            .update(latitude=found.latitude, longitude=found.longitude)
        )
        if updated:
            access_log_record(
                actor=None,
                action=AccessLogEntry.Action.UPDATE,
                obj=client,
                reason=gettext_lazy("coordinates from the address (geocoder)"),
            )
    return bool(updated)


def clients_geocode_missing(*, limit: int = 500) -> int:
    """Try again for clients with an address but no coordinates (the geocoder was down,
    or the address was new to it). At most `limit` per run, to be kind to the service;
    returns how many got coordinates."""
    waiting = (
        Client.objects.exclude(postcode="")
        .exclude(house_number="")
        .filter(Q(latitude__isnull=True) | Q(longitude__isnull=True))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    placed = sum(client_geocode(client_id=client_id) for client_id in list(waiting))
    logger.info("Geocoding retry: %d clients placed", placed)
    return placed
