"""The CLI tests read the survey's running example from the core tests' builders
(``tests/core/surveykit.py``), so both check the same files."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
