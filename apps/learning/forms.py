from django import forms
from django.utils.translation import gettext_lazy as _


class ReflectionForm(forms.Form):
    reflection = forms.CharField(
        label=_("Your answer"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Only you read this, unless you share it."),
    )
    share = forms.BooleanField(
        label=_("Share my answer with the facilitator of my group"), required=False
    )


class ChecklistForm(forms.Form):
    ticked = forms.TypedMultipleChoiceField(
        label=_("What did you do?"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ticked"].choices = list(enumerate(items))


class ExerciseForm(forms.Form):
    upload = forms.FileField(
        label=_("Your result (a photo or PDF)"),
        required=False,
        help_text=_("A photo (JPEG or PNG) or a PDF, at most 10 MB."),
    )

    def __init__(self, *args, required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["upload"].required = required


class PathImportForm(forms.Form):
    file = forms.FileField(
        label=_("Path file (YAML or JSON)"),
        help_text=_("A file exported from Buurtkompas, or written by the format's description."),
    )
