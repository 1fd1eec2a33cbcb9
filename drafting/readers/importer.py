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
its text (``pp3_1f2a``): the same draft imports to the same ids. A footnote becomes an inline note
(``^[…]``) where its reference stands, a table a ``table:`` entry (rows of cells) in its place. What the spec
cannot hold (endnotes, text boxes, images, equations) is a loss, named.
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
    notes: tuple[str, ...] = ()  # its footnotes' plain text, in order (the Markdown has them as ^[…])
    cell: tuple[int, int, int] | None = None  # table, row, column (from 1) of a paragraph in a table
    rows: tuple[tuple[str, ...], ...] = ()  # a whole table (cells' Markdown), once the cells are grouped

    @property
    def texts(self) -> list[str]:
        """Its text and its notes' texts, as an assembled spec has them: the note after its paragraph."""
        return [self.text, *self.notes]


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
    kept = [p for p in paragraphs if p.text.strip() or p.cell is not None]
    items = group_tables(kept)
    result = ImportResult(spec={})
    cells = [p.cell for p in kept if p.cell is not None]
    if len(cells) != len(set(cells)):
        result.notes.append(f"{source}: a table cell of several paragraphs is imported as one (joined by a space)")
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
    if p.rows:
        return {"id": paragraph_id(prefix, position, p.text), "table": [list(row) for row in p.rows]}
    return {"id": paragraph_id(prefix, position, p.text), "text": p.markdown}


def group_tables(paragraphs: Sequence[DraftParagraph]) -> list[DraftParagraph]:
    """`paragraphs` with the cells of each table made one paragraph holding the table's rows (a cell of
    several paragraphs joined by a space, missing cells empty); what is not in a table stays as it is."""
    out: list[DraftParagraph] = []
    index = 0
    while index < len(paragraphs):
        first = paragraphs[index]
        if first.cell is None:
            out.append(first)
            index += 1
            continue
        cells: dict[tuple[int, int], list[DraftParagraph]] = {}
        while index < len(paragraphs):
            cell = paragraphs[index].cell
            if cell is None or cell[0] != first.cell[0]:
                break
            cells.setdefault((cell[1], cell[2]), []).append(paragraphs[index])
            index += 1
        height = max(row for row, _ in cells)
        width = max(column for _, column in cells)
        rows = tuple(tuple(" ".join(p.markdown for p in cells.get((r, c), []) if p.markdown)
                           for c in range(1, width + 1)) for r in range(1, height + 1))
        ordered = [p for key in sorted(cells) for p in cells[key]]
        out.append(DraftParagraph("", " ".join(p.text for p in ordered if p.text).strip() or " ", None, None, True,
                                  tuple(n for p in ordered for n in p.notes), None, rows))
    return out


