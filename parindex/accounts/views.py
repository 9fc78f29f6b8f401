"""Pages of account management (PAR administrator), activation, password change and reset."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from parindex.accounts.roles import require_par_admin
from parindex.audit.selectors import events_for
from parindex.shared.clientip import client_address
from parindex.shared.http import AuthedRequest

from . import apitokens, selectors, services, spreadsheet, throttle, tokens
from .access import get_import_for_admin, get_role_for_admin, get_user_for_admin
from .forms import (
    AccountForm,
    ImportForm,
    PeopleFilterForm,
    ReasonForm,
    RequiredRoleForm,
    RoleFormSet,
)
from .models import ROLE_CHOICES, AccountImport, User

PAGE_SIZE = 50
ACTIVATION_SESSION_KEY = "_account_activation_token"
ACTIVATION_URL_TOKEN = "set-password"


def site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@require_GET
def manage(request: AuthedRequest) -> HttpResponse:
    require_par_admin(request)
    form = PeopleFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        unit = form.cleaned_data["unit"]
        filters = {
            "role": form.cleaned_data["role"],
            "unit_id": unit.pk if unit else None,
            "status": form.cleaned_data["status"],
            "query": form.cleaned_data["q"].strip(),
        }
    page = Paginator(selectors.people(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "accounts/_people.html" if request.htmx else "accounts/manage.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    require_par_admin(request)
    form = AccountForm(request.POST or None)
    roles = RoleFormSet(request.POST or None, prefix="roles")
    if request.method == "POST" and form.is_valid() and roles.is_valid():
        specs = [
            services.RoleSpec(
                role=f.cleaned_data["role"],
                unit=f.cleaned_data.get("unit"),
                area=f.cleaned_data.get("area") or "",
            )
            for f in roles.forms
            if f.cleaned_data.get("role")
        ]
        try:
            user = services.account_create(actor=_actor(request), roles=specs, **form.cleaned_data)
        except services.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Account %(username)s created. Send the activation link so the person "
                    "can set a password."
                )
                % {"username": user.username},
            )
            return redirect("accounts:detail", user_id=user.pk)
    return render(request, "accounts/create.html", {"form": form, "roles": roles})


ACTIONS = {
    "account.create": gettext_lazy("Account created"),
    "account.update": gettext_lazy("Details changed"),
    "account.role_add": gettext_lazy("Role added"),
    "account.role_remove": gettext_lazy("Role removed"),
    "account.deactivate": gettext_lazy("Deactivated"),
    "account.reactivate": gettext_lazy("Reactivated"),
    "account.activation_send": gettext_lazy("Activation link issued"),
    "account.activate": gettext_lazy("Password set by the person (activated)"),
    "account.password_change": gettext_lazy("Password changed by the person"),
    "account.password_reset": gettext_lazy("Password reset by the person"),
}
FIELDS = {
    "username": gettext_lazy("Username"),
    "full_name": gettext_lazy("Full name"),
    "email": gettext_lazy("E-mail"),
    "is_active": gettext_lazy("Active"),
    "roles": gettext_lazy("Roles"),
    "issued_at": gettext_lazy("Issued at"),
    "emailed_to": gettext_lazy("E-mailed to"),
}


def _shown(value: object) -> str:
    """An audited value as a person reads it: roles by name, yes/no, dates in local time."""
    if isinstance(value, dict) and "role" in value:
        bits = [str(dict(ROLE_CHOICES).get(value["role"], value["role"]))]
        if value.get("unit"):
            bits.append(str(value["unit"]))
        if value.get("area"):
            bits.append(f"{_('area')} {value['area']}")
        return " · ".join(bits)
    if isinstance(value, list):
        return "; ".join(_shown(v) for v in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str) and len(value) > 19 and value[10:11] == "T":
        moment = parse_datetime(value)
        if moment is not None:
            return formats.date_format(timezone.localtime(moment), "d/m/Y H:i")
    return str(value) if value not in ("", None) else "—"


def _summary(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    before, after = before or {}, after or {}
    if "role" in before or "role" in after:
        return f"− {_shown(before)}" if before else f"+ {_shown(after)}"
    lines = []
    # Stored JSON does not keep key order (PostgreSQL's jsonb sorts keys): show a fixed one.
    keys = [k for k in FIELDS if k in before or k in after]
    keys += sorted(k for k in {*before, *after} if k not in FIELDS)
    for key in keys:
        label = FIELDS.get(key, key)
        if key in before and key in after:
            lines.append(f"{label}: {_shown(before[key])} → {_shown(after[key])}")
        else:
            lines.append(f"{label}: {_shown(after.get(key, before.get(key)))}")
    return "; ".join(lines)


@require_GET
def detail(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_user_for_admin(request, user_id)
    return _detail_page(request, person)


def _detail_page(
    request: HttpRequest,
    person: User,
    *,
    account_form: AccountForm | None = None,
    role_form: RequiredRoleForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "person": person,
        "roles": selectors.account_roles(person),
        "account_form": account_form
        or AccountForm(
            instance=person, initial={"full_name": person.full_name, "email": person.email}
        ),
        "role_form": role_form or RequiredRoleForm(),
        "reason_form": ReasonForm(),
        "expires_at": tokens.expires_at(person),
        "link_valid": person.activation_sent_at is not None
        and tokens.check_token(person, tokens.make_token(person)),
        "history": [
            {
                "event": e,
                "action": ACTIONS.get(e.action, e.action),
                "summary": _summary(e.before, e.after),
            }
            for e in events_for(target=person)
        ],
        "is_self": person.pk == request.user.pk,
        "api_tokens": apitokens.tokens_of(person),
        "now": timezone.now(),
    }
    return render(request, "accounts/detail.html", context, status=status)


@require_POST
def update(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_user_for_admin(request, user_id)
    form = AccountForm(request.POST, instance=person)
    if not form.is_valid():
        return _detail_page(request, person, account_form=form, status=400)
    services.account_update(actor=_actor(request), user=person, **form.cleaned_data)
    messages.success(request, _("Saved."))
    return redirect("accounts:detail", user_id=person.pk)


@require_POST
def role_add(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_user_for_admin(request, user_id)
    form = RequiredRoleForm(request.POST)
    if form.is_valid():
        spec = services.RoleSpec(
            role=form.cleaned_data["role"],
            unit=form.cleaned_data.get("unit"),
            area=form.cleaned_data.get("area") or "",
        )
        try:
            services.account_role_add(actor=_actor(request), user=person, spec=spec)
        except services.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Role added."))
            return redirect("accounts:detail", user_id=person.pk)
    return _detail_page(request, person, role_form=form, status=400)


@require_POST
def role_remove(request: HttpRequest, user_id: int, assignment_id: int) -> HttpResponse:
    assignment = get_role_for_admin(request, user_id, assignment_id)
    try:
        services.account_role_remove(actor=_actor(request), assignment=assignment)
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Role removed."))
    return redirect("accounts:detail", user_id=user_id)


@require_POST
def deactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_user_for_admin(request, user_id)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.account_deactivate(actor=_actor(request), user=person, reason=reason)
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Account deactivated: %(name)s can no longer log in.") % {"name": person}
        )
    return redirect("accounts:detail", user_id=person.pk)


@require_POST
def reactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_user_for_admin(request, user_id)
    services.account_reactivate(actor=_actor(request), user=person)
    messages.success(request, _("Account reactivated."))
    return redirect("accounts:detail", user_id=person.pk)


@require_POST
def activation_send(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_user_for_admin(request, user_id)
    try:
        emailed = services.account_activation_send(
            actor=_actor(request), user=person, site_url=site_url(request)
        )
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        if emailed:
            messages.success(
                request, _("Activation link sent to %(email)s.") % {"email": person.email}
            )
        else:
            messages.success(
                request,
                _(
                    "%(name)s has no e-mail address: print the link from the list of "
                    "pending activations."
                )
                % {"name": person},
            )
    if request.POST.get("next") == "activations":
        return redirect("accounts:activations")
    return redirect("accounts:detail", user_id=person.pk)


@require_GET
def activations(request: HttpRequest) -> HttpResponse:
    """Accounts waiting for activation; for those without e-mail, the link to hand over."""
    require_par_admin(request)
    rows = []
    for person in selectors.pending_activations():
        valid = person.activation_sent_at is not None and tokens.check_token(
            person, tokens.make_token(person)
        )
        link = (
            site_url(request) + services.activation_path(person)
            if valid and not person.email
            else ""
        )
        rows.append(
            {
                "person": person,
                "valid": valid,
                "expires_at": tokens.expires_at(person),
                "link": link,
            }
        )
    return render(request, "accounts/activations.html", {"rows": rows})


@require_POST
def activations_send(request: HttpRequest) -> HttpResponse:
    require_par_admin(request)
    emailed, printed = services.account_activation_send_pending(
        actor=_actor(request), site_url=site_url(request)
    )
    messages.success(
        request,
        _("%(emailed)s activation links e-mailed, %(printed)s ready to print.")
        % {"emailed": emailed, "printed": printed},
    )
    return redirect("accounts:activations")


@require_http_methods(["GET", "POST"])
def import_upload(request: AuthedRequest) -> HttpResponse:
    require_par_admin(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[spreadsheet.CellError] = []
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["file"].name.replace("/", "_").replace("\\", "_")
        try:
            account_import = services.account_import_check(
                actor=_actor(request), file_name=name, data=form.data_bytes
            )
        except services.ImportInvalid as exc:
            errors = exc.errors
        else:
            url = reverse("accounts:import_detail", kwargs={"import_id": account_import.pk})
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    context = {
        "form": form,
        "errors": errors,
        "imports": selectors.recent_imports(),
        "max_rows": spreadsheet.MAX_ROWS,
    }
    if request.htmx and request.method == "POST":
        return render(request, "accounts/_import_result.html", context)
    return render(request, "accounts/import.html", context, status=400 if errors else 200)


@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    require_par_admin(request)
    units = [(u.code, u.name) for u in selectors.open_units()]
    content = spreadsheet.template_workbook(units=units, areas=selectors.areas().items())
    response = HttpResponse(content, content_type=spreadsheet.XLSX_MIME)
    response["Content-Disposition"] = 'attachment; filename="parindex-accounts.xlsx"'
    return response


@require_GET
def import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    account_import = get_import_for_admin(request, import_id)
    people: list[spreadsheet.PlannedPerson] = []
    errors: list[spreadsheet.CellError] = []
    created: list[User] = []
    if account_import.state == AccountImport.State.CHECKED:
        people, errors = spreadsheet.check_rows(
            account_import.sheet, account_import.rows, selectors.import_lookup()
        )
    else:
        created = list(
            selectors.people().filter(
                username__in=[str(r["username"]) for r in account_import.rows]
            )
        )
    context = {
        "account_import": account_import,
        "people": people,
        "errors": errors,
        "created": created,
        "role_labels": dict(ROLE_CHOICES),
    }
    return render(request, "accounts/import_detail.html", context)


@require_POST
def import_apply(request: AuthedRequest, import_id: int) -> HttpResponse:
    account_import = get_import_for_admin(request, import_id)
    try:
        users = services.account_import_apply(actor=_actor(request), account_import=account_import)
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _(
                "%(count)s accounts created. Send their activation links from the list "
                "of pending activations."
            )
            % {"count": len(users)},
        )
    url = reverse("accounts:import_detail", kwargs={"import_id": account_import.pk})
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _user_from_uid(uidb64: str) -> User | None:
    try:
        uid = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    return User.objects.filter(pk=uid).first()


@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Opens an activation link. The token moves into the session and the browser goes to a URL
    without it, so the token does not leak through the Referer header of the next page."""
    person = _user_from_uid(uidb64)
    if token != ACTIVATION_URL_TOKEN:
        if person is not None and tokens.check_token(person, token):
            request.session[ACTIVATION_SESSION_KEY] = token
            return redirect("accounts:activate", uidb64=uidb64, token=ACTIVATION_URL_TOKEN)
        return render(request, "accounts/activate.html", {"valid": False})
    session_token = request.session.get(ACTIVATION_SESSION_KEY, "")
    if person is None or not tokens.check_token(person, session_token):
        return render(request, "accounts/activate.html", {"valid": False})
    form = SetPasswordForm(person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_activate(user=person, password=form.cleaned_data["new_password1"])
        except services.AccountError:
            return render(request, "accounts/activate.html", {"valid": False})
        del request.session[ACTIVATION_SESSION_KEY]
        messages.success(
            request, _("Your password is set. Log in with your username and new password.")
        )
        return redirect("login")
    return render(
        request, "accounts/activate.html", {"valid": True, "form": form, "person": person}
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        user = services.account_password_set(
            user=form.user,
            password=form.cleaned_data["new_password1"],
            action="account.password_change",
        )
        update_session_auth_hash(self.request, user)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view, throttled per client address and per e-mail before any mail is sent. The
    refusal does not depend on whether the address belongs to an account."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        address = client_address(self.request)
        if not throttle.password_reset_allowed(address, form.cleaned_data["email"]):
            minutes = settings.PASSWORD_RESET_WINDOW_SECONDS // 60
            form.add_error(
                None,
                _(
                    "Too many password reset requests. No e-mail was sent; "
                    "try again in %(minutes)d minutes."
                )
                % {"minutes": minutes},
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        services.account_password_set(
            user=form.user,
            password=form.cleaned_data["new_password1"],
            action="account.password_reset",
        )
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())
