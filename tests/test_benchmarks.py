"""The pure parts of the benchmark (benchmarks/stats.py), with canned input: nothing is timed."""

import pytest
from django.http import HttpResponse

from benchmarks.middleware import ServerCpuTimingMiddleware
from benchmarks.run import TARGETS_FILE
from benchmarks.stats import (
    compare,
    csrf_token,
    format_table,
    load_outputs_target,
    load_purge_target,
    load_statistics_target,
    load_targets,
    parse_locust_stats,
    server_cpu_ms,
    totp,
    with_server_cpu,
)

# The shape of locust 2.47's `<prefix>_stats.csv` (percentile columns shortened to the
# ones locust writes by default).
HEADER = (
    '"Type","Name","Request Count","Failure Count","Median Response Time",'
    '"Average Response Time","Min Response Time","Max Response Time","Average Content Size",'
    '"Requests/s","Failures/s","50%","66%","75%","80%","90%","95%","98%","99%","99.9%",'
    '"99.99%","100%"'
)
LOCUST_STATS = "\n".join(
    [
        HEADER,
        "GET,floor,400,0,12,13.1,4.2,61.0,12.0,6.67,0.00,12,14,15,16,19,24,30,38,61,61,61",
        "GET,caseload,380,0,33,36.4,20.1,190.3,41210.0,6.33,0.00,33,38,41,44,52,64,90,120,190,"
        "190,190",
        "GET,dossier,390,2,180,171.8,61.3,402.9,38001.0,6.50,0.03,180,190,200,210,230,260,290,"
        "330,400,400,400",
        ",Aggregated,1170,2,25,73.2,4.2,402.9,26300.0,19.50,0.03,25,38,120,180,210,240,280,"
        "300,400,400,400",
    ]
)

TARGETS_TOML = """
[[target]]
name = "floor"
path = "/benchmark/floor/"
floor = true

[[target]]
name = "caseload"
path = "/werk/"
max_p95_ms = 150
max_floor_ratio = 3

[[target]]
name = "dossier"
path = "/werk/dossiers/{dossier_pk}/"
max_p95_ms = 150
max_floor_ratio = 3

[[target]]
name = "map"
path = "/werk/kaart/"
"""


def test_locust_stats_give_requests_errors_median_and_p95_per_target():
    results = parse_locust_stats(LOCUST_STATS)

    assert set(results) == {"floor", "caseload", "dossier"}, "the Aggregated row is left out"
    caseload = results["caseload"]
    assert (caseload.requests, caseload.errors) == (380, 0)
    assert (caseload.median_ms, caseload.p95_ms) == (33, 64)
    assert results["dossier"].errors == 2
    assert results["floor"].requests_per_second == pytest.approx(6.67)


def test_a_target_without_requests_has_no_percentiles():
    na = ",".join(["N/A"] * 11)
    results = parse_locust_stats(f"{HEADER}\nGET,map,0,0,0,0,0,0,0,0.00,0.00,{na}\n")

    assert results["map"].requests == 0
    assert results["map"].median_ms is None
    assert results["map"].p95_ms is None


def test_ratios_are_to_the_floor_median_and_misses_name_the_target():
    targets = load_targets(TARGETS_TOML)
    rows = {row.result.name: row for row in compare(targets, parse_locust_stats(LOCUST_STATS))}

    assert rows["map"].misses == ("no requests were measured",), "in the run, not in the stats"
    assert rows["floor"].median_floor_ratio == 1
    assert rows["floor"].misses == ()
    # caseload: p95 64 ms < 150 ms and median 33 ms <= 3 x 12 ms = 36 ms.
    assert rows["caseload"].median_floor_ratio == pytest.approx(33 / 12)
    assert rows["caseload"].p95_floor_ratio == pytest.approx(64 / 12)
    assert rows["caseload"].misses == ()
    # dossier: errors, p95 260 ms and median 180 ms = 15x the floor: three misses.
    misses = rows["dossier"].misses
    assert len(misses) == 3
    assert "2 of 390 requests failed" in misses[0]
    assert "p95 260 ms is not under 150 ms" in misses[1]
    assert "15.0x" in misses[2]


