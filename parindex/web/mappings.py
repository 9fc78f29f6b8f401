"""The node mapping between two versions of a framework: the administrator imports its file
(docs/formats.md §5); the framework pages list the mappings stored."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from parindex.accounts import roles
from parindex.core import ParindexError
from parindex.evidence.uploads import TextFileForm
from parindex.frameworks.models import FrameworkVersion
from parindex.frameworks.services import node_mapping_import


class NodeMappingForm(TextFileForm):
    earlier = forms.ModelChoiceField(
        FrameworkVersion.objects.order_by("code", "version"), label=gettext_lazy("Earlier version")
    )
    later = forms.ModelChoiceField(
        FrameworkVersion.objects.order_by("code", "version"), label=gettext_lazy("Later version")
    )
    file = forms.FileField(label=gettext_lazy("Mapping file (CSV: from,to)"))


@require_http_methods(["GET", "POST"])
def node_mapping_upload(request: HttpRequest) -> HttpResponse:
    roles.require_par_admin(request)
    form = NodeMappingForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        earlier, later = form.cleaned_data["earlier"], form.cleaned_data["later"]
        name = form.cleaned_data["file"].name.replace("/", "_").replace("\\", "_")
        try:
            node_mapping_import(
                text=form.text, source_name=name, earlier=earlier, later=later, user=request.user
            )
        except ParindexError as exc:
            errors = str(exc).splitlines()
        else:
            messages.success(
                request,
                _("Node mapping from version %(earlier)s to version %(later)s imported.")
                % {"earlier": earlier.version, "later": later.version},
            )
            return redirect("framework_detail", version_id=later.pk)
    return render(request, "web/node_mapping_import.html", {"form": form, "errors": errors})
