"""Redis that is down or hangs, for tests: real sockets and real clients, no mocks.

- `refused_port()`: a port that refuses connections at once (bound, not listening), like
  a Redis that has stopped. Holding the socket keeps anyone else from taking the port.
- `hanging_port()`: a port that accepts connections and never answers, like a Redis that
  is stuck (or a firewall that drops packets): every call waits for the socket timeout.
- `redis_cache_at(port)`: the default cache is a RedisCache at that port, with the
  production options.
- `celery_broker(url)`: tasks are published to that broker instead of running in the test.
- `RedisServer`: a private redis-server on a free port, that a test may stop and start again
  (never the shared one on 6379).
"""

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time

import redis
from django.conf import settings
from django.test import override_settings

from apps.core import outbox
from config.celery import app as celery_app


@contextlib.contextmanager
def refused_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@contextlib.contextmanager
def hanging_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        # The kernel completes the handshake for the backlog; nothing ever reads or writes.
        sock.listen(64)
        yield sock.getsockname()[1]


def redis_cache_at(port: int):
    default = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{port}/0",
        "KEY_PREFIX": settings.CACHE_KEY_PREFIX,
        "OPTIONS": settings.REDIS_CACHE_OPTIONS,
    }
    return override_settings(CACHES={**settings.CACHES, "default": default})


def _fresh_connections() -> None:
    # The app keeps its connection pool; kombu keeps one per broker address, so dropping
    # the app's reference is enough to reach another broker.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    outbox._paused_until = 0.0
    outbox._kept_here = False


@contextlib.contextmanager
def celery_broker(url: str):
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager
    conf.broker_url, conf.task_always_eager = url, False
    _fresh_connections()
    try:
        with override_settings(CELERY_BROKER_URL=url):
            yield
    finally:
        conf.broker_url, conf.task_always_eager = saved
        _fresh_connections()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own, without persistence, in a temporary directory."""

    START_DEADLINE_SECONDS = 10

    def __init__(self):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise RuntimeError(
                "redis-server is not installed: apt-get install redis-server (.ci/run does)"
            )
        self.port = free_port()
        self.directory = tempfile.TemporaryDirectory(prefix="buurtkompas-redis-")
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [
                self.binary,
                "--bind", "127.0.0.1",
                "--port", str(self.port),
                "--save", "",
                "--appendonly", "no",
                "--dir", self.directory.name,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + self.START_DEADLINE_SECONDS
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.02)
        return self

    def answers(self) -> bool:
        try:
            return self.client().ping()
        except redis.RedisError:
            return False

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def close(self) -> None:
        self.stop()
        self.directory.cleanup()
