"""On Postgres, a trigger refuses every UPDATE and DELETE of an audit entry: history cannot be
changed through the admin, the API, the ORM or a raw query. (TRUNCATE, which only a database
owner runs, e.g. the test runner between tests, is not affected.)"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION governance_audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Audit entries cannot be changed or deleted';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER governance_audit_append_only
    BEFORE UPDATE OR DELETE ON governance_auditentry
    FOR EACH ROW EXECUTE FUNCTION governance_audit_refuse_change();
"""
DROP = """
DROP TRIGGER IF EXISTS governance_audit_append_only ON governance_auditentry;
DROP FUNCTION IF EXISTS governance_audit_refuse_change();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
