"""Each stored result keeps its areas' indices beside its nodes (``UnitResult.areas``), filled
here for the results stored before."""

from typing import Any

from django.db import migrations, models

from parindex.core import load_framework


def fill(apps: Any, schema_editor: Any) -> None:
    cycle_model = apps.get_model("cycles", "Cycle")
    result_model = apps.get_model("results", "UnitResult")
    for cycle in cycle_model._default_manager.select_related("framework_version"):
        version = cycle.framework_version
        fw = load_framework(version.source_text, source=version.source_name)
        codes = [node.code for node in fw.nodes if node.kind == "normal"]
        rows = []
        for row in result_model.objects.filter(cycle=cycle).only("pk", "nodes").iterator(2000):
            row.areas = {code: row.nodes[code]["index"] for code in codes if code in row.nodes}
            rows.append(row)
        result_model.objects.bulk_update(rows, ["areas"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("cycles", "0001_initial"),
        ("results", "0005_unit_result_group_ranks"),
    ]

    operations = [
        migrations.AddField(
            model_name="unitresult",
            name="areas",
            field=models.JSONField(
                default=dict,
                help_text="area code -> index as a decimal string (the top-level nodes)",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
