"""A scan made without an account, kept by the resident after they sign up or log in, and
only once they confirm it is theirs."""

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
from apps.questionnaires.services.instruments import instruments_load
from apps.questionnaires.services.self_scans import PENDING_SCAN_KEY
from apps.questionnaires.tests.carried import carry_answers

pytestmark = pytest.mark.django_db

SHORT = "positive-health-short"
KEEP = f"/zelfscan/{SHORT}/bewaren/"
CONFIRM = "/zelfscan/bewaren/"


@pytest.fixture(autouse=True)
def instruments():
    instruments_load()


def answers(value=7):
    version = self_scan_version(code=SHORT)
    return {item.code: value for item in version.items.all() if item.is_scale}


def keep(client, held):
    """ "Keep this result", with the scan's answers in the browser as its pages put them."""
    carry_answers(client, SHORT, held)
    return client.post(KEEP)


def log_in(client, user):
    return client.post("/account/login/", {"login": user.email, "password": TEST_PASSWORD})


def dutch(text):
    with translation.override("nl"):
        return escape(gettext(text))


def test_the_answers_wait_until_the_resident_confirms_they_are_theirs(client):
    kept = keep(client, json.dumps(answers(7)))
    assert kept.status_code == 302
    assert kept.url == "/account/signup/?next=%2Fzelfscan%2Fbewaren%2F"
    assert client.session[PENDING_SCAN_KEY]["answers"] == answers(7)

    resident = UserFactory(role=Role.RESIDENT)
    log_in(client, resident)
    # Logging in keeps nothing by itself: the home page asks.
    assert Response.objects.count() == 0
    home = client.get("/").content.decode()
    assert CONFIRM in home
    question = client.get(CONFIRM)
    assert question.status_code == 200
    assert question.context["pending"]["code"] == SHORT

    confirmed = client.post(CONFIRM, {"keep": "yes"})
    scan = Response.objects.get()
    assert confirmed.url == f"/zelfscan/mijn/{scan.pk}/"
    assert (scan.respondent, scan.mode, scan.is_completed) == (resident, "self", True)
    assert not scan.shared_with_worker
    assert str(scan.overall_score) == "7.00"
    assert PENDING_SCAN_KEY not in client.session
    # A second confirmation (a double click) keeps nothing more.
    again = client.post(CONFIRM, {"keep": "yes"})
    assert again.status_code == 302 and Response.objects.count() == 1


def test_someone_else_on_the_same_computer_can_throw_it_away(client):
    keep(client, json.dumps(answers()))
    log_in(client, UserFactory(role=Role.RESIDENT))
    thrown = client.post(CONFIRM, {"keep": "no"})
    assert thrown.status_code == 302
    assert Response.objects.count() == 0
    assert PENDING_SCAN_KEY not in client.session


def test_a_new_account_finds_the_question_after_confirming_the_e_mail_address(client):
    keep(client, json.dumps(answers(5)))
    client.post(
        "/account/signup/",
        {"email": "nieuw@example.nl", "password1": TEST_PASSWORD, "password2": TEST_PASSWORD},
    )
    link = re.search(r"https?://\S+/account/confirm-email/\S+", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[-1]
    client.post(path)
    assert Response.objects.count() == 0
    client.post(CONFIRM, {"keep": "yes"})
    scan = Response.objects.get()
    assert scan.respondent.email == "nieuw@example.nl"
    assert str(scan.overall_score) == "5.00"


@pytest.mark.parametrize(
    "tampered", ['{"body-1": 11}', '{"elsewhere": 3}', "[]", "not json", "", "[" * 100_000]
)
def test_tampered_answers_are_refused_and_nothing_waits(client, tampered):
    refused = keep(client, tampered)
    assert refused.status_code == 400
    assert PENDING_SCAN_KEY not in client.session


def test_a_logged_in_resident_is_asked_at_once(client):
    resident = UserFactory(role=Role.RESIDENT)
    client.force_login(resident)
    kept = keep(client, json.dumps(answers(6)))
    assert kept.url == CONFIRM
    client.post(CONFIRM, {"keep": "yes"})
    assert Response.objects.get().respondent == resident


def test_a_worker_cannot_keep_it_and_it_is_dropped(client):
    keep(client, json.dumps(answers()))
    client.force_login(UserFactory(role=Role.SOCIAL_WORKER))
    refused = client.post(CONFIRM, {"keep": "yes"})
    assert refused.status_code == 302
    assert Response.objects.count() == 0
    assert PENDING_SCAN_KEY not in client.session


def test_without_login_the_question_sends_you_to_log_in(client):
    keep(client, json.dumps(answers()))
    asked = client.get(CONFIRM)
    assert asked.url.startswith("/account/login/")
    assert PENDING_SCAN_KEY in client.session


def test_answers_that_waited_too_long_are_dropped(client):
    keep(client, json.dumps(answers()))
    session = client.session
    session[PENDING_SCAN_KEY]["held_at"] = "2020-01-01T00:00:00+00:00"
    session.save()
    client.force_login(UserFactory(role=Role.RESIDENT))
    assert CONFIRM not in client.get("/").content.decode()
    assert PENDING_SCAN_KEY not in client.session
    client.post(CONFIRM, {"keep": "yes"})
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    "broken",
    [
        {"version": "x"},
        {"answers": None},
        {"code": None},
        {"held_at": "2026-01-01T10:00:00"},  # a time without its zone
        {"held_at": 12},
    ],
)
def test_a_damaged_session_entry_is_dropped_not_a_500(client, broken):
    keep(client, json.dumps(answers()))
    session = client.session
    session[PENDING_SCAN_KEY] = {**session[PENDING_SCAN_KEY], **broken}
    session.save()
    client.force_login(UserFactory(role=Role.RESIDENT))
    assert client.get("/").status_code == 200
    assert client.post(CONFIRM, {"keep": "yes"}).status_code == 302
    assert Response.objects.count() == 0


def test_a_changed_version_is_refused_with_a_message(client):
    keep(client, json.dumps(answers()))
    session = client.session
    session[PENDING_SCAN_KEY]["version"] = 99
    session.save()
    client.force_login(UserFactory(role=Role.RESIDENT))
    refused = client.post(CONFIRM, {"keep": "yes"}, follow=True)
    assert Response.objects.count() == 0
    message = "The questions changed in the meantime, so your scan could not be kept."
    assert dutch(message) in refused.content.decode()


def test_a_scan_taken_out_of_use_is_dropped_from_the_question(client):
    keep(client, json.dumps(answers()))
    session = client.session
    session[PENDING_SCAN_KEY]["code"] = "no-longer-here"
    session.save()
    client.force_login(UserFactory(role=Role.RESIDENT))
    asked = client.get(CONFIRM)
    assert asked.status_code == 302
    assert PENDING_SCAN_KEY not in client.session
