"""Fuzz the API from its own OpenAPI schema (schemathesis), in-process through WSGI.

Every operation gets valid and invalid input, signed in as a social worker with a session
(referrals: as a partner system with its token; the index: anonymously). No answer may be
a server error, and every documented answer, errors included, must match its schema and
content type (application/problem+json for an error).
"""

import datetime

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.middleware.csrf import CSRF_ALLOWED_CHARS
from django.test import Client as DjangoClient
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from apps.accounts.tests.factories import PartnerSystemFactory, api_token_for
from apps.dossiers.tests.api_support import FuzzTally, member
from apps.dossiers.tests.factories import (
    ContactMomentFactory,
    DossierFactory,
    RegisteredQuestionFactory,
)
from apps.organisation.tests.factories import TeamFactory

CHECKS = [
    not_a_server_error,  # never a 500
    status_code_conformance,  # every answer's status is documented
    content_type_conformance,
    response_schema_conformance,  # and has the documented shape
    negative_data_rejection,  # input outside the schema gets a 4xx
    unsupported_method,  # a method the schema does not name gets 405
]

# Examples per operation and phase (explicit examples, coverage, valid and invalid data),
# so that the whole run stays well under a minute on a two-core machine: about 800
# requests in 25 to 35 seconds.
MAX_EXAMPLES = 20


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Schemathesis calls the real WSGI handler, whose request signals close the database
    connection (as Django's test client avoids): on PostgreSQL that would end the test's
    transaction. Unhook them for the duration, as the test client does."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def tally():
    seen = FuzzTally()
    yield seen
    print("\n" + seen.summary())
    seen.check(schema.raw_schema)


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """The fuzzing sends hundreds of requests a minute as one account; the rate limits
    have tests of their own (apps/accounts/tests/test_api_throttling.py)."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(
            settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "100000/min"
        ),
    }


@pytest.fixture
def world(db):
    """A team with a worker, a dossier with contact moments and a question, another team's
    dossier, and a partner system that refers to the team."""
    team = TeamFactory()
    worker = member(team)
    # Started long ago, so that the contact moment of the schema's example fits in it.
    dossier = DossierFactory(
        team=team, responsible_worker=worker, started_on=datetime.date(2020, 1, 1)
    )
    ContactMomentFactory.create_batch(3, dossier=dossier, worker=worker)
    RegisteredQuestionFactory(dossier=dossier)
    foreign = DossierFactory()
    partner = PartnerSystemFactory(teams=[team])
    browser = DjangoClient()
    browser.force_login(worker)
    csrf = get_random_string(32, CSRF_ALLOWED_CHARS)
    return {
        "ids": {"own": [dossier.pk, dossier.client_id], "foreign": [foreign.pk]},
        "session": {"sessionid": browser.cookies["sessionid"].value, "csrftoken": csrf},
        "csrf": csrf,
        "token": api_token_for(partner),
    }


# Loaded once at collection, anonymously: the schema is public and needs no database.
# Every operation of this module is checked together at its end (which were called, that
# every error was a problem document): the module runs in one process (bin/run-tests).
pytestmark = pytest.mark.serial

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
schema.config.generation.update(max_examples=MAX_EXAMPLES)


@schema.parametrize()
@settings(
    deadline=None,
    derandomize=True,
    database=None,
    # The examples of one operation share one `world`; what they add stays in it.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_server_errors_and_answers_match_the_schema(case, world, tally):
    # Half of the generated ids point at real records (own team, or another team's), so
    # the fuzzing also reaches past the 404.
    for name, value in list((case.path_parameters or {}).items()):
        if isinstance(value, int) and value % 2 == 0:
            pool = world["ids"]["own"] if value % 4 == 0 else world["ids"]["foreign"]
            case.path_parameters[name] = pool[value // 4 % len(pool)]
    if case.path == "/api/v1/referrals/":
        response = case.call(headers={"Authorization": f"Token {world['token']}"})
    elif case.path == "/api/v1/":
        response = case.call()
    else:
        response = case.call(headers={"X-CSRFToken": world["csrf"]}, cookies=world["session"])
    tally.add(case, response)
    case.validate_response(response, checks=CHECKS)
