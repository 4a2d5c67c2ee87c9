from django.db import migrations, models


def backfill(apps, schema_editor):
    """Documents returned before the field existed: the time of their ``incoming.returned`` audit event."""
    IncomingDocument = apps.get_model("documents", "IncomingDocument")
    AuditEvent = apps.get_model("core", "AuditEvent")
    events = AuditEvent.objects.filter(event_type="incoming.returned", target_type="documents.incomingdocument")
    for target_id, created_at in events.order_by("id").values_list("target_id", "created_at"):
        IncomingDocument.objects.filter(pk=int(target_id), returned_at__isnull=True).update(returned_at=created_at)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_initial"),
        ("documents", "0007_outgoing_cosigner"),
    ]

    operations = [
        migrations.AddField(
            model_name="incomingdocument",
            name="returned_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="thời điểm trả lại"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
