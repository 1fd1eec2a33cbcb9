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
from dataclasses import dataclass, field, replace
from typing import Any

from drafting.conventions.identity import normalise_text
from drafting.errors import DraftingInputError
from drafting.model.document import Document, Meta, Paragraph, Role, Span
from drafting.model.version import Version, VersionParagraph
from drafting.ooxml.opc.package import Package
from drafting.ooxml.parser import parse_xml
from drafting.ooxml.tracked.objects import (
    ObjectCopier,
    add_notes_part,
    insert_row_after,
    order_notes,
    row_of,
    row_paragraphs,
)
from drafting.ooxml.tracked.read import (
    RevParagraph,
    following_paragraph,
    is_revised,
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
    mark_deleted_rows,
    mark_paragraph_deleted,
    merge_drop_caps,
    move_paragraph,
    tracked_package,
)
from drafting.ooxml.wml.names import qn
from drafting.readers.docx import DocxVersion, StoryVersion, read_stories_of, view_paragraphs
from drafting.redline.align import align_paragraphs
from drafting.redline.compare import ParagraphDiff, compare
from drafting.redline.diff import Op, normalise

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


EXISTING_CHANGES = ("accept", "refuse")
"""Policies for tracked changes already in OLD or NEW: ``accept`` them first and compare the accepted texts
(the default; reported as a finding), or ``refuse`` the files."""


@dataclass
class Base:
    """The document a redline is written on: its package, its parsed body (revisions accepted), its paragraphs.

    `stories` holds the other parsed parts the redline may edit (notes, headers, footers), by part name.
    """

    package: Package
    root: Any  # the parsed w:document, revisions accepted (an lxml element, handled by drafting.ooxml only)
    paragraphs: tuple[VersionParagraph, ...]
    raw: tuple[str, ...]  # each paragraph's own run text, before normalisation (what apply_changes checks)
    findings: list[str]
    body: tuple[RevParagraph, ...] = ()
    stories: dict[str, Any] = field(default_factory=dict)


def load_base(old: Version, docx: DocxVersion, existing: str = "accept") -> Base:
    """The base for a redline: OLD's package (a Markdown or text OLD is first laid out on the project's
    template by the caller, see `plain_document`), with its tracked changes resolved by the `existing` policy
    and its drop caps folded into their paragraphs."""
    findings: list[str] = []
    if docx.version is old:
        findings.extend(f for f in docx.version.findings if f not in docx.losses)
    package = docx.package
    root = package.xml(package.main_document)
    stories = {name: package.xml(name) for name in dict.fromkeys(s.part for s in docx.stories)}
    tracked = docx.version.tracked or any(_has_revisions(s.paragraphs) for s in docx.stories)
    if tracked:
        if existing == "refuse":
            raise DraftingInputError("holds tracked changes; accept or reject them first (or use "
                                     "--existing-changes accept)", source=old.source)
        accept_all(root)
        for story_root in stories.values():
            accept_all(story_root)
        findings.append(f"{old.source}: its tracked changes were accepted before comparing")
    dropped = merge_drop_caps(root)
    if dropped:
        findings.append(f"{old.source}: {dropped} drop cap(s) written as ordinary first letters")
    if tracked or dropped:
        body = tuple(read_body(root)[0])
        paragraphs = view_paragraphs(body, "accepted")
    else:  # the tree is as read: its paragraphs are those already read (redline_package checks the count)
        body, paragraphs = docx.paragraphs, docx.version.paragraphs
    return Base(package, root, paragraphs, tuple(p.text("accepted") for p in body), findings, body, stories)


