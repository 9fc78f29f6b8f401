"""``notify``: in-app rows for every recipient, one e-mail per recipient with an address, sent
only after the caller's transaction commits, in Vietnamese."""

from __future__ import annotations

import pytest
from django.db import transaction

from parindex.accounts.models import User
from parindex.notifications.models import Notification
from parindex.notifications.services import notification_mark_read, notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> list[User]:
    return [
        User.objects.create_user(username="lan", email="lan@example.org", full_name="Trần Thị Lan"),
        User.objects.create_user(username="minh", email="minh@example.org"),
        User.objects.create_user(username="no.mail", email=""),
    ]


def test_rows_for_all_and_one_email_per_address(
    people: list[User], django_capture_on_commit_callbacks, mailoutbox
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = notify(
            recipients=people,
            verb="assessment.due",
            message="Hạn nộp tự đánh giá: 15/01/2025",
            url="/assessments/3/",
        )
    assert len(callbacks) == 1
    assert [n.recipient for n in created] == people
    assert Notification.objects.filter(read_at__isnull=True).count() == 3
    assert sorted(m.to[0] for m in mailoutbox) == ["lan@example.org", "minh@example.org"]
    assert all(len(m.to) == 1 for m in mailoutbox)


def test_email_is_vietnamese_with_an_absolute_link(
    people: list[User], django_capture_on_commit_callbacks, mailoutbox, settings
) -> None:
    settings.SITE_URL = "https://cchc.example.gov.vn"
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=people[:1],
            verb="assessment.due",
            message="Hạn nộp: 15/01/2025",
            url="/assessments/3/",
        )
    (mail,) = mailoutbox
    assert mail.subject == "Chỉ số CCHC: Hạn nộp: 15/01/2025"
    assert mail.body.startswith("Kính gửi Trần Thị Lan,")
    assert "Hạn nộp: 15/01/2025" in mail.body
    assert "https://cchc.example.gov.vn/assessments/3/" in mail.body
    assert "Thư này được gửi tự động" in mail.body


def test_no_email_before_commit_nor_after_rollback(
    people: list[User], django_capture_on_commit_callbacks, mailoutbox
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=people, verb="x", message="m")
        assert mailoutbox == []
    assert len(callbacks) == 1  # waiting for the commit
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(recipients=people, verb="x", message="rolled back")
        raise RuntimeError("the caller's change failed")
    assert callbacks == []
    assert not Notification.objects.filter(message="rolled back").exists()
    assert mailoutbox == []


def test_email_false_sends_nothing(
    people: list[User], django_capture_on_commit_callbacks, mailoutbox
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(recipients=people, verb="x", message="m", email=False)
    assert callbacks == [] and mailoutbox == []
    assert Notification.objects.count() == 3


def test_a_recipient_listed_twice_is_notified_once(
    people: list[User], django_capture_on_commit_callbacks, mailoutbox
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(recipients=[people[0], people[0]], verb="x", message="m")
    assert len(created) == 1 and len(mailoutbox) == 1


def test_unsafe_links_are_refused(people: list[User]) -> None:
    with pytest.raises(ValueError, match="url"):
        notify(recipients=people, verb="x", message="m", url="javascript:alert(1)")
    assert not Notification.objects.exists()


def test_mark_read_own_only_keeping_the_first_time(people: list[User]) -> None:
    (mine,) = notify(recipients=people[:1], verb="x", message="m", email=False)
    with pytest.raises(Notification.DoesNotExist):
        notification_mark_read(user=people[1], notification_id=mine.pk)
    mine.refresh_from_db()
    assert mine.read_at is None
    notification_mark_read(user=people[0], notification_id=mine.pk)
    mine.refresh_from_db()
    first = mine.read_at
    assert first is not None
    notification_mark_read(user=people[0], notification_id=mine.pk)
    mine.refresh_from_db()
    assert mine.read_at == first
