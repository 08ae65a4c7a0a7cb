from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.fields import PostcodeFormField
from apps.core.forms import LongSelect
from apps.core.geocoding import locate_postcode
from apps.core.validators import format_phone, validate_phone
from apps.organisation.models import Municipality, Neighbourhood, Theme
from apps.socialmap import freshness
from apps.socialmap.models import TargetGroup
from apps.socialmap.selectors import search_choices

DISTANCES = (1, 2, 5, 10, 25)
DEFAULT_DISTANCE = 5


class ServiceSearchForm(forms.Form):
    """The social map's search: words, and filters that narrow it down. A wrong filter is
    reported and left out; the rest still searches."""

    q = forms.CharField(label=_("What are you looking for?"), max_length=200, required=False)
    # Themes and target groups by code from plain values, not model instances.
    thema = forms.ChoiceField(label=_("Theme"), required=False, widget=LongSelect)
    # Chosen by CBS code from plain values. The districts are offered once a municipality
    # is chosen: a large organisation has hundreds, too many for a resident to scroll
    # through, and writing them all out cost more than the rest of the page.
    gemeente = forms.ChoiceField(
        label=_("Municipality"),
        required=False,
        widget=LongSelect,
        help_text=_("Choose a municipality and search: then you can choose a district."),
    )
    wijk = forms.ChoiceField(label=_("District"), required=False, widget=LongSelect)
    voor = forms.ChoiceField(label=_("For"), required=False, widget=LongSelect)
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
        choices = search_choices()
        self.themes = {row["code"]: row["id"] for row in choices["theme"]}
        self.fields["thema"].choices = [
            ("", _("All themes")),
            *(
                (row["code"], Theme.name_of(row["name_nl"], row["name_en"]))
                for row in choices["theme"]
            ),
        ]
        self.target_groups = {row["code"]: row["id"] for row in choices["group"]}
        self.fields["voor"].choices = [
            ("", _("Everyone")),
            *(
                (row["code"], Theme.name_of(row["name_nl"], row["name_en"]))
                for row in choices["group"]
            ),
        ]
        self.fields["gemeente"].choices = [
            ("", _("All municipalities")),
            *((row["code"], row["name_nl"]) for row in choices["municipality"]),
        ]
        chosen = self._chosen_municipality()
        if chosen is None:
            del self.fields["wijk"]
            return
        districts = Neighbourhood.objects.districts().filter(municipality__cbs_code=chosen)
        self.fields["wijk"].choices = [
            ("", _("All districts")),
            *districts.order_by("name", "cbs_code").values_list("cbs_code", "name"),
        ]

    def _chosen_municipality(self) -> str | None:
        """The municipality's code: the one chosen, else the one of a district in the
        address (a link from before there was a choice of municipality)."""
        if not self.is_bound:
            return None
        if code := self.data.get("gemeente"):
            return str(code)
        if district := self.data.get("wijk"):
            found = (
                Neighbourhood.objects.filter(cbs_code=str(district))
                .values_list("municipality__cbs_code", flat=True)
                .first()
            )
            if found:
                self.data = self.data.copy()
                self.data["gemeente"] = found
            return found
        return None

    def search(self) -> dict:
        """The valid part of the search, as selectors.PublicSearch takes it."""
        # Django keeps the fields that are right in cleaned_data, also when others are not.
        self.is_valid()
        data = self.cleaned_data
        return {
            "query": data.get("q") or "",
            "theme": Theme(pk=self.themes[data["thema"]]) if data.get("thema") else None,
            "municipality": (
                Municipality.objects.filter(cbs_code=data["gemeente"]).first()
                if data.get("gemeente") and not data.get("wijk")
                else None
            ),
            "neighbourhood": (
                Neighbourhood.objects.filter(cbs_code=data["wijk"]).first()
                if data.get("wijk")
                else None
            ),
            "target_group": (
                TargetGroup(pk=self.target_groups[data["voor"]]) if data.get("voor") else None
            ),
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
