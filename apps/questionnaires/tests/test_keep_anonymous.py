"""A scan made without an account, kept by the resident who then signs up or logs in."""

import json
import re

import pytest
from django.core import mail
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from apps.accounts.models import Role
from apps.accounts.tests.factories import TEST_PASSWORD, UserFactory
from apps.questionnaires.models import Response
from apps.questionnaires.selectors import self_scan_version
from apps.questionnaires.services import PENDING_SCAN_KEY, instruments_load

pytestmark = pytest.mark.django_db

SHORT = "positive-health-short"
KEEP = f"/zelfscan/{SHORT}/bewaren/"


@pytest.fixture(autouse=True)
def instruments():
    instruments_load()


def answers(value=7):
    version = self_scan_version(code=SHORT)
    return {item.code: value for item in version.items.all() if item.is_scale}


def log_in(client, user):
    return client.post("/account/login/", {"login": user.email, "password": TEST_PASSWORD})


def test_the_answers_wait_in_the_session_and_become_the_residents_on_login(client):
    kept = client.post(KEEP, {"answers": json.dumps(answers(7))})
    assert kept.status_code == 302 and kept.url == "/account/signup/"
    assert client.session[PENDING_SCAN_KEY]["answers"] == answers(7)
    assert Response.objects.count() == 0

    resident = UserFactory(role=Role.RESIDENT)
    log_in(client, resident)
    scan = Response.objects.get()
    assert (scan.respondent, scan.mode, scan.is_completed) == (resident, "self", True)
    assert not scan.shared_with_worker
    assert str(scan.overall_score) == "7.00"
    assert PENDING_SCAN_KEY not in client.session
    # Logging in again keeps nothing a second time.
    client.logout()
    log_in(client, resident)
    assert Response.objects.count() == 1


def test_a_new_account_keeps_it_once_the_e_mail_address_is_confirmed(client):
    client.post(KEEP, {"answers": json.dumps(answers(5))})
    client.post(
        "/account/signup/",
        {"email": "nieuw@example.nl", "password1": TEST_PASSWORD, "password2": TEST_PASSWORD},
    )
    assert Response.objects.count() == 0
    link = re.search(r"https?://\S+/account/confirm-email/\S+", mail.outbox[0].body).group(0)
    client.get(link.split("testserver", 1)[-1])
    client.post(link.split("testserver", 1)[-1])
    scan = Response.objects.get()
    assert scan.respondent.email == "nieuw@example.nl"
    assert str(scan.overall_score) == "5.00"


@pytest.mark.parametrize("tampered", ['{"body-1": 11}', '{"elsewhere": 3}', "[]", "not json", ""])
def test_tampered_answers_are_refused_and_nothing_waits(client, tampered):
    refused = client.post(KEEP, {"answers": tampered})
    assert refused.status_code == 400
    assert PENDING_SCAN_KEY not in client.session
    log_in(client, UserFactory(role=Role.RESIDENT))
    assert Response.objects.count() == 0


def test_a_logged_in_resident_keeps_it_at_once(client):
    resident = UserFactory(role=Role.RESIDENT)
    client.force_login(resident)
    kept = client.post(KEEP, {"answers": json.dumps(answers(6))})
    scan = Response.objects.get()
    assert kept.url == f"/zelfscan/mijn/{scan.pk}/"
    assert scan.respondent == resident


def test_a_worker_logging_in_does_not_get_the_scan(client):
    client.post(KEEP, {"answers": json.dumps(answers())})
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    client.force_login(worker)
    assert Response.objects.count() == 0
    assert PENDING_SCAN_KEY not in client.session


def test_answers_that_waited_too_long_are_dropped(client):
    client.post(KEEP, {"answers": json.dumps(answers())})
    session = client.session
    session[PENDING_SCAN_KEY]["held_at"] = "2020-01-01T00:00:00+00:00"
    session.save()
    log_in(client, UserFactory(role=Role.RESIDENT))
    assert Response.objects.count() == 0


def test_a_changed_version_is_refused_with_a_message(client):
    client.post(KEEP, {"answers": json.dumps(answers())})
    session = client.session
    session[PENDING_SCAN_KEY]["version"] = 99
    session.save()
    page = log_in(client, UserFactory(role=Role.RESIDENT))
    assert page.status_code == 302
    assert Response.objects.count() == 0
    home = client.get(page.url)
    with translation.override("nl"):
        message = gettext("The questions changed in the meantime, so your scan could not be kept.")
    assert escape(message) in home.content.decode()
