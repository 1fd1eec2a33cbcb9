"""Reading a .docx submission: hardened package, tracked changes, paragraph ids, identity, comments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from drafting.conventions.identity import BOOKMARK_PREFIX, PROP_META, identity_from_properties, normalise_text
from drafting.model.version import Version, VersionParagraph
from drafting.ooxml.opc.package import Package, read_docx
from drafting.ooxml.tracked.read import Comment, RevisionKind, RevParagraph, read_body
from drafting.ooxml.wml.tree import read_custom_properties

if TYPE_CHECKING:
    from drafting.model.document import Document

_ADDED = frozenset({RevisionKind.INSERT, RevisionKind.MOVE_TO})
_REMOVED = frozenset({RevisionKind.DELETE, RevisionKind.MOVE_FROM})


@dataclass(frozen=True)
class DocxVersion:
    """A .docx read for comparison: the `Version`, its package, and its revision model."""

    version: Version
    package: Package
    paragraphs: tuple[RevParagraph, ...]
    comments: tuple[Comment, ...]


def paragraph_id(paragraph: RevParagraph) -> str | None:
    """The stable id our .docx gives a paragraph (its `dp_` bookmark), if it still has one."""
    for name in paragraph.bookmarks:
        if name.startswith(BOOKMARK_PREFIX) and len(name) > len(BOOKMARK_PREFIX):
            return name[len(BOOKMARK_PREFIX):]
    return None


def view_paragraphs(paragraphs: Sequence[RevParagraph], view: Literal["accepted", "original"]
                    ) -> tuple[VersionParagraph, ...]:
    """Paragraphs in `view` with their ids; a paragraph whose mark goes away joins the next (ECMA §17.13.5.15)."""
    gone = _REMOVED if view == "accepted" else _ADDED
    out: list[VersionParagraph] = []
    carry_text = ""
    carry_id: str | None = None
    carry_style: str | None = None
    for p in paragraphs:
        if p.row is not None and p.row.kind in gone:
            carry_text, carry_id, carry_style = "", None, None
            continue
        text = carry_text + p.text(view)
        pid = carry_id or paragraph_id(p)
        style = carry_style or p.style
        if p.mark is not None and p.mark.kind in gone and p.next_in_story:
            carry_text, carry_id, carry_style = text, pid, style
            continue
        out.append(VersionParagraph(pid, normalise_text(text), style))
        carry_text, carry_id, carry_style = "", None, None
    if carry_text or carry_id:
        out.append(VersionParagraph(carry_id, normalise_text(carry_text), carry_style))
    return tuple(out)


def read_docx_version(data: bytes, source: str) -> DocxVersion:
    """Read a .docx with the hardened loader, then its body, comments and identity."""
    package = read_docx(data, source)
    root = package.xml(package.main_document)
    comments_name = package.related_part(package.main_document, "comments")
    comments_root = package.xml(comments_name) if comments_name else None
    paragraphs, comments = read_body(root, comments_root)
    custom = package.related_part("", "custom-properties")
    identity = identity_from_properties(read_custom_properties(package.xml(custom))) if custom else None
    tracked = any(p.mark is not None or p.row is not None or any(r.revision is not None for r in p.runs)
                  for p in paragraphs)
    findings = tuple(f"{f.part}: {f.message}" for f in package.findings)
    version = Version(
        source=source, format="docx", paragraphs=view_paragraphs(paragraphs, "accepted"),
        original=view_paragraphs(paragraphs, "original"), identity=identity, tracked=tracked, findings=findings,
    )
    return DocxVersion(version, package, tuple(paragraphs), tuple(comments))


def document_from_docx(data: bytes, source: str) -> Document:
    """Rebuild the model of a .docx made by `drafting assemble`: ids from bookmarks, roles from styles,
    identity and metadata from the document properties. Other Word files are refused (no ids to keep)."""
    import datetime as dt

    from drafting.conventions.numbering import relabel
    from drafting.conventions.profiles import PROFILES, get_profile
    from drafting.conventions.wordstyles import ROLE_BY_STYLE
    from drafting.errors import DraftingInputError
    from drafting.model.document import Document, Meta, Paragraph, Role, Span
    from drafting.ooxml.wml.tree import read_core_properties

    docx = read_docx_version(data, source)
    version = docx.version
    if version.identity is None:
        raise DraftingInputError("not a .docx made by `drafting assemble` (no document identity); "
                                 "start the negotiation from its spec instead", source=source)
    if docx.version.tracked:
        raise DraftingInputError("the base text must not contain tracked changes; accept or reject them first",
                                 source=source)
    package = docx.package
    custom_name = package.related_part("", "custom-properties")
    custom = read_custom_properties(package.xml(custom_name)) if custom_name else {}
    core_name = package.related_part("", "core-properties")
    core = read_core_properties(package.xml(core_name)) if core_name else {}
    paragraphs = []
    for rev in docx.paragraphs:
        pid = paragraph_id(rev)
        if pid is None:
            raise DraftingInputError("a paragraph has lost its id bookmark; start from the spec instead",
                                     source=source)
        role = ROLE_BY_STYLE.get(rev.style or "", Role.TEXT)
        # Our renderer gives emphasis and opening phrases character styles rather than direct formatting.
        spans = tuple(Span(r.text, r.italic or r.style in ("Emphasis", "OpeningPhrase"),
                           r.bold or r.style == "Strong", r.style == "OpeningPhrase")
                      for r in rev.runs if r.text)
        level = 1 if role in (Role.SUBITEM, Role.BULLET) else 0
        paragraphs.append(Paragraph(pid, role, spans, level=level))
    profile = custom.get("DraftingProfile", "as-issued")
    if profile not in PROFILES:
        profile = "as-issued"
    try:
        date = dt.date.fromisoformat(core.get("created", "")[:10])
    except ValueError:
        date = dt.date(2000, 1, 1)
    title = next((p.text for p in paragraphs if p.role is Role.TITLE), core.get("title", ""))
    meta = Meta(
        document_id=version.identity.document_id, name=version.identity.document_id, title=title, issuing="",
        meeting=core.get("subject", ""), place="", country="", date=date, participants=(), observers=(),
        symbol=custom.get("DraftingSymbol", ""), language=version.identity.language,
        languages=(version.identity.language,), profile=profile, subject=core.get("subject", ""),
        revision=version.identity.revision,
    )
    stored = custom.get(PROP_META)
    if stored:  # the full metadata our renderer stores: name, languages, signatures, places, translations
        import json

        from drafting.model.serial import meta_from_dict

        try:
            meta = meta_from_dict(json.loads(stored))
        except (ValueError, TypeError, KeyError) as exc:
            raise DraftingInputError(f"its {PROP_META} property is damaged", source=source) from exc
    labelled = relabel(paragraphs, get_profile(profile, meta.language))
    return Document(meta=meta, paragraphs=labelled, language=meta.language)
