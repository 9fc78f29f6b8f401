"""``manage.py audit_verify`` and ``parindex audit verify``: intact chains pass, and every kind of
tampering is reported at the first bad event with exit status 1."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from parindex import cli
from parindex.audit.chain import chain_hash
from parindex.audit.keys import audit_key
from parindex.audit.models import AuditHead
from parindex.audit.services import audit_record
from parindex.audit.verify import verify_chain

from .helpers import delete_raw, rewrite_with, tamper_after, truncate_from

pytestmark = pytest.mark.django_db


def record(count: int) -> None:
    with transaction.atomic():
        for n in range(1, count + 1):
            audit_record(
                actor=None,
                action="answer.value",
                before={"value": str(n - 1)},
                after={"value": str(n)},
                reason=f"lần {n}",
                cycle_id=1,
                unit_id=1,
                leaf_code="1.1",
            )


def verify_fails(capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify")
    assert failure.value.returncode == 1
    return str(failure.value)


def test_intact_chain_passes(capsys: pytest.CaptureFixture[str]) -> None:
    record(5)
    call_command("audit_verify")
    assert capsys.readouterr().out.startswith("5 events, chain intact")


def test_empty_chain_passes(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("audit_verify")
    assert capsys.readouterr().out.startswith("0 events, chain intact")


def test_altered_after_value_fails_at_that_event(capsys: pytest.CaptureFixture[str]) -> None:
    record(5)
    tamper_after(3, {"value": "99"})
    message = verify_fails(capsys)
    assert "event #3" in message
    assert "hash mismatch" in message
    assert verify_chain().error.sequence == 3


def test_deleted_middle_event_fails_as_a_gap(capsys: pytest.CaptureFixture[str]) -> None:
    record(5)
    delete_raw(2)
    message = verify_fails(capsys)
    assert "event #3" in message
    assert "gap in sequence" in message and "#2 removed" in message


def test_deleted_first_event_fails(capsys: pytest.CaptureFixture[str]) -> None:
    record(3)
    delete_raw(1)
    message = verify_fails(capsys)
    assert "event #2" in message and "gap in sequence" in message


def test_deleted_last_event_fails_as_head_mismatch(capsys: pytest.CaptureFixture[str]) -> None:
    record(5)
    delete_raw(5)
    message = verify_fails(capsys)
    assert "event #5" in message
    assert "head mismatch" in message and "removed at the end" in message


def test_cli_exit_status_zero_when_intact(capsys: pytest.CaptureFixture[str]) -> None:
    record(2)
    assert cli.main(["audit", "verify"]) == 0
    assert "2 events, chain intact" in capsys.readouterr().out


def test_cli_exit_status_one_naming_the_bad_event(capsys: pytest.CaptureFixture[str]) -> None:
    record(4)
    tamper_after(2, {"value": "0"})
    assert cli.main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "event #2" in err and "hash mismatch" in err


def test_cli_usage_without_action_is_status_two() -> None:
    assert cli.main(["audit"]) == 2


def head_text() -> str:
    head = AuditHead.objects.get(pk=1)
    return f"{head.sequence}:{head.hash}"


def test_output_states_the_count_the_head_and_the_limits(
    capsys: pytest.CaptureFixture[str],
) -> None:
    record(3)
    head = head_text()
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert f"3 events, chain intact (head {head})" in out
    assert "Expected head: none given" in out
    assert "deletion of the newest events cannot be detected" in out
    assert "without the key" in out.lower()
    assert "keep the key off the database server" in out


def test_the_key_in_use_is_named(capsys: pytest.CaptureFixture[str], settings) -> None:
    call_command("audit_verify")
    assert "fixed development key" in capsys.readouterr().out
    settings.AUDIT_KEY = "k" * 40
    call_command("audit_verify")
    assert "PARINDEX_AUDIT_KEY" in capsys.readouterr().out


def test_expected_head_found_passes(capsys: pytest.CaptureFixture[str]) -> None:
    record(3)
    published = head_text()
    record(2)
    call_command("audit_verify", expect=published)
    out = capsys.readouterr().out
    assert out.startswith("5 events, chain intact")
    assert f"Expected head {published}: matched" in out


def test_deleting_the_newest_events_passes_plain_verify_but_fails_the_expected_head(
    capsys: pytest.CaptureFixture[str],
) -> None:
    record(5)
    published = head_text()
    truncate_from(4)
    # The documented limit: the rest of the chain links up and the head was rewound with it.
    call_command("audit_verify")
    assert capsys.readouterr().out.startswith("3 events, chain intact")
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify", expect=published)
    assert failure.value.returncode == 1
    message = str(failure.value)
    assert "event #5" in message
    assert "expected head #5 is not in the chain" in message and "ends at #3" in message
    out = capsys.readouterr().out
    assert f"Expected head {published}: NOT matched" in out


def test_a_rewrite_with_the_key_passes_plain_verify_but_fails_the_expected_head(
    capsys: pytest.CaptureFixture[str],
) -> None:
    record(4)
    published = head_text()
    tamper_after(2, {"value": "99"})
    key = audit_key().secret
    rewrite_with(lambda prev, fields: chain_hash(prev, fields, key))
    assert verify_chain().ok  # the documented limit: whoever holds the key can rewrite
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify", expect=published)
    assert failure.value.returncode == 1
    assert "event #4" in str(failure.value)
    assert "does not match the expected head" in str(failure.value)


def test_an_expected_head_that_is_not_a_head_is_a_usage_error() -> None:
    for text in ("nonsense", "3", "x:" + "a" * 64, "3:abc", "0:" + "a" * 64):
        with pytest.raises(CommandError) as failure:
            call_command("audit_verify", expect=text)
        assert failure.value.returncode == 2
        assert "<event number>:<hash>" in str(failure.value)


def test_cli_expect_exit_status_zero_when_matched(capsys: pytest.CaptureFixture[str]) -> None:
    record(2)
    published = head_text()
    assert cli.main(["audit", "verify", "--expect", published]) == 0
    out = capsys.readouterr().out
    assert "2 events, chain intact" in out and f"Expected head {published}: matched" in out


def test_cli_expect_exit_status_one_after_truncation(capsys: pytest.CaptureFixture[str]) -> None:
    record(3)
    published = head_text()
    truncate_from(3)
    assert cli.main(["audit", "verify"]) == 0
    capsys.readouterr()
    assert cli.main(["audit", "verify", "--expect", published]) == 1
    captured = capsys.readouterr()
    assert "expected head #3 is not in the chain" in captured.err
    assert "NOT matched" in captured.out


def test_cli_output_in_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    record(2)
    published = head_text()
    assert cli.main(["--lang", "vi", "audit", "verify", "--expect", published]) == 0
    out = capsys.readouterr().out
    assert "2 sự kiện, chuỗi nguyên vẹn" in out
    assert "khớp" in out
    truncate_from(2)
    assert cli.main(["--lang", "vi", "audit", "verify", "--expect", published]) == 1
    assert "không còn trong chuỗi" in capsys.readouterr().err
