# Self-assessment: how often a unit head withdrew a submission, and how often they may.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_evidence_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="assessment",
            name="withdrawals",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="withdrawals"),
        ),
        migrations.AddField(
            model_name="assessment",
            name="withdrawals_allowed",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="withdrawals allowed"),
        ),
    ]
