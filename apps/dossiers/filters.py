import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from apps.dossiers.models import ContactMoment, Dossier, RegisteredQuestion
from apps.organisation.models import Neighbourhood, Theme

OPEN_STATUSES = [(value, label) for value, label in Dossier.Status.choices if value != "closed"]


class CaseloadFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or postcode"), method="filter_search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=OPEN_STATUSES, empty_label=_("All")
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        method="filter_theme",
        empty_label=_("All themes"),
    )
    neighbourhood = django_filters.ModelChoiceFilter(
        label=_("District"),
        field_name="client__neighbourhood__district",
        queryset=Neighbourhood.objects.none(),
        empty_label=_("All districts"),
    )
    last_contact_mode = django_filters.ChoiceFilter(
        label=_("Last contact"), choices=ContactMoment.Mode.choices, empty_label=_("Any")
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("client__sort_name", "name"),
            ("started_on", "started"),
            ("last_contact_at", "last_contact"),
        ),
        field_labels={
            "name": _("Name"),
            "started": _("Start date"),
            "last_contact": _("Last contact"),
        },
        empty_label=_("Longest support first"),
    )

    class Meta:
        model = Dossier
        fields = []

    def __init__(self, *args, district_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        if district_queryset is not None:
            self.filters["neighbourhood"].queryset = district_queryset

    @classmethod
    def asks(cls, data) -> bool:
        """Anything to search, filter or sort by is in `data`."""
        return any(data.get(name) for name in cls.base_filters)

    @property
    def asked(self) -> bool:
        return self.asks(self.data)

    @property
    def in_use(self) -> bool:
        """A search, filter or order is set, or one of them is not right."""
        return self.asked and bool(self.form.changed_data or self.errors)

    @property
    def qs(self):
        # Nothing asked, as on most visits: the caseload as it is, without building the
        # form that would check every field.
        return super().qs if self.asked else self.queryset.all()

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        compact = value.replace(" ", "").upper()
        postcode = f"{compact[:4]} {compact[4:]}" if len(compact) > 4 else compact
        return queryset.filter(
            Q(client__first_name__icontains=value)
            | Q(client__last_name__icontains=value)
            | Q(client__postcode__startswith=postcode)
        )

    def filter_theme(self, queryset, name, value):
        return queryset.filter(
            Exists(RegisteredQuestion.objects.filter(dossier=OuterRef("pk"), theme=value))
        )
