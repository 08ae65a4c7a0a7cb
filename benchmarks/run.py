"""`make benchmark`: the casework pages under concurrent load, next to a one-query floor.

1. Prepare the benchmark database (benchmarks.settings): apply new migrations, collect the
   static files, pick the social worker and one of their dossiers.
2. Start gunicorn on 127.0.0.1 with those settings (DEBUG off, WhiteNoise, PostgreSQL,
   Redis), log in through the real login form with password and TOTP code, and ask every
   target once: a 404 means "not built yet" and skips it with a note.
3. Run locust headless: a warm-up whose figures are thrown away, then the measured run,
   all targets mixed under the same load.
4. With gunicorn stopped: time the access-log purge and the statistics computation
   (benchmarks/statistics.py: the rebuild's own aggregate queries as its floor, the full
   rebuild with its peak memory, an update after one day of new contacts).
5. Print requests, median, p95, errors and the ratios to the floor per target; write
   them to var/benchmarks/<time>.json; exit 1 when a target is missed.

Run `python -m benchmarks.run --help` for the knobs; benchmarks/README.md explains them.
"""

import argparse
import json
import os
import platform
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.stats import (
    OutputsTarget,
    PurgeTarget,
    StatisticsTarget,
    Target,
    compare,
    csrf_token,
    format_table,
    load_outputs_target,
    load_purge_target,
    load_statistics_target,
    load_targets,
    parse_locust_stats,
    with_server_cpu,
)
from benchmarks.stats import totp as totp_code

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGETS_FILE = Path(__file__).resolve().parent / "targets.toml"
RESULTS_DIR = ROOT / "var" / "benchmarks"
SETTINGS_MODULE = "benchmarks.settings"
DEMO_WORKER = "sociaalwerker@demo.buurtkompas.nl"
DEMO_TEAM_LEADER = "teamleider@demo.buurtkompas.nl"
DEMO_RESIDENT = "inwoner@demo.buurtkompas.nl"
# A realistic caseload; outside it the run still goes on, with a warning.
CASELOAD_RANGE = (50, 80)
STARTUP_TIMEOUT_SECONDS = 60

EXIT_MISSED = 1
EXIT_SETUP = 2


class SetupError(Exception):
    """The benchmark cannot run: no data set, no server, no login."""


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    try:
        return run(args)
    except SetupError as error:
        print(f"benchmark: {error}", file=sys.stderr)
        return EXIT_SETUP


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--users", type=int, default=cores * 2, help="concurrent users")
    parser.add_argument("--run-time", default="60s", help="measured run, locust syntax")
    parser.add_argument("--warmup", default="10s", help="warm-up run, thrown away")
    parser.add_argument("--workers", type=int, default=cores * 2, help="gunicorn workers")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker; above 1 uses gthread"
    )
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--email", default=DEMO_WORKER, help="the social worker to log in as")
    parser.add_argument("--targets", type=Path, default=TARGETS_FILE)
    parser.add_argument(
        "--no-purge",
        action="store_true",
        help="do not time the access-log purge (it adds and then drops one expired month)",
    )
    statistics = parser.add_mutually_exclusive_group()
    statistics.add_argument(
        "--no-statistics",
        action="store_true",
        help="do not time the statistics computation (a full rebuild takes minutes)",
    )
    statistics.add_argument(
        "--statistics-only",
        action="store_true",
        help="only the statistics computation: no server, no load, no purge",
    )
    outputs = parser.add_mutually_exclusive_group()
    outputs.add_argument(
        "--no-outputs",
        action="store_true",
        help="do not time what leaves the organisation (the municipality's PDF, the export)",
    )
    outputs.add_argument(
        "--outputs-only",
        action="store_true",
        help="only what leaves the organisation: no server, no load, no statistics",
    )
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    args.port = args.port or free_port()
    return args


