"""PostgreSQL: TRUNCATE skips row triggers, so refuse it with a statement trigger.

Django's test runner empties tables with TRUNCATE between transactional tests; the test
settings allow that for their own connections only (`buurtkompas.audit_truncate`).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_accesslog_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('buurtkompas.audit_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit_accesslogentry is append-only (TRUNCATE refused)';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_accesslog_refuse_truncate
    BEFORE TRUNCATE ON audit_accesslogentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_accesslog_refuse_truncate();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_accesslog_refuse_truncate ON audit_accesslogentry;
DROP FUNCTION IF EXISTS audit_accesslog_refuse_truncate();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_break_glass_action")]

    operations = [migrations.RunPython(forwards, backwards)]
