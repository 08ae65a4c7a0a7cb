"""Learning paths through the API: the published paths for anyone (read-only), and
enrolments with their progress for the learner (their own, and enrolling themselves) and
for the facilitator of a group (its members'). Reads of a learner's progress are logged."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from apps.accounts import policy
from apps.audit.models import AccessLogEntry
from apps.audit.services import access_log_record
from apps.learning import selectors, services
from apps.learning.api.serializers import (
    EnrolInSerializer,
    EnrolmentDetailSerializer,
    EnrolmentSerializer,
    PathListSerializer,
    PathSerializer,
)
from apps.learning.models import Enrolment, Module, PathVersion, StepProgress


def _published():
    return PathVersion.objects.published().select_related("path__theme").order_by("path__slug")


@extend_schema(summary="The published learning paths", auth=[])
class PathList(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = PathListSerializer

    def get_queryset(self):
        versions = _published()
        theme = self.request.query_params.get("theme")
        return versions.filter(path__theme__code=theme) if theme else versions


@extend_schema(summary="One published learning path with its modules and steps", auth=[])
class PathDetail(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = PathSerializer
    lookup_field = "path__slug"
    lookup_url_kwarg = "slug"

    def get_queryset(self):
        return _published().prefetch_related(
            Prefetch("modules", Module.objects.prefetch_related("steps"))
        )


def _enrolments_for(user):
    """The learner's own enrolments, or those of the groups the caller runs."""
    if policy.can(user, "learning.view_own_enrolments"):
        mine = Q(learner=user)
    else:
        mine = Q(cohort__in=selectors.cohorts_run_by(actor=user).values("pk"))
    return (
        Enrolment.objects.filter(mine)
        .select_related("path", "version", "learner")
        .with_step_counts()
        .order_by("-enrolled_at", "-pk")
    )


class EnrolmentList(generics.ListCreateAPIView):
    """GET: your enrolments (a resident) or those of the groups you run (a facilitator).
    POST: a resident enrols in a published path."""

    queryset = Enrolment.objects.none()
    policy_permissions = {"GET": "learning.view_enrolment_list", "POST": "learning.enrol_self"}

    def get_serializer_class(self):
        return EnrolInSerializer if self.request.method == "POST" else EnrolmentSerializer

    def get_queryset(self):
        return _enrolments_for(self.request.user)

    def list(self, request, *args, **kwargs):
        answer = super().list(request, *args, **kwargs)
        shown = [str(row["id"]) for row in answer.data["results"]]
        if shown and not policy.can(request.user, "learning.view_own_enrolments"):
            access_log_record(
                actor=request.user,
                action=AccessLogEntry.Action.SEARCH,
                object_type="learning.enrolment",
                reason=", ".join(shown),
            )
        return answer

    @extend_schema(request=EnrolInSerializer, responses={201: EnrolmentSerializer})
    def create(self, request, *args, **kwargs):
        incoming = EnrolInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        path = selectors.path_or_404(incoming.validated_data["path"])
        try:
            enrolment = services.enrol(actor=request.user, path=path)
        except ValidationError as error:
            raise serializers.ValidationError({"path": error.messages}) from None
        enrolment = _enrolments_for(request.user).get(pk=enrolment.pk)
        return Response(
            EnrolmentSerializer(enrolment, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(summary="One enrolment with its progress per step")
class EnrolmentDetail(generics.RetrieveAPIView):
    queryset = Enrolment.objects.none()
    serializer_class = EnrolmentDetailSerializer
    policy_permissions = {"GET": "learning.view_enrolment_list"}
    policy_object_permissions = {"GET": "learning.view_enrolment"}

    def get_queryset(self):
        progress = StepProgress.objects.select_related("enrolment").order_by("step_id")
        return _enrolments_for(self.request.user).prefetch_related(Prefetch("progress", progress))

    def get_object(self):
        enrolment = super().get_object()
        if enrolment.learner_id != self.request.user.pk:
            access_log_record(
                actor=self.request.user, action=AccessLogEntry.Action.READ, obj=enrolment
            )
        return enrolment
