"""The figures' partitions without a primary-key index on PostgreSQL.

A computation writes its months into a staging table and attaches them as partitions
(apps/effects/partitions.py). A primary key on the partitioned table (id, month) would be
built for every month at every computation, and kept up at every row written: a quarter
of the cost of writing the figures, for a uniqueness that the sequence already gives and
that nothing reads. Django still treats `id` as the primary key. SQLite keeps its table as
it is.
"""

from django.db import migrations

TABLE = "effects_figure"


def drop_primary_key(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT IF EXISTS {TABLE}_pkey")


def add_primary_key(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} ADD PRIMARY KEY (id, month)")


class Migration(migrations.Migration):
    dependencies = [("effects", "0005_figure_baseline_and_margins")]

    operations = [migrations.RunPython(drop_primary_key, add_primary_key, elidable=False)]
