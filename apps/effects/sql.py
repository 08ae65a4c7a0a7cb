"""The few SQL expressions that PostgreSQL and SQLite spell differently.

The statistics are computed with plain SQL (GROUP BY over the raw tables, INSERT … SELECT)
that both databases understand; only dates need a translation. Months and days are those
of the Netherlands (settings.TIME_ZONE), not of UTC: a contact at 00:30 on 1 March counts
in March.
"""

from django.conf import settings
from django.db import connection


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def month_of_datetime(column: str) -> tuple[str, list]:
    """The first day of the column's month, in the Netherlands, as a date."""
    if is_postgresql():
        return f"CAST(date_trunc('month', {column} AT TIME ZONE %s) AS date)", [settings.TIME_ZONE]
    return (
        f"date(django_datetime_trunc('month', {column}, %s, %s))",
        [settings.TIME_ZONE, connection.timezone_name],
    )


def date_of_datetime(column: str) -> tuple[str, list]:
    """The column's calendar day in the Netherlands."""
    if is_postgresql():
        return f"CAST({column} AT TIME ZONE %s AS date)", [settings.TIME_ZONE]
    return (
        f"date(django_datetime_cast_date({column}, %s, %s))",
        [settings.TIME_ZONE, connection.timezone_name],
    )


def month_of_date(column: str) -> str:
    if is_postgresql():
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def days_between(start: str, end: str) -> str:
    if is_postgresql():
        return f"({end} - {start})"
    return f"CAST(julianday({end}) - julianday({start}) AS integer)"


def as_float(expression: str) -> str:
    """Decimal scores as floating point, so sums of squares stay within range."""
    if is_postgresql():
        return f"CAST({expression} AS double precision)"
    return f"CAST({expression} AS real)"


def placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))