def _has_revisions(paragraphs: Sequence[RevParagraph]) -> bool:
    return any(is_revised(p) for p in paragraphs)


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
                    diffs: Sequence[ParagraphDiff] | None = None, new_docx: DocxVersion | None = None,
                    losses: list[str] | None = None) -> bytes:
    """Write the changes from the base's paragraphs to `new` as tracked changes; return the .docx bytes.

    Every story is compared with its counterpart: the body, each text box (by order), and, when NEW is a
    .docx (`new_docx`), each note (aligned by content), header and footer (by name). What cannot be written
    (a note, text box or story that exists on one side only) is appended to `losses`.
    """
    package, root = base.package, base.root
    elements = paragraph_elements(root)
    if len(elements) != len(base.paragraphs):
        raise DraftingInputError("the base document changed while it was read", source=package.source)
    ids = RevisionIds(root, *_other_roots(package), *base.stories.values())
    lost = losses if losses is not None else []
    if diffs is not None:
        _write_story(elements, base.paragraphs, base.raw, new, diffs, ids, author, date, package.source)
        return tracked_package(package, root, base.stories)
    if new_docx is not None:
        _write_other_stories(base, new_docx, ids, author, date, lost)
    writable = Package(package.source, dict(package.parts), list(package.findings), package.main_document)
    copier, new_elements = _copier(base, writable, new_docx)
    old_groups = _by_story(base.body, base.paragraphs, elements, base.raw)
    new_groups = _new_by_story(new, new_docx)
    for story, (olds, els, raws) in old_groups.items():
        if story not in new_groups:
            if new_docx is not None or story is not None:
                lost.append(f"{story or 'body'}: not in the new version; deleting it is not written")
            continue
        _write_story(els, olds, raws, new_groups[story], None, ids, author, date, package.source,
                     new_elements.get(story) if copier is not None else None, copier)
    lost.extend(f"{story}: only in the new version; inserting it is not written"
                for story in new_groups if story not in old_groups)
    mark_deleted_rows(root, ids, author=author, date=date)
    if copier is not None:
        lost.extend(copier.problems)
        for kind, notes_root in copier.notes.items():
            order_notes(root, notes_root, kind)  # a new note stands where its reference does, as Word writes it
    return tracked_package(writable, root, base.stories)


def _copier(base: Base, writable: Package, new_docx: DocxVersion | None
            ) -> tuple[ObjectCopier | None, dict[str | None, list[Any]]]:
    """The object copier for a .docx NEW without tracked changes (its elements then match its paragraphs),
    and NEW's paragraph elements by story."""
    if new_docx is None or new_docx.version.tracked or any(p.drop_cap for p in new_docx.paragraphs):
        return None, {}
    new_package = new_docx.package
    new_root = new_package.xml(new_package.main_document)
    new_elements = paragraph_elements(new_root)
    if len(new_elements) != len(new_docx.paragraphs):
        return None, {}
    by_story: dict[str | None, list[Any]] = {}
    for rev, element in zip(new_docx.paragraphs, new_elements, strict=True):
        by_story.setdefault(rev.story, []).append(element)
    notes, new_notes = {}, {}
    for rel_type, kind in (("footnotes", "footnote"), ("endnotes", "endnote")):
        new_name = new_package.related_part(new_package.main_document, rel_type)
        if new_name is not None:
            new_notes[kind] = new_package.xml(new_name)
        name = base.package.related_part(base.package.main_document, rel_type)
        if name is None and new_name is not None:  # NEW has notes, OLD none: OLD gets an empty notes part
            name, root = add_notes_part(writable.parts, base.package.main_document, new_notes[kind], kind,
                                        new_package.content_type(new_name) or "")
            base.stories[name] = root
        if name is not None:
            notes[kind] = base.stories[name] if name in base.stories else base.package.xml(name)
            base.stories[name] = notes[kind]
    return ObjectCopier(base.package, new_package, writable.parts, notes, new_notes), by_story


def _by_story(body: Sequence[RevParagraph], paragraphs: Sequence[VersionParagraph], elements: Sequence[Any],
              raw: Sequence[str]) -> dict[str | None, tuple[list[VersionParagraph], list[Any], list[str]]]:
    """The base's paragraphs, elements and raw texts grouped by story (the body, then each text box)."""
    groups: dict[str | None, tuple[list[VersionParagraph], list[Any], list[str]]] = {}
    for rev, paragraph, element, text in zip(body, paragraphs, elements, raw, strict=True):
        olds, els, raws = groups.setdefault(rev.story, ([], [], []))
        olds.append(paragraph)
        els.append(element)
        raws.append(text)
    return groups


def _new_by_story(new: Sequence[VersionParagraph], new_docx: DocxVersion | None
                  ) -> dict[str | None, list[VersionParagraph]]:
    """NEW's accepted paragraphs by story; a Markdown or text NEW is all body."""
    if new_docx is None:
        return {None: list(new)}
    groups: dict[str | None, list[RevParagraph]] = {}
    for p in new_docx.paragraphs:
        groups.setdefault(p.story, []).append(p)
    return {story: list(view_paragraphs(paragraphs, "accepted")) for story, paragraphs in groups.items()}


