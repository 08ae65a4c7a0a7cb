"""The questionnaire API: instrument definitions to read, and responses (self-scans and
measurements) to read and to send in, with the permissions and consent rules of the
pages. Reads of responses and every attempt to send one are in the access log."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response as ApiResponse

from apps.accounts import policy
from apps.audit.models import AccessLogEntry
from apps.audit.services import access_denied_record, access_log_record
from apps.dossiers.api.views import LoggedListMixin, call_service
from apps.dossiers.models import Dossier
from apps.questionnaires.api import access
from apps.questionnaires.api.access import CASEWORK, FILLS_SCANS, AnyPolicyPermission
from apps.questionnaires.api.filters import ResponseFilter
from apps.questionnaires.api.idempotency import HEADER, MAX_LENGTH, IdempotencyKey
from apps.questionnaires.api.serializers import (
    InstrumentSerializer,
    QuestionnaireResponseCreateSerializer,
    QuestionnaireResponseSerializer,
)
from apps.questionnaires.models import Instrument, Response
from apps.questionnaires.services import answering, measurements, self_scans

READS_RESPONSES = (FILLS_SCANS, CASEWORK)
REPLAYED_HEADER = "Idempotent-Replayed"


# --- Instruments --------------------------------------------------------------------------


@extend_schema(summary="Questionnaires that can be filled in now, with their current version")
class InstrumentList(generics.ListAPIView):
    """Instrument definitions hold no personal data: any signed-in account may read them."""

    queryset = Instrument.objects.none()  # for the schema; get_queryset() decides
    serializer_class = InstrumentSerializer
    policy_permissions = {"GET": "questionnaires.view_instrument"}

    def get_queryset(self):
        return access.instruments_in_use()


@extend_schema(summary="One questionnaire, with its current version")
class InstrumentDetail(generics.RetrieveAPIView):
    """By its code. An instrument without a version in use is a 404."""

    queryset = Instrument.objects.none()
    serializer_class = InstrumentSerializer
    policy_permissions = {"GET": "questionnaires.view_instrument"}
    policy_object_permissions = {"GET": "questionnaires.view_instrument"}
    lookup_field = "code"

    def get_queryset(self):
        return access.instruments_in_use()


# --- Responses ----------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        summary="Self-scans and measurements you may see",
        description=(
            "A resident sees the scans they filled in themselves. A social worker or team "
            "leader sees, of the clients with a dossier in one of their teams, what a worker "
            "recorded and the scans the resident shares. Each page is written to the "
            "access log."
        ),
    ),
    post=extend_schema(
        summary="Send in a completed self-scan or measurement",
        description=(
            "In one request: the response is started, answered, scored and completed, or, "
            "on any error, nothing is stored.\n\n"
            "- A **resident** sends a self-scan: `instrument`, `answers`, optionally "
            "`version` and `shared_with_worker`. It is linked to their client record when "
            "they have one.\n"
            "- A **social worker or team leader** records a measurement in an open dossier "
            "of one of their teams: `instrument`, `dossier`, `mode`, `answers`, optionally "
            "`version` and `moment`. Another team's dossier is a 404.\n\n"
            "**Double submits.** Without the optional `Idempotency-Key` header every request "
            "stores a new response. A client that may send a request twice (a retry after a "
            "time-out) sends a key of its own, such as a UUID, with both: the second request "
            "stores nothing and gets the first one's response back with status 200 and the "
            f"header `{REPLAYED_HEADER}: true`. The same key with other answers is a 400, "
            "a key whose first request is still running a 409. Keys are kept for a day."
        ),
        request=QuestionnaireResponseCreateSerializer,
        parameters=[
            OpenApiParameter(
                HEADER,
                {"type": "string", "maxLength": MAX_LENGTH},
                OpenApiParameter.HEADER,
                required=False,
                description=(
                    "Optional: a key of your own choosing, the same for a retry of this "
                    "request. An empty value counts as none."
                ),
            )
        ],
        responses={
            201: QuestionnaireResponseSerializer,
            200: OpenApiResponse(
                QuestionnaireResponseSerializer,
                description="A repeated request with the same Idempotency-Key: nothing new.",
            ),
            400: OpenApiResponse(
                description=(
                    "Invalid input; nothing stored. `errors` holds the messages per field; "
                    "under `answers`, messages per item code (an answer off the scale, a "
                    "question of another version), or a list when the answers as a whole "
                    "are wrong."
                )
            ),
            404: OpenApiResponse(description="The dossier does not exist or is not of your teams."),
            409: OpenApiResponse(
                description="The first request with this Idempotency-Key still runs."
            ),
        },
        examples=[
            OpenApiExample(
                "A resident's self-scan",
                request_only=True,
                value={
                    "instrument": "positive-health-short",
                    "answers": {"body-1": 7, "body-2": 6, "mental-1": 8},
                    "shared_with_worker": True,
                },
            ),
            OpenApiExample(
                "A measurement by a social worker",
                request_only=True,
                value={
                    "instrument": "zrm",
                    "dossier": 12,
                    "mode": "together",
                    "moment": "intake",
                    "answers": {"finances": 2, "housing": 3},
                },
            ),
        ],
    ),
)
class ResponseList(LoggedListMixin, generics.ListCreateAPIView):
    queryset = Response.objects.none()  # for the schema; get_queryset() decides
    filterset_class = ResponseFilter
    permission_classes = [AnyPolicyPermission]
    policy_permissions = {"GET": READS_RESPONSES, "POST": READS_RESPONSES}

    def get_queryset(self):
        return access.responses_for_actor(actor=self.request.user)

    def get_serializer_class(self):
        if self.request is not None and self.request.method == "POST":
            return QuestionnaireResponseCreateSerializer
        return QuestionnaireResponseSerializer

    def get_serializer_context(self):
        user = getattr(self.request, "user", None)
        by_worker = user is not None and not policy.can(user, FILLS_SCANS)
        return {**super().get_serializer_context(), "by_worker": by_worker}

    def create(self, request, *args, **kwargs):
        try:
            key = IdempotencyKey.from_request(request)
            serializer = self.get_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            earlier = key.claim() if key is not None else None
            if earlier is not None:
                return self._replay(earlier)
            try:
                response = self._submit(
                    serializer.validated_data, by_worker=serializer.context["by_worker"]
                )
            except BaseException:
                if key is not None:
                    key.release()
                raise
            if key is not None:
                key.record(response.pk)
        except APIException as refused:
            self._log_refused(refused)
            raise
        body = QuestionnaireResponseSerializer(access.response_loaded(pk=response.pk)).data
        return ApiResponse(body, status=status.HTTP_201_CREATED)

    def _replay(self, pk):
        response = access.response_for_actor(actor=self.request.user, pk=pk)
        return ApiResponse(
            QuestionnaireResponseSerializer(response).data,
            status=status.HTTP_200_OK,
            headers={REPLAYED_HEADER: "true"},
        )

    def _submit(self, data, *, by_worker: bool) -> Response:
        """Start, answer and complete in one transaction: on any error nothing is stored."""
        user = self.request.user
        instrument = data["instrument"]
        if by_worker:
            dossier = access.dossier_for_measurement(actor=user, pk=data["dossier"])
            _check_measurement(user, dossier, instrument, data)
            start = {
                "mode": data["mode"],
                "dossier": dossier,
                "recorded_by": user,
                "moment": data.get("moment", Response.Moment.NONE),
            }
        else:
            _check_self_scan(instrument)
            start = {
                "mode": Response.Mode.SELF,
                "client": access.own_client_record(actor=user),
                "respondent": user,
            }
        with transaction.atomic():
            response = call_service(answering.response_start, instrument=instrument, **start)
            _check_version(response, data.get("version"))
            _answers_save(response, data["answers"])
            try:
                response = answering.response_complete(response=response)
            except DjangoValidationError as invalid:
                raise ValidationError({"answers": invalid.messages}) from invalid
            access_log_record(actor=user, action=AccessLogEntry.Action.CREATE, obj=response)
            if data.get("shared_with_worker"):
                # The resident's consent, given with the scan itself (logged as a change).
                response = self_scans.response_share_set(response=response, actor=user, shared=True)
        return response

    def _log_refused(self, refused: APIException) -> None:
        """Refused input stores nothing, but the attempt is on record: the status and the
        fields that were wrong, never the values."""
        detail = refused.detail
        fields = sorted(str(name) for name in detail) if isinstance(detail, dict) else []
        access_denied_record(
            actor=self.request.user,
            object_type=Response._meta.label_lower,
            reason=f"Refused ({refused.status_code}): {', '.join(fields) or refused.default_code}",
        )


def _check_self_scan(instrument: Instrument) -> None:
    if instrument.filled_by != Instrument.FilledBy.RESIDENT:
        raise ValidationError(
            {"instrument": [_("This questionnaire is filled in by or with a social worker.")]}
        )
    if instrument.purpose == Instrument.Purpose.SURVEY:
        # Counted in the satisfaction figures: only when we ask for it, in the portal.
        raise ValidationError(
            {"instrument": [_("You fill in this survey in the portal, when we ask for it.")]}
        )


def _check_measurement(user, dossier: Dossier, instrument: Instrument, data) -> None:
    """The same rules as recording one on the dossier page (measurements.measurement_start)."""
    errors = {}
    if not policy.can(user, "questionnaires.record_measurement", dossier):
        errors["dossier"] = [_("This dossier is closed. You cannot add a measurement.")]
    if instrument.purpose == Instrument.Purpose.SURVEY:
        errors["instrument"] = [
            _("This is an evaluation survey, not a measurement of the client's situation.")
        ]
    else:
        mode = measurements.measurement_mode(instrument)
        if data["mode"] != mode:
            errors["mode"] = [
                _("This questionnaire is filled in together with the client.")
                if mode == Response.Mode.TOGETHER
                else _("This scale is recorded by the social worker.")
            ]
        elif mode == Response.Mode.TOGETHER and not data.get("client_consents"):
            errors["client_consents"] = [_("Ask the client first whether they agree.")]
    if errors:
        raise ValidationError(errors)


def _answers_save(response: Response, answers: dict) -> None:
    """Through the service, with one check more: JSON has numbers, so text for a question
    on the scale is refused (the service accepts it from HTML forms). All messages at once,
    per item code."""
    on_scale = {item.code for item in response.version.items.all() if item.is_scale}
    errors = {
        code: [_("Give a whole number, not text.")]
        for code, value in answers.items()
        if code in on_scale and isinstance(value, str)
    }
    try:
        answering.response_answer_save(
            response=response,
            answers={code: value for code, value in answers.items() if code not in errors},
        )
    except DjangoValidationError as invalid:
        errors = {**invalid.message_dict, **errors}
    if errors:
        raise ValidationError({"answers": errors})


def _check_version(response: Response, number: int | None) -> None:
    """The answers were given on `number`; after a new version came into use they may not
    fit it, so they are refused rather than stored on the wrong wording."""
    if number is not None and number != response.version.number:
        raise ValidationError(
            {
                "version": [
                    _(
                        "Version %(given)d is not in use (any more). The current version is "
                        "%(current)d: load the questionnaire again."
                    )
                    % {"given": number, "current": response.version.number}
                ]
            }
        )


@extend_schema(
    summary="One self-scan or measurement",
    parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
)
class ResponseDetail(generics.RetrieveAPIView):
    """With answers, dimension scores and the overall figure. A response you may not see
    is a 404, the same as one that does not exist. Logged."""

    serializer_class = QuestionnaireResponseSerializer
    permission_classes = [AnyPolicyPermission]
    policy_permissions = {"GET": READS_RESPONSES}

    def get_object(self):
        return access.response_for_actor(actor=self.request.user, pk=self.kwargs["pk"])
