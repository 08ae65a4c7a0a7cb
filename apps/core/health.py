"""State of the services Buurtkompas depends on, for /healthz."""

import logging
import uuid
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection

from config.celery import app as celery_app

logger = logging.getLogger(__name__)

OK, ERROR, EAGER = "ok", "error", "eager"
BROKER_TIMEOUT_SECONDS = 2


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("Health check: database unavailable")
        return ERROR
    return OK


def check_cache(backend=cache) -> str:
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        backend.set(key, "1", timeout=5)
        found = backend.get(key) == "1"
        backend.delete(key)
    except Exception:
        logger.exception("Health check: cache unavailable")
        return ERROR
    return OK if found else ERROR


def check_broker() -> str:
    """ "eager" when no broker is configured: tasks then run inside the request."""
    if settings.CELERY_BROKER_URL.startswith("memory://"):
        return EAGER
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception:
        logger.exception("Health check: broker unavailable")
        return ERROR
    return OK


def service_states() -> dict[str, str]:
    """Cache and broker are asked at the same time: when Redis hangs, the answer takes the
    socket timeout once (3 s), not once per service. The database is asked in this thread,
    whose connection Django keeps."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        cache_state = pool.submit(check_cache, caches["default"])
        broker_state = pool.submit(check_broker)
        database_state = check_database()
        return {
            "database": database_state,
            "cache": cache_state.result(),
            "broker": broker_state.result(),
        }
