"""compilation.docx: the current revision with each delegation's proposals as its own tracked changes.

Built on the revision's own .docx (same styles, numbering, bookmarks). A conflicting paragraph is never
written as overlapping revisions: its text is replaced, as one revision by the secretariat, with the
bracketed alternatives; Reject All still gives the revision's text. New paragraphs follow their anchor
with their bis/ter label as text (they are outside Word's automatic numbering).
"""

from __future__ import annotations

from typing import Any

from drafting.model.document import AmendmentKind
from drafting.negotiation.compilation import INLINE, Compilation, Entry, Proposal, alternatives_text
from drafting.ooxml.opc.package import read_docx
from drafting.ooxml.tracked.comments import NewComment, comment_parts
from drafting.ooxml.tracked.read import paragraph_elements, read_body
from drafting.ooxml.tracked.write import (
    Change,
    RevisionIds,
    apply_changes,
    insert_paragraph_after,
    insert_paragraph_before,
    mark_paragraph_deleted,
    tracked_package,
)
from drafting.ooxml.wml.fixed import label_as_text, numbered
from drafting.ooxml.wml.stories import note_elements
from drafting.readers.docx import view_paragraphs
from drafting.readers.text import written_label

SECRETARIAT = "Secretariat (alternatives)"
NUMBERS = "Secretariat (amendment numbers)"


def numbers_note(proposals: tuple[Proposal, ...]) -> str:
    """`KAZ/1 Kazakhstan; TJK/2 Tajikistan (made without Track Changes; supported by Kyrgyzstan)`."""
    out = []
    for proposal in proposals:
        refs = ", ".join(f"{n} {a.delegation}" for n, a in zip(proposal.numbers or tuple(a.id for a in
                                                                                            proposal.amendments),
                                                                proposal.amendments, strict=True))
        extra = [*(["made without Track Changes"] if proposal.untracked else []),
                 *([f"supported by {', '.join(proposal.supporters)}"] if proposal.supporters else [])]
        out.append(refs + (f" ({'; '.join(extra)})" if extra else ""))
    return "; ".join(out)


def _changes(entry: Entry, label: str) -> list[Change]:
    """The paragraph's proposals as changes to its text, after the `label` the revision wrote as text."""
    text = entry.paragraph.text
    changes: list[Change] = [Change("equal", label)]
    position = 0
    for proposal in entry.proposals:
        if proposal.kind not in INLINE or proposal.start < position:
            continue
        author = proposal.attribution
        date = proposal.first.date
        changes.append(Change("equal", text[position:proposal.start]))
        if proposal.first.old:
            changes.append(Change("delete", proposal.first.old, author, date))
        if proposal.first.new:
            changes.append(Change("insert", proposal.first.new, author, date))
        position = proposal.end
    changes.append(Change("equal", text[position:]))
    return [c for c in changes if c.text or c.op != "equal"]


def _in_note(entry: Entry, text: str) -> str:
    """A comment's text, naming the footnote it is about when the paragraph is one."""
    return f"{entry.paragraph.story}: {text}" if entry.paragraph.story.startswith("footnote") else text


def compilation_docx(compilation: Compilation, revision_docx: bytes, *, date: str) -> bytes:
    """The compilation .docx, on `revision_docx` (the revision as issued)."""
    package = read_docx(revision_docx, "revision")
    root = package.xml(package.main_document)
    # The revision's paragraphs as `read_docx_version` gives them (its accepted view), read from the tree that
    # is then edited: the compilation needs neither its comments, notes, headers nor the loss checks.
    paragraphs = view_paragraphs(read_body(root)[0], "accepted")
    elements = paragraph_elements(root)
    by_id = {p.id: el for p, el in zip(paragraphs, elements, strict=True) if p.id}
    written = {p.id: p.text for p in paragraphs if p.id}
    # The text's footnotes are paragraphs of the negotiation too: their proposals are written in footnotes.xml.
    stories: dict[str, Any] = {}
    in_notes: set[Any] = set()
    notes_part = package.related_part(package.main_document, "footnotes")
    if notes_part is not None:
        notes_root = stories[notes_part] = package.xml(notes_part)
        for _, note in note_elements(notes_root, "footnote"):
            in_note = paragraph_elements(note)
            for p, el in zip(view_paragraphs(read_body(note)[0], "accepted"), in_note, strict=True):
                if p.id:
                    by_id[p.id], written[p.id] = el, p.text
                    in_notes.add(el)
    ids = RevisionIds(root, *stories.values())
    notes: list[NewComment] = []
    anchor = None
    for entry in compilation.entries:
        if entry.new:
            proposal = entry.proposals[0]
            label = f"{entry.paragraph.label} " if entry.paragraph.label else ""
            text = label + proposal.first.new
            author = proposal.attribution
            when = proposal.first.date or date
            if anchor is None:
                first = elements[0]
                anchor = insert_paragraph_before(first, text, ids, author=author, date=when, numbered=False)
            else:
                anchor = insert_paragraph_after(anchor, text, ids, author=author, date=when, numbered=False)
            notes.append(NewComment(anchor, NUMBERS, date, numbers_note(entry.proposals)))
            continue
        element = by_id.get(entry.paragraph.id)
        if element is None:
            continue
        if element not in in_notes:  # a proposed new paragraph goes into the body, never into a note
            anchor = element
        # Word comments in the body only: LibreOffice cannot open a file with a comment inside a footnote. A
        # note's proposals carry their numbers in the comment of the paragraph that refers to the note.
        commented = anchor if element in in_notes else element
        if commented is not None:
            notes += [NewComment(commented, remark.delegation, remark.date or date,
                                 (f"On “{remark.anchor}”: " if remark.anchor else "") + remark.text)
                      for remark in entry.comments]
            if entry.proposals:
                notes.append(NewComment(commented, NUMBERS, date, _in_note(entry, numbers_note(entry.proposals))))
            if entry.brackets:
                notes.append(NewComment(commented, NUMBERS, date,
                                        _in_note(entry, "Bracketed alternatives: " + numbers_note(entry.brackets))))
        label = written_label(written.get(entry.paragraph.id, ""), entry.paragraph.text)  # a bis/ter label
        if not label and entry.paragraph.label and numbered(element):
            label = label_as_text(element, entry.paragraph.label)  # the number as compilation.md shows it
        if entry.conflict:
            apply_changes(element, [Change("equal", label), Change("delete", entry.paragraph.text),
                                    Change("insert", alternatives_text(entry.alternatives))],
                          ids, default_author=SECRETARIAT, default_date=date)
            continue
        deleted = next((p for p in entry.proposals if p.kind is AmendmentKind.PARAGRAPH_DELETE), None)
        if deleted is not None:
            mark_paragraph_deleted(element, ids, author=deleted.attribution, date=deleted.first.date or date)
            continue
        if any(p.kind in INLINE for p in entry.proposals):
            apply_changes(element, _changes(entry, label), ids, default_author=SECRETARIAT, default_date=date)
    return tracked_package(package, root, {**stories, **comment_parts(package, root, notes, ids)})
