"""Model fields for a birth date, a Dutch postcode and house number and a phone number,
with the form fields they give a ModelForm. The rules are those of `apps.core.validators`.

Where each rule reaches:
- a ModelForm (pages, admin) gets the form field below: it reads what was typed, refuses
  it with the field's own message, and hands the normalised value on;
- a DRF ModelSerializer maps these to its CharField or DateField and takes the model
  field's validators along, so the API refuses the same input with the same message;
- `Model.full_clean()` (the services call it) normalises the value on the instance, and
  every save stores a readable value in its normalised form, also without full_clean.
"""

from django import forms
from django.db import models
from django.utils import timezone
from phonenumber_field import formfields as phone_formfields
from phonenumber_field import modelfields as phone_modelfields
from phonenumber_field import widgets as phone_widgets

from apps.core.validators import (
    EARLIEST_BIRTH_DATE,
    PHONE_INVALID_MESSAGE,
    format_phone,
    normalise_house_number,
    normalise_postcode,
    parse_phone,
    validate_birth_date,
    validate_house_number,
    validate_phone,
    validate_postcode,
)

# --- Forms ------------------------------------------------------------------------------


class NormalisedCharField(forms.CharField):
    """A text field whose cleaned value is the stored form of what was typed."""

    normalise = staticmethod(lambda value: value)

    def to_python(self, value):
        value = super().to_python(value)
        return self.normalise(value) if value else value


class PostcodeFormField(NormalisedCharField):
    default_validators = [validate_postcode]
    normalise = staticmethod(normalise_postcode)

    def widget_attrs(self, widget):
        # Letters in capitals as they are typed is the browser's job; the value is ours.
        return {**super().widget_attrs(widget), "autocapitalize": "characters"}


class HouseNumberFormField(NormalisedCharField):
    default_validators = [validate_house_number]
    normalise = staticmethod(normalise_house_number)


class PhoneNumberInput(phone_widgets.RegionalPhoneNumberWidget):
    """A Dutch number as it is dialled here (06 12345678), another with its country code
    (+32 470 12 34 56); what cannot be read is shown as it was typed."""

    def format_value(self, value):
        if parse_phone(value) is not None:
            return format_phone(value)
        # Not the library's own reading ("06-1234567" would become "61234567"): a number
        # that is refused is shown exactly as it was typed, to be corrected.
        return forms.TextInput.format_value(self, value)


class PhoneNumberFormField(phone_formfields.PhoneNumberField):
    default_validators = [validate_phone]
    default_error_messages = {"invalid": PHONE_INVALID_MESSAGE}
    widget = PhoneNumberInput


class BirthDateInput(forms.DateInput):
    """The browser's date picker, from 1900 up to today."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")

    def get_context(self, name, value, attrs):
        limits = {"min": EARLIEST_BIRTH_DATE.isoformat(), "max": timezone.localdate().isoformat()}
        return super().get_context(name, value, {**limits, **(attrs or {})})


class BirthDateFormField(forms.DateField):
    default_validators = [validate_birth_date]
    widget = BirthDateInput


# --- Models -----------------------------------------------------------------------------


class NormalisedCharModelField(models.CharField):
    """Text stored in one normal form: what can be read is written as the rule says
    ("3811ab" → "3811 AB"); what cannot (an old value) is kept as it is."""

    normalise = staticmethod(lambda value: value)
    form_class = forms.CharField

    def to_python(self, value):
        value = super().to_python(value)
        return self.normalise(value) if value else value

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value:
            value = self.normalise(value)
            setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        # Also for look-ups: filter(postcode="3811ab") finds "3811 AB".
        value = super().get_prep_value(value)
        return self.normalise(value) if value else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": self.form_class, **kwargs})


class PostcodeField(NormalisedCharModelField):
    """A Dutch postcode, stored as "3811 AB"."""

    default_validators = [validate_postcode]
    normalise = staticmethod(normalise_postcode)
    form_class = PostcodeFormField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 7)
        super().__init__(*args, **kwargs)


class HouseNumberField(NormalisedCharModelField):
    """A house number from 1 to 99999 with its letter and addition, stored as "12",
    "12A", "12-2" or "12A-2"."""

    default_validators = [validate_house_number]
    normalise = staticmethod(normalise_house_number)
    form_class = HouseNumberFormField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 12)
        super().__init__(*args, **kwargs)


class PhoneNumberField(phone_modelfields.PhoneNumberField):
    """A phone number, Dutch or from abroad, stored as E.164 ("+31612345678"). The value
    on a model instance is a `phonenumber_field.PhoneNumber`; show it with the `phone`
    template filter (apps.core.templatetags.contact_details)."""

    default_validators = [validate_phone]

    def __init__(self, *args, **kwargs):
        # E.164 takes at most 16 characters; the room is for what people type around it,
        # such as "+31 (0)6 - 12 34 56 78", which the API measures before reading it.
        kwargs.setdefault("max_length", 32)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhoneNumberFormField, **kwargs})


class BirthDateField(models.DateField):
    """A birth date from 1 January 1900 up to today."""

    default_validators = [validate_birth_date]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": BirthDateFormField, **kwargs})
