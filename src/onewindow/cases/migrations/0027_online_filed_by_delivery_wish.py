"""Online applications (issue 21 review): the account that filed a case on the portal
(an account not verified in person reaches only the cases it filed), the applicant's delivery
wish carried from the draft, and the channel's label without the source (网上申请). The cases
already submitted on the portal get their filer and wish from their drafts."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import onewindow.common.fields


def from_drafts(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Draft = apps.get_model("portal", "Draft")
    rows = Draft.objects.exclude(submitted_case=None, submitted_combined=None)
    for draft in rows.iterator():
        wish = {"mode": draft.delivery or "collect"}
        if wish["mode"] == "mail":
            wish.update(
                {k: (draft.mail or {}).get(k, "") for k in ("recipient", "phone", "address")}
            )
        cases = Case.objects.filter(filed_by__isnull=True)
        if draft.submitted_case_id:
            cases = cases.filter(pk=draft.submitted_case_id)
        else:
            cases = cases.filter(parent_id=draft.submitted_combined_id)
        cases.update(filed_by_id=draft.owner_id, delivery_wish=wish)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0026_online_applicant"),
        ("catalog", "0007_item_local_codes"),
        ("org", "0007_onboarding"),
        ("portal", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="delivery_wish",
            field=onewindow.common.fields.EncryptedJSONField(
                blank=True, default=dict, verbose_name="申请时选择的送达方式"
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="filed_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="网上提交账号",
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="channel",
            field=models.CharField(
                choices=[
                    ("window", "大厅窗口"),
                    ("online", "网上申请"),
                    ("dept_system", "部门业务系统"),
                    ("dept_hall", "保留的部门服务大厅"),
                    ("township", "乡镇（街道）政务服务中心"),
                ],
                max_length=12,
                verbose_name="申请渠道",
            ),
        ),
        migrations.AlterField(
            model_name="combinedcase",
            name="channel",
            field=models.CharField(
                choices=[
                    ("window", "大厅窗口"),
                    ("online", "网上申请"),
                    ("dept_system", "部门业务系统"),
                    ("dept_hall", "保留的部门服务大厅"),
                    ("township", "乡镇（街道）政务服务中心"),
                ],
                max_length=12,
                verbose_name="申请渠道",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("filed_by__isnull", False)),
                fields=["filed_by"],
                name="case_filed_by",
            ),
        ),
        migrations.RunPython(from_drafts, migrations.RunPython.noop),
    ]
