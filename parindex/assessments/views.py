"""Pages of the self-assessment: the unit's page (leaves, live points, per-leaf saves, evidence),
submission, the Excel round trip, and the administrator's calendar.

Every view reaches an assessment through ``access``; writes go through ``services``, which check
the state and the calendar again when the request arrives. With htmx a leaf's form gets back its
own fragment (and the page summary out of band); without JavaScript every form still posts and
redirects.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parindex.accounts.roles import is_par_admin
from parindex.core import Node, ParindexError, ValueRuleError, score_leaf
from parindex.core.workflow import EDITABLE_BY_UNIT, State
from parindex.cycles.models import Cycle
from parindex.evidence import services as evidence_services
from parindex.evidence.access import get_evidence_for_user
from parindex.evidence.forms import EvidenceFileForm, EvidenceReferenceForm
from parindex.evidence.models import Evidence
from parindex.evidence.uploads import SizeLimitUploadHandler, upload_view
from parindex.frameworks.selectors import core_framework
from parindex.shared.http import AuthedRequest
from parindex.shared.language import lang
from parindex.shared.login import LoginRequired

from . import access, excel, selectors, services, stages
from .forms import (
    CalendarForm,
    ExcelUploadForm,
    ExtensionForm,
    ReopenForm,
    ValueInputError,
    compose_value,
    leaf_input,
    parse_version,
)
from .models import AnswerEvidence, Assessment, Stage

EXCEL_MAX_BYTES = excel.MAX_BYTES


def _page_url(assessment: Assessment, anchor: str = "") -> str:
    url = services.assessment_url(assessment)
    return f"{url}#{anchor}" if anchor else url


def _editable(request: AuthedRequest, assessment: Assessment, dl: stages.Deadline) -> bool:
    return (
        access.can_write(request.user, assessment)
        and assessment.state in EDITABLE_BY_UNIT
        and dl.is_open()
    )


def _decorate(rows: list[selectors.LeafRow]) -> None:
    for row in rows:
        row.input = leaf_input(row.leaf, row.value, lang())


def _context(
    request: AuthedRequest, assessment: Assessment, page: selectors.AssessmentPage | None = None
) -> dict[str, Any]:
    page = page or selectors.assessment_page(assessment, lang())
    _decorate(page.rows)
    dl = stages.deadline(assessment)
    editable = _editable(request, assessment, dl)
    return {
        "assessment": assessment,
        "cycle": assessment.cycle,
        "unit": assessment.unit,
        "page": page,
        "deadline": dl,
        "remaining": dl.remaining(),
        "editable": editable,
        "can_submit": access.can_submit(request.user, assessment)
        and assessment.state == State.DRAFT,
        "can_withdraw": assessment.state == State.SUBMITTED
        and access.can_submit(request.user, assessment)
        and not services.withdrawal_refusal(assessment),
        "is_admin": is_par_admin(request.user),
        "lang": lang(),
    }


@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    """The assessments the person may open, newest cycle first; the calendar for admins."""
    if not request.user.is_authenticated:
        raise LoginRequired
    rows = access.visible_assessments(request.user).order_by("-cycle__year", "unit__code")
    cycles: dict[int, dict[str, Any]] = {}
    for assessment in rows:
        entry = cycles.setdefault(
            assessment.cycle_id, {"cycle": assessment.cycle, "assessments": []}
        )
        entry["assessments"].append(assessment)
    admin_cycles = []
    if is_par_admin(request.user):
        admin_cycles = list(Cycle.objects.exclude(state=Cycle.State.PUBLISHED).order_by("-year"))
    return render(
        request,
        "assessments/index.html",
        {"cycles": list(cycles.values()), "admin_cycles": admin_cycles},
    )


@require_GET
def page(request: AuthedRequest, cycle_id: int, unit_code: str) -> HttpResponse:
    assessment = access.get_assessment_for_user(request, cycle_id, unit_code)
    context = _context(request, assessment)
    if request.htmx and request.GET.get("fragment") == "summary":
        return render(request, "assessments/_summary.html", context)
    return render(request, "assessments/page.html", context)


# -- one leaf ----------------------------------------------------------------------------------


def _leaf_or_404(assessment: Assessment, leaf_code: str) -> Node:
    leaf = core_framework(assessment.cycle.framework_version).unit_leaf(
        leaf_code, assessment.unit.type
    )
    if leaf is None:
        raise Http404
    return leaf


def _leaf_response(
    request: AuthedRequest,
    assessment: Assessment,
    leaf: Node,
    *,
    status: int = 200,
    message: str = "",
    error: str = "",
    conflict: services.AnswerConflict | None = None,
    anchor_redirect: bool = True,
) -> HttpResponse:
    """The leaf's fragment (htmx, with the summary out of band), else a redirect to the page
    (success) or a small page holding the fragment (refusals keep their status)."""
    assessment.refresh_from_db(fields=["state", "version", "submitted_at", "submitted_by"])
    context = _context(request, assessment)
    row = next((r for r in context["page"].rows if r.leaf.code == leaf.code), None)
    if row is None:
        row = selectors.leaf_row(assessment, leaf, lang())
        _decorate([row])
    area = next((a for a in context["page"].areas if row in a.rows), None)
    context.update(
        {"row": row, "area": area, "message": message, "error": error, "conflict": conflict}
    )
    if conflict is not None:
        fw = context["page"].framework
        context["conflict_points"] = services.points_of(fw, leaf, conflict.current.value)
    if request.htmx:
        return render(request, "assessments/_leaf_response.html", context, status=status)
    if status == 200 and anchor_redirect:
        if message:
            messages.success(request, message)
        return redirect(_page_url(assessment, row.dom_id))
    return render(request, "assessments/leaf.html", context, status=status)


def _refusal_status(exc: services.AssessmentError) -> int:
    if isinstance(exc, services.AnswerConflict | services.WorkbookConflicts):
        return 409
    if isinstance(exc, services.StageClosed | services.AssessmentLocked):
        return 403
    return 422


@require_http_methods(["GET", "POST"])
def leaf(request: AuthedRequest, cycle_id: int, unit_code: str, leaf_code: str) -> HttpResponse:
    """GET: the leaf's fragment. POST: save the leaf's value (one leaf, on its own)."""
    if request.method == "GET":
        assessment = access.get_assessment_for_user(request, cycle_id, unit_code)
        node = _leaf_or_404(assessment, leaf_code)
        if request.GET.get("part") == "library":
            return _library_part(request, assessment, node)
        if not request.htmx:
            context = _context(request, assessment)
            row = next(r for r in context["page"].rows if r.leaf.code == node.code)
            return redirect(_page_url(assessment, row.dom_id))
        return _leaf_response(request, assessment, node)
    assessment = access.get_assessment_for_user(request, cycle_id, unit_code, write=True)
    node = _leaf_or_404(assessment, leaf_code)
    try:
        value = (
            request.POST["raw"]
            if "raw" in request.POST
            else compose_value(node, request.POST, lang())
        )
        services.answer_save(
            assessment=assessment,
            leaf_code=node.code,
            value=value,
            version=parse_version(request.POST),
            actor=request.user,
        )
    except ValueInputError as exc:
        return _leaf_response(request, assessment, node, status=422, error=str(exc))
    except ValueRuleError as exc:
        return _leaf_response(
            request,
            assessment,
            node,
            status=422,
            error=_("Value not accepted: %(reason)s") % {"reason": exc.text(lang())},
        )
    except services.AnswerConflict as conflict:
        return _leaf_response(request, assessment, node, status=409, conflict=conflict)
    except services.AssessmentError as exc:
        return _leaf_response(
            request, assessment, node, status=_refusal_status(exc), error=exc.message
        )
    return _leaf_response(request, assessment, node, message=_("Saved."))


def _library_part(request: AuthedRequest, assessment: Assessment, node: Node) -> HttpResponse:
    """The unit's library to attach a document from, read when the person opens the form (so
    a file uploaded on another leaf a moment ago is there); without htmx, the leaf's page."""
    context = _context(request, assessment)
    row = next(r for r in context["page"].rows if r.leaf.code == node.code)
    context.update({"row": row, "library_inline": True})
    context["library"] = list(selectors.unit_library(assessment)) if context["editable"] else []
    if request.htmx:
        return render(request, "assessments/_library_form.html", context)
    return render(request, "assessments/leaf.html", context)


