"""`drafting redline`: a .docx with real tracked changes from OLD to NEW, on OLD's styles and formatting.

When OLD is a .docx it is the base: its package (sanitised: no external relationships), its styles, its
runs' formatting. Revisions it already holds are accepted first (bad-inputs X9, with a finding): a redline
is never silently mixed into someone else's. When OLD is Markdown or text, the base is built on the
project's Word template. Each delegation is one author; ids are allocated above every existing w:id.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from drafting.conventions.identity import normalise_text
from drafting.errors import DraftingInputError
from drafting.model.document import Document, Meta, Paragraph, Role, Span
from drafting.model.version import Version, VersionParagraph
from drafting.ooxml.opc.package import Package
from drafting.ooxml.parser import parse_xml
from drafting.ooxml.tracked.read import (
    following_paragraph,
    mark_revision,
    paragraph_elements,
    preceding_paragraph,
    read_body,
)
from drafting.ooxml.tracked.write import (
    Change,
    RevisionIds,
    accept_all,
    apply_changes,
    insert_paragraph_after,
    insert_paragraph_before,
    mark_paragraph_deleted,
    move_paragraph,
    tracked_package,
)
from drafting.ooxml.wml.names import qn
from drafting.readers.docx import DocxVersion, view_paragraphs
from drafting.redline.compare import ParagraphDiff, compare
from drafting.redline.diff import Op

STORY_PARTS = ("header", "footer", "footnotes", "endnotes")


def iso_date(value: str | None, *, now: dt.datetime | None = None) -> str:
    """`value` as the ST_DateTime Word expects (UTC, seconds), or the current time when not given."""
    if value is None:
        moment = now or dt.datetime.now(dt.UTC)
    else:
        try:
            moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError as exc:
            raise DraftingInputError(f"--date {value!r} is not an ISO date or date-time") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Base:
    """The document a redline is written on: its package, its parsed body (revisions accepted), its paragraphs."""

    package: Package
    root: Any  # the parsed w:document, revisions accepted (an lxml element, handled by drafting.ooxml only)
    paragraphs: tuple[VersionParagraph, ...]
    raw: tuple[str, ...]  # each paragraph's own run text, before normalisation (what apply_changes checks)
    findings: list[str]


def load_base(old: Version, docx: DocxVersion) -> Base:
    """The base for a redline: OLD's package (a Markdown or text OLD is first laid out on the project's
    template by the caller, see `plain_document`)."""
    findings: list[str] = []
    if docx.version is old:
        findings.extend(docx.version.findings)
    package = docx.package
    root = package.xml(package.main_document)
    paragraphs = docx.version.paragraphs
    body = docx.paragraphs
    if docx.version.tracked:
        accept_all(root)
        body = tuple(read_body(root)[0])
        paragraphs = view_paragraphs(body, "accepted")
        findings.append(f"{old.source}: its tracked changes were accepted before comparing")
    return Base(package, root, paragraphs, tuple(p.text("accepted") for p in body), findings)


def plain_document(paragraphs: Sequence[VersionParagraph], source: str) -> Document:
    """A neutral document holding `paragraphs` (a base for texts that came as Markdown or plain text)."""
    meta = Meta(
        document_id="text", name="text", title="", issuing="", meeting="", place="", country="",
        date=dt.date(2000, 1, 1), participants=(), observers=(), symbol="", language="en", languages=("en",),
        profile="as-issued",
    )
    body = tuple(Paragraph(p.id or f"p{i}", Role.TEXT, (Span(p.text),) if p.text else ()) for i, p in
                 enumerate(paragraphs, start=1))
    return Document(meta=replace(meta, title=source), paragraphs=body)


def redline_package(base: Base, new: Sequence[VersionParagraph], *, author: str, date: str,
                    diffs: Sequence[ParagraphDiff] | None = None) -> bytes:
    """Write the changes from the base's paragraphs to `new` as tracked changes; return the .docx bytes."""
    package, root = base.package, base.root
    elements = paragraph_elements(root)
    if len(elements) != len(base.paragraphs):
        raise DraftingInputError("the base document changed while it was read", source=package.source)
    ids = RevisionIds(root, *_other_roots(package))
    raw = base.raw
    changes = list(diffs) if diffs is not None else compare(base.paragraphs, new)
    anchor = None
    consumed: set[int] = set()
    for index, diff in enumerate(changes):
        if index in consumed:
            continue
        if diff.old is not None and diff.new is not None and not diff.moved:
            if diff.changed:
                apply_changes(elements[diff.old], _changes(diff, raw[diff.old]), ids, default_author=author,
                              default_date=date)
            anchor = elements[diff.old]
        elif diff.old is not None and diff.new is None:
            following = changes[index + 1] if index + 1 < len(changes) else None
            if following is not None and following.old is None and following.new is not None \
                    and _mark_cannot_go(elements[diff.old]):
                # The last paragraph of its story, with everything before it deleted: no paragraph mark can
                # carry the deletion, so its emptied remainder would stay in the accepted text. The next new
                # paragraph replaces its text inside it instead.
                apply_changes(elements[diff.old], [Change("delete", raw[diff.old]),
                                                   Change("insert", new[following.new].text)],
                              ids, default_author=author, default_date=date)
                consumed.add(index + 1)
            else:
                mark_paragraph_deleted(elements[diff.old], ids, author=author, date=date)
            anchor = elements[diff.old]
        else:
            assert diff.new is not None
            if diff.old is not None and not diff.changed_text:
                # Moved unchanged: a real tracked move, so the paragraph keeps its id where it now stands.
                try:
                    anchor = move_paragraph(elements[diff.old], after=anchor,
                                            before=elements[0] if anchor is None else None, ids=ids,
                                            author=author, date=date, name=f"move{diff.old}")
                    continue
                except ValueError:
                    pass  # a story's last paragraph or rich content: tracked as a deletion and an insertion
            if diff.old is not None:  # moved: deleted where it was, inserted where it now is
                mark_paragraph_deleted(elements[diff.old], ids, author=author, date=date)
                ppr_from = elements[diff.old]
            else:
                ppr_from = anchor if anchor is not None else (elements[0] if elements else None)
            text = new[diff.new].text
            if anchor is None:
                if not elements:
                    raise DraftingInputError("the base document has no paragraph to anchor insertions",
                                             source=package.source)
                anchor = insert_paragraph_before(elements[0], text, ids, author=author, date=date,
                                                 ppr_from=ppr_from)
            else:
                anchor = insert_paragraph_after(anchor, text, ids, author=author, date=date, ppr_from=ppr_from)
    return tracked_package(package, root)


