"""The anonymised sector benchmark: the export (its content, protection, schema and
checksums), the check of other organisations' exports, the comparison, and who may do what."""

import copy
import csv
import hashlib
import io
import json
from datetime import date, datetime, time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.dossiers.models import ContactMoment
from apps.dossiers.tests.factories import (
    ContactMomentFactory,
    DossierFactory,
    RegisteredQuestionFactory,
)
from apps.effects.models import StatisticsRun
from apps.effects.services import statistics_update
from apps.organisation.models import Neighbourhood, Theme
from apps.organisation.tests.factories import (
    MunicipalityFactory,
    NeighbourhoodFactory,
    TeamFactory,
    TeamMembershipFactory,
)
from apps.reports import sector_benchmark, sector_comparison, services
from apps.reports.models import BenchmarkExport, BenchmarkPeer

pytestmark = pytest.mark.django_db

PAGE = "/rapportage/sector/"
COUNT_INDICATORS = {
    "clients_reached_per_month",
    "dossiers_new",
    "dossiers_closed",
    "questions",
    "contacts",
    "self_scans",
}
YEAR = timezone.localdate().year - 1


def _at(month: int, day: int):
    return timezone.make_aware(datetime.combine(date(YEAR, month, day), time(10)))


def _committed(call, *args, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return call(*args, **kwargs)


@pytest.fixture
def organisation():
    """Eemdal (60,000 inhabitants): in the first quarter 14 contacts (7 by video) with 14
    clients, 12 questions on one theme and 3 on another."""
    eemdal = MunicipalityFactory(name="Eemdal", inhabitants=60_000)
    team = TeamFactory(name="Team Eemdal-Noord", municipality=eemdal)
    area = NeighbourhoodFactory(municipality=eemdal, kind=Neighbourhood.Kind.NEIGHBOURHOOD)
    first, second = Theme.objects.order_by("pk")[:2]
    for n in range(15):
        dossier = DossierFactory(team=team, client__neighbourhood=area, started_on=date(YEAR, 1, 2))
        RegisteredQuestionFactory(
            dossier=dossier, theme=first if n < 12 else second, registered_at=_at(1, 3)
        )
        if n < 14:
            ContactMomentFactory(
                dossier=dossier,
                mode=ContactMoment.Mode.VIDEO if n < 7 else ContactMoment.Mode.PHONE,
                occurred_at=_at(2, 1 + n),
            )
    run = statistics_update(full=True)
    assert run.status == StatisticsRun.Status.SUCCEEDED, run.error
    return {
        "eemdal": eemdal,
        "team": team,
        "themes": (first, second),
        "manager": UserFactory(role=Role.MANAGER),
        "leader": TeamMembershipFactory(team=team, user__role=Role.TEAM_LEADER).user,
    }


def _row(document, indicator, **match):
    rows = [
        row
        for row in document["rows"]
        if row["indicator"] == indicator and all(row[k] == v for k, v in match.items())
    ]
    assert len(rows) == 1, (indicator, match, rows)
    return rows[0]


# --- The export ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inhabitants", "size"),
    [
        (None, "unknown"),
        (0, "lt20k"),
        (19_999, "lt20k"),
        (20_000, "20k-50k"),
        (99_999, "50k-100k"),
        (100_000, "100k-250k"),
        (250_000, "ge250k"),
        (932_000, "ge250k"),
    ],
)
def test_municipalities_fall_in_the_cbs_size_classes(inhabitants, size):
    assert sector_benchmark.size_class(inhabitants) == size


