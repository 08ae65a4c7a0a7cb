from django import forms
from django.utils.translation import gettext_lazy as _

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
    )
    wijk = forms.ModelChoiceField(
        label=_("District"),
        queryset=Neighbourhood.objects.districts().select_related("municipality"),
        to_field_name="cbs_code",
        required=False,
        empty_label=_("All districts"),
    )
    voor = forms.ModelChoiceField(
        label=_("For"),
        queryset=TargetGroup.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Everyone"),
    )
    gratis = forms.BooleanField(label=_("Free of charge only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wijk"].label_from_instance = lambda district: (
            f"{district.name} ({district.municipality.name})"
        )

    def search(self) -> dict:
        """The valid part of the search, as selectors.public_services takes it."""
        # Django keeps the fields that are right in cleaned_data, also when others are not.
        self.is_valid()
        data = self.cleaned_data
        return {
            "query": data.get("q") or "",
            "theme": data.get("thema"),
            "neighbourhood": data.get("wijk"),
            "target_group": data.get("voor"),
            "free": bool(data.get("gratis")),
        }
