from django.db import migrations

import apps.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0006_client_sort_name"),
    ]

    operations = [
        migrations.AlterField(
            model_name="client",
            name="birth_date",
            field=apps.core.fields.BirthDateField(blank=True, null=True, verbose_name="birth date"),
        ),
        migrations.AlterField(
            model_name="client",
            name="house_number",
            field=apps.core.fields.HouseNumberField(
                blank=True, max_length=12, verbose_name="house number"
            ),
        ),
        migrations.AlterField(
            model_name="client",
            name="phone",
            field=apps.core.fields.PhoneNumberField(
                blank=True, max_length=32, region=None, verbose_name="phone"
            ),
        ),
        migrations.AlterField(
            model_name="client",
            name="postcode",
            field=apps.core.fields.PostcodeField(blank=True, max_length=7, verbose_name="postcode"),
        ),
        migrations.AlterField(
            model_name="intakerequest",
            name="birth_date",
            field=apps.core.fields.BirthDateField(blank=True, null=True, verbose_name="birth date"),
        ),
        migrations.AlterField(
            model_name="intakerequest",
            name="house_number",
            field=apps.core.fields.HouseNumberField(
                blank=True, max_length=12, verbose_name="house number"
            ),
        ),
        migrations.AlterField(
            model_name="intakerequest",
            name="phone",
            field=apps.core.fields.PhoneNumberField(
                blank=True, max_length=32, region=None, verbose_name="phone"
            ),
        ),
        migrations.AlterField(
            model_name="intakerequest",
            name="postcode",
            field=apps.core.fields.PostcodeField(blank=True, max_length=7, verbose_name="postcode"),
        ),
    ]
