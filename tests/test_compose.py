"""docker-compose.yml, the Dockerfile, the Makefile and the README describe the same processes.

These tests read files only; they need no database, Redis or Docker engine.
"""

import importlib.util
import json
import re
import shlex
import shutil
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
MAKEFILE = ROOT / "Makefile"
README = ROOT / "README.md"

APP_SERVICES = ("web", "worker", "beat")
# Makefile variable -> docker-compose service that runs it.
COMMANDS = {"WEB_COMMAND": "web", "WORKER_COMMAND": "worker", "BEAT_COMMAND": "beat"}
PRODUCTION_SETTINGS = "config.settings.production"


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


@pytest.fixture(scope="module")
def makefile_commands():
    text = MAKEFILE.read_text(encoding="utf-8")
    commands = {}
    for variable in COMMANDS:
        match = re.search(rf"^{variable}\s*:?=\s*(.+?)\s*$", text, flags=re.MULTILINE)
        assert match, f"{variable} is not defined in the Makefile"
        commands[variable] = match.group(1)
    return commands


@pytest.fixture(scope="module")
def dockerfile():
    assert DOCKERFILE.is_file(), "Dockerfile is missing"
    # Join continuation lines so that every instruction is one line.
    return DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")


def environment_of(service: dict) -> dict[str, str]:
    """Compose accepts a mapping or a list of NAME=value strings."""
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        return dict(item.split("=", 1) for item in environment)
    return {name: str(value) for name, value in environment.items()}


def test_all_services_exist(services):
    for name in ("postgres", "redis", *APP_SERVICES):
        assert name in services, f"service {name} is missing from docker-compose.yml"


@pytest.mark.parametrize(("variable", "service"), COMMANDS.items())
def test_compose_command_is_the_makefile_command(services, makefile_commands, variable, service):
    command = services[service]["command"]
    assert isinstance(command, str), f"{service}: write the command as one string"
    assert command == makefile_commands[variable]


@pytest.mark.parametrize("variable", COMMANDS)
def test_command_program_is_installed(makefile_commands, variable):
    program = shlex.split(makefile_commands[variable])[0]
    found = shutil.which(program, path=str(Path(sys.executable).parent)) or shutil.which(program)
    assert found, f"{program} (from {variable}) is not an installed console script"


def test_gunicorn_target_defines_application(makefile_commands):
    module = shlex.split(makefile_commands["WEB_COMMAND"])[1]
    assert module == "config.wsgi"
    # Importing config.wsgi would load the production settings; read its source instead.
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin
    source = Path(spec.origin).read_text(encoding="utf-8")
    assert re.search(r"^application\s*=", source, flags=re.MULTILINE)


@pytest.mark.parametrize("variable", ["WORKER_COMMAND", "BEAT_COMMAND"])
def test_celery_target_exposes_app(makefile_commands, variable):
    from celery import Celery

    arguments = shlex.split(makefile_commands[variable])
    package = arguments[arguments.index("-A") + 1]
    assert package == "config"
    module = importlib.import_module(f"{package}.celery")
    assert isinstance(module.app, Celery)


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_use_production_settings_and_services(services, service):
    environment = environment_of(services[service])
    assert environment.get("DJANGO_SETTINGS_MODULE") == PRODUCTION_SETTINGS
    assert environment["DATABASE_URL"].startswith("postgres://buurtkompas:")
    assert environment["DATABASE_URL"].endswith("@postgres:5432/buurtkompas")
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    for required in ("DJANGO_SECRET_KEY", "EMAIL_URL", "DJANGO_ALLOWED_HOSTS"):
        assert required in environment or f"{required}_FILE" in environment, required


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_wait_for_healthy_backing_services(services, service):
    depends_on = services[service]["depends_on"]
    assert depends_on["postgres"]["condition"] == "service_healthy"
    assert depends_on["redis"]["condition"] == "service_healthy"


def test_backing_services_have_healthchecks(services):
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "redis-cli ping" in " ".join(services["redis"]["healthcheck"]["test"])
    assert services["postgres"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")


def test_postgres_keeps_its_data_in_a_named_volume(compose, services):
    volume = services["postgres"]["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]


def test_migrations_run_once_before_the_app(services):
    migrate = services["migrate"]
    # The schema first, then the questionnaire definitions that the self-scans need.
    assert migrate["command"] == (
        'sh -c "python manage.py migrate --noinput && python manage.py load_instruments"'
    )
    assert (
        environment_of(migrate)["DATABASE_URL"] == environment_of(services["web"])["DATABASE_URL"]
    )
    assert services["web"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )


def test_web_healthcheck_calls_healthz_on_an_allowed_host(services):
    test = services["web"]["healthcheck"]["test"]
    command = test if isinstance(test, str) else " ".join(test)
    assert "http://127.0.0.1:8000/healthz" in command
    assert "curl" not in command
    allowed_hosts = environment_of(services["web"])["DJANGO_ALLOWED_HOSTS"]
    assert "127.0.0.1" in allowed_hosts.split(",")


def test_dockerfile_installs_runtime_requirements(dockerfile):
    assert re.search(r"pip install\b[^\n]*-r\s+\S*requirements\.txt", dockerfile)
    assert "requirements-dev" not in dockerfile


def test_dockerfile_builds_assets_and_static_files(dockerfile):
    assert "npm ci" in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert "playwright install" not in dockerfile


def test_dockerfile_runs_production_settings_as_non_root(dockerfile):
    assert f"DJANGO_SETTINGS_MODULE={PRODUCTION_SETTINGS}" in dockerfile
    users = re.findall(r"^USER\s+(\S+)", dockerfile, flags=re.MULTILINE)
    assert users, "the image must switch to a non-root user"
    assert users[-1].split(":")[0] not in ("root", "0")


def test_dockerfile_default_command_is_the_web_command(dockerfile, makefile_commands):
    match = re.search(r"^CMD\s+(\[.*\])\s*$", dockerfile, flags=re.MULTILINE)
    assert match, "the Dockerfile needs a CMD in exec form"
    assert json.loads(match.group(1)) == shlex.split(makefile_commands["WEB_COMMAND"])


def test_readme_shows_the_same_commands(makefile_commands):
    assert README.is_file(), "README.md is missing"
    readme = README.read_text(encoding="utf-8")
    for variable, command in makefile_commands.items():
        assert command in readme, f"README.md does not show {variable}: {command}"
