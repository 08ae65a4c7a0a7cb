from django import forms
from django.utils.translation import gettext_lazy as _

from apps.dossiers.models import ContactMoment, Dossier


class ContactMomentForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mode"].choices = [
            ("", _("Choose the kind of contact")),
            *ContactMoment.Mode.choices,
        ]

    class Meta:
        model = ContactMoment
        fields = ["occurred_at", "mode", "duration_minutes", "notes", "client_summary"]
        widgets = {
            "occurred_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "client_summary": forms.Textarea(attrs={"rows": 2}),
        }


class CloseDossierForm(forms.Form):
    closing_reason = forms.ChoiceField(
        label=_("Why does the dossier close?"), choices=Dossier.ClosingReason.choices
    )
    ended_on = forms.DateField(
        label=_("End date"),
        help_text=_("Leave empty for today."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class LongRunningExplanationForm(forms.Form):
    explanation = forms.CharField(
        label=_("Why does support take longer than 6 months?"),
        help_text=_("Your team leader reads this. A few sentences are enough."),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to open this dossier?"),
        help_text=_("Your reason is logged and shown to the team leader of this team."),
        min_length=10,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
