"""The selection above every report page: period, area, team and theme.

The choices list only what the user may see. A request for a municipality, area or team
outside that (a link shared by a colleague, an edited address) is refused with 403 and
logged, rather than quietly shown as "no such choice".
"""

from datetime import date

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts import policy
from apps.core.forms import LongSelect
from apps.effects.models import Figure
from apps.effects.selectors import Selection
from apps.organisation.models import Municipality, Neighbourhood, Team, Theme

MONTH_FORMAT = "%Y-%m"
EARLIEST_MONTH = date(2000, 1, 1)
LONGEST_PERIOD_MONTHS = 10 * 12
DEFAULT_PERIOD_MONTHS = 12


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def months_back(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def month_count(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=MONTH_FORMAT)


def check_period(form: forms.Form, cleaned: dict) -> None:
    """Adds the form's errors on its months `start` and `end`: in order, not in the
    future, at most LONGEST_PERIOD_MONTHS long."""
    start, end = cleaned.get("start"), cleaned.get("end")
    this_month = first_of_month(timezone.localdate())
    if start and start < EARLIEST_MONTH:
        form.add_error("start", _("Choose a month from January 2000 on."))
    if start and start > this_month:
        form.add_error("start", _("The period cannot start after this month."))
    if end and end > this_month:
        form.add_error("end", _("The period cannot end after this month."))
    if start and end and start > end:
        form.add_error("end", _("The end of the period lies before its start."))
    elif start and end and month_count(start, end) > LONGEST_PERIOD_MONTHS:
        form.add_error("end", _("Choose a period of at most %(years)s years.") % {"years": 10})


class ReportFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        check_period(self, cleaned)
        area, municipality = cleaned.get("area"), cleaned.get("municipality")
        if area and municipality and area.municipality_id != municipality.pk:
            self.add_error("area", _("This area lies in another municipality."))
        return cleaned


class LabelChoiceIterator(django_filters.fields.ModelChoiceIterator):
    """The options as (pk, label) from a few columns, without building a model instance
    for each: a hundred teams or areas. The field says which columns and how they make
    the label that str() of the record gives."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        label = self.field.option_label
        for pk, *values in self.queryset.values_list("pk", *self.field.option_columns):
            yield (pk, label(*values))


class LabelChoiceField(django_filters.fields.ModelChoiceField):
    iterator = LabelChoiceIterator

    def __init__(self, *args, option_columns=("name",), option_label=str, **kwargs):
        self.option_columns = option_columns
        self.option_label = option_label
        super().__init__(*args, **kwargs)


class LabelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = LabelChoiceField


def _choice(label, queryset, empty_label, **options) -> LabelChoiceFilter:
    """A choice from a list that the selectors read, not a filter of the queryset."""
    return LabelChoiceFilter(
        label=label,
        queryset=queryset,
        empty_label=empty_label,
        method="keep",
        widget=LongSelect,
        **options,
    )


class ReportFilter(django_filters.FilterSet):
    start = django_filters.DateFilter(
        label=_("From (month)"), widget=MonthInput, input_formats=[MONTH_FORMAT], method="keep"
    )
    end = django_filters.DateFilter(
        label=_("Up to and including (month)"),
        widget=MonthInput,
        input_formats=[MONTH_FORMAT],
        method="keep",
    )
    # The querysets of the places are set per user in __init__.
    municipality = _choice(_("Municipality"), Municipality.objects.none(), _("All municipalities"))
    area = _choice(
        _("District or neighbourhood"),
        Neighbourhood.objects.none(),
        _("All areas"),
        option_columns=("name", "municipality__name"),
        option_label=Neighbourhood.label_of,
    )
    team = _choice(_("Team"), Team.objects.none(), _("All teams"))
    theme = _choice(
        _("Theme"),
        Theme.objects.all(),
        _("All themes"),
        option_columns=("name_nl", "name_en"),
        option_label=Theme.name_of,
    )

    class Meta:
        model = Figure
        fields = []
        form = ReportFilterForm

    def __init__(self, data=None, *, user, **kwargs):
        if data is not None and not (data.get("start") or data.get("end")):
            # The form shows the period the page shows: the last twelve months.
            data = data.copy()
            this_month = first_of_month(timezone.localdate())
            data["start"] = months_back(this_month, DEFAULT_PERIOD_MONTHS - 1).strftime(
                MONTH_FORMAT
            )
            data["end"] = this_month.strftime(MONTH_FORMAT)
        super().__init__(data, queryset=Figure.objects.none(), **kwargs)
        self.user = user
        teams = Team.objects.order_by("name")
        municipalities = Municipality.objects.order_by("name")
        areas = Neighbourhood.objects.order_by("municipality__name", "kind", "name")
        if not policy.can(user, "effects.view_organisation_figures"):
            if policy.is_team_leader(user):
                teams = teams.filter(pk__in=policy.team_ids_of(user))
            else:
                own = policy.municipality_ids_of(user)
                teams = teams.filter(municipality_id__in=own)
                municipalities = municipalities.filter(pk__in=own)
                areas = areas.filter(municipality_id__in=own)
        self.filters["team"].queryset = teams
        self.filters["municipality"].queryset = municipalities
        self.filters["area"].queryset = self._areas_to_choose(areas, municipalities)

    def _areas_to_choose(self, areas, municipalities):
        """The districts and neighbourhoods of one municipality: the chosen one, the one
        of the chosen area, or the user's only one. An organisation has a thousand or more
        of them: too many for one list, and a list no one would read."""
        data = self.data or {}
        raw_municipality = data.get("municipality")
        municipality_ids = (
            {int(raw_municipality)}
            if raw_municipality and str(raw_municipality).isdigit()
            else set()
        )
        raw_area = data.get("area")
        if raw_area and str(raw_area).isdigit():
            # Its own municipality too: the form then says the two do not match.
            municipality_ids |= set(
                Neighbourhood.objects.filter(pk=int(raw_area)).values_list(
                    "municipality_id", flat=True
                )
            )
        if not municipality_ids:
            only = list(municipalities.values_list("pk", flat=True)[:2])
            municipality_ids = set(only) if len(only) == 1 else set()
        if not municipality_ids:
            self.filters["area"].extra["help_text"] = _(
                "Choose a municipality first, then one of its districts or neighbourhoods."
            )
            return areas.none()
        return areas.filter(municipality_id__in=municipality_ids)

    def keep(self, queryset, name, value):
        # The figures are read by apps.effects.selectors, not filtered here.
        return queryset

    def refuse_unserved(self) -> None:
        """403 for a municipality, area or team the user may not see (logged by the
        refusal middleware)."""
        checks = (
            ("team", Team, "effects.view_figures_of_team"),
            ("municipality", Municipality, "effects.view_figures_of_municipality"),
            ("area", Neighbourhood, "effects.view_figures_of_area"),
        )
        for name, model, permission in checks:
            raw = (self.data or {}).get(name)
            if not raw or not str(raw).isdigit():
                continue
            found = model.objects.filter(pk=int(raw)).first()
            if found is not None and not policy.can(self.user, permission, found):
                raise PermissionDenied

    def selection(self) -> Selection | None:
        """The valid selection, with the last twelve months by default; None when the
        form has errors."""
        if not self.form.is_valid():
            return None
        data = self.form.cleaned_data
        this_month = first_of_month(timezone.localdate())
        end = first_of_month(data.get("end") or this_month)
        start = first_of_month(data.get("start") or months_back(end, DEFAULT_PERIOD_MONTHS - 1))
        if start > end:
            return None
        return Selection(
            start=start,
            end=end,
            municipality=data.get("municipality"),
            area=data.get("area"),
            team=data.get("team"),
            theme=data.get("theme"),
        )
