from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

from apps.learning.models import (
    HelpOffer,
    LearningPath,
    Module,
    PathVersion,
    QuizOption,
    QuizQuestion,
    Step,
)
from apps.learning.transfer import self_scans
from apps.organisation.models import Theme


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


def step_form(step, progress, *, data=None, files=None):
    """The learner's form of a step, when its kind has one: their answer so far filled in."""
    kind = Step.Kind
    if step.kind == kind.REFLECTION:
        initial = None
        if progress is not None:
            initial = {"reflection": progress.reflection, "share": progress.reflection_shared}
        form = ReflectionForm(data, initial=initial)
        form.fields["reflection"].label = step.question
        return form
    if step.kind == kind.CHECKLIST:
        initial = {"ticked": progress.checklist_done} if progress else None
        return ChecklistForm(data, items=step.checklist_items, initial=initial)
    if step.kind == kind.EXERCISE and step.upload != Step.Upload.NONE:
        already = progress is not None and bool(progress.upload)
        required = step.upload == Step.Upload.REQUIRED and not already
        return ExerciseForm(data, files, required=required)
    return None


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


# --- Writing paths ----------------------------------------------------------------------

MARKDOWN_HELP = _(
    "Markdown: an empty line starts a new paragraph, **bold**, *italic*, a list with - , a "
    "link [words](https://...) and a picture ![what it shows](media:name.png)."
)


class VersionForm(forms.ModelForm):
    """What a version says about itself. The self-scans come from the portal's list."""

    class Meta:
        model = PathVersion
        fields = [
            "title",
            "summary",
            "introduction",
            "level",
            "audience",
            "duration_minutes",
            "pre_measurement",
            "post_measurement",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "introduction": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {"introduction": MARKDOWN_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scans = self_scans() or {}
        choices = [("", _("None")), *sorted(scans.items(), key=lambda item: item[1])]
        for name in ("pre_measurement", "post_measurement"):
            current = getattr(self.instance, name)
            if current and current not in scans:
                choices.append((current, current))
            self.fields[name] = forms.ChoiceField(
                label=self.fields[name].label, choices=choices, required=False
            )
        self.fields["duration_minutes"].min_value = 5
        self.fields["duration_minutes"].validators.append(MinValueValidator(5))


class PathNewForm(VersionForm):
    slug = forms.SlugField(
        label=_("Web address"),
        max_length=80,
        help_text=_("The last part of the page's address: small letters, digits and dashes."),
        validators=[
            RegexValidator(
                r"^[a-z0-9]+(-[a-z0-9]+)*$", _("Use small letters, digits and single dashes.")
            )
        ],
    )
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.order_by("position"))

    field_order = ["title", "slug", "theme", "summary"]


class ModuleAddForm(forms.Form):
    title = forms.CharField(label=_("Title of the new part"), max_length=150)


class ModuleForm(forms.ModelForm):
    class Meta:
        model = Module
        fields = ["title", "introduction"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"introduction": MARKDOWN_HELP}


class StepAddForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of step"), choices=Step.Kind.choices)
    title = forms.CharField(label=_("Title of the new step"), max_length=150)


class ChecklistItemsField(forms.CharField):
    """A checklist written one item per line."""

    widget = forms.Textarea(attrs={"rows": 5})

    def __init__(self, *, encoder=None, decoder=None, **kwargs):
        # Offered by the model's JSONField; the list is written as lines, not JSON.
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


# The fields of a step by its kind, besides its title, its time and its part; the first
# ones named in STEP_REQUIRED must be filled in (the format's rules for the kind).
STEP_REQUIRED = {
    Step.Kind.READING: {"body"},
    Step.Kind.VIDEO: {"video_url", "transcript"},
    Step.Kind.REFLECTION: {"question"},
    Step.Kind.QUIZ: set(),
    Step.Kind.EXERCISE: {"body"},
    Step.Kind.CHECKLIST: {"checklist_items"},
}
STEP_FIELDS = {
    Step.Kind.READING: ["body"],
    Step.Kind.VIDEO: ["body", "video_url", "transcript"],
    Step.Kind.REFLECTION: ["body", "question"],
    Step.Kind.QUIZ: ["body"],
    Step.Kind.EXERCISE: ["body", "upload"],
    Step.Kind.CHECKLIST: ["body", "checklist_items"],
}


class StepForm(forms.ModelForm):
    """A step's fields for its kind; `module` moves it to another part of the version."""

    class Meta:
        model = Step
        fields = [
            "module",
            "title",
            "minutes",
            *dict.fromkeys(name for names in STEP_FIELDS.values() for name in names),
        ]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 10}),
            "transcript": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {"body": MARKDOWN_HELP}
        field_classes = {"checklist_items": ChecklistItemsField}
        labels = {"module": _("Part")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        step = self.instance
        for name in set(self.fields) - {"module", "title", "minutes", *STEP_FIELDS[step.kind]}:
            del self.fields[name]
        for name in STEP_REQUIRED[step.kind]:
            self.fields[name].required = True
        self.fields["module"].queryset = Module.objects.filter(version_id=step.module.version_id)
        self.fields["module"].empty_label = None
        self.fields["minutes"].validators.append(MaxValueValidator(240))
        if "checklist_items" in self.fields:
            self.fields["checklist_items"].help_text = _("One thing to do per line.")
        if "video_url" in self.fields:
            self.fields["video_url"].validators.append(
                RegexValidator(r"^https://", _("The address starts with https://."))
            )


class QuestionForm(forms.ModelForm):
    class Meta:
        model = QuizQuestion
        fields = ["text"]


class OptionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [
            form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if self.is_valid() and not any(form.cleaned_data.get("correct") for form in kept):
            raise forms.ValidationError(_("Mark at least one answer as right."))


def question_options_formset(*, question, data=None):
    """The answer options of a quiz question: at least two, one of them right."""
    factory = forms.inlineformset_factory(
        QuizQuestion,
        QuizOption,
        formset=OptionFormSet,
        fields=["text", "correct", "feedback"],
        widgets={"feedback": forms.Textarea(attrs={"rows": 2})},
        extra=1,
        min_num=2,
        validate_min=True,
        max_num=8,
        validate_max=True,
        can_delete=question.pk is not None,
    )
    return factory(data, instance=question, prefix="options")


class PictureForm(forms.Form):
    picture = forms.FileField(
        label=_("Picture (PNG or JPEG)"),
        help_text=_("At most 2 MB. Its name comes from the file's name."),
    )


class HelpOfferForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you offer?"),
        choices=HelpOffer.Kind.choices,
        widget=forms.RadioSelect,
        initial=HelpOffer.Kind.CALL,
    )
    message = forms.CharField(
        label=_("Your message"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The member reads it with their path. The e-mail only says there is a message."
        ),
    )
    path = forms.ModelChoiceField(
        label=_("Another learning path (for extra material)"),
        queryset=LearningPath.objects.none(),
        required=False,
        empty_label=_("None"),
    )

    def __init__(self, *args, paths, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["path"].queryset = paths
