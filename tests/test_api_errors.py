"""Every error under /api/ is a problem document (RFC 9457, application/problem+json),
never an HTML page: refused by DRF, by Django's URL resolver, or a failure in a view or a
middleware. Titles and details speak Dutch unless the reader chose English, and a server
error says nothing about its cause."""

import pytest
from django.test import Client

from apps.accounts.models import Role
from apps.core import request_context
from apps.core.api_index import ApiIndex
from apps.dossiers.models import IntakeRequest
from apps.dossiers.tests.api_support import API, PROBLEM, member, outsider, post_json
from apps.dossiers.tests.factories import DossierFactory

pytestmark = pytest.mark.django_db

MEMBERS = {"type", "title", "status", "detail", "instance", "code"}


def problem_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert set(body) >= MEMBERS, body
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"] and body["detail"]
    assert "<html" not in response.content.decode().lower()
    return body


@pytest.fixture
def worker():
    return member()


@pytest.fixture
def signed_in(client, worker):
    client.force_login(worker)
    return client


class TestUnknownAddresses:
    @pytest.mark.parametrize(
        "path", ["/api/", "/api/v1/nope/", "/api/v2/dossiers/", "/api/v1/dossiers/12/x/"]
    )
    @pytest.mark.parametrize("method", ["get", "post", "delete"])
    def test_any_method_gets_a_404_problem(self, client, path, method):
        body = problem_of(getattr(client, method)(path), 404)
        assert body["instance"] == path
        assert body["code"] == "not_found"
        assert body["title"] == "Niet gevonden"
        assert "/api/v1/" in body["detail"]  # where the list of addresses is

    def test_a_post_without_csrf_token_is_still_a_404_not_a_csrf_page(self):
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(member())
        problem_of(post_json(strict, "/api/v1/nope/", {"a": 1}), 404)

    def test_an_address_without_its_slash_is_named_not_redirected(self, client):
        # A redirect would turn a partner's POST into a GET and lose the referral.
        response = post_json(client, f"{API}/referrals", {"first_name": "A"})
        body = problem_of(response, 404)
        assert f"{API}/referrals/" in body["detail"]
        assert not IntakeRequest.objects.exists()
        assert "/api/v1/nope/" not in problem_of(client.get("/api/v1/nope"), 404)["detail"]

    def test_the_path_is_given_percent_encoded(self, client):
        body = problem_of(client.get("/api/v1/caf%C3%A9 x/"), 404)
        assert body["instance"] == "/api/v1/caf%C3%A9%20x/"


class TestRefusals:
    def test_401_without_credentials_says_how_to_authenticate(self, client):
        response = client.get(f"{API}/dossiers/")
        body = problem_of(response, 401)
        assert response["WWW-Authenticate"] == "Token"
        assert body["code"] == "not_authenticated"
        assert body["title"] == "Niet ingelogd"
        assert "Authorization" in body["detail"]

    def test_403_for_a_role_without_casework(self, client):
        client.force_login(outsider(Role.MANAGER))
        body = problem_of(client.get(f"{API}/dossiers/"), 403)
        assert body["code"] == "permission_denied"
        assert body["title"] == "Geen toegang"

    def test_404_is_the_same_for_absent_and_not_yours(self, signed_in):
        theirs = problem_of(signed_in.get(f"{API}/dossiers/{DossierFactory().pk}/"), 404)
        absent = problem_of(signed_in.get(f"{API}/dossiers/999999/"), 404)
        assert {**theirs, "instance": ""} == {**absent, "instance": ""}
        assert "Dossier" not in absent["detail"]  # no model names from Django's 404

    def test_405_names_the_method_and_the_allowed_ones(self, signed_in):
        response = signed_in.delete(f"{API}/dossiers/")
        body = problem_of(response, 405)
        assert body["code"] == "method_not_allowed"
        assert "DELETE" in body["detail"]
        assert "GET" in response["Allow"]

    def test_406_for_an_accept_header_the_api_cannot_answer(self, signed_in):
        body = problem_of(signed_in.get(f"{API}/dossiers/", HTTP_ACCEPT="text/html"), 406)
        assert body["code"] == "not_acceptable"

    def test_415_for_a_form_post(self, signed_in, worker):
        dossier = DossierFactory(team=worker.team_memberships.get().team)
        url = f"{API}/dossiers/{dossier.pk}/questions/"
        body = problem_of(signed_in.post(url, {"theme": "x"}), 415)
        assert body["code"] == "unsupported_media_type"
        assert "application/json" in body["detail"]


class TestBadInput:
    @pytest.fixture
    def url(self, worker):
        dossier = DossierFactory(team=worker.team_memberships.get().team)
        return f"{API}/dossiers/{dossier.pk}/questions/"

    def test_messages_per_field_under_errors(self, signed_in, url):
        body = problem_of(post_json(signed_in, url, {"theme": "no-such-theme", "x": 1}), 400)
        assert body["code"] == "invalid"
        assert set(body["errors"]) == {"theme", "x"}
        assert all(isinstance(messages, list) for messages in body["errors"].values())

    def test_a_payload_that_is_no_object_has_errors_for_the_whole(self, signed_in, url):
        response = signed_in.post(url, "[1, 2]", content_type="application/json")
        assert list(problem_of(response, 400)["errors"]) == ["non_field_errors"]

    def test_unreadable_json_says_so_without_the_parsers_words(self, signed_in, url):
        response = signed_in.post(url, "{not json", content_type="application/json")
        body = problem_of(response, 400)
        assert body["code"] == "parse_error"
        assert "errors" not in body
        assert "Expecting" not in body["detail"]  # Python's JSON decoder

    def test_english_when_the_reader_chose_english(self, signed_in, url):
        signed_in.cookies["django_language"] = "en"
        body = problem_of(post_json(signed_in, url, {"theme": "geldzaken", "extra": 1}), 400)
        assert body["title"] == "Bad request"
        assert body["errors"]["extra"] == ["Unknown field."]
        assert body["detail"].startswith("Not everything you sent is right")


class TestServerErrors:
    SECRET = "connection string postgres://app:hunter2@db"

    @pytest.fixture
    def anonymous(self):
        return Client(raise_request_exception=False)

    def boom(self, *args, **kwargs):
        raise RuntimeError(self.SECRET)

    def test_an_exception_in_an_api_view(self, anonymous, monkeypatch):
        monkeypatch.setattr(ApiIndex, "get", self.boom)
        body = problem_of(anonymous.get(f"{API}/"), 500)
        assert body["code"] == "server_error"
        assert body["title"] == "Fout op de server"
        self.assert_nothing_internal(body)

    def test_an_exception_in_a_middleware_before_any_view(self, anonymous, monkeypatch):
        monkeypatch.setattr(request_context, "from_request", self.boom)
        body = problem_of(anonymous.get(f"{API}/dossiers/"), 500)
        self.assert_nothing_internal(body)

    def test_outside_the_api_the_page_stays_html(self, anonymous, monkeypatch):
        monkeypatch.setattr(request_context, "from_request", self.boom)
        response = anonymous.get("/")
        assert response.status_code == 500
        assert response["Content-Type"].startswith("text/html")
        assert self.SECRET not in response.content.decode()

    def assert_nothing_internal(self, body):
        text = str(body)
        assert self.SECRET not in text and "RuntimeError" not in text
        assert "Traceback" not in text and ".py" not in text
