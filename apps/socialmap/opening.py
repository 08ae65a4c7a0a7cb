"""When a service is open: its weekly hours (Schedule) read on the clock of Europe/Amsterdam,
and closed on Dutch public holidays (the `holidays` package's list for NL)."""

import datetime
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils import timezone, translation

ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def local_moment(moment: datetime.datetime | None = None) -> datetime.datetime:
    """The moment on the organisation's clock (TIME_ZONE, Europe/Amsterdam), whatever the
    server's or the visitor's."""
    return (moment or timezone.now()).astimezone(ZoneInfo(settings.TIME_ZONE))


def ical_day(day: datetime.date) -> str:
    return ICAL_DAYS[day.weekday()]


def public_holiday(day: datetime.date) -> str | None:
    """The name of the public holiday on that day, in the reader's language; else None."""
    language = "en_US" if translation.get_language() == "en" else "nl"
    return _holidays(day.year, language).get(day)


@cache
def _holidays(year: int, language: str):
    return holidays.country_holidays("NL", years=year, language=language)
