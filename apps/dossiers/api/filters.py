import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from apps.accounts import policy
from apps.dossiers.models import Dossier, RegisteredQuestion
from apps.organisation.models import Team, Theme


@extend_schema_field(OpenApiTypes.STR)
class ThemeCodeFilter(django_filters.ModelChoiceFilter):
    """A theme by its code, such as `geldzaken-regelgeving`."""


def _own_teams(request):
    if request is None:
        return Team.objects.none()
    return Team.objects.filter(pk__in=policy.team_ids_of(request.user))


class DossierFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Dossier.Status.choices, help_text=_("Status"))
    team = django_filters.ModelChoiceFilter(
        queryset=_own_teams, help_text=_("Id of one of your own teams")
    )
    theme = ThemeCodeFilter(
        queryset=Theme.objects.all(),
        to_field_name="code",
        method="filter_theme",
        help_text=_("Code of a theme of one of the dossier's questions"),
    )
    client = django_filters.NumberFilter(
        field_name="client_id",
        min_value=1,
        max_value=2**63 - 1,  # a database id; larger numbers overflowed in SQLite
        help_text=_("Id of the client"),
    )
    started_on = django_filters.DateFromToRangeFilter(
        help_text=_("Start date from (_after) and up to and including (_before)")
    )

    class Meta:
        model = Dossier
        fields = []

    def filter_theme(self, queryset, name, value):
        return queryset.filter(
            Exists(RegisteredQuestion.objects.filter(dossier=OuterRef("pk"), theme=value))
        )
