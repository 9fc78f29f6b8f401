"""``manage.py audit_verify`` and ``parindex audit verify``: intact chains pass, and every kind of
tampering is reported at the first bad event with exit status 1."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from parindex import cli
from parindex.audit.services import audit_record
from parindex.audit.verify import verify_chain

from .helpers import delete_raw, tamper_after

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
