"""The dossier API: thin views over the selectors (who may read what, logged) and the
services (every change). Each view maps its HTTP methods to policy permissions; anything
unmapped is refused (apps.accounts.api.permissions.PolicyPermission)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.settings import api_settings

from apps.audit.models import AccessLogEntry
from apps.audit.services import access_log_record
from apps.dossiers import selectors, services
from apps.dossiers.api.filters import DossierFilter
from apps.dossiers.api.serializers import (
    ClientSerializer,
    ContactMomentSerializer,
    DossierSerializer,
    ReferralSerializer,
    RegisteredQuestionSerializer,
)
from apps.dossiers.models import Client, ContactMoment, Dossier, RegisteredQuestion

CASEWORK = "dossiers.view_caseload"


def call_service(service, **arguments):
    """A service's validation errors become a 400 with the errors per field."""
    try:
        return service(**arguments)
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):
            raise ValidationError(error.message_dict) from error
        raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: error.messages}) from error


class LoggedListMixin:
    """A list page writes one access-log row: what was asked and which records it showed."""

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        query = request.GET.urlencode()
        shown = ", ".join(str(record.pk) for record in page)
        access_log_record(
            actor=request.user,
            action=AccessLogEntry.Action.SEARCH,
            object_type=queryset.model._meta.label_lower,
            reason=f"{query} → {shown}" if query else shown,
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class InDossierMixin:
    """Endpoints under /dossiers/{dossier_pk}/: the dossier is read once and logged, after
    the permission check and before any input is looked at (not yours: 404, also for a
    POST with bad input)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if hasattr(self, request.method.lower()):
            self.dossier = selectors.dossier_for_actor(
                actor=request.user, pk=self.kwargs["dossier_pk"]
            )


@extend_schema(summary="Clients with a dossier in one of your teams")
class ClientList(LoggedListMixin, generics.ListAPIView):
    """For social workers and team leaders. Each page is written to the access log."""

    queryset = Client.objects.none()  # for the schema; get_queryset() decides
    serializer_class = ClientSerializer
    policy_permissions = {"GET": CASEWORK}

    def get_queryset(self):
        return selectors.clients_for_actor(actor=self.request.user)


@extend_schema(summary="One client")
class ClientDetail(generics.RetrieveAPIView):
    """A client with a dossier in one of your teams; any other id is a 404. Logged."""

    serializer_class = ClientSerializer
    policy_permissions = {"GET": CASEWORK}

    def get_object(self):
        return selectors.client_for_actor(actor=self.request.user, pk=self.kwargs["pk"])


@extend_schema(summary="Dossiers of your teams")
class DossierList(LoggedListMixin, generics.ListAPIView):
    """Every status, newest first, with the registered questions. Each page is logged."""

    queryset = Dossier.objects.none()  # for the schema; get_queryset() decides
    serializer_class = DossierSerializer
    filterset_class = DossierFilter
    policy_permissions = {"GET": CASEWORK}

    def get_queryset(self):
        return selectors.dossiers_for_actor(actor=self.request.user)


@extend_schema(summary="One dossier")
class DossierDetail(generics.RetrieveAPIView):
    """A dossier of your teams (or one opened with break the glass on the pages); any
    other id is a 404. Logged."""

    serializer_class = DossierSerializer
    policy_permissions = {"GET": CASEWORK}

    def get_object(self):
        return selectors.dossier_for_actor(actor=self.request.user, pk=self.kwargs["pk"])


@extend_schema_view(
    get=extend_schema(summary="Contact moments of a dossier, latest first"),
    post=extend_schema(
        summary="Log a contact moment",
        examples=[
            OpenApiExample(
                "A home visit",
                request_only=True,
                value={
                    "occurred_at": "2025-03-04T10:30:00+01:00",
                    "mode": "home_visit",
                    "duration_minutes": 45,
                    "notes": "Post doorgenomen, twee aanmaningen.",
                    "client_summary": "We hebben samen je post bekeken.",
                },
            )
        ],
    ),
)
class ContactMomentList(InDossierMixin, generics.ListCreateAPIView):
    """The dossier's contact moments with the team's own notes. A new one cannot lie in the
    future or before the dossier started, nor be added to a closed dossier."""

    queryset = ContactMoment.objects.none()  # for the schema; get_queryset() decides
    serializer_class = ContactMomentSerializer
    policy_permissions = {"GET": CASEWORK, "POST": CASEWORK}

    def get_queryset(self):
        return selectors.dossier_contact_moments(dossier=self.dossier)

    def perform_create(self, serializer):
        serializer.instance = call_service(
            services.contact_moment_log,
            dossier=self.dossier,
            actor=self.request.user,
            **serializer.validated_data,
        )


@extend_schema_view(
    get=extend_schema(summary="Questions registered in a dossier"),
    post=extend_schema(
        summary="Register a question",
        examples=[
            OpenApiExample(
                "Debts",
                request_only=True,
                value={
                    "theme": "geldzaken-regelgeving",
                    "subcategory": "Schulden",
                    "description": "Ik kom niet rond.",
                },
            )
        ],
    ),
)
class QuestionList(InDossierMixin, generics.ListCreateAPIView):
    """The questions the client brings, each under one of the social themes (by code)."""

    queryset = RegisteredQuestion.objects.none()  # for the schema; get_queryset() decides
    serializer_class = RegisteredQuestionSerializer
    policy_permissions = {"GET": CASEWORK, "POST": CASEWORK}

    def get_queryset(self):
        return selectors.dossier_questions(dossier=self.dossier)

    def perform_create(self, serializer):
        serializer.instance = call_service(
            services.question_register,
            dossier=self.dossier,
            actor=self.request.user,
            **serializer.validated_data,
        )


@extend_schema(
    summary="Send a referral to a team's intake queue (partner systems)",
    examples=[
        OpenApiExample(
            "From a GP",
            request_only=True,
            value={
                "first_name": "Fatima",
                "last_name": "El Amrani",
                "birth_date": "1961-04-12",
                "postcode": "3811 AB",
                "house_number": "12",
                "phone": "06 12345678",
                "question": "Mevrouw heeft schulden en slaapt slecht. Zij wil hulp.",
            },
        )
    ],
)
class ReferralCreate(generics.CreateAPIView):
    """For partner systems with a token. The referral waits in the intake queue of the
    team; the answer is a receipt and repeats none of the person's data."""

    serializer_class = ReferralSerializer
    policy_permissions = {"POST": "dossiers.add_referral"}
    throttle_scope = "referrals"  # a lower limit on top of the partner's own

    def perform_create(self, serializer):
        serializer.instance = call_service(
            services.referral_receive,
            partner=self.request.user,
            **serializer.validated_data,
        )
