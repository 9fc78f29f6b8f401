"""Personal API tokens: created on the person's page and shown once, stored as a keyed hash
only, refused once expired, revoked (by their owner or the PAR administrator) or when their
owner is deactivated, throttled per token, and audited."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from web.factories import browse

from parindex.accounts import apitokens
from parindex.accounts.models import ApiToken
from parindex.audit.models import AuditEvent

from .conftest import ApiWorld, Caller

TOKEN = re.compile(r"pxi_[a-z2-9]{8}_[A-Za-z0-9_-]{43}")


def create_on_page(api: ApiWorld, who: str, **fields: str) -> tuple[object, str]:
    client = browse(api.people[who])
    data = {
        "name": "Cổng dịch vụ công",
        "access": "write",
        "unit": "",
        "expires_on": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
    } | fields
    response = client.post(reverse("accounts:tokens"), data)
    return response, response.content.decode()


def test_a_token_is_shown_once_and_stored_only_as_a_keyed_hash(api: ApiWorld) -> None:
    response, page = create_on_page(api, "editor_a")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    (text,) = set(TOKEN.findall(page))
    token = ApiToken.objects.get(user=api.people["editor_a"])
    secret = text.rsplit("_", 1)[1]
    assert text.startswith(token.prefix + "_")
    stored = " ".join(str(v) for v in ApiToken.objects.filter(pk=token.pk).values().get().values())
    assert secret not in stored and len(token.digest) == 64
    assert token.digest != apitokens._digest(secret, key="another key")  # keyed: not a bare hash
    again = browse(api.people["editor_a"]).get(reverse("accounts:tokens")).content.decode()
    assert token.prefix in again and not TOKEN.search(again)
    assert Caller(text).get("/assessments").status_code == 200


def test_creating_a_token_is_audited_and_never_records_the_secret(api: ApiWorld) -> None:
    _response, page = create_on_page(api, "editor_a", name="Hệ thống một cửa")
    (text,) = set(TOKEN.findall(page))
    event = AuditEvent.objects.get(action="api_token.create")
    assert event.actor == api.people["editor_a"]
    assert event.after["name"] == "Hệ thống một cửa" and event.after["access"] == "write"
    assert text.rsplit("_", 1)[1] not in str(event.after)


@pytest.mark.parametrize(
    ("fields", "refusal"),
    [
        ({"expires_on": "2000-01-01"}, "Ngày hết hạn phải sau hôm nay."),
        ({"expires_on": "2999-01-01"}, "Mã chỉ có hiệu lực tối đa một năm."),
        ({"name": "   "}, "Trường này là bắt buộc."),
    ],
)
def test_a_token_needs_a_name_and_an_expiry_within_a_year(
    api: ApiWorld, fields: dict[str, str], refusal: str
) -> None:
    response, page = create_on_page(api, "editor_a", **fields)
    assert response.status_code == 422
    assert refusal in page
    assert not ApiToken.objects.exists() and not TOKEN.search(page)


def test_a_token_is_limited_only_to_a_unit_its_owner_holds(api: ApiWorld) -> None:
    form_units = browse(api.people["editor_a"]).get(reverse("accounts:tokens")).content.decode()
    assert f'value="{api.unit_a.pk}"' in form_units
    assert f'value="{api.world.unit_b.pk}"' not in form_units
    response, _page = create_on_page(api, "editor_a", unit=str(api.world.unit_b.pk))
    assert response.status_code == 422 and not ApiToken.objects.exists()
    with pytest.raises(apitokens.TokenError):
        apitokens.token_create(
            user=api.people["editor_a"],
            name="x",
            access="read",
            unit=api.world.unit_b,
            expires_on=timezone.localdate() + datetime.timedelta(days=1),
        )


def test_the_longest_token_lives_a_year(api: ApiWorld) -> None:
    today = timezone.localdate()
    token, _text = apitokens.token_create(
        user=api.people["viewer"],
        name="x",
        access="read",
        unit=None,
        expires_on=today + datetime.timedelta(days=365),
    )
    assert token.expires_at - timezone.now() <= datetime.timedelta(days=366)


@pytest.mark.parametrize(
    "header",
    [
        "Bearer pxi_aaaaaaaa_" + "A" * 43,  # well formed, unknown
        "Bearer not-a-token",
        "Token pxi_aaaaaaaa_" + "A" * 43,  # another scheme
        "Bearer ",
    ],
)
def test_an_unknown_or_malformed_token_is_refused(api: ApiWorld, header: str) -> None:
    response = Caller(None).client.get("/api/v1/assessments", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_secret_with_a_real_id_is_refused(api: ApiWorld) -> None:
    text = api.token("editor_a")
    forged = text[:-1] + ("A" if text[-1] != "A" else "B")
    assert Caller(forged).get("/assessments").status_code == 401
    assert Caller(text).get("/assessments").status_code == 200


def test_a_public_read_with_a_bad_token_is_refused_rather_than_anonymous(api: ApiWorld) -> None:
    assert Caller(None).get("/frameworks").status_code == 200
    assert Caller("pxi_aaaaaaaa_" + "A" * 43).get("/frameworks").status_code == 401


def test_an_expired_token_is_refused(api: ApiWorld) -> None:
    text = api.token("viewer")
    assert Caller(text).get("/assessments").status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert Caller(text).get("/assessments").status_code == 401


def test_the_owner_revokes_a_token_on_the_page(api: ApiWorld) -> None:
    text = api.token("editor_a", "write")
    token = ApiToken.objects.get()
    response = browse(api.people["editor_a"]).post(
        reverse("accounts:token_revoke", args=[token.pk])
    )
    assert response.status_code == 302
    assert Caller(text).get("/assessments").status_code == 401
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.actor == api.people["editor_a"] and event.target_id == str(token.pk)


def test_nobody_revokes_somebody_elses_token_on_their_own_page(api: ApiWorld) -> None:
    text = api.token("editor_a")
    token = ApiToken.objects.get()
    other = browse(api.people["editor_b"]).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert other.status_code == 404
    assert Caller(text).get("/assessments").status_code == 200


def test_the_par_administrator_revokes_anyones_token(api: ApiWorld) -> None:
    text = api.token("editor_a")
    token = ApiToken.objects.get()
    owner = api.people["editor_a"]
    page = browse(api.people["par_admin"]).get(reverse("accounts:detail", args=[owner.pk]))
    assert token.prefix in page.content.decode()
    url = reverse("accounts:admin_token_revoke", args=[owner.pk, token.pk])
    assert browse(api.people["editor_b"]).post(url).status_code == 403
    assert browse(api.people["par_admin"]).post(url, {"reason": "Lộ mã"}).status_code == 302
    assert Caller(text).get("/assessments").status_code == 401
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.actor == api.people["par_admin"] and event.reason == "Lộ mã"


def test_a_deactivated_owners_tokens_stop_working(api: ApiWorld) -> None:
    text = api.token("editor_a")
    api.people["editor_a"].is_active = False
    api.people["editor_a"].save(update_fields=["is_active"])
    assert Caller(text).get("/assessments").status_code == 401


def test_the_api_reads_no_session_cookie(api: ApiWorld) -> None:
    """A browser signed in to the pages is anonymous to the API: only a token counts."""
    client = browse(api.people["viewer"])
    unpublished = f"/api/v1/cycles/{api.world.current.pk}/results"
    assert client.get(unpublished).status_code == 401
    assert client.get("/api/v1/assessments").status_code == 401


def test_use_is_recorded_at_most_once_a_minute(api: ApiWorld) -> None:
    text = api.token("viewer")
    Caller(text).get("/assessments")
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    Caller(text).get("/assessments")
    assert ApiToken.objects.get().last_used_at == first


def test_each_token_is_throttled_on_its_own(api: ApiWorld, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PARINDEX_API_RATE = "3/60"
    busy, calm = Caller(api.token("viewer")), Caller(api.token("viewer"))
    assert [busy.get("/frameworks").status_code for _ in range(3)] == [200, 200, 200]
    refused = busy.get("/frameworks")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 61
    assert calm.get("/frameworks").status_code == 200


def test_anonymous_callers_are_throttled_by_address(api: ApiWorld, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PARINDEX_API_ANON_RATE = "2/60"
    anonymous = Caller(None)
    assert [anonymous.get("/units").status_code for _ in range(3)] == [200, 200, 429]
    assert Caller(api.token("viewer")).get("/units").status_code == 200


def test_a_token_of_one_unit_narrows_a_copy_of_its_owner_never_the_account(api: ApiWorld) -> None:
    """A superuser who is also unit A's editor: a token of unit A acts without superuser powers
    or province-wide roles; the account itself keeps them, and the narrowed copy cannot be
    saved over it."""
    owner = api.people["par_admin"]
    owner.is_superuser = True
    owner.save(update_fields=["is_superuser"])
    owner.roles.create(role="unit_editor", unit=api.unit_a)
    token, text = apitokens.token_create(
        user=owner,
        name="x",
        access="read",
        unit=api.unit_a,
        expires_on=timezone.localdate() + datetime.timedelta(days=1),
    )
    narrowed = apitokens.acting_user(token)
    assert not narrowed.is_superuser and narrowed.pk == owner.pk
    with pytest.raises(RuntimeError):
        narrowed.save()
    owner.refresh_from_db()
    assert owner.is_superuser
    assert Caller(text).get(f"/cycles/{api.world.current.pk}/results").status_code == 403
    assert Caller(text).get(f"{api.unit_path()}/assessment").status_code == 200
