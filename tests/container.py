"""What `docker build` and `docker compose` do with our files, done without a Docker engine.

There is no engine on the machines that run the tests, so the image is proven this way:
the Dockerfile's final stage is followed instruction by instruction in a temporary folder
that stands for /app, every build step that runs the application is run with exactly the
environment the Dockerfile gives it, and the compose services are started from the result
with the environment compose would give them. Paths inside the image are mapped to the
temporary folder (/app) and to the test run's virtualenv (/opt/venv, where the image
installs requirements.txt); nothing else of the test run's own environment is passed on.
"""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"

# The environment of the base image (python:3.13-slim-bookworm) that a RUN or a container
# sees before the Dockerfile's own ENV lines: its PATH and locale.
BASE_IMAGE_ENV = {
    "PATH": "/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin",
    "LANG": "C.UTF-8",
}
IMAGE_VENV = "/opt/venv"
VENV = Path(sys.executable).parent.parent


# --- Dockerfile ---------------------------------------------------------------------------
@dataclass
class Instruction:
    keyword: str
    arguments: str


def dockerfile_instructions(path: Path = DOCKERFILE) -> list[Instruction]:
    """Instructions with continuation lines joined and comments left out."""
    instructions = []
    pending = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, arguments = (pending + stripped).partition(" ")
        instructions.append(Instruction(keyword.upper(), " ".join(arguments.split())))
        pending = ""
    return instructions


def final_stage(instructions: list[Instruction]) -> list[Instruction]:
    starts = [i for i, instruction in enumerate(instructions) if instruction.keyword == "FROM"]
    return instructions[starts[-1] :]


def expand(value: str, environment: dict[str, str]) -> str:
    """$NAME and ${NAME} as the Dockerfile's ENV expands them."""
    return re.sub(
        r"\$\{(\w+)\}|\$(\w+)",
        lambda m: environment.get(m.group(1) or m.group(2), ""),
        value,
    )


def env_pairs(arguments: str) -> list[tuple[str, str]]:
    pairs = []
    for token in shlex.split(arguments):
        name, separator, value = token.partition("=")
        assert separator, f"ENV {arguments}: write ENV NAME=value"
        pairs.append((name, value))
    return pairs


# Build steps that are not run here, and why; every other RUN must run the application.
NOT_RUN_HERE = {
    r"^npm ci\b": "installs npm packages (network); node_modules comes from the checkout",
    r"^apt-get update\b": "installs Debian packages (network, root)",
    r"^(groupadd|useradd)\b": "creates the system user (root)",
    r"^python -m venv /opt/venv && pip install\b": "installs requirements.txt (network); "
    "the test run's virtualenv holds the same packages",
    r"^mkdir -p [\w/ ]+ && chown\b": "creates folders for the system user (root)",
}


def runs_the_application(command: str) -> bool:
    return "manage.py" in command


def classify_run(command: str) -> str | None:
    """None for a step that runs the application, else why it is not run here."""
    if runs_the_application(command):
        return None
    for pattern, reason in NOT_RUN_HERE.items():
        if re.search(pattern, command):
            return reason
    raise AssertionError(
        f"RUN {command!r} is new: if it runs Python or manage.py it must run in "
        "tests/test_compose.py; otherwise add it to NOT_RUN_HERE with the reason."
    )


# --- .dockerignore ------------------------------------------------------------------------
def _pattern_regex(pattern: str) -> re.Pattern:
    pattern = pattern.strip().strip("/")
    regex = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            regex += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            regex += ".*"
            i += 2
        elif pattern[i] == "*":
            regex += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            regex += "[^/]"
            i += 1
        elif pattern[i] == "[":
            end = pattern.index("]", i)
            regex += pattern[i : end + 1]
            i = end + 1
        else:
            regex += re.escape(pattern[i])
            i += 1
    return re.compile(regex + r"\Z")


def dockerignore_patterns(path: Path = DOCKERIGNORE) -> list[re.Pattern]:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    patterns = [line for line in lines if line and not line.startswith("#")]
    assert not [p for p in patterns if p.startswith("!")], "exceptions (!) are not handled here"
    return [_pattern_regex(pattern) for pattern in patterns]


def ignored(relative: str, patterns: list[re.Pattern]) -> bool:
    """Docker leaves out a path when a pattern matches it or one of its parent folders."""
    parts = relative.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(p.match(candidate) for p in patterns for candidate in candidates)


def copy_build_context(destination: Path) -> None:
    """`COPY . .`: the checkout without what .dockerignore leaves out of the context."""
    patterns = dockerignore_patterns()
    for folder, folders, files in os.walk(ROOT):
        relative_folder = Path(folder).relative_to(ROOT)
        folders[:] = [
            name
            for name in folders
            if not ignored((relative_folder / name).as_posix(), patterns)
            and not (Path(folder) / name).is_symlink()
        ]
        for name in files:
            relative = (relative_folder / name).as_posix()
            if ignored(relative, patterns):
                continue
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(Path(folder) / name, target)


