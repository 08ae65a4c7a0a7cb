"""The figures in a partition per month on PostgreSQL (apps/effects/partitions.py).

The existing table is replaced by one partitioned by `month` (its indexes are dropped
before and the new one is created after, on every partition), with a partition for every
month it holds and a default partition; its rows are copied over. PostgreSQL requires the
partition key in the primary key: it becomes (id, month), while Django keeps `id` as the
model's primary key. Copying takes a few minutes for tens of millions of figures; the
figures can also be left out and computed again (`manage.py statistics_rebuild`).
SQLite keeps one table.
"""

from django.db import migrations, models

TABLE = "effects_figure"
OLD = f"{TABLE}_unpartitioned"
DEFAULT_PARTITION = f"{TABLE}_default"


def _next_month(month):
    return month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1)


def partition_table(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
        cursor.execute(f"ALTER INDEX {TABLE}_pkey RENAME TO {OLD}_pkey")
        cursor.execute(f"ALTER SEQUENCE {TABLE}_id_seq RENAME TO {OLD}_id_seq")
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
            "INCLUDING IDENTITY INCLUDING STORAGE) PARTITION BY RANGE (month)"
        )
        cursor.execute(f"ALTER TABLE {TABLE} ADD PRIMARY KEY (id, month)")
        cursor.execute(f"CREATE TABLE {DEFAULT_PARTITION} PARTITION OF {TABLE} DEFAULT")
        cursor.execute(f"SELECT DISTINCT month FROM {OLD}")  # noqa: S608
        for (month,) in cursor.fetchall():
            cursor.execute(
                f"CREATE TABLE {TABLE}_p{month:%Y%m} PARTITION OF {TABLE} "
                "FOR VALUES FROM (%s) TO (%s)",
                [month, _next_month(month)],
            )
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {OLD}")  # noqa: S608
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), "  # noqa: S608
            f"coalesce((SELECT max(id) FROM {TABLE}), 0) + 1, false)"
        )
        cursor.execute(f"DROP TABLE {OLD}")


def unpartition_table(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
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


class Migration(migrations.Migration):
    dependencies = [("effects", "0003_figure_index_with_theme")]

    operations = [
        migrations.RemoveIndex(model_name="figure", name="figure_month_idx"),
        migrations.RemoveIndex(model_name="figure", name="figure_level_measure_idx"),
        migrations.RunPython(partition_table, unpartition_table, elidable=False),
        migrations.AddIndex(
            model_name="figure",
            index=models.Index(
                fields=["level", "measure", "theme", "team", "month"], name="figure_read_idx"
            ),
        ),
    ]
