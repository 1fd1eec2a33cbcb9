"""A draft drafting never made, turned into a spec: title, issuing line, preamble, operative part, closing.

The host country's first draft arrives as a Word file typed by someone, with or without styles and
automatic numbering. `import_paragraphs` tells its parts apart from the evidence a drafter uses:

- position: the first paragraph is the title; a second one that reads like an issuing line ("Issued by…",
  "Adopted at…", a Subtitle style) is the issuing line; a paragraph "Preamble" is the preamble's heading;
- numbering (Word's `w:numPr`, or a label typed by hand: "1.", "- 1 -", "(a)", "a -", a bullet): the first
  numbered paragraph starts the operative part; an unnumbered paragraph ending in ":" just before it is the
  chapeau; numbered paragraphs of a lower level, or lettered ones, are the sub-items of the paragraph before;
- the opening-phrase lexicon when nothing is numbered: participles ("Recalling") are preambular, third-person
  verbs ("Decides") operative;
- what follows the last numbered paragraph (and its items) is the closing.

Every paragraph becomes a one-off entry whose text is the paragraph's own words (labels left to the profile,
emphasis kept as Markdown, Markdown punctuation escaped), so that assembling the spec in the ``as-issued``
profile gives the document's text back word for word. Its id is derived from its part, its position and
its text (``pp3_1f2a``): the same draft imports to the same ids. What the spec cannot hold (footnotes, tables
as tables, images) is a loss, named.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from drafting.library.lexicon import is_participle_opening, is_third_person_verb

_TYPED_LABEL = re.compile(
    r"^\s*(?:\\?-\s*(?P<dash>\d+)\s*[-–]\s*"
    r"|(?P<num>\d+)[.)]\s+"
    r"|\((?P<paren>[a-z]{1,3}|[ivxlc]{1,6})\)\s+"
    r"|(?P<letter>[a-z])\s*[-–.)]\s+"
    r"|(?P<bullet>[-*+•–])\s+)"
)
_ISSUING = re.compile(r"^(issued|adopted|approved|agreed|done|submitted|prepared|presented|draft)\b", re.IGNORECASE)
_INLINE_MARKUP = re.compile(r"([\\`*_\[\]<>{}&!~|])")
_ANNEX = re.compile(r"^(annex|appendix)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DraftParagraph:
    """One paragraph of a draft as read: Markdown text (emphasis kept, label removed), plain text, its
    numbering level (None: not numbered; 0: a numbered paragraph; 1+: a sub-item), its Word style."""

    markdown: str
    text: str
    level: int | None = None
    style: str | None = None
    in_table: bool = False


@dataclass
class ImportResult:
    """The spec (a YAML-ready mapping), how each paragraph was placed, and what could not be imported."""

    spec: dict[str, Any]
    roles: list[tuple[str, str]] = field(default_factory=list)  # (id, role) in document order
    notes: list[str] = field(default_factory=list)
    losses: list[str] = field(default_factory=list)


def escape_markdown(text: str) -> str:
    """Backslash-escape what inline Markdown or a placeholder would read as markup (the text stays as typed)."""
    return _INLINE_MARKUP.sub(r"\\\1", text)


def typed_label(text: str) -> tuple[str, int | None]:
    """`text` without a label typed by hand, and the level it signals (0 numbered, 1 lettered or bullet)."""
    level: int | None = None
    for _ in range(2):  # a bullet may carry a label of its own (" - a - Endorse …")
        match = _TYPED_LABEL.match(text)
        if not match or match.end() >= len(text):
            break
        level = 0 if (match.group("dash") or match.group("num")) else 1
        text = text[match.end():]
    return text, level


def markdown_of(pieces: Sequence[tuple[str, bool, bool]]) -> str:
    """Runs (text, italic, bold) as inline Markdown: punctuation escaped, emphasis around whole words."""
    out: list[str] = []
    for text, italic, bold in pieces:
        if not text:
            continue
        core = text.strip()
        if not core or not (italic or bold):
            out.append(escape_markdown(text) if text.strip() else text)
            continue
        lead, tail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
        mark = "***" if italic and bold else "**" if bold else "*"
        out.append(f"{lead}{mark}{escape_markdown(core)}{mark}{tail}")
    return "".join(out).strip()


def paragraph_id(prefix: str, position: int, text: str) -> str:
    """A stable id from the paragraph's part, position and words: ``op3_1f2a``."""
    digest = hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:4]
    return f"{prefix}{position}_{digest}"


