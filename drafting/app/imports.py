"""`drafting import`: a draft drafting never made (.docx, .odt, .doc, .rtf, .md, .txt) as a spec.

The spec is checked before it is written: it is assembled, and its text must equal the draft's text word
for word (labels aside, as the reader has them; footnotes after the paragraph referring to them, table cells
in row order). What the spec cannot hold (endnotes, text boxes, images, equations) makes the import fail,
naming it, unless `lossy_ok`. Nothing is written on failure.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from drafting.errors import DraftingInputError
from drafting.support.atomic import write_atomic

MAX_IMPORT_BYTES = 32 * 1024 * 1024
"""Largest draft accepted: a 300-page text with images is about 10 MB."""
CONVERTED = {"odt": "odt", "doc": "doc", "rtf": "rtf", "docm": None}
_ODT_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument.text"


def import_draft(path: Path, out: Path | None = None, *, lossy_ok: bool = False, document_id: str | None = None,
                 clauses: Path | None = None) -> tuple[dict[str, Any], list[str], list[str]]:
    """Import the draft at `path`; write the spec to `out` when given. Returns (spec, notes, losses)."""
    from drafting.readers.files import LossError, read_bytes
    from drafting.readers.importer import import_paragraphs

    source = str(path)
    data = read_bytes(path)
    paragraphs, notes, losses = _draft_paragraphs(data, path)
    if not paragraphs:
        raise DraftingInputError("no paragraphs of text to import (an empty or image-only document?)", source=source)
    ident = document_id or _document_id(path)
    result = import_paragraphs(paragraphs, document_id=ident, source=source)
    result.notes.extend(clause_matches(result.spec, clauses))
    losses = [*losses, *result.losses]
    text = dump_spec(result.spec)
    losses.extend(_check_round_trip(text, [t for p in paragraphs for t in p.texts], source))
    if losses and not lossy_ok:
        raise LossError(losses, source)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(out, text.encode("utf-8"))
    return result.spec, [*notes, *result.notes], losses


def _draft_paragraphs(data: bytes, path: Path) -> tuple[list[Any], list[str], list[str]]:
    from drafting.readers.importer import draft_from_docx, draft_from_text
    from drafting.readers.text import read_text_version

    source = str(path)
    suffix = path.suffix.lower().lstrip(".")
    if len(data) > MAX_IMPORT_BYTES:
        raise DraftingInputError(f"file too large to import ({len(data) // 2**20} MiB; the limit is "
                                 f"{MAX_IMPORT_BYTES // 2**20} MiB)", source=source)
    if data.startswith(b"%PDF"):
        raise DraftingInputError("a PDF cannot be imported: send the Word, ODT or RTF file it was made from",
                                 source=source)
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        raise DraftingInputError("an image cannot be imported: it holds no text", source=source)
    if data.startswith(b"PK\x03\x04") and _ODT_MIMETYPE not in data[:200]:
        return draft_from_docx(data, source)
    kind = _office_kind(data, suffix)
    if kind is not None:
        if kind == "rtf":  # (LibreOffice takes RTF behind a byte-order mark for text)
            data = data[data.index(b"{\\rtf"):]
        return draft_from_docx(_to_docx(data, kind, source), source)
    if suffix in OFFICE_CONTENT:  # named so, but none of it: LibreOffice would read the bytes as plain text
        why = "it is empty" if not data.strip() else f"its bytes are not {OFFICE_CONTENT[suffix]}"
        raise DraftingInputError(f"not a .{suffix} file ({why})", source=source)
    read_text_version(data, source, "md" if suffix in ("md", "markdown") else "txt")  # decoding checks
    from drafting.readers.text import clean_text

    text = clean_text(data.decode("utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff"))
                      else data.decode("utf-8-sig"))
    return draft_from_text(text, markdown=suffix in ("md", "markdown")), [], []


OFFICE_CONTENT = {"odt": "an OpenDocument package", "doc": "a Word 97-2003 document, or Word's HTML or XML",
                  "rtf": "RTF"}


def _office_kind(data: bytes, suffix: str) -> str | None:
    """Which of the formats LibreOffice converts `data` is, by its content: an OpenDocument package (a zip
    naming its mimetype), a Word 97-2003 document (OLE), RTF, or, for a file named .doc, the HTML or XML
    Word saves under that name; None for anything else."""
    if data.startswith(b"PK\x03\x04"):
        return "odt"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    text = data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")  # (a byte-order mark, a line before it)
    if text.startswith(b"{\\rtf"):
        return "rtf"
    if suffix == "doc" and text.startswith(b"<"):
        return "doc"
    return None


def _to_docx(data: bytes, kind: str, source: str) -> bytes:
    """A .odt, .doc or .rtf converted to .docx by LibreOffice (`drafting.support.office`)."""
    from drafting.support.office import DOCX_FILTER, OfficeError, convert

    try:
        return convert(data, kind, f"docx:{DOCX_FILTER}", timeout=180)
    except OfficeError as exc:
        raise DraftingInputError(f"LibreOffice could not read this .{kind} file ({exc})", source=source) from exc


def clause_matches(spec: dict[str, Any], clauses: Path | None) -> list[str]:
    """Notes naming the imported paragraphs whose words equal a library clause without parameters (the
    drafter may replace the one-off text by `clause: ID`); the spec itself keeps the draft's own text."""
    from drafting.app.documents import load_library
    from drafting.conventions.inline import markdown_spans

    def plain(markdown: str) -> str:
        return " ".join("".join(s.text for s in markdown_spans(markdown)).split())

    try:
        library = load_library(clauses)
    except DraftingInputError:
        return []
    wordings: dict[str, str] = {}
    for clause in library.clauses.values():
        wording = clause.texts.get(clause.language)
        if wording is None or clause.params or wording.items or "{{" in wording.text:
            continue
        wordings.setdefault(plain(f"{wording.opening} {wording.text}".strip()), clause.id)
    entries = [*spec.get("preamble", {}).get("paragraphs", []), *spec.get("operative", {}).get("paragraphs", []),
               *spec.get("closing", [])]
    return [f"{entry['id']} has the words of clause {wordings[plain(entry['text'])]}"
            for entry in entries if plain(entry.get("text", "")) in wordings]


