"""Figures of stored results read by the database, so that a page about thousands of units never
loads their ``nodes`` (every node's points, maximum and index as decimal strings).

Django's key lookups on a JSON field take a key made of digits ("1", an area's code) for an
array index, so the path to a node's figure is written here for each database.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BigIntegerField, Count, F, Func, Sum, TextField, Value
from django.db.models.functions import Cast, Replace
from django.db.models.sql.compiler import SQLCompiler


class NodeFigure(Func):
    """The text of ``nodes[code][name]`` of a result (None when the node or figure is absent)."""

    output_field = TextField()

    def __init__(self, code: str, name: str = "index") -> None:
        if '"' in code or "\\" in code or '"' in name or "\\" in name:
            raise ValueError(f"a node code or figure name cannot hold quotes: {code!r} {name!r}")
        super().__init__(F("nodes"))
        self.code = code
        self.name = name

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql} -> %s) ->> %s)", (*params, self.code, self.name)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"json_extract({sql}, %s)", (*params, f'$."{self.code}".{self.name}')


def node_index_sums(codes: list[str]) -> dict[str, Any]:
    """Aggregates giving, per node code, the sum of the stored indices as a whole number of
    their last decimal place (they are written with the framework's places, so removing the
    point is exact on every database) and how many results have one: ``sum_<i>``, ``n_<i>``
    for the i-th code."""
    found: dict[str, Any] = {}
    for i, code in enumerate(codes):
        digits = Replace(NodeFigure(code), Value("."), Value(""))
        found[f"sum_{i}"] = Sum(Cast(digits, BigIntegerField()))
        found[f"n_{i}"] = Count(NodeFigure(code))
    return found