def test_the_export_holds_protected_figures_per_quarter_and_size_class(organisation):
    document = sector_benchmark.export_document(pseudonym="Welzijn Oost", year=YEAR)
    assert document["schema_version"] == "1.0"
    assert document["organisation"] == "Welzijn Oost"
    assert document["period"] == {"start": f"{YEAR}-01", "end": f"{YEAR}-12"}
    assert document["disclosure"] == {"threshold": 10, "rounding_base": 5, "minimum_pairs": 20}
    quarter = {"period": f"{YEAR}-Q1", "size_class": "50k-100k"}
    first, second = (theme.code for theme in organisation["themes"])
    # 15 new dossiers: shown as 15; 14 contacts as 10, half of them online.
    assert _row(document, "dossiers_new", **quarter)["value"] == 15
    assert _row(document, "contacts", **quarter)["value"] == 10
    online = _row(document, "contacts_online_share", **quarter)
    assert (online["value"], online["group_size"], online["suppressed"]) == (50.0, 10, None)
    # Questions per theme: 12 shown as 10, 3 hidden.
    assert _row(document, "questions", theme=first, **quarter)["value"] == 10
    hidden = _row(document, "questions", theme=second, **quarter)
    assert (hidden["value"], hidden["group_size"], hidden["suppressed"]) == (
        None,
        None,
        "below_threshold",
    )
    assert document["rows_sha256"] == sector_benchmark.rows_checksum(document["rows"])


def test_the_export_names_no_one_and_nothing_that_points_at_a_record(organisation):
    document = sector_benchmark.export_document(pseudonym="Welzijn Oost", year=YEAR)
    text = json.dumps(document)
    for name in ("Eemdal", organisation["team"].name, organisation["eemdal"].cbs_code):
        assert name not in text
    for row in document["rows"]:
        assert set(row) == {
            "period",
            "size_class",
            "indicator",
            "theme",
            "instrument",
            "value",
            "group_size",
            "suppressed",
        }
        # No count under the threshold, and every count rounded down to a multiple of 5.
        counts = [row["group_size"]]
        if row["indicator"] in COUNT_INDICATORS:
            counts.append(row["value"])
        for count in counts:
            assert count is None or count == 0 or (count >= 10 and count % 5 == 0), row


def test_the_export_validates_against_its_own_schema_and_the_csv_says_its_version(
    organisation,
):
    document = sector_benchmark.export_document(pseudonym="Welzijn Oost", year=YEAR)
    checked, problems = sector_benchmark.problems_of(sector_benchmark.export_json(document))
    assert problems == []
    assert checked["rows"] == document["rows"]
    rows = list(csv.DictReader(io.StringIO(sector_benchmark.export_csv(document).decode())))
    assert len(rows) == len(document["rows"])
    assert {row["schema_version"] for row in rows} == {"1.0"}
    assert {row["organisation"] for row in rows} == {"Welzijn Oost"}


def test_the_same_figures_give_the_same_rows(organisation):
    first = sector_benchmark.export_document(pseudonym="Welzijn Oost", year=YEAR)
    second = sector_benchmark.export_document(pseudonym="Welzijn Oost", year=YEAR)
    assert first["rows"] == second["rows"]
    assert first["rows_sha256"] == second["rows_sha256"]


def test_a_manager_makes_an_export_and_downloads_both_files(client, organisation):
    client.force_login(organisation["manager"])
    response = _committed(
        client.post, f"{PAGE}export/", {"pseudonym": "Welzijn  Oost", "year": YEAR}
    )
    assert response.status_code == 302
    export = BenchmarkExport.objects.get()
    assert (export.status, export.pseudonym, export.year) == ("done", "Welzijn Oost", YEAR)
    downloaded = {}
    for kind, checksum in (("json", export.json_sha256), ("csv", export.csv_sha256)):
        download = client.get(f"{PAGE}export/{export.pk}.{kind}")
        assert download.status_code == 200
        downloaded[kind] = b"".join(download.streaming_content)
        assert hashlib.sha256(downloaded[kind]).hexdigest() == checksum
    assert sector_benchmark.problems_of(downloaded["json"])[1] == []
    assert (
        AccessLogEntry.objects.filter(
            action=AccessLogEntry.Action.EXPORT, object_type="reports.benchmarkexport"
        ).count()
        == 2
    )
    assert client.get(f"{PAGE}export/{export.pk}.xml").status_code == 404


