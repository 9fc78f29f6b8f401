"""Demo step: the national results shipped in ``data/national/`` (partial tables, sources in
each row) and the merger of Tiền Giang and Đồng Tháp into the new Đồng Tháp province."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from parindex.units.models import Unit

from .services import national_results_import, national_years_import, province_merger_record

DATA_DIR = Path(settings.BASE_DIR) / "data" / "national"
MERGER_DATE = datetime.date(2025, 7, 1)
MERGER_BASIS = "Nghị quyết số 202/2025/QH15 ngày 12/6/2025 của Quốc hội"
NEW_DONG_THAP = ("DONG-THAP-2025", "Đồng Tháp (từ 01/7/2025)")


def build(*, log: Callable[[str], None] = print) -> Unit:
    """Import the shipped files; returns Tiền Giang."""
    years = national_years_import(
        text=(DATA_DIR / "par_years.csv").read_text(encoding="utf-8"), source_name="par_years.csv"
    )
    results = national_results_import(
        text=(DATA_DIR / "par_results.csv").read_text(encoding="utf-8"),
        source_name="par_results.csv",
    )
    tien_giang = Unit.objects.get(code="TIEN-GIANG")
    dong_thap = Unit.objects.get(code="DONG-THAP")
    province_merger_record(
        predecessors=[tien_giang, dong_thap],
        successor_code=NEW_DONG_THAP[0],
        successor_name=NEW_DONG_THAP[1],
        date=MERGER_DATE,
        legal_basis=MERGER_BASIS,
    )
    log(
        f"national results: {results.rows} rows for {len(results.created_provinces)} provinces, "
        f"{years.rows} years (partial tables); Tiền Giang and Đồng Tháp merged on 1/7/2025"
    )
    tien_giang.refresh_from_db()
    return tien_giang