def test_p95_must_be_strictly_under_the_limit_and_the_ratio_may_equal_it():
    targets = load_targets(TARGETS_TOML)
    csv = "\n".join(
        [
            HEADER,
            "GET,floor,10,0,50,50,1,1,1,1,0,50,50,50,50,50,50,50,50,50,50,50",
            "GET,caseload,10,0,150,150,1,1,1,1,0,150,150,150,150,150,150,150,150,150,150,150",
        ]
    )
    rows = {row.result.name: row for row in compare(targets, parse_locust_stats(csv))}

    assert rows["caseload"].misses == ("p95 150 ms is not under 150 ms",)


def test_table_shows_every_measured_target_with_its_figures():
    targets = load_targets(TARGETS_TOML)
    results = with_server_cpu(
        parse_locust_stats(LOCUST_STATS), {"floor": [2.0, 3.0, 9.0], "caseload": [12.0]}
    )
    table = format_table(compare(targets, results))
    lines = table.splitlines()

    assert lines[0].split() == [
        "target",
        "requests",
        "median",
        "ms",
        "p95",
        "ms",
        "errors",
        "median/floor",
        "p95/floor",
        "cpu",
        "ms",
        "cpu/floor",
    ]
    assert lines[1].split() == ["floor", "400", "12", "24", "0", "1.0x", "2.0x", "3.0", "1.0x"]
    assert lines[2].split() == ["caseload", "380", "33", "64", "0", "2.8x", "5.3x", "12.0", "4.0x"]
    assert lines[3].split()[-2:] == ["-", "-"], "no CPU samples: shown as unknown"
    assert lines[4].split() == ["map", "0", "-", "-", "0", "-", "-", "-", "-"]


@pytest.mark.parametrize(
    ("header", "cpu"),
    [
        ("cpu;dur=12.5", 12.5),
        ('db;dur=3, cpu;desc="worker";dur=7', 7.0),
        ("cpu;dur=abc", None),
        ("db;dur=3", None),
        ("", None),
    ],
)
def test_server_cpu_is_read_from_the_server_timing_header(header, cpu):
    assert server_cpu_ms(header) == cpu


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[[target]]\nname = "a"\npath = "/"\n', "exactly one target must be the floor"),
        (
            '[[target]]\nname = "a"\npath = "/"\nfloor = true\n'
            '[[target]]\nname = "a"\npath = "/b/"\n',
            "unique",
        ),
        (
            '[[target]]\nname = "a"\npath = "/"\nfloor = true\nmax_p95_ms = 5\n',
            "the floor is the yardstick",
        ),
        (
            '[[target]]\nname = "a"\npath = "/"\nfloor = true\nemail = "x@example.nl"\n',
            "the floor is measured with the run's own account",
        ),
    ],
)
def test_bad_target_files_are_refused(toml, message):
    with pytest.raises(ValueError, match=message):
        load_targets(toml)


def test_a_target_may_name_its_own_account_and_the_purge_has_a_limit():
    text = TARGETS_TOML + (
        '[[target]]\nname = "log"\npath = "/werk/toegangslog/"\n'
        'email = "beheerder@example.nl"\nmax_p95_ms = 150\n'
        "[purge]\nmax_seconds = 5\n"
    )
    targets = {target.name: target for target in load_targets(text)}
    purge = load_purge_target(text)

    assert targets["log"].email == "beheerder@example.nl"
    assert targets["caseload"].email == ""
    assert purge.max_seconds == 5
    assert purge.misses(4.99) == []
    assert purge.misses(5.0) == ["the purge took 5.00 s, not under 5 s"]
    assert load_purge_target(TARGETS_TOML) is None


