"""Fixtures of the evidence tests: a PDF of unit A and upload helpers. The isolated media
directory and the personas the evidence rules name (appraiser, council member, unit head) are
those of assessments_fixtures.py, imported here for the modules that still take them from here.

conftest.py makes the fixtures visible to every web test."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parindex.accounts.models import User
from parindex.evidence.models import Evidence
from parindex.evidence.services import evidence_upload

from . import evidence_samples as samples
from .assessments_fixtures import appraiser, council, head_a, media  # noqa: F401
from .factories import World


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
