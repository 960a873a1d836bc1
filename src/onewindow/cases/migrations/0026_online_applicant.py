"""Online correction and tracking (issue 21): the agent's digest (我的办事 lists the cases an
account holder filed as someone's agent), the correction deadline of a one-time notice and the
day of the last online correction. The digest of every case that has an agent is filled in."""

from django.db import migrations, models

from onewindow.common import crypto


def agent_digests(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    for case in Case.objects.exclude(agent_id="").only("id", "agent_id").iterator():
        if case.agent_id:
            digest = crypto.digest(case.agent_id)
            Case.objects.filter(pk=case.pk).update(agent_id_digest=digest)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0025_province_refusal_reasons_without_numbers"),
        ("catalog", "0007_item_local_codes"),
        ("org", "0007_onboarding"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="agent_id_digest",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="case",
            name="correct_by",
            field=models.DateField(blank=True, null=True, verbose_name="补正期限"),
        ),
        migrations.AddField(
            model_name="case",
            name="corrected_on",
            field=models.DateField(blank=True, null=True, verbose_name="网上补正日期"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("agent_id_digest", ""), _negated=True),
                fields=["agent_id_digest"],
                name="case_agent",
            ),
        ),
        migrations.RunPython(agent_digests, migrations.RunPython.noop),
    ]
