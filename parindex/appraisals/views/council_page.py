"""The council's page: the members' decisions on the results (approved, a snapshot, once they
reach the council's rule), reopening them with a reason, publishing them (the council or the
administrator) with the decision's number and date, the minutes; and the administrator's page
naming the council of a cycle. Approval and publication act only from their confirmation
pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parindex.accounts.models import Role, User
from parindex.accounts.roles import is_par_admin
from parindex.appraisals import access, selectors, services
from parindex.appraisals.forms import (
    CouncilDocumentForm,
    CouncilMemberForm,
    CouncilSettingsForm,
    PublishForm,
    ReopenForm,
    VoteForm,
)
from parindex.appraisals.models import (
    CouncilDocument,
    CouncilDocumentKind,
    CouncilMember,
    CouncilRule,
    CouncilVote,
    Vote,
)
from parindex.assessments.models import Assessment, Stage
from parindex.assessments.stages import stage_is_open
from parindex.core.workflow import State
from parindex.cycles.models import Cycle
from parindex.evidence import services as evidence_services
from parindex.evidence.uploads import SizeLimitUploadHandler, upload_view
from parindex.results.models import ResultSnapshot
from parindex.shared.http import AuthedRequest
from parindex.shared.language import lang
from parindex.units.models import Unit

from .common import confirmation_token, form_problems, refusal_status, unconfirmed

# Units whose totals are shown at once: a province fits on one page, a national index of
# thousands of communes is read a page at a time.
COUNCIL_PAGE_ROWS = 100


def _council_context(request: AuthedRequest, cycle: Cycle, **extra: Any) -> dict[str, Any]:
    data = selectors.council(cycle)
    approved_units = [
        (row.unit_code, row.unit_name)
        for row in data.rows
        if row.assessment is not None and row.assessment.state == State.APPROVED
    ]
    context = {
        "cycle": cycle,
        "council": data,
        "rows": Paginator(data.rows, COUNCIL_PAGE_ROWS).get_page(request.GET.get("page")),
        "is_council": access.is_council(request.user),
        "can_publish": access.is_council(request.user) or is_par_admin(request.user),
        "council_open": stage_is_open(cycle, Stage.COUNCIL),
        "publication_open": services.publication_open(cycle),
        "reopen_form": ReopenForm(units=approved_units),
        "is_member": services.is_member(cycle, request.user),
        "is_admin": is_par_admin(request.user),
        "council_settings": services.council_of(cycle),
        "member_rows": _member_rows(cycle),
        "documents": CouncilDocument.objects.filter(cycle=cycle).select_related("evidence"),
        "document_form": CouncilDocumentForm(),
        "lang": lang(),
        "error": "",
    }
    context.update(extra)
    return context


@require_GET
def council(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    cycle = access.get_cycle_for_council(request, cycle_id)
    return render(request, "appraisals/council.html", _council_context(request, cycle))


def _council_refusal(
    request: AuthedRequest, cycle: Cycle, exc: services.AppraisalError
) -> HttpResponse:
    context = _council_context(request, cycle, error=exc.message)
    return render(request, "appraisals/council.html", context, status=refusal_status(exc))


def _votes(cycle: Cycle) -> dict[int, CouncilVote]:
    return {
        v.user_id: v
        for v in CouncilVote.objects.filter(cycle=cycle, superseded_at=None).select_related("user")
    }


def _approve_token(cycle: Cycle, data: selectors.Council) -> str:
    members = services.members_of(cycle)
    return confirmation_token(
        "approve",
        cycle.pk,
        cycle.state,
        services.council_of(cycle).rule,
        *(m.pk for m in members),
        *(row.unit_code for row in data.rows if row.assessment is not None),
        len(data.waiting),
    )


def _approve_facts(cycle: Cycle, data: selectors.Council) -> list[str]:
    members = services.members_of(cycle)
    votes = _votes(cycle)
    approving = sum(1 for m in members if m.user_id in votes and votes[m.user_id].vote == "approve")
    objecting = sum(1 for m in members if m.user_id in votes and votes[m.user_id].vote == "object")
    units = sum(1 for row in data.rows if row.assessment is not None)
    rule = services.council_of(cycle).rule
    return [
        ngettext(
            "%(count)d unit's final results are approved and frozen in a snapshot.",
            "%(count)d units' final results are approved and frozen in a snapshot.",
            units,
        )
        % {"count": units},
        ngettext(
            "%(count)d unit is not appraised yet.",
            "%(count)d units are not appraised yet.",
            len(data.waiting),
        )
        % {"count": len(data.waiting)},
        (
            _("The results are approved when the chair approves.")
            if rule == CouncilRule.CHAIR
            else _("The results are approved when more than half of the %(count)d members approve.")
            % {"count": len(members)}
        ),
        _("Decisions so far: %(approve)d approve, %(object)d object, %(none)d not yet.")
        % {
            "approve": approving,
            "object": objecting,
            "none": len(members) - approving - objecting,
        },
    ]


@require_http_methods(["GET", "POST"])
def approve(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    """A council member's decision on the final results: the GET shows what approving means
    (units, the rule, the decisions so far) with the decision's form, the POST from that page
    records it; the results are approved once the decisions reach the council's rule."""
    cycle = access.get_cycle_for_council(request, cycle_id, act=True)
    if not access.is_council(request.user):
        raise PermissionDenied
    data = selectors.council(cycle)
    token = _approve_token(cycle, data)
    form = VoteForm(request.POST if request.method == "POST" else None)
    blocked = ""
    if not services.is_member(cycle, request.user):
        blocked = _("Only a member of this cycle's council decides on the results.")
    elif cycle.state in (Cycle.State.APPROVED, Cycle.State.PUBLISHED):
        blocked = _("The results of this cycle are already approved.")
    elif data.waiting:
        blocked = _("Not every unit is appraised yet: the results cannot be approved.")
    elif not stage_is_open(cycle, Stage.COUNCIL):
        blocked = _("The council period is not open.")
    page = {
        "cycle": cycle,
        "heading": _("Decide on the final results"),
        "facts": _approve_facts(cycle, data),
        "row_titles": [_("Member"), _("Role"), _("Decision"), _("Note")],
        "rows": _member_rows(cycle),
        "blocked": blocked,
        "action": request.path,
        "hidden": [],
        "confirm": token,
        "form": form if request.method == "POST" else VoteForm(),
        "button": _("Record my decision"),
        "back": reverse("appraisals:council", kwargs={"cycle_id": cycle.pk}),
        "error": "",
    }
    if request.method == "GET":
        return render(request, "appraisals/confirm.html", page)
    # Where the page offers the decision, it is taken only from the page; where it does not
    # (not a member, not ready, the period closed), the service says why.
    valid = form.is_valid()
    if not blocked:
        if unconfirmed(request, token):
            return redirect(request.path)
        if not valid:
            page["error"] = form_problems(form)
            return render(request, "appraisals/confirm.html", page, status=422)
    try:
        decided = services.council_vote(
            cycle=cycle,
            actor=request.user,
            vote=form.cleaned_data["vote"] if valid else Vote.APPROVE,
            note=form.cleaned_data["note"] if valid else "",
        )
    except services.AppraisalError as exc:
        return _council_refusal(request, cycle, exc)
    if decided.snapshot is not None:
        messages.success(
            request,
            _("Results approved and frozen (inputs %(hash)s).")
            % {"hash": decided.snapshot.inputs_sha256[:12]},
        )
    else:
        messages.success(request, _("Your decision is recorded."))
    return redirect("appraisals:council", cycle_id=cycle.pk)


