from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.learning.models import Enrolment, Module, PathVersion, Step, StepProgress


class StepOutlineSerializer(serializers.ModelSerializer):
    class Meta:
        model = Step
        fields = ["id", "kind", "title", "minutes"]


class ModuleOutlineSerializer(serializers.ModelSerializer):
    steps = StepOutlineSerializer(many=True, read_only=True)

    class Meta:
        model = Module
        fields = ["id", "title", "steps"]


class PathSerializer(serializers.ModelSerializer):
    """A published path: what it is, and its outline (the steps' content stays on the
    learner's pages and in the path file authors export)."""

    slug = serializers.CharField(source="path.slug")
    theme = serializers.CharField(source="path.theme.code")
    version = serializers.IntegerField(source="number")
    modules = ModuleOutlineSerializer(many=True, read_only=True)

    class Meta:
        model = PathVersion
        fields = [
            "slug",
            "version",
            "title",
            "summary",
            "theme",
            "level",
            "audience",
            "duration_minutes",
            "published_at",
            "modules",
        ]


class PathListSerializer(PathSerializer):
    class Meta(PathSerializer.Meta):
        fields = [name for name in PathSerializer.Meta.fields if name != "modules"]


class StepProgressSerializer(serializers.ModelSerializer):
    """One step's progress. A reflection is the learner's own: the facilitator reads it
    only when the learner shared it."""

    step = serializers.IntegerField(source="step_id")
    reflection = serializers.SerializerMethodField()

    class Meta:
        model = StepProgress
        fields = ["step", "completed_at", "quiz_score", "reflection", "reflection_shared"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reflection(self, progress) -> str | None:
        reader = self.context["request"].user
        if progress.enrolment.learner_id == reader.pk or progress.reflection_shared:
            return progress.reflection
        return None


class EnrolmentSerializer(serializers.ModelSerializer):
    path = serializers.CharField(source="path.slug", read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)
    learner = serializers.SerializerMethodField()
    group = serializers.IntegerField(source="cohort_id", read_only=True, allow_null=True)
    steps_total = serializers.IntegerField(read_only=True)
    steps_done = serializers.IntegerField(read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "path",
            "version",
            "learner",
            "group",
            "enrolled_at",
            "last_activity_at",
            "completed_at",
            "steps_total",
            "steps_done",
        ]

    @extend_schema_field(serializers.CharField())
    def get_learner(self, enrolment) -> str:
        return enrolment.learner.get_full_name() or enrolment.learner.email


class EnrolmentDetailSerializer(EnrolmentSerializer):
    progress = StepProgressSerializer(many=True, read_only=True)

    class Meta(EnrolmentSerializer.Meta):
        fields = [*EnrolmentSerializer.Meta.fields, "progress"]


class EnrolInSerializer(serializers.Serializer):
    path = serializers.SlugField(help_text="The path's slug, such as grip-op-je-geld.")