def import_paragraphs(paragraphs: Sequence[DraftParagraph], *, document_id: str, source: str) -> ImportResult:
    """Place `paragraphs` (in document order, empty ones already left out) into a spec."""
    items = [p for p in paragraphs if p.text.strip()]
    result = ImportResult(spec={})
    if not items:
        return result
    title = items[0]
    rest = list(items[1:])
    meta: dict[str, Any] = {"id": document_id, "title": title.markdown, "place": "", "date": "2000-01-01",
                            "profile": "as-issued"}
    result.roles.append(("title", "title"))
    if rest and (_ISSUING.match(rest[0].text) or (rest[0].style or "").lower() == "subtitle"):
        meta["issuing"] = rest.pop(0).markdown
        result.roles.append(("issuing", "issuing"))
    preamble: dict[str, Any] = {}
    if rest and rest[0].text.strip().rstrip(":").lower() == "preamble" and rest[0].level is None:
        preamble["heading"] = rest.pop(0).markdown
        result.roles.append(("heading", "preamble heading"))
    first_numbered = next((i for i, p in enumerate(rest) if p.level is not None and p.level == 0), None)
    if first_numbered is None:  # nothing numbered: the opening phrases decide
        first_numbered = next((i for i, p in enumerate(rest) if _operative_opening(p.text)), len(rest))
    annex_at = next((i for i, p in enumerate(rest) if _ANNEX.match(p.text) and p.level is None
                     and i > first_numbered), None)
    body, annex = (rest, []) if annex_at is None else (rest[:annex_at], rest[annex_at:])
    head, tail = body[:first_numbered], body[first_numbered:]
    chapeau = head.pop() if head and head[-1].text.rstrip().endswith(":") and head[-1].level is None else None
    pp: list[dict[str, Any]] = []
    for index, p in enumerate(head):
        if index == 0 and not is_participle_opening(p.text) and p.text.rstrip().endswith(","):
            preamble["subject"] = _entry("ps", 1, p)
            result.roles.append((preamble["subject"]["id"], "preamble subject"))
            continue
        entry = _entry("pp", len(pp) + 1, p)
        pp.append(entry)
        result.roles.append((entry["id"], "preambular"))
    if pp:
        preamble["paragraphs"] = pp
    operative: dict[str, Any] = {}
    if chapeau is not None:
        operative["chapeau"] = _entry("ch", 1, chapeau)
        result.roles.append((operative["chapeau"]["id"], "chapeau"))
    last_numbered = max((i for i, p in enumerate(tail) if p.level is not None), default=-1)
    ops: list[dict[str, Any]] = []
    closing: list[dict[str, Any]] = []
    for index, p in enumerate(tail):
        if index > last_numbered and p.level is None and ops:
            entry = _entry("cl", len(closing) + 1, p)
            closing.append(entry)
            result.roles.append((entry["id"], "closing"))
        elif p.level is not None and p.level > 0 and ops:
            ops[-1].setdefault("items", []).append(p.markdown)
        else:
            entry = _entry("op", len(ops) + 1, p)
            if p.level is None and last_numbered >= 0:
                entry["numbered"] = "no"
            ops.append(entry)
            result.roles.append((entry["id"], "operative"))
    for p in annex:
        entry = _entry("ax", len(closing) + 1, p)
        closing.append(entry)
        result.roles.append((entry["id"], "annex"))
    if any(p.in_table for p in items):
        result.losses.append(f"{source}: table cells are imported as paragraphs (a spec has no tables)")
    if operative.get("chapeau") is not None or ops:
        operative["paragraphs"] = ops
    spec: dict[str, Any] = {"document": meta}
    if preamble:
        spec["preamble"] = preamble
    if operative:
        spec["operative"] = operative
    if closing:
        spec["closing"] = closing
    spec["place_date"] = "no"
    result.spec = spec
    return result


