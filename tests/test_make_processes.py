"""`make web`, `make worker` and `make beat` as a newcomer runs them (README, "The same
processes without Docker").

They run in a copy of the checkout, so the embedded SQLite database they create is not the
developer's own, with the environment of a fresh shell: PATH and HOME, and REDIS_URL only
where a test says so. `make -o setup` skips the set-up step (pip and npm install, which
need a network); the copy links the virtualenv and node_modules that step would make.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Without REDIS_URL in the test run, a Redis on this machine is tried in a database that
# the other tests do not use.
FALLBACK_REDIS_URL = "redis://127.0.0.1:6379/15"
NOT_COPIED = {".git", ".venv", "node_modules", "var", "__pycache__", ".pytest_cache", ".env"}


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    folder = tmp_path_factory.mktemp("checkout") / "buurtkompas"
    shutil.copytree(ROOT, folder, ignore=lambda _, names: NOT_COPIED & set(names))
    (folder / ".venv").symlink_to((ROOT / ".venv").resolve())
    (folder / "node_modules").symlink_to((ROOT / "node_modules").resolve())
    (folder / "var").mkdir()
    return folder


def shell_environment(home: Path, **extra: str) -> dict[str, str]:
    """A fresh shell: nothing of the test run's Django, database or Redis settings."""
    return {"PATH": os.environ["PATH"], "HOME": str(home), "LANG": "C.UTF-8", **extra}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Process:
    """A make target running in its own process group, its output in a file."""

    def __init__(self, arguments: list[str], cwd: Path, environment: dict[str, str]):
        self.log = cwd / "var" / f"{arguments[-1]}-{time.monotonic_ns()}.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                arguments,
                cwd=cwd,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output():
            assert self.process.poll() is None, f"stopped early:\n{self.output()}"
            assert time.monotonic() < deadline, f"no {text!r} after {timeout} s:\n{self.output()}"
            time.sleep(0.5)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_make_web_serves_the_embedded_default(checkout, tmp_path):
    port = free_port()
    web = Process(
        ["make", "-o", "setup", "web", f"PORT={port}"], checkout, shell_environment(tmp_path)
    )
    try:
        # Migrating a new SQLite database comes first, as compose's migrate step.
        web.wait_for(f"Listening at: http://127.0.0.1:{port}", timeout=300)
        status, body = get(f"http://127.0.0.1:{port}/healthz")
        assert status == 200, body
        assert json.loads(body) == {
            "status": "ok",
            "services": {"database": "ok", "cache": "ok", "broker": "eager"},
        }
        status, body = get(f"http://127.0.0.1:{port}/zelfscan/")
        assert status == 200
        assert "Positieve Gezondheid" in body  # loaded by load_instruments, in Dutch
    finally:
        web.stop()
    output = web.output()
    assert "gunicorn config.wsgi --bind 127.0.0.1:" in output
    assert "Set the DJANGO_SECRET_KEY" not in output
    assert (checkout / "var" / "buurtkompas.sqlite3").stat().st_size > 0


@pytest.mark.parametrize("target", ["worker", "beat"])
def test_worker_and_beat_explain_that_the_embedded_default_has_no_broker(
    checkout, tmp_path, target
):
    result = subprocess.run(
        ["make", "-o", "setup", target],
        cwd=checkout,
        env=shell_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "No REDIS_URL, so no broker" in result.stdout
    assert "REDIS_URL=redis://127.0.0.1:6379/0 make " in result.stdout
    assert "celery" not in result.stderr


@pytest.fixture(scope="module")
def redis_url():
    import redis

    url = os.environ.get("REDIS_URL") or FALLBACK_REDIS_URL
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"no Redis reachable at {url} ({error}); set REDIS_URL to run this test")
    return url


@pytest.fixture(scope="module")
def migrated_checkout(checkout, tmp_path_factory):
    """The worker's tasks read the embedded database; `make web` would have migrated it."""
    result = subprocess.run(
        [".venv/bin/python", "manage.py", "migrate", "--noinput"],
        cwd=checkout,
        env=shell_environment(tmp_path_factory.mktemp("home")),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return checkout


def test_make_worker_runs_the_tasks_web_queues_in_redis(migrated_checkout, redis_url, tmp_path):
    environment = shell_environment(tmp_path, REDIS_URL=redis_url)
    worker = Process(["make", "-o", "setup", "worker"], migrated_checkout, environment)
    try:
        worker.wait_for(" ready.", timeout=120)
        # Queued the way the web process queues it: local settings, REDIS_URL set.
        queued = subprocess.run(
            [
                ".venv/bin/python",
                "manage.py",
                "shell",
                "-c",
                "from apps.dossiers.tasks import geocode_missing_clients;"
                "print(geocode_missing_clients.delay().id)",
            ],
            cwd=migrated_checkout,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert queued.returncode == 0, queued.stderr
        task_id = queued.stdout.strip().splitlines()[-1]
        worker.wait_for(
            f"Task apps.dossiers.tasks.geocode_missing_clients[{task_id}] succeeded", timeout=60
        )
    finally:
        worker.stop()
    assert "No REDIS_URL" not in worker.output()


def test_make_beat_starts_against_redis(migrated_checkout, redis_url, tmp_path):
    # Beat prints its broker in a banner on standard output, which Python buffers when it
    # is not a terminal: unbuffered, the banner is in the log before beat is stopped.
    beat = Process(
        ["make", "-o", "setup", "beat"],
        migrated_checkout,
        shell_environment(tmp_path, REDIS_URL=redis_url, PYTHONUNBUFFERED="1"),
    )
    broker = redis_url.split("://")[1].split("/")[0]
    try:
        beat.wait_for("beat: Starting...", timeout=120)
        beat.wait_for(broker, timeout=30)
    finally:
        beat.stop()
    assert broker in beat.output()
