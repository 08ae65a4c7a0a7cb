"""GET /api/v1/ lists the API's endpoints with their methods, and where the schema and its
documentation are. It holds no personal data, so anyone may read it."""

import pytest
import yaml
from django.core.management import call_command

from apps.dossiers.tests.api_support import API, member

pytestmark = pytest.mark.django_db


def test_anyone_may_read_it_without_a_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(f"{API}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["title"] == "Buurtkompas API"
    assert body["schema"] == "/api/schema/"
    assert body["docs"] == "/api/docs/"
    assert client.get(body["schema"]).status_code == 200
    assert client.get(body["docs"]).status_code == 200


def test_it_lists_what_the_schema_documents(client, tmp_path):
    """The same paths and methods as the OpenAPI schema, so the two cannot drift apart."""
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(target))
    documented = {
        (path, method.upper())
        for path, item in yaml.safe_load(target.read_text())["paths"].items()
        for method in item
        if path != f"{API}/"
    }
    endpoints = client.get(f"{API}/").json()["endpoints"]
    listed = {(row["url"], method) for row in endpoints for method in row["methods"]}
    assert listed == documented
    by_name = {row["name"]: row for row in endpoints}
    assert by_name["dossiers-api:referral-create"] == {
        "name": "dossiers-api:referral-create",
        "url": f"{API}/referrals/",
        "methods": ["POST"],
    }
    assert by_name["dossiers-api:dossier-detail"]["url"] == f"{API}/dossiers/{{id}}/"


def test_signed_in_it_is_the_same(client):
    anonymous = client.get(f"{API}/").json()
    client.force_login(member())
    assert client.get(f"{API}/").json() == anonymous


def test_it_only_reads(client):
    client.force_login(member())
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(f"{API}/").status_code == 405, method