@require_POST
def leaf_preview(
    request: AuthedRequest, cycle_id: int, unit_code: str, leaf_code: str
) -> HttpResponse:
    """The points and explanation the value being typed would earn, scored by the core; nothing
    is saved."""
    assessment = access.get_assessment_for_user(request, cycle_id, unit_code)
    node = _leaf_or_404(assessment, leaf_code)
    fw = core_framework(assessment.cycle.framework_version)
    context: dict[str, Any] = {"leaf": node, "lang": lang(), "preview": True}
    try:
        value = compose_value(node, request.POST, lang())
        context["score"] = score_leaf(fw, node, value or None)
    except ValueInputError as exc:
        context["error"] = str(exc)
    except ValueRuleError as exc:
        context["error"] = _("Value not accepted: %(reason)s") % {"reason": exc.text(lang())}
    return render(request, "assessments/_score.html", context)


# -- evidence of a leaf ------------------------------------------------------------------------


def _link_evidence(
    request: AuthedRequest, assessment: Assessment, node: Node, evidence: Evidence
) -> HttpResponse:
    try:
        services.answer_evidence_link(
            assessment=assessment,
            leaf_code=node.code,
            evidence=evidence,
            actor=request.user,
        )
    except services.AssessmentError as exc:
        return _leaf_response(
            request, assessment, node, status=_refusal_status(exc), error=exc.message
        )
    return _leaf_response(
        request,
        assessment,
        node,
        message=_("Evidence linked: %(title)s") % {"title": evidence.display_title},
    )


