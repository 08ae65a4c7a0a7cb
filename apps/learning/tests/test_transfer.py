"""A whole path as one file: imported as a draft only when every rule holds (with every
problem reported at once), and exported so that another database gets the same path."""

import base64
import json
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.learning import services
from apps.learning.models import LearningPath, PathMedia, PathVersion, QuizOption, Step
from apps.learning.selectors import version_for_export
from apps.learning.tests.paths import path_data, path_file
from apps.learning.transfer import path_file_data, path_file_json
from apps.questionnaires.services.instruments import instruments_load

pytestmark = pytest.mark.django_db
DEMO_PATHS = Path(__file__).resolve().parent.parent / "demo_paths"


@pytest.fixture
def author():
    return UserFactory(role=Role.TEAM_LEADER)


def exported(author, version) -> dict:
    data = path_file_data(version_for_export(actor=author, pk=version.pk))
    data.pop("exported_at")
    return data


def test_a_file_becomes_a_draft_with_every_part(author):
    version = services.path_import(actor=author, content=path_file())
    assert (version.status, version.number, version.title) == ("draft", 1, "Grip op je post")
    steps = Step.objects.filter(module__version=version).order_by("module__position", "position")
    assert [step.kind for step in steps] == [
        "reading",
        "quiz",
        "video",
        "reflection",
        "exercise",
        "checklist",
    ]
    assert QuizOption.objects.filter(question__step__module__version=version).count() == 4
    picture = PathMedia.objects.get(version=version)
    assert picture.file.open("rb").read().startswith(b"\x89PNG")


def test_export_gives_back_what_was_imported(author):
    version = services.path_import(actor=author, content=path_file())
    data = exported(author, version)
    assert data["path"] == path_data()["path"]
    assert [picture["name"] for picture in data["media"]] == ["bakjes.png"]


@pytest.mark.parametrize("demo_file", sorted(DEMO_PATHS.glob("*.yaml")), ids=lambda p: p.stem)
def test_a_demo_path_exported_and_imported_into_a_clean_database_is_identical(author, demo_file):
    instruments_load()
    first = exported(author, services.path_import(actor=author, content=demo_file.read_bytes()))
    LearningPath.objects.all().delete()
    again = services.path_import(actor=author, content=path_file_json(first))
    assert exported(author, again) == first


def test_yaml_and_json_are_both_read(author):
    content = yaml.safe_dump(path_data(), allow_unicode=True).encode("utf-8")
    assert services.path_import(actor=author, content=content).title == "Grip op je post"


def _problems(author, data) -> list[str]:
    content = data if isinstance(data, bytes) else path_file(data)
    with pytest.raises(ValidationError) as refused:
        services.path_import(actor=author, content=content)
    assert not PathVersion.objects.exists()
    assert not LearningPath.objects.exists()
    return refused.value.messages


def test_every_problem_of_a_file_is_reported_and_nothing_is_stored(author):
    data = path_data()
    data["path"]["level"] = "expert"
    del data["path"]["modules"][0]["steps"][0]["body"]
    data["path"]["modules"][0]["steps"][1]["questions"][0]["options"][0]["correct"] = False
    problems = _problems(author, data)
    assert len(problems) == 3
    assert any(problem.startswith("path/level") for problem in problems)
    assert any(problem.startswith("path/modules/0/steps/0") for problem in problems)
    assert any("path/modules/0/steps/1/questions/0/options" in problem for problem in problems)
    # In the reader's language, not the schema library's English.
    assert "path/level: moet een van deze zijn: basic, intermediate, advanced." in problems
    assert any(problem.endswith("body ontbreekt.") for problem in problems)
    assert any(problem.endswith("heeft minstens één goed antwoord nodig.") for problem in problems)


def test_what_the_schema_cannot_say_is_checked_too(author):
    data = path_data()
    data["path"]["theme"] = "bestaat-niet"
    data["path"]["modules"][1]["steps"][1]["body"] = (
        "![](media:bakjes.png) ![Een foto](https://example.org/x.png) ![Weg](media:weg.png)"
    )
    data["path"]["modules"][0]["steps"][0]["body"] = "Geen plaatje meer."
    data["media"].append(
        {"name": "ongebruikt.png", "content_type": "image/png", "data": data["media"][0]["data"]}
    )
    problems = " | ".join(_problems(author, data))
    for expected in (
        "er is geen thema bestaat-niet",
        "moet uit de media van het bestand komen",
        "weg.png staat niet in het bestand",
        "elke afbeelding heeft een tekstalternatief nodig",
        "media (ongebruikt.png)",
    ):
        assert expected in problems


def test_a_picture_must_be_what_it_says(author):
    data = path_data()
    data["media"][0]["data"] = base64.b64encode(b"<svg onload=alert(1)>").decode()
    problems = _problems(author, data)
    assert problems[0].startswith("media/0 (bakjes.png)")


def test_an_unknown_self_scan_is_refused(author):
    instruments_load()
    data = path_data()
    data["path"]["pre_measurement"] = "geen-scan"
    assert any("geen-scan" in problem for problem in _problems(author, data))


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe not utf-8", b"path: [unclosed", b"- a list\n- of things\n", b"{}"],
    ids=["binary", "broken-yaml", "not-a-mapping", "empty"],
)
def test_a_file_that_is_no_path_gets_a_clear_message(author, content):
    assert _problems(author, content)


def test_a_second_import_of_a_published_path_is_its_next_draft(author):
    services.version_publish(
        actor=author, version=services.path_import(actor=author, content=path_file())
    )
    second = services.path_import(actor=author, content=path_file())
    assert (second.number, second.status) == (2, "draft")
    with pytest.raises(ValidationError, match="heeft al een concept"):
        services.path_import(actor=author, content=path_file())
    assert PathVersion.objects.count() == 2


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.VOLUNTEER, Role.MANAGER])
def test_only_those_who_write_paths_import(role):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.path_import(actor=UserFactory(role=role), content=path_file())
    assert not LearningPath.objects.exists()


def test_the_export_is_json_of_the_format(author):
    version = services.path_import(actor=author, content=path_file())
    data = json.loads(
        path_file_json(path_file_data(version_for_export(actor=author, pk=version.pk)))
    )
    assert (data["format"], data["format_version"]) == ("buurtkompas-learning-path", 1)
