"""A stored leaf's explanation, made when it is read.

``UnitResult.leaves`` holds each leaf's value, status and points (``StoredFields``); why the
leaf got its points follows from the value by the rule of the cycle's framework version, which
never changes once imported, so the core's ``score_leaf`` writes the same text whenever it is
asked. Points set by the appraisers come with their explanation stored, and so do results
stored before explanations were made on reading.
"""

from __future__ import annotations

from collections.abc import Mapping

from parindex.core import Framework, Scorer, ValueRuleError, score_leaf

Record = Mapping[str, str | None]


def leaf_explained(
    fw: Framework, code: str, record: Record, scorer: Scorer | None = None
) -> dict[str, str | None]:
    """``record`` with its explanation (``vi``, ``en``); ``scorer`` keeps the scores of a
    framework's values for a reader of many results."""
    if "vi" in record:
        return dict(record)
    leaf = fw.by_code.get(code)
    if leaf is None or leaf.rule is None:  # a record of another framework: nothing to say
        return {**record, "vi": "", "en": ""}
    try:
        value = record.get("value")
        score = scorer(leaf, value) if scorer is not None else score_leaf(fw, leaf, value)
        text = score.explanation
    except ValueRuleError:  # a value the rule refuses was never stored; kept readable anyway
        return {**record, "vi": "", "en": ""}
    return {**record, "vi": text.vi, "en": text.en or text.vi}


def leaves_explained(
    fw: Framework, leaves: Mapping[str, Record]
) -> dict[str, dict[str, str | None]]:
    """Every leaf of a stored result with its explanation."""
    return {code: leaf_explained(fw, code, record) for code, record in leaves.items()}
