"""Imports run one way (pyproject.toml, [tool.importlinter]; README, "Layers"), and so
does a request: from the page down to the access log, never back up."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.services import access_log_record
from apps.dossiers.tests.factories import DossierFactory
from apps.organisation.tests.factories import TeamMembershipFactory

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
# From the ground up, as in pyproject.toml.
LAYERS = {
    "core": 0,
    "accounts": 1,
    "organisation": 1,
    "audit": 1,
    "dossiers": 2,
    "questionnaires": 3,
    "socialmap": 3,
    "learning": 3,
    "effects": 4,
    "portal": 5,
    "reports": 5,
}


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_no_app_imports_a_layer_above_it():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_check_fails_when_core_imports_a_feature_app(tmp_path):
    """The same check on a copy of the code in which core reads dossiers."""
    shutil.copytree(ROOT / "apps", tmp_path / "apps", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    health = tmp_path / "apps" / "core" / "health.py"
    health.write_text("from apps.dossiers import models\n" + health.read_text())
    result = lint_imports(tmp_path)
    assert result.returncode == 1
    assert "apps.core is not allowed to import apps.dossiers" in result.stdout


@pytest.mark.django_db
def test_a_dossier_read_goes_from_the_page_down_to_the_access_log(client):
    """Follow a dossier id from the URL to its access-log row: the calls on the way pass
    the view, a selector and the access log, each in a layer no higher than the last."""
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    dossier = DossierFactory()
    TeamMembershipFactory(user=worker, team=dossier.team)
    client.force_login(worker)
    stacks = []

    def profile(frame, event, arg):
        if event == "call" and frame.f_code is access_log_record.__code__:
            stacks.append(_app_frames(frame))

    sys.setprofile(profile)
    try:
        response = client.get(reverse("dossiers:detail", args=[dossier.pk]))
    finally:
        sys.setprofile(None)
    assert response.status_code == 200
    assert len(stacks) == 1
    path = stacks[0]
    start = next(i for i, (module, _) in enumerate(path) if module.endswith(".views"))
    path = path[start:]
    assert [module for module, _ in path] == [
        "apps.dossiers.views",
        "apps.dossiers.selectors",
        "apps.audit.services",
    ]
    levels = [LAYERS[module.split(".")[1]] for module, _ in path]
    assert levels == sorted(levels, reverse=True)


def _app_frames(frame) -> list[tuple[str, str]]:
    """(module, function) of the project's frames on the stack, outermost first."""
    frames = []
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.startswith("apps."):
            frames.append((module, frame.f_code.co_name))
        frame = frame.f_back
    return frames[::-1]