@pytest.mark.parametrize(
    ("pseudonym", "year"),
    [
        ("Buurtkompas Welzijn", YEAR),  # the organisation's own name (settings)
        ("welzijn", YEAR),  # a part of it
        ("=HYPERLINK(1)", YEAR),  # a spreadsheet formula
        ("x", YEAR),  # too short
        ("Welzijn Oost", 1999),  # a year without figures
        ("Welzijn Oost", "volgend jaar"),
    ],
)
def test_a_pseudonym_that_gives_us_away_or_a_bad_year_is_refused(
    client, organisation, pseudonym, year
):
    client.force_login(organisation["manager"])
    response = client.post(f"{PAGE}export/", {"pseudonym": pseudonym, "year": year})
    assert response.status_code == 400
    assert not BenchmarkExport.objects.exists()


def test_two_exports_at_once_are_refused(organisation, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        services.benchmark_export_request(
            pseudonym="Welzijn Oost", year=YEAR, actor=organisation["manager"]
        )
        with pytest.raises(services.ReportRefused):
            services.benchmark_export_request(
                pseudonym="Welzijn Oost", year=YEAR, actor=organisation["manager"]
            )
    assert BenchmarkExport.objects.count() == 1


def test_an_export_whose_worker_died_does_not_hold_back_the_next(organisation):
    died = BenchmarkExport.objects.create(pseudonym="Welzijn Oost", year=YEAR)
    BenchmarkExport.objects.filter(pk=died.pk).update(
        status=BenchmarkExport.Status.RUNNING,
        requested_at=timezone.now() - timezone.timedelta(hours=1),
    )
    _committed(
        services.benchmark_export_request,
        pseudonym="Welzijn Oost",
        year=YEAR,
        actor=organisation["manager"],
    )
    died.refresh_from_db()
    assert died.status == BenchmarkExport.Status.FAILED
    assert BenchmarkExport.objects.exclude(pk=died.pk).get().status == BenchmarkExport.Status.DONE


def test_a_failing_export_says_so_and_keeps_no_file(organisation, monkeypatch):
    def broken(**kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(sector_benchmark, "export_document", broken)
    _committed(
        services.benchmark_export_request,
        pseudonym="Welzijn Oost",
        year=YEAR,
        actor=organisation["manager"],
    )
    export = BenchmarkExport.objects.get()
    assert export.status == BenchmarkExport.Status.FAILED
    assert export.error
    assert not export.json_file
    assert not export.csv_file


# --- Other organisations' exports -----------------------------------------------------------


@pytest.fixture
def exported(organisation) -> dict:
    return sector_benchmark.export_document(pseudonym="Welzijn Oost", year=YEAR)


def _peer(document, name: str, factor: float = 1.0) -> bytes:
    other = copy.deepcopy(document)
    other["organisation"] = name
    for row in other["rows"]:
        if row["value"] is not None and row["group_size"] is not None:
            row["value"] = round(row["value"] * factor, 2)
    other["rows_sha256"] = sector_benchmark.rows_checksum(other["rows"])
    return json.dumps(other).encode()


def _upload(client, data: bytes, name: str = "export.json"):
    return client.post(f"{PAGE}organisaties/", {"file": SimpleUploadedFile(name, data)})


def test_a_manager_adds_other_organisations_exports(client, organisation, exported):
    client.force_login(organisation["manager"])
    for name, factor in (("Welzijn Noord", 0.8), ("Buurtwerk Zuid", 1.2)):
        assert _upload(client, _peer(exported, name, factor)).status_code == 302
    assert sorted(BenchmarkPeer.objects.values_list("pseudonym", flat=True)) == [
        "Buurtwerk Zuid",
        "Welzijn Noord",
    ]
    # The same export again counts once.
    response = _upload(client, _peer(exported, "Welzijn Noord", 0.8))
    assert response.status_code == 400
    assert response.context["problems"]
    assert BenchmarkPeer.objects.count() == 2


def _broken(document, change) -> bytes:
    other = copy.deepcopy(document)
    change(other)
    return json.dumps(other).encode()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"{not json", "JSON"),
        (b"\xff\xfe\x00", "UTF-8"),
        (b"[1, 2, 3]", "object"),
        (lambda d: _broken(d, lambda o: o.update(schema_version="2.0")), "2.0"),
        (lambda d: _broken(d, lambda o: o.pop("rows_sha256")), "rows_sha256"),
        (lambda d: _broken(d, lambda o: o["rows"][0].update(value="veel")), "rows[0].value"),
        (lambda d: _broken(d, lambda o: o["rows"][0].update(client="Jan")), "rows[0]"),
        (lambda d: _broken(d, lambda o: o.update(organisation="=SUM(A1)")), "organisation"),
        (lambda d: _broken(d, lambda o: o["rows"][0].update(period="2026-Q5")), "period"),
        (lambda d: _broken(d, lambda o: o["rows"][1].update(value=99)), "CHECKSUM"),
    ],
)
def test_a_bad_export_is_refused_with_every_problem_and_nothing_is_kept(
    client, organisation, exported, data, expected
):
    client.force_login(organisation["manager"])
    data = data(exported) if callable(data) else data
    if expected == "CHECKSUM":
        with translation.override("nl"):
            expected = gettext(
                "The rows do not match their checksum: the file was changed or damaged."
            )
    response = _upload(client, data)
    assert response.status_code == 400
    problems = " ".join(response.context["problems"])
    assert expected in problems, problems
    assert not BenchmarkPeer.objects.exists()


