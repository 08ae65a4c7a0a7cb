import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.questionnaires.services import answers_clean


class DimensionStepForm(forms.Form):
    """The questions of one dimension, each a choice on the version's scale. Every question
    may be skipped: an unanswered question does not count in the score."""

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
            self.fields[item.code] = forms.TypedChoiceField(
                label=item.text,
                choices=[(value, str(value)) for value in version.scale_values],
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect(attrs={"class": "bk-scale__input"}),
                help_text=meaning,
            )


class EarlierAnswersField(forms.CharField):
    """The answers of the earlier pages, carried along in the page for a resident without
    an account: nothing about them is stored on our side. Checked again on every page, so
    a changed value is refused, not scored."""

    widget = forms.HiddenInput

    def __init__(self, *, version, **kwargs):
        super().__init__(required=False, strip=False, **kwargs)
        self.version = version

    def to_python(self, value):
        if not value:
            return {}
        try:
            answers = json.loads(value)
        except ValueError:
            answers = None
        if not isinstance(answers, dict):
            raise ValidationError(_("Your earlier answers were lost. Please start again."))
        try:
            return answers_clean(version=self.version, answers=answers)
        except ValidationError as error:
            raise ValidationError(
                _(
                    "Your earlier answers were changed or belong to another version. "
                    "Please start again."
                )
            ) from error


class AnonymousStepForm(DimensionStepForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["earlier"] = EarlierAnswersField(version=self.version)

    def all_answers(self) -> dict:
        """The earlier pages' answers with this page's, for the next page or the result."""
        answers = dict(self.cleaned_data["earlier"])
        answers.update(
            {code: value for code, value in self.cleaned_data.items() if code != "earlier"}
        )
        return answers


class ShareForm(forms.Form):
    share = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda value: value == "yes"
    )
