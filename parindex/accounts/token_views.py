"""Pages of personal API tokens: a person creates, lists and revokes their own; the PAR
administrator revokes anyone's from the account's page."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parindex.shared.http import AuthedRequest
from parindex.shared.login import LoginRequired

from . import apitokens
from .access import get_token_for_admin, get_token_for_owner
from .forms import ApiTokenForm
from .models import ApiToken, User


def _owner(request: HttpRequest) -> User:
    if not request.user.is_authenticated:
        raise LoginRequired
    user = request.user
    assert isinstance(user, User)
    return user


@require_http_methods(["GET", "POST"])
def tokens(request: AuthedRequest) -> HttpResponse:
    """The person's tokens and the form to create one. A new token is shown once, on the page
    that answers its creation, which no cache may keep."""
    user = _owner(request)
    units = apitokens.unit_choices(user)
    default_expiry = timezone.localdate() + datetime.timedelta(days=apitokens.DEFAULT_DAYS)
    form = ApiTokenForm(
        request.POST or None,
        units=units,
        initial={"access": "read", "expires_on": default_expiry},
    )
    created: tuple[ApiToken, str] | None = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = apitokens.token_create(
                    user=user,
                    name=form.cleaned_data["name"],
                    access=form.cleaned_data["access"],
                    unit=form.chosen_unit(),
                    expires_on=form.cleaned_data["expires_on"],
                )
            except apitokens.TokenError as exc:
                form.add_error(None, exc.message)
        if created is None:
            status = 422
        else:
            form = ApiTokenForm(
                units=units, initial={"access": "read", "expires_on": default_expiry}
            )
    response = render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "tokens": apitokens.tokens_of(user),
            "created": created,
            "now": timezone.now(),
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def token_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    token = get_token_for_owner(request, token_id)
    apitokens.token_revoke(token=token, actor=_owner(request))
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


@require_POST
def admin_token_revoke(request: AuthedRequest, user_id: int, token_id: int) -> HttpResponse:
    """The PAR administrator revokes a person's token (a leaked token, a person who left)."""
    token = get_token_for_admin(request, user_id, token_id)
    apitokens.token_revoke(
        token=token, actor=_owner(request), reason=request.POST.get("reason", "")[:500]
    )
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:detail", user_id=user_id)
