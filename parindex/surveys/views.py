"""Survey pages. Each view reaches its objects through ``surveys.access`` and renders one
template; with htmx, only the fragment that changed (coverage board, job progress)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parindex.accounts import roles
from parindex.core import ParindexError
from parindex.cycles.models import Cycle
from parindex.evidence.uploads import TextFileForm
from parindex.shared import charts
from parindex.shared.fields import form_field
from parindex.shared.http import AuthedRequest
from parindex.shared.language import lang

from . import access, jobs, selectors, services
from .charts import coverage_spec
from .models import SurveyJob

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

UPLOAD_MAX_BYTES = 200 * 1024 * 1024


def _nav(questionnaire: Any, current: str) -> dict[str, Any]:
    return {
        "questionnaire": questionnaire,
        "cycle": questionnaire.cycle,
        "current": current,
        "lang": lang(),
    }


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    roles.require_par_admin(request)
    cycles = Cycle.objects.select_related("framework_version", "questionnaire").order_by("-year")
    return render(request, "surveys/index.html", {"cycles": cycles})


class QuestionnaireForm(TextFileForm):
    file = forms.FileField(label=gettext_lazy("Questionnaire file (YAML)"))


@require_http_methods(["GET", "POST"])
def cycle_survey(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    """A cycle's survey: import its questionnaire, or see where the survey stands."""
    cycle = access.get_cycle_for_survey_admin(request, cycle_id)
    questionnaire = getattr(cycle, "questionnaire", None)
    form = QuestionnaireForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        name = (form.cleaned_data["file"].name or "questionnaire.yaml").replace("/", "_")
        try:
            questionnaire = services.questionnaire_import(
                cycle=cycle, text=form.text, source_name=name, user=request.user
            )
        except ParindexError as exc:
            errors = str(exc).splitlines()
        except services.SurveyRefused as exc:
            errors = [str(exc)]
        else:
            messages.success(
                request,
                _("Questionnaire %(code)s %(version)s imported.")
                % {"code": questionnaire.code, "version": questionnaire.version},
            )
            return redirect("surveys:questionnaire", questionnaire_id=questionnaire.pk)
    from parindex.frameworks.selectors import core_framework

    fw = core_framework(cycle.framework_version)
    survey_leaves = [n for n in fw.leaves if n.source == "survey"]
    context: dict[str, Any] = {
        "cycle": cycle,
        "questionnaire": questionnaire,
        "form": form,
        "errors": errors,
        "survey_leaves": survey_leaves,
        "lang": lang(),
    }
    if questionnaire is not None:
        context["forms_count"] = selectors.form_count(questionnaire)
        context["jobs"] = selectors.jobs(questionnaire)
    return render(request, "surveys/cycle.html", context)