def _store_and_link(
    request: AuthedRequest, assessment: Assessment, node: Node, store: Callable[[], Evidence]
) -> HttpResponse:
    """Put a new document in the unit's library (``store`` calls the evidence store) and link it
    to the leaf, in one transaction. Refused before anything is stored when the unit may not
    write any more; a document the store refuses leaves nothing behind."""
    try:
        services.ensure_editable(assessment, timezone.now())
        with transaction.atomic():
            return _link_evidence(request, assessment, node, store())
    except evidence_services.EvidenceRejected as refusal:
        return _leaf_response(request, assessment, node, status=422, error=refusal.message)
    except services.AssessmentError as exc:
        return _leaf_response(
            request, assessment, node, status=_refusal_status(exc), error=exc.message
        )


@require_POST
def evidence_attach(
    request: AuthedRequest, cycle_id: int, unit_code: str, leaf_code: str
) -> HttpResponse:
    """Link a document of the unit's library to the leaf."""
    assessment = access.get_assessment_for_user(request, cycle_id, unit_code, write=True)
    node = _leaf_or_404(assessment, leaf_code)
    try:
        evidence_id = int(request.POST.get("evidence", ""))
    except ValueError:
        return _leaf_response(
            request, assessment, node, status=422, error=_("Choose a document to attach.")
        )
    evidence = get_evidence_for_user(request, evidence_id)
    if evidence.unit_id != assessment.unit_id:
        raise PermissionDenied
    return _link_evidence(request, assessment, node, evidence)


@upload_view(evidence_services.max_bytes)
@require_POST
def evidence_upload(
    request: AuthedRequest,
    cycle_id: int,
    unit_code: str,
    leaf_code: str,
    limiter: SizeLimitUploadHandler,
) -> HttpResponse:
    """Upload a new document to the unit's library (through the evidence store) and link it."""
    assessment = access.get_assessment_for_user(request, cycle_id, unit_code, write=True)
    node = _leaf_or_404(assessment, leaf_code)
    form = EvidenceFileForm(request.POST, request.FILES)
    if limiter.skipped:
        return _leaf_response(
            request,
            assessment,
            node,
            status=422,
            error=evidence_services.too_large_message(evidence_services.max_bytes()),
        )
    if not form.is_valid():
        return _leaf_response(
            request, assessment, node, status=422, error=_("Choose a file to upload.")
        )
    return _store_and_link(
        request,
        assessment,
        node,
        lambda: evidence_services.evidence_upload(
            file=form.cleaned_data["file"],
            unit=assessment.unit,
            user=request.user,
            title=form.cleaned_data["title"],
        ),
    )


@require_POST
def evidence_reference(
    request: AuthedRequest, cycle_id: int, unit_code: str, leaf_code: str
) -> HttpResponse:
    """Record a reference to a document (number, date, issuer) and link it to the leaf."""
    assessment = access.get_assessment_for_user(request, cycle_id, unit_code, write=True)
    node = _leaf_or_404(assessment, leaf_code)
    form = EvidenceReferenceForm(request.POST)
    if not form.is_valid():
        problems = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _leaf_response(request, assessment, node, status=422, error=problems)
    return _store_and_link(
        request,
        assessment,
        node,
        lambda: evidence_services.evidence_reference(
            unit=assessment.unit,
            user=request.user,
            **form.cleaned_data,
        ),
    )


