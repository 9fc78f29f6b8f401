"""What the pages show of a run: band labels in the reader's language, and a finished run's
groups with their rows and charts."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework
from parindex.shared import charts
from parindex.shared.language import lang

from . import selectors
from .charts import rank_interval_spec
from .models import RankUncertaintyRun


def band_labels(cycle: Cycle) -> dict[str | None, str]:
    fw = core_framework(cycle.framework_version)
    labels: dict[str | None, str] = {b.code: b.label(lang()) for b in fw.bands}
    labels[None] = _("No band")
    return labels


def group_charts(
    run: RankUncertaintyRun, labels: dict[str | None, str], unit_type: str | None = None
) -> list[dict[str, Any]]:
    """Each group of a finished run with its rows and its chart (SVG)."""
    out = []
    for group in selectors.grouped(selectors.unit_rows(run, labels), unit_type):
        ranked = [r for r in group.rows if r.rank is not None and r.rank_low is not None]
        spec = rank_interval_spec(
            [
                {
                    "unit": r.name,
                    "order": i,
                    "rank": r.rank,
                    "low": r.rank_low,
                    "high": r.rank_high,
                    "band": labels.get(r.band, labels[None]),
                }
                for i, r in enumerate(ranked)
            ],
            title=group.name or _("All units"),
            rank_label=_("Rank (%(level)s %% interval)") % {"level": run.level},
            unit_label=_("Unit"),
            band_label=_("Band"),
            band_order=list(labels.values()),
            group_size=group.rows[0].group_size,
        )
        out.append({"group": group, "chart": charts.render_svg(spec) if ranked else ""})
    return out
