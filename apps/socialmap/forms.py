from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import LongSelect
from apps.organisation.models import Neighbourhood, Theme
from apps.socialmap.models import TargetGroup


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
        }
