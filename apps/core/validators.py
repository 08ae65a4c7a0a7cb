"""What a birth date, a Dutch postcode and house number and a phone number may be, in one
place. The model fields and form fields in `apps.core.fields` use these, so the pages, the
admin and the API refuse the same input with the same message.

Each kind of value has a `parse_*` that reads what people type ("3811ab", "12 a",
"06-12345678"), a `normalise_*` that gives the stored form ("3811 AB", "12A",
"+31612345678") or the input unchanged when it cannot be read, and a `validate_*` that
raises a ValidationError with a message for the person who typed it.
"""

import datetime
import re
from dataclasses import dataclass

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# --- Birth date -------------------------------------------------------------------------

EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)


def validate_birth_date(value: datetime.date) -> None:
    """From 1 January 1900 up to and including today in the Netherlands (TIME_ZONE)."""
    if value is None:
        return
    if value > timezone.localdate():
        raise ValidationError(
            _("The birth date cannot lie in the future."), code="birth_date_future"
        )
    if value < EARLIEST_BIRTH_DATE:
        raise ValidationError(
            _("A birth date before 1900 cannot be right. Check the year."),
            code="birth_date_too_early",
        )


# --- Postcode ---------------------------------------------------------------------------

# Four digits, the first not 0, then two letters; one space between them or none.
_POSTCODE = re.compile(r"([0-9]{4}) ?([A-Z]{2})")
# Examples in messages hold non-breaking spaces: a narrow screen never splits them.
POSTCODE_EXAMPLE = "3811\u00a0AB"
# PostNL does not give out these letter pairs (their meaning in the Second World War).
UNUSED_POSTCODE_LETTERS = frozenset({"SA", "SD", "SS"})


@dataclass(frozen=True)
class Postcode:
    digits: str
    letters: str

    def __str__(self) -> str:
        return f"{self.digits} {self.letters}"

    @property
    def compact(self) -> str:
        return f"{self.digits}{self.letters}"


def _postcode_problem(value) -> tuple[Postcode | None, ValidationError | None]:
    match = _POSTCODE.fullmatch(str(value).strip().upper())
    if match is None:
        return None, ValidationError(
            format_lazy(
                _("A postcode has 4 digits and 2 letters, such as {example}."),
                example=POSTCODE_EXAMPLE,
            ),
            code="postcode",
        )
    postcode = Postcode(*match.groups())
    if postcode.digits.startswith("0"):
        return None, ValidationError(
            _("A postcode does not start with 0. Check the postcode."), code="postcode_zero"
        )
    if postcode.letters in UNUSED_POSTCODE_LETTERS:
        return None, ValidationError(
            _("Postcodes with the letters SA, SD or SS do not exist. Check the postcode."),
            code="postcode_letters",
        )
    return postcode, None


def parse_postcode(value) -> Postcode | None:
    """' 3811ab ' → Postcode('3811', 'AB'); None when it is not a Dutch postcode."""
    return _postcode_problem(value)[0]


def normalise_postcode(value: str) -> str:
    """'3811ab' and ' 3811 AB' are the same postcode: '3811 AB'. Anything else is returned
    as it is, so that an old value that is no postcode is never lost."""
    postcode = parse_postcode(value) if value else None
    return str(postcode) if postcode else value


def validate_postcode(value) -> None:
    if value in (None, ""):
        return
    problem = _postcode_problem(value)[1]
    if problem is not None:
        raise problem


# --- House number -----------------------------------------------------------------------

# The BAG (the national register of addresses) numbers houses from 1 to 99999, with an
# optional house letter ("12A") and an optional addition of up to four letters or digits
# ("12-2", "12-HS", "12A-2").
HOUSE_NUMBER_MAX = 99_999
_HOUSE_NUMBER = re.compile(
    r"(?P<number>[0-9]{1,6})"
    r"(?: ?(?P<letter>[A-Z])(?=$|[ -]))?"
    r"(?: ?-? ?(?P<addition>[A-Z0-9]{1,4}))?"
)


@dataclass(frozen=True)
class HouseNumber:
    number: int
    letter: str = ""
    addition: str = ""

    def __str__(self) -> str:
        return f"{self.number}{self.letter}" + (f"-{self.addition}" if self.addition else "")

    @property
    def parts(self) -> tuple[str, ...]:
        """('12', 'A', '2'): what an address search takes, without the punctuation."""
        return tuple(part for part in (str(self.number), self.letter, self.addition) if part)


def parse_house_number(value) -> HouseNumber | None:
    """'12 a' → 12A, '12-2' → 12-2, '12 bis' → 12-BIS; None for 0, -1, 100000 or text."""
    text = " ".join(str(value).upper().split())
    match = _HOUSE_NUMBER.fullmatch(text)
    if match is None or match["number"].startswith("0"):
        return None
    number = int(match["number"])
    if number > HOUSE_NUMBER_MAX:
        return None
    return HouseNumber(number, match["letter"] or "", match["addition"] or "")


def normalise_house_number(value: str) -> str:
    """The stored form ('12A', '12-2', '12A-2'); anything else is returned as it is."""
    house_number = parse_house_number(value) if value else None
    return str(house_number) if house_number else value


def validate_house_number(value) -> None:
    if value in (None, ""):
        return
    if parse_house_number(value) is None:
        raise ValidationError(
            _(
                "Write the house number as a number from 1 up, with a letter or addition "
                "after it if there is one, such as 12, 12A or 12-2."
            ),
            code="house_number",
        )


# --- Phone number -----------------------------------------------------------------------

PHONE_INVALID_MESSAGE = format_lazy(
    _(
        "This is not a phone number. Write it like {mobile} or {landline}, or with a "
        "country code: {abroad}."
    ),
    mobile="06\u00a012345678",
    landline="020\u00a0123\u00a04567",
    abroad="+32\u00a0470\u00a012\u00a034\u00a056",
)


def phone_region() -> str:
    """A number without a country code is read as one of this country (NL)."""
    return settings.PHONENUMBER_DEFAULT_REGION


def parse_phone(value) -> phonenumbers.PhoneNumber | None:
    """'06-12345678', '+31 6 12345678', '0031612345678' → the same number; None when it is
    not a number that exists (by libphonenumber's rules for its country)."""
    if isinstance(value, phonenumbers.PhoneNumber):
        number = value
    else:
        try:
            number = phonenumbers.parse(str(value), phone_region())
        except phonenumbers.NumberParseException:
            return None
    return number if phonenumbers.is_valid_number(number) else None


def normalise_phone(value: str) -> str:
    """E.164 ('+31612345678'). A number with an extension, or anything that is not a
    phone number, is returned as it is: the stored form has no room for an extension."""
    number = parse_phone(value) if value else None
    if number is None or number.extension:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value) -> None:
    if value in (None, ""):
        return
    number = parse_phone(value)
    if number is None:
        raise ValidationError(PHONE_INVALID_MESSAGE, code="invalid")
    if number.extension:
        raise ValidationError(
            _("Leave out the extension: give only the phone number."), code="phone_extension"
        )


def format_phone(value) -> str:
    """How a person reads a number: Dutch numbers as you dial them here ('06 12345678',
    '020 123 4567'), others with their country code ('+32 470 12 34 56'). A stored value
    that is not a phone number is shown as it is."""
    if value in (None, ""):
        return ""
    number = parse_phone(value)
    if number is None:
        return str(value)
    if phonenumbers.region_code_for_number(number) == phone_region():
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