def _member_rows(cycle: Cycle) -> list[tuple[str, str, str, str]]:
    votes = _votes(cycle)
    rows = []
    for member in services.members_of(cycle):
        vote = votes.get(member.user_id)
        rows.append(
            (
                str(member.user),
                str(member.get_role_display()),
                str(vote.get_vote_display()) if vote else "—",
                vote.note if vote else "",
            )
        )
    return rows


@require_POST
def reopen(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    cycle = access.get_cycle_for_council(request, cycle_id, act=True)
    if not access.is_council(request.user):
        raise PermissionDenied
    units = [
        (code, code)
        for code in Assessment.objects.filter(cycle=cycle).values_list("unit__code", flat=True)
    ]
    form = ReopenForm(request.POST, units=units)
    if not form.is_valid():
        return _council_refusal(
            request, cycle, services.AppraisalError(_("Give the reason for reopening."))
        )
    chosen = form.cleaned_data["unit"]
    try:
        services.cycle_reopen(
            cycle=cycle,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            units=list(Unit.objects.filter(code=chosen)) if chosen else None,
        )
    except services.AppraisalError as exc:
        return _council_refusal(request, cycle, exc)
    messages.success(request, _("The results are reopened; the snapshot is kept as superseded."))
    return redirect("appraisals:council", cycle_id=cycle.pk)


@upload_view(evidence_services.max_bytes)
@require_http_methods(["GET", "POST"])
def publish(request: AuthedRequest, cycle_id: int, limiter: SizeLimitUploadHandler) -> HttpResponse:
    """Publish the approved results: the GET shows what becomes public and asks for the
    decision (number, date, the signed copy); the POST from that page publishes them."""
    cycle = access.get_cycle_for_council(request, cycle_id, act=True)
    if not (access.is_council(request.user) or is_par_admin(request.user)):
        raise PermissionDenied
    units = Assessment.objects.filter(cycle=cycle).count()
    snapshot = ResultSnapshot.objects.filter(cycle=cycle, superseded_at=None).first()
    token = confirmation_token(
        "publish", cycle.pk, cycle.state, snapshot.inputs_sha256 if snapshot else "", units
    )
    form = PublishForm(request.POST, request.FILES) if request.method == "POST" else PublishForm()
    page = {
        "cycle": cycle,
        "heading": _("Publish the results"),
        "facts": [
            ngettext(
                "The ranking and the scorecards of %(count)d unit become public, on the final "
                "basis.",
                "The ranking and the scorecards of %(count)d units become public, on the final "
                "basis.",
                units,
            )
            % {"count": units},
            _("Snapshot approved by the council: inputs %(hash)s.")
            % {"hash": snapshot.inputs_sha256[:12] if snapshot else "—"},
            _("A publication cannot be undone: name the decision that publishes the results."),
        ],
        "blocked": (
            _("Only approved results can be published.")
            if cycle.state != Cycle.State.APPROVED
            else ""
            if services.publication_open(cycle)
            else _("The publication period is not open.")
        ),
        "action": request.path,
        "hidden": [],
        "confirm": token,
        "form": form,
        "button": _("Publish the results"),
        "back": reverse("appraisals:council", kwargs={"cycle_id": cycle.pk}),
        "rows": [],
        "error": "",
    }
    if request.method == "GET":
        return render(request, "appraisals/confirm.html", page)
    request.FILES  # noqa: B018 - parse the body now, so the size limiter has had its say
    if limiter.skipped:
        page["error"] = evidence_services.too_large_message(evidence_services.max_bytes())
        return render(request, "appraisals/confirm.html", page, status=422)
    # Where the page offers publication, it is done only from the page; where it does not (not
    # approved, the period closed), the service says why.
    valid = form.is_valid()
    if not page["blocked"]:
        if unconfirmed(request, token):
            return redirect(request.path)
        if not valid:
            page["error"] = _(
                "Enter the number and the date of the decision publishing the results: nothing "
                "was published."
            )
            return render(request, "appraisals/confirm.html", page, status=422)
    try:
        services.cycle_publish(
            cycle=cycle,
            actor=request.user,
            decision=form.cleaned_data.get("decision", ""),
            decision_date=form.cleaned_data.get("decision_date"),
            decision_file=form.cleaned_data.get("file"),
        )
    except services.AppraisalError as exc:
        page["error"] = exc.message
        return render(request, "appraisals/confirm.html", page, status=refusal_status(exc))
    messages.success(request, _("The results are published."))
    return redirect("cycle_ranking", cycle_id=cycle.pk)


@require_http_methods(["GET", "POST"])
def council_members(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    """The PAR administrator names the council of the cycle (chair, members), its approval
    rule and the agency that keeps its documents."""
    cycle = access.get_cycle_for_admin(request, cycle_id)
    holders = User.objects.filter(roles__role=Role.COUNCIL, is_active=True).distinct()
    council = services.council_of(cycle)
    posted = request.POST if request.method == "POST" else None
    what = request.POST.get("what", "")
    member_form = CouncilMemberForm(posted if what == "member" else None, users=holders)
    settings_form = CouncilSettingsForm(
        posted if what == "settings" else None,
        units=cycle.units.order_by("code"),
        initial={"rule": council.rule, "secretariat": council.secretariat},
    )
    error, status = "", 200
    if request.method == "POST":
        form = member_form if what == "member" else settings_form
        if not form.is_valid():
            error, status = form_problems(form) or _("Check the form."), 422
        else:
            try:
                if what == "member":
                    services.council_member_set(
                        cycle=cycle,
                        user=form.cleaned_data["user"],
                        role=form.cleaned_data["role"],
                        actor=request.user,
                    )
                else:
                    services.council_settings_set(
                        cycle=cycle,
                        rule=form.cleaned_data["rule"],
                        secretariat=form.cleaned_data["secretariat"],
                        actor=request.user,
                    )
            except services.AppraisalError as exc:
                error, status = exc.message, 422
            else:
                messages.success(request, _("The council is saved."))
                return redirect("appraisals:council_members", cycle_id=cycle.pk)
    return render(
        request,
        "appraisals/council_members.html",
        {
            "cycle": cycle,
            "members": services.members_of(cycle),
            "council_settings": council,
            "member_form": member_form,
            "settings_form": settings_form,
            "error": error,
        },
        status=status,
    )


@require_POST
def council_member_remove(request: AuthedRequest, cycle_id: int, member_id: int) -> HttpResponse:
    cycle = access.get_cycle_for_admin(request, cycle_id)
    member = (
        CouncilMember.objects.select_related("user", "cycle")
        .filter(pk=member_id, cycle=cycle)
        .first()
    )
    if member is None:
        raise Http404
    try:
        services.council_member_remove(member=member, actor=request.user)
    except services.AppraisalError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s left the council.") % {"name": member.user})
    return redirect("appraisals:council_members", cycle_id=cycle.pk)


@upload_view(evidence_services.max_bytes)
@require_POST
def council_document(
    request: AuthedRequest, cycle_id: int, limiter: SizeLimitUploadHandler
) -> HttpResponse:
    """Attach the minutes of a council meeting (the administrator or a member)."""
    cycle = access.get_cycle_for_council(request, cycle_id, act=True)
    form = CouncilDocumentForm(request.POST, request.FILES)
    if limiter.skipped:
        messages.error(request, evidence_services.too_large_message(evidence_services.max_bytes()))
    elif not form.is_valid():
        messages.error(request, form_problems(form))
    else:
        try:
            services.council_document_add(
                cycle=cycle,
                kind=CouncilDocumentKind.MINUTES,
                file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                actor=request.user,
            )
        except services.AppraisalError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The minutes are attached."))
    return redirect("appraisals:council", cycle_id=cycle.pk)
