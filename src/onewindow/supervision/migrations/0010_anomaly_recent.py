"""The anomaly list read newest first along an index (issue 22)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0009_rollup_scorecard_appraisal"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="anomaly",
            index=models.Index(fields=["-detected_on", "-id"], name="anomaly_recent"),
        ),
    ]