# --- The image ----------------------------------------------------------------------------
@dataclass
class Image:
    """The final stage followed in a folder that stands for its WORKDIR."""

    workdir: Path
    build_home: Path
    environment: dict[str, str] = field(default_factory=dict)
    container_workdir: str = "/"
    user_home: str = "/"
    cmd: list[str] = field(default_factory=list)
    # (RUN command, reason) for the steps that were not run.
    skipped: list[tuple[str, str]] = field(default_factory=list)
    # (RUN command, completed process) for the steps that ran the application.
    ran: list[tuple[str, subprocess.CompletedProcess]] = field(default_factory=list)

    def to_host(self, value: str) -> str:
        """A path inside the image, as the folder that stands for it here."""
        value = re.sub(rf"(?<![\w/]){re.escape(IMAGE_VENV)}(?=/|:|$)", str(VENV), value)
        return re.sub(
            rf"(?<![\w/]){re.escape(self.container_workdir)}(?=/|:|$)", str(self.workdir), value
        )

    def host_environment(self, environment: dict[str, str]) -> dict[str, str]:
        return {name: self.to_host(value) for name, value in environment.items()}

    def run(self, arguments: list[str], environment: dict[str, str], timeout: int = 180):
        """A process in a container of this image, with exactly `environment`."""
        return subprocess.run(
            arguments,
            cwd=self.workdir,
            env=self.host_environment(environment),
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def build_image(folder: Path) -> Image:
    """Follow the final stage of the Dockerfile; RUN the steps that run the application."""
    instructions = final_stage(dockerfile_instructions())
    image = Image(workdir=folder / "app", build_home=folder / "root")
    image.build_home.mkdir(parents=True)
    environment = dict(BASE_IMAGE_ENV)
    for instruction in instructions[1:]:
        keyword, arguments = instruction.keyword, instruction.arguments
        if keyword == "ENV":
            for name, value in env_pairs(arguments):
                environment[name] = expand(value, environment)
        elif keyword == "WORKDIR":
            image.container_workdir = arguments
            image.workdir.mkdir(parents=True, exist_ok=True)
        elif keyword == "COPY":
            if arguments == ". .":
                copy_build_context(image.workdir)
            elif arguments.startswith("--from=assets ") and arguments.endswith(" ./node_modules"):
                (image.workdir / "node_modules").symlink_to(ROOT / "node_modules")
            else:
                assert arguments.endswith(" /tmp/requirements.txt"), f"COPY {arguments}?"
        elif keyword == "RUN":
            reason = classify_run(arguments)
            if reason:
                image.skipped.append((arguments, reason))
                continue
            # Shell form: /bin/sh -c, as root (HOME=/root), in the WORKDIR.
            run_environment = {**environment, "HOME": str(image.build_home)}
            result = subprocess.run(
                ["/bin/sh", "-c", arguments],
                cwd=image.workdir,
                env=image.host_environment(run_environment),
                capture_output=True,
                text=True,
                timeout=600,
            )
            image.ran.append((arguments, result))
        elif keyword == "USER":
            # A container's HOME is the user's home folder, set by useradd --home-dir.
            useradd = " ".join(i.arguments for i in instructions if "useradd" in i.arguments)
            match = re.search(r"--home-dir (\S+)", useradd)
            image.user_home = match.group(1) if match else "/"
        elif keyword == "CMD":
            image.cmd = json.loads(arguments)
        else:
            assert keyword in ("EXPOSE",), f"{keyword} is not followed here"
    image.environment = environment
    return image


# --- docker compose -----------------------------------------------------------------------
def read_dotenv(text: str) -> dict[str, str]:
    """The lines NAME=value of an env file (compose's dotenv format, without expansion)."""
    values = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        name, separator, value = stripped.partition("=")
        assert separator and re.fullmatch(r"[A-Z][A-Z0-9_]*", name), f"line {number}: {line}"
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name] = value
    return values


class InterpolationError(Exception):
    pass


def interpolate(value, variables: dict[str, str]):
    """Compose's ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}
    and $$, in every string of a loaded compose file."""
    if isinstance(value, dict):
        return {key: interpolate(item, variables) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, variables) for item in value]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name, operator, argument = match.group("name"), match.group("op"), match.group("arg")
        present = name in variables
        filled = bool(variables.get(name))
        if operator in (":-", "-"):
            use_default = not filled if operator == ":-" else not present
            return argument if use_default else variables[name]
        if operator in (":?", "?"):
            missing = not filled if operator == ":?" else not present
            if missing:
                raise InterpolationError(f"required variable {name} is missing a value: {argument}")
            return variables[name]
        return variables.get(name, "")

    return re.sub(
        r"\$\$|\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}",
        replace,
        value,
    )


def service_environment(service: dict, dotenv: dict[str, str]) -> dict[str, str]:
    """What compose gives the container on top of the image: env_file, then environment."""
    env_files = service.get("env_file") or []
    if isinstance(env_files, str):
        env_files = [env_files]
    assert env_files == [".env"], "the app services read .env"
    environment = dict(dotenv)
    declared = service.get("environment") or {}
    if isinstance(declared, list):
        declared = dict(item.split("=", 1) for item in declared)
    environment.update({name: str(value) for name, value in declared.items()})
    return environment
