import json
from unittest import mock

import pytest
from django.conf import settings
from django.db.utils import OperationalError
from django.test import override_settings

from apps.core import health


@pytest.mark.django_db
def test_healthz_reports_every_service(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    expected_broker = "ok" if settings.REDIS_URL else "eager"
    assert body["services"] == {"database": "ok", "cache": "ok", "broker": expected_broker}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_needs_no_login_and_no_mfa(client):
    from apps.accounts.models import Role
    from apps.accounts.tests.factories import UserFactory

    client.force_login(UserFactory(role=Role.MANAGER, with_totp=False))
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_database_failure_gives_503(client):
    with mock.patch.object(health, "connection") as connection:
        connection.cursor.side_effect = OperationalError("database is down")
        response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "error"
    assert body["services"]["database"] == "error"


@pytest.mark.django_db
def test_cache_failure_gives_503(client):
    with mock.patch.object(health.cache, "set", side_effect=ConnectionError("cache down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["services"]["cache"] == "error"


@pytest.mark.django_db
def test_unreachable_broker_gives_503(client):
    # Port 9 on loopback: nothing listens there, so the connection is refused at once.
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:9/0"):
        from config.celery import app

        app.conf.broker_url = "redis://127.0.0.1:9/0"
        try:
            response = client.get("/healthz")
        finally:
            app.conf.broker_url = settings.CELERY_BROKER_URL
    assert response.status_code == 503
    assert json.loads(response.content)["services"]["broker"] == "error"


def test_without_a_broker_tasks_are_eager():
    with override_settings(CELERY_BROKER_URL="memory://"):
        assert health.check_broker() == "eager"


def test_healthz_refuses_other_methods(client):
    assert client.post("/healthz").status_code == 405
