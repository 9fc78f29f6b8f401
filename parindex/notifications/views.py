"""The notifications page (*Thông báo*) and marking notifications read."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from parindex.shared.http import AuthedRequest

from . import access, selectors, services

PAGE_SIZE = 30


@require_GET
def notification_list(request: AuthedRequest) -> HttpResponse:
    access.require_signed_in(request)
    user = request.user
    page = Paginator(selectors.notifications_for(user=user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "unread": selectors.unread_count(user=user)}
    template = "notifications/_list.html" if request.htmx else "notifications/list.html"
    return render(request, template, context)


@require_POST
def notification_read(request: AuthedRequest, notification_id: int) -> HttpResponse:
    notification = access.get_notification_for_user(request, notification_id)
    services.notification_mark_read(user=request.user, notification_id=notification.pk)
    if request.htmx:
        notification.refresh_from_db()
        return render(request, "notifications/_item.html", {"notification": notification})
    return redirect("notifications:list")


@require_POST
def notification_read_all(request: AuthedRequest) -> HttpResponse:
    access.require_signed_in(request)
    services.notification_mark_all_read(user=request.user)
    return redirect("notifications:list")
