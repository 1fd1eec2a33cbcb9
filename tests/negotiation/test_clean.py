"""Clean amendments (issue 13 item 4): no change whose old and new text are equal; one delegation's
fragments in one paragraph coalesce into the phrase a drafter would mark; the effect is never changed."""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from drafting import app as api
from drafting.model.document import Amendment, AmendmentKind
from drafting.negotiation.clean import _joinable, apply, coalesce, trim
from tests.negotiation import Base, new_workspace, untracked_docx_edit

WORDS = ["UNHCR", "and", "IOM", "the", "draft", "plan", ",", "OSCE", "States", "a"]


def fragment(position: int, old: str, new: str, *, delegation: str = "Kazakhstan", tracked: bool = False,
             paragraph: str = "p") -> Amendment:
    kind = AmendmentKind.REPLACE if old and new else AmendmentKind.DELETE if old else AmendmentKind.INSERT
    return Amendment(f"A{position}{old}{new}", delegation, paragraph, kind, old, new, position, None, tracked)


def test_the_phrase_edit_of_the_issue_becomes_one_replacement() -> None:
    text = "Request UNHCR and IOM to support"
    fragments = [fragment(13, "", ", IOM"), fragment(18, "IOM", "OSCE")]
    assert apply(text, fragments) == "Request UNHCR, IOM and OSCE to support"
    [clean] = coalesce(fragments, {"p": text})
    assert (clean.kind, clean.old, clean.new, clean.position) == (
        AmendmentKind.REPLACE, " and IOM", ", IOM and OSCE", 13)
    assert apply(text, [clean]) == "Request UNHCR, IOM and OSCE to support"


def test_a_replacement_by_the_same_text_is_no_amendment_and_shared_words_are_trimmed() -> None:
    text = "Endorse the draft plan"
    assert coalesce([fragment(8, "the", "the")], {"p": text}) == []
    [clean] = coalesce([fragment(8, "the draft plan", "the revised plan")], {"p": text})
    assert (clean.old, clean.new, clean.position) == ("draft", "revised", 12)
    assert trim(fragment(0, "drafts", "draft")) == fragment(0, "drafts", "draft")  # words are not split


def test_fragments_of_different_delegations_or_far_apart_stay_apart() -> None:
    text = "one two three four five six"
    far = [fragment(0, "one", "1"), fragment(24, "six", "6")]
    assert len(coalesce(far, {"p": text})) == 2
    others = [fragment(0, "one", "1"), fragment(4, "two", "2", delegation="Tajikistan")]
    assert len(coalesce(others, {"p": text})) == 2
    mixed = [fragment(0, "one", "1"), fragment(4, "two", "2", tracked=True)]
    assert len(coalesce(mixed, {"p": text})) == 2


@st.composite
def edit_scripts(draw: st.DrawFn) -> tuple[str, list[Amendment]]:
    """A text of words and one delegation's random non-overlapping edits of it (inserts, deletes, replaces,
    some of them replacing words by themselves)."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=14))
    text = " ".join(words)
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=12))))
    fragments = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        old = text[start:end]
        new = draw(st.one_of(st.just(old), st.sampled_from(["", "X", "IOM", " and ", "OSCE,"])))
        if old or new:
            fragments.append(fragment(start, old, new))
    return text, fragments


@given(edit_scripts())
def test_coalescing_never_changes_the_effect_and_leaves_nothing_to_merge(script: tuple[str, list[Amendment]]) -> None:
    text, fragments = script
    clean = coalesce(fragments, {"p": text})
    assert apply(text, clean) == apply(text, fragments)
    assert all(a.old != a.new for a in clean)
    assert all(text[a.position:a.position + len(a.old)] == a.old for a in clean)
    ordered = sorted(clean, key=lambda a: a.position)
    for a, b in itertools.pairwise(ordered):
        assert a.position + len(a.old) <= b.position  # no overlap
        assert not _joinable(text, a, b)  # and nothing left that should have been one phrase
    assert len(clean) <= len(fragments)


def test_an_untracked_phrase_edit_in_a_returned_docx_is_one_amendment(base: Base, tmp_path: Path) -> None:
    ws = new_workspace(tmp_path / "ws", base)
    edited = untracked_docx_edit(base.docx, tmp_path / "kaz.docx", "UNHCR and IOM", "UNHCR, IOM and OSCE")
    assert api.submit(ws, "KAZ", edited).amendments == 1
    [found] = [a for p in api.status_report(ws)["paragraphs"] for a in p["amendments"]]
    assert (found["number"], found["kind"], found["old"], found["new"]) == ("KAZ/1", "replace", " and IOM",
                                                                            ", IOM and OSCE")
