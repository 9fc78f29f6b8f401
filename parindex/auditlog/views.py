"""Audit pages: a leaf's change history (*Lịch sử thay đổi*) and the audit log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from parindex.accounts.models import User
from parindex.audit.models import AuditEvent
from parindex.audit.selectors import events_for_leaf
from parindex.core import Node
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework
from parindex.shared.fields import form_field
from parindex.shared.http import AuthedRequest
from parindex.shared.language import lang
from parindex.units.models import Unit

from . import access, presentation, selectors

PAGE_SIZE = 50


@require_GET
def leaf_history(
    request: AuthedRequest, cycle_id: int, unit_code: str, leaf_code: str
) -> HttpResponse:
    cycle, unit = access.get_leaf_scope_for_user(request, cycle_id, unit_code)
    node = core_framework(cycle.framework_version).by_code.get(leaf_code)
    if node is None:
        raise Http404
    events = list(
        events_for_leaf(
            cycle_id=cycle.pk,
            unit_id=unit.pk,
            leaf_code=leaf_code,
            appraisal=access.sees_appraisal_entries(request.user, cycle, unit),
        )
    )
    context = {
        "cycle": cycle,
        "unit": unit,
        "leaf_code": leaf_code,
        "leaf_title": node.title.get(lang()),
        "rows": presentation.rows(events, leaf_of=lambda event: node),
    }
    template = "audit/_leaf_history.html" if request.htmx else "audit/leaf_history.html"
    return render(request, template, context)


def leaves_of(cycles: dict[int, Cycle]) -> Callable[[AuditEvent], Node | None]:
    """The leaf an event of one of ``cycles`` is about, in its cycle's framework."""

    def leaf_of(event: AuditEvent) -> Node | None:
        cycle = cycles.get(event.cycle_id) if event.cycle_id is not None else None
        if cycle is None or not event.leaf_code:
            return None
        return core_framework(cycle.framework_version).by_code.get(event.leaf_code)

    return leaf_of


class CycleChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Every cycle, the cancelled ones named as such: their events stay in the log."""

    def label_from_instance(self, obj: Any) -> str:
        if obj.state == Cycle.State.CANCELLED:
            return f"{obj} — {obj.get_state_display()}"
        return str(obj)


class LogFilter(forms.Form):
    cycle = CycleChoice(
        Cycle.all_objects.order_by("-year", "title"), required=False, label=_("Cycle")
    )
    unit = forms.ModelChoiceField(
        Unit.objects.order_by("code"), required=False, to_field_name="code", label=_("Unit")
    )
    actor = forms.ModelChoiceField(
        User.objects.order_by("username"), required=False, label=_("Person")
    )
    action = forms.ChoiceField(required=False, label=_("Action"))
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    after = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "action", forms.ChoiceField).choices = [
            ("", _("All actions")),
            *((a, presentation.action_label(a)) for a in actions),
        ]
        for name in ("cycle", "unit", "actor"):
            form_field(self, name, forms.ModelChoiceField).empty_label = _("All")


@require_GET
def audit_log(request: AuthedRequest) -> HttpResponse:
    access.require_par_admin(request)
    form = LogFilter(request.GET or None, actions=selectors.actions_recorded())
    events: list[AuditEvent] = []
    has_older = has_newer = False
    filters = ""
    if form.is_bound and not form.is_valid():
        valid = False
    else:
        valid = True
        data = form.cleaned_data if form.is_bound else {}
        cycle, unit, actor = data.get("cycle"), data.get("unit"), data.get("actor")
        events, has_older, has_newer = selectors.event_log(
            cycle_id=cycle.pk if cycle else None,
            unit_id=unit.pk if unit else None,
            actor_id=actor.pk if actor else None,
            action=data.get("action") or "",
            before=data.get("before"),
            after=data.get("after"),
            limit=PAGE_SIZE,
        )
        query = request.GET.copy()
        for key in ("before", "after"):
            query.pop(key, None)
        filters = query.urlencode()
    cycles, units = selectors.cycles_and_units(events)
    context = {
        "form": form,
        "valid": valid,
        "rows": presentation.rows(events, cycles, units, leaf_of=leaves_of(cycles)),
        "has_older": has_older,
        "has_newer": has_newer,
        "newest": events[0].sequence if events else None,
        "oldest": events[-1].sequence if events else None,
        "filters": filters,
    }
    template = "audit/_log_results.html" if request.htmx else "audit/log.html"
    return render(request, template, context)
