"""PostgreSQL: store package bodies uncompressed (STORAGE EXTERNAL).

edXML bodies are mostly Base64, which pglz barely shrinks; compressing each 100 KB body on insert costs more CPU
than the whole rest of ``sendEdoc``. Other engines: nothing to do.
"""

from django.db import migrations


def body_storage_external(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE "hub_package" ALTER COLUMN "body" SET STORAGE EXTERNAL')


def body_storage_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE "hub_package" ALTER COLUMN "body" SET STORAGE EXTENDED')


class Migration(migrations.Migration):
    dependencies = [("hub", "0001_initial")]
    operations = [migrations.RunPython(body_storage_external, body_storage_default)]
