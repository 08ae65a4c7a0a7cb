import django_filters
from django.utils.translation import gettext_lazy as _

from apps.questionnaires.models import Response


class ResponseFilter(django_filters.FilterSet):
    """Narrows what the requester may see anyway (access.responses_for_actor)."""

    instrument = django_filters.CharFilter(
        field_name="version__instrument__code",
        max_length=50,
        help_text=_("Code of the instrument, such as `positive-health`"),
    )
    client = django_filters.NumberFilter(
        field_name="client_id",
        min_value=1,
        max_value=2**63 - 1,  # a database id; larger numbers overflowed in SQLite
        help_text=_("Id of the client"),
    )
    status = django_filters.ChoiceFilter(choices=Response.Status.choices, help_text=_("Status"))

    class Meta:
        model = Response
        fields = []
