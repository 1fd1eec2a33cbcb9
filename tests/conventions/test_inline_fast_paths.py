"""`markdown_spans` answers plain text and an italic opening (`*Recalling* the …`) without the Markdown parser:
the spans are those the parser gives, over generated paragraphs and the shapes our Markdown writes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from drafting.conventions.inline import _parser, markdown_spans, normalise_spans
from drafting.model.document import Span
from drafting.readers.text import clean_text


def parsed(source: str) -> tuple[Span, ...]:
    """The spans through markdown-it, as `markdown_spans` computes them when it asks the parser."""
    tokens = _parser().parseInline(source)
    italic = bold = 0
    spans: list[Span] = []
    for token in (tokens[0].children or []) if tokens else []:
        if token.type in ("text", "code_inline", "html_inline", "image") and token.content:
            spans.append(Span(token.content, italic > 0, bold > 0))
        elif token.type in ("softbreak", "hardbreak"):
            spans.append(Span(" ", italic > 0, bold > 0))
        italic += {"em_open": 1, "em_close": -1}.get(token.type, 0)
        bold += {"strong_open": 1, "strong_close": -1}.get(token.type, 0)
    return normalise_spans(spans)


ENDS = st.sampled_from([*"aZé1ßд٣中", "\u00b2", "\u2160", "\u0301"])
INSIDE = st.text(alphabet=st.sampled_from([*"ab Zé1 -'.,;:?#$%+=@^{}~\"()/|*_&`[]\\!<>\n", "\u00a0", "\t", "\u3000",
                                           "\u2003", "\u0301", "\u200b", "\u2028", "\x0c", "\U0001f600"]),
                 max_size=12)


@given(ENDS, INSIDE, ENDS, st.sampled_from(["", " ", "  ", " \u00a0", "\t", "\n", ", ", "*", "* "]), INSIDE)
def test_an_opening_gives_the_parsers_spans(first: str, middle: str, last: str, gap: str, rest: str) -> None:
    for source in (f"*{first}{middle}{last}*{gap}{rest}", f"*{first}*{gap}{rest}", f"**{first}{last}** {rest}",
                   f"*{first}{middle}{last} *{gap}{rest}", f"{first}*{middle}*{rest}"):
        assert markdown_spans(source) == parsed(source), repr(source)


def test_the_openings_our_markdown_writes() -> None:
    for source in ("*Recalling* the Almaty process,", "*Taking note* of the report", "*Decides* to meet again",
                   "*Reaffirming* its commitment to *all* States", "*Noting*", "*Noting*, with concern, the data"):
        assert markdown_spans(source) == parsed(source)
    assert markdown_spans("*Recalling* the plan") == (Span("Recalling", True), Span(" the plan"))


@given(st.text())
def test_clean_text_drops_the_control_characters(text: str) -> None:
    import unicodedata

    unified = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    kept = "".join(ch for ch in unified if ch in "\t\n" or (ord(ch) >= 0x20 and ch not in "\x7f\ufffe\uffff"))
    assert clean_text(text) == kept
