"""`drafting redline`: a .docx with real tracked changes from OLD to NEW, on OLD's styles and formatting.

When OLD is a .docx it is the base: its package (sanitised: no external relationships), its styles, its
runs' formatting. Revisions it already holds are accepted first (bad-inputs X9, with a finding): a redline
is never silently mixed into someone else's. When OLD is Markdown or text, the base is built on the
project's Word template. Each delegation is one author; ids are allocated above every existing w:id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from drafting.docx_versions import DocxVersion, read_docx_version, view_paragraphs
from drafting.errors import DraftingInputError
from drafting.model import Document, Meta, Paragraph, Role, Span
from drafting.ooxml.package import Package, write_package
from drafting.ooxml.revisions import paragraph_elements, read_body
from drafting.ooxml.trackchanges import (
    Change,
    RevisionIds,
    accept_all,
    apply_changes,
    enable_track_revisions,
    insert_paragraph_after,
    insert_paragraph_before,
    mark_paragraph_deleted,
)
from drafting.ooxml.xmlparser import parse_xml, serialise
from drafting.redline.compare import ParagraphDiff, compare
from drafting.redline.diff import Op
from drafting.versions import Version, VersionParagraph

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
    findings: list[str]


def load_base(old: Version, docx: DocxVersion | None) -> Base:
    """The base for a redline: OLD's own package when it is a .docx, else OLD on the project's template."""
    findings: list[str] = []
    if docx is None:
        from drafting.render.docx import render_docx

        docx = read_docx_version(render_docx(plain_document(old.paragraphs, old.source)), old.source)
    else:
        findings.extend(docx.version.findings)
    package = docx.package
    root = package.xml(package.main_document)
    paragraphs = docx.version.paragraphs
    if docx.version.tracked:
        accept_all(root)
        paragraphs = view_paragraphs(read_body(root)[0], "accepted")
        findings.append(f"{old.source}: its tracked changes were accepted before comparing")
    return Base(package, root, paragraphs, findings)


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
    changes = list(diffs) if diffs is not None else compare(base.paragraphs, new)
    anchor = None
    for diff in changes:
        if diff.old is not None and diff.new is not None and not diff.moved:
            if diff.changed:
                apply_changes(elements[diff.old], _changes(diff), ids, default_author=author, default_date=date)
            anchor = elements[diff.old]
        elif diff.old is not None and diff.new is None:
            mark_paragraph_deleted(elements[diff.old], ids, author=author, date=date)
            anchor = elements[diff.old]
        else:
            assert diff.new is not None
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
    parts = dict(package.parts)
    parts[package.main_document] = serialise(root)
    settings_name = package.related_part(package.main_document, "settings")
    if settings_name is not None:
        settings = package.xml(settings_name)
        enable_track_revisions(settings)
        parts[settings_name] = serialise(settings)
    return write_package(parts)


def _changes(diff: ParagraphDiff) -> list[Change]:
    out = []
    for edit in diff.edits:
        if edit.op is Op.EQUAL:
            out.append(Change("equal", edit.before))
        elif edit.op is Op.INSERT:
            out.append(Change("insert", edit.text))
        else:
            out.append(Change("delete", edit.text))
    return out


def _other_roots(package: Package) -> list:
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


def redline_files(old: Version, old_docx: DocxVersion | None, new: Version, *, author: str,
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
