"""The HTML error pages (400, 403, 404, 500) carry the same Content-Security-Policy and
security headers as every other page, also when the error comes from a middleware that
runs before the view (a bad Host header, a failing static file lookup), and they are
readable Dutch pages with a way home. Their look is checked in tests/browser/."""

import pytest
from django.test import Client
from whitenoise.middleware import WhiteNoiseMiddleware

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.portal import views as portal_views

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous():
    return Client(raise_request_exception=False)


@pytest.fixture
def site_policy(anonymous):
    """The header of an ordinary page: every error page must carry the same."""
    policy = anonymous.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    return policy


def assert_error_page(response, status: int, site_policy: str, heading: str) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert response["Content-Security-Policy"] == site_policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    page = response.content.decode()
    assert '<html lang="nl"' in page
    assert f">{heading}</h1>" in page
    assert 'href="/"' in page  # a way home
    assert "<script>" not in page and "style=" not in page  # nothing the policy would block
    return page


def test_404(anonymous, site_policy):
    response = anonymous.get("/bestaat-niet/")
    assert_error_page(response, 404, site_policy, "We kunnen deze pagina niet vinden")


def test_404_for_a_missing_static_file(anonymous, site_policy):
    # Served through the static-file finders in development and tests; a missing file was
    # a 500 (a finder answered None where Django's own answer an empty list).
    response = anonymous.get("/static/css/bestaat-niet.css")
    assert_error_page(response, 404, site_policy, "We kunnen deze pagina niet vinden")


def test_403(anonymous, site_policy):
    anonymous.force_login(UserFactory(role=Role.RESIDENT))
    response = anonymous.get("/werk/")
    assert_error_page(response, 403, site_policy, "Je hebt geen toegang tot deze pagina")


def test_403_for_an_expired_form(site_policy):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/account/login/", {"login": "a@b.example", "password": "x"})
    assert_error_page(response, 403, site_policy, "Dit formulier is verlopen")


def test_400_for_a_host_that_is_not_ours(anonymous, site_policy):
    """Refused by CommonMiddleware, before the view and before most middleware: this
    page had no policy while the CSP middleware came after it."""
    response = anonymous.get("/", HTTP_HOST="evil.example")
    assert_error_page(response, 400, site_policy, "Er klopt iets niet")


def test_500_in_a_view(anonymous, site_policy, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(portal_views, "pending_scan_read", broken)
    page = assert_error_page(anonymous.get("/"), 500, site_policy, "Er ging iets mis")
    assert "secret internals" not in page


def test_500_in_the_first_middleware(anonymous, site_policy, monkeypatch):
    """WhiteNoise runs before sessions, authentication and the view."""

    def broken(self, request):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(WhiteNoiseMiddleware, "__call__", broken)
    page = assert_error_page(anonymous.get("/"), 500, site_policy, "Er ging iets mis")
    assert "secret internals" not in page
