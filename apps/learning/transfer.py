"""A whole learning path as one file (schemas/learning-path.md): written from a version,
and read and checked before anything is stored. Every problem of a file is reported at
once, with where it is, so an author can fix them in one go."""

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from jsonschema import Draft202012Validator

from apps.dossiers.uploads import upload_checked
from apps.learning.models import PathVersion, Step
from apps.learning.text import media_name, pictures_in
from apps.organisation.models import Theme

FORMAT = "buurtkompas-learning-path"
FORMAT_VERSION = 1
SCHEMA_FILE = Path(__file__).parent / "schemas" / "learning-path-1.schema.json"
# A file of a large path with its pictures; more is refused before it is read.
MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_PICTURE_BYTES = 2 * 1024 * 1024
PICTURE_TYPES = {"image/png": ".png", "image/jpeg": ".jpg"}


def picture_name(filename: str, content_type: str) -> str:
    """The name a picture gets from its file's name, as the format allows names."""
    stem = slugify(Path(filename).stem)[:80].strip("-") or "afbeelding"
    return stem + PICTURE_TYPES[content_type]


# The self-scans a path may measure with (code: name), from the app that knows them: the
# portal, above both apps, registers apps.questionnaires' list when it starts.
# Unregistered: not checked, and the editor offers none.
_self_scans: Callable[[], dict[str, str]] | None = None


def self_scans_register(provider: Callable[[], dict[str, str]]) -> None:
    global _self_scans
    _self_scans = provider


def self_scans() -> dict[str, str] | None:
    return _self_scans() if _self_scans else None


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA_FILE.read_text()))


@dataclass
class PathFile:
    """A read and checked file: its content and its pictures, decoded and cleaned."""

    data: dict
    pictures: dict[str, tuple[ContentFile, str]] = field(default_factory=dict)