def test_the_shipped_target_file_has_the_issue_targets():
    text = TARGETS_FILE.read_text()
    targets = {target.name: target for target in load_targets(text)}
    for name in ("access_log", "access_log_search"):
        assert targets[name].max_p95_ms == 150
        assert targets[name].email == "beheerder@demo.buurtkompas.nl"
        assert targets[name].path.startswith("/werk/toegangslog/")
    assert "{audit_from}" in targets["access_log_search"].path
    assert load_purge_target(text).max_seconds == 5

    assert targets["floor"].floor
    for name in ("caseload", "dossier"):
        assert targets[name].max_p95_ms == 150
        assert targets[name].max_floor_ratio == 3
    assert targets["map"].path == "/werk/kaart/"
    assert targets["dossier_api"].path == "/api/v1/dossiers/"

    reports = [
        target
        for target in targets.values()
        if target.path.startswith("/rapportage/") and target.name != "report_without_figures"
    ]
    # Every report page as the manager, and the overview as the other readers of reports.
    from apps.reports.subjects import SUBJECTS

    as_manager = [t.path for t in reports if t.email == "manager@demo.buurtkompas.nl"]
    assert sorted(as_manager) == sorted(["/rapportage/"] + [f"/rapportage/{s}/" for s in SUBJECTS])
    others = {t.email for t in reports if t.email != "manager@demo.buurtkompas.nl"}
    assert others == {"teamleider@demo.buurtkompas.nl", "gemeente@demo.buurtkompas.nl"}
    for target in reports:
        assert (target.max_p95_ms, target.max_floor_ratio) == (150, 3)
    # A page without figures is measured for comparison only.
    without_figures = targets["report_without_figures"]
    assert (without_figures.max_p95_ms, without_figures.max_floor_ratio) == (None, None)
    assert "start=2001-01" in without_figures.path

    statistics = load_statistics_target(text)
    assert (
        statistics.max_floor_ratio,
        statistics.max_rss_mb,
        statistics.max_incremental_seconds,
    ) == (2, 300, 5)
    outputs = load_outputs_target(text)
    assert (outputs.max_pdf_seconds, outputs.max_export_seconds) == (3, 30)
    assert (outputs.max_hsds_export_seconds, outputs.max_hsds_import_seconds) == (10, 30)


STATISTICS_TOML = (
    "[statistics]\nmax_floor_ratio = 2\nmax_rss_mb = 300\nmax_incremental_seconds = 5\n"
)


def test_the_statistics_targets_are_checked_on_all_three_figures():
    target = load_statistics_target(STATISTICS_TOML)
    met = {
        "floor_seconds": 40.0,
        "rebuild_seconds": 80.0,
        "rebuild_peak_rss_mb": 299.0,
        "incremental_seconds": 4.99,
    }
    assert target.misses(met) == []
    missed = {
        "floor_seconds": 40.0,
        "rebuild_seconds": 80.5,
        "rebuild_peak_rss_mb": 300.0,
        "incremental_seconds": 5.0,
    }
    assert target.misses(missed) == [
        "the rebuild took 80.5 s, 2.01x the floor's 40.0 s (at most 2x)",
        "the rebuild's process peaked at 300 MB, not under 300 MB",
        "the update after one day took 5.0 s, not under 5 s",
    ]
    failed = {**met, "incremental_error": "ProgrammingError: 7 placeholders, 6 parameters"}
    assert target.misses(failed) == [
        "the update after one day failed: ProgrammingError: 7 placeholders, 6 parameters"
    ]
    assert load_statistics_target(TARGETS_TOML) is None


def test_the_pdf_and_the_export_must_be_made_strictly_under_their_limits():
    target = load_outputs_target("[outputs]\nmax_pdf_seconds = 3\nmax_export_seconds = 30\n")
    met = {"pdf": {"seconds": 2.99}, "export": {"seconds": 29.9}}
    assert target.misses(met) == []
    assert target.misses({"pdf": {"seconds": 3.0}, "export": {"seconds": 30.0}}) == [
        "the municipality's PDF took 3.00 s, not under 3 s",
        "the sector benchmark export took 30.00 s, not under 30 s",
    ]
    assert target.misses({**met, "pdf": {"error": "no statistics computed"}}) == [
        "the municipality's PDF was not made: no statistics computed"
    ]
    assert load_outputs_target(TARGETS_TOML) is None