def draft_from_docx(data: bytes, source: str) -> tuple[list[DraftParagraph], list[str], list[str]]:
    """The body paragraphs of a .docx as `DraftParagraph`s (accepted view), with notes and losses.

    Tracked changes are accepted (noted); footnotes, endnotes, text boxes, images and equations have no place
    in a spec and are losses; a paragraph Word numbers keeps its level, one numbered by hand its typed label's.
    """
    from drafting.conventions.inline import NOTE_MARK
    from drafting.ooxml.tracked.read import REMOVED, paragraph_elements, paragraph_numbering
    from drafting.ooxml.wml.objects import object_keys
    from drafting.ooxml.wml.stories import cell_position, note_reference_offsets
    from drafting.readers.docx import read_docx_version

    docx = read_docx_version(data, source)
    notes = [f for f in docx.version.findings if f not in docx.losses]
    losses = [f"{source}: {line}" for line in docx.losses if "tracked changes in" not in line]
    if docx.version.tracked or any("tracked changes in" in line for line in docx.losses):
        notes.append(f"{source}: its tracked changes were accepted")
    root = docx.package.xml(docx.package.main_document)
    levels = paragraph_numbering(root)
    footnotes = {story.key: story for story in docx.stories if story.name.startswith("footnote ")}
    imported: set[str] = set()
    tables: dict[int, int] = {}  # id() of a w:tbl -> its number
    out: list[DraftParagraph] = []
    carry: list[tuple[str, bool, bool]] = []
    for rev, level, element in zip(docx.paragraphs, levels, paragraph_elements(root), strict=True):
        if rev.story is not None:
            if rev.text("accepted").strip():
                losses.append(f"{source}: {rev.story} is not imported")
            continue
        own = [(run.text, run.italic, run.bold) for run in rev.runs if not (run.kinds & REMOVED)]
        references = [(note_id, at) for note_id, at in note_reference_offsets(element) if note_id in footnotes]
        own = _with_marks(own, [at for _, at in references])
        pieces = carry + own
        if rev.next_in_story and (rev.drop_cap or (rev.mark is not None and rev.mark.kind in REMOVED)):
            carry = pieces
            continue
        carry = []
        plain = "".join(text for text, _, _ in pieces)
        position = cell_position(element)
        cell = None
        if position is not None:
            table = tables.setdefault(id(position[0]), len(tables) + 1)
            cell = (table, position[1], position[2])
        if not plain.replace(NOTE_MARK, "").strip() and cell is None:
            continue
        stripped, typed = typed_label(plain.strip())
        if typed is not None and cell is None:
            pieces = _strip_prefix(pieces, len(plain) - len(plain.lstrip()) + len(plain.strip()) - len(stripped))
        else:
            stripped = plain.strip()
        markdown = markdown_of(pieces)
        note_texts = []
        for note_id, _ in references:
            story = footnotes[note_id]
            imported.add(note_id)
            note_markdown = " ".join(markdown_of([(r.text, r.italic, r.bold) for r in p.runs
                                                  if not (r.kinds & REMOVED)]) for p in story.paragraphs).strip()
            markdown = markdown.replace(NOTE_MARK, "^[" + note_markdown + "]", 1)
            note_texts.append(" ".join(story.text()))
            if len(story.paragraphs) > 1:
                notes.append(f"{source}: the {len(story.paragraphs)} paragraphs of {story.name} are imported as one")
        out.append(DraftParagraph(markdown.replace(NOTE_MARK, ""), stripped.replace(NOTE_MARK, "").strip(),
                                  None if cell else level if level is not None else typed, rev.style, rev.in_table,
                                  tuple(note_texts), cell))
    for story in docx.stories:
        if story.name.startswith("endnote") or (story.name.startswith("footnote") and story.key not in imported):
            losses.append(f"{source}: {story.name} is not imported (a spec has no endnotes, and a note nothing "
                          f"refers to has no place): {' '.join(story.text())[:60]!r}")
    kinds = [kind for kind, _ in object_keys(docx.package.parts, docx.package)]
    for kind in ("image", "equation"):
        if kinds.count(kind):
            losses.append(f"{source}: {kinds.count(kind)} {kind}(s) not imported (a spec holds text only)")
    return out, notes, losses


def _with_marks(pieces: list[tuple[str, bool, bool]], offsets: list[int]) -> list[tuple[str, bool, bool]]:
    """`pieces` with a note mark inserted at each character offset (a mark at a run boundary goes after the
    run ending there)."""
    from drafting.conventions.inline import NOTE_MARK

    if not offsets:
        return pieces
    out: list[tuple[str, bool, bool]] = []
    remaining = sorted(offsets)
    position = 0
    for text, italic, bold in pieces:
        cut = 0
        while remaining and remaining[0] <= position + len(text):
            at = remaining.pop(0) - position
            out.append((text[cut:at], italic, bold))
            out.append((NOTE_MARK, False, False))
            cut = at
        out.append((text[cut:], italic, bold))
        position += len(text)
    out.extend((NOTE_MARK, False, False) for _ in remaining)
    return [piece for piece in out if piece[0]]


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
