"""Loading instrument definitions (the TOML files of instruments/) into versions."""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from apps.questionnaires.definitions import (
    InstrumentDefinition,
    InstrumentDefinitionError,
    definitions_read,
)
from apps.questionnaires.models import (
    Dimension,
    Instrument,
    InstrumentVersion,
    Item,
)

DEFAULT_DIRECTORY = Path(__file__).resolve().parent.parent / "instruments"
# Added to orders while an in-place update reshuffles them: (version, order) stays unique
# at every step. Orders in a definition stay far below this.
_ORDER_OFFSET = 10000


@dataclass(frozen=True)
class LoadOutcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"

    code: str
    number: int
    action: str
    is_current: bool

    def __str__(self):
        current = " (current)" if self.is_current else ""
        return f"{self.code} v{self.number}: {self.action}{current}"


@dataclass
class LoadReport:
    outcomes: list[LoadOutcome] = field(default_factory=list)

    def of(self, action: str) -> list[LoadOutcome]:
        return [outcome for outcome in self.outcomes if outcome.action == action]

    def __str__(self):
        return "\n".join(str(outcome) for outcome in self.outcomes) or "No definitions found."


def instruments_load(*, directory: Path | str | None = None) -> LoadReport:
    """Load every *.toml definition of `directory` (default: the app's instruments/).

    Per definition, compared with the version it targets (the version named in the file,
    else the latest version the loader numbered itself):
    - same content → nothing;
    - changed, and that version has no responses → updated in place (items keep their pk);
    - changed, and responses exist → a new version; the old one stays for its responses.
      A file that names its version cannot change an answered version: that is an error.
    All files are checked before anything is written, and all are written in one
    transaction: one bad file leaves the database as it was.
    """
    definitions = definitions_read(Path(directory) if directory else DEFAULT_DIRECTORY)
    report = LoadReport()
    with transaction.atomic():
        for definition in definitions:
            report.outcomes.append(_definition_load(definition))
    return report


def _definition_load(definition: InstrumentDefinition) -> LoadOutcome:
    instrument, _created = Instrument.objects.get_or_create(
        code=definition.code, defaults=_instrument_fields(definition)
    )
    versions = InstrumentVersion.objects.select_for_update().filter(instrument=instrument)
    if definition.version is not None:
        target = versions.filter(number=definition.version).first()
    else:
        target = versions.filter(number_from_file=False).order_by("-number").first()

    if target is not None and target.content_hash == definition.content_hash:
        return LoadOutcome(definition.code, target.number, LoadOutcome.UNCHANGED, target.is_current)

    # The row lock above makes a response started meanwhile wait (its foreign key needs
    # the row), so "no responses" stays true until this transaction commits.
    if target is not None and not target.has_responses():
        _version_fill(target, definition)
        if target.is_current:
            _instrument_update(instrument, definition)
        return LoadOutcome(definition.code, target.number, LoadOutcome.UPDATED, target.is_current)

    if target is not None and definition.version is not None:
        raise InstrumentDefinitionError(
            definition.path,
            "version",
            f"version {target.number} of {definition.code} already has responses and cannot "
            "change; load the new wording under a version number that is not used yet",
        )

    # A new version takes over from the one it replaces when that one was in use, and
    # always when the file names its version: loading a licensed wording is a choice.
    has_current = instrument.versions.filter(is_current=True).exists()
    becomes_current = (
        definition.version is not None
        or not has_current
        or (target is not None and target.is_current)
    )
    if becomes_current:
        instrument.versions.filter(is_current=True).update(is_current=False)
        _instrument_update(instrument, definition)
    highest = instrument.versions.aggregate(highest=Max("number"))["highest"] or 0
    version = InstrumentVersion(
        instrument=instrument,
        number=definition.version or highest + 1,
        is_current=becomes_current,
    )
    _version_fill(version, definition)
    return LoadOutcome(definition.code, version.number, LoadOutcome.CREATED, becomes_current)


def _instrument_fields(definition: InstrumentDefinition) -> dict:
    return {
        "purpose": definition.purpose,
        "filled_by": definition.filled_by,
        "name_nl": definition.name.nl,
        "name_en": definition.name.en,
    }


def _instrument_update(instrument: Instrument, definition: InstrumentDefinition) -> None:
    """The instrument's name and purpose follow its current version."""
    fields = _instrument_fields(definition)
    for name, value in fields.items():
        setattr(instrument, name, value)
    instrument.save(update_fields=list(fields))


_VERSION_FIELDS = [
    "number_from_file",
    "intro_nl",
    "intro_en",
    "attribution",
    "scale_min",
    "scale_max",
    "scale_step",
    "scale_labels",
    "scoring_rule",
    "scoring_options",
    "content_hash",
    "source_file",
    "loaded_at",
]
_DIMENSION_FIELDS = ["order", "name_nl", "name_en", "description_nl", "description_en"]
_ITEM_FIELDS = ["dimension", "order", "kind", "text_nl", "text_en", "reversed", "anchors"]


def _save(obj, fields: list[str]) -> None:
    """Insert a new row; update only the definition's fields of an existing one."""
    obj.save(update_fields=fields if obj.pk else None)


def _version_fill(version: InstrumentVersion, definition: InstrumentDefinition) -> None:
    """Write the definition into `version` (new or unanswered), keeping the pk of every
    dimension and item whose code stays."""
    version.number_from_file = definition.version is not None
    version.intro_nl = definition.intro.nl
    version.intro_en = definition.intro.en
    version.attribution = definition.attribution
    version.scale_min = definition.scale_min
    version.scale_max = definition.scale_max
    version.scale_step = definition.scale_step
    version.scale_labels = definition.scale_labels
    version.scoring_rule = definition.scoring_rule
    version.scoring_options = definition.scoring_options
    version.content_hash = definition.content_hash
    version.source_file = definition.path.name
    version.loaded_at = timezone.now()
    _save(version, _VERSION_FIELDS)

    wanted_dimensions = {dimension.code for dimension in definition.dimensions}
    wanted_items = {item.code for _dimension, item in definition.all_items()}
    version.items.exclude(code__in=wanted_items).delete()
    version.dimensions.exclude(code__in=wanted_dimensions).delete()
    version.items.update(order=F("order") + _ORDER_OFFSET)
    version.dimensions.update(order=F("order") + _ORDER_OFFSET)

    dimensions = {dimension.code: dimension for dimension in version.dimensions.all()}
    for order, definition_dimension in enumerate(definition.dimensions, start=1):
        dimension = dimensions.get(definition_dimension.code) or Dimension(
            version=version, code=definition_dimension.code
        )
        dimension.order = order
        dimension.name_nl = definition_dimension.name.nl
        dimension.name_en = definition_dimension.name.en
        dimension.description_nl = definition_dimension.description.nl
        dimension.description_en = definition_dimension.description.en
        _save(dimension, _DIMENSION_FIELDS)
        dimensions[dimension.code] = dimension

    items = {item.code: item for item in version.items.all()}
    for order, (dimension_code, definition_item) in enumerate(definition.all_items(), start=1):
        item = items.get(definition_item.code) or Item(version=version, code=definition_item.code)
        item.dimension = dimensions[dimension_code] if dimension_code else None
        item.order = order
        item.kind = definition_item.kind
        item.text_nl = definition_item.text.nl
        item.text_en = definition_item.text.en
        item.reversed = definition_item.reversed
        item.anchors = definition_item.anchors
        _save(item, _ITEM_FIELDS)
