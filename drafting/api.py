"""The library API: what the CLI calls and what other programs may call. Paths in, results out.

Every function either returns its result or raises `DraftingInputError` (rejected input) / `DraftingError`;
files are written only after every output has been computed, each atomically, so a failure leaves no
half-written output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from drafting.atomic import write_atomic
from drafting.clauses import ClauseLibrary, Problem, check_library, load_library
from drafting.errors import DraftingInputError, DraftingUsageError
from drafting.model import Document, DocumentSpec

if TYPE_CHECKING:
    from drafting.lint import LintFinding

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CLAUSES = PROJECT_ROOT / "clauses"
FORMATS = ("md", "docx", "pdf")


def default_clause_dir() -> Path:
    """The project's clauses/, relative to the working directory when inside it (shorter messages)."""
    try:
        return DEFAULT_CLAUSES.relative_to(Path.cwd())
    except ValueError:
        return DEFAULT_CLAUSES


def library_for(spec: DocumentSpec, clauses: Path | None = None) -> ClauseLibrary:
    """The clause library a spec names (or `clauses`, or the project's `clauses/`)."""
    if clauses is not None:
        return load_library(clauses)
    if spec.clause_dirs:
        if len(spec.clause_dirs) > 1:
            raise DraftingInputError("only one clause library per spec is supported", source=spec.source.file)
        return load_library(Path(spec.clause_dirs[0]))
    return load_library(default_clause_dir())


def load_document(spec_path: Path, *, profile: str | None = None, language: str | None = None,
                  clauses: Path | None = None) -> Document:
    """Load a spec and assemble it."""
    from drafting.assemble import assemble
    from drafting.spec import load_spec

    spec = load_spec(spec_path)
    library = library_for(spec, clauses)
    return assemble(spec, library, profile=profile, language=language)


def parse_formats(value: str) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise DraftingUsageError(f"unknown format {unknown[0] if unknown else value!r} (choose from md, docx, pdf)")
    return formats


@dataclass(frozen=True, slots=True)
class Rendered:
    """Outputs computed in memory, ready to be written."""

    files: dict[Path, bytes]


def render(document: Document, outdir: Path, formats: Sequence[str], *, name: str | None = None) -> Rendered:
    """Render `document` in each of `formats` into memory (nothing is written)."""
    stem = name or document.meta.name
    files: dict[Path, bytes] = {}
    docx_bytes: bytes | None = None
    if "md" in formats:
        from drafting.render.markdown import render_markdown

        files[outdir / f"{stem}.md"] = render_markdown(document)
    if "docx" in formats or "pdf" in formats:
        from drafting.render.docx import render_docx

        docx_bytes = render_docx(document)
        if "docx" in formats:
            files[outdir / f"{stem}.docx"] = docx_bytes
    if "pdf" in formats:
        from drafting.render.pdf import render_pdf

        assert docx_bytes is not None
        files[outdir / f"{stem}.pdf"] = render_pdf(docx_bytes)
    return Rendered(files)


def write_outputs(rendered: Rendered) -> list[Path]:
    for path in rendered.files:
        path.parent.mkdir(parents=True, exist_ok=True)
    for path, data in rendered.files.items():
        write_atomic(path, data)
    return list(rendered.files)


def assemble_to(spec_path: Path, outdir: Path, formats: Sequence[str] = ("md", "docx"), *,
                profile: str | None = None, name: str | None = None, language: str | None = None,
                clauses: Path | None = None) -> list[Path]:
    """Assemble the spec at `spec_path` and write `<outdir>/<name>.<fmt>` for each format."""
    document = load_document(spec_path, profile=profile, language=language, clauses=clauses)
    return write_outputs(render(document, outdir, formats, name=name))


def check_clauses(directory: Path | None = None, *, strict: bool = False) -> list[Problem]:
    return check_library(directory or default_clause_dir(), strict=strict)


def lint_spec(spec_path: Path, *, profile: str | None = None, clauses: Path | None = None) -> list[LintFinding]:
    from drafting.lint import lint_document

    document = load_document(spec_path, profile=profile, clauses=clauses)
    return lint_document(document, source=str(spec_path))


# -- redlines and amendments ----------------------------------------------------------------------------------


def load_submission(path: Path):  # -> tuple[Version, DocxVersion | None]
    """Read a version file; for a .docx also its revision model (tracked changes, package)."""
    from drafting.docx_versions import read_docx_version
    from drafting.versions import detect_format, read_version

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DraftingInputError(f"cannot read file: {exc.strerror}", source=str(path)) from exc
    fmt = detect_format(path, data)
    if fmt == "docx":
        docx = read_docx_version(data, str(path))
        return docx.version, docx
    return read_version(data, str(path), fmt), None


def default_registry(clauses: Path | None = None):  # -> Registry
    from drafting.registry import REGISTRY_FILE, load_registry

    return load_registry((clauses or default_clause_dir()) / REGISTRY_FILE)


def redline(old: Path, new: Path, out: Path, *, author: str, date: str | None = None) -> list[str]:
    """Write OUT, a .docx showing OLD → NEW as tracked changes by `author`; return findings."""
    from drafting.redline.writer import redline_files

    old_version, old_docx = load_submission(old)
    new_version, _ = load_submission(new)
    data, findings = redline_files(old_version, old_docx, new_version, author=author, date=date)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, data)
    return findings


def list_amendments(path: Path, *, base: Path | None = None, delegation: str | None = None,
                    clauses: Path | None = None) -> list:  # list[Amendment]
    """The amendments in a submission: tracked changes, plus untracked differences from `base` if given."""
    from drafting.amendments import submission_amendments

    version, docx = load_submission(path)
    base_paragraphs = load_submission(base)[0].paragraphs if base is not None else None
    return submission_amendments(version, docx, base_paragraphs, delegation=delegation,
                                 registry=default_registry(clauses))


def text_of(path: Path, view: str = "accepted") -> list[str]:
    """Paragraph texts of a version in `view` (accepted, original, or all with [+…+]/[-…-] marks)."""
    from drafting.ooxml.revisions import paragraph_texts

    version, docx = load_submission(path)
    if view == "all":
        if docx is None:
            return [p.text for p in version.paragraphs]
        return paragraph_texts(docx.paragraphs, "all")
    return [p.text for p in version.view(view)]


def resolve_all(path: Path, out: Path, *, accept: bool) -> None:
    """Write OUT: FILE with every tracked change accepted (or rejected), external links stripped."""
    from drafting.ooxml.package import read_docx, write_package
    from drafting.ooxml.trackchanges import resolve_package

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DraftingInputError(f"cannot read file: {exc.strerror}", source=str(path)) from exc
    parts = resolve_package(read_docx(data, str(path)), accept=accept)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, write_package(parts))