def test_every_problem_of_a_file_is_listed(exported):
    other = copy.deepcopy(exported)
    other["rows"][0]["size_class"] = "huge"
    other["rows"][2]["indicator"] = "salaries"
    del other["period"]
    _document, problems = sector_benchmark.problems_of(json.dumps(other).encode())
    places = " ".join(problems)
    assert "rows[0].size_class" in places
    assert "rows[2].indicator" in places
    assert "period" in places


def test_a_csv_and_a_file_of_fifty_megabytes_are_refused_unread(client, organisation, exported):
    client.force_login(organisation["manager"])
    response = _upload(client, b"schema_version,organisation\n1.0,=cmd()\n", "export.csv")
    assert response.status_code == 400
    assert response.context["peer_form"].errors["file"]
    big = b" " * (50 * 1024 * 1024)
    response = _upload(client, big)
    assert response.status_code == 400
    assert "MB" in response.context["peer_form"].errors["file"][0]
    assert not BenchmarkPeer.objects.exists()


# --- The comparison --------------------------------------------------------------------------


def _rows(values: dict) -> list[dict]:
    return [
        {
            "period": f"{YEAR}-Q1",
            "size_class": "50k-100k",
            "indicator": indicator,
            "theme": None,
            "instrument": None,
            "value": value,
            "group_size": 100,
            "suppressed": None,
        }
        for indicator, value in values.items()
    ]


def test_the_sector_median_and_middle_half_are_those_of_the_peers():
    own = _rows({"contacts_online_share": 40.0})
    peers = [_rows({"contacts_online_share": value}) for value in (10.0, 20.0, 30.0, 60.0)]
    (unit, compared), *_rest = sector_comparison.compare(own, peers, None)
    online = compared[0]
    assert (unit, online.indicator, online.own) == ("share", "contacts_online_share", 40.0)
    # numpy's linear percentiles of 10, 20, 30, 60: 17.5, 25 and 37.5.
    assert online.quartiles() == (17.5, 25.0, 37.5)


