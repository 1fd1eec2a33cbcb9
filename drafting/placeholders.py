"""Placeholders in clause text: `{{ name }}` and `{% include "clause-id" %}`, nothing else.

Clause bodies are data written by drafters, so they are parsed (with the one sandboxed Jinja environment's
parser) but never executed: any expression beyond a bare name — attribute access, calls, filters,
arithmetic — is refused with its line. Values are substituted once and escaped for Markdown, so a value
that itself looks like a template (`{{ 7*7 }}`) comes out literally.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jinja2 import nodes
from jinja2.exceptions import TemplateSyntaxError

from drafting.errors import DraftingInputError
from drafting.factories import make_jinja_env

CLAUSE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
PARAM_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,63}$")
_HAS_SYNTAX = re.compile(r"\{[{%#]")
_RAW_HTML = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?|/[A-Za-z][A-Za-z0-9:-]*\s*|!--.*?--|![A-Za-z][^<>]*|\?.*?\?)>",
    re.DOTALL,
)
_MD_PUNCT = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&\"'=:$%^@,;?/])")


@dataclass(frozen=True, slots=True)
class Placeholder:
    name: str
    line: int


@dataclass(frozen=True, slots=True)
class Include:
    clause_id: str
    line: int


Piece = str | Placeholder | Include


@dataclass(frozen=True, slots=True)
class Template:
    """A parsed clause text: literal Markdown pieces, placeholders and includes, in order."""

    pieces: tuple[Piece, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.name for p in self.pieces if isinstance(p, Placeholder)))

    @property
    def includes(self) -> tuple[Include, ...]:
        return tuple(p for p in self.pieces if isinstance(p, Include))


_ENV = make_jinja_env()


def parse_template(text: str, *, source: str, line: int) -> Template:
    """Parse clause `text` that starts at `line` of `source`; refuse anything but names and includes."""
    if not _HAS_SYNTAX.search(text):
        return Template((text,) if text else ())
    try:
        tree = _ENV.parse(text)
    except TemplateSyntaxError as exc:
        at = line + max((exc.lineno or 1) - 1, 0)
        raise DraftingInputError(f"bad placeholder syntax: {exc.message}", source=source, line=at) from exc
    pieces: list[Piece] = []
    for node in tree.body:
        at = line + max(node.lineno - 1, 0)
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                cat = line + max(child.lineno - 1, 0)
                if isinstance(child, nodes.TemplateData):
                    pieces.append(child.data)
                elif isinstance(child, nodes.Name) and child.ctx == "load":
                    if not PARAM_NAME.match(child.name):
                        raise DraftingInputError(f"bad parameter name {child.name!r}", source=source, line=cat)
                    pieces.append(Placeholder(child.name, cat))
                else:
                    raise DraftingInputError(
                        "only plain {{ name }} placeholders are allowed in clause text "
                        "(no attributes, calls, filters or arithmetic)", source=source, line=cat,
                    )
        elif (isinstance(node, nodes.Include) and isinstance(node.template, nodes.Const)
              and isinstance(node.template.value, str)):
            target = node.template.value
            if not CLAUSE_ID.match(target):
                raise DraftingInputError(
                    f"include target {target!r} is not a clause id (includes name clauses, never files)",
                    source=source, line=at,
                )
            pieces.append(Include(target, at))
        else:
            raise DraftingInputError(
                "only {{ name }} placeholders and {% include \"clause-id\" %} are allowed in clause text",
                source=source, line=at,
            )
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
