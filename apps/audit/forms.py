from django import forms
from django.utils.translation import gettext_lazy as _


class ExportReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you export this part of the access log?"),
        help_text=_("For example: a request for access by a resident, or an incident."),
        min_length=10,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
