"""The access log at the scale of years: new indexes and, on PostgreSQL, monthly partitions.

On PostgreSQL the existing table is replaced by one partitioned by month of occurred_at
(see apps/audit/partitions.py): its rows are copied into the new table, which gets the
primary key (id, occurred_at) — PostgreSQL requires the partition key in it — while
Django keeps `id` as the model's primary key. The append-only triggers of 0002 and 0004
are put on the new table and every partition. Copying takes a while on a large table:
run this migration in a maintenance window.

The indexes serve the access-log page: newest first by (occurred_at, id), and the
searches by user id, by record and, on PostgreSQL only, by the beginning of an e-mail
address (btree on lower(actor_email) with text_pattern_ops) and by part of a record's
description (pg_trgm GIN). SQLite gets the portable indexes and no partitions.
"""

import django.utils.timezone
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models
from django.db.models.functions import Lower, Upper

from apps.audit import partitions

TABLE = partitions.TABLE
OLD = f"{TABLE}_unpartitioned"

# Expressions and opclasses SQLite does not know: created on PostgreSQL only.
POSTGRESQL_INDEXES = [
    models.Index(
        OpClass(Lower("actor_email"), name="text_pattern_ops"),
        "occurred_at",
        "id",
        name="audit_email_prefix_idx",
    ),
    GinIndex(OpClass(Upper("object_repr"), name="gin_trgm_ops"), name="audit_repr_trgm_idx"),
]

ROW_TRIGGER = f"""
CREATE TRIGGER audit_accesslog_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_accesslog_append_only()
"""


def partition_table(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
        cursor.execute(f"ALTER INDEX {TABLE}_pkey RENAME TO {OLD}_pkey")
        cursor.execute(f"ALTER SEQUENCE {TABLE}_id_seq RENAME TO {OLD}_id_seq")
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
            "INCLUDING IDENTITY INCLUDING STORAGE) PARTITION BY RANGE (occurred_at)"
        )
        cursor.execute(f"ALTER TABLE {TABLE} ADD PRIMARY KEY (id, occurred_at)")
        cursor.execute(ROW_TRIGGER)
        partitions.protect(cursor, TABLE)
        partitions.create_default_partition(cursor)
        cursor.execute(f"SELECT min(occurred_at) FROM {OLD}")  # noqa: S608
        oldest = cursor.fetchone()[0]
        now = django.utils.timezone.now()
        if oldest is not None and oldest < now:
            this_month = partitions.first_of_month(now)
            month = partitions.first_of_month(oldest)
            while month < this_month:
                partitions._create(cursor, partitions.Partition(month))
                month = partitions.add_months(month, 1)
    partitions.ensure_partitions(now=now, connection=connection)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {OLD}")  # noqa: S608
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), "  # noqa: S608
            f"coalesce((SELECT max(id) FROM {TABLE}), 0) + 1, false)"
        )
        cursor.execute(f"DROP TABLE {OLD}")


def unpartition_table(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {OLD} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
            "INCLUDING IDENTITY INCLUDING STORAGE)"
        )
        cursor.execute(f"INSERT INTO {OLD} SELECT * FROM {TABLE}")  # noqa: S608
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{OLD}', 'id'), "  # noqa: S608
            f"coalesce((SELECT max(id) FROM {OLD}), 0) + 1, false)"
        )
        cursor.execute(f"DROP TABLE {TABLE} CASCADE")
        cursor.execute(f"ALTER TABLE {OLD} RENAME TO {TABLE}")
        cursor.execute(f"ALTER SEQUENCE {OLD}_id_seq RENAME TO {TABLE}_id_seq")
        cursor.execute(f"ALTER TABLE {TABLE} ADD PRIMARY KEY (id)")
        cursor.execute(ROW_TRIGGER)
        partitions.protect(cursor, TABLE)


def add_postgresql_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("audit", "AccessLogEntry")
    for index in POSTGRESQL_INDEXES:
        schema_editor.add_index(model, index)


def remove_postgresql_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("audit", "AccessLogEntry")
    for index in POSTGRESQL_INDEXES:
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_refuse_truncate")]

    operations = [
        TrigramExtension(),
        migrations.RemoveIndex(model_name="accesslogentry", name="audit_object_idx"),
        migrations.RemoveIndex(model_name="accesslogentry", name="audit_actor_idx"),
        migrations.AlterField(
            model_name="accesslogentry",
            name="occurred_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="when"),
        ),
        migrations.RunPython(partition_table, unpartition_table, elidable=False),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(fields=["occurred_at", "id"], name="audit_time_idx"),
        ),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(
                fields=["actor_user_id", "occurred_at", "id"], name="audit_actor_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(
                fields=["object_type", "object_id", "occurred_at", "id"], name="audit_object_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(
                condition=models.Q(("action", "read"), _negated=True),
                fields=["action", "occurred_at", "id"],
                name="audit_action_idx",
            ),
        ),
        migrations.RunPython(add_postgresql_indexes, remove_postgresql_indexes, elidable=False),
    ]
