"""What the questionnaire API shows and accepts. Serializers shape and check the form of
the input; the services check the answers against the version and write.

Texts come in the active language (`name`, `text`, ...) and in both languages (`name_nl`,
`name_en`), so that a partner system can show either without a second request.
"""

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.dossiers.api.serializers import StrictInputMixin
from apps.questionnaires.models import (
    Answer,
    Dimension,
    DimensionScore,
    Instrument,
    Item,
    Response,
    label_in_active_language,
)

# --- Instruments --------------------------------------------------------------------------


class ScaleLabelSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    label = serializers.CharField(help_text=_("In the active language; empty when none"))
    label_nl = serializers.CharField(allow_blank=True)
    label_en = serializers.CharField(allow_blank=True)


def _labels(labels: Mapping, values) -> list[dict]:
    """[{value, label, label_nl, label_en}] from a {"3": {"nl": ..., "en": ...}} mapping."""
    rows = []
    for value in values:
        texts = labels.get(str(value)) or {}
        rows.append(
            {
                "value": value,
                "label": label_in_active_language(labels, value),
                "label_nl": texts.get("nl", ""),
                "label_en": texts.get("en", ""),
            }
        )
    return rows


class ScaleSerializer(serializers.Serializer):
    min = serializers.IntegerField(source="scale_min")
    max = serializers.IntegerField(source="scale_max")
    step = serializers.IntegerField(source="scale_step")
    labels = serializers.SerializerMethodField(
        help_text=_("Every answer on the scale, with its label where the version has one")
    )

    @extend_schema_field(ScaleLabelSerializer(many=True))
    def get_labels(self, version) -> list[dict]:
        return _labels(version.scale_labels, version.scale_values)


class DimensionSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    # Read-only fields lose "may be blank" in DRF; say it, so the schema allows "".
    name_en = serializers.CharField(read_only=True, help_text=_("Empty when not translated"))
    description_nl = serializers.CharField(read_only=True, help_text=_("May be empty"))
    description_en = serializers.CharField(read_only=True, help_text=_("May be empty"))

    class Meta:
        model = Dimension
        fields = [
            "code",
            "name",
            "name_nl",
            "name_en",
            "description",
            "description_nl",
            "description_en",
        ]
        read_only_fields = fields


class ItemSerializer(serializers.ModelSerializer):
    dimension = serializers.CharField(
        source="dimension.code",
        read_only=True,
        allow_null=True,
        help_text=_("Code of the dimension; empty (null) for an open question"),
    )
    text = serializers.CharField(read_only=True)
    text_en = serializers.CharField(read_only=True, help_text=_("Empty when not translated"))
    anchors = serializers.SerializerMethodField(
        help_text=_("Descriptions of answers for this question only, such as the ZRM levels")
    )

    class Meta:
        model = Item
        fields = ["code", "dimension", "kind", "text", "text_nl", "text_en", "reversed", "anchors"]
        read_only_fields = fields

    @extend_schema_field(ScaleLabelSerializer(many=True))
    def get_anchors(self, item) -> list[dict]:
        return _labels(item.anchors, sorted(int(value) for value in item.anchors))


class InstrumentSerializer(serializers.ModelSerializer):
    """An instrument with its current version: what a form to fill it in needs."""

    name = serializers.CharField(read_only=True)
    name_en = serializers.CharField(read_only=True, help_text=_("Empty when not translated"))
    version = serializers.IntegerField(
        source="current_version_.number",
        read_only=True,
        help_text=_("Number of the current version; send it along with the answers"),
    )
    intro = serializers.CharField(source="current_version_.intro", read_only=True)
    intro_nl = serializers.CharField(
        source="current_version_.intro_nl", read_only=True, help_text=_("May be empty")
    )
    intro_en = serializers.CharField(
        source="current_version_.intro_en", read_only=True, help_text=_("May be empty")
    )
    attribution = serializers.CharField(
        source="current_version_.attribution",
        read_only=True,
        help_text=_("Source of the wording, such as a licence holder; may be empty"),
    )
    scale = ScaleSerializer(source="current_version_", read_only=True)
    dimensions = DimensionSerializer(
        source="current_version_.dimensions", many=True, read_only=True
    )
    items = ItemSerializer(source="current_version_.items", many=True, read_only=True)

    class Meta:
        model = Instrument
        fields = [
            "code",
            "name",
            "name_nl",
            "name_en",
            "purpose",
            "filled_by",
            "version",
            "intro",
            "intro_nl",
            "intro_en",
            "attribution",
            "scale",
            "dimensions",
            "items",
        ]
        read_only_fields = fields

    def to_representation(self, instrument):
        # The current version comes prefetched (access.instruments_in_use); the trailing
        # underscore keeps it apart from the model's own `current_version` query.
        instrument.current_version_ = instrument.current_versions[0]
        return super().to_representation(instrument)


# --- Responses ----------------------------------------------------------------------------


class DimensionScoreSerializer(serializers.ModelSerializer):
    dimension = serializers.CharField(source="dimension.code", read_only=True)
    name = serializers.CharField(source="dimension.name", read_only=True)

    class Meta:
        model = DimensionScore
        fields = ["dimension", "name", "score", "answered"]
        read_only_fields = fields


class AnswerSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.code", read_only=True)
    text = serializers.CharField(read_only=True, help_text=_("The open answer; empty otherwise"))

    class Meta:
        model = Answer
        fields = ["item", "value", "text", "answered_at"]
        read_only_fields = fields


