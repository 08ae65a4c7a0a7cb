import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from apps.audit.models import AccessLogEntry


class AccessLogFilter(django_filters.FilterSet):
    actor_email = django_filters.CharFilter(
        label=_("User (e-mail)"), field_name="actor_email", lookup_expr="icontains"
    )
    object_type = django_filters.CharFilter(
        label=_("Kind of record"),
        help_text=_("For example accounts.user"),
        lookup_expr="iexact",
    )
    object_id = django_filters.CharFilter(label=_("Record number"))
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=AccessLogEntry.Action.choices, empty_label=_("All actions")
    )
    occurred_from = django_filters.DateFilter(
        label=_("From"),
        field_name="occurred_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    occurred_until = django_filters.DateFilter(
        label=_("Until"),
        field_name="occurred_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AccessLogEntry
        fields = []

    def describe(self) -> str:
        """The filters in use, for the log row that records a search or an export."""
        data = self.form.cleaned_data if self.is_valid() else {}
        used = {name: value for name, value in data.items() if value not in (None, "")}
        return "; ".join(f"{name}={value}" for name, value in sorted(used.items()))
