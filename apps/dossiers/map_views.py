"""The client map (/werk/kaart/): a worker's own clients as flags coloured by theme, with
the same clients in a list grouped by neighbourhood for those who do not use the map."""

from dataclasses import dataclass
from itertools import groupby

from django import forms
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from apps.accounts.policy import area_required
from apps.core.maps import map_data
from apps.dossiers import selectors
from apps.organisation.models import Theme

NO_THEME_SLOT = 0
NO_THEME_SYMBOL = "?"


class ClientMapFilterForm(forms.Form):
    theme = forms.ChoiceField(
        label=_("Theme"),
        help_text=_("The theme of the first question in the dossier."),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the themes in the list.")},
    )

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.themes = {theme.code: theme for theme in themes}
        self.fields["theme"].choices = [
            ("", _("All themes")),
            *((theme.code, theme.name) for theme in themes),
        ]

    def selected_theme(self) -> Theme | None:
        """The chosen theme; None for all themes, and for a value that is not a theme."""
        if not self.is_bound or not self.is_valid():
            return None
        return self.themes.get(self.cleaned_data["theme"])


@dataclass(frozen=True)
class MapEntry:
    dossier_id: int
    name: str
    label: str
    address: str
    theme_name: str
    slot: int
    symbol: str
    latitude: float | None
    longitude: float | None

    @property
    def is_located(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def url(self) -> str:
        return reverse("dossiers:detail", args=[self.dossier_id])


def short_name(client) -> str:
    """'Anna Bakker' -> 'Anna B.': enough to recognise one's own client on a shared screen."""
    initial = client.last_name.strip()[:1]
    return f"{client.first_name} {initial}." if initial else client.first_name


def address_line(client) -> str:
    """'Langestraat 5, 3811 AB'; what is known of it, or an empty string."""
    street = f"{client.street} {client.house_number}".strip()
    return ", ".join(part for part in (street, client.postcode) if part)


def client_map_context(dossiers, themes) -> dict:
    """What the page shows: entries by neighbourhood, the legend and the map's data."""
    symbols = {theme.pk: str(number) for number, theme in enumerate(themes, start=1)}
    by_id = {theme.pk: theme for theme in themes}
    entries = []
    neighbourhoods = []
    for dossier in dossiers:
        client = dossier.client
        theme = by_id.get(dossier.first_theme_id)
        entries.append(
            MapEntry(
                dossier_id=dossier.pk,
                name=client.full_name,
                label=short_name(client),
                address=address_line(client),
                theme_name=theme.name if theme else gettext("No question registered yet"),
                slot=theme.colour_slot if theme else NO_THEME_SLOT,
                symbol=symbols[theme.pk] if theme else NO_THEME_SYMBOL,
                latitude=client.latitude,
                longitude=client.longitude,
            )
        )
        neighbourhoods.append(client.neighbourhood.name if client.neighbourhood else "")
    groups = [
        (name or gettext("Neighbourhood unknown"), [entry for _name, entry in rows])
        for name, rows in groupby(zip(neighbourhoods, entries, strict=True), key=lambda r: r[0])
    ]
    used = {entry.symbol for entry in entries}
    legend = [
        {"name": theme.name, "slot": theme.colour_slot, "symbol": symbols[theme.pk]}
        for theme in themes
        if symbols[theme.pk] in used
    ]
    if NO_THEME_SYMBOL in used:
        legend.append(
            {
                "name": gettext("No question registered yet"),
                "slot": NO_THEME_SLOT,
                "symbol": NO_THEME_SYMBOL,
            }
        )
    located = [entry for entry in entries if entry.is_located]
    return {
        "entries": entries,
        "groups": groups,
        "legend": legend,
        "located_count": len(located),
        "unlocated": [entry for entry in entries if not entry.is_located],
        "map_data": map_data(
            [
                {
                    "label": entry.label,
                    "theme": entry.theme_name,
                    "slot": entry.slot,
                    "symbol": entry.symbol,
                    "lat": round(entry.latitude, 5),
                    "lon": round(entry.longitude, 5),
                    "url": entry.url,
                }
                for entry in located
            ],
            open_label=gettext("Open the dossier"),
        ),
    }


@require_GET
@area_required("dossiers.view_caseload")
def client_map(request):
    themes = list(Theme.objects.all())
    form = ClientMapFilterForm(request.GET or None, themes=themes)
    dossiers = selectors.client_map_dossiers(worker=request.user, theme=form.selected_theme())
    context = {"form": form, **client_map_context(dossiers, themes)}
    return render(request, "dossiers/map.html", context)
