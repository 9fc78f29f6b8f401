"""No lost work: two people editing the same leaf. The second save, made from a stale version,
gets a 409 conflict showing the other person's value and name; nothing is overwritten."""

from __future__ import annotations

from parindex.accounts.models import Role
from parindex.audit.models import AuditEvent
from parindex.results.models import Answer

from .assessments_fixtures import HX, Open
from .factories import browse, person


def test_two_editors_the_second_stale_save_gets_409_with_the_other_value(
    opened: Open, editor_a
) -> None:
    colleague = person("editor.a2", Role.UNIT_EDITOR, opened.a.unit)
    first, second = browse(editor_a), browse(colleague)
    # Both open the page: the leaf has no answer yet (version 0).
    assert 'name="version" value="0"' in first.get(opened.url("page")).content.decode()
    assert 'name="version" value="0"' in second.get(opened.url("page")).content.decode()
    url = opened.leaf_url("1.1.2")
    saved = first.post(url, {"numerator": "45", "denominator": "50", "version": "0"}, **HX)
    assert saved.status_code == 200
    stale = second.post(url, {"numerator": "30", "denominator": "50", "version": "0"}, **HX)
    assert stale.status_code == 409
    body = stale.content.decode()
    assert "«45/50»" in body  # the other person's value
    assert str(editor_a) in body  # and who saved it
    assert "«30/50»" in body  # the value that was not saved, offered to keep
    # Nothing was overwritten, no event for the refused save.
    answer = Answer.objects.get(cycle=opened.cycle, unit=opened.a.unit, leaf_code="1.1.2")
    assert (answer.value, answer.version, answer.updated_by) == ("45/50", 1, editor_a)
    assert AuditEvent.objects.filter(action="answer.value", leaf_code="1.1.2").count() == 1
    # The conflict fragment carries the current version: keeping one's value is a deliberate
    # second save.
    assert 'name="version" value="1"' in body and 'name="raw" value="30/50"' in body
    kept = second.post(url, {"raw": "30/50", "version": "1"}, **HX)
    assert kept.status_code == 200
    answer.refresh_from_db()
    assert (answer.value, answer.version, answer.updated_by) == ("30/50", 2, colleague)
    # And now the first editor is the stale one.
    again = first.post(url, {"numerator": "50", "denominator": "50", "version": "1"}, **HX)
    assert again.status_code == 409 and "«30/50»" in again.content.decode()


def test_a_stale_save_of_the_same_value_is_not_a_conflict(opened: Open, editor_a, head_a) -> None:
    url = opened.leaf_url("1.2")
    assert browse(editor_a).post(url, {"value": "1", "version": "0"}, **HX).status_code == 200
    assert browse(head_a).post(url, {"value": "1", "version": "0"}, **HX).status_code == 200
    assert Answer.objects.get(cycle=opened.cycle, leaf_code="1.2").version == 1


def test_conflict_without_javascript_is_a_409_page_with_the_other_value(
    opened: Open, editor_a, head_a
) -> None:
    url = opened.leaf_url("1.1.1")
    browse(editor_a).post(url, {"value": "dung_han", "version": "0"})
    response = browse(head_a).post(url, {"value": "cham", "version": "0"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "«dung_han»" in body and "<html" in body
