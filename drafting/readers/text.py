"""Versions as Markdown or plain text: paragraphs, the `<!-- dp:<id> -->` ids and the identity header our
Markdown carries, list labels typed as text."""

from __future__ import annotations

import re
import unicodedata

from drafting.conventions.identity import normalise_text
from drafting.errors import DraftingInputError
from drafting.model.document import DocumentIdentity
from drafting.model.version import Version, VersionParagraph

MAX_TEXT_BYTES = 20 * 1024 * 1024
_LABEL = re.compile(
    r"^(?:\\?-\s*\d+(?:\s+(?:bis|ter|quater|quinquies|sexies|septies|octies|novies|decies))?\s*\\?[-–]\s*"
    r"|\d+(?:\s+(?:bis|ter|quater|quinquies|sexies|septies|octies|novies|decies))?\\?[.)]\s+"
    r"|\((?:[a-z]{1,3}|[ivxlc]{1,6})\)\s+"
    r"|[a-z]\s*\\?[-–]\s+"
    r"|[-*+•]\s+)"
)
_MD_ID = re.compile(r"^<!--\s*dp:([a-z][a-z0-9_]{0,36})\s*-->\s*$")
_MD_HEADER = re.compile(
    r"<!--\s*drafting:\s*document=(\S+)\s+revision=(\d+)\s+language=(\S+)\s+sha256=([0-9a-f]{64})\s*-->"
)
_MD_COMMENT = re.compile(r"^<!--.*-->\s*$")
_MD_CELLS = re.compile(r"^<!--\s*dp-cells:((?:\s+[a-z][a-z0-9_]{0,36})*)\s*-->\s*$")
_NOTE_DEFINITION = re.compile(r"^\[\^(\w{1,9})\]:\s*")
_NOTE_REFERENCE = re.compile(r"(?<!\\)\[\^\w{1,9}\]")
_TABLE_DELIMITER = re.compile(r"^\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def read_text_version(data: bytes, source: str, fmt: str) -> Version:
    """A Markdown (`fmt` "md") or plain-text version from its bytes."""
    text = _decode(data, source)
    if fmt == "md":
        return _markdown_version(text, source)
    return _text_version(text, source)


def _decode(data: bytes, source: str) -> str:
    if len(data) > MAX_TEXT_BYTES:
        raise DraftingInputError(f"file is larger than {MAX_TEXT_BYTES // (1024 * 1024)} MiB", source=source)
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DraftingInputError("binary file: expected .docx, .md or UTF-8 text", source=source)
    try:
        text = data.decode("utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: getattr(exc, "start", 0)].count(b"\n") + 1
        raise DraftingInputError("not valid UTF-8 text", source=source, line=line) from exc
    return clean_text(text)


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")  # C0 but tab and newline, DEL, non-characters


def clean_text(text: str) -> str:
    """NFC, line ends unified, control characters other than tab and newline dropped (bad-inputs X7)."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROL.sub("", text)


def written_label(text: str, base_text: str | None = None) -> str:
    """The list label that `text` starts with as written text (a bis/ter label the revision writes as a run,
    "- 1 -", "(a)"…), or "" — also "" when `base_text`, the paragraph's own text, starts with the same
    characters (then they are the paragraph's words, not a label)."""
    label = text[:len(text) - len(strip_label(text))]
    if not label.strip():
        return ""
    if base_text is not None and normalise_text(base_text).startswith(normalise_text(label)):
        return ""
    return label


def strip_label(text: str) -> str:
    """Drop a leading list label ("1.", "- 1 -", "(a)", "a -", a bullet) that a plain text carries."""
    for _ in range(2):  # a bullet may carry a label of its own (" - a - Endorse …")
        stripped = _LABEL.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return text


def _text_version(text: str, source: str) -> Version:
    paragraphs = tuple(
        VersionParagraph(None, normalise_text(strip_label(line.strip()))) for line in text.split("\n") if line.strip()
    )
    return Version(source, "txt", paragraphs, paragraphs, None, tracked=False)


def _markdown_version(text: str, source: str) -> Version:
    from drafting.conventions.inline import markdown_spans

    identity = None
    header = _MD_HEADER.search(text[:2000])
    if header:
        identity = DocumentIdentity(header.group(1), int(header.group(2)), header.group(4), header.group(3))
    paragraphs: list[VersionParagraph] = []
    pending_id: str | None = None
    block: list[str] = []
    cell_ids: list[str] = []
    table = {"number": 0, "row": 0, "delimited": 0}

    def plain(raw: str) -> str:
        spans = markdown_spans(_NOTE_REFERENCE.sub("", raw) if "[^" in raw else raw)
        return normalise_text("".join(s.text for s in spans))

    def flush() -> None:
        nonlocal pending_id
        if block:
            raw = " ".join(line.strip() for line in block)
            raw = re.sub(r"^#{1,6}\s+", "", raw)
            note = _NOTE_DEFINITION.match(raw)
            if note:
                story = f"footnote {note.group(1)}"
                paragraphs.append(VersionParagraph(pending_id, plain(raw[note.end():]), story=story))
            else:
                paragraphs.append(VersionParagraph(pending_id, plain(strip_label(raw))))
            pending_id = None
        block.clear()

    def row(line: str) -> None:
        """One row of a pipe table: a paragraph per cell, ids from the table's `dp-cells` comment in order."""
        if table["row"] == 1 and not table["delimited"] and _TABLE_DELIMITER.match(line):
            table["delimited"] = 1
            return  # the line under the header row (once: a row of cells "-" after it is a row)
        inner = line.removeprefix("|")
        if inner.endswith("|") and not inner.endswith("\\|"):
            inner = inner[:-1]
        cells = _CELL_SPLIT.split(inner)
        table["row"] += 1
        for cell in cells:
            ident = cell_ids.pop(0) if cell_ids else None
            paragraphs.append(VersionParagraph(ident, plain(cell.strip().replace("\\|", "|")),
                                               story=f"table {table['number']} row {table['row']}"))

    in_table = False
    for line in text.split("\n"):
        stripped = line.strip()
        if in_table and stripped.startswith("|"):
            row(stripped)
            continue
        in_table = False
        cells = _MD_CELLS.match(stripped)
        if cells:
            flush()
            cell_ids[:] = cells.group(1).split()
            continue
        if stripped.startswith("|") and not block:
            flush()
            in_table = True
            table["number"] += 1
            table["row"] = table["delimited"] = 0
            row(stripped)
            continue
        match = _MD_ID.match(stripped)
        if match:
            flush()
            pending_id = match.group(1)
            continue
        if _MD_COMMENT.match(stripped):
            flush()
            continue
        if not stripped:
            flush()
            continue
        if block and (_LABEL.match(stripped) or stripped.startswith("#")):
            flush()  # a new list item or heading starts a new paragraph even without a blank line
        block.append(line)
    flush()
    result = tuple(paragraphs)
    return Version(source, "md", result, result, identity, tracked=False)
