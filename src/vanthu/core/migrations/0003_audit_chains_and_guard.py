"""One audit chain per agency, and the database triggers that refuse UPDATE/DELETE of audit rows.

Existing rows stay in chain 0 (the shared chain) with their hashes untouched, and the existing head becomes chain 0's
head: re-hashing them into per-agency chains would itself be the rewrite the log must never allow.
"""

from django.db import migrations, models


def head_last_event(apps, schema_editor):
    """The id of the newest row, which checkpoints and verification now read from the head."""
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    AuditChainHead.objects.filter(chain=0).update(last_event_id=last)


def guard_install(apps, schema_editor):
    from vanthu.core.audit_guard import audit_guard_install

    audit_guard_install(schema_editor.connection)


def guard_remove(apps, schema_editor):
    from vanthu.core.audit_guard import audit_guard_remove

    audit_guard_remove(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="chain",
            field=models.BigIntegerField(default=0, unique=True),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="last_event_id",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(head_last_event, migrations.RunPython.noop),
        migrations.RunPython(guard_install, guard_remove),
    ]