def run(args: argparse.Namespace) -> int:
    targets_text = args.targets.read_text(encoding="utf-8")
    targets = load_targets(targets_text)
    purge_target = None if args.no_purge else load_purge_target(targets_text)
    statistics_target = None if args.no_statistics else load_statistics_target(targets_text)
    outputs_target = None if args.no_outputs else load_outputs_target(targets_text)
    if args.statistics_only:
        return run_statistics_only(args, statistics_target)
    if args.outputs_only:
        return run_outputs_only(args, outputs_target)
    if not (BIN / "locust").is_file():
        raise SetupError("locust is not installed: `make benchmark` installs the benchmark extra.")
    if args.users > args.workers * args.threads:
        print(
            f"Note: {args.users} users for {args.workers * args.threads} worker slots: "
            "requests will queue for a worker, and the floor then measures the queue."
        )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    run_dir = args.results / stamp
    run_dir.mkdir(parents=True, exist_ok=True)

    fixture = prepare_database(args.email)
    print_fixture(fixture)
    base_url = f"http://127.0.0.1:{args.port}"
    with gunicorn(args, log_file=run_dir / "gunicorn.log") as server:
        wait_until_up(base_url, server)
        sessions = log_in_all(base_url, args.email, targets)
        measured, skipped, refused = probe_targets(base_url, sessions, targets, fixture)
        if not any(target.floor for target in measured):
            raise SetupError("the floor does not answer 200; nothing to compare with")
        with plan_file(sessions, measured) as plan:
            print(f"Warm-up: {args.warmup} with {args.users} users (not counted).")
            run_locust(args, plan, base_url, args.warmup, run_dir / "warmup")
            print(f"Measuring: {args.run_time} with {args.users} users, all targets mixed.")
            load_before = os.getloadavg()
            cpu_before = children_cpu_seconds()
            started = time.monotonic()
            run_locust(args, plan, base_url, args.run_time, run_dir / "locust")
            wall_seconds = time.monotonic() - started
            locust_cpu = children_cpu_seconds() - cpu_before
            load_after = os.getloadavg()

    stats_file = run_dir / "locust_stats.csv"
    if not stats_file.is_file():
        raise SetupError(f"locust wrote no stats; see {run_dir}")
    results = parse_locust_stats(stats_file.read_text(encoding="utf-8"))
    cpu_file = run_dir / "locust_server_cpu.json"
    if cpu_file.is_file():
        results = with_server_cpu(results, json.loads(cpu_file.read_text(encoding="utf-8")))
    rows = compare(measured, results)
    misses = {row.result.name: row.misses for row in rows if row.misses}
    misses.update({name: (reason,) for name, reason in refused.items()})
    purge = measure_purge() if purge_target else None
    if purge and purge_target.misses(purge["seconds"]):
        misses["purge"] = tuple(purge_target.misses(purge["seconds"]))
    # Before the statistics: the PDF reads the figures the rebuild replaces.
    outputs = measure_outputs() if outputs_target else None
    if outputs and outputs_target.misses(outputs):
        misses["outputs"] = tuple(outputs_target.misses(outputs))
    statistics = measure_statistics() if statistics_target else None
    if statistics and statistics_target.misses(statistics):
        misses["statistics"] = tuple(statistics_target.misses(statistics))

    environment = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "load_average_before": [round(value, 2) for value in load_before],
        "load_average_after": [round(value, 2) for value in load_after],
        "locust_cpu_seconds": round(locust_cpu, 1),
        "locust_cpu_share_of_one_core": round(locust_cpu / wall_seconds, 2),
        "git_commit": git("rev-parse", "HEAD"),
        "git_uncommitted_changes": bool(git("status", "--porcelain")),
    }
    settings = {
        "users": args.users,
        "run_time": args.run_time,
        "warmup": args.warmup,
        "gunicorn_workers": args.workers,
        "gunicorn_threads": args.threads,
        "gunicorn_worker_class": worker_class(args.threads),
        "django_settings": SETTINGS_MODULE,
    }
    print()
    print(format_table(rows))
    print()
    print(
        f"gunicorn: {args.workers} {worker_class(args.threads)} workers"
        + (f" x {args.threads} threads" if args.threads > 1 else "")
        + f"; locust: {args.users} users, no wait; {environment['cores']} cores shared by both."
    )
    print(
        f"Load average before/after: {format_load(load_before)} / {format_load(load_after)}; "
        f"locust used {locust_cpu:.0f} s CPU in {wall_seconds:.0f} s."
    )
    for name, reason in skipped.items():
        print(f"Skipped {name}: {reason}")
    if purge:
        print_purge(purge)
    if outputs:
        print_outputs(outputs)
    if statistics:
        print_statistics(statistics)
    report_checks(
        measured,
        misses,
        purge_target if purge else None,
        statistics_target if statistics else None,
        outputs_target if outputs else None,
    )

    result_file = args.results / f"{stamp}.json"
    result_file.write_text(
        json.dumps(
            {
                "started": stamp,
                "settings": settings,
                "environment": environment,
                "fixture": fixture,
                "targets": [row.as_dict() for row in rows],
                "purge": purge,
                "outputs": outputs,
                "statistics": statistics,
                "skipped": skipped,
                "misses": {name: list(reasons) for name, reasons in misses.items()},
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"Results: {result_file}")
    return EXIT_MISSED if misses else 0


# --- Database --------------------------------------------------------------------------


def prepare_database(email: str) -> dict:
    """Migrations and static files for benchmarks.settings; the worker and their dossier."""
    import django
    from django.core.management import call_command
    from django.db import OperationalError, connections
    from django.db.migrations.executor import MigrationExecutor

    django.setup()
    from django.conf import settings

    database = settings.DATABASES["default"]
    where = f"{database['NAME']} on {database.get('HOST') or 'localhost'}"
    try:
        connections["default"].ensure_connection()
    except OperationalError as error:
        raise SetupError(
            f"cannot reach the benchmark database {where} ({error}). "
            "Create and fill it with `make benchmark-seed`."
        ) from error
    executor = MigrationExecutor(connections["default"])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        print(f"Applying {len(pending)} new migrations to {where}.")
        call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    try:
        return pick_fixture(email)
    finally:
        connections.close_all()


def pick_fixture(email: str) -> dict:
    from django.db.models import Count

    from apps.accounts.models import User
    from apps.dossiers.models import Dossier

    user = User.objects.filter(email=email).first()
    if user is None:
        raise SetupError(f"no user {email}: fill the database with `make benchmark-seed`.")
    open_dossiers = Dossier.objects.open().filter(responsible_worker=user)
    dossier = (
        open_dossiers.annotate(contact_moments_count=Count("contact_moments"))
        .order_by("-contact_moments_count", "pk")
        .values("pk", "contact_moments_count")
        .first()
    )
    if dossier is None:
        raise SetupError(f"{email} has no open dossiers: run `make benchmark-seed`.")
    return {
        "email": email,
        "open_dossiers": open_dossiers.count(),
        "dossiers_in_database": Dossier.objects.count(),
        "dossier_pk": dossier["pk"],
        "dossier_contact_moments": dossier["contact_moments_count"],
        **team_fixture(),
        **access_log_fixture(),
        **social_map_fixture(),
        **portal_fixture(),
        **learning_fixture(),
    }


def learning_fixture() -> dict:
    """The largest learning group, and a quiz step of the path the demo resident follows
    (none: their targets answer 404 and are skipped)."""
    from django.db.models import Count

    from apps.learning.models import Cohort, Enrolment, Step

    cohort = Cohort.objects.annotate(members=Count("enrolments")).order_by("-members").first()
    enrolment = (
        Enrolment.objects.filter(learner__email=DEMO_RESIDENT).select_related("path").first()
    )
    step = (
        Step.objects.filter(module__version_id=enrolment.version_id, kind=Step.Kind.QUIZ)
        .order_by("module__position", "position")
        .first()
        if enrolment
        else None
    )
    return {
        "cohort_pk": cohort.pk if cohort else 0,
        "cohort_members": cohort.members if cohort else 0,
        "learning_path_slug": enrolment.path.slug if enrolment else "none",
        "learning_step_pk": step.pk if step else 0,
    }


def portal_fixture() -> dict:
    """The demo resident's conversation with their worker, the longest of the data set, and
    a published journey (none: their targets answer 404 and are skipped)."""
    from django.db.models import Count

    from apps.portal.models import Journey, MessageThread

    thread = (
        MessageThread.objects.filter(dossier__client__account__email=DEMO_RESIDENT)
        .annotate(messages_count=Count("messages"))
        .order_by("-messages_count", "pk")
        .first()
    )
    journey = Journey.objects.published().order_by("pk").first()
    return {
        "thread_pk": thread.pk if thread else 0,
        "thread_messages": thread.messages_count if thread else 0,
        "journey_slug": journey.slug if journey else "none",
    }


def social_map_fixture() -> dict:
    """A service on the public social map (none: its targets answer 404 and are skipped)."""
    from apps.socialmap.models import Service

    service = Service.objects.filter(status=Service.Status.ACTIVE).order_by("name", "id").first()
    return {
        "service_pk": str(service.pk) if service else "none",
        "social_map_services": Service.objects.count(),
    }


def team_fixture() -> dict:
    """The demo team leader's team, next to the largest team of the data set."""
    from django.db.models import Count

    from apps.organisation.models import Team

    teams = Team.objects.annotate(dossier_count=Count("dossiers")).order_by("-dossier_count", "pk")
    largest = teams.values("pk", "name", "dossier_count").first() or {}
    led = (
        teams.filter(memberships__user__email=DEMO_TEAM_LEADER)
        .values("pk", "name", "dossier_count")
        .first()
    )
    if led is None:
        raise SetupError(f"{DEMO_TEAM_LEADER} leads no team: run `make benchmark-seed`.")
    return {
        "leader_team_pk": led["pk"],
        "leader_team": led["name"],
        "leader_team_dossiers": led["dossier_count"],
        "largest_team_dossiers": largest.get("dossier_count", 0),
    }


def access_log_fixture() -> dict:
    """The access log's size, and the dates and page position its targets ask for."""
    from django.utils import timezone

    from apps.audit.bulk_fill import table_size
    from apps.audit.pagination import Position

    today = timezone.localdate()
    size = table_size()
    return {
        "access_log_rows": size["estimated_rows"],
        "access_log_bytes": size["table_bytes"],
        "database_bytes": size["database_bytes"],
        "audit_from": (today - timedelta(days=90)).isoformat(),
        "audit_until": today.isoformat(),
        # Older than any row of a year ago: the keyset page that starts a year back.
        "audit_year_ago": Position(timezone.now() - timedelta(days=365), 2**62).token(),
    }


def print_fixture(fixture: dict) -> None:
    print(
        f"Social worker {fixture['email']}: {fixture['open_dossiers']} open dossiers "
        f"({fixture['dossiers_in_database']:,} dossiers in the database); dossier "
        f"{fixture['dossier_pk']} has {fixture['dossier_contact_moments']} contact moments."
    )
    low, high = CASELOAD_RANGE
    if not low <= fixture["open_dossiers"] <= high:
        print(f"Warning: a realistic caseload is {low}-{high} open dossiers.")
    print(
        f"Team leader {DEMO_TEAM_LEADER}: {fixture['leader_team']}, "
        f"{fixture['leader_team_dossiers']:,} dossiers; the largest team has "
        f"{fixture['largest_team_dossiers']:,}."
    )
    if fixture["leader_team_dossiers"] < fixture["largest_team_dossiers"]:
        print("Warning: the team leader's team is not the largest of the data set.")
    print(
        f"Access log: about {fixture['access_log_rows']:,} rows, "
        f"{fixture['access_log_bytes'] / 2**30:.1f} GiB with its indexes; database "
        f"{fixture['database_bytes'] / 2**30:.1f} GiB."
    )
    print(f"Social map: {fixture['social_map_services']:,} services.")
    print(f"Portal: the demo resident's conversation has {fixture['thread_messages']} messages.")


# --- The access-log purge --------------------------------------------------------------


def measure_purge() -> dict:
    """Time the nightly retention purge at this size, with one whole month to drop.

    The month just past the retention is filled first (not timed) with as many rows as a
    month of the log holds now, so every run drops one full month, as the first night
    after a month expires does. Run after the load, when nothing else holds the table.
    """
    import time as clock

    from django.conf import settings
    from django.db import connection, connections
    from django.utils import timezone

    from apps.audit import bulk_fill, partitions
    from apps.audit.services import access_log_purge_expired

    if not partitions.is_partitioned(connection):
        connections.close_all()
        raise SetupError("the access log is not partitioned (PostgreSQL, migrate first)")
    now = timezone.now()
    cutoff = now - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    month = partitions.Partition(partitions.add_months(partitions.first_of_month(cutoff), -1))
    rows = max(bulk_fill.typical_month_rows(), 1_000)
    print(f"Purge: filling {month.month:%Y-%m} (expired) with {rows:,} rows first.")
    bulk_fill.fill_month(
        month,
        begin=month.starts_at,
        end=month.ends_at,
        rows=rows,
        attach=month not in partitions.monthly_partitions(connection),
    )
    started = clock.perf_counter()
    removed = access_log_purge_expired(now=now)
    seconds = clock.perf_counter() - started
    dropped = month not in partitions.monthly_partitions(connection)
    connections.close_all()
    return {
        "seconds": round(seconds, 3),
        "rows_removed": removed,
        "month_filled": f"{month.month:%Y-%m}",
        "rows_in_that_month": rows,
        "month_dropped": dropped,
        "cutoff": cutoff.isoformat(),
    }


def print_purge(purge: dict) -> None:
    print(
        f"Purge: {purge['seconds']:.2f} s for {purge['rows_removed']:,} rows "
        f"(month {purge['month_filled']} of {purge['rows_in_that_month']:,} rows "
        f"{'dropped whole' if purge['month_dropped'] else 'NOT dropped'}; cutoff "
        f"{purge['cutoff'][:16]})."
    )


# --- The statistics --------------------------------------------------------------------


def run_statistics_only(args: argparse.Namespace, target: StatisticsTarget | None) -> int:
    """`--statistics-only`: the statistics part alone, with its result file."""
    if target is None:
        raise SetupError(f"{args.targets} has no [statistics] table")
    fixture = prepare_database(args.email)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    load_before = os.getloadavg()
    statistics = measure_statistics()
    load_after = os.getloadavg()
    misses = {"statistics": tuple(target.misses(statistics))} if target.misses(statistics) else {}
    print_statistics(statistics)
    print(f"Load average before/after: {format_load(load_before)} / {format_load(load_after)}.")
    report_checks([], misses, statistics=target)
    result_file = args.results / f"{stamp}.json"
    result_file.parent.mkdir(parents=True, exist_ok=True)
    result_file.write_text(
        json.dumps(
            {
                "started": stamp,
                "environment": {
                    "cores": os.cpu_count(),
                    "load_average_before": [round(value, 2) for value in load_before],
                    "load_average_after": [round(value, 2) for value in load_after],
                    "git_commit": git("rev-parse", "HEAD"),
                    "git_uncommitted_changes": bool(git("status", "--porcelain")),
                },
                "fixture": {"dossiers_in_database": fixture["dossiers_in_database"]},
                "statistics": statistics,
                "misses": {name: list(reasons) for name, reasons in misses.items()},
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"Results: {result_file}")
    return EXIT_MISSED if misses else 0


# --- What leaves the organisation ---------------------------------------------------------


def run_outputs_only(args: argparse.Namespace, target: OutputsTarget | None) -> int:
    """`--outputs-only`: the PDF (and later exports) alone, with its result file."""
    if target is None:
        raise SetupError(f"{args.targets} has no [outputs] table")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    prepare_database(args.email)
    outputs = measure_outputs()
    misses = {"outputs": tuple(target.misses(outputs))} if target.misses(outputs) else {}
    print_outputs(outputs)
    report_checks([], misses, outputs=target)
    args.results.mkdir(parents=True, exist_ok=True)
    result_file = args.results / f"{stamp}-outputs.json"
    result_file.write_text(
        json.dumps(
            {"started": stamp, "git_commit": git("rev-parse", "HEAD"), "outputs": outputs},
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"Results: {result_file}")
    return EXIT_MISSED if misses else 0


def measure_outputs() -> dict:
    print("Outputs: the municipality's PDF ...")
    pdf = child_part("benchmarks.outputs", "pdf")
    print("Outputs: the sector benchmark export ...")
    export = child_part("benchmarks.outputs", "export")
    print("Outputs: the social map as HSDS, exported and imported ...")
    hsds = child_part("benchmarks.outputs", "hsds")
    print("Outputs: a learning path of 100 steps imported from its file ...")
    learning = child_part("benchmarks.outputs", "learning")
    return {"pdf": pdf, "export": export, "hsds": hsds, "learning": learning}


def print_outputs(outputs: dict) -> None:
    pdf, export, hsds = outputs["pdf"], outputs["export"], outputs.get("hsds")
    print()
    learning = outputs.get("learning")
    if learning and learning.get("error"):
        print(f"Learning path import: not measured: {learning['error']}")
    elif learning:
        print(
            f"Learning path import: {learning['steps']} steps "
            f"({learning['bytes'] / 1024:.0f} KB file) in {learning['seconds']:.2f} s, "
            f"peak RSS {learning['peak_rss_mb']:.0f} MB."
        )
    if hsds and hsds.get("error"):
        print(f"Social map HSDS: not measured: {hsds['error']}")
    elif hsds:
        print(
            f"Social map HSDS, {hsds['services']:,} services "
            f"({hsds['json_bytes'] / 1024 / 1024:.1f} MB JSON): exported in "
            f"{hsds['export_seconds']:.2f} s; imported into an emptied map in "
            f"{hsds['import_seconds']:.2f} s ({hsds['import_added']:,} added, "
            f"{hsds['import_rejected']} refused); the same file again in "
            f"{hsds['reimport_seconds']:.2f} s ({hsds['reimport_unchanged']:,} unchanged); "
            f"peak RSS {hsds['peak_rss_mb']:.0f} MB."
        )
    if export.get("error"):
        print(f"Sector benchmark export: not made: {export['error']}")
    else:
        print(
            f"Sector benchmark export {export['year']}: {export['rows']:,} rows, JSON "
            f"{export['json_bytes'] / 1024:.0f} KB, CSV {export['csv_bytes'] / 1024:.0f} KB, "
            f"in {export['seconds']:.2f} s, peak RSS {export['peak_rss_mb']:.0f} MB."
        )
    if pdf.get("error"):
        print(f"Municipality PDF: not made: {pdf['error']}")
        return
    print(
        f"Municipality PDF: {pdf['municipality']}, {pdf['period']}: {pdf['pages']} pages, "
        f"{pdf['bytes'] / 1024:.0f} KB.\n"
        f"  made in {pdf['seconds']:.2f} s (median of {len(pdf['all_seconds']) - 1}; the "
        f"process's first took {pdf['first_seconds']:.2f} s, loading WeasyPrint), peak RSS "
        f"{pdf['peak_rss_mb']:.0f} MB ({pdf['rss_before_mb']:.0f} MB before)."
    )


def statistics_part(part: str) -> dict:
    """One part of benchmarks/statistics.py in a process of its own; its JSON answer."""
    return child_part("benchmarks.statistics", part)


def child_part(module: str, part: str) -> dict:
    """`python -m <module> <part>` in a process of its own; its JSON answer."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE}
    finished = subprocess.run(  # noqa: S603 (our own argument list)
        [sys.executable, "-m", module, part],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if finished.returncode != 0:
        raise SetupError(f"{module} {part!r} failed:\n{finished.stderr.strip()}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


def measure_statistics() -> dict:
    """The floor, the full rebuild and an update after one day, in this order: the floor
    reads the figures of the previous computation for its rollup steps, the update needs
    the rebuild as its last success."""
    print("Statistics: the floor (the rebuild's aggregate queries without writing) ...")
    floor = statistics_part("floor")
    print("Statistics: the full rebuild ...")
    rebuild = statistics_part("rebuild")
    print("Statistics: an update after one day of new contact moments ...")
    incremental = statistics_part("incremental")
    return {
        "floor_seconds": floor["seconds"],
        "rebuild_seconds": rebuild["seconds"],
        "rebuild_floor_ratio": round(rebuild["seconds"] / floor["seconds"], 2),
        "rebuild_peak_rss_mb": rebuild["peak_rss_mb"],
        "rebuild_rss_before_mb": rebuild["rss_before_mb"],
        "figures": rebuild["figures"],
        "months": rebuild["months"],
        "incremental_seconds": incremental["seconds"],
        "incremental_error": incremental["error"] or incremental["restore_error"],
        "incremental": incremental,
        "steps": [
            {
                "step": label,
                "floor_seconds": timing["seconds"],
                "rebuild_seconds": rebuild["steps"].get(label),
                "rows": timing["rows"],
            }
            for label, timing in floor["steps"].items()
        ],
        "delete_seconds": rebuild["steps"].get("delete"),
    }


def print_statistics(statistics: dict) -> None:
    incremental = statistics["incremental"]
    print()
    print(
        f"Statistics: {statistics['figures']:,} figures over {statistics['months']} months.\n"
        f"  floor        {statistics['floor_seconds']:8.1f} s  the rebuild's SELECT … GROUP BY, "
        "run without writing\n"
        f"  rebuild      {statistics['rebuild_seconds']:8.1f} s  statistics_update(full=True): "
        f"{statistics['rebuild_floor_ratio']:.2f}x the floor, peak RSS "
        f"{statistics['rebuild_peak_rss_mb']:.0f} MB ({statistics['rebuild_rss_before_mb']:.0f} "
        "MB before)\n"
        f"  incremental  {statistics['incremental_seconds']:8.1f} s  after "
        f"{incremental['contacts_added']:,} new contact moments (one day), "
        f"{incremental['months_computed']} month(s) computed; put back in "
        f"{incremental['restore_seconds']:.1f} s"
        + ("" if incremental["restored"] else " (figures NOT as before!)")
    )
    if statistics["incremental_error"]:
        print(f"  the update FAILED: {statistics['incremental_error']}")
    print("  step                      floor s  rebuild s      rows")
    slowest = sorted(statistics["steps"], key=lambda step: -(step["rebuild_seconds"] or 0))
    for step in slowest[:8]:
        rebuild = step["rebuild_seconds"]
        print(
            f"  {step['step']:<24}{step['floor_seconds']:8.2f}"
            f"{'-' if rebuild is None else f'{rebuild:11.2f}'}{step['rows'] or 0:10,}"
        )
    if statistics["delete_seconds"] is not None:
        print(f"  (deleting the old figures: {statistics['delete_seconds']:.2f} s)")


# --- Server ----------------------------------------------------------------------------


def worker_class(threads: int) -> str:
    return "gthread" if threads > 1 else "sync"


@contextmanager
def gunicorn(args: argparse.Namespace, *, log_file: Path) -> Iterator[subprocess.Popen]:
    """gunicorn on 127.0.0.1 with the benchmark settings, stopped by its own pid."""
    command = [
        str(BIN / "gunicorn"),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--worker-class",
        worker_class(args.threads),
        "--log-level",
        "warning",
    ]
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE}
    with log_file.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(  # noqa: S603 (our own argument list)
            command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(base_url: str, server: subprocess.Popen) -> None:
    import requests

    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SetupError("gunicorn stopped at start; see gunicorn.log in the run folder")
        try:
            if requests.get(f"{base_url}/healthz", timeout=10).status_code == 200:
                return
        except requests.RequestException:
            pass  # not listening yet, or the workers are still starting
        time.sleep(0.5)
    raise SetupError(f"gunicorn did not answer /healthz within {STARTUP_TIMEOUT_SECONDS} s")


# --- Login -----------------------------------------------------------------------------


def log_in(base_url: str, email: str) -> dict[str, str]:
    """Password (and for staff the TOTP code) through the real login form; returns the
    session's cookies.

    allauth accepts a TOTP code only once; when an earlier run just used this one, the
    next 30-second code is tried.
    """
    import requests

    from apps.accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

    session = requests.Session()
    login_url = f"{base_url}/account/login/"
    page = session.get(login_url, timeout=30)
    answer = session.post(
        login_url,
        data={
            "csrfmiddlewaretoken": csrf_token(page.text),
            "login": email,
            "password": DEMO_PASSWORD,
        },
        timeout=30,
    )
    if "/account/login/" in urlsplit(answer.url).path:
        raise SetupError(f"logging in as {email} was refused")
    # Staff give a TOTP code as the second step; a resident has none and is in already.
    code_url = answer.url if "/2fa/authenticate/" in answer.url else None
    for attempt in range(3 if code_url else 0):
        if attempt:
            time.sleep(30 - time.time() % 30 + 1)
        answer = session.post(
            code_url,
            data={
                "csrfmiddlewaretoken": csrf_token(answer.text),
                "code": totp_code(DEMO_TOTP_SECRET, at=time.time()),
            },
            timeout=30,
        )
        if "/2fa/authenticate/" not in answer.url:
            break
    else:
        if code_url:
            raise SetupError("the TOTP code was refused three times")
    # Each role lands in its own area: /werk/ for staff in casework, /rapportage/ for managers.
    landing = urlsplit(answer.url).path
    if session.get(base_url + landing, allow_redirects=False, timeout=30).status_code != 200:
        raise SetupError(f"{email} is logged in but {landing} does not answer 200")
    return session.cookies.get_dict()


def log_in_all(base_url: str, email: str, targets: list[Target]) -> dict[str, dict]:
    """Cookies per account: the run's own ("") and each target's own account.

    A target account that cannot log in (not in this data set) leaves its targets out.
    """
    sessions = {"": log_in(base_url, email)}
    for other in sorted({target.email for target in targets if target.email}):
        try:
            sessions[other] = log_in(base_url, other)
        except SetupError as error:
            print(f"Note: cannot log in as {other} ({error}); its targets are skipped.")
    return sessions


# --- Targets ---------------------------------------------------------------------------


def probe_targets(base_url, sessions, targets, fixture):
    """Ask every target once: measured targets, skipped ones (404) and refused ones."""
    import requests

    measured, skipped, refused = [], {}, {}
    for target in targets:
        path = target.path.format(**fixture)
        if target.email not in sessions:
            skipped[target.name] = f"no session for {target.email}"
            continue
        response = requests.get(
            base_url + path, cookies=sessions[target.email], allow_redirects=False, timeout=60
        )
        if response.status_code == 200:
            measured.append(replace(target, path=path))
        elif response.status_code == 404:
            skipped[target.name] = f"{path} answers 404 (not built yet?)"
            print(f"Note: skipping {target.name}: {path} answers 404.")
        else:
            refused[target.name] = f"{path} answered {response.status_code} at the start"
            print(
                f"Error: {target.name}: {path} answers {response.status_code}; not measured "
                "(gunicorn.log in the run folder has the traceback of a 500)."
            )
    return measured, skipped, refused


@contextmanager
def plan_file(sessions: dict[str, dict], targets: list[Target]) -> Iterator[Path]:
    """The locust plan (the targets with their session's cookies) in a private temporary
    file."""
    plan = {
        "targets": [
            {"name": target.name, "path": target.path, "cookies": sessions[target.email]}
            for target in targets
        ],
    }
    handle, name = tempfile.mkstemp(prefix="benchmark-plan-", suffix=".json")
    path = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(plan, file)
        yield path
    finally:
        path.unlink(missing_ok=True)


def run_locust(args, plan: Path, base_url: str, run_time: str, csv_prefix: Path) -> None:
    command = [
        str(BIN / "locust"),
        "--locustfile",
        str(Path(__file__).resolve().parent / "locustfile.py"),
        "--headless",
        "--host",
        base_url,
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.users),
        "--run-time",
        run_time,
        "--csv",
        str(csv_prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--stop-timeout",
        "10",
    ]
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "BENCHMARK_PLAN": str(plan),
        "BENCHMARK_CPU_FILE": str(csv_prefix.with_name(csv_prefix.name + "_server_cpu.json")),
    }
    log_file = csv_prefix.with_name(csv_prefix.name + ".log")
    with log_file.open("w", encoding="utf-8") as log:
        # locust exits 1 when a request failed; the stats say which, so that is no crash.
        finished = subprocess.run(  # noqa: S603 (our own argument list)
            command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, check=False
        )
    if finished.returncode not in (0, 1):
        raise SetupError(f"locust stopped with exit code {finished.returncode}; see {log_file}")
    for line in log_file.read_text(encoding="utf-8").splitlines():
        if "CPU usage" in line:
            print(f"locust: {line.strip()}")


# --- Report ----------------------------------------------------------------------------


def report_checks(
    targets,
    misses: dict[str, tuple[str, ...]],
    purge: PurgeTarget | None = None,
    statistics: StatisticsTarget | None = None,
    outputs: OutputsTarget | None = None,
) -> None:
    if outputs is not None and "outputs" not in misses:
        met = [
            f"the municipality's PDF under {outputs.max_pdf_seconds:g} s",
            f"the sector benchmark export under {outputs.max_export_seconds:g} s",
        ]
        if outputs.max_hsds_export_seconds is not None:
            met.append(
                f"the social map's HSDS export under {outputs.max_hsds_export_seconds:g} s"
                f" and import under {outputs.max_hsds_import_seconds:g} s"
            )
        if outputs.max_learning_import_seconds is not None:
            met.append(
                f"a learning path of 100 steps imported under "
                f"{outputs.max_learning_import_seconds:g} s"
            )
        print(f"Met outputs: {', '.join(met)}.")
    if purge is not None and "purge" not in misses:
        print(f"Met purge: under {purge.max_seconds:g} s.")
    if statistics is not None and "statistics" not in misses:
        print(
            f"Met statistics: rebuild <= {statistics.max_floor_ratio:g}x floor, peak RSS < "
            f"{statistics.max_rss_mb:g} MB, update after one day < "
            f"{statistics.max_incremental_seconds:g} s."
        )
    for target in targets:
        if not target.checked or target.name in misses:
            continue
        limits = []
        if target.max_p95_ms is not None:
            limits.append(f"p95 < {target.max_p95_ms:g} ms")
        if target.max_floor_ratio is not None:
            limits.append(f"median <= {target.max_floor_ratio:g}x floor")
        if target.max_cpu_floor_ratio is not None:
            limits.append(f"CPU <= {target.max_cpu_floor_ratio:g}x floor")
        print(f"Met {target.name}: {' and '.join(limits)}.")
    for name, reasons in misses.items():
        print(f"MISSED {name}: {'; '.join(reasons)}.")


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def format_load(load: tuple[float, float, float]) -> str:
    return " ".join(f"{value:.2f}" for value in load)


def git(*arguments: str) -> str:
    finished = subprocess.run(  # noqa: S603
        ["git", *arguments],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return finished.stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
