"""Redis is down (the port refuses) or hangs (it accepts and never answers).

Pages, self-scans and signed-in sessions go on: sessions live in PostgreSQL. What Redis
guards (login attempts, one-time tokens, see apps/core/cache.py) refuses with a clear
Dutch message and a 503, and changes nothing. Tasks wait in the database until the broker
is back. No 500 anywhere, and no answer waits longer than one socket timeout.
"""

import time

import pytest
from django.conf import settings
from django.test import Client
from django.utils.html import escape

from apps.accounts.middleware import LAST_ACTIVITY_KEY
from apps.accounts.models import Role, User
from apps.accounts.tests.factories import TEST_PASSWORD, UserFactory, totp_code
from apps.core.models import UnsentTask
from apps.core.tests.outage import celery_broker, hanging_port, redis_cache_at, refused_port
from apps.dossiers.help_requests import help_request_token_issue
from apps.dossiers.models import IntakeRequest
from apps.organisation.models import Theme
from apps.questionnaires.models import Assignment, Instrument, Response
from apps.questionnaires.selectors import self_scan_version
from apps.questionnaires.tests.carried import carry_answers

pytestmark = pytest.mark.django_db

LOGIN = "/account/login/"
REFUSED = "Dit lukt nu even niet"
SOCKET_TIMEOUT = settings.REDIS_CACHE_OPTIONS["socket_timeout"]
PH = "positive-health"
PH_SHORT = "positive-health-short"


@pytest.fixture
def redis_down():
    with refused_port() as port, redis_cache_at(port), celery_broker(f"redis://127.0.0.1:{port}/0"):
        yield


@pytest.fixture
def redis_hanging():
    with hanging_port() as port, redis_cache_at(port), celery_broker(f"redis://127.0.0.1:{port}/0"):
        yield


@pytest.fixture
def resident(dossier):
    """The dossier's client, with an account in the portal."""
    account = UserFactory(role=Role.RESIDENT)
    dossier.client.account = account
    dossier.client.save(update_fields=["account"])
    return account


def login(client, user):
    return client.post(LOGIN, {"login": user.email, "password": TEST_PASSWORD})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def refused(response) -> bool:
    """The 503 page: it says so in Dutch, and when to try again."""
    return (
        response.status_code == 503
        and REFUSED in response.content.decode()
        and response["Retry-After"] == "60"
    )


class TestPagesGoOn:
    def test_sessions_are_kept_in_the_database_not_in_redis(self):
        # A signed-in person keeps working while Redis is down only because of this.
        assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"

    def test_a_visitor_reads_the_portal_and_the_login_page_and_fills_a_self_scan(
        self, client, redis_down, instruments
    ):
        for url in ("/", LOGIN, "/account/signup/", "/zelfscan/", f"/zelfscan/{PH}/"):
            assert client.get(url).status_code == 200, url
        version = self_scan_version(code=PH)
        first = version.dimensions.all()[0]
        codes = [item.code for item in version.items.all() if item.dimension_id == first.pk]
        step = client.post(f"/zelfscan/{PH}/vragen/1/", dict.fromkeys(codes, "7"))
        assert step.status_code == 302
        # The answers wait in the browser, not in the cache or the session.
        back = client.get(f"/zelfscan/{PH}/vragen/1/")
        assert back.context["form"].initial == dict.fromkeys(codes, 7)

    def test_a_signed_in_resident_starts_and_answers_a_scan(self, client, redis_down, instruments):
        resident = UserFactory(role=Role.RESIDENT)
        client.force_login(resident)
        assert client.get("/").status_code == 200
        started = client.post(f"/zelfscan/{PH_SHORT}/")
        assert started.status_code == 302
        scan = Response.objects.get(respondent=resident)
        assert started.url == f"/zelfscan/mijn/{scan.pk}/vragen/1/"
        assert client.get(started.url).status_code == 200

    def test_a_signed_in_worker_goes_on_with_the_workspace(
        self, client, redis_down, worker, dossier
    ):
        client.force_login(worker)
        for url in (
            "/werk/",
            f"/werk/dossiers/{dossier.pk}/",
            "/werk/dossiers/intake/",
            "/werk/kaart/",
            "/api/v1/dossiers/",
        ):
            assert client.get(url).status_code == 200, url

    def test_the_staff_idle_timeout_still_signs_out(self, client, redis_down, worker):
        # It keeps its clock in the session (the database), not in Redis.
        client.force_login(worker)
        session = client.session
        session[LAST_ACTIVITY_KEY] = int(time.time()) - settings.STAFF_IDLE_TIMEOUT_MINUTES * 60 - 5
        session.save()
        response = client.get("/werk/")
        assert response.status_code == 302
        assert response.url.startswith(LOGIN)
        assert not signed_in(client)


