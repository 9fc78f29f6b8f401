"""Figures of stored results read by the database: the areas' indices (``UnitResult.areas``),
so that a page about thousands of units reads neither their ``nodes`` nor, for a group's
means, the results themselves; and how many units a snapshot holds, without reading it.

Django's key lookups on a JSON field take a key made of digits ("1", an area's code) for an
array index, so the path to an area's index is written here for each database.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BigIntegerField, Count, F, Func, IntegerField, Sum, TextField, Value
from django.db.models.functions import Cast, Replace
from django.db.models.sql.compiler import SQLCompiler


class AreaIndex(Func):
    """The text of ``areas[code]`` of a result (None when the area does not apply)."""

    output_field = TextField()

    def __init__(self, code: str) -> None:
        if '"' in code or "\\" in code:
            raise ValueError(f"an area code cannot hold quotes: {code!r}")
        super().__init__(F("areas"))
        self.code = code

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} ->> %s)", (*params, self.code)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"json_extract({sql}, %s)", (*params, f'$."{self.code}"')


def area_index_sums(codes: list[str]) -> dict[str, Any]:
    """Aggregates giving, per area code, the sum of the stored indices as a whole number of
    their last decimal place (they are written with the framework's places, so removing the
    point is exact on every database) and how many results have one: ``sum_<i>``, ``n_<i>``
    for the i-th code."""
    found: dict[str, Any] = {}
    for i, code in enumerate(codes):
        digits = Replace(AreaIndex(code), Value("."), Value(""))
        found[f"sum_{i}"] = Sum(Cast(digits, BigIntegerField()))
        found[f"n_{i}"] = Count(AreaIndex(code))
    return found


class JSONArrayLength(Func):
    """The length of a JSON array field (a snapshot's ``results``), read by the database."""

    output_field = IntegerField()

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"jsonb_array_length({sql})", tuple(params)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"json_array_length({sql})", tuple(params)
