import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.questionnaires.services.instruments import instruments_load
from apps.questionnaires.tests.carried import carry_answers

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_dutch_is_the_default_whatever_the_browser_says(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response["Content-Language"] == "nl"
    assert '<html lang="nl"' in response.content.decode()


@pytest.mark.django_db
def test_the_language_switch_turns_the_site_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert '<html lang="en"' in page
    assert "Skip to main content" in page


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_dutch(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert client.get("/")["Content-Language"] == "nl"


def test_without_urls_the_app_is_embedded_sqlite_and_eager_celery():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings.local';"
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER,"
        " s.CACHES['default']['BACKEND'].rsplit('.', 1)[-1])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["django.db.backends.sqlite3", "True", "LocMemCache"]


def _production_env(**overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="kX9v-2pQ#w8zR4tL!m7yN3bF6hJ0cV5dG1sA@eU8iO2rT4qW9xZ",
        DJANGO_ALLOWED_HOSTS="buurtkompas.example",
        REDIS_URL="redis://127.0.0.1:6379/0",
        EMAIL_URL="smtp://mail.example:587",
        DATABASE_URL="postgres://buurtkompas@db.example:5432/buurtkompas",
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def _check(env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_production_settings_pass_the_deploy_check():
    result = _check(_production_env())
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "REDIS_URL", "EMAIL_URL", "DATABASE_URL"])
def test_production_fails_loudly_without_a_required_setting(missing):
    result = _check(_production_env(**{missing: None}))
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_debug():
    result = _check(_production_env(DJANGO_DEBUG="true"))
    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr


@pytest.mark.django_db
def test_signed_in_pages_are_never_kept_by_a_browser_or_proxy(client):
    public = client.get("/")
    assert "no-store" not in public.get("Cache-Control", "")
    client.force_login(UserFactory(role=Role.RESIDENT))
    for path in ("/", "/zelfscan/"):
        cache_control = client.get(path)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, path


@pytest.mark.django_db
def test_the_answer_to_a_posted_form_is_never_kept(client):
    # An anonymous self-scan's result comes back from a POST, with the answers in it.
    response = client.post("/zelfscan/onbekend/vragen/1/", {})
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_response_that_sets_its_own_caching_keeps_it(client):
    instruments_load()
    carry_answers(client, "positive-health-short", {"body-1": 5})
    response = client.get("/zelfscan/positive-health-short/uitslag.pdf")
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["vragen/2/", "uitslag/", "praten/"])
def test_pages_that_show_answers_kept_in_the_browser_are_never_stored(client, page):
    # A scan without an account: its pages are GETs now, with the answers in them.
    instruments_load()
    carry_answers(client, "positive-health-short", {"body-1": 5})
    response = client.get(f"/zelfscan/positive-health-short/{page}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
