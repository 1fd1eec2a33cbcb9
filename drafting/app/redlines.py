"""Redlines: compare two versions into Word tracked changes, list a file's amendments, accept or reject all."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from drafting.support.atomic import write_atomic

if TYPE_CHECKING:
    from drafting.model.document import Amendment


def redline(old: Path, new: Path, out: Path, *, author: str, date: str | None = None,
            existing: str = "accept", lossy_ok: bool = False) -> list[str]:
    """Write OUT, a .docx showing OLD → NEW as tracked changes by `author`; return findings.

    `existing` is the policy for tracked changes already in OLD or NEW (accept them first, or refuse). A
    change the redline cannot show (a new footnote, an image, a story on one side only…) refuses the whole
    redline, nothing written, unless `lossy_ok`; then it is written and each loss is a finding ("lost: …").
    """
    from drafting.readers.docx import read_docx_version
    from drafting.readers.files import LossError, load_submission
    from drafting.render.redline import plain_document, redline_files

    old_version, old_docx = load_submission(old, lossy_ok=True, footnotes=False)
    new_version, new_docx = load_submission(new, lossy_ok=True, footnotes=False)
    if old_docx is None:  # a Markdown or text OLD is laid out on the project's template first
        from drafting.render.docx import render_docx

        rendered = render_docx(plain_document(old_version.paragraphs, old_version.source))
        old_docx = read_docx_version(rendered, old_version.source)
    losses: list[str] = []
    if new_docx is None and old_docx is not None:
        new_version = _without_notes(new_version, old_docx, losses)
    data, findings = redline_files(old_version, old_docx, new_version, author=author, date=date, new_docx=new_docx,
                                   existing=existing, losses=losses)
    unread = [f"{side.version.source}: {line}" for side in (old_docx, new_docx) if side is not None
              for line in side.losses if "is not read" in line]
    losses = [*unread, *losses]
    if losses and not lossy_ok:
        raise LossError(losses, str(new))  # (the changes are NEW's; OUT is not written)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, data)
    return [*findings, *(f"lost: {line}" for line in losses)]


def _without_notes(new: Any, old_docx: Any, losses: list[str]) -> Any:
    """A Markdown or text NEW without its footnotes (`[^1]: …`, read as paragraphs of their own), which the
    redline compares as notes, not as body paragraphs: one equal to OLD's note is no change, one that differs
    is a loss named here (the redline edits notes only from a .docx NEW)."""
    from dataclasses import replace

    from drafting.readers.docx import with_footnotes

    notes = [p for p in new.paragraphs if p.story.startswith("footnote")]
    if not notes:
        return new
    old_notes = {p.id: p.text for p in with_footnotes(old_docx).version.paragraphs if p.story and p.id}
    for note in notes:
        if old_notes.get(note.id or "") != note.text:
            losses.append(f"{note.story}: changed in {new.source}; a note is edited only from a .docx NEW "
                          "(or submit the file: its notes are amendments)")
    kept = tuple(p for p in new.paragraphs if not p.story.startswith("footnote"))
    return replace(new, paragraphs=kept, original=kept)


def list_amendments(path: Path, *, base: Path | None = None, delegation: str | None = None,
                    clauses: Path | None = None, lossy_ok: bool = False, unlisted: bool = False) -> list[Amendment]:
    """The amendments in a submission: tracked changes, plus untracked differences from `base` if given.

    A file holding changes no amendment represents is refused unless `lossy_ok` (see `amendments_report`).
    """
    return amendments_report(path, base=base, delegation=delegation, clauses=clauses, lossy_ok=lossy_ok,
                             unlisted=unlisted)[0]


def amendments_report(path: Path, *, base: Path | None = None, delegation: str | None = None,
                      clauses: Path | None = None, lossy_ok: bool = False,
                      unlisted: bool = False) -> tuple[list[Amendment], list[str]]:
    """The amendments in a submission and the changes it holds that no amendment represents (`losses`:
    tracked changes in notes or headers, numbering and paragraph-property changes, nested revisions…).
    With losses and not `lossy_ok`, a `LossError` naming them. `delegation`, who submitted the file, is named
    as a Word author would be ("Delegation of Kazakhstan"); one the registry does not know is refused with
    the closest names, unless `unlisted`. Tracked changes are attributed to their authors as the registry
    knows them, or, for an author it does not know, under the author's own name (with no code)."""
    from drafting.app.documents import default_registry
    from drafting.readers.amendments import delegation_of, submission_amendments
    from drafting.readers.files import load_submission

    registry = default_registry(clauses)
    if delegation is not None and not unlisted and delegation_of(delegation, registry)[1] is None:
        raise registry.unknown_delegation(delegation)
    version, docx = load_submission(path, lossy_ok=lossy_ok)
    base_paragraphs = load_submission(base, lossy_ok=True)[0].paragraphs if base is not None else None
    found = submission_amendments(version, docx, base_paragraphs, delegation=delegation, registry=registry)
    return found, list(docx.losses) if docx is not None else []


def text_of(path: Path, view: str = "accepted") -> list[str]:
    """Paragraph texts of a version in `view` (accepted, original, or all with [+…+]/[-…-] marks)."""
    from drafting.ooxml.tracked.read import paragraph_texts
    from drafting.readers.files import load_submission

    version, docx = load_submission(path, lossy_ok=True)  # a view drops nothing: it shows what is there
    if view == "all":
        if docx is None:
            return [p.text for p in version.paragraphs]
        return paragraph_texts(docx.paragraphs, "all")
    return [p.text for p in version.view(view)]


def resolve_all(path: Path, out: Path, *, accept: bool) -> None:
    """Write OUT: FILE with every tracked change accepted (or rejected), external links stripped."""
    from drafting.ooxml.opc.package import read_docx
    from drafting.ooxml.tracked.write import resolve_package
    from drafting.ooxml.wml.markup import write_package
    from drafting.readers.files import read_bytes

    parts = resolve_package(read_docx(read_bytes(path), str(path)), accept=accept)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, write_package(parts))
