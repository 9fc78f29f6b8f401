"""The demo at the size of a national commune-level index (``manage.py demo --units 5000``).

The register gains communes, created in bulk with plausible names and codes ``XS0001`` …, until
the published cycle of 2023 holds the number of units asked for. They are ranked in the group of
the communes, with deterministic answers and results like every demo unit; they are in the
register of 2027 too, whose self-assessment they have not started. Nothing else of the demo
changes: without ``--units`` it is built exactly as before.
"""

from __future__ import annotations

import datetime

from parindex.units.models import Unit, UnitType

CODE_PREFIX = "XS"
_FIRST = ("An", "Bình", "Hòa", "Long", "Mỹ", "Phú", "Tân", "Thạnh", "Vĩnh", "Phước", "Thới")
_SECOND = ("Đông", "Tây", "Trung", "Hiệp", "Hưng", "Khánh", "Lợi", "Điền", "Thuận", "Quới")


def commune_name(n: int) -> str:
    """The n-th added commune's name (from 0): a pair of common place-name words, numbered once
    every pair is taken."""
    pairs = len(_FIRST) * len(_SECOND)
    first, second = _FIRST[n % len(_FIRST)], _SECOND[(n // len(_FIRST)) % len(_SECOND)]
    turn = n // pairs
    return f"Xã {first} {second}" + (f" {turn + 1}" if turn else "")


def is_scale_unit(code: str) -> bool:
    return code.startswith(CODE_PREFIX)


def add_communes(count: int, group: str) -> list[Unit]:
    """``count`` communes in ``group``, created in one bulk insert, in code order."""
    Unit.objects.bulk_create(
        [
            Unit(
                code=f"{CODE_PREFIX}{n + 1:04d}",
                name=commune_name(n),
                type=UnitType.COMMUNE,
                group=group,
                valid_from=datetime.date(2000, 1, 1),
            )
            for n in range(count)
        ],
        batch_size=1000,
    )
    return list(Unit.objects.filter(code__startswith=CODE_PREFIX).order_by("code"))
