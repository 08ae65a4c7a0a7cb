import psycopg
import pytest
from django.db import connection

from apps.effects.locking import ADVISORY_LOCK_KEY, LOCK_NAME
from apps.effects.models import StatisticsLock
from apps.questionnaires.services.instruments import instruments_load


@pytest.fixture(autouse=True)
def instruments(db):
    """The instruments of apps/questionnaires/instruments: measurement scales, a
    conversation tool, the surveys."""
    instruments_load()


@pytest.fixture
def held_lock(db):
    """Another process computing the statistics: on PostgreSQL a second connection holding
    the advisory lock, elsewhere the lock row."""
    if connection.vendor != "postgresql":
        StatisticsLock.objects.create(name=LOCK_NAME)
        yield
        return
    params = connection.get_connection_params()
    other = psycopg.connect(
        **{
            name: params[name]
            for name in ("dbname", "user", "password", "host", "port")
            if name in params
        },
        autocommit=True,
    )
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
        yield
        other.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
    finally:
        other.close()
