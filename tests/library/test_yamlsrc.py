"""Strict YAML: every scalar a string with its line; anchors, tags, duplicates and control characters refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drafting.errors import DraftingInputError
from drafting.library.yamlsrc import MAX_DEPTH, YList, YMap, YStr, load_yaml


def test_values_are_strings_that_know_their_lines():
    root = load_yaml(b"a: 1\nb:\n  - yes\n  - 2012-09-07\nc: no\nd:\ne: ''\n", "f.yaml")
    assert isinstance(root, YMap) and root.line == 1
    assert root["a"] == "1" and root["a"].line == 1
    assert root["b"] == ["yes", "2012-09-07"] and isinstance(root["b"], YList) and root["b"].line == 3
    assert [item.line for item in root["b"]] == [3, 4]
    assert root["c"] == "no" and isinstance(root["c"], YStr)
    assert root["d"] == ""
    assert root["e"] == ""
    assert root.key_line("c") == 5


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (b"a: &x 1\nb: *x\n", 1, "anchors and aliases are not allowed"),
        (b"a: 1\nb: *x\n", 2, "anchors and aliases are not allowed"),
        (b"- !!python/object:os.system x\n", 1, "YAML tag tag:yaml.org,2002:python/object:os.system"),
        (b"a:\n  - !custom {b: 1}\n", 2, "YAML tag !custom is not allowed"),
        (b"a: 1\na: 2\n", 2, "duplicate key 'a'"),
        (b"? [a]\n: 1\n", 1, "mapping keys must be plain text"),
        (b"a: 1\n---\nb: 2\n", 2, "only one YAML document per file"),
        (b"a: [1, 2\n", 2, "YAML syntax: a list in [ ] that is not closed"),
        (b"a: 1\nb: \xff\n", 2, "not valid UTF-8"),
        (b"a: 1\n\nb: x\x07y\n", 3, "control character U+0007"),
        (b"a: \x7f\n", 1, "control character U+007F"),
    ],
)
def test_refusals_name_the_line(data, line, message):
    with pytest.raises(DraftingInputError) as caught:
        load_yaml(data, "f.yaml")
    assert message in str(caught.value)
    assert caught.value.line == line


def test_nesting_is_capped():
    deep = b"a: " + b"[" * (MAX_DEPTH + 5) + b"]" * (MAX_DEPTH + 5) + b"\n"
    with pytest.raises(DraftingInputError, match="nesting deeper than"):
        load_yaml(deep, "f.yaml")


def test_tabs_carriage_returns_and_a_bom_are_text():
    assert load_yaml("\ufeffa: \"x\ty\"\r\nb: 2\r\n".encode(), "f.yaml") == {"a": "x\ty", "b": "2"}


control = st.sampled_from([chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]])


@given(st.lists(st.text(alphabet="abc xyz:", max_size=12), min_size=1, max_size=12), st.data())
def test_a_control_character_is_reported_on_its_own_line(rows, data):
    """Wherever a control character sits, the error names the line it is on."""
    at = data.draw(st.integers(0, len(rows) - 1))
    rows[at] = rows[at] + data.draw(control)
    with pytest.raises(DraftingInputError, match="control character") as caught:
        load_yaml("\n".join(rows).encode(), "f.yaml")
    assert caught.value.line == at + 1