def _changes(diff: ParagraphDiff, raw: str) -> list[Change]:
    """The word edits of `diff` as changes to the paragraph's raw text.

    The edits are computed on normalised text (NFC, whitespace runs as one space, no leading or trailing
    space: `normalise_text`), but `apply_changes` checks them against the runs' own characters, which may hold
    double spaces, tabs, no-break spaces, trailing spaces or decomposed accents. Each kept or deleted stretch
    is mapped back to the raw characters it stands for; spaces at either end stay as they are.
    """
    pieces = _raw_pieces(raw)
    out: list[Change] = []
    k = 0
    for edit in diff.edits:
        if edit.op is Op.INSERT:
            out.append(Change("insert", edit.text))
            continue
        need, taken, got = edit.before, [], ""
        while len(got) < len(need) and pieces is not None and k < len(pieces):
            taken.append(pieces[k][0])
            got += pieces[k][1]
            k += 1
        if got != need or pieces is None:  # cannot map (should not happen): replace the paragraph's text whole
            return [Change("delete", raw), Change("insert", "".join(e.after for e in diff.edits))]
        out.append(Change("equal" if edit.op is Op.EQUAL else "delete", "".join(taken)))
    rest = "".join(piece for piece, _ in pieces[k:]) if pieces is not None else ""
    if rest:
        out.append(Change("equal", rest))
    return out


_SPACES = re.compile(r"\s+")


def _raw_pieces(raw: str) -> list[tuple[str, str]] | None:
    """`raw` cut into (raw, normalised) pieces: whitespace runs and characters with their combining marks.

    The normalised parts joined give `normalise_text(raw)`, or None is returned.
    """
    pieces: list[tuple[str, str]] = []
    i = 0
    while i < len(raw):
        space = _SPACES.match(raw, i)
        if space:
            pieces.append((space.group(), " "))
            i = space.end()
            continue
        j = i + 1
        while j < len(raw) and unicodedata.combining(raw[j]):
            j += 1
        pieces.append((raw[i:j], unicodedata.normalize("NFC", raw[i:j])))
        i = j
    for end in (0, -1):
        if pieces and pieces[end][1] == " ":
            pieces[end] = (pieces[end][0], "")
    return pieces if "".join(n for _, n in pieces) == normalise_text(raw) else None


def _mark_cannot_go(p: Any) -> bool:
    """Whether deleting paragraph `p` would delete no paragraph mark (see `mark_paragraph_deleted`).

    That is the case for the last paragraph of a story when every paragraph before it in the story has its
    mark deleted already (or there is none, or the one before holds a section break).
    """
    if following_paragraph(p) is not None:
        return False
    target = preceding_paragraph(p)
    while target is not None:
        mark = mark_revision(target)
        if mark is None or mark.tag not in (qn("w:del"), qn("w:moveFrom")):
            ppr = target.find(qn("w:pPr"))
            return ppr is not None and ppr.find(qn("w:sectPr")) is not None
        target = preceding_paragraph(target)
    return True


def _other_roots(package: Package) -> list[Any]:
    """Roots of the other stories (headers, footers, notes, comments): ids stay unique across them all."""
    roots = []
    for rel in package.relationships(package.main_document):
        if rel.external:
            continue
        if any(rel.type.endswith("/" + kind) for kind in (*STORY_PARTS, "comments")):
            name = package.related_part(package.main_document, rel.type.rsplit("/", 1)[-1])
            if name:
                roots.append(parse_xml(package.part(name), part=name, source=package.source))
    return roots


def redline_files(old: Version, old_docx: DocxVersion, new: Version, *, author: str,
                  date: str | None = None) -> tuple[bytes, list[str]]:
    """The redline .docx bytes for OLD → NEW, and findings (accepted revisions, stripped links)."""
    if not author.strip():
        raise DraftingInputError("--author must name the delegation")
    base = load_base(old, old_docx)
    findings = list(base.findings)
    if new.tracked:
        findings.append(f"{new.source}: its tracked changes were accepted (its accepted view is compared)")
    data = redline_package(base, new.paragraphs, author=author.strip(), date=iso_date(date))
    return data, findings
