"""The library API: what the CLI calls and what other programs may call. Paths in, results out.

Every function either returns its result or raises `DraftingInputError` (rejected input) / `DraftingError`;
files are written only after every output has been computed, each atomically, so a failure leaves no
half-written output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from pathlib import Path

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