def path_file_read(content: bytes) -> PathFile:
    """The file's path, checked against every rule; ValidationError with one message per
    problem otherwise."""
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError(
            _("The file is larger than %(limit)s MB.") % {"limit": MAX_FILE_BYTES // 2**20}
        )
    try:
        data = yaml.safe_load(content.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not a text file in UTF-8.")) from None
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" ({_('line')} {where.line + 1})" if where else ""
        raise ValidationError(_("The file is not valid YAML or JSON") + line + ".") from None
    if not isinstance(data, dict):
        raise ValidationError(_("The file holds no learning path."))
    return _checked(data, FilePlaces(data))


def version_problems(version: PathVersion) -> list[str]:
    """What keeps a version from being published: the rules of an import, since another
    organisation must be able to import what we publish, said in the editor's words."""
    data = path_file_data(version)
    try:
        _checked(data, EditorPlaces(data))
    except ValidationError as error:
        return error.messages
    return []


def _checked(data: dict, places: "FilePlaces") -> PathFile:
    problems = [
        f"{places.at(error.absolute_path)}: {_explained(error, places)}"
        for error in sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    ]
    if problems:
        raise ValidationError(problems)
    pictures, problems = _pictures(data.get("media", []), places)
    problems += _meaning_problems(data["path"], set(pictures), places)
    if problems:
        raise ValidationError(problems)
    return PathFile(data=data, pictures=pictures)


class FilePlaces:
    """Where a problem is, as a path in the file (path/modules/0/steps/2/body): the author
    of a file finds it there."""

    def __init__(self, data: dict):
        self.data = data

    def at(self, parts) -> str:
        parts = list(parts)
        if parts[:1] == ["media"] and len(parts) > 1:
            if isinstance(parts[1], int):
                return f"media/{parts[1]} ({self.data['media'][parts[1]]['name']})"
            return f"media ({parts[1]})"
        return "/".join(str(part) for part in parts) or _("the file")

    def field(self, name: str) -> str:
        return name


# The file's field names in the editor's words: the labels of the form fields.
FIELD_LABELS = {
    "slug": gettext_lazy("web address"),
    "title": gettext_lazy("title"),
    "summary": gettext_lazy("short description"),
    "introduction": gettext_lazy("introduction"),
    "theme": gettext_lazy("theme"),
    "level": gettext_lazy("level"),
    "audience": gettext_lazy("for whom"),
    "duration_minutes": gettext_lazy("about how many minutes"),
    "pre_measurement": gettext_lazy("self-scan at the start"),
    "post_measurement": gettext_lazy("self-scan at the end"),
    "modules": gettext_lazy("parts"),
    "steps": gettext_lazy("steps"),
    "kind": gettext_lazy("kind"),
    "minutes": gettext_lazy("about how many minutes"),
    "body": gettext_lazy("text"),
    "url": gettext_lazy("web address of the video"),
    "transcript": gettext_lazy("text alternative of the video"),
    "question": gettext_lazy("question"),
    "upload": gettext_lazy("upload of the result"),
    "items": gettext_lazy("checklist"),
    "questions": gettext_lazy("quiz questions"),
    "options": gettext_lazy("answer options"),
    "text": gettext_lazy("answer"),
    "correct": gettext_lazy("right answer"),
    "feedback": gettext_lazy("feedback on this answer"),
}


class EditorPlaces(FilePlaces):
    """Where a problem is, as the editor shows it: part 2 "Your post", step 3 "Watch"."""

    def at(self, parts) -> str:
        parts = list(parts)
        if parts[:1] == ["media"] and len(parts) > 1:
            name = parts[1]
            if isinstance(name, int):
                name = self.data["media"][name]["name"]
            return _("Picture %(name)s") % {"name": name}
        node, words = self.data["path"], []
        for head, index in zip(parts[1::2], [*parts[2::2], None], strict=False):
            if not isinstance(index, int):
                words.append(str(self.field(head)))
                break
            node = node[head][index]
            number = index + 1
            if head == "modules":
                words.append(_("part %(number)s “%(title)s”") % {"number": number, **node})
            elif head == "steps":
                words.append(_("step %(number)s “%(title)s”") % {"number": number, **node})
            elif head == "questions":
                words.append(_("question %(number)s") % {"number": number})
            else:
                words.append(_("answer %(number)s") % {"number": number})
        place = ", ".join(words) or _("the path")
        return place[0].upper() + place[1:]

    def field(self, name: str) -> str:
        return str(FIELD_LABELS.get(name, name))


def _type_name(name: str) -> str:
    names = {
        "string": _("text"),
        "integer": _("a whole number"),
        "array": _("a list"),
        "object": _("a group of fields"),
        "boolean": _("true or false"),
        "null": _("empty"),
    }
    return names.get(name, name)


def _explained(error, places: FilePlaces) -> str:
    """A schema error in the reader's language (jsonschema writes English)."""
    rule, value = error.validator, error.validator_value
    if rule == "required":
        missing = [places.field(name) for name in value if name not in (error.instance or {})]
        return _("%(names)s is missing.") % {"names": ", ".join(missing)}
    if rule == "additionalProperties":
        extra = sorted(
            map(places.field, set(error.instance) - set(error.schema.get("properties", {})))
        )
        return _("unknown field %(names)s.") % {"names": ", ".join(extra)}
    if rule == "enum":
        return _("must be one of: %(choices)s.") % {"choices": ", ".join(map(str, value))}
    if rule == "const":
        return _("must be %(value)s.") % {"value": value}
    if rule == "type":
        types = value if isinstance(value, list) else [value]
        return _("must be %(type)s.") % {"type": _(" or ").join(map(_type_name, types))}
    if rule == "minLength":
        if value == 1:
            return _("may not be empty.")
        return _("needs at least %(count)s characters.") % {"count": value}
    if rule == "maxLength":
        return _("may have at most %(count)s characters.") % {"count": value}
    if rule == "pattern":
        if list(error.absolute_path)[-1:] == ["url"]:
            return _("must be a web address that starts with https://.")
        return _("is not written the way the format asks.")
    if rule == "minItems":
        return _("needs at least %(count)s.") % {"count": value}
    if rule == "maxItems":
        return _("may have at most %(count)s.") % {"count": value}
    if rule == "minimum":
        return _("must be at least %(count)s.") % {"count": value}
    if rule == "maximum":
        return _("may be at most %(count)s.") % {"count": value}
    if rule == "contains":
        return _("needs at least one right answer.")
    return error.message


def _pictures(media: list[dict], places: FilePlaces) -> tuple[dict, list[str]]:
    pictures, problems = {}, []
    for index, picture in enumerate(media):
        where = places.at(["media", index])
        if picture["name"] in pictures:
            problems.append(f"{where}: " + _("another picture has this name."))
            continue
        try:
            raw = base64.b64decode(picture["data"], validate=True)
        except (binascii.Error, ValueError):
            problems.append(f"{where}: " + _("the data is not base64."))
            continue
        if len(raw) > MAX_PICTURE_BYTES:
            problems.append(f"{where}: " + _("the picture is larger than 2 MB."))
            continue
        try:
            cleaned, content_type = upload_checked(ContentFile(raw, name=picture["name"]))
        except ValidationError as error:
            problems.append(f"{where}: " + " ".join(error.messages))
            continue
        if content_type != picture["content_type"]:
            problems.append(f"{where}: " + _("the picture is not of the kind it says."))
            continue
        pictures[picture["name"]] = (cleaned, content_type)
    return pictures, problems


def _texts(path: dict):
    """(where, text) of every Markdown text of the path."""
    yield ["path", "introduction"], path.get("introduction", "")
    for m, module in enumerate(path["modules"]):
        yield ["path", "modules", m, "introduction"], module.get("introduction", "")
        for s, step in enumerate(module["steps"]):
            for name in ("body", "transcript"):
                yield ["path", "modules", m, "steps", s, name], step.get(name, "")


def _meaning_problems(path: dict, picture_names: set[str], places: FilePlaces) -> list[str]:
    """What the schema cannot say: the theme and self-scans exist, every picture a text
    shows is in the file and has a text alternative, and every picture is used."""
    problems = []
    if not Theme.objects.filter(code=path["theme"]).exists():
        problem = _("there is no theme %(code)s.") % {"code": path["theme"]}
        problems.append(f"{places.at(['path', 'theme'])}: {problem}")
    scans = self_scans()
    for name in ("pre_measurement", "post_measurement"):
        code = path.get(name)
        if code and scans is not None and code not in scans:
            problems.append(
                f"{places.at(['path', name])}: "
                + _("there is no self-scan %(code)s.") % {"code": code}
            )
    used = set()
    for parts, text in _texts(path):
        where = places.at(parts)
        for alt, source in pictures_in(text):
            name = media_name(source)
            if name is None:
                problems.append(f"{where}: " + _("a picture must come from the file's media."))
            elif name not in picture_names:
                problems.append(
                    f"{where}: " + _("the picture %(name)s is not in the file.") % {"name": name}
                )
            if not alt:
                problems.append(f"{where}: " + _("every picture needs a text alternative."))
            used.add(name)
    for name in sorted(picture_names - used):
        problems.append(f"{places.at(['media', name])}: " + _("no text shows this picture."))
    return problems


# --- Writing ----------------------------------------------------------------------------


def path_file_data(version: PathVersion) -> dict:
    """The version as the file's content: every field the format has, in a fixed order."""
    media = []
    for picture in version.media.all():
        with picture.file.open("rb") as stored:
            data = base64.b64encode(stored.read()).decode("ascii")
        media.append({"name": picture.name, "content_type": picture.content_type, "data": data})
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "path": path_content(version),
        "media": media,
    }


def path_content(version: PathVersion) -> dict:
    """The file's `path`: the version's fields, modules and steps, without the pictures."""
    return {
        "slug": version.path.slug,
        "title": version.title,
        "summary": version.summary,
        "introduction": version.introduction,
        "theme": version.path.theme.code,
        "level": version.level,
        "audience": version.audience,
        "duration_minutes": version.duration_minutes,
        "pre_measurement": version.pre_measurement or None,
        "post_measurement": version.post_measurement or None,
        "modules": [
            {
                "title": module.title,
                "introduction": module.introduction,
                "steps": [_step_data(step) for step in module.steps.all()],
            }
            for module in version.modules.all()
        ],
    }


def _step_data(step: Step) -> dict:
    data = {"kind": step.kind, "title": step.title}
    if step.minutes:
        data["minutes"] = step.minutes
    kind = Step.Kind
    if step.kind != kind.READING or step.body:
        data["body"] = step.body
    if step.kind == kind.VIDEO:
        data |= {"url": step.video_url, "transcript": step.transcript}
    elif step.kind == kind.REFLECTION:
        data["question"] = step.question
    elif step.kind == kind.EXERCISE:
        data["upload"] = step.upload
    elif step.kind == kind.CHECKLIST:
        data["items"] = list(step.checklist_items)
    elif step.kind == kind.QUIZ:
        data["questions"] = [
            {
                "question": question.text,
                "options": [
                    {"text": option.text, "correct": option.correct, "feedback": option.feedback}
                    for option in question.options.all()
                ],
            }
            for question in step.quiz_questions.all()
        ]
    return data


def path_file_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
