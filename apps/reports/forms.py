from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

from apps.organisation.models import Municipality
from apps.reports.charts import format_number
from apps.reports.filters import MONTH_FORMAT, MonthInput, check_period, first_of_month
from apps.reports.models import MunicipalityReport, PreventedEvent

MAX_TEXT_LENGTH = 10_000
# The same as the schema of the export: nothing a spreadsheet reads as a formula.
PSEUDONYM_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 .-]*$"


class ReportStartForm(forms.Form):
    """A new municipality report: one of the municipalities the organisation works in,
    and a period of whole months."""

    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.filter(teams__isnull=False).distinct().order_by("name"),
        empty_label=_("Choose a municipality"),
        error_messages={"invalid_choice": _("We do not work in this municipality.")},
    )
    start = forms.DateField(
        label=_("From (month)"), widget=MonthInput, input_formats=[MONTH_FORMAT]
    )
    end = forms.DateField(
        label=_("Up to and including (month)"), widget=MonthInput, input_formats=[MONTH_FORMAT]
    )

    def clean(self):
        cleaned = super().clean()
        for name in ("start", "end"):
            if cleaned.get(name):
                cleaned[name] = first_of_month(cleaned[name])
        check_period(self, cleaned)
        return cleaned


class ReportTextsForm(forms.ModelForm):
    class Meta:
        model = MunicipalityReport
        fields = ["introduction", "findings", "outlook", "changes"]
        help_texts = {
            "introduction": _("Required to publish. Who we are and what this report covers."),
            "findings": _("What stands out in the figures, and what lies behind it."),
            "outlook": _("What we will do next, and what we ask of the municipality."),
            "changes": _("Required for a correction: what is different from the previous version."),
        }
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in fields}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.validators.append(MaxLengthValidator(MAX_TEXT_LENGTH))
            field.widget.attrs["maxlength"] = MAX_TEXT_LENGTH
        if self.instance.version == 1:
            del self.fields["changes"]


class ReportPublishForm(forms.Form):
    approve = forms.BooleanField(
        label=_(
            "I have read the preview and approve the texts and figures. Once published, "
            "the report cannot change."
        ),
        error_messages={"required": _("Tick the box to approve the report before publishing.")},
    )


class BenchmarkExportForm(forms.Form):
    pseudonym = forms.CharField(
        label=_("Pseudonym of our organisation"),
        min_length=2,
        max_length=40,
        help_text=_(
            "How other organisations will see us: a name that does not give us away, such "
            'as "Welzijn Oost". Letters, digits, spaces, dots and hyphens.'
        ),
        validators=[
            RegexValidator(
                PSEUDONYM_PATTERN,
                _("Use letters, digits, spaces, dots and hyphens; start with a letter or digit."),
            )
        ],
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years]

    def clean_pseudonym(self):
        pseudonym = " ".join(self.cleaned_data["pseudonym"].split())
        name = settings.ORGANISATION_NAME.casefold()
        if name and (name in pseudonym.casefold() or pseudonym.casefold() in name):
            raise forms.ValidationError(
                _("This gives our organisation away: choose a name that does not.")
            )
        return pseudonym


class BenchmarkPeerForm(forms.Form):
    file = forms.FileField(
        label=_("Another organisation's export (JSON)"),
        help_text=_("The JSON file of a sector benchmark export, at most %(megabytes)s MB.")
        % {"megabytes": settings.BENCHMARK_UPLOAD_MAX_MEGABYTES},
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.BENCHMARK_UPLOAD_MAX_MEGABYTES
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(megabytes)s MB: an export is never that large.")
                % {"megabytes": limit}
            )
        if upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(
                _("This is a CSV file: upload the JSON file of the export instead.")
            )
        return upload


class PreventedEventsForm(forms.Form):
    """Per cost item: not prevented, or how likely support prevented it."""

    with_client = forms.BooleanField(
        label=_("We judged this together with the client"), required=False
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        choices = [("", _("Not prevented, or we do not know")), *PreventedEvent.Likelihood.choices]
        for item in self.items:
            self.fields[f"item-{item.code}"] = forms.ChoiceField(
                label=item.name,
                choices=choices,
                required=False,
                help_text=_("%(amount)s per event. Source: %(source)s")
                % {"amount": f"\u20ac {format_number(float(item.amount))}", "source": item.source},
            )
        self.order_fields([*(f"item-{item.code}" for item in self.items), "with_client"])

    def likelihoods(self) -> dict[str, str]:
        return {
            item.code: self.cleaned_data[f"item-{item.code}"]
            for item in self.items
            if self.cleaned_data.get(f"item-{item.code}")
        }
