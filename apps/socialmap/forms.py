from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.fields import PostcodeFormField
from apps.core.forms import LongSelect
from apps.core.geocoding import locate_postcode
from apps.core.validators import format_phone, validate_phone
from apps.organisation.models import Neighbourhood, Theme
from apps.socialmap import freshness
from apps.socialmap.models import TargetGroup

DISTANCES = (1, 2, 5, 10, 25)
DEFAULT_DISTANCE = 5


class ServiceSearchForm(forms.Form):
    """The social map's search: words, and filters that narrow it down. A wrong filter is
    reported and left out; the rest still searches."""

    q = forms.CharField(label=_("What are you looking for?"), max_length=200, required=False)
    thema = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All themes"),
        widget=LongSelect,
    )
    # Chosen by CBS code from plain values: a large organisation has hundreds of districts,
    # and making a model instance of each (with its municipality) for the options cost
    # more than the rest of the page.
    wijk = forms.ChoiceField(label=_("District"), required=False, widget=LongSelect)
    voor = forms.ModelChoiceField(
        label=_("For"),
        queryset=TargetGroup.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Everyone"),
        widget=LongSelect,
    )
    gratis = forms.BooleanField(label=_("Free of charge only"), required=False)
    nu_open = forms.BooleanField(label=_("Open now"), required=False)
    postcode = PostcodeFormField(
        label=_("Near postcode"), required=False, help_text=_("For example 3811 AB")
    )
    afstand = forms.TypedChoiceField(
        label=_("Within"),
        choices=[(km, f"{km} km") for km in DISTANCES],
        coerce=int,
        required=False,
        empty_value=DEFAULT_DISTANCE,
        widget=LongSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and not self.data.get("afstand"):
            # The select shows the distance that is used, not its first option.
            self.data = self.data.copy()
            self.data["afstand"] = str(DEFAULT_DISTANCE)
        districts = Neighbourhood.objects.districts().order_by("name", "cbs_code")
        self.fields["wijk"].choices = [
            ("", _("All districts")),
            *(
                (code, f"{name} ({municipality})")
                for code, name, municipality in districts.values_list(
                    "cbs_code", "name", "municipality__name"
                )
            ),
        ]

    def search(self) -> dict:
        """The valid part of the search, as selectors.PublicSearch takes it."""
        # Django keeps the fields that are right in cleaned_data, also when others are not.
        self.is_valid()
        data = self.cleaned_data
        return {
            "query": data.get("q") or "",
            "theme": data.get("thema"),
            "neighbourhood": (
                Neighbourhood.objects.filter(cbs_code=data["wijk"]).first()
                if data.get("wijk")
                else None
            ),
            "target_group": data.get("voor"),
            "free": bool(data.get("gratis")),
            "open_at": timezone.now() if data.get("nu_open") else None,
            "near": self._near(data),
        }

    def _near(self, data):
        if not data.get("postcode"):
            return None
        point = locate_postcode(data["postcode"])
        if point is None:
            self.add_error(
                "postcode", _("We cannot find this postcode. Check it, or search without it.")
            )
            return None
        return (point.latitude, point.longitude, data.get("afstand") or DEFAULT_DISTANCE)


class HoursField(forms.CharField):
    """One weekday's opening hours, '09:00-12:30, 13:00-17:00', written back in that form;
    empty is closed."""

    def clean(self, value):
        value = super().clean(value)
        return freshness.hours_text(freshness.hours_parse(value)) if value else ""


class PhoneTextField(forms.CharField):
    """A phone number as a person reads it ('030 123 4567'); empty is none."""

    default_validators = [validate_phone]

    def clean(self, value):
        value = super().clean(value)
        return format_phone(value) if value else ""


class ProposedChangeForm(forms.Form):
    """What a provider sees through their link: the service as we show it, to correct."""

    name = forms.CharField(label=_("Name"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=300,
        help_text=_("One or two sentences: what it is, for whom."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    application_process = forms.CharField(
        label=_("How to get it"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    url = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = PhoneTextField(label=_("Phone"), required=False, max_length=30)
    address_1 = forms.CharField(label=_("Street and number"), required=False, max_length=200)
    postal_code = PostcodeFormField(label=_("Postcode"), required=False)
    city = forms.CharField(label=_("Place"), required=False, max_length=100)
    hours_mo = HoursField(label=_("Monday"), required=False, max_length=100)
    hours_tu = HoursField(label=_("Tuesday"), required=False, max_length=100)
    hours_we = HoursField(label=_("Wednesday"), required=False, max_length=100)
    hours_th = HoursField(label=_("Thursday"), required=False, max_length=100)
    hours_fr = HoursField(label=_("Friday"), required=False, max_length=100)
    hours_sa = HoursField(label=_("Saturday"), required=False, max_length=100)
    hours_su = HoursField(label=_("Sunday"), required=False, max_length=100)
    note = forms.CharField(
        label=_("Anything else we should know?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    HOURS = ("hours_mo", "hours_tu", "hours_we", "hours_th", "hours_fr", "hours_sa", "hours_su")

    def clean(self):
        data = super().clean()
        address = [data.get(field) for field in ("address_1", "postal_code", "city")]
        if any(address) and not all(address):
            raise forms.ValidationError(
                _("Give the whole address: street and number, postcode and place."),
                code="address_incomplete",
            )
        return data

    def address_fields(self):
        return [self[field] for field in ("address_1", "postal_code", "city")]

    def hours_fields(self):
        return [self[field] for field in self.HOURS]

    def text_fields(self):
        return [
            self[field]
            for field in ("name", "summary", "description", "application_process", "url")
        ] + [self["email"], self["phone"]]


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note (for the provider and colleagues)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReferralForm(forms.Form):
    note = forms.CharField(
        label=_("Note (only for the team)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