class TestWhatRedisGuardsIsRefused:
    """Safer than going on without the guard: residents have no second factor, so the
    login rate limit is all that stands between their password and guessing. Whoever is
    signed in already keeps working."""

    def test_login_is_refused_with_a_clear_message(self, client, redis_down):
        resident = UserFactory(role=Role.RESIDENT)
        response = login(client, resident)
        assert refused(response)
        assert not signed_in(client)

    def test_a_staff_login_halfway_is_refused_at_the_code_and_finishes_once_redis_is_back(
        self, client, worker
    ):
        assert login(client, worker).status_code == 302
        with refused_port() as port, redis_cache_at(port):
            response = client.post("/account/2fa/authenticate/", {"code": totp_code()})
            assert refused(response)
            assert not signed_in(client)
        response = client.post("/account/2fa/authenticate/", {"code": totp_code()})
        assert response.status_code == 302
        assert response.url == "/werk/"
        assert signed_in(client)

    def test_sign_up_and_password_reset_are_refused_and_nothing_is_stored(
        self, client, redis_down, mailoutbox
    ):
        users = User.objects.count()
        signup = client.post(
            "/account/signup/",
            {"email": "nieuw@example.nl", "password1": TEST_PASSWORD, "password2": TEST_PASSWORD},
        )
        assert refused(signup)
        assert User.objects.count() == users
        resident = UserFactory(role=Role.RESIDENT)
        reset = client.post("/account/password/reset/", {"email": resident.email})
        assert refused(reset)
        assert mailoutbox == []

    def test_the_talk_form_keeps_what_was_typed_and_sends_nothing(
        self, client, redis_down, worker, instruments
    ):
        version = self_scan_version(code=PH_SHORT)
        answers = {item.code: 6 for item in version.items.all() if item.is_scale}
        session = client.session
        token = help_request_token_issue(session=session)
        session.save()
        question = "Ik voel me vaak alleen, en 't huis is zo stil."
        carry_answers(client, PH_SHORT, answers)
        response = client.post(
            f"/zelfscan/{PH_SHORT}/praten/",
            {
                "theme": Theme.objects.get_or_create(
                    code="gezondheid-zorg", defaults={"name_nl": "Zorg", "name_en": "Care"}
                )[0].pk,
                "name": "Sanne van 't Hof",
                "postcode": "3811 AB",
                "contact_by": "phone",
                "phone": "06 12345678",
                "email": "",
                "question": question,
                "send": "1",
                "once": token,
            },
        )
        assert response.status_code == 503
        html = response.content.decode()
        assert "Versturen lukt nu even niet" in html
        assert escape(question) in html
        assert escape("van 't Hof") in html
        assert IntakeRequest.objects.count() == 0

    def test_the_api_reads_and_a_post_with_an_idempotency_key_is_refused_in_json(
        self, client, redis_down, instruments
    ):
        resident = UserFactory(role=Role.RESIDENT)
        client.force_login(resident)
        payload = {"instrument": PH_SHORT, "answers": {"body-1": 7}}
        keyed = client.post(
            "/api/v1/responses/", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
        )
        assert keyed.status_code == 503
        assert keyed["Content-Type"] == "application/problem+json"
        assert keyed.json()["status"] == 503
        assert Response.objects.count() == 0
        # Without a key nothing needs Redis.
        plain = client.post("/api/v1/responses/", payload, content_type="application/json")
        assert plain.status_code == 201
        assert client.get("/api/v1/responses/").status_code == 200


class TestTasksWait:
    def test_asking_a_client_for_a_scan_works_and_the_email_waits_for_the_broker(
        self,
        client,
        redis_down,
        worker,
        dossier,
        resident,
        instruments,
        mailoutbox,
        django_capture_on_commit_callbacks,
    ):
        client.force_login(worker)
        with django_capture_on_commit_callbacks(execute=True):
            asked = client.post(
                f"/werk/dossiers/{dossier.pk}/metingen/vragen/",
                {"instrument": Instrument.objects.get(code=PH_SHORT).pk, "moment": "intake"},
            )
        assert asked.status_code == 302
        assignment = Assignment.objects.get()
        unsent = UnsentTask.objects.get()
        assert (unsent.task, unsent.args) == (
            "apps.questionnaires.tasks.notify_assignment",
            [assignment.pk],
        )
        assert mailoutbox == []
        assert assignment.notified_at is None


class TestHealthCheck:
    def test_cache_and_broker_are_marked_as_errors(self, client, redis_down):
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json() == {
            "status": "error",
            "services": {"database": "ok", "cache": "error", "broker": "error"},
        }


class TestRedisHangs:
    """Not speed tests: a bound on a hang. Each call gives up after the socket timeout;
    the health check asks cache and broker at once, so it waits for one timeout, not two."""

    def test_the_health_check_answers_after_one_socket_timeout(self, client, redis_hanging):
        started = time.monotonic()
        response = client.get("/healthz")
        waited = time.monotonic() - started
        assert response.status_code == 503
        assert response.json()["services"] == {
            "database": "ok",
            "cache": "error",
            "broker": "error",
        }
        assert waited < 2 * SOCKET_TIMEOUT, waited

    def test_login_is_refused_after_one_socket_timeout(self, redis_hanging):
        client = Client()
        resident = UserFactory(role=Role.RESIDENT)
        started = time.monotonic()
        response = login(client, resident)
        waited = time.monotonic() - started
        assert refused(response)
        assert not signed_in(client)
        assert waited < 2 * SOCKET_TIMEOUT, waited
