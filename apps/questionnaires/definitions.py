"""Reading and checking instrument definition files (TOML, one instrument per file).

The format is described in instruments/README.md. Everything is checked before the loader
writes anything; an error names the file and the field, such as
`zrm.toml: dimensions[3].items[0].anchors: "6" is not a value of the scale 1-5`.

The checker is written by hand on purpose. A pydantic model or a JSON Schema covers only
the shape of a file: the rules across fields (values within the scale, unique codes, what
each scoring rule needs) must still name their exact field, and the stored form (scale
fields side by side, labels keyed and sorted by number) differs from the file's. Both
stayed hand-written next to such a schema, which made the whole no shorter and less direct.
"""

import hashlib
import json
import re
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from apps.questionnaires.scoring import RULES

SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
PURPOSES = ("conversation", "measurement", "survey")
FILLED_BY = ("resident", "worker", "together")
ITEM_KINDS = ("scale", "open")
CODE_MAX_LENGTH = 50
NAME_MAX_LENGTH = 150
ATTRIBUTION_MAX_LENGTH = 300
# Scores are stored as Decimal(4, 2), so every answer and mean must stay within ±99.99.
SCALE_LIMIT = 99
MAX_SCALE_VALUES = 101
# The options each scoring rule takes, with whether they are required.
RULE_OPTIONS = {"overall_and_item_mean": {"overall_item": True}}


class InstrumentDefinitionError(Exception):
    def __init__(self, path: Path | str, field_name: str | None, message: str):
        self.path = Path(path)
        self.field_name = field_name
        self.message = message
        where = f"{self.path.name}: {field_name}" if field_name else self.path.name
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Text:
    nl: str
    en: str = ""


@dataclass(frozen=True)
class ItemDefinition:
    code: str
    text: Text
    kind: str = "scale"
    reversed: bool = False
    anchors: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DimensionDefinition:
    code: str
    name: Text
    description: Text
    items: tuple[ItemDefinition, ...]


@dataclass(frozen=True)
class InstrumentDefinition:
    path: Path
    code: str
    version: int | None
    purpose: str
    filled_by: str
    name: Text
    intro: Text
    attribution: str
    scale_min: int
    scale_max: int
    scale_step: int
    scale_labels: dict
    scoring_rule: str
    scoring_options: dict
    dimensions: tuple[DimensionDefinition, ...]
    # Open questions outside the dimensions, asked after them.
    extra_items: tuple[ItemDefinition, ...]

    @property
    def content_hash(self) -> str:
        """Fingerprint of everything that makes up the version. The file's name and its
        `version` line are left out: naming the version a file already has changes nothing."""
        content = asdict(self)
        del content["path"], content["version"]
        canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def all_items(self):
        """(dimension code or None, item) in the order the questions are asked."""
        for dimension in self.dimensions:
            for item in dimension.items:
                yield dimension.code, item
        for item in self.extra_items:
            yield None, item

    @property
    def scale_values(self) -> range:
        return range(self.scale_min, self.scale_max + 1, self.scale_step)


