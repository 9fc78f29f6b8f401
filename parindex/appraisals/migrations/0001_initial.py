# Appraisal: assignments, leaf decisions, rounds, replies with supplementary evidence, comments.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('assessments', '0002_evidence_links'),
        ('cycles', '0001_initial'),
        ('evidence', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AppraisalComment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('leaf_code', models.CharField(max_length=40, verbose_name='leaf')),
                ('round', models.PositiveSmallIntegerField(verbose_name='round')),
                ('kind', models.CharField(choices=[('appraisal', 'Appraisers'), ('reply', "Unit's reply"), ('settlement', 'Settlement'), ('return', 'Returned again')], max_length=12, verbose_name='kind')),
                ('text', models.TextField(verbose_name='comment')),
                ('created_at', models.DateTimeField(verbose_name='written at')),
                ('assessment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='appraisal_comments', to='assessments.assessment')),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'appraisal comment',
                'ordering': ['assessment', 'leaf_code', 'round', 'created_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='LeafReply',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('leaf_code', models.CharField(max_length=40, verbose_name='leaf')),
                ('round', models.PositiveSmallIntegerField(verbose_name='round')),
                ('agrees', models.BooleanField(verbose_name='agrees')),
                ('reason', models.TextField(blank=True, verbose_name='reason')),
                ('updated_at', models.DateTimeField(verbose_name='updated at')),
                ('assessment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='replies', to='assessments.assessment')),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'reply',
                'verbose_name_plural': 'replies',
                'ordering': ['assessment', 'leaf_code', 'round'],
            },
        ),
        migrations.CreateModel(
            name='ReplyEvidence',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('linked_at', models.DateTimeField(auto_now_add=True, verbose_name='linked at')),
                ('evidence', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reply_links', to='evidence.evidence', verbose_name='evidence')),
                ('linked_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('reply', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='evidence_links', to='appraisals.leafreply')),
            ],
            options={
                'verbose_name': 'supplementary evidence',
                'ordering': ['reply', 'linked_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='AppraisalRound',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField(verbose_name='round')),
                ('opened_at', models.DateTimeField(verbose_name='opened at')),
                ('reason', models.TextField(blank=True, verbose_name='reason')),
                ('replied_at', models.DateTimeField(blank=True, null=True, verbose_name='replied at')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed at')),
                ('assessment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rounds', to='assessments.assessment')),
                ('opened_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('replied_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'explanation round',
                'ordering': ['assessment', 'number'],
                'constraints': [models.UniqueConstraint(fields=('assessment', 'number'), name='unique_round')],
            },
        ),
        migrations.CreateModel(
            name='AppraiserAssignment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('area_code', models.CharField(max_length=40, verbose_name='area')),
                ('assigned_at', models.DateTimeField(auto_now_add=True, verbose_name='assigned at')),
                ('assigned_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('cycle', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='appraiser_assignments', to='cycles.cycle')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='appraiser_assignments', to=settings.AUTH_USER_MODEL, verbose_name='appraiser')),
            ],
            options={
                'verbose_name': 'appraiser assignment',
                'ordering': ['cycle', 'area_code', 'user__username'],
                'constraints': [models.UniqueConstraint(fields=('cycle', 'user', 'area_code'), name='unique_appraiser_assignment')],
            },
        ),
        migrations.CreateModel(
            name='LeafAppraisal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('leaf_code', models.CharField(max_length=40, verbose_name='leaf')),
                ('area_code', models.CharField(max_length=40, verbose_name='area')),
                ('decision', models.CharField(choices=[('accepted', 'Accepted as declared'), ('adjusted', 'Adjusted'), ('flagged', 'Flagged for explanation')], max_length=10, verbose_name='decision')),
                ('value', models.CharField(blank=True, max_length=200, verbose_name='appraised value')),
                ('points', models.DecimalField(blank=True, decimal_places=3, max_digits=12, null=True, verbose_name='appraised points')),
                ('reason', models.TextField(blank=True, verbose_name='reason or comment')),
                ('appraised_at', models.DateTimeField(verbose_name='appraised at')),
                ('outcome', models.CharField(blank=True, choices=[('agreed', 'The unit agreed'), ('keep', 'Appraisal kept'), ('unit', "Unit's figure accepted"), ('new', 'New figure')], max_length=10, verbose_name='settlement')),
                ('settled_value', models.CharField(blank=True, max_length=200, verbose_name='settled value')),
                ('settled_points', models.DecimalField(blank=True, decimal_places=3, max_digits=12, null=True, verbose_name='settled points')),
                ('settled_reason', models.TextField(blank=True, verbose_name='reason of the settlement')),
                ('settled_at', models.DateTimeField(blank=True, null=True, verbose_name='settled at')),
                ('version', models.PositiveIntegerField(default=1)),
                ('appraised_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('assessment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='appraisals', to='assessments.assessment')),
                ('settled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'leaf appraisal',
                'ordering': ['assessment', 'leaf_code'],
                'indexes': [models.Index(fields=['area_code', 'decision'], name='appraisal_area_decision')],
                'constraints': [models.UniqueConstraint(fields=('assessment', 'leaf_code'), name='unique_leaf_appraisal'), models.CheckConstraint(condition=models.Q(models.Q(('decision', 'adjusted'), _negated=True), models.Q(('value', ''), _negated=True), ('points__isnull', False), _connector='OR'), name='adjustment_has_a_figure')],
            },
        ),
        migrations.AddConstraint(
            model_name='leafreply',
            constraint=models.UniqueConstraint(fields=('assessment', 'leaf_code', 'round'), name='unique_leaf_reply'),
        ),
        migrations.AddConstraint(
            model_name='replyevidence',
            constraint=models.UniqueConstraint(fields=('reply', 'evidence'), name='unique_reply_evidence'),
        ),
    ]
