"""Fuzz the questionnaire endpoints from the OpenAPI schema (schemathesis), in-process
through WSGI, as in apps/dossiers/tests/test_api_fuzz.py: signed in once as a resident
and once as a social worker. No answer may be a server error, and every documented answer
must match its schema."""

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

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.dossiers.tests.api_support import FuzzTally, member
from apps.dossiers.tests.factories import ClientFactory, DossierFactory
from apps.organisation.tests.factories import TeamFactory
from apps.questionnaires.models import Instrument, Response
from apps.questionnaires.services import answering, instruments

CHECKS = [
    not_a_server_error,  # never a 500
    status_code_conformance,  # every answer's status is documented
    content_type_conformance,
    response_schema_conformance,  # and has the documented shape
    negative_data_rejection,  # input outside the schema gets a 4xx
    unsupported_method,  # a method the schema does not name gets 405
]
# Per operation and phase; the two runs (resident, worker) take about ten seconds.
MAX_EXAMPLES = 20
CODES = sorted(path.stem for path in instruments.DEFAULT_DIRECTORY.glob("*.toml"))


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler's request signals would close the test's database connection; see
    the dossiers fuzz test."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _completed(code, answers, **start):
    response = answering.response_start(instrument=Instrument.objects.get(code=code), **start)
    answering.response_answer_save(response=response, answers=answers)
    return answering.response_complete(response=response)


def _session(user):
    browser = DjangoClient()
    browser.force_login(user)
    csrf = get_random_string(32, CSRF_ALLOWED_CHARS)
    return {"sessionid": browser.cookies["sessionid"].value, "csrftoken": csrf}


@pytest.fixture(scope="module")
def tally():
    seen = FuzzTally()
    yield seen
    print("\n" + seen.summary())
    seen.check(schema.raw_schema, PATHS)


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """Hundreds of requests a minute as one account; the rate limits are tested apart."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(
            settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "100000/min"
        ),
    }


@pytest.fixture
def world(db):
    """The instruments; a resident who is a client of a team, with a shared and a private
    scan and a measurement; another resident's scan; another team's dossier."""
    instruments.instruments_load()
    team = TeamFactory()
    worker = member(team)
    resident = UserFactory(role=Role.RESIDENT)
    dossier = DossierFactory(team=team, client=ClientFactory(account=resident))
    shared = _completed(
        "positive-health-short",
        {"body-1": 6},
        mode=Response.Mode.SELF,
        respondent=resident,
        client=dossier.client,
    )
    Response.objects.filter(pk=shared.pk).update(shared_with_worker=True)
    private = _completed(
        "positive-health-short",
        {"body-1": 3},
        mode=Response.Mode.SELF,
        respondent=resident,
        client=dossier.client,
    )
    recorded = _completed(
        "zrm", {"finances": 2}, mode=Response.Mode.BY_WORKER, dossier=dossier, recorded_by=worker
    )
    other = _completed(
        "positive-health", {"body-1": 5}, mode=Response.Mode.SELF, respondent=UserFactory()
    )
    foreign = DossierFactory()
    return {
        "ids": {
            "own": [shared.pk, private.pk, recorded.pk, dossier.pk],
            "foreign": [other.pk, foreign.pk],
        },
        "resident": _session(resident),
        "worker": _session(worker),
    }


PATHS = r"^/api/v1/(instruments|responses)/"
# Every operation of this module is checked together at its end (which were called, that
# every error was a problem document): the module runs in one process (bin/run-tests).
pytestmark = pytest.mark.serial

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application()).include(
    path_regex=PATHS
)
schema.config.generation.update(max_examples=MAX_EXAMPLES)


def _aim(case, world):
    """Half of the generated ids point at real records (the requester's own, or someone
    else's), and a non-empty instrument code is often a real one, so the fuzzing also
    reaches past the 404 and the unknown code."""

    def real(value):
        if isinstance(value, int) and not isinstance(value, bool) and value % 2 == 0:
            pool = world["ids"]["own"] if value % 4 == 0 else world["ids"]["foreign"]
            return pool[value // 4 % len(pool)]
        return value

    for name, value in list((case.path_parameters or {}).items()):
        case.path_parameters[name] = real(value)
    if isinstance(case.body, dict):
        if "dossier" in case.body:
            case.body["dossier"] = real(case.body["dossier"])
        code = case.body.get("instrument")
        if isinstance(code, str) and code and len(code) % 2 == 0:
            case.body["instrument"] = CODES[len(code) // 2 % len(CODES)]


def _fuzz(case, world, who, tally):
    _aim(case, world)
    session = world[who]
    response = case.call(headers={"X-CSRFToken": session["csrftoken"]}, cookies=session)
    tally.add(case, response)
    case.validate_response(response, checks=CHECKS)


HYPOTHESIS = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)


@schema.parametrize()
@HYPOTHESIS
def test_as_a_resident(case, world, tally):
    _fuzz(case, world, "resident", tally)


@schema.parametrize()
@HYPOTHESIS
def test_as_a_social_worker(case, world, tally):
    _fuzz(case, world, "worker", tally)
