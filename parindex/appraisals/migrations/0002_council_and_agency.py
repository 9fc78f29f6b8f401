# Appraisal: the agency of an appraisal team; the council of a cycle, its decisions and documents.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appraisals", "0001_initial"),
        ("cycles", "0001_initial"),
        ("evidence", "0001_initial"),
        ("units", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="appraiserassignment",
            name="agency",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="units.unit",
                verbose_name="agency of the appraisal team",
            ),
        ),
        migrations.CreateModel(
            name="Council",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "rule",
                    models.CharField(
                        choices=[
                            ("chair", "The chair approves"),
                            ("majority", "A majority of the members approve"),
                        ],
                        default="chair",
                        max_length=10,
                        verbose_name="approval rule",
                    ),
                ),
                (
                    "decision_date",
                    models.DateField(
                        blank=True, null=True, verbose_name="date of the publication decision"
                    ),
                ),
                (
                    "cycle",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="council",
                        to="cycles.cycle",
                    ),
                ),
                (
                    "secretariat",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="units.unit",
                        verbose_name="agency keeping the council's documents",
                    ),
                ),
            ],
            options={
                "verbose_name": "appraisal council",
            },
        ),
        migrations.CreateModel(
            name="CouncilDocument",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("minutes", "Minutes of the council meeting"),
                            ("decision", "Signed publication decision"),
                        ],
                        max_length=10,
                        verbose_name="kind",
                    ),
                ),
                ("linked_at", models.DateTimeField(auto_now_add=True, verbose_name="linked at")),
                (
                    "cycle",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="council_documents",
                        to="cycles.cycle",
                    ),
                ),
                (
                    "evidence",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="council_links",
                        to="evidence.evidence",
                        verbose_name="document",
                    ),
                ),
                (
                    "linked_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "council document",
                "ordering": ["cycle", "linked_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="CouncilMember",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[("chair", "Chair"), ("member", "Member")],
                        max_length=10,
                        verbose_name="role in the council",
                    ),
                ),
                ("named_at", models.DateTimeField(auto_now_add=True, verbose_name="named at")),
                (
                    "cycle",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="council_members",
                        to="cycles.cycle",
                    ),
                ),
                (
                    "named_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="council_seats",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="person",
                    ),
                ),
            ],
            options={
                "verbose_name": "council member",
                "ordering": ["cycle", "role", "user__username"],
                "constraints": [
                    models.UniqueConstraint(fields=("cycle", "user"), name="unique_council_member"),
                    models.UniqueConstraint(
                        condition=models.Q(("role", "chair")),
                        fields=("cycle",),
                        name="one_council_chair",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="CouncilVote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "vote",
                    models.CharField(
                        choices=[("approve", "Approve"), ("object", "Object")],
                        max_length=10,
                        verbose_name="decision",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="note")),
                ("decided_at", models.DateTimeField(verbose_name="decided at")),
                (
                    "superseded_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="superseded at"),
                ),
                (
                    "cycle",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="council_votes",
                        to="cycles.cycle",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="member",
                    ),
                ),
            ],
            options={
                "verbose_name": "council decision",
                "ordering": ["cycle", "decided_at", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("superseded_at__isnull", True)),
                        fields=("cycle", "user"),
                        name="one_current_council_vote",
                    )
                ],
            },
        ),
    ]
