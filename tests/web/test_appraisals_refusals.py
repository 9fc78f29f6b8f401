"""An appraisal action the workflow's table refuses is explained in the reader's language, with
the action's, the state's and the roles' labels (the core's own message is English)."""

from __future__ import annotations

from django.utils import translation

from parindex.accounts.models import Role, RoleAssignment
from parindex.appraisals import services
from parindex.appraisals.services.state import workflow_refusal
from parindex.core.workflow import Action, State

from . import appraisals_fixtures as fx
from .appraisals_fixtures import Appraisal, visitor
from .confirming import confirmed_post
from .english_fragments import assert_no_english
from .factories import person

appraisal = fx.appraisal


def test_each_refusal_in_both_languages() -> None:
    with translation.override("vi"):
        assert workflow_refusal(State.IN_APPRAISAL, Action.RELEASE, {Role.VIEWER}) == (
            "Chỉ người có vai trò Quản trị CCHC (Sở Nội vụ) mới được "
            "“chuyển kết quả thẩm định cho đơn vị”."
        )
        assert workflow_refusal(State.DRAFT, Action.RELEASE, {Role.PAR_ADMIN}) == (
            "Không thể “chuyển kết quả thẩm định cho đơn vị” khi hồ sơ đang ở trạng thái "
            "“Đang tự đánh giá”."
        )
        assert workflow_refusal(State.REPLIED, Action.RETURN_AGAIN, {Role.PAR_ADMIN}) == (
            "Thao tác “yêu cầu giải trình thêm một vòng” cần ghi rõ lý do."
        )
        several = workflow_refusal(State.SUBMITTED, Action.START_APPRAISAL, set())
        assert "Thành viên tổ thẩm định hoặc Quản trị CCHC (Sở Nội vụ)" in several
    with translation.override("en"):
        assert workflow_refusal(State.IN_APPRAISAL, Action.RELEASE, {Role.VIEWER}) == (
            "Only a person with the role PAR administrator may “release the appraisal to the unit”."
        )


def test_refused_release_shows_a_vietnamese_message(appraisal: Appraisal) -> None:
    """An administrator whose PAR role is recorded against a unit (an import mistake) reaches
    the release, which the workflow refuses for lack of the province-wide role."""
    ap = appraisal
    fx.adjust_and_flag(ap)
    fx.accept_all(ap, ap.a)
    misfiled = person("admin.misfiled", Role.VIEWER)
    RoleAssignment.objects.create(user=misfiled, role=Role.PAR_ADMIN, unit=ap.world.unit_b)
    client = visitor(ap, "viewer")
    client.force_login(misfiled)
    response = confirmed_post(client, ap.unit_url("release"), follow=True)
    html = response.content.decode()
    assert "Chỉ người có vai trò Quản trị CCHC (Sở Nội vụ) mới được" in html
    assert "chuyển kết quả thẩm định cho đơn vị" in html
    assert_no_english(html)
    ap.a.refresh_from_db()
    assert ap.a.state == State.IN_APPRAISAL  # nothing moved


def test_the_service_raises_the_translated_message(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.adjust_and_flag(ap)
    fx.accept_all(ap, ap.a)
    with translation.override("vi"):
        try:
            services.assessment_release(assessment=ap.a, actor=ap.viewer)
        except services.AppraisalError as exc:
            assert exc.message.startswith("Chỉ người có vai trò Quản trị CCHC")
        else:  # pragma: no cover - the viewer may not release
            raise AssertionError("the release was not refused")
