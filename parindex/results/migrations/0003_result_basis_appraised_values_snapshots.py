# Result bases (self, final), appraised values and result snapshots.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cycles', '0001_initial'),
        ('results', '0002_answer_version'),
        ('units', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AppraisedValue',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('leaf_code', models.CharField(max_length=40, verbose_name='leaf')),
                ('value', models.CharField(blank=True, max_length=200, verbose_name='value')),
                ('points', models.DecimalField(blank=True, decimal_places=3, max_digits=12, null=True, verbose_name='points')),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': 'appraised value',
            },
        ),
        migrations.CreateModel(
            name='ResultSnapshot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('basis', models.CharField(choices=[('self', 'Self-assessed'), ('final', 'Final (after appraisal)')], default='final', max_length=10, verbose_name='basis')),
                ('results', models.JSONField(help_text="every unit's result, in listing order")),
                ('inputs_sha256', models.CharField(max_length=64, verbose_name='SHA-256 of the inputs')),
                ('framework_sha256', models.CharField(max_length=64, verbose_name='SHA-256 of the framework')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='approved at')),
                ('superseded_at', models.DateTimeField(blank=True, null=True, verbose_name='superseded at')),
                ('superseded_reason', models.TextField(blank=True, verbose_name='reason for reopening')),
            ],
            options={
                'verbose_name': 'result snapshot',
                'ordering': ['cycle', '-created_at', '-id'],
            },
        ),
        migrations.AlterModelOptions(
            name='unitresult',
            options={'ordering': ['cycle', 'basis', 'position'], 'verbose_name': 'unit result'},
        ),
        migrations.RemoveConstraint(
            model_name='unitresult',
            name='unique_unit_result',
        ),
        migrations.AddField(
            model_name='unitresult',
            name='basis',
            field=models.CharField(choices=[('self', 'Self-assessed'), ('final', 'Final (after appraisal)')], default='final', max_length=10, verbose_name='basis'),
        ),
        migrations.AddConstraint(
            model_name='unitresult',
            constraint=models.UniqueConstraint(fields=('cycle', 'unit', 'basis'), name='unique_unit_result'),
        ),
        migrations.AddField(
            model_name='appraisedvalue',
            name='cycle',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='appraised_values', to='cycles.cycle'),
        ),
        migrations.AddField(
            model_name='appraisedvalue',
            name='unit',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.unit'),
        ),
        migrations.AddField(
            model_name='resultsnapshot',
            name='created_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='resultsnapshot',
            name='cycle',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='snapshots', to='cycles.cycle'),
        ),
        migrations.AddField(
            model_name='resultsnapshot',
            name='superseded_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name='appraisedvalue',
            constraint=models.UniqueConstraint(fields=('cycle', 'unit', 'leaf_code'), name='unique_appraised_value'),
        ),
        migrations.AddConstraint(
            model_name='appraisedvalue',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('points__isnull', True), models.Q(('value', ''), _negated=True)), models.Q(('points__isnull', False), ('value', '')), _connector='OR'), name='appraised_value_or_points'),
        ),
    ]