@require_GET
def questionnaire_detail(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    """The questionnaire as a readable form: groups, then questions by leaf with options."""
    questionnaire = access.get_questionnaire_for_admin(request, questionnaire_id)
    core = selectors.core_questionnaire(questionnaire)
    fw = selectors.cycle_framework(questionnaire)
    leaves = [
        {
            "node": fw.by_code.get(leaf),
            "code": leaf,
            "questions": core.questions_by_leaf[leaf],
            "groups": core.groups_by_leaf[leaf],
        }
        for leaf in core.leaves
    ]
    context = _nav(questionnaire, "questionnaire") | {"core": core, "leaves": leaves}
    return render(request, "surveys/questionnaire.html", context)


@require_http_methods(["GET", "POST"])
def plan(request: AuthedRequest, questionnaire_id: int) -> HttpResponse:
    """The sample plan: a target per unit × group (the minimum is the questionnaire's)."""
    questionnaire = access.get_questionnaire_for_admin(request, questionnaire_id)
    core = selectors.core_questionnaire(questionnaire)
    units = selectors.cycle_units(questionnaire.cycle)
    errors: list[str] = []
    if request.method == "POST":
        targets: dict[tuple[int, str], int] = {}
        fill_group = request.POST.get("fill_group", "")
        if fill_group:
            try:
                value = int(request.POST.get("fill_target", ""))
            except ValueError:
                errors.append(_("Write a whole number."))
            else:
                targets = {(u.pk, fill_group): value for u in units}
        else:
            for unit in units:
                for group in core.groups:
                    raw = request.POST.get(f"t-{unit.pk}-{group.code}", "").strip()
                    if not raw:
                        continue
                    if not raw.isdigit():
                        errors.append(
                            _("%(unit)s, %(group)s: write a whole number.")
                            % {"unit": unit.code, "group": group.code}
                        )
                        continue
                    targets[(unit.pk, group.code)] = int(raw)
        if not errors:
            try:
                changed = services.plan_set(
                    questionnaire=questionnaire, targets=targets, user=request.user
                )
            except services.SurveyRefused as exc:
                errors.append(str(exc))
            else:
                messages.success(
                    request, _("Sample plan saved (%(n)s targets changed).") % {"n": changed}
                )
                return redirect("surveys:plan", questionnaire_id=questionnaire.pk)
    current = selectors.plan_targets(questionnaire)
    rows = [
        (unit, [(g, current.get((unit.pk, g.code), g.min_n)) for g in core.groups])
        for unit in units
    ]
    context = _nav(questionnaire, "plan") | {"core": core, "rows": rows, "errors": errors}
    return render(request, "surveys/plan.html", context)


@require_GET
def coverage(request: AuthedRequest, questionnaire_id: int) -> HttpResponse:
    """Forms received against the plan, groups below min_n highlighted; refreshes itself."""
    questionnaire = access.get_questionnaire_for_admin(request, questionnaire_id)
    board = selectors.coverage(questionnaire)
    chart = charts.render_svg(
        coverage_spec(
            [
                {"group": g.label(lang()), "kind": kind, "forms": n}
                for g, received, target in board.by_group()
                for kind, n in ((_("Received"), received), (_("Target"), target))
            ],
            title=_("Forms received and targets by group"),
            forms_label=_("Forms"),
            group_label=_("Respondent group"),
            kinds=[_("Received"), _("Target")],
        )
    )
    context = _nav(questionnaire, "coverage") | {"board": board, "chart": chart}
    if request.htmx:
        return render(request, "surveys/_coverage_board.html", context)
    return render(request, "surveys/coverage.html", context)


class ResponsesForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Response file (CSV UTF-8 or .xlsx)"))

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        if (upload.size or 0) > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB."))
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload


@require_http_methods(["GET", "POST"])
def responses(request: AuthedRequest, questionnaire_id: int) -> HttpResponse:
    """Import a response file exported by a survey tool; the import runs as a job."""
    questionnaire = access.get_questionnaire_for_admin(request, questionnaire_id)
    form = ResponsesForm(request.POST or None, request.FILES or None)
    refused = ""
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_prepare(
                questionnaire=questionnaire, upload=form.cleaned_data["file"], user=request.user
            )
        except services.SurveyRefused as exc:
            refused = str(exc)
        else:
            jobs.start(job)
            return redirect("surveys:job", job_id=job.pk)
    context = _nav(questionnaire, "responses") | {
        "form": form,
        "refused": refused,
        "jobs": selectors.jobs(questionnaire, SurveyJob.Kind.IMPORT),
        "forms_count": selectors.form_count(questionnaire),
        "core": selectors.core_questionnaire(questionnaire),
    }
    return render(request, "surveys/responses.html", context)


@require_GET
def job(request: AuthedRequest, job_id: int) -> HttpResponse:
    """A job's progress; the fragment polls itself until the job ends."""
    survey_job = access.get_job_for_admin(request, job_id)
    if services.jobs_sweep_stale(questionnaire=survey_job.questionnaire):
        survey_job.refresh_from_db()
    context = _nav(survey_job.questionnaire, "job") | {"job": survey_job}
    if request.htmx:
        return render(request, "surveys/_job_progress.html", context)
    return render(request, "surveys/job.html", context)


@require_POST
def job_retry(request: AuthedRequest, job_id: int) -> HttpResponse:
    """Run again a job whose worker stopped; the job and its queue entry commit together."""
    survey_job = access.get_job_for_admin(request, job_id)
    services.jobs_sweep_stale(questionnaire=survey_job.questionnaire)
    try:
        with transaction.atomic():
            survey_job = services.job_retry(job=survey_job, user=request.user)
            jobs.start(survey_job)
    except services.SurveyRefused as exc:
        messages.error(request, str(exc))
    return redirect("surveys:job", job_id=survey_job.pk)


@require_POST
def aggregate(request: AuthedRequest, questionnaire_id: int) -> HttpResponse:
    """Aggregate the stored forms into the survey leaves and recompute the cycle: one action.
    The job and its queue entry commit together, so no job waits for a task never queued."""
    questionnaire = access.get_questionnaire_for_admin(request, questionnaire_id)
    try:
        with transaction.atomic():
            survey_job = services.aggregate_prepare(questionnaire=questionnaire, user=request.user)
            if survey_job.state == SurveyJob.State.QUEUED:  # a duplicate entry runs nothing
                jobs.start(survey_job)
    except services.SurveyRefused as exc:
        messages.error(request, str(exc))
        return redirect("surveys:results", questionnaire_id=questionnaire.pk)
    return redirect("surveys:job", job_id=survey_job.pk)


@require_POST
def release(request: AuthedRequest, questionnaire_id: int) -> HttpResponse:
    questionnaire = access.get_questionnaire_for_admin(request, questionnaire_id)
    released = request.POST.get("released") == "1"
    services.questionnaire_release(
        questionnaire=questionnaire, released=released, user=request.user
    )
    if released:
        messages.success(request, _("Units can now see their own survey results."))
    else:
        messages.success(request, _("Units no longer see their survey results."))
    return redirect("surveys:results", questionnaire_id=questionnaire.pk)


class LinksForm(forms.Form):
    unit = forms.ChoiceField(label=gettext_lazy("Unit"))
    group = forms.ChoiceField(label=gettext_lazy("Respondent group"))
    count = forms.IntegerField(
        label=gettext_lazy("Number of links"),
        min_value=1,
        max_value=services.MAX_LINKS_AT_ONCE,
        initial=10,
    )


@require_http_methods(["GET", "POST"])
def links(request: AuthedRequest, questionnaire_id: int) -> HttpResponse:
    """Issue one-time respondent links per unit × group; see how many were used."""
    questionnaire = access.get_questionnaire_for_admin(request, questionnaire_id)
    core = selectors.core_questionnaire(questionnaire)
    units = selectors.cycle_units(questionnaire.cycle)
    form = LinksForm(request.POST or None)
    form_field(form, "unit", forms.ChoiceField).choices = [
        (u.code, f"{u.code} — {u.name}") for u in units
    ]
    form_field(form, "group", forms.ChoiceField).choices = [
        (g.code, g.label(lang())) for g in core.groups
    ]
    if request.method == "POST" and form.is_valid():
        unit = next(u for u in units if u.code == form.cleaned_data["unit"])
        try:
            issued = services.links_issue(
                questionnaire=questionnaire,
                unit=unit,
                group_code=form.cleaned_data["group"],
                count=form.cleaned_data["count"],
                user=request.user,
            )
        except services.SurveyRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(n)s links issued for %(unit)s, group %(group)s.")
                % {"n": len(issued), "unit": unit.name, "group": form.cleaned_data["group"]},
            )
            return redirect(
                reverse("surveys:links", args=[questionnaire.pk]) + f"?unit={unit.code}"
            )
    counts = selectors.link_counts(questionnaire)
    rows = [
        (unit, [(g, counts.get((unit.pk, g.code), (0, 0))) for g in core.groups]) for unit in units
    ]
    context = _nav(questionnaire, "links") | {
        "form": form,
        "rows": rows,
        "core": core,
        "unit_filter": request.GET.get("unit", ""),
    }
    return render(request, "surveys/links.html", context)


