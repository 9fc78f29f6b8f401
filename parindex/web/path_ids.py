"""Ids in a URL that no database row can have are not found, before any view queries them.

``<int:…>`` path converters accept any run of digits. Django answers ``pk=`` lookups past the
column's range with no rows, but not every lookup: ``Assessment.objects.get(cycle_id=10**20,
…)`` through a foreign key made SQLite raise OverflowError (PostgreSQL: "bigint out of range"),
a server error on every page under ``/assessments/<cycle>/`` and on the scorecard. Every id is
a ``BigAutoField``: a path integer above its range is a 404 here, for every view at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

MAX_ID = 2**63 - 1  # a BigAutoField (DEFAULT_AUTO_FIELD) on SQLite and PostgreSQL


class PathIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not -MAX_ID <= value <= MAX_ID:
                raise Http404
