"""The test suite. On PostgreSQL and Redis when DATABASE_URL/REDIS_URL are set."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "false")
os.environ.setdefault("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", "true")
# A fixed key for tests only: base64 of "test-settings-only-not-a-secret!".
os.environ.setdefault("MFA_ENCRYPTION_KEY", "dGVzdC1zZXR0aW5ncy1vbmx5LW5vdC1hLXNlY3JldCE=")
os.environ.setdefault("DJANGO_STATIC_FROM_FINDERS", "true")
os.environ.setdefault("CACHE_KEY_PREFIX", "buurtkompas-test")
# Tests run in parallel (pytest-xdist). Each test empties the cache, which on Redis empties
# the whole database: every worker gets a Redis database of its own (gw0 the one in
# REDIS_URL, gw1 the next, ...), as pytest-django gives each its own test database.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and os.environ.get("REDIS_URL"):
    _base, _, _db = os.environ["REDIS_URL"].rpartition("/")
    if _db.isdigit():
        os.environ["REDIS_URL"] = f"{_base}/{int(_db) + int(_worker[2:])}"
os.environ.setdefault("EMAIL_URL", "memorymail://")
# No network in tests: addresses get coordinates from the offline double, and the map shows
# a plain tile of our own instead of fetching base map tiles.
os.environ.setdefault("GEOCODER_BACKEND", "apps.core.geocoding.OfflineGeocoder")
os.environ.setdefault("MAP_TILE_URL", "/static/img/map-tile-offline.svg")
os.environ.setdefault("MAP_TILE_ATTRIBUTION", "")
if "DJANGO_PRIVATE_MEDIA_ROOT" not in os.environ:
    # Uploaded attachments of a test run go to a directory of their own, removed at exit.
    os.environ["DJANGO_PRIVATE_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="buurtkompas-test-")
    atexit.register(shutil.rmtree, os.environ["DJANGO_PRIVATE_MEDIA_ROOT"], ignore_errors=True)

from config.settings.base import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run in the test's own process and transaction; the broker itself is still checked
# by /healthz when REDIS_URL is set.
CELERY_TASK_ALWAYS_EAGER = True

# Django empties tables with TRUNCATE between transactional tests; the access log refuses
# TRUNCATE on PostgreSQL unless the connection says otherwise (see audit migration 0004).
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    _options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _options["options"] = f"{_options.get('options', '')} -c buurtkompas.audit_truncate=on".strip()
