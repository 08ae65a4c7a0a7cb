"""The reports API: published municipality reports' metadata and the sector benchmark
exports, with the policy of the pages, a fixed number of queries per page, and the
hand-out of an export document in the access log."""

import json
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.dossiers.tests.api_support import API
from apps.organisation.tests.factories import (
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    TeamMembershipFactory,
)
from apps.reports import sector_benchmark
from apps.reports.models import BenchmarkExport, MunicipalityReport

pytestmark = pytest.mark.django_db

REPORTS = f"{API}/municipality-reports/"
EXPORTS = f"{API}/benchmark-exports/"


def _published(municipality, month: int, version: int = 1, **fields):
    return MunicipalityReport.objects.create(
        municipality=municipality,
        period_start=date(2025, month, 1),
        period_end=date(2025, month, 1),
        version=version,
        status=MunicipalityReport.Status.PUBLISHED,
        file="municipality/report.pdf",
        checksum="a" * 64,
        published_at=timezone.now(),
        page_count=12,
        file_size=100_000,
        **fields,
    )


@pytest.fixture
def reports():
    eemdal, lekstede = MunicipalityFactory(name="Eemdal"), MunicipalityFactory(name="Lekstede")
    viewer = UserFactory(role=Role.MUNICIPALITY_VIEWER)
    MunicipalityMembershipFactory(municipality=eemdal, user=viewer)
    return {
        "eemdal": eemdal,
        "first": _published(eemdal, 1),
        "correction": _published(eemdal, 1, version=2, changes="Maart was te laag."),
        "lekstede": _published(lekstede, 2),
        "draft": MunicipalityReport.objects.create(
            municipality=eemdal, period_start=date(2025, 3, 1), period_end=date(2025, 3, 1)
        ),
        "manager": UserFactory(role=Role.MANAGER),
        "viewer": viewer,
    }


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_a_manager_reads_every_published_report_and_no_draft(client, reports):
    client.force_login(reports["manager"])
    assert _ids(client.get(REPORTS)) == {
        reports["first"].pk,
        reports["correction"].pk,
        reports["lekstede"].pk,
    }
    body = client.get(f"{REPORTS}{reports['correction'].pk}/").json()
    assert body == {
        "id": reports["correction"].pk,
        "municipality": {
            "id": reports["eemdal"].pk,
            "name": "Eemdal",
            "cbs_code": reports["eemdal"].cbs_code,
        },
        "period_start": "2025-01",
        "period_end": "2025-01",
        "version": 2,
        "published_at": body["published_at"],
        "changes": "Maart was te laag.",
        "page_count": 12,
        "file_size": 100_000,
        "sha256": "a" * 64,
    }
    assert client.get(f"{REPORTS}{reports['first'].pk}/").json()["changes"] is None
    assert client.get(f"{REPORTS}{reports['draft'].pk}/").status_code == 404
    assert _ids(client.get(REPORTS, {"municipality": reports["eemdal"].pk, "version": 2})) == {
        reports["correction"].pk
    }


def test_a_municipality_viewer_reads_only_their_own_municipality(client, reports):
    client.force_login(reports["viewer"])
    assert _ids(client.get(REPORTS)) == {reports["first"].pk, reports["correction"].pk}
    assert client.get(f"{REPORTS}{reports['lekstede'].pk}/").status_code == 404
    assert client.get(f"{REPORTS}{reports['draft'].pk}/").status_code == 404
    assert client.get(EXPORTS).status_code == 403


@pytest.mark.parametrize("role", [Role.TEAM_LEADER, Role.SOCIAL_WORKER, Role.RESIDENT])
def test_others_are_refused_and_the_refusal_is_logged(client, reports, role):
    user = (
        TeamMembershipFactory(user__role=role).user
        if role != Role.RESIDENT
        else UserFactory(role=role)
    )
    client.force_login(user)
    for address in (REPORTS, f"{REPORTS}{reports['first'].pk}/", EXPORTS):
        assert client.get(address).status_code == 403
    assert AccessLogEntry.objects.filter(
        action=AccessLogEntry.Action.DENIED, actor_user_id=user.pk
    ).exists()


def test_without_credentials_the_api_says_401(client, reports):
    assert client.get(REPORTS).status_code == 401


def test_the_list_reads_a_fixed_number_of_queries(client, reports, django_assert_num_queries):
    client.force_login(reports["manager"])
    client.get(REPORTS)
    with CaptureQueriesContext(connection) as few:
        client.get(REPORTS)
    for month in range(4, 12):
        _published(reports["eemdal"], month)
    with django_assert_num_queries(len(few)):
        assert len(client.get(REPORTS).json()["results"]) == 11


def _done_export(manager) -> BenchmarkExport:
    document = {
        "schema_version": "1.0",
        "organisation": "Welzijn Oost",
        "generated_at": "2026-01-05T10:00:00+01:00",
        "period": {"start": "2025-01", "end": "2025-12"},
        "disclosure": {"threshold": 10, "rounding_base": 5, "minimum_pairs": 20},
        "rows": [],
        "rows_sha256": sector_benchmark.rows_checksum([]),
    }
    export = BenchmarkExport(
        pseudonym="Welzijn Oost",
        year=2025,
        schema_version="1.0",
        status=BenchmarkExport.Status.DONE,
        requested_by=manager,
        json_sha256="b" * 64,
        csv_sha256="c" * 64,
        row_count=0,
    )
    export.json_file.save("benchmark.json", ContentFile(sector_benchmark.export_json(document)))
    export.csv_file.save("benchmark.csv", ContentFile(sector_benchmark.export_csv(document)))
    return export


def test_a_manager_reads_the_exports_and_fetches_a_document_which_is_logged(client, reports):
    export = _done_export(reports["manager"])
    waiting = BenchmarkExport.objects.create(pseudonym="Welzijn Oost", year=2024)
    client.force_login(reports["manager"])
    assert _ids(client.get(EXPORTS)) == {export.pk, waiting.pk}
    assert _ids(client.get(EXPORTS, {"status": "done"})) == {export.pk}
    detail = client.get(f"{EXPORTS}{export.pk}/").json()
    assert (detail["pseudonym"], detail["year"], detail["json_sha256"]) == (
        "Welzijn Oost",
        2025,
        "b" * 64,
    )
    document = client.get(f"{EXPORTS}{export.pk}/document/")
    assert document.status_code == 200
    assert sector_benchmark.problems_of(json.dumps(document.json()).encode())[1] == []
    assert AccessLogEntry.objects.filter(
        action=AccessLogEntry.Action.EXPORT, object_id=str(export.pk)
    ).exists()
    assert client.get(f"{EXPORTS}{waiting.pk}/document/").status_code == 404
    assert client.get(f"{EXPORTS}999999/document/").status_code == 404