def _document_id(path: Path) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", path.stem).strip("-._").lower()
    return stem[:60] or "imported-draft"


def dump_spec(spec: dict[str, Any]) -> str:
    """The spec as YAML a drafter can read and edit."""
    import yaml

    header = ("# Imported by `drafting import`: every paragraph is a one-off text; set place and date, and\n"
              "# replace paragraphs by library clauses where they match.\n")
    return header + yaml.safe_dump(spec, allow_unicode=True, sort_keys=False, width=110)


def _check_round_trip(text: str, expected: list[str], source: str) -> list[str]:
    """Assemble the spec `text` and compare its paragraphs' words with the draft's, in order."""
    from drafting.app.documents import load_document

    with tempfile.TemporaryDirectory(prefix="drafting-import-") as tmp:
        spec_path = Path(tmp) / "imported.yaml"
        spec_path.write_text(text, encoding="utf-8")
        document = load_document(spec_path)
    assembled = [w for p in document.paragraphs for w in _words(p.text)]
    wanted = [w for t in expected for w in _words(t)]
    if assembled == wanted:
        return []
    at = next((i for i, (a, b) in enumerate(zip(assembled, wanted, strict=False)) if a != b),
              min(len(assembled), len(wanted)))
    return [f"{source}: the imported spec does not assemble to the draft's text (from word {at + 1}: "
            f"{' '.join(wanted[at:at + 6])!r} became {' '.join(assembled[at:at + 6])!r})"]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def imported_base(path: Path, data: bytes, *, clauses: Path | None = None) -> tuple[Any, bytes] | None:
    """The negotiation base made from a draft drafting never made (imported, assembled, laid out), or None
    for a .docx made by `assemble` (it carries its identity and is read as it is)."""
    from drafting.app.documents import load_document
    from drafting.render.docx import render_docx

    if data.startswith(b"PK\x03\x04") and _ODT_MIMETYPE not in data[:200]:
        from drafting.readers.docx import read_docx_version

        if read_docx_version(data, str(path)).version.identity is not None:
            return None
    spec, _, _ = import_draft(path)
    with tempfile.TemporaryDirectory(prefix="drafting-import-") as tmp:
        spec_path = Path(tmp) / "imported.yaml"
        spec_path.write_text(dump_spec(spec), encoding="utf-8")
        document = load_document(spec_path, clauses=clauses)
    return document, render_docx(document)