@require_GET
def links_print(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    """The unused links as a printable list (one line per link, e.g. to make QR codes)."""
    questionnaire = access.get_questionnaire_for_admin(request, questionnaire_id)
    core = selectors.core_questionnaire(questionnaire)
    unit = None
    code = request.GET.get("unit", "")
    if code:
        unit = questionnaire.cycle.units.filter(code=code).first()
    rows = selectors.links(questionnaire, unit=unit, unused_only=True)
    groups = {g.code: g.label(lang()) for g in core.groups}
    items = [
        {
            "link": link,
            "group": groups.get(link.group_code, link.group_code),
            "url": request.build_absolute_uri(reverse("surveys:respond", args=[link.token])),
        }
        for link in rows
    ]
    context = _nav(questionnaire, "links") | {"items": items, "unit": unit}
    return render(request, "surveys/links_print.html", context)


@require_GET
def results(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    """Every unit's survey leaves: value ± margin, n per group, flags."""
    questionnaire = access.get_questionnaire_for_reader(request, questionnaire_id)
    core = selectors.core_questionnaire(questionnaire)
    fw = selectors.cycle_framework(questionnaire)
    context = _nav(questionnaire, "results") | {
        "core": core,
        "leaves": [(leaf, fw.by_code.get(leaf)) for leaf in core.leaves],
        "rows": selectors.results_by_unit(questionnaire),
        "is_admin": roles.is_par_admin(request.user),
        "cycle_frozen": questionnaire.cycle.state in (Cycle.State.APPROVED, Cycle.State.PUBLISHED),
    }
    return render(request, "surveys/results.html", context)


@require_GET
def unit_results(request: HttpRequest, questionnaire_id: int, unit_code: str) -> HttpResponse:
    """One unit's survey results: per leaf, the value, margin, each group's n and mean."""
    questionnaire, unit = access.get_unit_survey_for_user(request, questionnaire_id, unit_code)
    fw = selectors.cycle_framework(questionnaire)
    context = _nav(questionnaire, "unit") | {
        "unit": unit,
        "results": [
            (fw.by_code.get(r.leaf_code), r) for r in selectors.leaf_results(questionnaire, unit)
        ],
        "is_admin": roles.is_par_admin(request.user),
    }
    return render(request, "surveys/unit_results.html", context)


@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, token: str) -> HttpResponse:
    """The respondent's form: no account, one unit, one group, submitted once."""
    link = access.get_link_for_respondent(token)
    if link.used_at is not None:
        return render(request, "surveys/respond_used.html", {"link": link}, status=410)
    if selectors.survey_closed(link.questionnaire, timezone.now()):
        return render(request, "surveys/respond_closed.html", {"link": link}, status=410)
    core = selectors.core_questionnaire(link.questionnaire)
    group = core.group_by_code[link.group_code]
    questions = core.questions_for(link.group_code)
    fw = selectors.cycle_framework(link.questionnaire)
    chosen: dict[str, str] = {}
    error = ""
    if request.method == "POST":
        chosen = {q.code: request.POST.get(q.code, "") for q in questions}
        try:
            services.link_answer(link=link, answers=chosen)
        except services.LinkUsed:
            return render(request, "surveys/respond_used.html", {"link": link}, status=410)
        except services.SurveyClosed:
            return render(request, "surveys/respond_closed.html", {"link": link}, status=410)
        except services.SurveyRefused as exc:
            error = str(exc)
        else:
            return render(request, "surveys/respond_done.html", {"link": link})
    context = {
        "link": link,
        "group": group,
        "questions": [(q, fw.by_code.get(q.leaf), chosen.get(q.code, "")) for q in questions],
        "error": error,
        "lang": lang(),
        "title": link.questionnaire.title,
    }
    return render(request, "surveys/respond.html", context)
