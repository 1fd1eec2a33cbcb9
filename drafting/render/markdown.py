"""Markdown renderer: a readable text for review in git and e-mail, that drafting can read back.

Each paragraph is preceded by an invisible `<!-- dp:<id> -->` comment carrying its stable id, and the file
starts with a `<!-- drafting: … -->` comment carrying the document identity, so an edited copy sent back
by a delegation can be traced to the paragraph and the text it was made from. Labels are written
literally (escaped so that Markdown viewers do not renumber them); bullets are Markdown list items. A
footnote is written as Markdown writes one — `[^2]` where it is referred to, `[^2]: its text` right after
the paragraph — and a table as a pipe table whose cells' ids one `<!-- dp-cells: … -->` comment lists in
row order.
"""

from __future__ import annotations

import re

from drafting.conventions.identity import identity
from drafting.conventions.profiles import get_profile
from drafting.library.i18n import masthead_lines
from drafting.model.document import Document, Paragraph, Role, Span

ID_COMMENT = "<!-- dp:{id} -->"
CELLS_COMMENT = "<!-- dp-cells: {ids} -->"
HEADER_COMMENT = "<!-- drafting: document={document} revision={revision} language={language} sha256={sha} -->"
MASTHEAD_COMMENT = "<!-- masthead: {} -->"
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>])")
_BLOCK_START = re.compile(r"^(#{1,6}\s|[-+*]\s|\d+[.)]\s|>|=+\s*$|-+\s*$|\|)")


def escape_text(text: str) -> str:
    """Escape what Markdown would read as markup, keeping ordinary punctuation readable."""
    return _INLINE_SPECIAL.sub(r"\\\1", text)


def _inline(spans: tuple[Span, ...], notes: dict[str, str] | None = None) -> str:
    out = []
    for span in spans:
        if span.note:
            out.append(f"[^{(notes or {}).get(span.note, '?')}]")
            continue
        text = escape_text(span.text)
        stripped = text.strip(" ")
        if not stripped:
            out.append(text)
            continue
        lead = text[: len(text) - len(text.lstrip(" "))]
        trail = text[len(text.rstrip(" ")):]
        if span.bold:
            stripped = f"**{stripped}**"
        if span.italic:
            stripped = f"*{stripped}*"
        out.append(lead + stripped + trail)
    return "".join(out)


def _block(paragraph: Paragraph, notes: dict[str, str]) -> str:
    body = _inline(paragraph.spans, notes)
    if paragraph.role is Role.FOOTNOTE:
        return f"[^{paragraph.label}]: {body}"
    if paragraph.role is Role.TITLE:
        return f"# {body}"
    if paragraph.role is Role.HEADING:
        return f"## {body}"
    if paragraph.role is Role.BULLET:
        indent = "    " * max(paragraph.level - 1, 0)
        return f"{indent}- {body}"
    if paragraph.label:
        label = escape_text(paragraph.label)
        label = re.sub(r"^(\d+)([.)])", r"\1\\\2", label)
        label = re.sub(r"^([-+*])", r"\\\1", label)
        indent = "    " * paragraph.level if paragraph.role is Role.SUBITEM else ""
        return f"{indent}{label} {body}"
    if _BLOCK_START.match(body):
        body = "\\" + body
    return body


def _masthead(document: Document) -> list[str]:
    """The UN masthead (un-resolution drafts) as one comment line: read in the plain text a reviewer sees in
    git or e-mail, hidden by Markdown viewers, skipped by the reader (it is no paragraph of the text)."""
    meta = document.meta
    if not get_profile(meta.profile, document.language).masthead or document.attributes.get("stage") == "final":
        return []
    symbol = meta.symbol + (f"/Rev.{meta.revision}" if meta.revision else "")
    lines = masthead_lines(symbol=symbol, distribution=meta.distribution, date=meta.date, language=document.language,
                           original=meta.original_language or meta.language)
    shown = " | ".join(part.replace("--", "- -") for part in (symbol, *lines) if part)
    return [MASTHEAD_COMMENT.format(shown)]


def render_markdown(document: Document) -> bytes:
    """The Markdown text of `document` as UTF-8 bytes (deterministic: no dates beyond the spec's)."""
    ident = identity(document)
    lines = [HEADER_COMMENT.format(document=ident.document_id, revision=ident.revision, language=ident.language,
                                   sha=ident.content_hash), *_masthead(document), ""]
    notes = {p.id: p.label for p in document.paragraphs if p.role is Role.FOOTNOTE}
    previous: Paragraph | None = None
    tables: set[int] = set()
    for paragraph in document.paragraphs:
        if paragraph.role is Role.CELL and _table_of(paragraph) in tables:
            continue  # written with the first cell of its table
        in_list = paragraph.role is Role.BULLET and previous is not None and previous.role is Role.BULLET
        if not in_list and previous is not None:
            lines.append("")
        if paragraph.role is Role.CELL:
            cells = [p for p in document.paragraphs if p.role is Role.CELL and _table_of(p) == _table_of(paragraph)]
            lines.extend(_table(cells, notes))
            tables.add(_table_of(paragraph))
            previous = cells[-1]
            continue
        lines.append(ID_COMMENT.format(id=paragraph.id))
        lines.append(_block(paragraph, notes))
        previous = paragraph
    return ("\n".join(lines) + "\n").encode("utf-8")


def _table_of(paragraph: Paragraph) -> int:
    return paragraph.cell[0] if paragraph.cell is not None else 0


def _table(cells: list[Paragraph], notes: dict[str, str]) -> list[str]:
    """A pipe table (the first row its header), after the comment listing its cells' ids in row order."""
    rows: dict[int, list[Paragraph]] = {}
    for cell in cells:
        rows.setdefault(cell.cell[1] if cell.cell else 0, []).append(cell)
    width = max(len(row) for row in rows.values())
    lines = [CELLS_COMMENT.format(ids=" ".join(p.id for p in cells))]
    for number, row in enumerate(rows.values()):
        texts = [_inline(p.spans, notes).replace("|", "\\|") for p in row] + [""] * (width - len(row))
        lines.append("| " + " | ".join(texts) + " |")
        if number == 0:
            lines.append("|" + "---|" * width)
    return lines
