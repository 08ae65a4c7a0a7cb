"""What people type into contact fields, as every entry point must take or refuse it: the
client form, the phone-intake form, the referral API and the talk form use these cases.

Dates are relative to TODAY; the tests that use them run on a fixed clock (`on_today`),
half an hour after midnight in Amsterdam, when it is still the day before in UTC.
"""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.utils.html import escape

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
NOW = datetime.datetime(2026, 3, 15, 0, 30, tzinfo=AMSTERDAM)
TODAY = NOW.date()
TOMORROW = TODAY + datetime.timedelta(days=1)


@pytest.fixture
def on_today():
    with time_machine.travel(NOW, tick=False):
        yield


class Dutch:
    TOO_EARLY = "Een geboortedatum vóór 1900 kan niet kloppen. Kijk het jaar na."
    FUTURE = "De geboortedatum kan niet in de toekomst liggen."
    POSTCODE_SHAPE = "Een postcode heeft 4 cijfers en 2 letters, zoals 3811\u00a0AB."
    POSTCODE_ZERO = "Een postcode begint niet met een 0. Kijk de postcode na."
    POSTCODE_LETTERS = "Postcodes met de letters SA, SD of SS bestaan niet. Kijk de postcode na."
    HOUSE_NUMBER = (
        "Schrijf het huisnummer als getal vanaf 1, met een letter of toevoeging erachter "
        "als die er is, zoals 12, 12A of 12-2."
    )
    # The examples keep together on a narrow screen (non-breaking spaces).
    PHONE = (
        "Dit is geen telefoonnummer. Schrijf het zo: 06\u00a012345678 of 020\u00a0123\u00a04567, "
        "of met de landcode: +32\u00a0470\u00a012\u00a034\u00a056."
    )
    EMAIL = "Voer een geldig e-mailadres in."


# (field, typed, stored)
ACCEPTED = [
    ("birth_date", "1900-01-01", datetime.date(1900, 1, 1)),
    ("birth_date", TODAY.isoformat(), TODAY),
    ("postcode", "1234ab", "1234 AB"),
    ("postcode", "1234 AB", "1234 AB"),
    ("postcode", " 1234AB ", "1234 AB"),
    ("house_number", "1", "1"),
    ("house_number", "12 a", "12A"),
    ("house_number", "12-2", "12-2"),
    ("phone", "06 12345678", "+31612345678"),
    ("phone", "+31 6 12345678", "+31612345678"),
    ("phone", "020-1234567", "+31201234567"),
    ("phone", "+32 470 12 34 56", "+32470123456"),
    ("email", "sanne.de-boer@voorbeeld.nl", "sanne.de-boer@voorbeeld.nl"),
]

# (field, typed, the Dutch message on that field)
REFUSED = [
    ("birth_date", "1899-12-31", Dutch.TOO_EARLY),
    ("birth_date", TOMORROW.isoformat(), Dutch.FUTURE),
    ("postcode", "0123 AB", Dutch.POSTCODE_ZERO),
    ("postcode", "1234 SA", Dutch.POSTCODE_LETTERS),
    ("postcode", "1234sd", Dutch.POSTCODE_LETTERS),
    ("postcode", "1234 SS", Dutch.POSTCODE_LETTERS),
    ("postcode", "12345", Dutch.POSTCODE_SHAPE),
    ("house_number", "0", Dutch.HOUSE_NUMBER),
    ("house_number", "-1", Dutch.HOUSE_NUMBER),
    ("house_number", "100000", Dutch.HOUSE_NUMBER),
    ("phone", "12345", Dutch.PHONE),
    ("phone", "06-1234567", Dutch.PHONE),
    ("phone", "bel de buurvrouw", Dutch.PHONE),
    ("email", "geen-adres", Dutch.EMAIL),
]

# One refusal per kind of value, and the English message a reader who chose English gets.
IN_ENGLISH = [
    ("birth_date", TOMORROW.isoformat(), "The birth date cannot lie in the future."),
    ("postcode", "1234 SA", "Postcodes with the letters SA, SD or SS do not exist."),
    ("house_number", "0", "Write the house number as a number from 1 up"),
    ("phone", "12345", "This is not a phone number."),
]


def params(cases, fields=None):
    """The cases (of `fields` only, when given) as pytest parameters named field=typed."""
    return [
        pytest.param(*case, id=f"{case[0]}={case[1]}")
        for case in cases
        if fields is None or case[0] in fields
    ]


def message_at(html: str, field: str, message: str) -> bool:
    """The page shows `message` at `field`, and the field's input points to it for a
    screen reader (templates/includes/form_field.html, Django's aria-describedby)."""
    shown = re.search(
        rf'<div id="id_{field}_error">\s*<div class="utrecht-form-field-error-message">'
        rf"{re.escape(escape(message))}</div>",
        html,
    )
    tag = re.search(rf'<(?:input|select|textarea)[^>]* id="id_{field}"[^>]*>', html)
    described = tag and re.search(rf'aria-describedby="[^"]*\bid_{field}_error\b', tag[0])
    return bool(shown and described)