def _write_other_stories(base: Base, new_docx: DocxVersion, ids: RevisionIds, author: str, date: str,
                         lost: list[str]) -> None:
    """Notes (aligned by their text), headers and footers (by name) of OLD edited towards NEW's."""
    from drafting.ooxml.wml.stories import note_elements

    olds = [s for s in _base_stories(base) if s.paragraphs]
    news = [s for s in new_docx.stories if s.paragraphs]
    for kind in ("footnote", "endnote"):
        old_notes = [s for s in olds if s.name.startswith(kind)]
        new_notes = [s for s in news if s.name.startswith(kind)]
        if len(old_notes) == len(new_notes):  # the same notes, in the same order: edited where they stand
            pairs = [_Pair(i, i) for i in range(len(old_notes))]
        else:
            pairs = [_Pair(a.old, a.new) for a in align_paragraphs([(None, " ".join(s.text())) for s in old_notes],
                                                                  [(None, " ".join(s.text())) for s in new_notes])]
        for pair in pairs:
            if pair.old is None or pair.new is None:
                continue  # a note added or removed goes with its reference (body); the check verifies it
            else:
                story = old_notes[pair.old]
                note = next(el for nid, el in note_elements(base.stories[story.part], kind) if nid == story.key)
                _edit_story(note, new_notes[pair.new], ids, author, date, base.package.source)
    by_name = {s.name: s for s in news if not s.name.startswith(("footnote", "endnote"))}
    for story in olds:
        if story.name.startswith(("footnote", "endnote")):
            continue
        if story.name in by_name:
            _edit_story(base.stories[story.part], by_name.pop(story.name), ids, author, date, base.package.source)
        else:
            lost.append(f"{story.name}: not in the new version; deleting it is not written")
    lost.extend(f"{name}: only in the new version; inserting it is not written" for name in by_name)


@dataclass(frozen=True, slots=True)
class _Pair:
    old: int | None
    new: int | None


def _base_stories(base: Base) -> list[StoryVersion]:
    """The base's notes, headers and footers as read after the policy (revisions accepted)."""
    return list(read_stories_of(base.package, base.root, base.stories))


def _edit_story(story_root: Any, new: StoryVersion, ids: RevisionIds, author: str, date: str, source: str) -> None:
    body = tuple(read_body(story_root)[0])
    elements = paragraph_elements(story_root)
    olds = view_paragraphs(body, "accepted")
    if len(olds) != len(elements):
        raise DraftingInputError(f"{new.name} changed while it was read", source=source)
    _write_story(elements, olds, [p.text("accepted") for p in body], view_paragraphs(new.paragraphs, "accepted"),
                 None, ids, author, date, source)


def _write_story(elements: Sequence[Any], olds: Sequence[VersionParagraph], raw: Sequence[str],
                 new: Sequence[VersionParagraph], diffs: Sequence[ParagraphDiff] | None, ids: RevisionIds,
                 author: str, date: str, source: str, new_elements: Sequence[Any] | None = None,
                 copier: ObjectCopier | None = None) -> None:
    """Record the changes from `olds` (the paragraph `elements`, whose run texts are `raw`) to `new`.

    With a `copier` and NEW's paragraph `new_elements`, a paragraph whose images, equations or note
    references differ is replaced whole (`ObjectCopier.replace`), and a new paragraph gets NEW's content.
    """
    changes = list(diffs) if diffs is not None else compare(olds, new)
    objects = copier is not None and new_elements is not None and len(new_elements) == len(new)
    anchor = None
    consumed: set[int] = set()
    matched = {diff.new for diff in changes if diff.old is not None and diff.new is not None}
    position = {diff.new: i for i, diff in enumerate(changes) if diff.old is None and diff.new is not None}
    index_of = {el: i for i, el in enumerate(new_elements)} if objects and new_elements is not None else {}
    for index, diff in enumerate(changes):
        if index in consumed:
            continue
        if objects and diff.old is None and diff.new is not None and anchor is not None:
            assert copier is not None and new_elements is not None
            new_row, old_row = row_of(new_elements[diff.new]), row_of(anchor)
            if new_row is not None and old_row is not None:
                members = [index_of[p] for p in row_paragraphs(new_row) if p in index_of]
                if members and not set(members) & matched and all(m in position for m in members):
                    # a row only in NEW, after a row of OLD: inserted as a row, not as paragraphs in a cell
                    inserted = insert_row_after(old_row, new_row, copier, ids, author, date)
                    consumed.update(position[m] for m in members)
                    anchor = row_paragraphs(inserted)[-1]
                    continue
        if objects and diff.old is not None and diff.new is not None and not diff.moved:
            assert copier is not None and new_elements is not None
            old_el, new_el = elements[diff.old], new_elements[diff.new]
            if copier.signature(old_el, copier.old, copier.notes) != \
                    copier.signature(new_el, copier.new, copier.new_notes):
                copier.replace(old_el, new_el, ids, author, date)
                anchor = old_el
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
            rich = objects and copier is not None and new_elements is not None and bool(
                copier.signature(new_elements[diff.new], copier.new, copier.new_notes))
            if rich:
                text = ""  # the content comes from NEW's paragraph itself, objects and all
            if anchor is None:
                if not elements:
                    raise DraftingInputError("the base document has no paragraph to anchor insertions",
                                             source=source)
                anchor = insert_paragraph_before(elements[0], text, ids, author=author, date=date,
                                                 ppr_from=ppr_from)
            else:
                anchor = insert_paragraph_after(anchor, text, ids, author=author, date=date, ppr_from=ppr_from)
            if rich:
                assert copier is not None and new_elements is not None
                copier.insert_content(anchor, new_elements[diff.new], ids, author, date)


