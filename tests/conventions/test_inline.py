"""Inline Markdown to spans: plain text and parsed text collapse whitespace the same way."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from drafting.conventions.inline import markdown_spans, normalise_spans
from drafting.model.document import Span

plain = st.text(alphabet=st.sampled_from("ab é\t\r\n\u00a0,.;:-"), max_size=40)


@given(plain)
def test_plain_text_takes_the_short_path_to_the_same_spans(source):
    """Text without markup skips the Markdown parser; the result is what normalising would give."""
    assert markdown_spans(source) == normalise_spans([Span(source)])


@given(plain)
def test_spans_never_start_or_end_with_a_space_nor_hold_two(source):
    spans = markdown_spans(source)
    text = "".join(s.text for s in spans)
    assert text == text.strip(" ") and "  " not in text
    assert all(s.text for s in spans)


def test_emphasis_becomes_italic_spans():
    assert markdown_spans("Decides *to act*  now") == (Span("Decides "), Span("to act", italic=True), Span(" now"))
