"""Pages of the rank uncertainty: a cycle's latest run in full (with the progress of a run
under way, which polls itself with htmx), and the start of a run from the ranking page."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from parindex.accounts import roles
from parindex.shared.http import AnyRequest, AuthedRequest
from parindex.shared.language import lang

from . import access, jobs, selectors, services
from .display import band_labels, group_charts
from .forms import RunForm


@require_GET
def cycle_page(request: AnyRequest, cycle_id: int) -> HttpResponse:
    cycle = access.get_cycle_for_reader(request, cycle_id)
    services.runs_sweep_stale(cycle=cycle)
    run, after = selectors.runs_of(cycle)
    if request.htmx and request.GET.get("progress"):
        if after is None and run is None:
            raise Http404
        return render(request, "uncertainty/_progress.html", {"cycle": cycle, "job": after or run})
    labels = band_labels(cycle)
    context = {
        "cycle": cycle,
        "run": run,
        "job": after,
        "groups": group_charts(run, labels) if run else [],
        "stale": run is not None and not cycle.is_published and selectors.run_is_stale(run),
        "can_start": roles.is_par_admin(request.user),
        "form": RunForm(),
        "lang": lang(),
    }
    return render(request, "uncertainty/cycle.html", context)


@require_POST
def start(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    """Queue a run with the administrator's settings; its job and its queue entry commit
    together. A run under way is followed rather than doubled."""
    cycle = access.get_cycle_for_admin(request, cycle_id)
    form = RunForm(request.POST)
    if not form.is_valid():
        for name, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[name].label}: {error}")
        return redirect("uncertainty:cycle", cycle_id=cycle.pk)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            run, queued = services.run_request(
                cycle=cycle,
                user=request.user,
                draws=data["draws"],
                level=data["level"],
                seed=data["seed"],
                keep_percent=data["keep_percent"],
            )
            if queued:
                jobs.start(run)
    except services.RunRefused as exc:
        messages.error(request, str(exc))
    else:
        if not queued:
            messages.info(request, _("A run of this cycle is under way: here is its progress."))
    return redirect("uncertainty:cycle", cycle_id=cycle.pk)
