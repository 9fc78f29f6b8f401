"""Ranking within groups (*xếp hạng*) and the order results are listed in."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def competition_ranks(indices: Sequence[int | None]) -> list[int | None]:
    """Standard competition ranking, highest first: equal values share a rank, the next skips
    (1, 2, 2, 4). ``None`` (no index) gets no rank. Values are rounded indices in quanta."""
    order = sorted((v for v in indices if v is not None), reverse=True)
    first: dict[int, int] = {}
    for position, value in enumerate(order, start=1):
        first.setdefault(value, position)
    return [None if v is None else first[v] for v in indices]


def rank_in_groups(
    keys: Sequence[K], groups: Sequence[str | None], indices: Sequence[int | None]
) -> dict[K, int | None]:
    """Ranks of ``keys`` within their groups (units without a group form one group)."""
    members: dict[str | None, list[int]] = {}
    for position, group in enumerate(groups):
        members.setdefault(group, []).append(position)
    ranks: dict[K, int | None] = {}
    for positions in members.values():
        for position, rank in zip(
            positions, competition_ranks([indices[p] for p in positions]), strict=True
        ):
            ranks[keys[position]] = rank
    return ranks


def rank_group(
    group: str | None, indices: Mapping[str, int | None]
) -> list[tuple[str, int | None]]:
    """One group ranked on its own: unit code → rounded index in quanta (``None``: no index) in,
    ``(code, rank)`` out in listing order. The ranks ``rank_in_groups`` gives these units in a
    whole cycle, without reading the other groups: after one unit's index changes, only its
    group needs ranking again."""
    codes = list(indices)
    ranks = competition_ranks([indices[code] for code in codes])
    return sorted(zip(codes, ranks, strict=True), key=lambda cr: listing_key(group, cr[1], cr[0]))


def listing_key(group: str | None, rank: int | None, unit: str) -> tuple[int, str, int, int, str]:
    """Sort key of docs/formats.md §3: group in code-point order (no group last), rank (no rank
    last), then unit code in code-point order."""
    return (
        1 if group is None else 0,
        group or "",
        1 if rank is None else 0,
        rank or 0,
        unit,
    )
