from django import forms
from django.conf import settings
from django.forms import inlineformset_factory
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.core.validators import format_phone
from apps.dossiers.models import Client
from apps.learning.models import LearningPath, PathVersion
from apps.portal.models import Activity, InformalHelpRequest, Journey, JourneyStep
from apps.questionnaires import selectors as questionnaire_selectors


class SearchForm(forms.Form):
    q = forms.CharField(label=_("What are you looking for?"), max_length=200, required=False)


class JourneyForm(forms.ModelForm):
    class Meta:
        model = Journey
        fields = ["theme", "question", "slug", "summary", "introduction", "position"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "introduction": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "introduction": _("Short sentences, at B1 level. A blank line starts a new paragraph.")
        }


class JourneyStepForm(forms.ModelForm):
    class Meta:
        model = JourneyStep
        fields = [
            "position",
            "kind",
            "title",
            "body",
            "instrument_code",
            "search_words",
            "link_url",
            "link_label",
            "learning_path",
        ]
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, scan_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = JourneyStep._meta.get_field("instrument_code")
        self.fields["instrument_code"] = forms.ChoiceField(
            label=capfirst(field.verbose_name),
            help_text=field.help_text,
            required=False,
            choices=[("", _("No self-scan")), *scan_choices],
        )
        # Only a path residents can start: one with a published version.
        self.fields["learning_path"].queryset = LearningPath.objects.filter(
            versions__status=PathVersion.Status.PUBLISHED
        ).order_by("slug")
        self.fields["learning_path"].empty_label = _("No learning path")


def journey_steps_formset(*, journey, data=None):
    """The steps of a journey as forms: the self-scans to choose from read once for all."""
    scan_choices = [
        (version.instrument.code, version.instrument.name)
        for version in questionnaire_selectors.self_scan_versions()
    ]
    return JourneyStepFormSet(
        data, instance=journey, prefix="steps", form_kwargs={"scan_choices": scan_choices}
    )


JourneyStepFormSet = inlineformset_factory(
    Journey,
    JourneyStep,
    form=JourneyStepForm,
    extra=1,
    can_delete=True,
    max_num=20,
    validate_max=True,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by the service (apps/dossiers/uploads.py)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(one, initial) for one in data if one]
        return [single(data, initial)] if data else []


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    uploads = MultipleFileField(label=_("Add photos or PDFs"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["uploads"].help_text = _(
            "At most 3 files, each at most %(limit)s MB: a photo (JPEG or PNG) or a PDF."
        ) % {"limit": settings.ATTACHMENT_MAX_MEGABYTES}


class ThreadForm(MessageForm):
    subject = forms.CharField(label=_("Subject"), max_length=150)
    field_order = ["subject", "body", "uploads"]


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "title",
            "kind",
            "theme",
            "team",
            "description",
            "place",
            "starts_at",
            "ends_at",
            "capacity",
            "status",
            "cohort",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "ends_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def __init__(self, *args, teams, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["theme"].empty_label = _("No theme")
        self.fields["cohort"].queryset = cohorts
        self.fields["cohort"].empty_label = _("None: open to everyone")


class AttendanceForm(forms.Form):
    attended = forms.TypedChoiceField(
        choices=[("yes", _("Was there")), ("no", _("Was not there"))],
        coerce=lambda value: value == "yes",
    )


class InformalHelpForm(forms.ModelForm):
    class Meta:
        model = InformalHelpRequest
        fields = ["kind", "description", "when", "postcode", "phone"]
        widgets = {
            "kind": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "kind": _("What kind of help would you like?"),
            "description": _("Tell us a bit more"),
            "when": _("When would suit you?"),
            "postcode": _("Your postcode"),
            "phone": _("Phone number for the volunteer"),
        }
        help_texts = {
            "description": _("For example: I would like someone to walk with me once a week."),
            "when": _("For example: weekday mornings."),
            "phone": _("The volunteer calls you to make an appointment."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radio buttons without the empty "choose" option of a select.
        self.fields["kind"].choices = InformalHelpRequest.Kind.choices


class MatchForm(forms.Form):
    volunteer = forms.ModelChoiceField(
        label=_("Volunteer"), queryset=User.objects.none(), empty_label=_("Choose a volunteer")
    )
    note = forms.CharField(
        label=_("Note for the volunteer"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers


class PreferencesForm(forms.Form):
    email_notifications = forms.BooleanField(
        label=_("E-mail me when there is a message for me or news about an activity"),
        help_text=_("The e-mail never says what the message is about."),
        required=False,
    )


class OwnDetailsForm(forms.ModelForm):
    """A resident's own contact details, as their client record keeps them. Without a
    client record (nobody supports them yet) only their name: the form for help asks the
    rest when they need it."""

    class Meta:
        model = Client
        fields = [
            "first_name",
            "last_name",
            "phone",
            "street",
            "house_number",
            "postcode",
            "city",
            "contact_preference",
        ]
        labels = {"contact_preference": _("How would you like us to contact you?")}
        widgets = {
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "street": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
        }

    def __init__(self, *args, has_client_record: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        if not has_client_record:
            for name in self.Meta.fields[2:]:
                del self.fields[name]
        elif self.instance.phone and not self.is_bound:
            # As the resident writes it ("06 12345678"), not as stored ("+31612345678").
            self.initial["phone"] = format_phone(self.instance.phone)
