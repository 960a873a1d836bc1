"""Money becomes a bounded decimal (0 to 99,999,999.99 in the column, the configured maximum in
Python), postage is kept apart from the item's fee, and a 容缺 material records when it came."""

from decimal import Decimal

import onewindow.common.fields
import onewindow.common.validators
from django.db import migrations, models

COLUMN_MAX = "99999999.99"


def repair_fees(apps, schema_editor):
    """Fees the database cannot hold within its bounds (1E+30 on SQLite, NaN on PostgreSQL) were
    never real fees: set to 0, the value as stored kept in the delivery record for the audit."""
    Case = apps.get_model("cases", "Case")
    table = schema_editor.quote_name(Case._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, CAST(fee AS TEXT) FROM {table} "
            f"WHERE NOT (fee >= 0 AND fee <= {COLUMN_MAX})"
        )
        bad = cursor.fetchall()
    for pk, raw in bad:
        detail = Case.objects.filter(pk=pk).values_list("delivery_detail", flat=True).first()
        detail = {**(detail or {}), "fee_out_of_range": str(raw)[:40]}
        Case.objects.filter(pk=pk).update(fee=Decimal("0"), delivery_detail=detail)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_review_index"),
        ("catalog", "0003_combinedmember_stage"),
        ("org", "0004_applicant_identity"),
    ]

    operations = [
        migrations.RunPython(repair_fees, migrations.RunPython.noop),
        migrations.AddField(
            model_name="case",
            name="postage",
            field=onewindow.common.fields.YuanField(
                decimal_places=2,
                default=0,
                max_digits=10,
                validators=[onewindow.common.validators.validate_yuan],
                verbose_name="邮寄费用（元，申请人承担）",
            ),
        ),
        migrations.AddField(
            model_name="casematerial",
            name="received_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="补齐时间"),
        ),
        migrations.AlterField(
            model_name="case",
            name="fee",
            field=onewindow.common.fields.YuanField(
                decimal_places=2,
                default=0,
                max_digits=10,
                validators=[onewindow.common.validators.validate_yuan],
                verbose_name="收费金额（元）",
            ),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.CheckConstraint(
                condition=models.Q(("fee__gte", 0), ("fee__lte", Decimal(COLUMN_MAX))),
                name="case_fee_yuan",
            ),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.CheckConstraint(
                condition=models.Q(("postage__gte", 0), ("postage__lte", Decimal(COLUMN_MAX))),
                name="case_postage_yuan",
            ),
        ),
    ]
