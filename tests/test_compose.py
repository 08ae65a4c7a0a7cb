"""The Docker image builds, and every docker-compose.yml service starts under its environment.

There is no Docker engine here; tests/container.py follows the Dockerfile and compose the
way they would (see its docstring). The build runs collectstatic for real, with exactly
the environment of its RUN line; the services are started up to the point where they
would connect to PostgreSQL or Redis, with the environment compose gives them from an .env
made from .env.example. Nothing here needs a network.

The Makefile, the compose file and the README also describe the same processes; the
tests at the end keep them in step.
"""

import ast
import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.container import (
    COMPOSE_FILE,
    DOCKERFILE,
    ENV_EXAMPLE,
    ROOT,
    InterpolationError,
    build_image,
    dockerfile_instructions,
    final_stage,
    interpolate,
    read_dotenv,
    service_environment,
)

# One worker runs this whole file when the suite runs in parallel: the image is built once.
pytestmark = pytest.mark.xdist_group("image")

MAKEFILE = ROOT / "Makefile"
README = ROOT / "README.md"
SETTINGS_DIR = ROOT / "config" / "settings"

APP_SERVICES = ("migrate", "web", "worker", "beat")
# Makefile variable -> docker-compose service that runs it.
COMMANDS = {"WEB_COMMAND": "web", "WORKER_COMMAND": "worker", "BEAT_COMMAND": "beat"}
PRODUCTION_SETTINGS = "config.settings.production"
# Values compose itself needs (not settings of the app).
COMPOSE_ONLY = {"POSTGRES_PASSWORD", "BUURTKOMPAS_TAG"}
# Set by the test runner for config/settings/test.py, not by an operator.
TEST_RUNNER_ONLY = {"PYTEST_XDIST_WORKER"}
REQUIRED = ("POSTGRES_PASSWORD", "DJANGO_SECRET_KEY", "MFA_ENCRYPTION_KEY", "EMAIL_URL")


# --- Fixtures ------------------------------------------------------------------------------
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
def image(tmp_path_factory):
    """The image, built once for this module (collectstatic takes most of a minute)."""
    return build_image(tmp_path_factory.mktemp("image"))


def documented_example(name: str) -> str:
    """The value .env.example tells an operator to fill in for an empty required line: the
    output of the command it shows (`#   command`), or the value after "e.g."."""
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    index = lines.index(f"{name}=")
    comments = []
    for line in reversed(lines[:index]):
        if not line.startswith("#"):
            break
        comments.insert(0, line)
    for line in comments:
        if line.startswith("#   "):
            # The operator's own shell runs it, not a container.
            result = subprocess.run(
                ["/bin/sh", "-c", line[4:]], capture_output=True, text=True, timeout=30
            )
            assert result.returncode == 0, f"{name}: {line[4:]} fails: {result.stderr}"
            return result.stdout.strip()
    text = " ".join(line.lstrip("#").strip() for line in comments)
    match = re.search(r"e\.g\.\s+(\S+?)[,.]?\s", text + " ")
    assert match, f".env.example shows no command or example for {name}"
    return match.group(1)


@pytest.fixture(scope="module")
def production_dotenv():
    """.env as an operator makes it: .env.example with the required values filled in."""
    dotenv = read_dotenv(ENV_EXAMPLE.read_text(encoding="utf-8"))
    empty = sorted(name for name, value in dotenv.items() if not value)
    assert empty == sorted(REQUIRED), "the required values are the empty lines of .env.example"
    for name in empty:
        dotenv[name] = documented_example(name)
    return dotenv


