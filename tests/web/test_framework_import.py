"""Importing a framework file through the page: PAR administrators only, strict, immutable."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from parindex.accounts.models import Role
from parindex.frameworks.models import FrameworkNode, FrameworkVersion
from parindex.frameworks.services import framework_import

from .factories import FRAMEWORK_FILE, browse, framework_text, person

URL = "/frameworks/import/"
MAX_BYTES = 2 * 1024 * 1024


def upload(text: str | bytes, name: str = FRAMEWORK_FILE) -> dict[str, SimpleUploadedFile]:
    content = text.encode("utf-8") if isinstance(text, str) else text
    return {"file": SimpleUploadedFile(name, content, content_type="application/yaml")}


def shown_errors(html: str) -> list[str]:
    block = re.search(r'<div class="errors" role="alert">(.*?)</div>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", block.group(1)) if block else []


def field_errors(html: str) -> list[str]:
    block = re.search(r'<ul class="errorlist" id="id_file_error">(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", block.group(1)) if block else []


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("viewer", 403), ("editor_a", 403), ("editor_b", 403), ("admin", 200)],
)
def test_access(world, visit, persona: str, status: int) -> None:
    client = visit(persona)
    assert client.get(URL).status_code == status
    response = client.post(URL, upload(framework_text().replace('"2024"', '"2030"', 1)))
    if persona == "admin":
        assert response.status_code == 302
        assert FrameworkVersion.objects.filter(version="2030").exists()
    else:
        assert response.status_code == status
        assert not FrameworkVersion.objects.filter(version="2030").exists()
    if status == 302:
        assert response["Location"] == "/accounts/login/?next=/frameworks/import/"


def test_par_admin_role_without_superuser(db: None) -> None:
    client = browse(person("cchc", Role.PAR_ADMIN))
    assert client.get(URL).status_code == 200
    assert client.post(URL, upload(framework_text())).status_code == 302


def test_valid_upload_creates_a_version(admin) -> None:
    response = browse(admin).post(URL, upload(framework_text()), follow=True)
    version = FrameworkVersion.objects.get()
    assert response.redirect_chain == [(f"/frameworks/{version.pk}/", 302)]
    assert (version.code, version.version, version.source_name) == (
        "province-internal",
        "2024",
        FRAMEWORK_FILE,
    )
    assert version.source_text == framework_text()
    assert version.imported_by == admin
    assert FrameworkNode.objects.filter(version=version).count() > 60
    assert "Đã nhập bộ chỉ số province-internal phiên bản 2024." in response.content.decode()


def test_invalid_file_shows_where_and_creates_nothing(admin) -> None:
    text = framework_text().replace("    lead: SNV\n", "    lead: SNV\n    colour: red\n", 1)
    response = browse(admin).post(URL, upload(text, "sai.yaml"))
    assert response.status_code == 200
    errors = shown_errors(response.content.decode())
    assert errors == [
        f"sai.yaml:{line_of(text, 'colour: red')}, mục 1: khóa lạ &#x27;colour&#x27; "
        "(khóa mở rộng bắt đầu bằng &#x27;x-&#x27;)"
    ]
    assert not FrameworkVersion.objects.exists()
    assert not FrameworkNode.objects.exists()


def test_broken_yaml_names_the_line(admin) -> None:
    text = framework_text().replace("legal_basis:", "\tlegal_basis:", 1)
    response = browse(admin).post(URL, upload(text, "sai.yaml"))
    (error,) = shown_errors(response.content.decode())
    assert error.startswith(f"sai.yaml:{line_of(text, chr(9))}: không phải YAML hợp lệ")
    assert not FrameworkVersion.objects.exists()


def test_same_code_and_version_with_other_content_refused(admin) -> None:
    original = framework_import(text=framework_text(), source_name=FRAMEWORK_FILE)
    changed = framework_text().replace("max: 2.5", "max: 2.5 # sửa", 1)
    response = browse(admin).post(URL, upload(changed))
    (error,) = shown_errors(response.content.decode())
    assert "province-internal version 2024 already exists with different content" in error
    assert FrameworkVersion.objects.get().source_text == original.source_text


def test_same_file_twice_is_the_same_version(admin) -> None:
    client = browse(admin)
    first = client.post(URL, upload(framework_text()))
    second = client.post(URL, upload(framework_text()))
    assert first["Location"] == second["Location"]
    assert FrameworkVersion.objects.count() == 1


def test_file_over_2_mb_refused(admin) -> None:
    text = framework_text()
    padding = MAX_BYTES - 1 - len(text.encode("utf-8"))
    too_big = text + "#" + "x" * padding + "\n"
    assert len(too_big.encode("utf-8")) == MAX_BYTES + 1
    response = browse(admin).post(URL, upload(too_big))
    assert field_errors(response.content.decode()) == ["Tệp lớn hơn 2 MB."]
    assert not FrameworkVersion.objects.exists()


def test_file_of_exactly_2_mb_accepted(admin) -> None:
    text = framework_text()
    padding = MAX_BYTES - len(text.encode("utf-8")) - 2
    exact = text + "#" + "x" * padding + "\n"
    assert len(exact.encode("utf-8")) == MAX_BYTES
    assert browse(admin).post(URL, upload(exact)).status_code == 302
    assert FrameworkVersion.objects.count() == 1


@pytest.mark.parametrize(
    "content",
    ["# Bộ chỉ số\nformat: parindex.framework/1\n".encode("utf-16"), b"# R\xe9sum\xe9\n"],
    ids=["utf-16", "latin-1"],
)
def test_non_utf8_refused(admin, content: bytes) -> None:
    response = browse(admin).post(URL, upload(content))
    assert field_errors(response.content.decode()) == ["Tệp không phải văn bản UTF-8."]
    assert not FrameworkVersion.objects.exists()


def test_no_file(admin) -> None:
    response = browse(admin).post(URL, {})
    assert response.status_code == 200
    assert not FrameworkVersion.objects.exists()


def test_csrf_enforced(admin) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    assert client.post(URL, upload(framework_text())).status_code == 403
    assert not FrameworkVersion.objects.exists()
    client.get(URL)
    token = client.cookies["csrftoken"].value
    response = client.post(URL, {**upload(framework_text()), "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert FrameworkVersion.objects.count() == 1
