"""The rules for birth dates, postcodes, house numbers and phone numbers (apps.core.validators)
and the fields that carry them to models, forms and templates (apps.core.fields)."""

import datetime
import zoneinfo

import pytest
import time_machine
from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation

from apps.core import validators
from apps.core.fields import BirthDateFormField, PhoneNumberFormField
from apps.core.tests.input_cases import Dutch

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def messages(validate, value) -> list[str]:
    with translation.override("nl"):
        try:
            validate(value)
        except ValidationError as error:
            return error.messages
    return []


TOO_EARLY = "Een geboortedatum vóór 1900 kan niet kloppen. Kijk het jaar na."
FUTURE = "De geboortedatum kan niet in de toekomst liggen."


class TestBirthDate:
    # 00:30 on 15 March in Amsterdam is still 14 March in UTC: "today" is the Dutch date.
    JUST_AFTER_MIDNIGHT = datetime.datetime(2026, 3, 15, 0, 30, tzinfo=AMSTERDAM)
    JUST_BEFORE_MIDNIGHT = datetime.datetime(2026, 3, 14, 23, 59, 59, tzinfo=AMSTERDAM)

    @pytest.mark.parametrize(
        ("birth_date", "refusal"),
        [
            (datetime.date(1900, 1, 1), None),
            (datetime.date(1899, 12, 31), TOO_EARLY),
            (datetime.date(1, 1, 1), TOO_EARLY),
            (datetime.date(2026, 3, 15), None),
            (datetime.date(2026, 3, 16), FUTURE),
            (datetime.date(9999, 12, 31), FUTURE),
        ],
    )
    def test_from_1900_up_to_today_in_the_netherlands(self, birth_date, refusal):
        with time_machine.travel(self.JUST_AFTER_MIDNIGHT, tick=False):
            found = messages(validators.validate_birth_date, birth_date)
        assert found == ([refusal] if refusal else [])

    def test_one_second_before_midnight_tomorrow_is_still_the_future(self):
        with time_machine.travel(self.JUST_BEFORE_MIDNIGHT, tick=False):
            assert messages(validators.validate_birth_date, datetime.date(2026, 3, 14)) == []
            assert messages(validators.validate_birth_date, datetime.date(2026, 3, 15))

    def test_the_date_picker_offers_1900_up_to_today(self):
        with time_machine.travel(self.JUST_AFTER_MIDNIGHT, tick=False):
            html = BirthDateFormField().widget.render("birth_date", datetime.date(1961, 4, 12))
        assert 'type="date"' in html
        assert 'min="1900-01-01"' in html and 'max="2026-03-15"' in html
        assert 'value="1961-04-12"' in html


class TestPostcode:
    SHAPE = Dutch.POSTCODE_SHAPE
    ZERO = "Een postcode begint niet met een 0. Kijk de postcode na."
    NOT_GIVEN_OUT = "Postcodes met de letters SA, SD of SS bestaan niet. Kijk de postcode na."

    @pytest.mark.parametrize(
        ("typed", "stored"),
        [
            ("3811 AB", "3811 AB"),
            ("3811ab", "3811 AB"),
            (" 3811AB ", "3811 AB"),
            ("9999 zz", "9999 ZZ"),
            ("1000 AA", "1000 AA"),
            # F, I, O, Q, U and Y are given out since 2005.
            ("1011 FY", "1011 FY"),
            ("3811 SB", "3811 SB"),
            ("3811 AS", "3811 AS"),
        ],
    )
    def test_accepted_and_written_as_postnl_does(self, typed, stored):
        assert messages(validators.validate_postcode, typed) == []
        assert validators.normalise_postcode(typed) == stored

    @pytest.mark.parametrize(
        ("typed", "refusal"),
        [
            ("0811 AB", ZERO),
            ("3811 SA", NOT_GIVEN_OUT),
            ("3811 sd", NOT_GIVEN_OUT),
            ("3811SS", NOT_GIVEN_OUT),
            ("12345", SHAPE),
            ("3811 A", SHAPE),
            ("3811 ABC", SHAPE),
            ("381 1AB", SHAPE),
            ("3811  AB", SHAPE),
            ("B-1000", SHAPE),
            ("3811 ÅB", SHAPE),
        ],
    )
    def test_refused_with_the_reason(self, typed, refusal):
        assert messages(validators.validate_postcode, typed) == [refusal]
        # What cannot be read is never changed: an old value is kept as it is.
        assert validators.normalise_postcode(typed) == typed


