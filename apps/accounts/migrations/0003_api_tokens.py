import hashlib
from datetime import datetime, timedelta

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

# rest_framework.authtoken kept partner tokens in plain text in this table. Its tokens are
# moved here as digests, so partners keep working without a new token; they expire this
# long after the upgrade. The old rows are deleted; the empty table may be dropped.
LEGACY_TABLE = "authtoken_token"
LEGACY_DAYS = 365
PREFIX_LENGTH = 10


def hash_legacy_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if LEGACY_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    PartnerSystem = apps.get_model("accounts", "PartnerSystem")
    with connection.cursor() as cursor:
        cursor.execute('SELECT "key", user_id, created FROM authtoken_token')
        rows = cursor.fetchall()
    partners = {
        partner.account_id: partner
        for partner in PartnerSystem.objects.filter(account_id__in=[row[1] for row in rows])
    }
    now = timezone.now()
    for key, user_id, created in rows:
        partner = partners.get(user_id)
        if partner is None:
            continue  # a person's token, which the API always refused: dropped
        ApiToken.objects.create(
            partner=partner,
            prefix=key[:PREFIX_LENGTH],
            digest=hashlib.sha256(key.encode()).hexdigest(),
            created_at=_aware(created) or now,
            expires_at=now + timedelta(days=LEGACY_DAYS),
        )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM authtoken_token")


def _aware(value):
    if isinstance(value, str):
        value = parse_datetime(value)
    if not isinstance(value, datetime):
        return None
    return value if timezone.is_aware(value) else timezone.make_aware(value, timezone.utc)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_partner_system"),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("prefix", models.CharField(max_length=16, verbose_name="starts with")),
                (
                    "digest",
                    models.CharField(
                        max_length=64, unique=True, verbose_name="SHA-256 of the token"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="issued at"
                    ),
                ),
                ("expires_at", models.DateTimeField(verbose_name="expires at")),
                (
                    "last_used_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="last used at"),
                ),
                (
                    "revoked_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="revoked at"),
                ),
                (
                    "partner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="api_tokens",
                        to="accounts.partnersystem",
                        verbose_name="partner system",
                    ),
                ),
            ],
            options={
                "verbose_name": "API token",
                "verbose_name_plural": "API tokens",
                "ordering": ["-created_at"],
            },
        ),
        migrations.RunPython(hash_legacy_tokens, migrations.RunPython.noop),
    ]
