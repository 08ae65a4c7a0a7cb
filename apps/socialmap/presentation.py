"""The social map in words and markup: opening hours ("ma, wo 09:00-12:30") and the
cards of a page of search results, written in Python (as the worker's lists in
apps/dossiers/worklists.py): twenty cards as a template cost more than the rest of the
page together."""

from html import escape
from urllib.parse import urlencode

from django import forms
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.maps import map_data
from apps.socialmap.models import Service

DAY_NAMES = {
    "MO": _("Mon"),
    "TU": _("Tue"),
    "WE": _("Wed"),
    "TH": _("Thu"),
    "FR": _("Fri"),
    "SA": _("Sat"),
    "SU": _("Sun"),
}


def opening_hours(schedules) -> list[str]:
    lines = []
    for schedule in schedules:
        days = ", ".join(
            str(DAY_NAMES[day]) for day in schedule.byday.split(",") if day in DAY_NAMES
        )
        lines.append(f"{days} {schedule.opens_at:%H:%M}\N{EN DASH}{schedule.closes_at:%H:%M}")
    return lines


def result_cards(services: list[dict], *, detail_name="socialmap:detail", query=None) -> str:
    """`<li>` per service of selectors.PublicSearch: its name (a link to its page, with
    `query` added), the summary, the provider and the first place, a temporary closure or
    missing confirmation, and the themes."""
    detail_url = _url_maker(detail_name, query)
    closed = escape(gettext("Temporarily closed"))
    closed = f' \N{MIDDLE DOT} <strong class="bk-attention">{closed}</strong>'
    unconfirmed = escape(gettext("Not confirmed by the provider"))
    unconfirmed = f' \N{MIDDLE DOT} <strong class="bk-attention">{unconfirmed}</strong>'
    hidden = escape(gettext("Hidden from residents"))
    hidden = f' \N{MIDDLE DOT} <strong class="bk-attention">{hidden}</strong>'
    cards = []
    for service in services:
        where = ""
        if service["address_1"] or service["city"]:
            where = (
                f" \N{MIDDLE DOT} {escape(service['address_1'] or '')},"
                f" {escape(service['city'] or '')}"
            )
        if service["distance"] is not None:
            where += f" \N{MIDDLE DOT} {number_format(service['distance'], 1)} km"
        notices = closed if service["status"] == Service.Status.TEMPORARILY_CLOSED else ""
        if service["hidden_since"]:
            notices += hidden
        elif service["unconfirmed_since"]:
            notices += unconfirmed
        themes = escape(" \N{MIDDLE DOT} ".join(service["themes"]))
        cards.append(
            f'<li class="bk-service-card"><h3 class="utrecht-heading-3">'
            f'<a class="utrecht-link" href="{detail_url(service["id"])}">'
            f"{escape(service['name'])}</a></h3>"
            f'<p class="utrecht-paragraph">{escape(service["summary"])}</p>'
            f'<p class="utrecht-paragraph bk-muted">{escape(service["organization_name"])}{where}'
            f"{notices}</p>"
            + (f'<p class="utrecht-paragraph bk-muted">{themes}</p>' if themes else "")
            + "</li>"
        )
    return mark_safe("".join(cards))  # noqa: S308 (every value escaped above)


def result_map(services: list[dict], *, detail_name="socialmap:detail", query=None) -> dict:
    """The map's JSON block for a page of results: a flag at the first place of each
    service that has coordinates, in the colour and with the number of its first theme."""
    detail_url = _url_maker(detail_name, query)
    points = []
    for service in services:
        if service["latitude"] is None or service["longitude"] is None:
            continue
        theme = service["first_theme"] or {"name": "", "slot": 0, "symbol": "?"}
        points.append(
            {
                "label": service["name"],
                "theme": theme["name"],
                "slot": theme["slot"],
                "symbol": theme["symbol"],
                "lat": round(float(service["latitude"]), 5),
                "lon": round(float(service["longitude"]), 5),
                "url": detail_url(service["id"]),
            }
        )
    return map_data(points, open_label=gettext("Open the page"))


def _url_maker(detail_name: str, query: dict | None):
    """A service's page address from its id, with `query` added; reversed once per page,
    not once per row."""
    stand_in = "00000000-0000-0000-0000-000000000000"
    template = reverse(detail_name, args=[stand_in])
    if query:
        template += "?" + urlencode(query)
    return lambda pk: template.replace(stand_in, str(pk))


def search_fields(form) -> str:
    """The search form's fields as the page shows them (a label, the help text tied to the
    control, the control), written in Python: the page is searched often, and Django's
    widget templates cost a third of it."""
    parts = []
    for field in form.visible_fields():
        widget = field.field.widget
        auto_id = field.auto_id
        label = escape(str(field.label))
        help_id = f"{auto_id}_helptext" if field.help_text else ""
        help_html = (
            f'<div class="utrecht-form-field-description" id="{help_id}">'
            f"{escape(str(field.help_text))}</div>"
            if help_id
            else ""
        )
        described = f' aria-describedby="{help_id}"' if help_id else ""
        invalid = ' aria-invalid="true"' if field.errors else ""
        if isinstance(widget, forms.CheckboxInput):
            checked = " checked" if field.value() else ""
            parts.append(
                '<div class="utrecht-form-field utrecht-form-field--checkbox">'
                '<div class="utrecht-form-field__input bk-input">'
                f'<input type="checkbox" name="{field.html_name}" id="{auto_id}"'
                f"{checked}{described}{invalid}> "
                f'<label class="utrecht-form-label utrecht-form-label--checkbox" for="{auto_id}">'
                f"{label}</label></div>{help_html}</div>"
            )
            continue
        if isinstance(widget, forms.Select):
            control = widget.render(
                field.html_name,
                field.value(),
                {"id": auto_id, **({"aria-describedby": help_id} if help_id else {})},
            )
        else:
            value = widget.format_value(field.value())
            control = (
                f'<input type="{widget.input_type}" name="{field.html_name}" id="{auto_id}"'
                f' value="{escape(str(value or ""))}"{flatatt(widget.attrs)}{described}{invalid}>'
            )
        parts.append(
            '<div class="utrecht-form-field"><div class="utrecht-form-field__label">'
            f'<label class="utrecht-form-label" for="{auto_id}">{label}</label></div>'
            f'{help_html}<div class="utrecht-form-field__input bk-input">{control}</div></div>'
        )
    return mark_safe("".join(parts))  # noqa: S308 (every value escaped above)
