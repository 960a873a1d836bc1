import django.db.models.deletion
from django.db import migrations, models

from onewindow.cases.repairs import relink_case_materials


def relink(apps, schema_editor):
    """Checklist rows detached by catalogue saves before issue 15 get their material back
    (same item, same name)."""
    relink_case_materials(
        apps.get_model("cases", "CaseMaterial"), apps.get_model("catalog", "Material")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_event_chain_anchors"),
        ("catalog", "0004_material_retired"),
    ]

    operations = [
        migrations.AlterField(
            model_name="casematerial",
            name="material",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                to="catalog.material",
            ),
        ),
        migrations.RunPython(relink, migrations.RunPython.noop, elidable=False),
    ]
