"""Redlines: compare two versions into Word tracked changes, list a file's amendments, accept or reject all."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from drafting.support.atomic import write_atomic

if TYPE_CHECKING:
    from drafting.model.document import Amendment


def redline(old: Path, new: Path, out: Path, *, author: str, date: str | None = None) -> list[str]:
    """Write OUT, a .docx showing OLD → NEW as tracked changes by `author`; return findings."""
    from drafting.readers.docx import read_docx_version
    from drafting.readers.files import load_submission
    from drafting.render.docx import render_docx
    from drafting.render.redline import plain_document, redline_files

    old_version, old_docx = load_submission(old)
    new_version, _ = load_submission(new)
    if old_docx is None:  # a Markdown or text OLD is laid out on the project's template first
        rendered = render_docx(plain_document(old_version.paragraphs, old_version.source))
        old_docx = read_docx_version(rendered, old_version.source)
    data, findings = redline_files(old_version, old_docx, new_version, author=author, date=date)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, data)
    return findings


def list_amendments(path: Path, *, base: Path | None = None, delegation: str | None = None,
                    clauses: Path | None = None) -> list[Amendment]:
    """The amendments in a submission: tracked changes, plus untracked differences from `base` if given."""
    from drafting.app.documents import default_registry
    from drafting.readers.amendments import submission_amendments
    from drafting.readers.files import load_submission

    version, docx = load_submission(path)
    base_paragraphs = load_submission(base)[0].paragraphs if base is not None else None
    return submission_amendments(version, docx, base_paragraphs, delegation=delegation,
                                 registry=default_registry(clauses))


def text_of(path: Path, view: str = "accepted") -> list[str]:
    """Paragraph texts of a version in `view` (accepted, original, or all with [+…+]/[-…-] marks)."""
    from drafting.ooxml.tracked.read import paragraph_texts
    from drafting.readers.files import load_submission

    version, docx = load_submission(path)
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
