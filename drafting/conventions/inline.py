"""Clause Markdown to spans: emphasis yes, raw HTML never, links reduced to their text."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from drafting.model.document import Span

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_SPACES = re.compile(r"[ \t\r\n\u00a0]+")
_MARKUP = re.compile(r"[*_`\[\]\\<>!&]")
# An italic opening as our Markdown writes it (`*Recalling* the …`): `*`, a word or words starting and ending
# with a letter or digit, `*`, then a space or the end. CommonMark makes that emphasis, always.
_OPENING = re.compile(r"\*([^\W_](?:[^*_`\[\]\\<>!&\n\r]*[^\W_])?)\*(?= |\Z)")


@cache
def _parser() -> MarkdownIt:
    from drafting.support.factories import make_markdown  # imported on first use: plain text never needs it

    return make_markdown()


def markdown_spans(source: str) -> tuple[Span, ...]:
    """Parse one paragraph of inline Markdown into spans, whitespace collapsed, adjacent alike spans merged."""
    if not _MARKUP.search(source):  # plain text: nothing for a Markdown parser to do
        text = _SPACES.sub(" ", source).strip(" ")
        return (Span(text),) if text else ()
    opening = _OPENING.match(source)
    if opening and not _MARKUP.search(source, opening.end()):  # the parser's spans, without the parser
        return normalise_spans([Span(opening.group(1), True, False), Span(source[opening.end():])])
    tokens = _parser().parseInline(source)
    italic = bold = 0
    spans: list[Span] = []

    def add(text: str) -> None:
        if text:
            spans.append(Span(text, italic > 0, bold > 0))

    children = (tokens[0].children or []) if tokens else []
    for token in children:
        kind = token.type
        if kind in ("text", "code_inline", "html_inline"):
            add(token.content)
        elif kind in ("softbreak", "hardbreak"):
            add(" ")
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "image":
            add(token.content)
    return normalise_spans(spans)


NOTE_MARK = "\ue000"
"""A private-use character standing for a note reference while the text around it is parsed as Markdown."""


def split_notes(source: str) -> tuple[str, list[str]]:
    """`source` with each inline note `^[…]` (Pandoc's syntax; brackets inside balanced, `\\]` escaped) put
    aside as `NOTE_MARK`, and the notes' own Markdown in order. An unclosed `^[` stays text."""
    source = source.replace(NOTE_MARK, "")
    if "^[" not in source:
        return source, []
    out: list[str] = []
    notes: list[str] = []
    index = 0
    while index < len(source):
        start = source.find("^[", index)
        if start < 0 or (start > 0 and _escaped(source, start)):
            if start < 0:
                out.append(source[index:])
                break
            out.append(source[index:start + 2])
            index = start + 2
            continue
        end = _closing_bracket(source, start + 1)
        if end < 0:
            out.append(source[index:])
            break
        out.append(source[index:start] + NOTE_MARK)
        notes.append(source[start + 2:end].replace(NOTE_MARK, ""))
        index = end + 1
    return "".join(out), notes


def _escaped(text: str, at: int) -> bool:
    backslashes = len(text[:at]) - len(text[:at].rstrip("\\"))
    return backslashes % 2 == 1


def _closing_bracket(text: str, opening: int) -> int:
    depth = 0
    index = opening
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return -1


def note_spans(source: str) -> tuple[tuple[Span, ...], list[tuple[Span, ...]]]:
    """A paragraph's inline Markdown with its inline notes: the spans (each note a `Span` with `note` "*"
    where its reference stands, for the caller to name) and each note's spans."""
    text, notes = split_notes(source)
    spans = markdown_spans(text)
    if not notes:
        return spans, []
    out: list[Span] = []
    for span in spans:
        pieces = span.text.split(NOTE_MARK)
        for number, piece in enumerate(pieces):
            if number:
                out.append(Span("", note="*"))
            if piece:
                out.append(Span(piece, span.italic, span.bold, span.opening))
    return normalise_spans(out), [markdown_spans(note) for note in notes]


def normalise_spans(spans: list[Span] | tuple[Span, ...]) -> tuple[Span, ...]:
    """Collapse whitespace across span boundaries, trim the ends, merge neighbours with equal formatting.
    A note reference (no text) stays where it stands and is never merged; whitespace collapses across it."""
    merged: list[Span] = []
    last_text = -1  # index in `merged` of the last span with text
    for span in spans:
        if span.note:
            merged.append(span)
            continue
        text = span.text
        if "  " in text or "\t" in text or "\n" in text or "\r" in text or "\u00a0" in text:
            text = _SPACES.sub(" ", text)  # most spans are normal already: the regex only where needed
        if last_text >= 0 and merged[last_text].text.endswith(" ") and text.startswith(" "):
            text = text[1:]
        if last_text < 0 and text.startswith(" "):
            text = text.lstrip(" ")
        if not text:
            continue
        if merged and not merged[-1].note and _same_format(merged[-1], span):
            merged[-1] = Span(merged[-1].text + text, span.italic, span.bold, span.opening)
        else:
            merged.append(Span(text, span.italic, span.bold, span.opening))
        last_text = len(merged) - 1
    while last_text >= 0 and merged[last_text].text.endswith(" "):
        last = merged[last_text]
        stripped = last.text.rstrip(" ")
        if stripped:
            merged[last_text] = Span(stripped, last.italic, last.bold, last.opening)
            break
        del merged[last_text]
        last_text = max((i for i in range(last_text) if not merged[i].note), default=-1)
    return tuple(merged)


def _same_format(a: Span, b: Span) -> bool:
    return (a.italic, a.bold, a.opening) == (b.italic, b.bold, b.opening)