def test_a_year_figure_weights_the_quarters_by_their_group_size_and_leaves_out_hidden_ones():
    first = _rows({"contacts_online_share": 10.0})[0]
    rows = [
        first,
        {**first, "period": f"{YEAR}-Q2", "value": 40.0, "group_size": 300},
        {
            **first,
            "period": f"{YEAR}-Q3",
            "value": None,
            "group_size": None,
            "suppressed": "below_threshold",
        },
    ]
    assert sector_comparison.year_value(rows, "contacts_online_share", None, None) == 32.5
    assert sector_comparison.year_value(rows, "contacts_online_share", None, "ge250k") is None


def test_with_fewer_than_three_peers_there_is_no_median():
    own = _rows({"contacts_online_share": 40.0})
    peers = [_rows({"contacts_online_share": value}) for value in (10.0, 20.0)]
    (_unit, compared), *_rest = sector_comparison.compare(own, peers, None)
    assert compared[0].quartiles() is None


def test_the_comparison_page_shows_our_export_beside_three_peers(client, organisation, exported):
    client.force_login(organisation["manager"])
    _committed(client.post, f"{PAGE}export/", {"pseudonym": "Welzijn Oost", "year": YEAR})
    for name, factor in (("Welzijn Noord", 0.5), ("Buurtwerk Zuid", 1.0), ("Sociaal West", 1.5)):
        assert _upload(client, _peer(exported, name, factor)).status_code == 302
    client.get(PAGE)  # shows and so clears the messages of the uploads
    response = client.get(f"{PAGE}vergelijken/", {"year": YEAR})
    assert response.status_code == 200
    assert response.context["peer_count"] == 3
    _chart, compared = response.context["groups"][0]
    online = next(c for c in compared if c.indicator == "contacts_online_share")
    assert online.own == 50.0
    assert online.quartiles() == (37.5, 50.0, 62.5)
    body = response.content.decode()
    for name in ("Welzijn Noord", "Buurtwerk Zuid", "Sociaal West"):
        assert name not in body
    for query in ({"year": "volgend"}, {"year": YEAR, "size_class": "huge"}, {"year": 1990}):
        assert client.get(f"{PAGE}vergelijken/", query).status_code == 400


# --- Who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.TEAM_LEADER, Role.MUNICIPALITY_VIEWER, Role.SOCIAL_WORKER])
def test_only_managers_see_export_and_compare(client, organisation, role):
    _committed(
        services.benchmark_export_request,
        pseudonym="Welzijn Oost",
        year=YEAR,
        actor=organisation["manager"],
    )
    export = BenchmarkExport.objects.get()
    client.force_login(UserFactory(role=role))
    for address in (PAGE, f"{PAGE}vergelijken/", f"{PAGE}export/{export.pk}.json"):
        assert client.get(address).status_code == 403, address
    assert client.post(f"{PAGE}export/", {"pseudonym": "X Y", "year": YEAR}).status_code == 403
    assert _upload(client, b"{}").status_code == 403
    assert BenchmarkExport.objects.count() == 1
    assert not AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).exists()


def test_the_sector_pages_read_a_fixed_number_of_queries(client, organisation, exported):
    client.force_login(organisation["manager"])
    _committed(client.post, f"{PAGE}export/", {"pseudonym": "Welzijn Oost", "year": YEAR})
    _upload(client, _peer(exported, "Welzijn Noord", 0.5))

    def queries(address, **query) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(address, query).status_code == 200
        return len(captured)

    client.get(PAGE)  # shows and so clears the messages of the uploads
    few = (queries(PAGE), queries(f"{PAGE}vergelijken/", year=YEAR))
    for n in range(6):
        _upload(client, _peer(exported, f"Organisatie {n}", 0.6 + n / 10))
        _committed(client.post, f"{PAGE}export/", {"pseudonym": "Welzijn Oost", "year": YEAR})
    assert BenchmarkPeer.objects.count() == 7
    client.get(PAGE)
    assert (queries(PAGE), queries(f"{PAGE}vergelijken/", year=YEAR)) == few
