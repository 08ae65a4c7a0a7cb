"""The OpenAPI schema is valid and complete, and /api/docs/ runs under the CSP with
nothing but this site's own files."""

import re
from html.parser import HTMLParser
from io import StringIO

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db

OPERATIONS = {
    ("/api/v1/", "get"),
    ("/api/v1/instruments/", "get"),
    ("/api/v1/instruments/{code}/", "get"),
    ("/api/v1/responses/", "get"),
    ("/api/v1/responses/", "post"),
    ("/api/v1/responses/{id}/", "get"),
    ("/api/v1/clients/", "get"),
    ("/api/v1/clients/{id}/", "get"),
    ("/api/v1/dossiers/", "get"),
    ("/api/v1/dossiers/{id}/", "get"),
    ("/api/v1/dossiers/{dossier_pk}/contact-moments/", "get"),
    ("/api/v1/dossiers/{dossier_pk}/contact-moments/", "post"),
    ("/api/v1/dossiers/{dossier_pk}/questions/", "get"),
    ("/api/v1/dossiers/{dossier_pk}/questions/", "post"),
    ("/api/v1/referrals/", "post"),
    ("/api/v1/municipality-reports/", "get"),
    ("/api/v1/municipality-reports/{id}/", "get"),
    ("/api/v1/benchmark-exports/", "get"),
    ("/api/v1/benchmark-exports/{id}/", "get"),
    ("/api/v1/benchmark-exports/{id}/document/", "get"),
    ("/api/v1/social-map/services/", "get"),
    ("/api/v1/social-map/services/{id}/", "get"),
    ("/api/v1/social-map/organizations/", "get"),
    ("/api/v1/social-map/organizations/{id}/", "get"),
    ("/api/v1/social-map/locations/", "get"),
    ("/api/v1/social-map/locations/{id}/", "get"),
    ("/api/v1/learning/paths/", "get"),
    ("/api/v1/learning/paths/{slug}/", "get"),
    ("/api/v1/learning/enrolments/", "get"),
    ("/api/v1/learning/enrolments/", "post"),
    ("/api/v1/learning/enrolments/{id}/", "get"),
}
# Open to anyone, without signing in: no 403.
PUBLIC_PATHS = {
    path
    for path, _method in OPERATIONS
    if path.startswith(("/api/v1/social-map/", "/api/v1/learning/paths/"))
}


def test_the_schema_validates_without_warnings(tmp_path):
    """`manage.py spectacular --validate --fail-on-warn` fails on any warning or error."""
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    operations = {(path, method) for path, item in schema["paths"].items() for method in item}
    assert operations == OPERATIONS
    assert schema["info"]["title"] == "Buurtkompas API"
    assert set(schema["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth"}
    # Both "mode" choices keep fixed names, whatever else is added to the API.
    enums = schema["components"]["schemas"]
    assert "phone" in enums["ContactMomentModeEnum"]["enum"]
    assert set(enums["QuestionnaireResponseModeEnum"]["enum"]) == {"self", "together", "by_worker"}
    assert "self-scans" in schema["info"]["description"]


def test_every_error_is_documented_as_a_problem_document(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            errors = {code for code in responses if code[0] in "45"}
            public = path == "/api/v1/" or path in PUBLIC_PATHS
            expected = {"401", "429", "500"} if public else {"401", "403", "429", "500"}
            assert expected <= errors, (path, method)
            for code in errors:
                content = responses[code]["content"]
                assert list(content) == ["application/problem+json"], (path, method, code)
            assert "Retry-After" in responses["429"]["headers"]
            if "requestBody" in operation:
                assert {"400", "415"} <= errors
    problem = schema["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail", "instance", "code"}
    assert "errors" in problem["properties"]


def test_the_schema_is_served_without_signing_in(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert set(response.json()["paths"]) == {path for path, _method in OPERATIONS}


class _Assets(HTMLParser):
    """Every URL the page loads, every inline script or style, every style attribute."""

    def __init__(self):
        super().__init__()
        self.urls, self.inline, self._in = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.inline.append(f"style attribute on <{tag}>")
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        elif tag in ("script", "style"):
            self._in = tag
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])
        if tag == "img" and attrs.get("src"):
            self.urls.append(attrs["src"])

    def handle_data(self, data):
        if self._in and data.strip():
            self.inline.append(f"inline <{self._in}>")

    def handle_endtag(self, tag):
        self._in = None


def test_the_docs_use_only_same_origin_files_and_no_inline_code(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    # The page uses no nonce, so the policy is plain "script-src 'self'".
    assert re.search(r"script-src 'self'(;| 'nonce-)", policy)
    assert "style-src 'self'" in policy

    page = _Assets()
    page.feed(response.content.decode())
    assert page.inline == []
    assert len(page.urls) == 6  # favicon, two style sheets, two bundles, the start script
    for url in page.urls:
        # Same origin: a path on this site, no scheme, no host, no protocol-relative URL.
        assert url.startswith("/") and not url.startswith("//"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        body = b"".join(asset.streaming_content) if asset.streaming else asset.content
        assert body, url


def test_the_start_script_is_javascript_pointing_at_the_schema(client):
    html = client.get("/api/docs/").content.decode()
    (script_url,) = re.findall(r'<script src="(/api/docs/\?[^"]*)"', html)
    response = client.get(script_url.replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    script = response.content.decode()
    assert "SwaggerUIBundle(" in script
    assert 'url: "/api/schema/' in script


def test_the_sidecar_files_are_collected_for_production(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", "--verbosity", "0", stdout=StringIO())
    bundle = tmp_path / "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
    assert bundle.exists()
    assert (tmp_path / "api/swagger_ui.css").exists()
