"""Plain SQL for the reads that the most-used pages make on every request.

Built through the ORM, a small read costs the web server several times what answering it
costs the database (0.4 to 1.5 ms of CPU to build a query and its rows, against 0.1 to
0.3 ms as SQL), and a worker's start pages make four or five of them. The modules that
use these helpers write such reads out, one statement each, and check no permissions:
their callers ask the policy first.

Every statement runs on PostgreSQL and on SQLite (the embedded default and the tests).
SQLite hands dates and moments back as text, hence `day` and `moment`.
"""

from datetime import UTC, date, datetime, time
from functools import cache

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime


def rows(sql: str, params: list) -> list[dict]:
    """Each row as a dict by column name."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def tuples(sql: str, params: list) -> list[tuple]:
    """Each row as a tuple, in the order of the columns: for many rows read at once."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def value(sql: str, params: list):
    """The first column of the first row."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def first_row(sql: str, params: list) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def columns(model, alias: str) -> str:
    """All the model's columns, for a SELECT whose values `instance` turns into one."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


def instance(model, values):
    """The model instance that the ORM would make of the values of `columns(model, …)`,
    converted as the ORM converts them (SQLite's dates as text, its booleans as numbers)."""
    names, converters = _reading(model, connection.vendor)
    converted = []
    for value, (field_converters, column) in zip(values, converters, strict=True):
        for converter in field_converters:
            value = converter(value, column, connection)
        converted.append(value)
    return model.from_db(connection.alias, names, converted)


def instances(row, models) -> list:
    """The model instances a joined row of `columns(model, …)` per model holds, in the order
    of `models`; None for a model whose LEFT JOIN found nothing."""
    found, start = [], 0
    for model in models:
        end = start + len(model._meta.concrete_fields)
        values = row[start:end]
        found.append(instance(model, values) if values[0] is not None else None)
        start = end
    return found


@cache
def _reading(model, _vendor: str):
    """The field names and, per column, its converters, as the ORM's compiler asks them."""
    fields = model._meta.concrete_fields
    converters = []
    for field in fields:
        column = field.get_col(model._meta.db_table)
        field_converters = connection.ops.get_db_converters(column)
        converters.append((field_converters + field.get_db_converters(connection), column))
    return [field.attname for field in fields], converters


def placeholders(values) -> str:
    """`%s, %s, …` for an IN list; the list must not be empty."""
    return ", ".join(["%s"] * len(values))


def date_param(day_value: date):
    return connection.ops.adapt_datefield_value(day_value)


def time_param(time_value: time):
    return connection.ops.adapt_timefield_value(time_value)


def moment_param(moment_value: datetime):
    return connection.ops.adapt_datetimefield_value(moment_value)


def day(value_read) -> date | None:
    """A date as plain SQL hands it back."""
    if isinstance(value_read, str):
        return date.fromisoformat(value_read)
    return value_read


def moment(value_read) -> datetime | None:
    """A moment as plain SQL hands it back: SQLite gives text or a naive datetime, in UTC."""
    if isinstance(value_read, str):
        value_read = parse_datetime(value_read)
    if value_read is not None and timezone.is_naive(value_read):
        value_read = value_read.replace(tzinfo=UTC)
    return value_read
