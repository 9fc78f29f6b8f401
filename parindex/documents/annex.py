"""A cycle's ranking annex (*phụ lục kết quả Chỉ số CCHC*), attached to the decision that
publishes the results: per ranking group, each unit in ranking order with its index per area,
its points, index, rank and band.

The rows are the ranking page's (``results.selectors.ranking_on_basis``) on the basis the
reader asked for and may see; nothing is computed here.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework
from parindex.results.models import Basis
from parindex.results.selectors import RankingGroup, areas, ranking_on_basis
from parindex.shared.documents import TEXT_WIDTH_CM
from parindex.shared.language import lang

from .facts import cycle_facts, decision_date
from .tables import Column, Document, Fact, Row, Section

SLUG = "phu-luc-xep-hang"
SELF_SUFFIX = "tu-danh-gia"  # a draft annex on the self-assessed basis says so in its name


def annex_document(cycle: Cycle, basis: str) -> Document:
    """The annex of ``cycle`` on ``basis`` (which the caller has checked the reader may see)."""
    fw = core_framework(cycle.framework_version)
    language = lang()
    area_nodes = areas(fw)
    groups, _stored, shown = ranking_on_basis(cycle, basis=basis)
    if shown != basis:  # no results on it: an empty annex, never another basis's rows
        groups, shown = [], basis
    bands = {b.code: b.label(language) for b in fw.bands}
    facts = [*cycle_facts(cycle, fw, language), Fact(_("Basis"), str(Basis(shown).label))]
    return Document(
        stem=annex_stem(cycle.year, shown),
        heading=(
            _("APPENDIX"),
            _("RESULTS OF THE PAR INDEX %(year)s") % {"year": cycle.year},
            cycle.title,
            *_attached_to(cycle),
        ),
        facts=tuple(facts),
        columns=_columns([a.code for a in area_nodes]),
        sections=tuple(_section(group, bands) for group in groups),
        lang=language,
        places=fw.places,
        sheet_title=_("Ranking"),
        section_label=_("Ranking group"),
        notes=(
            _("Area columns: the index of each area (its points / its maximum × 100)."),
            *(f"{_area(a.code)}: {a.title.get(language)}" for a in area_nodes),
        ),
    )


def _attached_to(cycle: Cycle) -> list[str]:
    """The line that ties an annex to its decision: *(Kèm theo Quyết định số … ngày …)*."""
    if not (cycle.is_published and cycle.publication_decision):
        return []
    day = decision_date(cycle)
    if day is None:
        return [_("(Attached to %(decision)s)") % {"decision": cycle.publication_decision}]
    return [
        _("(Attached to %(decision)s of %(date)s)")
        % {"decision": cycle.publication_decision, "date": day.strftime("%d/%m/%Y")}
    ]


def annex_stem(year: int, basis: str) -> str:
    """``2025_phu-luc-xep-hang``; ``…_tu-danh-gia`` on the self-assessed basis."""
    stem = f"{year}_{SLUG}"
    return stem if basis == Basis.FINAL else f"{stem}_{SELF_SUFFIX}"


def _columns(area_codes: list[str]) -> tuple[Column, ...]:
    area_width = 1.4
    fixed = [
        Column(_("No."), 1.0),
        Column(_("Code"), 2.2),  # a unit code of eight letters on one line
    ]
    figures = [
        Column(_("Points"), 1.7, numeric=True),
        Column(_("Index"), 1.7, numeric=True),
        Column(_("Rank"), 1.3, numeric=True),
        Column(_("Band"), 1.9),
    ]
    used = sum(c.width_cm for c in (*fixed, *figures)) + area_width * len(area_codes)
    return (
        *fixed,
        Column(_("Unit"), max(TEXT_WIDTH_CM - used, 4.0)),
        *(Column(_area(code), area_width, numeric=True) for code in area_codes),
        *figures,
    )


def _area(code: str) -> str:
    return _("Area %(code)s") % {"code": code}


def _section(group: RankingGroup, bands: dict[str, str]) -> Section:
    rows = []
    for n, row in enumerate(group.rows, start=1):
        result = row.result
        indices: list[Decimal | None] = list(row.area_indices)
        rows.append(
            Row(
                (
                    n,
                    result.unit.code,
                    result.unit.name,
                    *indices,
                    result.points,
                    result.index,
                    result.rank,
                    bands.get(result.band, result.band),
                )
            )
        )
    return Section(group.name or _("All units"), tuple(rows))
