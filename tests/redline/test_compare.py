"""drafting.redline.compare: versions compared paragraph by paragraph, then word by word; hunks are what a
drafter would mark."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from drafting.model.version import VersionParagraph
from drafting.redline.compare import Hunk, compare, hunks
from drafting.redline.diff import Edit, Op, new_version, old_version

OLD = ("Endorse the draft Regional Cooperation Framework;", "Agree to meet again in 2013;",
       "Request UNHCR and IOM to support the process.")


def paragraphs(*texts: str) -> tuple[VersionParagraph, ...]:
    return tuple(VersionParagraph(None, t) for t in texts)


def test_identical_versions_have_no_change() -> None:
    diffs = compare(paragraphs(*OLD), paragraphs(*OLD))
    assert [(d.old, d.new, d.changed) for d in diffs] == [(0, 0, False), (1, 1, False), (2, 2, False)]


def test_an_inserted_and_a_deleted_paragraph() -> None:
    new = (OLD[0], "Welcome the offer of Kazakhstan to host the secretariat;", OLD[2])
    diffs = compare(paragraphs(*OLD), paragraphs(*new))
    assert [(d.old, d.new) for d in diffs if d.changed] == [(1, None), (None, 1)] or \
        [(d.old, d.new) for d in diffs if d.changed] == [(None, 1), (1, None)]
    assert all(not d.changed for d in diffs if d.old is not None and d.new is not None)


def test_a_word_change_inside_a_paragraph_is_one_replacement_hunk() -> None:
    new = (OLD[0], "Agree to meet again in 2014;", OLD[2])
    (changed,) = [d for d in compare(paragraphs(*OLD), paragraphs(*new)) if d.changed]
    assert (changed.old, changed.new) == (1, 1)
    assert hunks(changed.edits) == [Hunk(OLD[1].index("2013"), "2013", "2014")]


def test_ids_pair_paragraphs_whatever_their_order() -> None:
    old = (VersionParagraph("a", OLD[0]), VersionParagraph("b", OLD[1]))
    new = (VersionParagraph("b", OLD[1]), VersionParagraph("a", OLD[0] + " now"))
    diffs = compare(old, new)
    assert {(d.old, d.new) for d in diffs} == {(0, 1), (1, 0)}


def test_hunks_place_each_change_at_its_offset_in_the_old_text() -> None:
    edits = [Edit(Op.EQUAL, "Request "), Edit(Op.DELETE, "UNHCR"), Edit(Op.INSERT, "UNHCR, OSCE"),
             Edit(Op.EQUAL, " and IOM"), Edit(Op.INSERT, " jointly")]
    assert hunks(edits) == [Hunk(8, "UNHCR", "UNHCR, OSCE"), Hunk(len("Request UNHCR and IOM"), "", " jointly")]


words = st.lists(st.sampled_from(["the", "Conference", "urges", "calls", "upon", "States", "2013", ","]),
                 max_size=12).map(" ".join)


@given(st.lists(words, min_size=1, max_size=5), st.lists(words, min_size=1, max_size=5))
def test_each_paragraph_diff_rebuilds_both_texts(old: list[str], new: list[str]) -> None:
    """Applying every hunk to the old paragraph gives the new one; the edits spell both versions."""
    for d in compare(paragraphs(*old), paragraphs(*new)):
        before = old[d.old] if d.old is not None else ""
        after = new[d.new] if d.new is not None else ""
        assert old_version(list(d.edits)) == before and new_version(list(d.edits)) == after
        rebuilt, cursor = [], 0
        for h in hunks(d.edits):
            rebuilt.append(before[cursor:h.position] + h.new)
            cursor = h.position + len(h.old)
        assert "".join(rebuilt) + before[cursor:] == after