@require_POST
def evidence_unlink(
    request: AuthedRequest, cycle_id: int, unit_code: str, leaf_code: str, link_id: int
) -> HttpResponse:
    assessment = access.get_assessment_for_user(request, cycle_id, unit_code, write=True)
    node = _leaf_or_404(assessment, leaf_code)
    link = (
        AnswerEvidence.objects.select_related("assessment", "evidence")
        .filter(pk=link_id, assessment=assessment, leaf_code=node.code)
        .first()
    )
    if link is None:
        raise Http404
    try:
        services.answer_evidence_unlink(link=link, actor=request.user)
    except services.AssessmentError as exc:
        return _leaf_response(
            request, assessment, node, status=_refusal_status(exc), error=exc.message
        )
    return _leaf_response(
        request,
        assessment,
        node,
        message=_("Evidence unlinked: %(title)s") % {"title": link.evidence.display_title},
    )


# -- submission --------------------------------------------------------------------------------


@upload_view(evidence_services.max_bytes)
@require_http_methods(["GET", "POST"])
def submit(
    request: AuthedRequest, cycle_id: int, unit_code: str, limiter: SizeLimitUploadHandler
) -> HttpResponse:
    """The unit head's formal submission (*chốt*), with an optional signed cover document."""
    assessment = access.get_assessment_for_user(
        request, cycle_id, unit_code, write=request.method == "POST"
    )
    if request.method == "POST" and not access.can_submit(request.user, assessment):
        raise PermissionDenied
    context = _context(request, assessment)
    context["library"] = list(selectors.unit_library(assessment))
    context["file_form"] = EvidenceFileForm()
    context["confirm"] = _submit_confirmation(assessment, context["page"])
    if request.method == "GET":
        return render(request, "assessments/submit.html", context)
    request.FILES  # noqa: B018 - parse the body now, so the size limiter has had its say
    if limiter.skipped:
        context["error"] = evidence_services.too_large_message(evidence_services.max_bytes())
        return render(request, "assessments/submit.html", context, status=422)
    # Where the page offers the submission, it acts only from the page: the token says what the
    # head saw. Elsewhere (closed, already submitted) the service refuses with the reason.
    offered = context["editable"] and context["can_submit"]
    if offered and request.POST.get("confirm") != context["confirm"]:
        messages.warning(
            request, _("Nothing was submitted: check the figures on this page, then confirm.")
        )
        return redirect("assessments:submit", cycle_id=cycle_id, unit_code=unit_code)
    try:
        with transaction.atomic():
            cover = _cover_document(request, assessment)
            services.assessment_submit(
                assessment=assessment,
                actor=request.user,
                cover_evidence=cover,
            )
    except services.AlreadySubmitted as exc:
        assessment.refresh_from_db()
        context.update(_context(request, assessment))
        context["error"] = exc.message
        return render(request, "assessments/submit.html", context, status=409)
    except services.SubmissionBlocked as exc:
        context["error"] = exc.message
        return render(request, "assessments/submit.html", context, status=409)
    except (services.AssessmentError, evidence_services.EvidenceRejected) as exc:
        context["error"] = exc.message
        status = _refusal_status(exc) if isinstance(exc, services.AssessmentError) else 422
        return render(request, "assessments/submit.html", context, status=status)
    messages.success(request, _("The self-assessment was submitted. Editing is now locked."))
    return redirect(_page_url(assessment))


def confirmation_token(*shown: object) -> str:
    """The token a confirmation page's form posts back: a digest of what the page showed (the
    counts the person confirmed). A POST without it (a stray click, another page's form) or
    with one computed from other counts is sent back to the confirmation page."""
    return hashlib.sha256("|".join(str(part) for part in shown).encode()).hexdigest()[:20]


def _submit_confirmation(assessment: Assessment, page: selectors.AssessmentPage) -> str:
    """What the submission page shows: leaves answered, unanswered, missing evidence and the
    values other systems sent (a value fed after the page was read asks for a new look)."""
    return confirmation_token(
        "submit",
        assessment.pk,
        page.progress.answerable,
        page.progress.answered,
        len(page.missing_evidence),
        len(page.fed),
    )


