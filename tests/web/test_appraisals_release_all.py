"""Releasing every ready unit at once: each unit is released on its own, a unit the release
refuses when its turn comes (its state changed since the units were counted, say) is left as it
was and named on the page with the reason, in Vietnamese, and the others are released all the
same. Never a server error."""

from __future__ import annotations

import pytest

from parindex.appraisals import services
from parindex.appraisals.models import AppraisalRound
from parindex.appraisals.services import explanation
from parindex.assessments.models import Assessment
from parindex.audit.models import AuditEvent
from parindex.core.workflow import State

from . import appraisals_fixtures as fx
from .appraisals_fixtures import Appraisal, visitor
from .confirming import confirmed_post
from .english_fragments import assert_no_english

appraisal = fx.appraisal


def both_ready(ap: Appraisal) -> None:
    """Unit A adjusted, flagged and the rest accepted; unit B accepted whole."""
    fx.adjust_and_flag(ap)
    fx.accept_all(ap, ap.a)
    fx.accept_all(ap, ap.b)
    ap.refresh()
    assert ap.a.state == ap.b.state == State.IN_APPRAISAL


@pytest.fixture
def b_released_meanwhile(appraisal: Appraisal, monkeypatch: pytest.MonkeyPatch) -> Appraisal:
    """Somebody else releases unit B after the units were counted and before its turn (the
    per-unit release of B then finds it returned, under its row lock)."""
    real = explanation.assessment_release

    def racing(*, assessment: Assessment, **kwargs: object) -> Assessment:
        if assessment.pk == appraisal.b.pk:
            Assessment.objects.filter(pk=assessment.pk).update(state=State.RETURNED)
        return real(assessment=assessment, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(explanation, "assessment_release", racing)
    return appraisal


def release_events(assessment: Assessment) -> int:
    return AuditEvent.objects.filter(
        action__in=["assessment.release", "assessment.finish"], unit_id=assessment.unit_id
    ).count()


def test_every_ready_unit_is_released(appraisal: Appraisal) -> None:
    ap = appraisal
    both_ready(ap)
    result = services.appraisals_release_all(cycle=ap.cycle, actor=ap.admin)
    assert [a.unit.code for a in result.released] == sorted([ap.a.unit.code, ap.b.unit.code])
    assert result.refused == []
    ap.refresh()
    assert (ap.a.state, ap.b.state) == (State.RETURNED, State.APPRAISED)


def test_a_unit_changed_in_between_is_reported_and_the_others_released(
    b_released_meanwhile: Appraisal,
) -> None:
    ap = b_released_meanwhile
    both_ready(ap)
    result = services.appraisals_release_all(cycle=ap.cycle, actor=ap.admin)
    assert [a.pk for a in result.released] == [ap.a.pk]
    assert [(a.pk, reason) for a, reason in result.refused] == [
        (
            ap.b.pk,
            f"Chỉ hồ sơ đang thẩm định mới được chuyển kết quả ({ap.b.unit.name} không ở "
            "trạng thái này).",
        )
    ]
    ap.refresh()
    assert ap.a.state == State.RETURNED
    assert AppraisalRound.objects.filter(assessment=ap.a).count() == 1
    # unit B: as the other change left it, and nothing of this release
    assert ap.b.state == State.RETURNED
    assert not AppraisalRound.objects.filter(assessment=ap.b).exists()
    assert release_events(ap.b) == 0
    assert release_events(ap.a) == 1


def test_the_page_names_the_unit_left_and_why_in_vietnamese(
    b_released_meanwhile: Appraisal,
) -> None:
    ap = b_released_meanwhile
    both_ready(ap)
    client = visitor(ap, "admin")
    response = confirmed_post(client, ap.url("release_all"))
    assert response.status_code == 302
    assert response["Location"] == ap.url("tracking")
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Đã chuyển kết quả cho 1 đơn vị." in html
    assert (
        f"Chưa chuyển kết quả thẩm định cho {ap.b.unit.name}: Chỉ hồ sơ đang thẩm định mới được "
        f"chuyển kết quả ({ap.b.unit.name} không ở trạng thái này)."
    ) in html
    assert_no_english(html)
    ap.refresh()
    assert ap.a.state == State.RETURNED


def test_when_every_unit_is_refused_nothing_moves_and_the_page_says_why(
    appraisal: Appraisal, monkeypatch: pytest.MonkeyPatch
) -> None:
    ap = appraisal
    both_ready(ap)

    def refuse(*, assessment: Assessment, **kwargs: object) -> Assessment:
        raise services.AppraisalError(f"{assessment.unit.name}: từ chối")

    monkeypatch.setattr(explanation, "assessment_release", refuse)
    response = confirmed_post(visitor(ap, "admin"), ap.url("release_all"), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Chưa chuyển kết quả thẩm định cho {ap.a.unit.name}: {ap.a.unit.name}: từ chối" in html
    assert f"Chưa chuyển kết quả thẩm định cho {ap.b.unit.name}" in html
    assert "Đã chuyển kết quả cho" not in html
    ap.refresh()
    assert ap.a.state == ap.b.state == State.IN_APPRAISAL


def test_a_refusal_of_the_whole_release_reads_on_the_page(
    appraisal: Appraisal, monkeypatch: pytest.MonkeyPatch
) -> None:
    ap = appraisal
    both_ready(ap)

    def refuse(**kwargs: object) -> services.ReleaseAll:
        raise services.AppraisalError("Kỳ đánh giá đang bị khóa.")

    monkeypatch.setattr(services, "appraisals_release_all", refuse)
    response = confirmed_post(visitor(ap, "admin"), ap.url("release_all"), follow=True)
    assert response.status_code == 200
    assert "Kỳ đánh giá đang bị khóa." in response.content.decode()
    ap.refresh()
    assert ap.a.state == ap.b.state == State.IN_APPRAISAL