class _Reader:
    """Checks one parsed file; every error carries the file and the field's path."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, where: str | None, message: str):
        raise InstrumentDefinitionError(self.path, where, message)

    def table(self, value, where: str, allowed: dict[str, bool]) -> dict:
        """A table with only `allowed` keys ({key: required}); typos are errors."""
        if not isinstance(value, dict):
            self.fail(where, "must be a table")
        unknown = sorted(set(value) - set(allowed))
        if unknown:
            self.fail(
                self.join(where, unknown[0]),
                f"unknown field (allowed: {', '.join(sorted(allowed))})",
            )
        for key, required in allowed.items():
            if required and key not in value:
                self.fail(self.join(where, key), "is missing")
        return value

    @staticmethod
    def join(where: str | None, key: str) -> str:
        return f"{where}.{key}" if where else key

    def string(self, value, where: str, *, max_length: int | None = None, blank=False) -> str:
        if not isinstance(value, str):
            self.fail(where, "must be text")
        value = value.strip()
        if not value and not blank:
            self.fail(where, "must not be empty")
        if max_length and len(value) > max_length:
            self.fail(where, f"is longer than {max_length} characters")
        return value

    def integer(self, value, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(where, "must be a whole number")
        return value

    def code(self, value, where: str) -> str:
        value = self.string(value, where, max_length=CODE_MAX_LENGTH)
        if not SLUG.match(value):
            self.fail(where, "may hold only letters, digits, - and _")
        return value

    def choice(self, value, where: str, choices) -> str:
        value = self.string(value, where)
        if value not in choices:
            self.fail(where, f"must be one of {', '.join(choices)}")
        return value

    def text(self, value, where: str, *, required=True, max_length=None) -> Text:
        """A {nl = "...", en = "..."} pair; Dutch is required, English falls back to it."""
        if value is None and not required:
            return Text("", "")
        self.table(value, where, {"nl": True, "en": False})
        return Text(
            nl=self.string(value["nl"], f"{where}.nl", max_length=max_length),
            en=self.string(value.get("en", ""), f"{where}.en", max_length=max_length, blank=True),
        )

    def labels(self, value, where: str, values: range) -> dict:
        if not isinstance(value, dict):
            self.fail(where, "must be a table of value = {nl = ..., en = ...}")
        labels = {}
        for key, text in value.items():
            try:
                number = int(key)
            except ValueError:
                number = None
            if number not in values:
                self.fail(
                    f"{where}.{key}",
                    f'"{key}" is not a value of the scale {values.start}-{values.stop - 1}',
                )
            pair = self.text(text, f"{where}.{key}")
            labels[str(number)] = {"nl": pair.nl, "en": pair.en}
        return dict(sorted(labels.items(), key=lambda entry: int(entry[0])))

    def item(self, value, where: str, values: range) -> ItemDefinition:
        self.table(
            value,
            where,
            {"code": True, "text": True, "kind": False, "reversed": False, "anchors": False},
        )
        kind = self.choice(value.get("kind", "scale"), f"{where}.kind", ITEM_KINDS)
        reversed_ = value.get("reversed", False)
        if not isinstance(reversed_, bool):
            self.fail(f"{where}.reversed", "must be true or false")
        if kind == "open" and (reversed_ or value.get("anchors")):
            self.fail(where, "an open question has no reversed or anchors")
        return ItemDefinition(
            code=self.code(value["code"], f"{where}.code"),
            text=self.text(value["text"], f"{where}.text"),
            kind=kind,
            reversed=reversed_,
            anchors=self.labels(value.get("anchors", {}), f"{where}.anchors", values),
        )

    def definition(self, data: dict) -> InstrumentDefinition:
        self.table(
            data,
            None,
            {
                "code": True,
                "version": False,
                "purpose": True,
                "filled_by": True,
                "name": True,
                "intro": False,
                "attribution": False,
                "scale": True,
                "scoring": True,
                "dimensions": True,
                "items": False,
            },
        )
        version = None
        if "version" in data:
            version = self.integer(data["version"], "version")
            if not 1 <= version <= 32767:
                self.fail("version", "must be a number from 1 to 32767")

        scale = self.table(
            data["scale"], "scale", {"min": True, "max": True, "step": False, "labels": False}
        )
        scale_min = self.integer(scale["min"], "scale.min")
        scale_max = self.integer(scale["max"], "scale.max")
        step = self.integer(scale.get("step", 1), "scale.step")
        if not -SCALE_LIMIT <= scale_min < scale_max <= SCALE_LIMIT:
            self.fail("scale", f"min must be below max, both within ±{SCALE_LIMIT}")
        if step < 1 or (scale_max - scale_min) % step:
            self.fail("scale.step", "must be at least 1 and fit a whole number of times")
        values = range(scale_min, scale_max + 1, step)
        if len(values) > MAX_SCALE_VALUES:
            self.fail("scale", f"has more than {MAX_SCALE_VALUES} answers")

        dimensions = self.dimensions(data["dimensions"], values)
        extra = data.get("items", [])
        if not isinstance(extra, list):
            self.fail("items", "must be a list of [[items]]")
        extra_items = tuple(self.item(item, f"items[{i}]", values) for i, item in enumerate(extra))
        for i, item in enumerate(extra_items):
            if item.kind != "open":
                self.fail(f"items[{i}].kind", "a scale question belongs in a dimension")

        codes = [item.code for dimension in dimensions for item in dimension.items]
        codes += [item.code for item in extra_items]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            self.fail("items", f"item code {duplicates[0]} is used more than once")

        rule, options = self.scoring(data["scoring"], dimensions)
        return InstrumentDefinition(
            path=self.path,
            code=self.code(data["code"], "code"),
            version=version,
            purpose=self.choice(data["purpose"], "purpose", PURPOSES),
            filled_by=self.choice(data["filled_by"], "filled_by", FILLED_BY),
            name=self.text(data["name"], "name", max_length=NAME_MAX_LENGTH),
            intro=self.text(data.get("intro"), "intro", required=False),
            attribution=self.string(
                data.get("attribution", ""),
                "attribution",
                max_length=ATTRIBUTION_MAX_LENGTH,
                blank=True,
            ),
            scale_min=scale_min,
            scale_max=scale_max,
            scale_step=step,
            scale_labels=self.labels(scale.get("labels", {}), "scale.labels", values),
            scoring_rule=rule,
            scoring_options=options,
            dimensions=dimensions,
            extra_items=extra_items,
        )

    def dimensions(self, value, values: range) -> tuple[DimensionDefinition, ...]:
        if not isinstance(value, list) or not value:
            self.fail("dimensions", "must be a non-empty list of [[dimensions]]")
        dimensions = []
        for i, raw in enumerate(value):
            where = f"dimensions[{i}]"
            self.table(
                raw, where, {"code": True, "name": True, "description": False, "items": True}
            )
            items = raw["items"]
            if not isinstance(items, list) or not items:
                self.fail(f"{where}.items", "must be a non-empty list of [[dimensions.items]]")
            parsed = tuple(
                self.item(item, f"{where}.items[{j}]", values) for j, item in enumerate(items)
            )
            if not any(item.kind == "scale" for item in parsed):
                self.fail(f"{where}.items", "needs at least one scale question to be scored")
            dimensions.append(
                DimensionDefinition(
                    code=self.code(raw["code"], f"{where}.code"),
                    name=self.text(raw["name"], f"{where}.name", max_length=NAME_MAX_LENGTH),
                    description=self.text(
                        raw.get("description"), f"{where}.description", required=False
                    ),
                    items=parsed,
                )
            )
        codes = [dimension.code for dimension in dimensions]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            self.fail("dimensions", f"dimension code {duplicates[0]} is used more than once")
        return tuple(dimensions)

    def scoring(self, value, dimensions) -> tuple[str, dict]:
        # The rule decides which other fields the table may have, so it is looked at first.
        rule_name = value.get("rule") if isinstance(value, dict) else None
        rule_options = RULE_OPTIONS.get(rule_name, {}) if isinstance(rule_name, str) else {}
        self.table(value, "scoring", {"rule": True, **rule_options})
        rule = self.choice(value["rule"], "scoring.rule", tuple(RULES))
        options = {key: self.string(value[key], f"scoring.{key}") for key in rule_options}
        scale_counts = {d.code: sum(i.kind == "scale" for i in d.items) for d in dimensions}
        if rule == "level_per_domain":
            for i, dimension in enumerate(dimensions):
                if scale_counts[dimension.code] != 1:
                    self.fail(f"dimensions[{i}].items", "level_per_domain needs one scale item")
        if rule == "rung" and sum(scale_counts.values()) != 1:
            self.fail("dimensions", "rung needs exactly one scale item in all")
        if rule == "overall_and_item_mean":
            scale_codes = {i.code for d in dimensions for i in d.items if i.kind == "scale"}
            if options["overall_item"] not in scale_codes:
                self.fail("scoring.overall_item", "must be the code of a scale item")
        return rule, options


def definition_read(path: Path) -> InstrumentDefinition:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InstrumentDefinitionError(path, None, f"not valid TOML ({error})") from error
    return _Reader(path).definition(data)


def definitions_read(directory: Path) -> list[InstrumentDefinition]:
    """All *.toml files of a directory, checked; no two may define the same version."""
    if not directory.is_dir():
        raise InstrumentDefinitionError(directory, None, "is not a directory")
    definitions = [definition_read(path) for path in sorted(directory.glob("*.toml"))]
    seen: dict[tuple[str, int | None], Path] = {}
    for definition in definitions:
        key = (definition.code, definition.version)
        if key in seen:
            raise InstrumentDefinitionError(
                definition.path,
                "code",
                f"{definition.code} (version {definition.version or 'not set'}) is also "
                f"defined in {seen[key].name}",
            )
        seen[key] = definition.path
    return definitions
