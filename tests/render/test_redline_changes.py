"""render.redline._changes: the one-pass way for already-normalised paragraph text gives exactly what the
general, character-by-character way gives."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drafting.conventions.identity import normalise_text
from drafting.model.version import VersionParagraph
from drafting.ooxml.tracked.write import Change
from drafting.redline.compare import compare
from drafting.render import redline

WORDS = st.sampled_from(["States", "the", "Conference", "é", "e\u0301", "q\u0303", "«", "»", "1.", "co-operation",
                         "\u00a0", "x\u0301\u0323", "Ω", "ﬁ"])


def both_ways(old: str, new: str, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Change], list[Change]]:
    diffs = [d for d in compare([VersionParagraph(None, old)], [VersionParagraph(None, new)]) if d.old is not None]
    assert len(diffs) == 1
    fast = redline._changes(diffs[0], old)
    with monkeypatch.context() as patch:
        patch.setattr(redline, "_changes_of_normal", lambda diff, raw: None)
        general = redline._changes(diffs[0], old)
    return fast, general


@given(st.lists(WORDS, min_size=1, max_size=12), st.lists(WORDS, min_size=1, max_size=12))
def test_the_one_pass_way_agrees_with_the_general_way(old_words: list[str], new_words: list[str]) -> None:
    old = normalise_text(" ".join(old_words))
    new = " ".join(new_words)
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, general = both_ways(old, new, monkeypatch)
    assert fast == general


def test_a_typical_edit_takes_the_one_pass_way(monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = "Urges all States to act;", "Urges all Member States to act now;"
    [diff] = compare([VersionParagraph(None, old)], [VersionParagraph(None, new)])
    assert redline._changes_of_normal(diff, old) is not None
    fast, general = both_ways(old, new, monkeypatch)
    assert fast == general
    assert "".join(c.text for c in fast if c.op != "insert") == old
    assert "".join(c.text for c in fast if c.op != "delete") == new