def _withdraw_context(request: AuthedRequest, assessment: Assessment) -> dict[str, Any]:
    left = max(assessment.withdrawals_allowed - assessment.withdrawals, 0)
    return {
        "assessment": assessment,
        "cycle": assessment.cycle,
        "unit": assessment.unit,
        "refusal": services.withdrawal_refusal(assessment),
        "left": left,
        "confirm": confirmation_token("withdraw", assessment.pk, assessment.version, left),
        "error": "",
    }


@require_http_methods(["GET", "POST"])
def withdraw(request: AuthedRequest, cycle_id: int, unit_code: str) -> HttpResponse:
    """The unit head withdraws (*rút lại*) the submitted self-assessment to correct it, before
    its appraisal starts: the GET says what will happen, the POST from that page does it."""
    assessment = access.get_assessment_for_user(request, cycle_id, unit_code)
    if not access.can_submit(request.user, assessment):
        raise PermissionDenied
    context = _withdraw_context(request, assessment)
    if request.method == "GET":
        return render(request, "assessments/withdraw.html", context)
    if request.POST.get("confirm") != context["confirm"]:
        messages.warning(
            request, _("Nothing was withdrawn: read this page, then confirm the withdrawal.")
        )
        return redirect("assessments:withdraw", cycle_id=cycle_id, unit_code=unit_code)
    try:
        services.assessment_withdraw(
            assessment=assessment,
            actor=request.user,
        )
    except services.AssessmentError as exc:
        assessment.refresh_from_db()
        context = _withdraw_context(request, assessment)
        context["error"] = exc.message
        return render(request, "assessments/withdraw.html", context, status=409)
    messages.success(
        request, _("The self-assessment was withdrawn: correct it, then submit it again.")
    )
    return redirect(_page_url(assessment))


