"""Rate limits of the API: per signed-in person, per partner system (with a lower limit on
referrals), per address for what anyone may read. A burst gets a 429 problem document with
Retry-After; the others go on. The rates come from the settings; a cache that cannot be
reached lets requests through instead of failing them."""

import logging

import pytest

from apps.accounts.tests.factories import PartnerSystemFactory, api_token_for
from apps.dossiers.models import IntakeRequest
from apps.dossiers.tests.api_support import API, PROBLEM, member, post_json, token_header
from apps.organisation.tests.factories import TeamFactory

pytestmark = pytest.mark.django_db
REFERRAL = {"first_name": "Fatima", "last_name": "El Amrani", "question": "Schulden."}


@pytest.fixture
def rates(settings):
    """rates(user=3, ...): requests per minute for the scopes named."""

    def set_rates(**per_minute):
        current = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                **current,
                **{scope: f"{count}/min" for scope, count in per_minute.items()},
            },
        }

    return set_rates


def throttled(response) -> dict:
    assert response.status_code == 429
    assert response["Content-Type"] == PROBLEM
    wait = int(response["Retry-After"])
    assert 1 <= wait <= 60
    body = response.json()
    assert body["code"] == "throttled"
    assert body["title"] == "Te veel verzoeken"
    assert body["retry_after"] == wait
    assert str(wait) in body["detail"]
    return body


def test_the_defaults():
    from django.conf import settings

    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] == {
        "user": "120/min",
        "partner": "60/min",
        "anon": "30/min",
        "referrals": "20/min",
    }


def test_a_burst_of_a_signed_in_person(client, rates):
    rates(user=3)
    worker, colleague = member(), member()
    client.force_login(worker)
    statuses = [client.get(f"{API}/dossiers/").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    throttled(client.get(f"{API}/dossiers/"))
    throttled(client.get(f"{API}/instruments/"))  # per person, not per endpoint
    client.force_login(colleague)
    assert client.get(f"{API}/dossiers/").status_code == 200


def test_a_burst_of_a_partner_system(client, rates):
    rates(partner=2, referrals=100)
    team = TeamFactory()
    first = token_header(api_token_for(PartnerSystemFactory(teams=[team])))
    second = token_header(api_token_for(PartnerSystemFactory(teams=[team])))
    for _ in range(2):
        assert post_json(client, f"{API}/referrals/", REFERRAL, **first).status_code == 201
    throttled(post_json(client, f"{API}/referrals/", REFERRAL, **first))
    assert IntakeRequest.objects.count() == 2  # the refused one changed nothing
    assert post_json(client, f"{API}/referrals/", REFERRAL, **second).status_code == 201


def test_referrals_have_a_lower_limit_of_their_own(client, rates):
    rates(partner=100, referrals=2)
    headers = token_header(api_token_for(PartnerSystemFactory(teams=[TeamFactory()])))
    for _ in range(2):
        assert post_json(client, f"{API}/referrals/", REFERRAL, **headers).status_code == 201
    throttled(post_json(client, f"{API}/referrals/", REFERRAL, **headers))
    # Reading the questionnaire definitions counts against the partner's limit only.
    assert client.get(f"{API}/instruments/", **headers).status_code == 200


def test_anyone_reading_the_index_is_counted_per_address(client, rates):
    rates(anon=2)
    here = {"REMOTE_ADDR": "192.0.2.10"}
    for _ in range(2):
        assert client.get(f"{API}/", **here).status_code == 200
    throttled(client.get(f"{API}/", **here))
    # A forged X-Forwarded-For does not make a new address (no trusted proxy in front).
    throttled(client.get(f"{API}/", HTTP_X_FORWARDED_FOR="198.51.100.7", **here))
    assert client.get(f"{API}/", REMOTE_ADDR="192.0.2.11").status_code == 200


def test_a_rate_lowered_below_what_was_counted_still_says_when(client, rates):
    rates(user=5)
    client.force_login(member())
    for _ in range(5):
        client.get(f"{API}/dossiers/")
    rates(user=2)
    throttled(client.get(f"{API}/dossiers/"))


def test_an_unreachable_cache_lets_requests_through_and_says_so(client, rates, settings, caplog):
    rates(user=1)
    # Nothing listens on port 1: every cache call fails to connect.
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    client.force_login(member())
    with caplog.at_level(logging.WARNING, logger="apps.accounts.api.throttling"):
        statuses = [client.get(f"{API}/dossiers/").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    assert "cache cannot be reached" in caplog.text


@pytest.mark.parametrize("value", ["lots", "60", "60/fortnight", "/min", "-1/min"])
def test_a_rate_that_is_no_rate_stops_the_start(value):
    from django.core.exceptions import ImproperlyConfigured

    from config.settings.base import _rate

    with pytest.raises(ImproperlyConfigured, match="API_RATE_PARTNER must look like 120/min"):
        _rate("API_RATE_PARTNER", value)
    assert _rate("API_RATE_PARTNER", "10/hour") == "10/hour"