def test_the_social_maps_export_and_import_must_be_under_their_limits():
    target = load_outputs_target(
        "[outputs]\nmax_pdf_seconds = 3\nmax_export_seconds = 30\n"
        "max_hsds_export_seconds = 10\nmax_hsds_import_seconds = 30\n"
    )
    made = {"pdf": {"seconds": 1.0}, "export": {"seconds": 1.0}}
    hsds = {"export_seconds": 9.9, "import_seconds": 29.9, "import_rejected": 0}
    assert target.misses({**made, "hsds": hsds}) == []
    slow = {"export_seconds": 10.0, "import_seconds": 30.0, "import_rejected": 2}
    assert target.misses({**made, "hsds": slow}) == [
        "the social map's HSDS export took 10.00 s, not under 10 s",
        "the social map's HSDS import took 30.00 s, not under 30 s",
        "the HSDS import refused 2 services",
    ]
    assert target.misses({**made, "hsds": {"error": "no social map"}}) == [
        "the social map's HSDS export and import: no social map"
    ]


def test_the_statistics_floor_is_each_rebuild_step_without_its_insert():
    from apps.effects import rebuild

    for step in rebuild.steps(rebuild.Months(None)):
        assert step.select.startswith(("WITH ", "SELECT "))
        assert "INSERT" not in step.select
        # The floor runs the SELECT that both forms of the INSERT write, with its parameters.
        assert step.statement.endswith(step.select)
        assert f"FROM ({step.select}) figures" in step.numbered_statement()
        assert step.select.count("%s") == len(step.params)


@pytest.mark.parametrize(
    ("at", "code"),
    # RFC 6238, appendix B (SHA-1 secret "12345678901234567890"), last six digits.
    [(59, "287082"), (1111111109, "081804"), (1234567890, "005924"), (2000000000, "279037")],
)
def test_totp_matches_the_rfc_6238_test_vectors(at, code):
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of "12345678901234567890"

    assert totp(secret, at=at) == code


def test_totp_accepts_the_demo_secret_without_padding():
    code = totp("BUURTKOMPASDEMO2", at=1_800_000_000)

    assert len(code) == 6
    assert code.isdigit()


def test_csrf_token_is_read_from_the_form_whatever_the_attribute_order():
    page = (
        '<form method="post"><input type="hidden" value="abc&amp;123" '
        'name="csrfmiddlewaretoken"><input name="login"></form>'
    )

    assert csrf_token(page) == "abc&123"
    with pytest.raises(ValueError, match="csrfmiddlewaretoken"):
        csrf_token("<form><input name='login'></form>")


def test_the_benchmark_middleware_reports_the_request_cpu_time(rf):
    def view(request):
        sum(range(20_000))  # some CPU, so the duration is not trivially zero
        return HttpResponse("ok")

    response = ServerCpuTimingMiddleware(view)(rf.get("/"))

    cpu = server_cpu_ms(response["Server-Timing"])
    assert cpu is not None
    assert cpu >= 0


def test_a_cpu_limit_compares_the_servers_cpu_time_with_the_floors():
    targets = load_targets(
        TARGETS_TOML.replace(
            'name = "caseload"\npath = "/werk/"\n',
            'name = "caseload"\npath = "/werk/"\nmax_cpu_floor_ratio = 3\n',
        )
    )
    assert next(target for target in targets if target.name == "caseload").max_cpu_floor_ratio == 3

    def caseload_misses(cpu_ms: list[float]) -> tuple:
        results = with_server_cpu(
            parse_locust_stats(LOCUST_STATS), {"floor": [2.0, 3.0, 9.0], "caseload": cpu_ms}
        )
        return {row.result.name: row for row in compare(targets, results)}["caseload"].misses

    # The floor's median CPU time is 3 ms: 9 ms is three times it, 9.3 ms more.
    assert caseload_misses([9.0]) == ()
    assert caseload_misses([9.3]) == ("CPU 9.3 ms is 3.1x the floor's 3.0 ms (at most 3x)",)
    assert caseload_misses([]) == ("no CPU time of the floor or the page to compare",)