@pytest.fixture(scope="module")
def quicklook_dotenv(tmp_path_factory):
    """.env as the README's quick look writes it: its commands, run in an empty folder."""
    readme = README.read_text(encoding="utf-8")
    match = re.search(r"^cat > \.env <<EOF\n.*?^EOF$", readme, flags=re.MULTILINE | re.DOTALL)
    assert match, "README.md has no quick-look block (cat > .env <<EOF ... EOF)"
    folder = tmp_path_factory.mktemp("quicklook")
    result = subprocess.run(
        ["/bin/sh", "-c", match.group(0)], cwd=folder, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    return read_dotenv((folder / ".env").read_text(encoding="utf-8"))


def resolved_services(compose: dict, dotenv: dict[str, str]) -> dict:
    """Compose reads .env for ${...} in the compose file; the shell adds nothing here."""
    return interpolate(compose, dotenv)["services"]


def container_environment(image, compose, dotenv, service: str) -> dict[str, str]:
    """The image's ENV, the user's HOME, then what compose adds (env_file, environment)."""
    services = resolved_services(compose, dotenv)
    return {
        **image.environment,
        "HOME": image.user_home,
        **service_environment(services[service], dotenv),
    }


def output(result: subprocess.CompletedProcess) -> str:
    return f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"


# --- Building the image --------------------------------------------------------------------
def test_the_image_is_python_313_like_the_virtualenv_the_build_runs_in():
    base = final_stage(dockerfile_instructions())[0].arguments
    assert base.startswith("python:3.13-slim"), base
    assert sys.version_info[:2] == (3, 13)


def test_every_build_step_that_runs_the_application_succeeds(image):
    commands = [command for command, _ in image.ran]
    assert any("manage.py collectstatic" in command for command in commands), commands
    for command, result in image.ran:
        assert result.returncode == 0, f"RUN {command}\n{output(result)}"
    # The other steps install packages or users; each is named with its reason.
    assert all(reason for _, reason in image.skipped)


def test_collectstatic_wrote_the_manifest_with_the_npm_files(image):
    static_root = Path(image.to_host(image.environment["DJANGO_STATIC_ROOT"]))
    assert static_root.is_relative_to(image.workdir)
    manifest = json.loads((static_root / "staticfiles.json").read_text(encoding="utf-8"))
    from django.conf import settings

    for name in settings.NPM_STATIC_FILES:
        assert name in manifest["paths"], name
        assert (static_root / manifest["paths"][name]).is_file()


def test_npm_files_come_from_runtime_packages():
    """The image installs npm packages with --omit=dev."""
    from django.conf import settings

    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    assert "npm ci --omit=dev" in DOCKERFILE.read_text(encoding="utf-8")
    for source in settings.NPM_STATIC_FILES.values():
        name = "/".join(source.split("/")[:2]) if source.startswith("@") else source.split("/")[0]
        assert name in package["dependencies"], f"{name} is a dev dependency or missing"


def test_the_build_values_stay_in_the_build_step(image):
    """The throw-away values of the collectstatic step are not the image's environment:
    a container started without the real ones refuses to start."""
    for name in ("DJANGO_SECRET_KEY", "MFA_ENCRYPTION_KEY", "DATABASE_URL", "REDIS_URL"):
        assert name not in image.environment
    result = image.run(
        ["python", "manage.py", "check"], {**image.environment, "HOME": image.user_home}
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_the_image_runs_production_settings_as_non_root(image):
    assert image.environment["DJANGO_SETTINGS_MODULE"] == PRODUCTION_SETTINGS
    users = [i.arguments for i in final_stage(dockerfile_instructions()) if i.keyword == "USER"]
    assert users, "the image must switch to a non-root user"
    assert users[-1].split(":")[0] not in ("root", "0")


def test_dockerfile_installs_runtime_requirements_only():
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"pip install\b[^\n]*-r\s+\S*requirements\.txt", text)
    assert "requirements-dev" not in text
    assert "playwright install" not in text


def test_dockerfile_default_command_is_the_web_command(image, makefile_commands):
    assert image.cmd == shlex.split(makefile_commands["WEB_COMMAND"])


# --- The compose environment ---------------------------------------------------------------
def test_env_is_ignored_and_its_example_is_not():
    assert ".env" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".env" in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    result = subprocess.run(
        ["git", "check-ignore", "-q", ".env.example"], cwd=ROOT, capture_output=True
    )
    assert result.returncode == 1, ".env.example must be committed"


@pytest.mark.parametrize("name", REQUIRED)
def test_compose_stops_with_a_clear_message_when_a_required_value_is_empty(
    compose, production_dotenv, name
):
    resolved_services(compose, production_dotenv)  # the control: complete, it resolves
    for dotenv in (
        {**production_dotenv, name: ""},
        {k: v for k, v in production_dotenv.items() if k != name},
    ):
        with pytest.raises(InterpolationError, match=rf"{name} .*set {name} in \.env"):
            resolved_services(compose, dotenv)


def test_the_example_as_committed_does_not_start(compose):
    dotenv = read_dotenv(ENV_EXAMPLE.read_text(encoding="utf-8"))
    with pytest.raises(InterpolationError):
        resolved_services(compose, dotenv)


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_use_production_settings_and_the_compose_services(
    image, compose, production_dotenv, service
):
    environment = container_environment(image, compose, production_dotenv, service)
    assert environment["DJANGO_SETTINGS_MODULE"] == PRODUCTION_SETTINGS
    password = production_dotenv["POSTGRES_PASSWORD"]
    assert environment["DATABASE_URL"] == (
        f"postgres://buurtkompas:{password}@postgres:5432/buurtkompas"
    )
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    for name in ("DJANGO_SECRET_KEY", "MFA_ENCRYPTION_KEY", "EMAIL_URL"):
        assert environment[name] == production_dotenv[name]
    # Everything else of .env reaches the app too (env_file), e.g. the retention.
    assert set(production_dotenv) <= set(environment)


def test_the_web_service_passes_the_deploy_check(image, compose, production_dotenv):
    environment = container_environment(image, compose, production_dotenv, "web")
    result = image.run(
        ["python", "manage.py", "check", "--deploy", "--fail-level", "WARNING"], environment
    )
    assert result.returncode == 0, output(result)
    assert "no issues" in result.stdout


def test_the_web_command_loads_the_app(image, compose, production_dotenv, services):
    """gunicorn --check-config imports config.wsgi and builds the application."""
    command = shlex.split(services["web"]["command"])
    environment = container_environment(image, compose, production_dotenv, "web")
    assert shutil.which(command[0], path=image.to_host(environment["PATH"]))
    result = image.run([*command, "--check-config"], environment)
    assert result.returncode == 0, output(result)
    # The control: the same command without the secret key does not start.
    del environment["DJANGO_SECRET_KEY"]
    failed = image.run([*command, "--check-config"], environment)
    assert failed.returncode != 0
    assert "DJANGO_SECRET_KEY" in failed.stderr


PARSE_MANAGE_COMMANDS = """
import sys, django
django.setup()
from django.core.management import get_commands, load_command_class
for line in sys.argv[1:]:
    name, *arguments = line.split()
    command = load_command_class(get_commands()[name], name)
    command.create_parser("manage.py", name).parse_args(arguments)
    print("ok", name, *arguments)
"""


def test_the_migrate_command_has_the_right_shape(image, compose, production_dotenv, services):
    """migrate runs once against PostgreSQL, which is not here: its commands exist and take
    the options given, under the migrate service's environment."""
    command = shlex.split(services["migrate"]["command"])
    assert command[:2] == ["sh", "-c"] and len(command) == 3
    steps = [shlex.split(step) for step in command[2].split("&&")]
    for step in steps:
        assert step[:2] == ["python", "manage.py"], step
    assert [step[2] for step in steps] == ["migrate", "load_instruments"]
    environment = container_environment(image, compose, production_dotenv, "migrate")
    result = image.run(
        ["python", "-c", PARSE_MANAGE_COMMANDS, *(" ".join(step[2:]) for step in steps)],
        environment,
    )
    assert result.returncode == 0, output(result)
    assert result.stdout.splitlines() == ["ok migrate --noinput", "ok load_instruments"]


# Runs `celery <arguments>` as the console script does, and stops where the worker or beat
# would connect to the broker: the app, its settings and the options all load for real.
START_CELERY = """
import sys
from celery.apps.beat import Beat
from celery.bin.celery import main
from celery.worker.worker import WorkController

def ready(self, *args, **kwargs):
    print("READY", self.app.conf.broker_url)
    print("TASKS", " ".join(sorted(self.app.tasks)))
    sys.exit(0)

WorkController.start = ready
Beat.start_scheduler = ready
sys.argv = ["celery", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("service", ["worker", "beat"])
def test_the_celery_services_start_under_their_environment(
    image, compose, production_dotenv, services, service
):
    command = shlex.split(services[service]["command"])
    environment = container_environment(image, compose, production_dotenv, service)
    assert command[0] == "celery"
    assert shutil.which("celery", path=image.to_host(environment["PATH"]))
    result = image.run(["python", "-c", START_CELERY, *command[1:]], environment)
    assert result.returncode == 0, output(result)
    assert "READY redis://redis:6379/0" in result.stdout
    from django.conf import settings

    registered = re.search(r"^TASKS (.*)$", result.stdout, flags=re.MULTILINE).group(1).split()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in registered


def test_a_wrong_celery_option_is_caught(image, compose, production_dotenv):
    """The control for the test above: an option celery does not accept fails it."""
    environment = container_environment(image, compose, production_dotenv, "worker")
    result = image.run(
        ["python", "-c", START_CELERY, "-A", "config", "worker", "--loglevel", "LOUD"],
        environment,
    )
    assert result.returncode != 0
    assert "READY" not in result.stdout


REQUEST_AS_A_BROWSER = """
import django
django.setup()
from django.conf import settings
from django.test import Client
response = Client(HTTP_HOST="localhost:8000").get("/account/login/")
print("STATUS", response.status_code)
print("SECURE", any(cookie["secure"] for cookie in response.cookies.values()))
print("MAILER", settings.MAILERS["default"]["BACKEND"])
print("SITE_URL", settings.SITE_URL)
"""


def test_the_quick_look_answers_on_localhost_over_plain_http(image, compose, quicklook_dotenv):
    environment = container_environment(image, compose, quicklook_dotenv, "web")
    assert "localhost" in environment["DJANGO_ALLOWED_HOSTS"].split(",")
    check = image.run(["python", "manage.py", "check"], environment)
    assert check.returncode == 0, output(check)
    result = image.run(["python", "-c", REQUEST_AS_A_BROWSER], environment)
    assert result.returncode == 0, output(result)
    # No redirect to HTTPS, no Secure cookies (they would not come back over http://).
    assert "STATUS 200" in result.stdout
    assert "SECURE False" in result.stdout
    assert "MAILER django.core.mail.backends.console.EmailBackend" in result.stdout
    assert "SITE_URL http://localhost:8000" in result.stdout


def test_the_quick_look_is_not_a_deployment(image, compose, quicklook_dotenv):
    """The deploy check names what the quick look gives up, so nobody mistakes it."""
    environment = container_environment(image, compose, quicklook_dotenv, "web")
    result = image.run(
        ["python", "manage.py", "check", "--deploy", "--fail-level", "WARNING"], environment
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr  # SECURE_SSL_REDIRECT


# --- .env.example lists every setting ------------------------------------------------------
def settings_reads() -> dict[str, ast.expr | None]:
    """Every environment variable config/settings/*.py reads, with its literal default."""
    reads: dict[str, ast.expr | None] = {}
    for path in sorted(SETTINGS_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            function = node.func
            via_env = (isinstance(function, ast.Name) and function.id == "env") or (
                isinstance(function, ast.Attribute)
                and isinstance(function.value, ast.Name)
                and function.value.id == "env"
            )
            via_os = (
                isinstance(function, ast.Attribute)
                and function.attr in ("setdefault", "get")
                and ast.unparse(function.value) == "os.environ"
            )
            if not (via_env or via_os):
                continue
            assert node.args and isinstance(node.args[0], ast.Constant), (
                f"{path.name}:{node.lineno}: read settings by a literal name"
            )
            name = node.args[0].value
            default = next((k.value for k in node.keywords if k.arg == "default"), None)
            if via_env:
                reads[name] = default
            else:
                reads.setdefault(name, None)
        text = path.read_text(encoding="utf-8")
        for name in re.findall(r"os\.environ\[\"([A-Z0-9_]+)\"\]", text):
            reads.setdefault(name, None)
    return reads


def example_entries() -> dict[str, tuple[str, bool]]:
    """NAME -> (value, commented) for the lines NAME=value and #NAME=value of .env.example."""
    entries = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"(#?)([A-Z][A-Z0-9_]*)=(.*)", line)
        if match:
            assert match.group(2) not in entries, f"{match.group(2)} twice in .env.example"
            entries[match.group(2)] = (
                read_dotenv(f"X={match.group(3)}")["X"],
                bool(match.group(1)),
            )
    return entries


def test_the_settings_reader_finds_the_known_settings():
    reads = settings_reads()
    for name in ("DJANGO_SECRET_KEY", "MAP_TILE_URL", "MFA_ENCRYPTION_OLD_KEYS", "SITE_URL"):
        assert name in reads


def test_every_setting_is_in_env_example_and_nothing_else():
    settings_names = set(settings_reads()) - TEST_RUNNER_ONLY
    example_names = set(example_entries())
    assert sorted(settings_names - example_names) == [], "add these to .env.example"
    assert sorted(example_names - settings_names - COMPOSE_ONLY) == [], (
        "no setting reads these: remove them from .env.example"
    )
    compose_text = COMPOSE_FILE.read_text(encoding="utf-8")
    for name in COMPOSE_ONLY:
        assert f"${{{name}" in compose_text


def is_arithmetic(node: ast.expr | None) -> bool:
    """A literal default, or arithmetic on literals such as 5 * 365."""
    if isinstance(node, ast.Constant):
        return True
    return (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Mult | ast.Add)
        and is_arithmetic(node.left)
        and is_arithmetic(node.right)
    )


def test_env_example_shows_the_real_defaults():
    """A commented line #NAME=value states the default that base.py has for NAME."""
    entries = example_entries()
    compared = 0
    for name, default in settings_reads().items():
        if not is_arithmetic(default) or name not in entries:
            continue
        value, commented = entries[name]
        if not commented:
            continue
        expected = eval(compile(ast.Expression(default), "base.py", "eval"))  # noqa: S307
        if isinstance(expected, bool):
            expected = "true" if expected else "false"
        assert value == str(expected), f"{name}: .env.example says {value}, base.py {expected}"
        compared += 1
    assert compared >= 20


# --- Makefile, compose and README in step --------------------------------------------------
def test_all_services_exist(services):
    for name in ("postgres", "redis", *APP_SERVICES):
        assert name in services, f"service {name} is missing from docker-compose.yml"


@pytest.mark.parametrize(("variable", "service"), COMMANDS.items())
def test_compose_command_is_the_makefile_command(services, makefile_commands, variable, service):
    command = services[service]["command"]
    assert isinstance(command, str), f"{service}: write the command as one string"
    assert command == makefile_commands[variable]


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
    for service in ("web", "worker", "beat"):
        assert services[service]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
    assert services["migrate"]["restart"] == "no"


def test_web_healthcheck_calls_healthz_on_an_allowed_host(
    image, compose, production_dotenv, services
):
    test = services["web"]["healthcheck"]["test"]
    command = test if isinstance(test, str) else " ".join(test)
    assert "http://127.0.0.1:8000/healthz" in command
    assert "curl" not in command
    environment = container_environment(image, compose, production_dotenv, "web")
    assert "127.0.0.1" in environment["DJANGO_ALLOWED_HOSTS"].split(",")


def test_readme_shows_the_same_commands(makefile_commands):
    readme = README.read_text(encoding="utf-8")
    for variable, command in makefile_commands.items():
        assert command in readme, f"README.md does not show {variable}: {command}"


def test_readme_lists_the_debian_packages_make_test_installs():
    script = (ROOT / "bin" / "install-system-packages").read_text(encoding="utf-8")
    match = re.search(r"^packages=\((.*?)\)", script, flags=re.MULTILINE | re.DOTALL)
    assert match, "bin/install-system-packages: packages=(...) not found"
    packages = match.group(1).split()
    assert "chromium" in packages
    readme = README.read_text(encoding="utf-8")
    for package in packages:
        assert f"`{package}`" in readme, f"README.md does not list {package}"
