"""Refusals recorded before id_message kept the validators' own messages, which name the birth
date or the address code of the applicant's or agent's number (or the credit code and its check
character): those reasons are rewritten without any part of the number."""

import re

from django.db import migrations

# Six or more digits in a row, a date as 1990-01-01, or a quoted code: a part of a number.
_PART = re.compile(r"\d{6}|\d{4}-\d{2}-\d{2}|“[0-9A-Z]{8,}”")


def forward(apps, schema_editor):
    ProvinceApplication = apps.get_model("cases", "ProvinceApplication")
    rows = ProvinceApplication.objects.filter(
        case__isnull=True, code__in=["id_invalid", "agent_id_invalid", "applicant_invalid"]
    )
    for row in rows.iterator():
        if not _PART.search(row.reason):
            continue
        who = "代理人" if row.code == "agent_id_invalid" else ""
        row.reason = f"申请人信息有误：{who}证件号码不符合要求，请核对。"
        row.save(update_fields=["reason"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0024_province_pull_seen")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
