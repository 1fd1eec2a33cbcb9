"""Amending a paragraph that refers to footnotes keeps its references, in order, where their text still
stands (`apply_to_spans`): revise never drops a note."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from drafting.model.document import Span
from drafting.negotiation.compilation import apply_to_spans

words = st.text(alphabet=st.sampled_from("abc ;"), min_size=1, max_size=6)


@st.composite
def paragraphs_and_edits(draw):
    texts = draw(st.lists(words, min_size=1, max_size=4))
    spans: list[Span] = []
    for number, text in enumerate(texts, start=1):
        spans.append(Span(text, italic=draw(st.booleans())))
        if draw(st.booleans()):
            spans.append(Span("", note=f"n{number}"))
    length = sum(len(t) for t in texts)
    cuts = sorted(draw(st.lists(st.integers(0, length), min_size=0, max_size=4, unique=True)))
    edits = [(start, end, draw(st.sampled_from(["", "x", "new words"]))) for start, end in zip(cuts[::2], cuts[1::2],
                                                                                               strict=False)]
    return tuple(spans), edits


@given(case=paragraphs_and_edits())
def test_references_survive_every_edit_in_order_and_the_text_is_the_edited_text(case):
    spans, edits = case
    out = apply_to_spans(spans, edits)
    assert [s.note for s in out if s.note] == [s.note for s in spans if s.note]
    # spans are normalised (spaces collapsed, ends trimmed), as every paragraph's are
    assert "".join(s.text for s in out) == " ".join(apply_text("".join(s.text for s in spans), edits).split())


def apply_text(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def test_a_reference_after_edited_words_moves_with_them():
    spans = (Span("its resolution 66/1"), Span("", note="n1"), Span(";"))
    out = apply_to_spans(spans, [(4, 14, "decision")])
    assert out == (Span("its decision 66/1"), Span("", note="n1"), Span(";"))
