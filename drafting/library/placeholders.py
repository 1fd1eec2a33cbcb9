"""Placeholders in clause text: `{{ name }}` and `{% include "clause-id" %}`, nothing else.

Clause bodies are data written by drafters, so they are scanned, never executed: the grammar is these two
forms (plus `{# comments #}`, dropped), and anything else between `{{ }}` or `{% %}` — attribute access,
calls, filters, arithmetic, loops — is refused with its line. A grammar this small needs no template
engine, and none is imported to read a clause library. Values are substituted once and escaped for
Markdown, so a value that itself looks like a template (`{{ 7*7 }}`) comes out literally.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from drafting.errors import DraftingInputError

CLAUSE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}\Z")  # \Z: "$" would also accept a trailing newline
PARAM_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,63}\Z")
_HAS_SYNTAX = re.compile(r"\{[{%#]")
_RAW_HTML = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?|/[A-Za-z][A-Za-z0-9:-]*\s*|!--.*?--|![A-Za-z][^<>]*|\?.*?\?)>",
    re.DOTALL,
)
_MD_PUNCT = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&\"'=:$%^@,;?/])")


class Placeholder(NamedTuple):
    name: str
    line: int


class Include(NamedTuple):
    clause_id: str
    line: int


Piece = str | Placeholder | Include


class Template(NamedTuple):
    """A parsed clause text: literal Markdown pieces, placeholders and includes, in order."""

    pieces: tuple[Piece, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.name for p in self.pieces if isinstance(p, Placeholder)))

    @property
    def includes(self) -> tuple[Include, ...]:
        return tuple(p for p in self.pieces if isinstance(p, Include))


_OPEN = re.compile(r"\{([{%#])")
_CLOSE = {"{": "}}", "%": "%}", "#": "#}"}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")
_INCLUDE = re.compile(r"""^include\s+(?:"([^"]*)"|'([^']*)')\Z""")
_ONLY_NAMES = ("only plain {{ name }} placeholders are allowed in clause text "
               "(no attributes, calls, filters or arithmetic)")


def parse_template(text: str, *, source: str, line: int) -> Template:
    """Parse clause `text` that starts at `line` of `source`; refuse anything but names and includes."""
    if not _HAS_SYNTAX.search(text):
        return Template((text,) if text else ())
    pieces: list[Piece] = []
    position = 0
    for opening in _OPEN.finditer(text):
        start = opening.start()
        if start < position:  # inside a tag already consumed (e.g. "{{ {{")
            continue
        at = line + text.count("\n", 0, start)
        kind = opening.group(1)
        end = text.find(_CLOSE[kind], opening.end())
        if end < 0:
            raise DraftingInputError(f"bad placeholder syntax: unclosed {opening.group(0)!r}", source=source, line=at)
        if start > position:
            pieces.append(text[position:start])
        position = end + 2
        inner = text[opening.end():end]
        if kind == "#":
            continue
        body = inner.strip()
        if body[:1] in "-+" or body[-1:] in "-+":
            raise DraftingInputError("bad placeholder syntax: whitespace control ('-', '+') is not supported",
                                     source=source, line=at)
        if kind == "{":
            if not _IDENTIFIER.match(body):
                raise DraftingInputError(_ONLY_NAMES, source=source, line=at)
            if not PARAM_NAME.match(body):
                raise DraftingInputError(f"bad parameter name {body!r}", source=source, line=at)
            pieces.append(Placeholder(body, at))
            continue
        include = _INCLUDE.match(body)
        if include is None:
            word = body.split(None, 1)[0] if body else ""
            raise DraftingInputError(
                f"bad placeholder syntax: {{% {word} %}} is not allowed (only {{{{ name }}}} placeholders and "
                '{% include "clause-id" %})', source=source, line=at,
            )
        target = include.group(1) if include.group(1) is not None else include.group(2)
        if not CLAUSE_ID.match(target):
            raise DraftingInputError(
                f"include target {target!r} is not a clause id (includes name clauses, never files)",
                source=source, line=at,
            )
        pieces.append(Include(target, at))
    if position < len(text):
        pieces.append(text[position:])
    return Template(tuple(pieces))


def find_raw_html(text: str) -> str | None:
    """The first raw HTML tag or comment in `text`, if any (clause text is Markdown without HTML)."""
    match = _RAW_HTML.search(text)
    return match.group(0) if match else None


def escape_markdown(value: str) -> str:
    """Backslash-escape Markdown punctuation so a parameter value is read as plain text."""
    escaped = _MD_PUNCT.sub(r"\\\1", value)
    # A value never starts a block (heading, list, quote): the escapes above cover #, -, +, >, digits. need '.'
    return escaped.replace("\n", " ")
