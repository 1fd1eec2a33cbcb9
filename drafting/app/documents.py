"""Documents: clause libraries, assembling a spec into Markdown, Word and PDF, lint and concordance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from drafting.errors import DraftingInputError, DraftingUsageError
from drafting.support.atomic import write_atomic
from drafting.support.resources import default_clause_dir

if TYPE_CHECKING:
    from drafting.conventions.lint import LintFinding
    from drafting.library.clauses import ClauseLibrary, Problem
    from drafting.library.registry import Registry
    from drafting.model.document import Document, DocumentSpec

FORMATS = ("md", "docx", "pdf")


def library_for(spec: DocumentSpec, clauses: Path | None = None) -> ClauseLibrary:
    """The clause library a spec names (or `clauses`, or the project's `clauses/`)."""
    from drafting.library.clauses import load_library

    if clauses is not None:
        return load_library(clauses)
    if spec.clause_dirs:
        if len(spec.clause_dirs) > 1:
            raise DraftingInputError("only one clause library per spec is supported", source=spec.source.file)
        return load_library(Path(spec.clause_dirs[0]))
    return load_library(default_clause_dir())


def load_library(directory: Path | None = None) -> ClauseLibrary:
    """The clause library in `directory` (default: the project's)."""
    from drafting.library.clauses import load_library as load

    return load(directory or default_clause_dir())


def default_registry(clauses: Path | None = None) -> Registry:
    """The registry of States and organisations beside the clause library."""
    from drafting.library.registry import REGISTRY_FILE, load_registry

    return load_registry((clauses or default_clause_dir()) / REGISTRY_FILE)


def load_document(spec_path: Path, *, profile: str | None = None, language: str | None = None,
                  clauses: Path | None = None) -> Document:
    """Load a spec and assemble it."""
    from drafting.conventions.assemble import assemble
    from drafting.library.spec import load_spec

    spec = load_spec(spec_path)
    library = library_for(spec, clauses)
    return assemble(spec, library, profile=profile, language=language)


def valid_output_name(name: str) -> bool:
    """Whether `name` may be an output file stem (letters, digits, '.', '-', '_'; never a path)."""
    from drafting.library.spec import NAME

    return NAME.match(name) is not None


def parse_formats(value: str, choices: Sequence[str] = FORMATS) -> tuple[str, ...]:
    """`md,docx` → ("md", "docx"); an unknown or empty list is a usage error."""
    formats = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    unknown = [f for f in formats if f not in choices]
    if unknown or not formats:
        raise DraftingUsageError(f"unknown format {unknown[0] if unknown else value!r} "
                                 f"(choose from {', '.join(choices)})")
    return formats


@dataclass(frozen=True, slots=True)
class Rendered:
    """Outputs computed in memory, ready to be written."""

    files: dict[Path, bytes] = field(default_factory=dict)


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
    """Write every output, each atomically; directories are made first."""
    for path in rendered.files:
        path.parent.mkdir(parents=True, exist_ok=True)
    for path, data in rendered.files.items():
        write_atomic(path, data)
    return list(rendered.files)


def output_stem(stem: str, language: str, primary: str) -> str:
    """`<name>` for the spec's own language, `<name>.<lang>` for the other language versions."""
    return stem if language == primary else f"{stem}.{language}"


def assemble_to(spec_path: Path, outdir: Path, formats: Sequence[str] = ("md", "docx"), *,
                profile: str | None = None, name: str | None = None, language: str | None = None,
                clauses: Path | None = None) -> list[Path]:
    """Assemble the spec at `spec_path` in every language it lists (or `language`) and write
    `<outdir>/<name>.<fmt>` (the spec's language) and `<outdir>/<name>.<lang>.<fmt>` (the others)."""
    from drafting.conventions.assemble import assemble
    from drafting.library.spec import load_spec

    spec = load_spec(spec_path)
    library = library_for(spec, clauses)
    languages = [language] if language else list(spec.meta.languages)
    files: dict[Path, bytes] = {}
    for lang in languages:
        document = assemble(spec, library, profile=profile, language=lang)
        stem = output_stem(name or spec.meta.name, lang, spec.meta.language)
        files.update(render(document, outdir, formats, name=stem).files)
    return write_outputs(Rendered(files))


def check_clauses(directory: Path | None = None, *, strict: bool = False) -> list[Problem]:
    """Every problem of the clause library in `directory` (default: the project's)."""
    from drafting.library.clauses import check_library

    return check_library(directory or default_clause_dir(), strict=strict)


def lint_spec(spec_path: Path, *, profile: str | None = None, clauses: Path | None = None) -> list[LintFinding]:
    """Breaches of the drafting conventions in the assembled spec."""
    from drafting.conventions.lint import lint_document

    document = load_document(spec_path, profile=profile, clauses=clauses)
    return lint_document(document, source=str(spec_path))
