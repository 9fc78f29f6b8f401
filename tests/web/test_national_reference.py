"""The shipped national tables (data/national/) hold every row of the collected reference
table of national PAR Index figures, 2012-2024, with each row's source and how each figure is
known (DIRECT / DERIVED…); Tiền Giang's history reads 2012 and 2018-2023; the new Đồng Tháp
(from 1 July 2025) shows its predecessors' history side by side, marked as predecessors, in its
table and its charts; derived figures are marked on the pages."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from parindex.national import demo as national_demo
from parindex.national.models import NationalResult, Provenance
from parindex.national.services import (
    NationalImportError,
    national_results_import,
    province_code,
)

from .english_fragments import visible_text
from .factories import World, table_rows

DATA = Path(settings.BASE_DIR) / "data" / "national"

# The reference table, one row per province-year: year | province | index | rank | group |
# the host of its (first) source | how its note begins.
REFERENCE = """
2012|Đà Nẵng|87.14|1|≥80|en.vietnamplus.vn|DIRECT
2012|Bà Rịa - Vũng Tàu|86.14|2|≥80|en.vietnamplus.vn|DIRECT
2012|TP. Hồ Chí Minh|83.83|3|≥80|en.vietnamplus.vn|DIRECT
2012|Đồng Tháp|83.44|4|≥80|en.vietnamplus.vn|DIRECT
2012|An Giang|83.25|5|≥80|en.vietnamplus.vn|DIRECT
2012|Hải Phòng|83.05|6|≥80|huggingface.co|SECONDARY compiled dataset
2012|Hà Nội|82.79|7|≥80|en.vietnamplus.vn|value DIRECT
2012|Bắc Giang|82.75|8|≥80|huggingface.co|SECONDARY compiled dataset
2012|Thái Bình|81.95|9|≥80|huggingface.co|SECONDARY compiled dataset
2012|Vĩnh Long|81.67|10|≥80|huggingface.co|SECONDARY compiled dataset
2012|Bình Dương|81.26|11|≥80|huggingface.co|SECONDARY compiled dataset
2012|Cần Thơ|80.87|12|≥80|huggingface.co|SECONDARY compiled dataset
2012|Ninh Bình|80.73|13|≥80|huggingface.co|SECONDARY compiled dataset
2012|Bạc Liêu|80.56|14|≥80|huggingface.co|SECONDARY compiled dataset
2012|Hậu Giang|80.52|15|≥80|huggingface.co|SECONDARY compiled dataset
2012|Thanh Hóa|80.41|16|≥80|huggingface.co|SECONDARY compiled dataset
2012|Lào Cai|80.36|17|≥80|huggingface.co|SECONDARY compiled dataset
2012|Tây Ninh|80.29|18|≥80|huggingface.co|SECONDARY compiled dataset
2012|Quảng Ninh|80.21|19|≥80|en.vietnamplus.vn|DIRECT
2012|Đồng Nai||43||en.vietnamplus.vn|DIRECT
2012|Bình Phước|||67.68–70|en.vietnamplus.vn|DIRECT group only
2012|Bắc Kạn|||62.58–67.68|en.vietnamplus.vn|DIRECT group only
2012|Bắc Ninh|||70–80|en.vietnamplus.vn|DIRECT group only
2012|Bến Tre|||70–80|en.vietnamplus.vn|DIRECT group only
2012|Cao Bằng|||62.58–67.68|en.vietnamplus.vn|DIRECT group only
2012|Hà Giang|||62.58–67.68|en.vietnamplus.vn|DIRECT group only
2012|Hà Tĩnh|||70–80|en.vietnamplus.vn|DIRECT group only
2012|Hòa Bình|||67.68–70|en.vietnamplus.vn|DIRECT group only
2012|Hưng Yên|||67.68–70|en.vietnamplus.vn|DIRECT group only
2012|Kon Tum|||67.68–70|en.vietnamplus.vn|DIRECT group only
2012|Lai Châu|||62.58–67.68|en.vietnamplus.vn|DIRECT group only
2012|Long An|||70–80|en.vietnamplus.vn|DIRECT group only
2012|Phú Thọ|||70–80|en.vietnamplus.vn|DIRECT group only
2012|Sơn La|||62.58–67.68|en.vietnamplus.vn|DIRECT group only
2012|Thái Nguyên|||70–80|en.vietnamplus.vn|DIRECT group only
2012|Tiền Giang|||70–80|en.vietnamplus.vn|DIRECT
2012|Trà Vinh|||70–80|en.vietnamplus.vn|DIRECT group only
2012|Tuyên Quang|||67.68–70|en.vietnamplus.vn|DIRECT group only
2012|Vĩnh Phúc|||70–80|en.vietnamplus.vn|DIRECT group only
2012|Điện Biên|||62.58–67.68|en.vietnamplus.vn|DIRECT group only
2013|Đà Nẵng|87.02|1||en.vietnamplus.vn|DIRECT
2013|Hải Phòng|86.93|2||en.vietnamplus.vn|DIRECT
2013|Bình Dương|86.86|3||en.vietnamplus.vn|DIRECT
2013|Đồng Nai||17||en.vietnamplus.vn|DIRECT
2013|Sơn La|58.91|63||en.vietnamplus.vn|DIRECT
2013|Tiền Giang|||||NOT FOUND in the searched corpora
2014|Đà Nẵng|92.54|1||www.taichinhdientu.vn|DIRECT
2014|Bắc Kạn||63||www.taichinhdientu.vn|DIRECT
2014|Tiền Giang|||||NOT FOUND in the searched corpora
2015|Đà Nẵng|93.31|1|A|m.baophapluat.vn|PROJECT row, not re-verified here
2015|TP. Hồ Chí Minh||3||viet-jo.com|DIRECT
2015|Quảng Ngãi||60||m.baophapluat.vn|PROJECT row, not re-verified here
2015|Kon Tum||61||m.baophapluat.vn|PROJECT row, not re-verified here
2015|Cao Bằng||62||m.baophapluat.vn|PROJECT row, not re-verified here
2015|Điện Biên||63||m.baophapluat.vn|PROJECT row, not re-verified here
2015|Tiền Giang|||||NOT FOUND in the searched corpora
2016|Đà Nẵng|90.32|1|A|en.vietnamplus.vn|DIRECT
2016|Hà Nội||3||e.vnexpress.net|DIRECT
2016|TP. Hồ Chí Minh||15||e.vnexpress.net|DIRECT
2016|An Giang||36||baoangiang.com.vn|PROJECT row, not re-verified here
2016|Hậu Giang|62.55|63||en.vietnamplus.vn|DIRECT
2016|Tiền Giang|||||NOT FOUND in the searched corpora
2017|Quảng Ninh|89.45|1||laocai.gov.vn|DIRECT
2017|Hà Nội||2||laocai.gov.vn|DIRECT
2017|Đồng Nai||3||laocai.gov.vn|DIRECT
2017|Đà Nẵng||4||laocai.gov.vn|DIRECT
2017|Hải Phòng||5||laocai.gov.vn|DIRECT
2017|Lào Cai||21||laocai.gov.vn|DIRECT
2017|Quảng Ngãi|59.69|63||laocai.gov.vn|DIRECT
2017|An Giang||||huggingface.co|PAR not found
2017|Bạc Liêu||||huggingface.co|PAR not found
2017|Bắc Giang||||huggingface.co|PAR not found
2017|Bến Tre||||huggingface.co|PAR not found
2017|Hải Dương||||huggingface.co|PAR not found
2017|Ninh Bình||||huggingface.co|PAR not found
2017|Thái Nguyên||||huggingface.co|PAR not found
2017|Tiền Giang|||||NOT FOUND in the searched corpora
2017|Tây Ninh||||baotayninh.vn|PAR not found
2017|Vĩnh Phúc||||huggingface.co|PAR not found
2018|Quảng Ninh|89.06|1||viet-jo.com|DIRECT 89.06
2018|Hà Nội|83.98|2||en.vietnamplus.vn|DIRECT
2018|Đồng Tháp|83.71|3||en.vietnamplus.vn|DIRECT
2018|Đà Nẵng|83.70|4||en.vietnamplus.vn|DIRECT
2018|Hải Phòng||5||viet-jo.com|DIRECT
2018|An Giang|80.77|8||baoangiang.com.vn|PROJECT row
2018|Tây Ninh||48||baotayninh.vn|rank DERIVED
2018|Tiền Giang|73.69|54||baoapbac.vn|DIRECT
2018|Phú Yên|69.53|63||viet-jo.com|rank DIRECT
2019|Quảng Ninh|90.09|1|A|vietnamnet.vn|DIRECT
2019|Hà Nội|84.64|2|B|viet-jo.com|rank DIRECT
2019|Đồng Tháp||3||viet-jo.com|DIRECT
2019|Hải Phòng||4||viet-jo.com|DIRECT
2019|Long An||5||viet-jo.com|DIRECT
2019|An Giang|83.32|11|B|baoangiang.com.vn|PROJECT row, not re-verified here
2019|Tây Ninh|80.05|44|B|baotayninh.vn|DIRECT
2019|Tiền Giang|79.68|48|C|baoapbac.vn|DIRECT
2019|Bến Tre|73.87|63|C|viet-jo.com|DIRECT
2020|Quảng Ninh|91.04|1|A|211.88.39.63|DIRECT
2020|Hải Phòng|90.51|2|A|211.88.39.63|DIRECT
2020|Thừa Thiên Huế|88.47|3|B|211.88.39.63|DIRECT
2020|Bình Dương|86.93|4|B|211.88.39.63|DIRECT
2020|Đồng Tháp|86.77|5|B|211.88.39.63|DIRECT
2020|Đà Nẵng|86.56|6|B|211.88.39.63|DIRECT
2020|Long An|86.25|7|B|211.88.39.63|DIRECT
2020|Hà Nội|86.07|8|B|211.88.39.63|DIRECT
2020|Bà Rịa - Vũng Tàu|86.02|9|B|211.88.39.63|DIRECT
2020|Phú Thọ|85.74|10|B|211.88.39.63|DIRECT
2020|Thái Nguyên||12||thainguyentv.vn|rank DERIVED
2020|Lào Cai||14||baotintuc.vn|rank DERIVED
2020|Hà Tĩnh||16||baohatinh.vn|rank DERIVED
2020|TP. Hồ Chí Minh||23||www.viet-jo.com|rank DERIVED
2020|Thanh Hóa||29||truyenhinhthanhhoa.vn|rank DERIVED
2020|Tuyên Quang|83.81|35|B|dofa.tuyenquang.gov.vn|PROJECT row, DERIVED
2020|Tiền Giang|80.89|57|B|baodautu.vn|DIRECT
2020|Quảng Ngãi|73.25|63|C|211.88.39.63|DIRECT
2020|Bắc Giang||||www.vietmaz.com|PAR not found
2020|Hưng Yên||||www.vietmaz.com|PAR not found
2020|Hải Dương||||www.vietmaz.com|PAR not found
2020|Vĩnh Phúc||||www.vietmaz.com|PAR not found
2021|Hải Phòng|91.80|1|A|en.vietnamplus.vn|DIRECT
2021|Quảng Ninh|91.14|2|A|en.vietnamplus.vn|DIRECT
2021|Đà Nẵng|90.25|3|A|en.vietnamplus.vn|DIRECT
2021|Thừa Thiên Huế|89.32|4|B|www.viet-jo.com|rank DIRECT
2021|Vĩnh Phúc|89.28|5|B|www.viet-jo.com|rank DIRECT
2021|Thái Nguyên||6||thainguyentv.vn|DIRECT
2021|Bắc Giang||7||lecourrier.vn|DIRECT
2021|Hà Tĩnh||8||baohatinh.vn|DIRECT
2021|Hà Nội||10||www.viet-jo.com|DIRECT
2021|Lào Cai|88.44|11|B|baotintuc.vn|DIRECT
2021|Thanh Hóa|87.83|14|B|truyenhinhthanhhoa.vn|DIRECT
2021|Bà Rịa - Vũng Tàu|87.61|16|B|baobariavungtau.com.vn|value DIRECT
2021|Nghệ An||17||baonghean.vn|rank DERIVED
2021|Tuyên Quang|86.57|34|B|dofa.tuyenquang.gov.vn|DIRECT
2021|Quảng Ngãi|86.45|39|B|en.vietnamplus.vn|PROJECT row
2021|TP. Hồ Chí Minh||43||www.viet-jo.com|DIRECT
2021|Kiên Giang|79.97|63|C|en.vietnamplus.vn|DIRECT
2021|Bình Phước||||www.viet-jo.com|PAR not found
2021|Cao Bằng||||www.viet-jo.com|PAR not found
2021|Hà Nam||||en.vietnamplus.vn|DIRECT
2021|Ninh Bình||||baotintuc.vn|PAR not found
2021|Tiền Giang|80.38||B|en.vietnamplus.vn|DERIVED
2021|Đồng Nai||||en.vietnamplus.vn|DIRECT
2022|Quảng Ninh|90.10|1|A|english.baoquangninh.vn|DIRECT
2022|Hải Phòng|90.09|2|A|english.baoquangninh.vn|rank DIRECT
2022|Hà Nội||3||english.baoquangninh.vn|rank DIRECT
2022|Bắc Giang||4||english.baoquangninh.vn|DIRECT
2022|Đà Nẵng|87.54|5|B|english.baoquangninh.vn|rank DIRECT
2022|Nghệ An||16||baonghean.vn|DIRECT
2022|Ninh Bình||17||ninhbinhinvest.vn|rank DERIVED
2022|Thừa Thiên Huế|86.56|19|B|thuathienhue.gov.vn|DERIVED
2022|Hà Tĩnh|85.95|28|B|baohatinh.vn|DIRECT
2022|Nam Định|84.86|34|B|thuonghieucongluan.com.vn|DERIVED
2022|Tiền Giang|82.58|53|B|baomoi.com|DIRECT
2022|Quảng Nam||57||www.vietnam.vn|rank DERIVED
2022|Bình Dương||||english.baoquangninh.vn|PAR not found
2022|Cà Mau||||english.baoquangninh.vn|PAR not found
2022|Thanh Hóa||||english.baoquangninh.vn|PAR not found
2022|Thái Nguyên||||english.baoquangninh.vn|PAR not found
2023|Quảng Ninh|92.18|1|A|en.baochinhphu.vn|DIRECT
2023|Hải Phòng|91.87|2|A|en.baochinhphu.vn|DIRECT
2023|Hà Nội|91.43|3|A|en.baochinhphu.vn|DIRECT
2023|Bắc Giang|91.16|4|A|en.baochinhphu.vn|DIRECT
2023|Bà Rịa - Vũng Tàu|91.03|5|A|en.baochinhphu.vn|DIRECT
2023|Thái Nguyên||6|A|www.viet-jo.com|rank DIRECT
2023|Lào Cai||7|A|www.viet-jo.com|rank DIRECT
2023|Long An||8|B|www.viet-jo.com|rank DIRECT
2023|Ninh Bình|88.72|11|B|ninhbinhinvest.vn|DIRECT
2023|Đà Nẵng|88.68|12|B|cadn.com.vn|DIRECT
2023|Sơn La||13||thongtindoingoai.sonla.gov.vn|rank DERIVED
2023|Nghệ An||15||nghean24h.vn|DIRECT
2023|Thừa Thiên Huế|88.38|17|B|thuathienhue.gov.vn|DIRECT
2023|Hà Tĩnh|88.35|18|B|baohatinh.vn|DIRECT
2023|Nam Định|87.32|29|B|thuonghieucongluan.com.vn|DIRECT
2023|TP. Hồ Chí Minh|86.97|33|B|www.viet-jo.com|DIRECT
2023|Hòa Bình||35||en.baohoabinh.com.vn|rank DERIVED
2023|Cần Thơ|86.15|42|B|cadn.com.vn|DIRECT
2023|Tiền Giang|85.77|50|B|baomoi.com|DIRECT
2023|Quảng Nam|84.60|56|B|www.vietnam.vn|DIRECT
2023|Bình Thuận|81.87|61|B|www.vietnam.vn|DIRECT
2023|Sóc Trăng|81.70|62|B|www.vietnam.vn|DIRECT
2023|An Giang|81.32|63|B|www.vietnam.vn|DIRECT
2023|Bình Phước||||www.vietnam.vn|PAR not found
2023|Bắc Kạn||||www.vietnam.vn|PAR not found
2023|Cao Bằng||||www.vietnam.vn|PAR not found
2023|Hải Dương||||www.vietnam.vn|PAR not found
2024|Hải Phòng|96.17|1|A|www.vietnamplus.vn|DIRECT
2024|Bà Rịa - Vũng Tàu||2|A|doanhnghieptiepthi.vn|rank DIRECT
2024|Hà Nội|92.57|3|A|doanhnghieptiepthi.vn|DIRECT
2024|Sơn La|90.02|12|A|thongtindoingoai.sonla.gov.vn|rank DIRECT
2024|Cần Thơ|89.13|22|B|hethongphapluat.vn|DIRECT
2024|Hòa Bình|88.18|37|B|en.baohoabinh.com.vn|DIRECT
2024|Quảng Ngãi||43||www.vietnam.vn|rank DIRECT
2024|Lâm Đồng|83.10|62|B|GitHub|SECONDARY
2024|Cao Bằng||63|B|www.vietnamplus.vn|DIRECT
2024|An Giang||||www.vietnam.vn|PAR not found
2024|Bình Thuận||||baomoi.net.vn|DIRECT
2024|Bắc Kạn||||www.vietnam.vn|PAR not found
2024|Hải Dương||||www.vietnam.vn|PAR not found
2024|Lai Châu||||baomoi.net.vn|DIRECT
2024|Long An||||vietnam.vn|DIRECT
2024|Lạng Sơn||||www.vietnam.vn|PAR not found
2024|Quảng Nam||||www.vietnam.vn|PAR not found
2024|Quảng Ninh||||www.vietnam.vn|PAR not found
2024|Thái Nguyên||||www.vietnam.vn|PAR not found
2024|Tiền Giang|||||NOT FOUND in the searched corpora
"""


def reference() -> list[list[str]]:
    return [line.split("|") for line in REFERENCE.strip().splitlines()]


@pytest.fixture
def national(world: World) -> None:
    national_demo.build(log=lambda _: None)


def test_the_shipped_tables_hold_every_row_of_the_reference(national: None) -> None:
    rows = reference()
    assert len(rows) == 205
    stored = {(r.year, r.unit.code): r for r in NationalResult.objects.select_related("unit").all()}
    assert len(stored) == 205
    for year, province, index, rank, group, host, note in rows:
        result = stored.pop((int(year), province_code(province)))
        assert result.unit.name == province
        assert result.index == (Decimal(index) if index else None), (year, province)
        assert result.rank == (int(rank) if rank else None), (year, province)
        assert result.band == group, (year, province)
        assert host in result.source, (year, province, result.source)
        assert result.note.startswith(note), (year, province, result.note)
        # every figure says how it is known
        assert (result.index_provenance != "") == (result.index is not None), (year, province)
        assert (result.rank_provenance != "") == (result.rank is not None), (year, province)
    assert stored == {}


def test_how_each_figure_is_known_follows_its_note(national: None) -> None:
    def of(year: int, code: str) -> tuple[str, str]:
        r = NationalResult.objects.get(year=year, unit__code=code)
        return r.index_provenance, r.rank_provenance

    assert of(2021, "TIEN-GIANG") == (Provenance.DERIVED, "")  # 80.89 − 0.51
    assert of(2022, "HAI-PHONG") == (Provenance.DERIVED, Provenance.DIRECT)
    assert of(2018, "PHU-YEN") == (Provenance.DERIVED, Provenance.DIRECT)
    assert of(2020, "THAI-NGUYEN") == ("", Provenance.DERIVED)
    assert of(2012, "HA-NOI") == (Provenance.DIRECT, Provenance.SECONDARY)
    assert of(2012, "HAI-PHONG") == (Provenance.SECONDARY, Provenance.SECONDARY)
    assert of(2015, "DA-NANG") == (Provenance.UNVERIFIED, Provenance.UNVERIFIED)
    assert of(2023, "TIEN-GIANG") == (Provenance.DIRECT, Provenance.DIRECT)


def test_the_data_files_cite_their_sources_in_their_header() -> None:
    for name in ("par_results.csv", "par_years.csv"):
        text = (DATA / name).read_text(encoding="utf-8")
        header = "\n".join(line for line in text.splitlines() if line.startswith("#"))
        assert "PARTIAL" in header
        rows = [line for line in text.splitlines() if line and not line.startswith("#")]
        hosts = {m for line in rows[1:] for m in re.findall(r"https?://([^/\s,;\"]+)", line)}
        missing = sorted(host for host in hosts if host not in header)
        assert missing == [], f"{name}: sources not cited in the header: {missing}"


def test_tien_giang_reads_2012_and_2018_to_2023(national: None, anonymous) -> None:
    known = {
        r.year: (r.index, r.rank, r.band)
        for r in NationalResult.objects.filter(unit__code="TIEN-GIANG")
        if r.index is not None or r.rank is not None or r.band
    }
    assert sorted(known) == [2012, 2018, 2019, 2020, 2021, 2022, 2023]
    assert known[2012] == (None, None, "70–80")
    assert known[2022] == (Decimal("82.58"), 53, "B") and known[2023] == (Decimal("85.77"), 50, "B")
    html = anonymous.get("/national/TIEN-GIANG/").content.decode()
    rows = {r.cells[0]: r.cells for r in table_rows(html.split('class="position"')[1])}
    assert rows["2012"][5] == "70–80"
    figures = {year: (cells[1], cells[4]) for year, cells in rows.items() if year.isdigit()}
    assert figures["2018"] == ("73,69", "54/63") and figures["2020"] == ("80,89", "57/63")
    assert figures["2021"] == ("80,38 (suy ra)", "—")
    assert figures["2022"] == ("82,58", "53/63") and figures["2023"] == ("85,77", "50/63")


def test_the_new_dong_thap_shows_its_predecessors_side_by_side(national: None, anonymous) -> None:
    html = anonymous.get("/national/DONG-THAP-2025/").content.decode()
    table = html.split('class="predecessors"')[1].split("</table>")[0]
    heads = re.findall(r'data-predecessor="([A-Z-]+)"', table)
    assert heads == ["DONG-THAP", "TIEN-GIANG"]  # by code: Đồng Tháp, then Tiền Giang
    assert visible_text(table).count("(tiền thân)") == 2
    rows = {r.attrs["data-year"]: r.cells for r in table_rows(table) if "data-year" in r.attrs}
    # year | Đồng Tháp: index, rank, band | Tiền Giang: index, rank, band | national average
    assert rows["2018"][1:7] == ["83,71", "3", "—", "73,69", "54", "—"]
    assert rows["2020"][1:8] == ["86,77", "5", "B", "80,89", "57", "B", "83,72"]
    assert rows["2021"][4] == "80,38 (suy ra)"  # Tiền Giang's derived 2021 value, marked
    assert rows["2023"][4:6] == ["85,77", "50"]
    assert "Đó không phải là kết quả của tỉnh này" in html  # not the new province's results
    # Both charts draw each predecessor's line, named as a predecessor.
    charts = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(charts) == 2
    for svg in charts:
        assert "Tiền Giang (tiền thân)" in svg and "Đồng Tháp (tiền thân)" in svg
    # The predecessors' pages link to the new province.
    assert "/national/DONG-THAP-2025/" in anonymous.get("/national/TIEN-GIANG/").content.decode()


def test_derived_and_unchecked_figures_are_marked(national: None, anonymous) -> None:
    html = anonymous.get("/national/?year=2020").content.decode()
    ranks = {r.cells[1]: r.cells for r in table_rows(html)}
    assert ranks["Thái Nguyên"][0] == "12 (suy ra)"  # rank derived from 6th in 2021, up 6
    assert ranks["Tuyên Quang"][2] == "83,81 (suy ra)"
    assert ranks["Quảng Ninh"][2] == "91,04"  # stated directly: no mark
    assert "(suy ra) tính suy ra từ một số liệu đã công bố" in visible_text(html)
    html = anonymous.get("/national/?year=2012").content.decode()
    cells = {r.cells[1]: r.cells for r in table_rows(html)}
    assert cells["Hải Phòng"][2] == "83,05 (nguồn thứ cấp)"
    assert cells["Hà Nội"][0] == "7 (nguồn thứ cấp)" and cells["Hà Nội"][2] == "82,79"
    anonymous.cookies["django_language"] = "en"
    html = anonymous.get("/national/TIEN-GIANG/").content.decode()
    assert "80.38 (derived)" in visible_text(html)


RESULTS = "year,province,index,rank,band,index_provenance,rank_provenance,source,note\n"


def test_the_import_reads_how_each_figure_is_known(db: None) -> None:
    national_results_import(
        text=RESULTS
        + "2021,Tiền Giang,80.38,,B,derived,,https://example.vn/a,DERIVED: 80.89 − 0.51\n"
        + "2013,Tiền Giang,,,,,,,NOT FOUND in the searched corpora\n",
        source_name="r.csv",
    )
    stored = {r.year: r for r in NationalResult.objects.all()}
    assert stored[2021].index_provenance == Provenance.DERIVED
    assert stored[2013].index is None and stored[2013].note.startswith("NOT FOUND")
    with pytest.raises(NationalImportError) as refused:
        national_results_import(
            text=RESULTS
            + "2020,Tiền Giang,80.89,57,B,guessed,,x,\n"
            + "2019,Tiền Giang,79.68,,C,direct,direct,x,\n"
            + "2018,Tiền Giang,,,,,,,\n",
            source_name="r.csv",
        )
    problems = [(p.line, p.column) for p in refused.value.problems]
    assert problems == [(2, "index_provenance"), (3, "rank_provenance"), (4, None)]