class TestHouseNumber:
    @pytest.mark.parametrize(
        ("typed", "stored", "for_the_geocoder"),
        [
            ("1", "1", ("1",)),
            (" 12 ", "12", ("12",)),
            ("12a", "12A", ("12", "A")),
            ("12 A", "12A", ("12", "A")),
            ("12-2", "12-2", ("12", "2")),
            ("12 - 2", "12-2", ("12", "2")),
            ("12A-2", "12A-2", ("12", "A", "2")),
            ("12 a 2", "12A-2", ("12", "A", "2")),
            ("12 bis", "12-BIS", ("12", "BIS")),
            ("12-hs", "12-HS", ("12", "HS")),
            ("12 III", "12-III", ("12", "III")),
            ("99999", "99999", ("99999",)),
            ("99999A-ABCD", "99999A-ABCD", ("99999", "A", "ABCD")),
        ],
    )
    def test_a_number_with_its_letter_and_addition(self, typed, stored, for_the_geocoder):
        assert messages(validators.validate_house_number, typed) == []
        assert validators.normalise_house_number(typed) == stored
        assert validators.parse_house_number(typed).parts == for_the_geocoder

    @pytest.mark.parametrize(
        "typed",
        ["0", "-1", "-12", "00", "012", "100000", "1" * 20, "twaalf", "A12", "12 ABCDE", "12/14"],
    )
    def test_under_1_absurd_or_not_a_number_is_refused(self, typed):
        assert messages(validators.validate_house_number, typed) == [
            "Schrijf het huisnummer als getal vanaf 1, met een letter of toevoeging erachter "
            "als die er is, zoals 12, 12A of 12-2."
        ]
        assert validators.normalise_house_number(typed) == typed


class TestPhone:
    @pytest.mark.parametrize(
        ("typed", "stored", "shown"),
        [
            ("06 12345678", "+31612345678", "06 12345678"),
            ("0612345678", "+31612345678", "06 12345678"),
            ("06-12 34 56 78", "+31612345678", "06 12345678"),
            ("+31 6 12345678", "+31612345678", "06 12345678"),
            ("0031 6 12345678", "+31612345678", "06 12345678"),
            ("+31 (0)6 12345678", "+31612345678", "06 12345678"),
            ("020-1234567", "+31201234567", "020 123 4567"),
            ("(020) 123 45 67", "+31201234567", "020 123 4567"),
            ("088 1234567", "+31881234567", "088 123 4567"),
            ("+32 470 12 34 56", "+32470123456", "+32 470 12 34 56"),
            ("+44 20 7946 0958", "+442079460958", "+44 20 7946 0958"),
            ("+1 212 555 2368", "+12125552368", "+1 212-555-2368"),
        ],
    )
    def test_dutch_and_international_numbers(self, settings, typed, stored, shown):
        assert settings.PHONENUMBER_DEFAULT_REGION == "NL"
        assert messages(validators.validate_phone, typed) == []
        assert validators.normalise_phone(typed) == stored
        assert validators.format_phone(typed) == validators.format_phone(stored) == shown

    @pytest.mark.parametrize(
        "typed",
        ["12345", "06-1234567", "06 1234 5678 9", "112", "0000000000", "bel mij", "+999 1234"],
    )
    def test_what_is_not_a_phone_number_is_refused(self, typed):
        assert messages(validators.validate_phone, typed) == [Dutch.PHONE]
        assert validators.normalise_phone(typed) == typed
        assert validators.format_phone(typed) == typed

    def test_an_extension_is_refused_not_dropped(self):
        typed = "020 123 4567 ext. 12"
        assert messages(validators.validate_phone, typed) == [
            "Laat het toestelnummer weg: geef alleen het telefoonnummer."
        ]
        assert validators.normalise_phone(typed) == typed

    def test_the_message_is_english_for_an_english_reader(self):
        with translation.override("en"):
            with pytest.raises(ValidationError) as refused:
                validators.validate_phone("12345")
            assert refused.value.messages[0].startswith("This is not a phone number.")

    @pytest.mark.parametrize(
        ("stored", "html"),
        [
            ("+31612345678", '<a class="utrecht-link" href="tel:+31612345678">06 12345678</a>'),
            (
                "+32470123456",
                '<a class="utrecht-link" href="tel:+32470123456">+32 470 12 34 56</a>',
            ),
            # An old value that is no phone number is shown as it is, escaped, without a link.
            ("bel <b>buurvrouw</b>", "bel &lt;b&gt;buurvrouw&lt;/b&gt;"),
            ("", "-"),
        ],
    )
    def test_shown_as_a_link_a_phone_can_dial(self, stored, html):
        template = Template('{% load contact_details %}{{ value|phone_link|default:"-" }}')
        assert template.render(Context({"value": stored})) == html

    @pytest.mark.parametrize(
        ("initial", "shown"),
        [("+31612345678", "06 12345678"), ("+32470123456", "+32 470 12 34 56"), ("0612", "0612")],
    )
    def test_the_form_shows_a_stored_number_as_it_is_dialled(self, initial, shown):
        class Form(forms.Form):
            phone = PhoneNumberFormField(required=False)

        html = str(Form(initial={"phone": initial})["phone"])
        assert f'value="{shown}"' in html and 'type="tel"' in html

    def test_the_form_field_gives_the_stored_form_or_the_message(self):
        class Form(forms.Form):
            phone = PhoneNumberFormField(required=False)

        good = Form({"phone": "06-12345678"})
        assert good.is_valid() and good.cleaned_data["phone"] == "+31612345678"
        with translation.override("nl"):
            bad = Form({"phone": "06-1234567"})
            assert not bad.is_valid()
            assert bad.errors["phone"][0].startswith("Dit is geen telefoonnummer")
        # Shown again exactly as typed, to be corrected (not as the library reads it).
        assert 'value="06-1234567"' in str(bad["phone"])
