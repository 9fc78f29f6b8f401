"""The domain core: plain Python, exact arithmetic, no Django.

Framework files in, results out: ``load_framework``, ``score_leaf``, ``compute``, and the readers
and writers of the public formats. See docs/methodology.md for every rule with a worked example.
"""

from .compute import CycleResult, NodeResult, UnitInfo, UnitResult, compute
from .errors import FrameworkError, InputError, ParindexError, ParindexErrors, ValueRuleError
from .framework import Band, Framework, Node, load_framework
from .scoring import LeafScore, Scorer, score_leaf
from .tables import Scores, read_scores, read_units
from .text import Text

__all__ = [
    "Band",
    "CycleResult",
    "Framework",
    "FrameworkError",
    "InputError",
    "LeafScore",
    "Node",
    "NodeResult",
    "ParindexError",
    "ParindexErrors",
    "Scorer",
    "Scores",
    "Text",
    "UnitInfo",
    "UnitResult",
    "ValueRuleError",
    "compute",
    "load_framework",
    "read_scores",
    "read_units",
    "score_leaf",
]