def _changes(diff: ParagraphDiff, raw: str) -> list[Change]:
    """The word edits of `diff` as changes to the paragraph's raw text.

    The edits are computed on normalised text (NFC, whitespace runs as one space, no leading or trailing
    space: `normalise_text`), but `apply_changes` checks them against the runs' own characters, which may hold
    double spaces, tabs, no-break spaces, trailing spaces or decomposed accents. Each kept or deleted stretch
    is mapped back to the raw characters it stands for; spaces at either end stay as they are.
    """
    if normalise_text(raw) == raw:  # the usual case, in one pass over the edits: raw is its normalised text
        fast = _changes_of_normal(diff, raw)
        if fast is not None:
            return fast
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


def _changes_of_normal(diff: ParagraphDiff, raw: str) -> list[Change] | None:
    """`_changes` for a `raw` that is already normalised: each edit's text is the raw text itself, so the
    stretches are cut from `raw` directly instead of character by character. None (use the general way)
    when an edit does not match or ends inside a character with its combining marks."""
    out: list[Change] = []
    k = 0
    for edit in diff.edits:
        if edit.op is Op.INSERT:
            out.append(Change("insert", edit.text))
            continue
        end = k + len(edit.before)
        if raw[k:end] != edit.before or (0 < end < len(raw) and unicodedata.combining(raw[end])
                                         and not raw[end - 1].isspace()):
            return None
        out.append(Change("equal" if edit.op is Op.EQUAL else "delete", edit.before))
        k = end
    if raw[k:]:
        out.append(Change("equal", raw[k:]))
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
                  date: str | None = None, new_docx: DocxVersion | None = None, existing: str = "accept",
                  losses: list[str] | None = None) -> tuple[bytes, list[str]]:
    """The redline .docx bytes for OLD → NEW, and findings (accepted revisions, stripped links).

    What the redline cannot show (see `redline_package`, and `check_redline`) is appended to `losses`.
    """
    if not author.strip():
        raise DraftingInputError("--author must name the delegation")
    if existing not in EXISTING_CHANGES:
        raise DraftingInputError(f"unknown policy for existing tracked changes {existing!r}; expected "
                                 f"{' or '.join(EXISTING_CHANGES)}")
    base = load_base(old, old_docx, existing)
    findings = list(base.findings)
    new_tracked = new.tracked or (new_docx is not None and any(_has_revisions(s.paragraphs) for s in new_docx.stories))
    if new_tracked:
        if existing == "refuse":
            raise DraftingInputError("holds tracked changes; accept or reject them first (or use "
                                     "--existing-changes accept)", source=new.source)
        findings.append(f"{new.source}: its tracked changes were accepted (its accepted view is compared)")
    lost = losses if losses is not None else []
    old_notes = {kind: _notes_of_base(base, kind) for kind in ("footnote", "endnote")}
    data = redline_package(base, new.paragraphs, author=author.strip(), date=iso_date(date), new_docx=new_docx,
                           losses=lost)
    lost.extend(check_redline(data, base, new, new_docx, old_notes, written=base.root))
    return data, findings


