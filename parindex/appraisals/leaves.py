"""The leaves as the appraisal sees them: which leaves are appraised for a unit, the area each
belongs to, the value the unit declared, the appraisers' figure and the figure in force after
the explanation round, and the points a figure earns (always scored by the core).

Shared by the writes (``services``), the reads (``selectors``), the access checks and the
reminders, so that each of them answers these questions the same way.
"""

from __future__ import annotations

from decimal import Decimal

from parindex.assessments.models import Assessment
from parindex.core import Framework, LeafScore, Node, Scorer, ValueRuleError
from parindex.results.models import Answer

from .models import Decision, LeafAppraisal, Outcome


def area_of(fw: Framework) -> dict[str, str]:
    """Leaf code → the code of its area (the top-level node above it)."""
    return {node.code: top.code for top in fw.nodes for node in top.walk() if node.is_leaf}


def appraisable(fw: Framework, unit_type: str | None) -> tuple[Node, ...]:
    """The leaves appraised for a unit: those it declares itself (applicable, not survey)."""
    return fw.declared_leaves(unit_type)


def declared_value(assessment: Assessment, leaf_code: str) -> str:
    """The value the unit declared for the leaf, as written ("" when it gave none)."""
    return (
        Answer.objects.filter(
            cycle_id=assessment.cycle_id, unit_id=assessment.unit_id, leaf_code=leaf_code
        )
        .values_list("value", flat=True)
        .first()
        or ""
    )


def appraised_figure(la: LeafAppraisal, declared: str) -> tuple[str, Decimal | None]:
    """The appraisers' figure before any explanation, as (value, points): the adjusted one, else
    the declared value."""
    if la.decision == Decision.ADJUSTED:
        return la.value, la.points
    return declared, None


def in_force(la: LeafAppraisal) -> tuple[str | None, Decimal | None]:
    """The figure that replaces the declared one after appraisal, as (value, points); (None,
    None) when the declared value counts."""
    if la.outcome == Outcome.UNIT:
        return None, None
    if la.outcome == Outcome.NEW:
        return (la.settled_value or None), la.settled_points
    if la.decision == Decision.ADJUSTED:
        return (la.value or None), la.points
    return None, None


class Points:
    """Scores values on one framework through the core, once per distinct value."""

    def __init__(self, fw: Framework) -> None:
        self.fw = fw
        self.scorer = Scorer(fw)

    def score(self, leaf: Node, value: str) -> LeafScore | None:
        try:
            return self.scorer(leaf, value or None)
        except ValueRuleError:
            return None

    def text(self, leaf: Node, value: str, points: Decimal | None = None) -> str:
        """The points a figure earns, as set (``points``) or scored from the value; "" for a
        value the leaf's rule refuses."""
        if points is not None:
            return f"{points:.{self.fw.places}f}"
        score = self.score(leaf, value)
        return "" if score is None else f"{score.points:.{self.fw.places}f}"


def points_text(fw: Framework, leaf: Node, value: str | None, points: Decimal | None) -> str:
    """The points one figure earns (see ``Points.text``), for a single leaf."""
    return Points(fw).text(leaf, value or "", points)
