from django import forms
from django.utils.translation import gettext_lazy as _


class ExportReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you exporting this part of the access log?"),
        help_text=_(
            "For example: a resident asks to see their data, or an incident is investigated."
        ),
        min_length=10,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
