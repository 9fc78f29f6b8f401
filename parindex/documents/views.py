"""Downloads of the documents. Each view reaches its cycle or result through the access choke
points of ``parindex.assessments.visibility``, as the page it is linked from does: a scoring
table goes to exactly who may read that unit's scorecard on that basis, an annex to who may
read the cycle's ranking on that basis."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from parindex.assessments import visibility
from parindex.results.models import Basis
from parindex.results.selectors import preferred_basis
from parindex.shared import documents as files

from .annex import annex_document
from .scoring import scoring_document
from .tables import Document
from .write_docx import docx_bytes
from .write_pdf import pdf_document_bytes
from .write_xlsx import xlsx_bytes

Writer = Callable[[Document], bytes]
FORMATS: dict[str, tuple[Writer, str]] = {
    "docx": (docx_bytes, files.DOCX),
    "pdf": (pdf_document_bytes, files.PDF),
    "xlsx": (xlsx_bytes, files.XLSX),
}
SCORING_FORMATS = ("docx", "pdf")
ANNEX_FORMATS = ("docx", "xlsx", "pdf")


def _file(doc: Document, extension: str) -> HttpResponse:
    write, content_type = FORMATS[extension]
    return files.download(write(doc), f"{doc.stem}.{extension}", content_type)


@require_GET
def scoring_table(
    request: HttpRequest, cycle_id: int, unit_code: str, extension: str
) -> HttpResponse:
    if extension not in SCORING_FORMATS:
        raise Http404
    result = visibility.get_unit_result_for_user(
        request, cycle_id, unit_code, basis=request.GET.get("basis")
    )
    return _file(scoring_document(result), extension)


@require_GET
def ranking_annex(request: HttpRequest, cycle_id: int, extension: str) -> HttpResponse:
    if extension not in ANNEX_FORMATS:
        raise Http404
    cycle = visibility.get_cycle_for_user(request, cycle_id)
    # The ranking page's choice of basis: the one asked for when the reader may see the final
    # basis, else the self-assessed one; a basis the reader may not see has no annex.
    allowed = visibility.ranking_bases_for(request.user, cycle)
    requested = request.GET.get("basis") if Basis.FINAL in allowed else Basis.SELF
    basis = preferred_basis(cycle, requested)
    if basis not in allowed:
        raise Http404
    return _file(annex_document(cycle, basis), extension)
