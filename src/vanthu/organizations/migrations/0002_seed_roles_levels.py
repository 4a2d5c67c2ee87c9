from django.db import migrations

ROLES = ["SYSADMIN", "AGENCY_ADMIN", "CLERK", "LEADER", "UNIT_LEADER", "SPECIALIST", "FORMAT_CHECKER", "GUEST",
         "STATS_VIEWER"]
LEVELS = [("PROVINCE", "Cấp tỉnh", 1), ("DEPARTMENT", "Cấp sở, ban, ngành", 2), ("DISTRICT", "Cấp huyện", 2),
          ("COMMUNE", "Cấp xã", 3), ("OTHER", "Khác", 9)]


def seed(apps, schema_editor):
    Role = apps.get_model("organizations", "Role")
    AgencyLevel = apps.get_model("organizations", "AgencyLevel")
    for code in ROLES:
        Role.objects.get_or_create(code=code)
    for code, name, rank in LEVELS:
        AgencyLevel.objects.get_or_create(code=code, defaults={"name": name, "rank": rank})


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
