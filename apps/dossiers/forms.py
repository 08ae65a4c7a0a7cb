import uuid

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from apps.core.fields import HouseNumberFormField, PhoneNumberFormField, PostcodeFormField
from apps.dossiers.models import (
    Action,
    Client,
    ContactMoment,
    Dossier,
    IntakeRequest,
    LifeEvent,
    NetworkMember,
)
from apps.organisation.models import Theme


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = [
            "first_name",
            "last_name",
            "birth_date",
            "street",
            "house_number",
            "postcode",
            "city",
            "neighbourhood",
            "phone",
            "email",
            "contact_preference",
        ]

    def __init__(self, *args, neighbourhoods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = neighbourhoods
        self.fields["neighbourhood"].empty_label = _("Not known")


class ContactMomentForm(forms.ModelForm):
    """A contact moment, ready to save in two taps: the time is now, the kind and length
    are those of the worker's last one (`worker`), all still to change."""

    submission = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, worker=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mode"].choices = [
            ("", _("Choose the kind of contact")),
            *ContactMoment.Mode.choices,
        ]
        if not self.is_bound:
            self.initial.setdefault("submission", uuid.uuid4())
            self.initial.setdefault(
                "occurred_at", timezone.localtime().replace(second=0, microsecond=0)
            )
            habit = ContactMoment.objects.last_habit_of(worker) if worker is not None else None
            for name, value in (habit or {}).items():
                self.initial.setdefault(name, value)

    class Meta:
        model = ContactMoment
        fields = ["occurred_at", "mode", "duration_minutes", "notes", "client_summary"]
        widgets = {
            # The format a datetime-local input reads, to the minute.
            "occurred_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
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


class LegalHoldForm(forms.Form):
    hold = forms.TypedChoiceField(
        label=_("Keep this dossier after the retention period?"),
        choices=[("yes", _("Yes, keep it")), ("no", _("No, normal retention"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Why is it kept?"),
        help_text=_("For example: a court case. Needed when you keep it."),
        required=False,
        max_length=300,
    )

    def __init__(self, *args, prefix="hold", **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to open this dossier?"),
        help_text=_("Your reason is logged and shown to the team leader of this team."),
        min_length=10,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


QUESTION_ROWS = 3


class ErasureAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer to the resident"),
        help_text=_(
            "What you deleted, what we must keep by law and until when. The resident reads "
            "this in the portal."
        ),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class IntakeConvertForm(forms.Form):
    """Choose new client or one of the look-alikes, and register up to three questions."""

    NEW_CLIENT = "new"

    client_choice = forms.ChoiceField(label=_("Who is this?"), widget=forms.RadioSelect)

    def __init__(self, *args, duplicates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicates = {str(client.pk): client for client in duplicates}
        self.fields["client_choice"].choices = [
            (self.NEW_CLIENT, _("A new client")),
            *[
                (
                    pk,
                    _("Already known: %(name)s, %(postcode)s %(number)s")
                    % {"name": c.full_name, "postcode": c.postcode, "number": c.house_number},
                )
                for pk, c in self.duplicates.items()
            ],
        ]
        self.fields["client_choice"].initial = self.NEW_CLIENT
        for row in range(1, QUESTION_ROWS + 1):
            self.fields[f"theme_{row}"] = forms.ModelChoiceField(
                label=_("Theme of question %(number)s") % {"number": row},
                queryset=Theme.objects.all(),
                required=row == 1,
                empty_label=_("Choose a theme"),
            )
            self.fields[f"subcategory_{row}"] = forms.CharField(
                label=_("Subcategory of question %(number)s") % {"number": row},
                required=False,
                max_length=100,
            )

    @property
    def existing_client(self):
        return self.duplicates.get(self.cleaned_data["client_choice"])

    @property
    def questions(self):
        return [
            (self.cleaned_data[f"theme_{row}"], self.cleaned_data[f"subcategory_{row}"], "")
            for row in range(1, QUESTION_ROWS + 1)
            if self.cleaned_data.get(f"theme_{row}")
        ]


class QuestionForm(forms.Form):
    theme = forms.ModelChoiceField(
        label=_("Theme"), queryset=Theme.objects.all(), empty_label=_("Choose a theme")
    )
    subcategory = forms.CharField(label=_("Subcategory"), required=False, max_length=100)
    description = forms.CharField(
        label=_("The question, in the client's words"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "question")
        super().__init__(*args, **kwargs)


class GoalForm(forms.Form):
    question = forms.CharField(
        label=_("New goal, as the client's own question"),
        help_text=_("For example: How can I pay my bills on time?"),
        max_length=300,
    )


class ActionForm(forms.Form):
    description = forms.CharField(label=_("What will be done"), max_length=300)
    owner = forms.ChoiceField(label=_("Who does it"), choices=Action.Owner.choices)
    target_date = forms.DateField(
        label=_("Done by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, goal=None, **kwargs):
        kwargs.setdefault("prefix", f"goal-{goal.pk}" if goal else None)
        super().__init__(*args, **kwargs)


class NetworkMemberForm(forms.ModelForm):
    class Meta:
        model = NetworkMember
        fields = ["name", "relation", "circle", "closeness", "support", "quality"]
        widgets = {"closeness": forms.RadioSelect, "quality": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "network")
        super().__init__(*args, **kwargs)


class LifeEventForm(forms.ModelForm):
    class Meta:
        model = LifeEvent
        fields = ["occurred_on", "kind", "description"]
        widgets = {"occurred_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "event")
        super().__init__(*args, **kwargs)


class AttachmentForm(forms.Form):
    """A photo or file for the dossier, optionally with the goal or contact moment it
    records. With `photo`, a phone opens its camera at once instead of asking for a file."""

    # Contact moments offered to link a photo to: the latest, where notes on paper belong.
    LINKABLE_CONTACTS = 8

    title = forms.CharField(
        label=_("What is it?"),
        help_text=_("For example: network map drawn at the kitchen table."),
        max_length=150,
    )
    upload = forms.FileField(
        label=_("Photo or scan"),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
    belongs_to = forms.ChoiceField(label=_("Belongs with"), required=False)

    def __init__(self, *args, dossier, photo=False, **kwargs):
        kwargs.setdefault("prefix", "attachment")
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        self.fields["upload"].help_text = _(
            "A photo (JPEG or PNG) or a PDF, at most %(limit)s MB."
        ) % {"limit": settings.ATTACHMENT_MAX_MEGABYTES}
        if photo:
            # The photo first: the title already says what it is, so two taps save it.
            self.order_fields(["upload", "title", "belongs_to"])
            self.fields["upload"].label = _("Photo")
            self.fields["upload"].widget.attrs.update(
                {"accept": "image/jpeg,image/png", "capture": "environment"}
            )
            self.fields["upload"].help_text = _(
                "Your phone opens its camera. At most %(limit)s MB."
            ) % {"limit": settings.ATTACHMENT_MAX_MEGABYTES}
            self.initial.setdefault(
                "title",
                _("Photo of %(date)s") % {"date": date_format(timezone.localdate(), "j F Y")},
            )
        self.goals = {str(goal.pk): goal for goal in dossier.goals.only("pk", "question")}
        self.contact_moments = {
            str(moment.pk): moment
            for moment in dossier.contact_moments.only("pk", "occurred_at", "mode").order_by(
                "-occurred_at", "-pk"
            )[: self.LINKABLE_CONTACTS]
        }
        self.fields["belongs_to"].choices = [
            ("", _("Nothing in particular")),
            (
                _("Plan"),
                [(f"goal:{pk}", goal.question) for pk, goal in self.goals.items()],
            ),
            (
                _("Contact moments"),
                [
                    (
                        f"contact:{pk}",
                        f"{date_format(timezone.localtime(moment.occurred_at), 'j F Y, H:i')}"
                        f" · {moment.get_mode_display()}",
                    )
                    for pk, moment in self.contact_moments.items()
                ],
            ),
        ]

    def clean(self):
        cleaned = super().clean()
        kind, _separator, pk = (cleaned.pop("belongs_to", "") or "").partition(":")
        cleaned["goal"] = self.goals.get(pk) if kind == "goal" else None
        cleaned["contact_moment"] = self.contact_moments.get(pk) if kind == "contact" else None
        return cleaned


class IntakeRequestForm(forms.ModelForm):
    """A request for help noted by a worker, for example during a phone call."""

    class Meta:
        model = IntakeRequest
        fields = [
            "team",
            "source",
            "referrer",
            "first_name",
            "last_name",
            "birth_date",
            "postcode",
            "house_number",
            "phone",
            "email",
            "question",
        ]
        widgets = {"question": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["team"].empty_label = None
        self.fields["source"].initial = Dossier.Source.SELF
        # Only a resident asking online may leave their name out.
        self.fields["first_name"].required = self.fields["last_name"].required = True


class WorkerChoiceField(forms.ModelChoiceField):
    """A colleague with how many clients they support now against their capacity: the
    team leader sees who has room (see selectors.reassign_candidates)."""

    def label_from_instance(self, obj):
        label = _("%(name)s: %(open)s of %(capacity)s clients") % {
            "name": obj,
            "open": obj.open_dossiers,
            "capacity": obj.capacity,
        }
        if obj.open_dossiers >= obj.capacity:
            label = _("%(label)s (full)") % {"label": label}
        return label


class ReassignForm(forms.Form):
    new_worker = WorkerChoiceField(
        label=_("Who takes over this client?"),
        queryset=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose who takes over this client."),
            "invalid_choice": _("Choose one of the social workers in the list."),
        },
    )
    reason = forms.CharField(
        label=_("Why?"),
        help_text=_("For example: a colleague has too many clients. It is kept in the access log."),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_worker"].queryset = candidates


class HelpRequestForm(forms.Form):
    """Asking for help online, from any page, a journey or a self-scan: what about, the
    question in the resident's words, where they live (which finds the team) and how they
    would like us to get in touch. A name is welcome, not needed."""

    theme = forms.ModelChoiceField(
        label=_("What is your question about?"),
        queryset=Theme.objects.none(),
        empty_label=_("Choose a subject"),
    )
    question = forms.CharField(
        label=_("Your question, in your own words"),
        help_text=_("A few sentences are enough. You can tell more when we talk."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    postcode = PostcodeFormField(
        label=_("Your postcode"),
        help_text=_("So your question goes to the team near you. For example 3811 AB."),
        max_length=7,
    )
    house_number = HouseNumberFormField(
        label=_("House number"),
        help_text=_("Only needed for a visit at home."),
        max_length=10,
        required=False,
    )
    contact_by = forms.ChoiceField(
        label=_("How would you like us to get in touch?"),
        choices=IntakeRequest.ContactBy.choices,
        initial=IntakeRequest.ContactBy.PHONE,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        label=_("Your name"),
        help_text=_("You may also ask without your name."),
        max_length=200,
        required=False,
    )
    # One of the two is needed: the page shows them together under that rule.
    phone = PhoneNumberFormField(label=_("Phone number"), max_length=32, required=False)
    email = forms.EmailField(label=_("E-mail address"), max_length=254, required=False)
    REACH_FIELDS = ("phone", "email")

    def __init__(self, *args, account_email="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.all()
        self.account_email = account_email
        if account_email:
            self.fields["email"].help_text = _(
                "Empty: we use the address of your account, %(email)s."
            ) % {"email": account_email}

    def about_fields(self):
        return [
            self[name] for name in self.fields if name not in (*self.REACH_FIELDS, "attach_scan")
        ]

    def reach_fields(self):
        return [self[name] for name in self.REACH_FIELDS]

    def clean(self):
        cleaned = super().clean()
        typed_wrong = any(name in self.errors for name in self.REACH_FIELDS)
        if not (typed_wrong or cleaned.get("phone") or cleaned.get("email") or self.account_email):
            self.add_error(
                "phone", _("Give a phone number or an e-mail address, so we can reach you.")
            )
        return cleaned

    def request_fields(self) -> dict:
        """The cleaned values as the request for help stores them."""
        data = dict(self.cleaned_data)
        first_name, _space, last_name = data.pop("name").strip().partition(" ")
        return data | {"first_name": first_name, "last_name": last_name.strip()}
