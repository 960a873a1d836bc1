from django.db import migrations

CODES = ["applicant", "window_clerk", "team_leader", "window_supervisor", "dept_reviewer",
         "hall_manager", "reform_office", "supervisor", "sysadmin"]


def create_roles(apps, schema_editor):
    Role = apps.get_model("org", "Role")
    for code in CODES:
        Role.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
