"""The search document of a service, kept by PostgreSQL: a trigger writes it whenever the
name, summary or description is written (by a form, an import or a bulk insert alike), and
a GIN index finds the matches. SQLite has neither and searches the columns themselves."""

import django.contrib.postgres.search
from django.db import migrations

SEARCH_DOCUMENT = """
    setweight(to_tsvector('dutch', coalesce(NEW.name, '')), 'A')
    || setweight(to_tsvector('dutch', coalesce(NEW.summary, '')), 'B')
    || setweight(to_tsvector('dutch', coalesce(NEW.description, '')), 'C')
"""


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE FUNCTION socialmap_service_search_document() RETURNS trigger AS $$ "
        f"BEGIN NEW.search_document := {SEARCH_DOCUMENT}; RETURN NEW; END "
        "$$ LANGUAGE plpgsql"
    )
    schema_editor.execute(
        "CREATE TRIGGER socialmap_service_search_document "
        "BEFORE INSERT OR UPDATE OF name, summary, description ON socialmap_service "
        "FOR EACH ROW EXECUTE FUNCTION socialmap_service_search_document()"
    )
    schema_editor.execute(
        "CREATE INDEX socialmap_service_search_idx ON socialmap_service USING gin (search_document)"
    )
    # Services that exist already.
    schema_editor.execute("UPDATE socialmap_service SET name = name")


def remove_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS socialmap_service_search_idx")
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS socialmap_service_search_document ON socialmap_service"
    )
    schema_editor.execute("DROP FUNCTION IF EXISTS socialmap_service_search_document()")


class Migration(migrations.Migration):
    dependencies = [
        ("socialmap", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="service",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(add_trigger, remove_trigger),
    ]
