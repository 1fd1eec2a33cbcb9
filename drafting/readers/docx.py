"""Reading a .docx submission: hardened package, tracked changes, paragraph ids, identity, comments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from drafting.conventions.identity import BOOKMARK_PREFIX, PROP_META, identity_from_properties, normalise_text
from drafting.errors import safe_display
from drafting.model.version import Version, VersionParagraph
from drafting.ooxml.opc.package import Package, read_docx
from drafting.ooxml.tracked.read import (
    Comment,
    RevisionKind,
    RevParagraph,
    RevRun,
    is_revised,
    joins_next,
    read_story,
    row_gone,
)
from drafting.ooxml.wml.stories import (
    header_footer_parts,
    note_elements,
    note_references,
    unresolved_header_footer_references,
)
from drafting.ooxml.wml.tree import read_custom_properties

if TYPE_CHECKING:
    from drafting.model.document import Document

_ADDED = frozenset({RevisionKind.INSERT, RevisionKind.MOVE_TO})
_REMOVED = frozenset({RevisionKind.DELETE, RevisionKind.MOVE_FROM})


@dataclass(frozen=True)
class StoryVersion:
    """A story other than the body: a footnote, an endnote, a header or a footer, read like the body.

    `name` is what a reader sees ("footnote 3", "endnote 1", "header default", "footer first (section 2)");
    `part` the package part holding it; `key` identifies its element in the part (the note's w:id, "" for a
    header or footer, whose part is the whole story).
    """

    name: str
    part: str
    key: str
    paragraphs: tuple[RevParagraph, ...]
    unread: tuple[str, ...] = ()

    def text(self, view: Literal["accepted", "original"] = "accepted") -> tuple[str, ...]:
        return tuple(p.text for p in view_paragraphs(self.paragraphs, view))


@dataclass(frozen=True)
class DocxVersion:
    """A .docx read for comparison: the `Version`, its package, and its revision model.

    `stories` are the notes, headers and footers; `losses` the changes this file holds that no amendment
    represents (tracked changes outside the body, property and numbering changes, revisions nested in
    another author's, text in containers the reader does not take): a command that would drop them says so
    and fails unless told the loss is acceptable.
    """

    version: Version
    package: Package
    paragraphs: tuple[RevParagraph, ...]
    comments: tuple[Comment, ...]
    stories: tuple[StoryVersion, ...] = ()
    losses: tuple[str, ...] = ()


def paragraph_id(paragraph: RevParagraph) -> str | None:
    """The stable id our .docx gives a paragraph (its `dp_` bookmark), if it still has one."""
    for name in paragraph.bookmarks:
        if name.startswith(BOOKMARK_PREFIX) and len(name) > len(BOOKMARK_PREFIX):
            return name[len(BOOKMARK_PREFIX):]
    return None


def view_paragraphs(paragraphs: Sequence[RevParagraph], view: Literal["accepted", "original"]
                    ) -> tuple[VersionParagraph, ...]:
    """Paragraphs in `view` with their ids; a paragraph whose mark goes away joins the next (ECMA §17.13.5.15)."""
    out: list[VersionParagraph] = []
    carry: dict[str | None, tuple[str, str | None, str | None]] = {}  # per story: text, id, style
    for p in paragraphs:
        if row_gone(p, view):
            carry.pop(p.story, None)
            continue
        carry_text, carry_id, carry_style = carry.pop(p.story, ("", None, None))
        text = carry_text + p.text(view)
        pid = carry_id or paragraph_id(p)
        style = carry_style or (None if p.drop_cap else p.style)
        if joins_next(p, view):
            carry[p.story] = (text, pid, style)
            continue
        out.append(VersionParagraph(pid, normalise_text(text), style, p.story or ""))
    out.extend(VersionParagraph(pid, normalise_text(text), style, story or "")
               for story, (text, pid, style) in carry.items() if text or pid)
    return tuple(out)


def read_docx_version(data: bytes, source: str) -> DocxVersion:
    """Read a .docx with the hardened loader, then its body, comments, other stories and identity."""
    package = read_docx(data, source)
    root = package.xml(package.main_document)
    comments_name = package.related_part(package.main_document, "comments")
    comments_root = package.xml(comments_name) if comments_name else None
    body = read_story(root, comments_root)
    paragraphs, comments = body.paragraphs, body.comments
    custom = package.related_part("", "custom-properties")
    identity = identity_from_properties(read_custom_properties(package.xml(custom))) if custom else None
    tracked = any(is_revised(p) for p in paragraphs)
    notes_roots = {part: package.xml(part) for rel_type, _ in NOTE_KINDS
                   if (part := package.related_part(package.main_document, rel_type)) is not None}
    stories = read_stories_of(package, root, notes_roots)
    losses = [*(f"body: {line}" for line in body.unread), *_paragraph_losses("body", paragraphs, formats=False),
              *_unresolved_references(package, root, notes_roots)]
    for story in stories:
        losses.extend(f"{story.name}: {line}" for line in story.unread)
        losses.extend(_paragraph_losses(story.name, story.paragraphs))
        revised = sum(1 for p in story.paragraphs if is_revised(p))
        if revised:
            losses.append(f"{story.name}: tracked changes in {revised} paragraph(s) are not amendments "
                          "(only the body text is negotiated)")
    for comment in comments:
        if comment.revised:
            losses.append(f"comment {comment.id} by {comment.author or 'an unknown author'}: tracked changes in "
                          f"{comment.revised} paragraph(s) of the comment are not amendments (only its accepted text "
                          "is kept)")
    findings = tuple(f"{f.part}: {f.message}" for f in package.findings) + tuple(losses)
    version = Version(
        source=source, format="docx", paragraphs=view_paragraphs(paragraphs, "accepted"),
        original=view_paragraphs(paragraphs, "original"), identity=identity, tracked=tracked, findings=findings,
    )
    return DocxVersion(version, package, tuple(paragraphs), tuple(comments), stories, tuple(losses))


def _unresolved_references(package: Package, root: Any, notes_roots: dict[str, Any]) -> list[str]:
    """The body's references to a story the package does not hold: a note reference whose note is not in the
    notes part (or there is no notes part the document relates to), a header or footer reference whose
    relationship id the main part lacks. Word cannot show such a story either; the file is damaged, and
    whatever the delegation put there is not read, so it is named rather than passed over."""
    out: list[str] = []
    main = package.main_document
    for rel_type, kind in NOTE_KINDS:
        refs = list(dict.fromkeys(note_references(root, kind)))
        if not refs:
            continue
        part = package.related_part(main, rel_type)
        held = {note_id for note_id, _ in note_elements(notes_roots[part], kind)} if part in notes_roots else set()
        missing = [ref for ref in refs if ref not in held]
        if missing:
            shown = ", ".join(safe_display(ref)[:20] for ref in missing[:5]) + (", …" if len(missing) > 5 else "")
            why = f"no such note in {part}" if part is not None else f"the document has no {rel_type} part"
            out.append(f"body: {len(missing)} {kind} reference(s) lead to no {kind} (id {shown}: {why})")
    for number, kind, type_, rel_id in unresolved_header_footer_references(package, root):
        shown = safe_display(rel_id)[:40]
        out.append(f"section {number}: {kind} {safe_display(type_)[:20]} refers to relationship {shown!r}, which "
                   "the document lacks")
    return out


def _paragraph_losses(story: str, paragraphs: Sequence[RevParagraph], *, formats: bool = True) -> list[str]:
    """Changes in `paragraphs` that no amendment carries: numbering and paragraph-property changes where
    `formats` (the body's are `format` amendments, as the notes' are once read in the text), and text one
    author inserted and another deleted (it is in neither view)."""
    out = []
    for index, p in enumerate(paragraphs, start=1):
        where = f"{story} paragraph {index}"
        if formats and p.numbering_change is not None:
            out.append(f"{where}: numbering changed by {p.numbering_change.author or 'an unknown author'}")
        elif formats and p.property_change is not None:
            out.append(f"{where}: paragraph properties changed by {p.property_change.author or 'an unknown author'}")
        for run in p.runs:
            if _nested_loss(run):
                assert run.outer is not None and run.revision is not None
                out.append(f"{where}: {run.text[:40]!r} {_verb(run.outer.kind)} by {run.outer.author or '?'} "
                           f"and {_verb(run.revision.kind)} by {run.revision.author or '?'}")
    return out


def _nested_loss(run: RevRun) -> bool:
    """A revision inside another one that changes the text (a deletion inside a move, a move inside an
    insertion…). Text one author inserted and another deleted is in neither view and changes nothing: both
    authors stay in the revision model (`RevRun.outer`), so it is not a loss."""
    if run.outer is None or run.revision is None:
        return False
    return (run.outer.kind, run.revision.kind) != (RevisionKind.INSERT, RevisionKind.DELETE)


def _verb(kind: RevisionKind) -> str:
    return {RevisionKind.INSERT: "inserted", RevisionKind.DELETE: "deleted", RevisionKind.MOVE_FROM: "moved away",
            RevisionKind.MOVE_TO: "moved here"}.get(kind, kind.value)


def with_footnotes(docx: DocxVersion) -> DocxVersion:
    """`docx` with its footnotes read as paragraphs of the text, each note's paragraphs right after the
    paragraph that refers to it (story "footnote N"), so that their tracked and untracked changes become
    amendments like the body's; how a text with notes is negotiated. A note nothing refers to stays a story."""
    from dataclasses import replace

    from drafting.ooxml.tracked.read import paragraph_elements
    from drafting.ooxml.wml.stories import note_reference_offsets

    notes = {story.key: story for story in docx.stories if story.name.startswith("footnote ")}
    if not notes:
        return docx
    root = docx.package.xml(docx.package.main_document)
    placed: dict[str, StoryVersion] = {}
    paragraphs: list[RevParagraph] = []
    for rev, element in zip(docx.paragraphs, paragraph_elements(root), strict=True):
        paragraphs.append(rev)
        for note_id, _ in note_reference_offsets(element):
            story = notes.get(note_id)
            if story is not None and note_id not in placed:
                placed[note_id] = story
                if not story.paragraphs:  # a note without a w:p (Word always writes one): no text to place
                    continue
                first, *rest = story.paragraphs
                paragraphs.append(replace(first, story=story.name, runs=_after_note_mark(first.runs)))
                paragraphs.extend(replace(p, story=story.name) for p in rest)
    if not placed:
        return docx
    names = {f"{story.name}: " for story in placed.values()}
    carried = ("only the body text", "numbering changed by", "paragraph properties changed by")
    losses = tuple(line for line in docx.losses
                   if not (any(line.startswith(name) for name in names) and any(c in line for c in carried)))
    findings = tuple(f for f in docx.version.findings if f in losses or f not in docx.losses)
    version = replace(docx.version, paragraphs=view_paragraphs(paragraphs, "accepted"),
                      original=view_paragraphs(paragraphs, "original"), findings=findings,
                      tracked=docx.version.tracked or any(is_revised(p) for p in paragraphs))
    stories = tuple(s for s in docx.stories if s.key not in placed or not s.name.startswith("footnote "))
    return replace(docx, version=version, paragraphs=tuple(paragraphs), losses=losses, stories=stories)


def _after_note_mark(runs: tuple[RevRun, ...]) -> tuple[RevRun, ...]:
    """A note's first runs without the space or tab that Word and LibreOffice put after its number mark, in or
    out of a revision: it is layout, not the note's words (positions of changes count from the first word, as
    the base text's do)."""
    from dataclasses import replace

    out = list(runs)
    while out and not out[0].text.strip():
        out.pop(0)
    if out and out[0].text != out[0].text.lstrip():  # LibreOffice writes the tab into a deletion's first run
        out[0] = replace(out[0], text=out[0].text.lstrip())
    return tuple(out)


NOTE_KINDS = (("footnotes", "footnote"), ("endnotes", "endnote"))
def read_stories(package: Package, document_root: Any) -> tuple[StoryVersion, ...]:
    """The footnotes and endnotes (numbered in the order the body refers to them), then the headers and
    footers (named by their type, and their section when the document has more than one)."""
    return read_stories_of(package, document_root, {})


def read_stories_of(package: Package, document_root: Any, roots: dict[str, Any]) -> tuple[StoryVersion, ...]:
    """`read_stories`, taking a part's parsed root from `roots` (by part name) when it is there."""
    def xml(part: str) -> Any:
        return roots[part] if part in roots else package.xml(part)

    stories: list[StoryVersion] = []
    main = package.main_document
    for rel_type, kind in NOTE_KINDS:
        part = package.related_part(main, rel_type)
        if part is None:
            continue
        notes = {note_id: el for note_id, el in note_elements(xml(part), kind)}
        order = [ref for ref in note_references(document_root, kind) if ref in notes]
        numbered = {note_id: n for n, note_id in enumerate(dict.fromkeys(order), start=1)}
        for note_id, el in notes.items():
            name = f"{kind} {numbered[note_id]}" if note_id in numbered else f"{kind} (id {note_id}, not referenced)"
            read = read_story(el)
            stories.append(StoryVersion(name, part, note_id, tuple(read.paragraphs), read.unread))
    for kind, part, section, sections in header_footer_parts(package, document_root):
        where = f" (section {section})" if sections > 1 else ""
        read = read_story(xml(part))
        stories.append(StoryVersion(f"{kind}{where}", part, "", tuple(read.paragraphs), read.unread))
    return tuple(stories)



def document_from_docx(data: bytes, source: str) -> Document:
    """Rebuild the model of a .docx made by `drafting assemble`: ids from bookmarks, roles from styles,
    identity and metadata from the document properties. Other Word files are refused (no ids to keep)."""
    import datetime as dt

    from drafting.conventions.inline import normalise_spans
    from drafting.conventions.numbering import relabel
    from drafting.conventions.profiles import PROFILES, get_profile
    from drafting.conventions.wordstyles import ROLE_BY_STYLE
    from drafting.errors import DraftingInputError
    from drafting.model.document import Document, Meta, Paragraph, Role, Span
    from drafting.ooxml.tracked.read import paragraph_elements
    from drafting.ooxml.wml.stories import cell_position, note_reference_offsets
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
    notes = {story.key: story for story in docx.stories if story.name.startswith("footnote ")}
    unreferenced = [story.name for story in docx.stories if story.name.startswith(("footnote (", "endnote"))]
    if unreferenced:
        raise DraftingInputError(f"{unreferenced[0]} has no place in a negotiated text; start from the spec "
                                 "instead", source=source)
    tables: dict[int, int] = {}
    paragraphs = []
    root = package.xml(package.main_document)
    for rev, element in zip(docx.paragraphs, paragraph_elements(root), strict=True):
        pid = paragraph_id(rev)
        if pid is None and not rev.text("accepted").strip() and cell_position(element) is None:
            continue  # an empty paragraph holds no text (Word's paragraph after a closing table)
        if pid is None:
            raise DraftingInputError("a paragraph has lost its id bookmark; start from the spec instead",
                                     source=source)
        role = ROLE_BY_STYLE.get(rev.style or "", Role.TEXT)
        # Our renderer gives emphasis and opening phrases character styles rather than direct formatting.
        spans = [Span(r.text, r.italic or r.style in ("Emphasis", "OpeningPhrase"),
                      r.bold or r.style == "Strong", r.style == "OpeningPhrase")
                 for r in rev.runs if r.text]
        references = [(notes[note_id], at) for note_id, at in note_reference_offsets(element) if note_id in notes]
        note_paragraphs = []
        for story, at in references:
            note_ids = [paragraph_id(p) for p in story.paragraphs]
            if len(story.paragraphs) != 1 or note_ids[0] is None:
                raise DraftingInputError(f"{story.name} is not a note drafting wrote (one paragraph with its id); "
                                         "start from the spec instead", source=source)
            spans = _insert_note(spans, at, note_ids[0])
            note = story.paragraphs[0]
            note_paragraphs.append(Paragraph(note_ids[0], Role.FOOTNOTE, normalise_spans(
                [Span(r.text, r.italic or r.style == "Emphasis", r.bold or r.style == "Strong") for r in note.runs])))
        position = cell_position(element)
        cell = None
        if position is not None:
            cell = (tables.setdefault(id(position[0]), len(tables) + 1), position[1], position[2])
            role = Role.CELL
        level = 1 if role in (Role.SUBITEM, Role.BULLET) else 0
        paragraphs.append(Paragraph(pid, role, normalise_spans(spans), level=level, cell=cell))
        paragraphs.extend(note_paragraphs)
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


def _insert_note(spans: list[Any], at: int, note_id: str) -> list[Any]:
    """`spans` (model `Span`s) with a reference to footnote `note_id` at character offset `at`."""
    from dataclasses import replace

    from drafting.model.document import Span

    out = []
    offset = 0
    placed = False
    for span in spans:
        if not placed and offset <= at < offset + len(span.text):
            cut = at - offset
            if cut:
                out.append(replace(span, text=span.text[:cut]))
            out.append(Span("", note=note_id))
            out.append(replace(span, text=span.text[cut:]))
            placed = True
        else:
            out.append(span)
        offset += len(span.text)
    if not placed:
        out.append(Span("", note=note_id))
    return out
