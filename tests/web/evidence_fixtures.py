"""Fixtures of the evidence tests: an isolated media directory, the personas the evidence rules
name (appraiser, council member, unit head) beside those of conftest.py, and upload helpers.

Imported by the ``tests/web/test_evidence_*.py`` modules."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parindex.accounts.models import Role, User
from parindex.evidence.models import Evidence
from parindex.evidence.services import evidence_upload

from . import evidence_samples as samples
from .factories import World, person


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    """Every evidence test writes its blobs under its own temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def appraiser(world: World) -> User:
    """Appraiser of an area (province-wide reader of evidence)."""
    user = person("appraiser", Role.APPRAISER)
    user.roles.update(area="1")
    return user


@pytest.fixture
def council(world: World) -> User:
    return person("council", Role.COUNCIL)


@pytest.fixture
def head_a(world: World) -> User:
    """Head of unit A."""
    return person("head.a", Role.UNIT_HEAD, world.unit_a)


@pytest.fixture
def pdf_of_a(world: World, editor_a: User) -> Evidence:
    """A PDF of unit A with a Vietnamese file name."""
    return evidence_upload(
        file=upload(samples.pdf("Kế hoạch"), "Kế hoạch CCHC 2024.pdf"),
        unit=world.unit_a,
        user=editor_a,
        title="Kế hoạch cải cách hành chính năm 2024",
    )


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def stored_paths(media_root: Path) -> list[str]:
    """Every file under MEDIA_ROOT, relative, sorted."""
    if not media_root.exists():
        return []
    return sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())