def check_redline(data: bytes, base: Base, new: Version, new_docx: DocxVersion | None,
                  old_notes: dict[str, list[str]] | None = None, *, written: Any = None) -> list[str]:
    """What the written redline fails to show, story by story: its Accept All must read as NEW and its Reject
    All as OLD (as compared), and images and equations must match. One line per story that differs.

    `written` is the main document's tree that `data` was serialised from (`redline_package` edits
    `base.root` and writes it): for a Markdown or text NEW, whose check is the body alone, the body is read
    from that tree instead of unzipping and parsing it again from `data` (the same elements)."""
    from drafting.ooxml.opc.package import read_docx
    from drafting.readers.docx import read_docx_version

    problems: list[str] = []
    old_notes = old_notes or {}
    if new_docx is None:  # a Markdown or text NEW: only the body to check, read from the written document
        if written is None:
            package = read_docx(data, "redline")
            written = package.xml(package.main_document)
        body = read_body(written)[0]
        accepted, original = view_paragraphs(body, "accepted"), view_paragraphs(body, "original")
    else:
        out = read_docx_version(data, "redline")
        accepted, original = out.version.paragraphs, out.version.original
    if _texts(accepted) != _texts(new.paragraphs):
        problems.append("body: Accept All of the redline differs from the new text")
    if _texts(original) != _texts(base.paragraphs):
        problems.append("body: Reject All of the redline differs from the old text")
    if new_docx is not None:
        theirs = {s.name: _texts(s.text()) for s in new_docx.stories}
        for story in out.stories:
            if story.name.startswith(("footnote", "endnote")):
                continue
            if story.name in theirs and _texts(story.text()) != theirs[story.name]:
                problems.append(f"{story.name}: Accept All of the redline differs from the new version")
        for kind in ("footnote", "endnote"):
            for view, want, side in (("accepted", _notes(new_docx.package, kind, "accepted"), "new"),
                                     ("original", old_notes.get(kind, []), "old")):
                if _texts(_notes(out.package, kind, view)) != _texts(want):
                    verb = "Accept" if view == "accepted" else "Reject"
                    problems.append(f"{kind}s: {verb} All of the redline differs from the {side} version's")
        problems.extend(_object_losses(out, new_docx))
    return problems


def _notes_of_base(base: Base, kind: str) -> list[str]:
    """The base's note texts (its revisions resolved by the policy), before the redline edits them."""
    from drafting.ooxml.tracked.objects import notes_in_view

    name = base.package.related_part(base.package.main_document, f"{kind}s")
    root = None
    if name is not None:
        root = base.stories[name] if name in base.stories else base.package.xml(name)
    return notes_in_view(base.root, root, kind, "accepted")


def _notes(package: Package, kind: str, view: str) -> list[str]:
    """The note texts of `package` in `view`, in reference order."""
    from drafting.ooxml.tracked.objects import notes_in_view

    main = package.main_document
    name = package.related_part(main, f"{kind}s")
    return notes_in_view(package.xml(main), package.xml(name) if name else None, kind, view)


def _texts(paragraphs: Sequence[VersionParagraph] | Sequence[str]) -> list[str]:
    """Texts under the comparison policy (`redline.diff.normalise`): a difference the diff ignores on purpose
    (look-alike spaces and quotes, invisible characters) is not a loss."""
    return [normalise(p if isinstance(p, str) else p.text) for p in paragraphs]


def _object_losses(out: DocxVersion, new_docx: DocxVersion) -> list[str]:
    """Images and equations of NEW that the redline's Accept All does not have (and the reverse)."""
    from drafting.ooxml.tracked.resolve import resolve_package
    from drafting.ooxml.wml.objects import object_keys, table_shapes

    markers = (b"blip", b"imagedata", b"oMath", b"<w:tbl>", b"<w:tbl ", b":tbl>")
    stories = ("header", "footer", "footnotes", "endnotes")
    if not any(m in blob for pkg in (out.package, new_docx.package) for name, blob in pkg.parts.items()
               if name == pkg.main_document or (name.endswith(".xml") and any(s in name for s in stories))
               for m in markers):
        return []  # no image, equation or table on either side: nothing to compare (and no resolving)
    accepted = resolve_package(out.package, accept=True)
    new_parts = resolve_package(new_docx.package, accept=True)
    mine = object_keys(accepted, out.package)
    theirs = object_keys(new_parts, new_docx.package)
    lines = []
    if table_shapes(accepted, out.package) != table_shapes(new_parts, new_docx.package):
        lines.append("tables: the rows and cells of the redline's Accept All differ from the new version's "
                     "(inserted rows and tables are not written as rows)")
    for kind in ("image", "equation"):
        a = sorted(k for k in mine if k[0] == kind)
        b = sorted(k for k in theirs if k[0] == kind)
        if a != b:
            lines.append(f"{kind}s: the new version has {len(b)} ({_changed(a, b)}), the redline's Accept All "
                         f"{len(a)}; image and equation changes are not written")
    return lines


def _changed(a: list[tuple[str, str]], b: list[tuple[str, str]]) -> str:
    gained = len([k for k in b if k not in a])
    lost = len([k for k in a if k not in b])
    return f"{gained} new or changed, {lost} gone"
