"""Inline notes (`^[…]`) in a paragraph's Markdown: set apart from the text, in order, brackets balanced;
what is not a note stays text; end marks go before a note's reference."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from drafting.conventions.assemble import with_end_mark
from drafting.conventions.inline import NOTE_MARK, note_spans, split_notes
from drafting.model.document import Span

plain = st.text(alphabet=st.sampled_from("ab c.;,*_"), max_size=10)
note = st.text(alphabet=st.sampled_from("xy z.[]"), max_size=8).filter(
    lambda t: t.count("[") == t.count("]") and all(t[:i].count("[") >= t[:i].count("]") for i in range(len(t) + 1)))


@given(pieces=st.lists(st.tuples(plain, note), max_size=4), tail=plain)
def test_notes_come_out_in_order_and_the_text_keeps_its_place_marks(pieces, tail):
    source = "".join(f"{text}^[{n}]" for text, n in pieces) + tail
    text, notes = split_notes(source)
    assert notes == [n for _, n in pieces]
    assert text == "".join(f"{t}{NOTE_MARK}" for t, _ in pieces) + tail


@given(source=st.text(alphabet=st.sampled_from("ab ^[]\\"), max_size=20))
def test_text_without_a_closed_note_is_left_as_it_is(source):
    text, notes = split_notes(source)
    if not notes:
        assert text == source
    assert text.count(NOTE_MARK) == len(notes)


def test_an_escaped_caret_and_an_unclosed_note_are_text():
    assert split_notes(r"a \^[b] c^[d") == (r"a \^[b] c^[d", [])


def test_note_spans_mark_where_each_reference_stands():
    spans, notes = note_spans("*Recalling* resolution 66/1^[A/RES/66/1.]; and 2^[*Also* B.]")
    assert [s.text if not s.note else "*" for s in spans] == ["Recalling", " resolution 66/1", "*", "; and 2", "*"]
    assert notes == [(Span("A/RES/66/1."),), (Span("Also", italic=True), Span(" B."))]


def test_the_end_mark_goes_before_a_closing_reference():
    spans = (Span("resolution 66/1;"), Span("", note="n1"))
    assert with_end_mark(spans, ",") == (Span("resolution 66/1,"), Span("", note="n1"))
    inside = (Span("66/1"), Span("", note="n1"), Span(";"))
    assert with_end_mark(inside, ".") == (Span("66/1."), Span("", note="n1"))