class QuestionnaireResponseSerializer(serializers.ModelSerializer):
    """A self-scan, measurement or survey with its scores and answers. List and detail
    show the same, so that a client program needs one shape."""

    instrument = serializers.CharField(source="version.instrument.code", read_only=True)
    instrument_name = serializers.CharField(source="version.instrument.name", read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)
    shared_with_worker = serializers.BooleanField(
        read_only=True,
        help_text=_(
            "The resident's consent: a scan they filled in alone is visible to the social "
            "workers of their dossier only while this is true"
        ),
    )
    overall_score = serializers.DecimalField(
        max_digits=4,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text=_("Empty when the instrument has no overall figure or nothing was scored"),
    )
    dimension_scores = DimensionScoreSerializer(many=True, read_only=True)
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta:
        model = Response
        fields = [
            "id",
            "instrument",
            "instrument_name",
            "version",
            "client",
            "dossier",
            "mode",
            "moment",
            "status",
            "started_at",
            "completed_at",
            "overall_score",
            "shared_with_worker",
            "dimension_scores",
            "answers",
        ]
        read_only_fields = fields


# A JSON answer: a whole number for a question on the scale, text for an open question,
# null to leave it out. The services check each one against the version.
ANSWERS_SCHEMA = {
    "type": "object",
    "description": "Answers by item code",
    "additionalProperties": {
        "anyOf": [{"type": "integer", "nullable": True}, {"type": "string", "nullable": True}]
    },
    "example": {"body-1": 7, "body-2": 6, "mental-1": 8},
}


@extend_schema_field(ANSWERS_SCHEMA)
class AnswersField(serializers.DictField):
    """{item code: answer}. Only the form is checked here: item codes and values against
    the version are the services' work, with a message per item."""

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            raise serializers.ValidationError(
                _("Send the answers as an object: item code: answer.")
            )
        errors = {}
        for code, value in data.items():
            if storable(str(code)) != code:
                errors[storable(str(code))] = [
                    _("This code contains characters that are not allowed.")
                ]
            elif isinstance(value, bool) or not isinstance(value, int | str | type(None)):
                errors[code] = [_("Give a whole number, a text or null.")]
            elif isinstance(value, str) and storable(value) != value:
                errors[code] = [_("This text contains characters that cannot be stored.")]
        if errors:
            raise serializers.ValidationError(errors)
        return dict(data)


class StrictBooleanField(serializers.BooleanField):
    """true or false only; DRF would also take "yes", "1" and 0."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            raise serializers.ValidationError(_("Expected true or false."))
        return data


def storable(text: str) -> str:
    """The text without lone UTF-16 surrogates (from JSON escapes), which cannot be stored
    or sent back."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class QuestionnaireResponseCreateSerializer(StrictInputMixin, serializers.Serializer):
    """A completed response in one request. A resident sends `instrument`, `answers` and
    optionally `version` and `shared_with_worker`; a social worker sends `instrument`,
    `dossier`, `mode`, `answers` and optionally `version`, `moment` and (with mode
    `together`) `client_consents`."""

    instrument = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Instrument.objects.all(),
        help_text=_("Code of the instrument, such as `positive-health`"),
        error_messages={"does_not_exist": _("There is no questionnaire with this code.")},
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=32767,
        help_text=_(
            "The version the answers were given on (see the instrument). Optional; when "
            "given it must be the current version, otherwise nothing is stored."
        ),
    )
    answers = AnswersField(
        help_text=_(
            "Answers by item code: a whole number on the scale for a scale question, text "
            "for an open question, null to leave a question out."
        )
    )
    shared_with_worker = StrictBooleanField(
        required=False,
        help_text=_(
            "Residents only: share this scan with the social workers of your dossier. "
            "Default false."
        ),
    )
    dossier = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text=_("Social workers only: id of an open dossier of one of your teams"),
    )
    mode = serializers.ChoiceField(
        choices=[
            (Response.Mode.BY_WORKER.value, Response.Mode.BY_WORKER.label),
            (Response.Mode.TOGETHER.value, Response.Mode.TOGETHER.label),
        ],
        required=False,
        help_text=_("Social workers only (and then required): who filled it in"),
    )
    moment = serializers.ChoiceField(
        choices=Response.Moment.choices,
        required=False,
        help_text=_("Social workers only: the measurement moment; default none"),
    )
    client_consents = StrictBooleanField(
        required=False,
        help_text=_(
            "Social workers only, and required as true with mode `together`: the client was "
            "there and agreed to fill it in together."
        ),
    )

    # Fields that belong to the other kind of response, with the message for each.
    RESIDENT_ONLY = {"shared_with_worker": _("Only the resident decides to share a scan.")}
    WORKER_ONLY = {
        "dossier": _("Only a social worker records a measurement for a dossier."),
        "mode": _("Only a social worker records a measurement for a dossier."),
        "moment": _("Only a social worker sets a measurement moment."),
        "client_consents": _("Only a social worker records a measurement for a dossier."),
    }

    def validate(self, data):
        by_worker = self.context["by_worker"]
        errors = {
            name: [message]
            for name, message in (self.RESIDENT_ONLY if by_worker else self.WORKER_ONLY).items()
            if name in data
        }
        if by_worker:
            for name in ("dossier", "mode"):
                if name not in data:
                    errors[name] = [_("This field is required.")]
        if errors:
            raise serializers.ValidationError(errors)
        return data
