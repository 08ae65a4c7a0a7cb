from django import forms
from django.utils.translation import gettext_lazy as _

from apps.dossiers.forms import HelpRequestForm
from apps.questionnaires.models import OPEN_TEXT_MAX_LENGTH, Instrument, Response


class ItemsForm(forms.Form):
    """Questions of an instrument version: a choice on the scale per scale question, a text
    box per open question. Every question may be skipped: an unanswered question does not
    count in the score.

    A question with its own answer descriptions (a ZRM domain, a rung of the ladder) offers
    them as the choices; the others show the bare numbers with the meaning of both ends."""

    def __init__(self, *args, version, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        low, high = version.scale_min, version.scale_max
        meaning = _("%(low)d is %(low_label)s, %(high)d is %(high_label)s.") % {
            "low": low,
            "low_label": version.label_for(low).lower() or low,
            "high": high,
            "high_label": version.label_for(high).lower() or high,
        }
        for item in items:
            if not item.is_scale:
                self.fields[item.code] = forms.CharField(
                    label=item.text,
                    required=False,
                    max_length=OPEN_TEXT_MAX_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 4}),
                )
                self.fields[item.code].is_open = True
                continue
            described = bool(item.anchors)
            self.fields[item.code] = forms.TypedChoiceField(
                label=item.text,
                choices=[
                    (value, _described(item, value) if described else str(value))
                    for value in version.scale_values
                ],
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect(attrs={"class": "bk-scale__input"}),
                help_text="" if described else meaning,
            )
            self.fields[item.code].described = described
            self.fields[item.code].dimension_id = item.dimension_id


def _described(item, value) -> str:
    """ "3. Limited self-sufficiency: pays the fixed costs, ...": the level's name from the
    scale, then what it means for this question."""
    level, meaning = item.version.label_for(value), item.label_for(value)
    if level and meaning and level != meaning:
        return f"{value}. {level}: {meaning}"
    return f"{value}. {meaning or level}"


class DimensionStepForm(ItemsForm):
    """The scale questions of one dimension: one page of a self-scan."""


class ShareForm(forms.Form):
    share = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda value: value == "yes"
    )


class InstrumentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class MeasurementStartForm(forms.Form):
    instrument = InstrumentChoiceField(
        label=_("Questionnaire"), queryset=Instrument.objects.none(), empty_label=None
    )
    moment = forms.ChoiceField(
        label=_("Moment"), choices=Response.Moment.choices, initial=Response.Moment.DURING
    )
    client_consents = forms.BooleanField(
        label=_("The client is here and agrees to fill this in together"),
        help_text=_(
            "Only needed for a scan the client fills in with you, not for ZRM or the ladder."
        ),
        required=False,
    )

    def __init__(self, *args, instruments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = instruments


class AssignmentForm(forms.Form):
    instrument = InstrumentChoiceField(
        label=_("Scan"), queryset=Instrument.objects.none(), empty_label=None
    )
    moment = forms.ChoiceField(
        label=_("Moment"), choices=Response.Moment.choices, initial=Response.Moment.DURING
    )

    def __init__(self, *args, instruments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = instruments


class CompareForm(forms.Form):
    first = forms.IntegerField(label=_("First measurement"), min_value=1)
    second = forms.IntegerField(label=_("Second measurement"), min_value=1)


class TalkForm(HelpRequestForm):
    """ "I would like to talk about this": the request for help of every portal page, and
    whether the scan goes along."""

    attach_scan = forms.BooleanField(
        label=_("Send my scan along. The team can then see my answers."),
        help_text=_("If you do not tick this, we only send your question."),
        required=False,
    )