def _operative_opening(text: str) -> bool:
    first = text.split(" ", 1)[0]
    return is_third_person_verb(first) and not is_participle_opening(first)


def _entry(prefix: str, position: int, p: DraftParagraph) -> dict[str, Any]:
    return {"id": paragraph_id(prefix, position, p.text), "text": p.markdown}


def draft_from_docx(data: bytes, source: str) -> tuple[list[DraftParagraph], list[str], list[str]]:
    """The body paragraphs of a .docx as `DraftParagraph`s (accepted view), with notes and losses.

    Tracked changes are accepted (noted); footnotes, endnotes, text boxes, images and equations have no place
    in a spec and are losses; a paragraph Word numbers keeps its level, one numbered by hand its typed label's.
    """
    from drafting.ooxml.tracked.read import REMOVED, paragraph_numbering
    from drafting.ooxml.wml.objects import object_keys
    from drafting.readers.docx import read_docx_version

    docx = read_docx_version(data, source)
    notes = [f for f in docx.version.findings if f not in docx.losses]
    losses = [f"{source}: {line}" for line in docx.losses if "tracked changes in" not in line]
    if docx.version.tracked:
        notes.append(f"{source}: its tracked changes were accepted")
    root = docx.package.xml(docx.package.main_document)
    levels = paragraph_numbering(root)
    out: list[DraftParagraph] = []
    carry: list[tuple[str, bool, bool]] = []
    for rev, level in zip(docx.paragraphs, levels, strict=True):
        if rev.story is not None:
            if rev.text("accepted").strip():
                losses.append(f"{source}: {rev.story} is not imported")
            continue
        pieces = carry + [(run.text, run.italic, run.bold) for run in rev.runs if not (run.kinds & REMOVED)]
        if rev.next_in_story and (rev.drop_cap or (rev.mark is not None and rev.mark.kind in REMOVED)):
            carry = pieces
            continue
        carry = []
        plain = "".join(text for text, _, _ in pieces)
        if not plain.strip():
            continue
        stripped, typed = typed_label(plain.strip())
        if typed is not None:
            pieces = _strip_prefix(pieces, len(plain) - len(plain.lstrip()) + len(plain.strip()) - len(stripped))
        out.append(DraftParagraph(markdown_of(pieces), stripped.strip(), level if level is not None else typed,
                                  rev.style, rev.in_table))
    for story in docx.stories:
        if story.name.startswith(("footnote", "endnote")):
            losses.append(f"{source}: {story.name} is not imported (a spec has no notes): "
                          f"{' '.join(story.text())[:60]!r}")
    kinds = [kind for kind, _ in object_keys(docx.package.parts, docx.package)]
    for kind in ("image", "equation"):
        if kinds.count(kind):
            losses.append(f"{source}: {kinds.count(kind)} {kind}(s) not imported (a spec holds text only)")
    return out, notes, losses


def _strip_prefix(pieces: list[tuple[str, bool, bool]], count: int) -> list[tuple[str, bool, bool]]:
    out = []
    for text, italic, bold in pieces:
        if count >= len(text):
            count -= len(text)
            continue
        out.append((text[count:], italic, bold))
        count = 0
    return out


def draft_from_text(text: str, *, markdown: bool) -> list[DraftParagraph]:
    """Paragraphs of a plain-text or Markdown draft: one per line (text) or per block (Markdown)."""
    from drafting.conventions.inline import markdown_spans

    blocks = [line for line in text.split("\n")] if not markdown else re.split(r"\n\s*\n", text)
    out = []
    for block in blocks:
        line = " ".join(block.split())
        if not line or line.startswith("<!--"):
            continue
        line = re.sub(r"^#{1,6}\s+", "", line)
        stripped, level = typed_label(line)
        if markdown:
            plain = "".join(s.text for s in markdown_spans(stripped))
            out.append(DraftParagraph(stripped, plain, level))
        else:
            out.append(DraftParagraph(markdown_of([(stripped, False, False)]), stripped, level))
    return out
