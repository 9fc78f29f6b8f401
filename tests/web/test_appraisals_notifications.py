"""Who hears of each step of the appraisal (in-app and by e-mail once the step commits): the
unit's editors and head of the release (naming the leaves to explain), of another round and of
the closed round; the area's appraisers and the administrators of the unit's replies; the
council and the administrators of an approval or a reopening."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db.models import Value
from django.db.models.functions import Concat

from parindex.accounts.models import User
from parindex.appraisals import services
from parindex.notifications.models import Notification

from . import appraisals_fixtures as fx
from .appraisals_fixtures import CHOICE_LEAF, RATIO_LEAF, Appraisal


@pytest.fixture(autouse=True)
def addresses(appraisal: Appraisal) -> None:
    """Everybody has an e-mail address: ``<username>@example.vn``."""
    User.objects.update(email=Concat("username", Value("@example.vn")))


def told(verb: str) -> dict[str, str]:
    """username → message of the in-app notifications with ``verb``."""
    return {
        n.recipient.username: n.message
        for n in Notification.objects.filter(verb=verb).select_related("recipient")
    }


def mailed() -> dict[str, str]:
    """address → subject and body of each e-mail sent."""
    return {m.to[0]: f"{m.subject}\n{m.body}" for m in mail.outbox}


def test_releasing_the_round_tells_the_units_editor_and_head_which_leaves_to_explain(
    appraisal: Appraisal, django_capture_on_commit_callbacks
) -> None:
    ap = appraisal
    fx.adjust_and_flag(ap)
    fx.accept_all(ap, ap.a)
    # The flag and the adjustment stay hidden until the release: nobody heard of them yet.
    assert not Notification.objects.filter(recipient__in=[ap.editor_a, ap.head_a]).exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_release(assessment=ap.a, actor=ap.admin)
    released = told("appraisal_released")
    # The unit's people (the conflicted appraiser is also an editor of unit A), nobody else.
    assert set(released) == {"head.a", "editor.a", "appraiser.snv"}
    for message in released.values():
        assert f"({CHOICE_LEAF}, {RATIO_LEAF})" in message
        assert "2 tiêu chí cần đơn vị giải trình" in message
    emails = mailed()
    assert set(emails) == {"head.a@example.vn", "editor.a@example.vn", "appraiser.snv@example.vn"}
    assert RATIO_LEAF in emails["head.a@example.vn"]
    assert ap.unit_url() in emails["editor.a@example.vn"]
    assert Notification.objects.get(recipient=ap.head_a).url == ap.unit_url()


def test_an_email_waits_for_the_commit(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.adjust_and_flag(ap)
    fx.accept_all(ap, ap.a)
    mail.outbox.clear()
    services.assessment_release(assessment=ap.a, actor=ap.admin)  # the test never commits
    assert "head.a" in told("appraisal_released")
    assert mail.outbox == []


def test_sending_replies_tells_the_areas_appraisers_and_the_administrators(
    appraisal: Appraisal, django_capture_on_commit_callbacks
) -> None:
    ap = appraisal
    fx.released(ap)
    services.reply_save(
        assessment=ap.a, leaf_code=CHOICE_LEAF, agrees=True, reason="", actor=ap.editor_a
    )
    services.reply_save(
        assessment=ap.a,
        leaf_code=RATIO_LEAF,
        agrees=False,
        reason="Đã hoàn thành 100% nhiệm vụ.",
        evidence=[fx.reference_of(ap.a, ap.editor_a)],
        actor=ap.editor_a,
    )
    assert not told("explanation_sent")  # drafts tell nobody
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.replies_send(assessment=ap.a, actor=ap.editor_a)
    sent = told("explanation_sent")
    # Area 1's appraisers (both leaves are of area 1; the conflicted appraiser is assigned to
    # area 1 too) and the administrator; not area 2's appraiser, not the council.
    assert set(sent) == {"admin", "appraiser", "appraiser.snv"}
    assert all(ap.a.unit.name in m and "(vòng 1)" in m for m in sent.values())
    assert set(mailed()) == {"admin@example.vn", "appraiser@example.vn", "appraiser.snv@example.vn"}


def test_closing_the_round_tells_the_unit(
    appraisal: Appraisal, django_capture_on_commit_callbacks
) -> None:
    ap = appraisal
    fx.replied(ap)
    services.leaf_settle(
        assessment=ap.a,
        leaf_code=RATIO_LEAF,
        outcome="keep",
        reason="Giữ kết quả thẩm định.",
        actor=ap.appraiser,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.round_close(assessment=ap.a, actor=ap.appraiser)
    assert set(told("explanation_closed")) == {"head.a", "editor.a", "appraiser.snv"}
    assert {"head.a@example.vn", "editor.a@example.vn"} <= set(mailed())


def test_returning_for_another_round_tells_the_unit_why(
    appraisal: Appraisal, django_capture_on_commit_callbacks
) -> None:
    ap = appraisal
    fx.replied(ap)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.round_return(assessment=ap.a, actor=ap.admin, reason="Bổ sung báo cáo quý IV.")
    returned = told("appraisal_returned")
    assert set(returned) == {"head.a", "editor.a", "appraiser.snv"}
    assert all("Bổ sung báo cáo quý IV." in m for m in returned.values())
    assert "Bổ sung báo cáo quý IV." in mailed()["head.a@example.vn"]


def test_approving_and_reopening_tell_the_council_and_the_administrators(
    appraisal: Appraisal, django_capture_on_commit_callbacks
) -> None:
    ap = appraisal
    fx.all_appraised(ap)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cycle_approve(cycle=ap.cycle, actor=ap.council)
    assert set(told("results_approved")) == {"admin", "council"}
    assert set(mailed()) == {"admin@example.vn", "council@example.vn"}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cycle_reopen(cycle=ap.cycle, actor=ap.council, reason="Sai số liệu của STP.")
    reopened = told("results_reopened")
    assert set(reopened) == {"admin", "council"}
    assert all("Sai số liệu của STP." in m for m in reopened.values())
    assert set(mailed()) == {"admin@example.vn", "council@example.vn"}


def test_a_refused_step_tells_nobody(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.adjust_and_flag(ap)  # other leaves still untouched: the release is refused
    with pytest.raises(services.AppraisalError):
        services.assessment_release(assessment=ap.a, actor=ap.admin)
    assert not Notification.objects.filter(verb="appraisal_released").exists()
