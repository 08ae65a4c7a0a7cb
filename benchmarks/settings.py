"""Settings for the benchmark: production settings on the large demo set, over plain HTTP.

gunicorn runs with DJANGO_SETTINGS_MODULE=benchmarks.settings. The database and Redis come
from BENCHMARK_DATABASE_URL and BENCHMARK_REDIS_URL, never from DATABASE_URL or REDIS_URL,
so a shell set up for development or tests cannot point the benchmark at their data.
"""

import os
from pathlib import Path

# Before anything imports config.settings.base, which reads the environment once.
_BENCHMARK_DIR = Path(__file__).resolve().parent.parent / "var" / "benchmarks"

os.environ["DATABASE_URL"] = os.environ.get(
    "BENCHMARK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bk_large"
)
os.environ["REDIS_URL"] = os.environ.get("BENCHMARK_REDIS_URL", "redis://127.0.0.1:6379/2")
# DEBUG would measure the debug machinery (query log, technical pages), not the app.
os.environ["DJANGO_DEBUG"] = "false"
os.environ["DJANGO_STATIC_MANIFEST"] = "true"
os.environ["DJANGO_STATIC_ROOT"] = str(_BENCHMARK_DIR / "static")
os.environ.setdefault("EMAIL_URL", "consolemail://")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
# The load is one user asking as fast as answers come: the API's rate limits would answer
# most of it with a 429. The benchmark measures the pages, not the limits.
for _rate in ("API_RATE_USER", "API_RATE_PARTNER", "API_RATE_REFERRALS", "API_RATE_ANONYMOUS"):
    os.environ.setdefault(_rate, "1000000/min")

# The laptop relaxations: plain HTTP on 127.0.0.1 (no HTTPS redirect, no Secure cookies)
# and the development keys. The MFA encryption key must be the one `make benchmark-seed`
# ran with: the demo TOTP secrets are stored encrypted with it.
from config.settings import local as _local  # noqa: E402, F401
from config.settings.production import *  # noqa: E402, F403

ROOT_URLCONF = "benchmarks.urls"
# Outermost, so the CPU time covers every middleware and the view.
MIDDLEWARE = ["benchmarks.middleware.ServerCpuTimingMiddleware", *MIDDLEWARE]  # noqa: F405

# The same {% static %} addresses from the same kind of manifest, without WhiteNoise's
# gzip and Brotli copies of every file: the benchmark requests no static files, and
# compressing them took about a minute of CPU before every run.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
