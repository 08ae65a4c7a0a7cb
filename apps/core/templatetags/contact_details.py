"""Contact details as a person reads them: `{{ client.phone|phone }}`, or as a link that
a phone dials: `{{ client.phone|phone_link }}`."""

import phonenumbers
from django import template
from django.utils.html import format_html

from apps.core.validators import format_phone, parse_phone

register = template.Library()


@register.filter
def phone(value) -> str:
    """'06 12345678' for a Dutch number, '+32 470 12 34 56' for one from abroad."""
    return format_phone(value)


@register.filter
def phone_link(value) -> str:
    """The number as a tel: link; a stored value that is no phone number as plain text."""
    number = parse_phone(value) if value else None
    if number is None:
        return format_phone(value)
    dial = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return format_html('<a class="utrecht-link" href="tel:{}">{}</a>', dial, format_phone(number))