@require_POST
def allow_withdrawal(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    """The administrator allows a unit head one more withdrawal this cycle."""
    cycle = access.get_cycle_for_admin(request, cycle_id)
    form = ReopenForm(request.POST)
    form.fields["reason"].required = False
    assessment = _posted_assessment(request, cycle, form)
    if assessment is None:
        return redirect("assessments:calendar", cycle_id=cycle.pk)
    try:
        services.assessment_withdrawal_allow(
            assessment=assessment,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
    except services.AssessmentError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(unit)s may withdraw its submission once more.") % {"unit": assessment.unit.name},
        )
    return redirect("assessments:calendar", cycle_id=cycle.pk)


def _cover_document(request: AuthedRequest, assessment: Assessment) -> Evidence | None:
    upload = request.FILES.get("file")
    if upload is not None:
        services.ensure_editable(assessment, timezone.now())
        return evidence_services.evidence_upload(
            file=upload,
            unit=assessment.unit,
            user=request.user,
            title=request.POST.get("title", "") or _("Signed cover document"),
        )
    chosen = request.POST.get("cover", "")
    if chosen:
        try:
            evidence = get_evidence_for_user(request, int(chosen))
        except ValueError:
            raise Http404 from None
        if evidence.unit_id != assessment.unit_id:
            raise PermissionDenied
        return evidence
    return None


# -- Excel -------------------------------------------------------------------------------------


@require_GET
def excel_download(request: AuthedRequest, cycle_id: int, unit_code: str) -> HttpResponse:
    assessment = access.get_assessment_for_user(request, cycle_id, unit_code)
    page_data = selectors.assessment_page(assessment, lang())
    content = excel.workbook_bytes(assessment, page_data, lang())
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{excel.filename(assessment)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@upload_view(lambda: EXCEL_MAX_BYTES)
@require_http_methods(["GET", "POST"])
def excel_upload(
    request: AuthedRequest, cycle_id: int, unit_code: str, limiter: SizeLimitUploadHandler
) -> HttpResponse:
    """Upload a filled workbook: every bad cell listed, nothing applied unless all are valid."""
    assessment = access.get_assessment_for_user(request, cycle_id, unit_code, write=True)
    form = ExcelUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {
        "assessment": assessment,
        "cycle": assessment.cycle,
        "unit": assessment.unit,
        "form": form,
        "max_bytes": EXCEL_MAX_BYTES,
    }
    template = "assessments/_excel_result.html" if request.htmx else "assessments/excel.html"
    if request.method == "GET":
        return render(request, "assessments/excel.html", context)
    status = 200
    if limiter.skipped or (form.is_valid() and form.cleaned_data["file"].size > EXCEL_MAX_BYTES):
        context["problems"] = [
            excel.CellProblem("—", None, None, _("The file is larger than 5 MB."))
        ]
        status = 422
    elif not form.is_valid():
        status = 422
    else:
        try:
            imported = services.workbook_import(
                assessment=assessment,
                upload=form.cleaned_data["file"],
                actor=request.user,
                lang=lang(),
            )
        except services.WorkbookRefused as refused:
            context["problems"] = refused.problems
            context["conflicts"] = refused.conflicts
            context["summary"] = refused.message
            status = _refusal_status(refused)
        except services.AssessmentError as exc:
            context["problems"] = [excel.CellProblem("—", None, None, exc.message)]
            status = _refusal_status(exc)
        else:
            context["read"] = imported.read
            context["outcome"] = imported.outcome
    return render(request, template, context, status=status)


# -- the administrator's calendar --------------------------------------------------------------


def _calendar_context(request: AuthedRequest, cycle: Cycle, form: CalendarForm) -> dict[str, Any]:
    rows = selectors.calendar_rows(cycle)
    return {
        "cycle": cycle,
        "form": form,
        "rows": rows,
        "opened": bool(rows),
        "windows": selectors.cycle_windows(cycle),
        "stages": Stage.choices,
        "now": timezone.now(),
    }


@require_http_methods(["GET", "POST"])
def calendar(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    """Set the cycle's calendar; open the cycle (one assessment per unit in scope)."""
    cycle = access.get_cycle_for_admin(request, cycle_id)
    windows = selectors.cycle_windows(cycle)
    initial = {}
    for stage, window in windows.items():
        initial[f"{stage}_opens"] = timezone.localtime(window.opens_at)
        initial[f"{stage}_closes"] = timezone.localtime(window.closes_at)
    form = CalendarForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if "open" in request.POST:
                created = services.cycle_open(
                    cycle=cycle,
                    windows=form.windows(),
                    actor=request.user,
                )
                messages.success(
                    request,
                    _("Cycle opened: %(count)d assessments created.") % {"count": len(created)},
                )
            else:
                services.cycle_calendar_set(
                    cycle=cycle,
                    windows=form.windows(),
                    actor=request.user,
                )
                messages.success(request, _("Calendar saved."))
        except ParindexError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("assessments:calendar", cycle_id=cycle.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "assessments/calendar.html", _calendar_context(request, cycle, form), status=status
    )


def _posted_assessment(
    request: AuthedRequest, cycle: Cycle, form: ExtensionForm | ReopenForm
) -> Assessment | None:
    """The assessment of the unit a calendar form names (404 if the cycle has none), or None
    once the form's errors are in the messages."""
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:  # an ErrorList yields its messages as text
                messages.error(request, str(error))
        return None
    try:
        return Assessment.objects.select_related("cycle", "unit").get(
            cycle=cycle, unit__code=form.cleaned_data["unit"]
        )
    except Assessment.DoesNotExist:
        raise Http404 from None


@require_POST
def extend(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    """Extend (or reopen) one unit's stage with a reason; the other units keep the calendar."""
    cycle = access.get_cycle_for_admin(request, cycle_id)
    form = ExtensionForm(request.POST)
    assessment = _posted_assessment(request, cycle, form)
    if assessment is None:
        return redirect("assessments:calendar", cycle_id=cycle.pk)
    try:
        services.stage_extend(
            assessment=assessment,
            stage=form.cleaned_data["stage"],
            closes_at=form.cleaned_data["closes_at"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
    except services.AssessmentError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(unit)s: %(stage)s extended until %(when)s.")
            % {
                "unit": assessment.unit.name,
                "stage": Stage(form.cleaned_data["stage"]).label,
                "when": timezone.localtime(form.cleaned_data["closes_at"]).strftime(
                    "%d/%m/%Y %H:%M"
                ),
            },
        )
    return redirect("assessments:calendar", cycle_id=cycle.pk)


@require_POST
def reopen(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    """Reopen one unit's submitted self-assessment, with a reason."""
    cycle = access.get_cycle_for_admin(request, cycle_id)
    form = ReopenForm(request.POST)
    assessment = _posted_assessment(request, cycle, form)
    if assessment is None:
        return redirect("assessments:calendar", cycle_id=cycle.pk)
    try:
        services.assessment_reopen(
            assessment=assessment,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            closes_at=form.cleaned_data["closes_at"],
        )
    except services.AssessmentError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The self-assessment of %(unit)s was reopened.") % {"unit": assessment.unit.name},
        )
    return redirect("assessments:calendar", cycle_id=cycle.pk)
