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


class CohortForm(forms.Form):
    """A new group: its path, name, team and start; the modules' opening dates are added
    per module (`opens_<module id>`) by the view, from the chosen path's modules."""

    version = forms.ModelChoiceField(label=_("Learning path"), queryset=None)
    name = forms.CharField(label=_("Name of the group"), max_length=150)
    team = forms.ModelChoiceField(label=_("Team"), queryset=None)
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, versions, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = versions
        self.fields["team"].queryset = teams
        only = list(teams[:2])
        if len(only) == 1:
            self.fields["team"].initial = only[0].pk


class ScheduleForm(forms.Form):
    """When each module of a group's path opens."""

    def __init__(self, *args, modules, **kwargs):
        super().__init__(*args, **kwargs)
        for number, module in enumerate(modules, start=1):
            self.fields[f"opens_{module.pk}"] = forms.DateField(
                label=_("Part %(number)s: %(title)s") % {"number": number, "title": module.title},
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            )

    def openings(self) -> dict[int, object]:
        return {
            int(name.removeprefix("opens_")): value
            for name, value in self.cleaned_data.items()
            if value
        }


class MemberForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the resident"),
        help_text=_("The address of their Buurtkompas account."),
    )


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Your message to the group"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
