"""Existing postcodes, house numbers and phone numbers in their normal form: "3811ab" →
"3811 AB", "12 a" → "12A", "06-12345678" → "+31612345678".

A value that cannot be read as one (a postcode with SA, a phone number that does not
exist, a number with an extension) is left exactly as it is: no data is lost. The client
form shows it as it is and asks to correct it when the client's details are next saved.

Plain SQL on the stored text, so that the current field classes (which read and write
these values themselves) do not change what this migration sees.
"""

from django.db import migrations

from apps.core.validators import normalise_house_number, normalise_phone, normalise_postcode

BATCH = 2_000


def normalise_table(connection, table: str) -> None:
    quote = connection.ops.quote_name
    names = ["postcode", "house_number", "phone"]
    select = (
        f"SELECT {quote('id')}, {', '.join(quote(name) for name in names)} "  # noqa: S608
        f"FROM {quote(table)} WHERE {quote('id')} > %s ORDER BY {quote('id')}"
    )
    update = (
        f"UPDATE {quote(table)} SET "  # noqa: S608
        + ", ".join(f"{quote(name)} = %s" for name in names)
        + f" WHERE {quote('id')} = %s"
    )
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(select + f" LIMIT {BATCH}", [last])
            rows = cursor.fetchall()
        if not rows:
            return
        changed = []
        for pk, postcode, house_number, phone in rows:
            new = (
                normalise_postcode(postcode) if postcode else postcode,
                normalise_house_number(house_number) if house_number else house_number,
                normalise_phone(phone) if phone else phone,
            )
            if new != (postcode, house_number, phone):
                changed.append([*new, pk])
        if changed:
            with connection.cursor() as cursor:
                cursor.executemany(update, changed)
        last = rows[-1][0]


def forwards(apps, schema_editor):
    for model in ("Client", "IntakeRequest"):
        normalise_table(schema_editor.connection, apps.get_model("dossiers", model)._meta.db_table)


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0007_contact_detail_fields"),
    ]

    # The normal form is also valid input: going back leaves the values as they are.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
