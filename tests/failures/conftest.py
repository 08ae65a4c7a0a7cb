"""When a service fails, the product degrades; it does not fall over.

Every test in this folder is marked `failure` (`pytest -m failure` runs them alone). Redis
that is down or hangs is a real socket (apps/core/tests/outage.py), so those tests run
everywhere. Tests that need a real redis-server (a private one, started and stopped by the
test) or PostgreSQL (a second process reading committed rows) skip, with the reason, only
when REDIS_URL is not set or the database is SQLite; CI sets both.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from apps.accounts.models import Role
from apps.dossiers.tests.factories import DossierFactory
from apps.organisation.tests.factories import TeamMembershipFactory
from apps.questionnaires.services.instruments import instruments_load

FAILURE_DIR = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if FAILURE_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.failure)


@pytest.fixture
def needs_redis():
    if not settings.REDIS_URL:
        pytest.skip(
            "needs Redis: runs when REDIS_URL is set (CI sets it); the test starts a private "
            "redis-server of its own, on a free port"
        )


@pytest.fixture
def needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (set DATABASE_URL; CI does): a worker or web server process "
            "reads the test's rows, or the test restarts a PostgreSQL server of its own; an "
            "in-memory SQLite database can do neither"
        )


@pytest.fixture
def instruments():
    instruments_load()


@pytest.fixture
def worker():
    return TeamMembershipFactory(user__role=Role.SOCIAL_WORKER).user


@pytest.fixture
def dossier(worker):
    return DossierFactory(team=worker.teams.get(), responsible_worker=worker)
