"""What the API shows and accepts. Serializers only shape and check input; the services
decide (permissions, dates, closed dossiers) and write."""

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.accounts.models import User
from apps.dossiers.models import Client, ContactMoment, Dossier, IntakeRequest, RegisteredQuestion
from apps.organisation.models import Neighbourhood, Team, Theme


class StrictInputMixin:
    """Refuse what DRF would silently drop or store badly, next to the usual field errors:

    - a field the endpoint does not know (a typo must not lose data unnoticed);
    - a read-only field (`id`, `created_at`): it cannot be set;
    - a JSON value of the wrong type, which DRF would convert (`12` for text, `"12"` for a
      number);
    - text with characters that cannot be stored (lone UTF-16 surrogates from JSON escapes).
    """

    def to_internal_value(self, data):
        errors = {}
        if isinstance(data, Mapping):
            for name, value in data.items():
                field = self.fields.get(name)
                if field is None:
                    errors[_storable(str(name))] = [_("Unknown field.")]
                elif field.read_only:
                    errors[name] = [_("This field cannot be set.")]
                elif (problem := _type_problem(field, value)) is not None:
                    errors[name] = [problem]
                elif isinstance(value, str) and _storable(value) != value:
                    errors[name] = [_("This text contains characters that cannot be stored.")]
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as invalid:
            if errors and isinstance(invalid.detail, Mapping):
                raise serializers.ValidationError({**invalid.detail, **errors}) from None
            raise
        if errors:
            raise serializers.ValidationError(errors)
        return value


# The JSON type each kind of field takes; DRF itself also converts numbers to text and
# numeric text to numbers.
_TEXT_FIELDS = (
    serializers.CharField,
    serializers.ChoiceField,
    serializers.DateField,
    serializers.DateTimeField,
    serializers.SlugRelatedField,
)
_NUMBER_FIELDS = (serializers.IntegerField, serializers.PrimaryKeyRelatedField)


def _type_problem(field, value):
    if value is None:
        return None  # the field itself says whether it may be empty
    if isinstance(field, _TEXT_FIELDS) and not isinstance(value, str):
        return _("Expected text.")
    if isinstance(field, _NUMBER_FIELDS) and (
        isinstance(value, bool) or not isinstance(value, int)
    ):
        return _("Expected a whole number.")
    return None


def _storable(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


# --- Short references to related records ------------------------------------------------


class TeamRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name"]


class WorkerRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="get_full_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "name"]


class ClientRefSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(read_only=True)

    class Meta:
        model = Client
        fields = ["id", "full_name"]


class NeighbourhoodRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Neighbourhood
        fields = ["id", "name", "cbs_code"]


# --- Records ------------------------------------------------------------------------------


class ClientSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(read_only=True)
    neighbourhood = NeighbourhoodRefSerializer(read_only=True, allow_null=True)
    # Read-only fields lose "may be blank" in DRF; say it, so the schema allows "".
    email = serializers.CharField(read_only=True, help_text=_("Empty when unknown"))

    class Meta:
        model = Client
        fields = [
            "id",
            "first_name",
            "last_name",
            "full_name",
            "birth_date",
            "street",
            "house_number",
            "postcode",
            "city",
            "neighbourhood",
            "latitude",
            "longitude",
            "phone",
            "email",
            "contact_preference",
            "created_at",
        ]
        read_only_fields = fields


class RegisteredQuestionSerializer(StrictInputMixin, serializers.ModelSerializer):
    theme = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Theme.objects.all(),
        help_text=_("Code of one of the social themes"),
    )
    theme_name = serializers.CharField(source="theme.name", read_only=True)

    class Meta:
        model = RegisteredQuestion
        fields = ["id", "theme", "theme_name", "subcategory", "description", "registered_at"]
        read_only_fields = ["id", "registered_at"]


class DossierSerializer(serializers.ModelSerializer):
    client = ClientRefSerializer(read_only=True)
    team = TeamRefSerializer(read_only=True)
    responsible_worker = WorkerRefSerializer(read_only=True, allow_null=True)
    duration_band = serializers.ChoiceField(
        choices=Dossier.DurationBand.choices,
        read_only=True,
        help_text=_("How long the client has been supported, as on the caseload"),
    )
    questions = RegisteredQuestionSerializer(many=True, read_only=True)
    closing_reason = serializers.ChoiceField(
        choices=Dossier.ClosingReason.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("Empty while the dossier is open"),
    )

    class Meta:
        model = Dossier
        fields = [
            "id",
            "client",
            "team",
            "responsible_worker",
            "status",
            "source",
            "started_on",
            "ended_on",
            "closing_reason",
            "duration_band",
            "long_running_explanation",
            "questions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ContactMomentSerializer(StrictInputMixin, serializers.ModelSerializer):
    """For the dossier's team: `notes` are the team's own and never reach the client."""

    worker = WorkerRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ContactMoment
        fields = [
            "id",
            "occurred_at",
            "mode",
            "duration_minutes",
            "notes",
            "client_summary",
            "worker",
            "created_at",
        ]
        read_only_fields = ["id", "worker", "created_at"]


class ReferralSerializer(StrictInputMixin, serializers.ModelSerializer):
    """A referral in; what comes back is only its receipt, not the person's data."""

    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(),
        required=False,
        help_text=_(
            "Id of the team the referral is for; may be left out when the partner system "
            "refers to one team only."
        ),
    )

    class Meta:
        model = IntakeRequest
        fields = [
            "id",
            "team",
            "first_name",
            "last_name",
            "birth_date",
            "postcode",
            "house_number",
            "phone",
            "email",
            "question",
            "status",
            "received_at",
        ]
        read_only_fields = ["id", "status", "received_at"]
        # The rules for these values are the model fields' (apps.core.validators), which
        # the serializer takes along; the model stores them in their normal form.
        extra_kwargs = {
            **{
                name: {"write_only": True, "required": True, "allow_blank": False}
                for name in ("first_name", "last_name")
            },
            "question": {"write_only": True},
            "birth_date": {
                "write_only": True,
                "help_text": _("From 1900-01-01 up to today"),
            },
            "postcode": {
                "write_only": True,
                "help_text": _("Dutch postcode, such as 3811 AB; 3811ab is stored as 3811 AB"),
            },
            "house_number": {
                "write_only": True,
                "help_text": _(
                    "From 1 to 99999, with a house letter and an addition if there are any, "
                    "such as 12, 12A or 12-2"
                ),
            },
            "phone": {
                "write_only": True,
                "help_text": _(
                    "Dutch or international, such as 06 12345678, 020 123 4567 or "
                    "+32 470 12 34 56; stored as +31612345678 (E.164)"
                ),
            },
            "email": {"write_only": True},
        }
