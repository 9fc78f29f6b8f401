"""Development settings, read by the test suite and the type checker.

The settings of ``parindex/settings.py`` with ``PARINDEX_DEBUG=1`` unless the environment says
otherwise, so a fresh clone runs its tests without a secret key. ``make run`` asks for debug the
same way, on the command line. Never start a server that others reach with this module.
"""

from __future__ import annotations

import os

os.environ.setdefault("PARINDEX_DEBUG", "1")

from parindex.settings import *  # noqa: F403
