"""The strict YAML reader refuses what the formats never need and what could cost a reader time
or memory: anchors, aliases (the "billion laughs" bomb) and documents above a size."""

from __future__ import annotations

import time

import pytest
from pxkit import HEAD

from parindex.core import FrameworkError, ParindexError, load_framework
from parindex.core.survey import SurveyError, load_questionnaire
from parindex.core.yamltext import MAX_YAML_BYTES, MAX_YAML_DEPTH, MAX_YAML_NODES, read_yaml


class ReadError(ParindexError):
    """The error class a caller hands to the reader."""


def read_error(text: str) -> ReadError:
    with pytest.raises(ReadError) as caught:
        read_yaml(text, "f.yaml", ReadError)
    return caught.value


def bomb(levels: int, width: int = 9) -> str:
    """The classic alias bomb: each level lists the previous one ``width`` times."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{aliases}]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_at_once_naming_the_line() -> None:
    """A bomb refused before any expansion. (This one expands to 9**6 scalars, enough to take
    seconds unguarded; the 440-byte bomb of nine levels took minutes and gigabytes.)"""
    text = bomb(5)
    assert len(text.encode()) < 500
    start = time.process_time()
    error = read_error(text)
    assert time.process_time() - start < 0.5
    assert "anchors (&name) and aliases (*name) are not supported" in error.message
    assert error.line == 1 and error.source == "f.yaml"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: 1\nb: &x 2\nc: 3\n", 2),  # an anchor on a scalar, never used
        ("a: &x [1, 2]\n", 1),  # an anchor on a sequence
        ("a:\n  - 1\n  - &m {k: v}\n", 3),  # an anchor on a mapping
        ("a: 1\nb:\n  - c\n  - *x\n", 4),  # an alias to no anchor (PyYAML: undefined alias)
        ("&top\na: 1\n", 1),  # an anchor on the document's root
        ("a: 1\n&k b: 2\n", 2),  # an anchor on a key
    ],
)
def test_anchors_and_aliases_are_refused_with_their_line(text: str, line: int) -> None:
    error = read_error(text)
    assert "anchors (&name) and aliases (*name) are not supported" in error.message
    assert error.line == line


def test_an_ampersand_or_asterisk_inside_text_is_text() -> None:
    value = read_yaml('a: "&x"\nb: R&D\nc: "*y"\nd: 2*3\n', "f.yaml", ReadError)
    assert dict(value) == {"a": "&x", "b": "R&D", "c": "*y", "d": "2*3"}  # type: ignore[arg-type]


def test_a_document_above_the_size_is_refused_before_parsing() -> None:
    assert MAX_YAML_BYTES == 2 * 1024 * 1024
    text = "a: " + "x" * MAX_YAML_BYTES + "\n"
    start = time.process_time()
    error = read_error(text)
    assert time.process_time() - start < 0.5
    assert "larger than" in error.message and "2 MB" in error.message
    assert error.source == "f.yaml"


def test_the_size_counts_bytes_not_characters() -> None:
    """Vietnamese letters take two or three bytes each in UTF-8."""
    text = "a: " + "ệ" * (MAX_YAML_BYTES // 3 + 1) + "\n"
    assert len(text) < MAX_YAML_BYTES < len(text.encode())
    assert "larger than" in read_error(text).message


def test_a_document_just_under_the_size_is_read() -> None:
    text = "a: " + "x" * (MAX_YAML_BYTES - 10) + "\n"
    assert len(text.encode()) <= MAX_YAML_BYTES
    value = read_yaml(text, "f.yaml", ReadError)
    assert len(value["a"]) == MAX_YAML_BYTES - 10  # type: ignore[call-overload]


def test_a_document_of_too_many_values_is_refused_at_the_one_too_many() -> None:
    """1.2 MB of ``{},`` is under the size limit, and took PyYAML minutes to read whole."""
    text = "format: x\nquestions: [" + "{}," * 400_000 + "{}]\n"
    assert len(text.encode()) < MAX_YAML_BYTES
    error = read_error(text)
    assert error.message == f"the file holds more than {MAX_YAML_NODES:,} values"
    assert error.line == 2


def test_a_document_of_as_many_values_as_allowed_is_read() -> None:
    values = MAX_YAML_NODES - 2  # the root mapping and its key
    text = "a: [" + ", ".join(["1"] * (values - 1)) + "]\n"
    assert len(read_yaml(text, "f.yaml", ReadError)["a"]) == values - 1  # type: ignore[call-overload]


@pytest.mark.parametrize("opening", ["[", "{a: "])
def test_flow_collections_nested_too_deep_are_refused(opening: str) -> None:
    """The scanner's cost grows with the square of the nesting: 200,000 brackets took seconds
    before the composer ran out of stack."""
    closing = "]" if opening == "[" else "}"
    text = "nodes: " + opening * 200_000 + "1" + closing * 200_000 + "\n"
    error = read_error(text)
    assert error.message == "not valid YAML: nested too deeply" and error.line == 1
    nested = "nodes: " + opening * (MAX_YAML_DEPTH - 1) + "1" + closing * (MAX_YAML_DEPTH - 1)
    assert read_yaml(nested + "\n", "f.yaml", ReadError)


def test_a_framework_bomb_is_a_framework_error() -> None:
    text = HEAD + "defaults:\n  " + bomb(5).replace("\n", "\n  ").rstrip() + "\nnodes: []\n"
    start = time.process_time()
    with pytest.raises(FrameworkError) as caught:
        load_framework(text, "fw.yaml")
    assert time.process_time() - start < 0.5
    assert "aliases" in str(caught.value) and caught.value.line == 6


def test_a_questionnaire_bomb_is_a_survey_error() -> None:
    text = "format: parindex.questionnaire/1\nx:\n  " + bomb(5).replace("\n", "\n  ").rstrip()
    start = time.process_time()
    with pytest.raises(SurveyError) as caught:
        load_questionnaire(text + "\n", "q.yaml")
    assert time.process_time() - start < 0.5
    assert "aliases" in str(caught.value) and caught.value.line == 3
