"""The one way a form sends a request for help: a one-time token and a limit per address.
The "talk about this" form of a self-scan goes through it (apps/questionnaires/tests/
test_talk.py walks that form); here the rules themselves."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError

from apps.core import request_context
from apps.dossiers import help_requests


@pytest.fixture
def session():
    return SessionStore()


def from_address(address):
    return request_context.acting(request_context.RequestContext(ip_address=address))


def test_a_token_sends_once(session):
    token = help_requests.help_request_token_issue(session=session)
    sent = []
    assert (
        help_requests.help_request_send(
            session=session, token=token, send=lambda: sent.append(1) or "request"
        )
        == "request"
    )
    with pytest.raises(help_requests.AlreadySent):
        help_requests.help_request_send(session=session, token=token, send=lambda: sent.append(2))
    assert sent == [1]


@pytest.mark.parametrize("token", [None, "", "made-up", ["list"], 7])
def test_a_token_this_session_never_got_has_expired(session, token):
    help_requests.help_request_token_issue(session=session)
    with pytest.raises(ValidationError) as refused:
        help_requests.help_request_send(session=session, token=token, send=lambda: "request")
    assert refused.value.code == "expired"


def test_a_refused_request_leaves_the_token_usable(session):
    token = help_requests.help_request_token_issue(session=session)

    def refuse():
        raise ValidationError("no way to reach them", code="invalid")

    with pytest.raises(ValidationError):
        help_requests.help_request_send(session=session, token=token, send=refuse)
    assert help_requests.help_request_send(session=session, token=token, send=lambda: "ok") == "ok"


def test_the_latest_tokens_are_kept_for_several_open_forms(session):
    tokens = [
        help_requests.help_request_token_issue(session=session)
        for _ in range(help_requests.TOKENS_KEPT + 1)
    ]
    with pytest.raises(ValidationError):
        help_requests.help_request_send(session=session, token=tokens[0], send=lambda: "x")
    assert help_requests.help_request_send(session=session, token=tokens[1], send=lambda: "x")


def test_an_address_sends_its_share_per_hour_and_others_go_on(session):
    def send_one():
        token = help_requests.help_request_token_issue(session=session)
        return help_requests.help_request_send(session=session, token=token, send=lambda: "sent")

    with from_address("192.0.2.1"):
        for _ in range(help_requests.REQUESTS_PER_HOUR):
            assert send_one() == "sent"
        with pytest.raises(ValidationError) as refused:
            send_one()
        assert refused.value.code == "too_many"
    with from_address("192.0.2.2"):
        assert send_one() == "sent"


def test_only_requests_really_sent_count(session):
    def refuse():
        raise ValidationError("typing error")

    with from_address("192.0.2.3"):
        for _ in range(help_requests.REQUESTS_PER_HOUR + 3):
            token = help_requests.help_request_token_issue(session=session)
            with pytest.raises(ValidationError):
                help_requests.help_request_send(session=session, token=token, send=refuse)
        token = help_requests.help_request_token_issue(session=session)
        assert help_requests.help_request_send(session=session, token=token, send=lambda: "x")
