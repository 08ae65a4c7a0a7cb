from datetime import date, datetime, time, timedelta

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role
from apps.audit.models import AccessLogEntry

# The log holds no row before this product existed; a wider range only invites typos
# such as 20266 (and a date past 9999 cannot be a database date at all).
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2099, 12, 31)
MAX_BIGINT = 2**63 - 1


class AccessLogSearchForm(forms.Form):
    """The access-log search. Every filter can be answered from an index (see
    AccessLogQuerySet.search); each wrong value gets its own message at its field."""

    # Shown folded away unless one of them is in use: most searches need only the others.
    MORE_FIELDS = ("actor_role", "actor_user_id", "object_type", "object_id")

    actor_email = forms.CharField(
        label=_("User's e-mail address"),
        help_text=_("The whole address, or how it begins (for example sanne.de)."),
        max_length=254,
        required=False,
        validators=[
            # What an e-mail address cannot hold without quotes, spaces first.
            RegexValidator(
                r"^[^\s(),:;<>\[\]\\\"]*$",
                message=_(
                    "An e-mail address has no spaces and none of these characters: "
                    '( ) , : ; < > [ ] \\ "'
                ),
            )
        ],
    )
    description = forms.CharField(
        label=_("Record description"),
        help_text=_("A part of it, for example a surname: at least 3 characters."),
        min_length=3,
        max_length=200,
        required=False,
        validators=[
            # Descriptions are names, dates and short labels; anything else is a typo or
            # an attempt at something other than a search, and gets told what fits.
            RegexValidator(
                r"^[\w\s.,'\u2019()/:&+?!-]*$",
                message=_("Use only letters, digits, spaces and . , ' ( ) / : & + ? ! -"),
            )
        ],
    )
    occurred_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    occurred_until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    action = forms.ChoiceField(
        label=_("Action"),
        choices=[("", _("All actions")), *AccessLogEntry.Action.choices],
        required=False,
    )
    actor_user_id = forms.IntegerField(
        label=_("User number"), min_value=1, max_value=MAX_BIGINT, required=False
    )
    actor_role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("All roles")), *Role.choices], required=False
    )
    object_type = forms.CharField(
        label=_("Kind of record"),
        help_text=_("For example dossiers.dossier"),
        max_length=100,
        required=False,
        validators=[
            RegexValidator(
                r"^[A-Za-z][A-Za-z0-9_]*\.[A-Za-z][A-Za-z0-9_]*$",
                message=_("Write the kind as app.model, for example dossiers.dossier."),
            )
        ],
    )
    object_id = forms.CharField(
        label=_("Record number"),
        max_length=64,
        required=False,
        validators=[
            RegexValidator(
                r"^[\w.:-]*$",
                message=_("A record number has only letters, digits and . : - _"),
            )
        ],
    )

    def main_fields(self) -> list:
        return [self[name] for name in self.fields if name not in self.MORE_FIELDS]

    def more_fields(self) -> list:
        return [self[name] for name in self.MORE_FIELDS]

    def more_in_use(self) -> bool:
        return any(self.data.get(name) or name in self.errors for name in self.MORE_FIELDS)

    def clean_actor_email(self) -> str:
        return self.cleaned_data["actor_email"].lower()

    def clean_object_type(self) -> str:
        return self.cleaned_data["object_type"].lower()

    def clean_occurred_from(self) -> date | None:
        return self._within_range(self.cleaned_data["occurred_from"])

    def clean_occurred_until(self) -> date | None:
        return self._within_range(self.cleaned_data["occurred_until"])

    @staticmethod
    def _within_range(day: date | None) -> date | None:
        if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
            raise forms.ValidationError(
                _("Choose a date between %(earliest)s and %(latest)s."),
                code="out_of_range",
                params={"earliest": EARLIEST_DATE.year, "latest": LATEST_DATE.year},
            )
        return day

    def clean(self):
        data = super().clean()
        since, until = data.get("occurred_from"), data.get("occurred_until")
        if since and until and until < since:
            self.add_error("occurred_until", _('This date lies before the "From" date.'))
        if (
            data.get("object_id")
            and not data.get("object_type")
            and not self.has_error("object_type")
        ):
            self.add_error(
                "object_type", _("Fill in the kind of record too: a number alone says too little.")
            )
        return data

    def filters(self) -> dict:
        """Keyword arguments for AccessLogQuerySet.search; call after is_valid()."""
        data = self.cleaned_data
        filters = {
            name: data[name]
            for name in (
                "actor_email",
                "actor_user_id",
                "actor_role",
                "action",
                "object_type",
                "object_id",
                "description",
            )
            if data.get(name) not in (None, "")
        }
        if data.get("occurred_from"):
            filters["since"] = _start_of(data["occurred_from"])
        if data.get("occurred_until"):
            filters["before"] = _start_of(data["occurred_until"] + timedelta(days=1))
        return filters

    def used(self) -> list[tuple[str, str]]:
        """(label, value as shown) of each filter in use, for the export page."""
        if not self.is_valid():
            return []
        shown = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            if isinstance(field, forms.ChoiceField):
                value = dict(field.choices).get(value, value)
            elif isinstance(value, date):
                value = date_format(value, "j F Y")
            shown.append((field.label, str(value)))
        return shown

    def describe(self) -> str:
        """The filters in use, for the log row that records a search or an export."""
        data = self.cleaned_data if self.is_valid() else {}
        used = {name: value for name, value in data.items() if value not in (None, "")}
        return "; ".join(f"{name}={value}" for name, value in sorted(used.items()))


def _start_of(day: date) -> datetime:
    """Midnight at the start of `day` in the organisation's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


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
