"""PostgreSQL restarted mid-run: the next request succeeds.

To the app a restart is this: the connections it keeps open (CONN_MAX_AGE) are closed by
the server. The app runs under gunicorn, as in production. The first test ends the app's
connections to the test database with pg_terminate_backend (on that database only: the
shared server is never restarted); the second really restarts a private PostgreSQL server
of its own, in a temporary directory. CONN_HEALTH_CHECKS makes Django notice the dead
connection at the start of the next request and open a new one.
"""

import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from apps.core.tests.outage import free_port
from tests.failures.processes import child_environment, database_url

pytestmark = pytest.mark.usefixtures("needs_postgresql")

DEADLINE_SECONDS = 30


class WebServer:
    """gunicorn with one sync worker: one process, one kept database connection."""

    def __init__(self, log_path: Path, database: str):
        self.port = free_port()
        environment = child_environment(
            DJANGO_SETTINGS_MODULE="config.settings.test",
            DATABASE_URL=database,
            REDIS_URL=None,
            DATABASE_CONN_MAX_AGE=None,
        )
        self.log_path = log_path
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "gunicorn"),
                    "config.wsgi",
                    "--bind", f"127.0.0.1:{self.port}",
                    "--workers", "1",
                ],
                cwd=settings.BASE_DIR,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + DEADLINE_SECONDS
        while self.get("/healthz", allow_errors=True) is None:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"gunicorn did not start\n{self.log()}")
            time.sleep(0.05)

    def get(self, path: str, cookies: str = "", allow_errors: bool = False) -> int | None:
        """The status of a GET; None while nothing listens yet (with allow_errors)."""
        try:
            return self.fetch(path, cookies)[0]
        except OSError:
            if allow_errors:
                return None
            raise

    def fetch(self, path: str, cookies: str = "") -> tuple[int, bytes]:
        request = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            request.request("GET", path, headers={"Cookie": cookies})
            response = request.getresponse()
            return response.status, response.read()
        finally:
            request.close()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def app_connections() -> set[int]:
    """Backends connected to the test's database, other than the test's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {pid for (pid,) in cursor.fetchall()}


def terminate(pids: set[int]) -> None:
    with connection.cursor() as cursor:
        for pid in pids:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + DEADLINE_SECONDS
    while app_connections() & pids:
        assert time.monotonic() < deadline, "the connections were not ended"
        time.sleep(0.05)


def postgresql_programs() -> Path:
    """Where initdb and pg_ctl are: Debian keeps them per version, off the PATH."""
    installed = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda path: int(path.parts[4])
    )
    if installed:
        return installed[-1].parent
    if found := shutil.which("initdb"):
        return Path(found).parent
    raise RuntimeError("initdb is not installed: apt-get install postgresql (.ci/run does)")


class PrivateCluster:
    """A PostgreSQL server of the test's own (initdb + pg_ctl) on a free port. The server
    refuses to run as root, so as root it runs as the postgres user."""

    def __init__(self, directory: Path):
        """`directory` must be reachable by the postgres user (not under pytest's tmp_path,
        which only its owner may enter)."""
        self.bin = postgresql_programs()
        self.directory = directory
        self.port = free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(directory, "postgres")
        self.run("initdb", "-D", str(directory / "data"), "-A", "trust", "-U", "postgres",
                 "--no-sync")  # fmt: skip

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, program: str, *arguments: str) -> None:
        subprocess.run(
            [*self.as_user, str(self.bin / program), *arguments],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        data, log = str(self.directory / "data"), str(self.directory / "server.log")
        self.run("pg_ctl", "-D", data, "-l", log, "-o", options, "-w", action, *extra)


@pytest.fixture
def web(tmp_path):
    server = WebServer(tmp_path / "gunicorn.log", database_url(connection.settings_dict))
    yield server
    server.stop()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_next_request_after_the_connections_were_ended_succeeds(web, worker, dossier):
    browser = Client()
    browser.force_login(worker)
    cookies = (
        f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"
    )
    pages = ("/werk/", f"/werk/dossiers/{dossier.pk}/", "/")

    assert [web.get(page, cookies) for page in pages] == [200, 200, 200], web.log()
    before = app_connections()
    assert before, "the app keeps its connection between requests (CONN_MAX_AGE)"

    terminate(before)
    assert [web.get(page, cookies) for page in pages] == [200, 200, 200], web.log()
    after = app_connections()
    assert after and not (after & before), "the app opened a new connection"


def test_the_next_request_after_a_real_restart_succeeds(tmp_path):
    directory = tempfile.TemporaryDirectory(prefix="buurtkompas-postgresql-")
    cluster = PrivateCluster(Path(directory.name))
    cluster.ctl("start")
    try:
        web = WebServer(tmp_path / "gunicorn.log", cluster.url)
        try:
            # /healthz asks the database (the private server holds no tables of the app).
            assert web.fetch("/healthz")[0] == 200
            cluster.ctl("restart", "-m", "fast")
            status, body = web.fetch("/healthz")
            assert status == 200, (body, web.log())
            assert json.loads(body)["services"]["database"] == "ok"
        finally:
            web.stop()
    finally:
        cluster.ctl("stop", "-m", "immediate")
        directory.cleanup()
