"""Builders shared by the core tests: small frameworks written as YAML text, and error helpers.

Not a test module. Frameworks are written as text, exactly as a province would write them, so
the tests go through the same strict reader as real files.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

from parindex.core import Framework, ParindexError, ParindexErrors, load_framework, score_leaf
from parindex.core.scoring import LeafScore

HEAD = 'format: parindex.framework/1\ncode: demo\nversion: "2024"\ntitle: Demo\n'


def fw_text(nodes: str, head: str = "") -> str:
    """A framework file: the standard header, extra top-level keys ``head``, then ``nodes``."""
    body = textwrap.indent(textwrap.dedent(nodes).strip("\n"), "  ")
    return HEAD + textwrap.dedent(head) + "nodes:\n" + body + "\n"


def load(nodes: str, head: str = "", source: str = "fw.yaml") -> Framework:
    return load_framework(fw_text(nodes, head), source)


def one_leaf(rule: str, max: str = "1", extra: str = "", head: str = "") -> Framework:
    """A framework whose only node is leaf "1" with the given rule and max."""
    return load(f'- {{code: "1", title: L, max: {max}, rule: {rule}{extra}}}', head)


def score(fw: Framework, value: str | None, code: str | None = None) -> LeafScore:
    leaf = fw.leaves[0] if code is None else fw.node(code)
    return score_leaf(fw, leaf, value)


def points(fw: Framework, value: str | None, code: str | None = None) -> str:
    """The leaf's rounded points as text with the framework's places (e.g. "1.00")."""
    return f"{score(fw, value, code).points:.{fw.places}f}"


def errors_of(action: Callable[[], Any]) -> list[ParindexError]:
    """Run ``action``; return every error it reported (flattening ParindexErrors)."""
    try:
        action()
    except ParindexErrors as exc:
        return list(exc.errors)
    except ParindexError as exc:
        return [exc]
    raise AssertionError("expected an error")


def one_error(action: Callable[[], Any]) -> ParindexError:
    found = errors_of(action)
    assert len(found) == 1, [str(e) for e in found]
    return found[0]
