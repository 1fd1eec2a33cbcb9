"""Documents: clause libraries, assembling a spec into Markdown, Word and PDF, lint and concordance."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from drafting.errors import DraftingInputError, DraftingProblems, DraftingUsageError, raise_problems
from drafting.support.atomic import write_atomic
from drafting.support.progress import task
from drafting.support.resources import default_clause_dir

if TYPE_CHECKING:
    from drafting.conventions.lint import LintFinding
    from drafting.library.clauses import ClauseLibrary, Problem
    from drafting.library.registry import Registry
    from drafting.model.document import Document, DocumentSpec

FORMATS = ("md", "docx", "pdf")


def library_for(spec: DocumentSpec, clauses: Path | None = None) -> ClauseLibrary:
    """The clause libraries a spec names, searched in order (or `clauses`, or the project's `clauses/`)."""
    from drafting.library.clauses import load_library

    if clauses is not None:
        return load_library(clauses)
    if spec.clause_dirs:
        return load_library([Path(d) for d in spec.clause_dirs], overrides=[Path(d) for d in spec.clause_overrides])
    return load_library(default_clause_dir())


def _flat(problems: Sequence[DraftingInputError]) -> list[DraftingInputError]:
    """Every single problem once (a problem every language version has is reported once)."""
    seen: set[str] = set()
    out: list[DraftingInputError] = []
    for problem in (q for p in problems for q in (p.problems if isinstance(p, DraftingProblems) else (p,))):
        if str(problem) not in seen:
            seen.add(str(problem))
            out.append(problem)
    return out


def read_spec_and_library(spec_path: Path, clauses: Path | None = None, *,
                          profile: str | None = None) -> tuple[DocumentSpec, ClauseLibrary]:
    """The spec and its clause library, or every problem of the spec at once (the spec's own, then those
    only assembly finds: unknown clause ids, parameters, codes), in file order."""
    from drafting.conventions.assemble import assemble
    from drafting.library.spec import read_spec

    spec, problems = read_spec(spec_path)
    if spec is None:
        raise_problems(problems)
    assert spec is not None
    try:
        library = library_for(spec, clauses)
    except DraftingInputError as exc:
        raise_problems([*problems, exc])
        raise
    if problems:
        try:
            assemble(spec, library, profile=profile)
        except DraftingInputError as exc:
            problems.append(exc)
        flat = _flat(problems)
        # Stable sort: the spec's problems in file order, the library's after them.
        source = str(spec_path)
        flat.sort(key=lambda p: (p.source != source, p.line or 0))
        raise_problems(flat)
    return spec, library


def load_library(directory: Path | None = None) -> ClauseLibrary:
    """The clause library in `directory` (default: the project's)."""
    from drafting.library.clauses import load_library as load

    return load(directory or default_clause_dir())


def default_registry(clauses: Path | None = None) -> Registry:
    """The registry of States and organisations beside the clause library, read when a party is first asked
    for: the negotiation commands that look no delegation up (status, log, decide, mark) never parse YAML."""
    from drafting.library.registry import REGISTRY_FILE, load_registry

    return load_registry((clauses or default_clause_dir()) / REGISTRY_FILE, on_demand=True)


def load_document(spec_path: Path, *, profile: str | None = None, language: str | None = None,
                  clauses: Path | None = None) -> Document:
    """Load a spec and assemble it."""
    from drafting.conventions.assemble import assemble

    spec, library = read_spec_and_library(spec_path, clauses, profile=profile)
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
    # PDFs still to make (path -> the .docx made into it), all at once by one office: see `with_pdfs`.
    pdfs: dict[Path, bytes] = field(default_factory=dict)

    def merge(self, other: Rendered) -> None:
        """Take in `other`'s outputs, and the PDFs it still has to make."""
        self.files.update(other.files)
        self.pdfs.update(other.pdfs)


def render(document: Document, outdir: Path, formats: Sequence[str], *, name: str | None = None,
           defer_pdf: bool = False) -> Rendered:
    """Render `document` in each of `formats` into memory (nothing is written). With `defer_pdf`, the PDF is
    left to `with_pdfs`, so that one LibreOffice start makes every PDF of a command."""
    stem = name or document.meta.name
    files: dict[Path, bytes] = {}
    pdfs: dict[Path, bytes] = {}
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
        assert docx_bytes is not None
        if defer_pdf:
            files[outdir / f"{stem}.pdf"] = b""  # keeps the order of the outputs; made by `with_pdfs`
            pdfs[outdir / f"{stem}.pdf"] = docx_bytes
        else:
            from drafting.render.pdf import render_pdf

            files[outdir / f"{stem}.pdf"] = render_pdf(docx_bytes)
    return Rendered(files, pdfs)


def with_pdfs(rendered: Rendered) -> Rendered:
    """`rendered` with every PDF it still has to make made, by one LibreOffice start for all of them."""
    if not rendered.pdfs:
        return rendered
    from drafting.render.pdf import render_pdfs

    paths = list(rendered.pdfs)
    made = dict(zip(paths, render_pdfs(list(rendered.pdfs.values()), names=[p.name for p in paths]), strict=True))
    return Rendered({**{path: made.get(path, data) for path, data in rendered.files.items()}, **made})


def write_outputs(rendered: Rendered) -> list[Path]:
    """Write every output, each atomically, after every PDF is made; directories are made first."""
    rendered = with_pdfs(rendered)
    for path in rendered.files:
        path.parent.mkdir(parents=True, exist_ok=True)
    for path, data in rendered.files.items():
        write_atomic(path, data)
    return list(rendered.files)


def output_stem(stem: str, language: str, primary: str) -> str:
    """`<name>` for the spec's own language, `<name>.<lang>` for the other language versions."""
    return stem if language == primary else f"{stem}.{language}"


def parse_languages(value: str | None, spec: DocumentSpec) -> list[str]:
    """`--language en,ru` → ["en", "ru"]; none → every language the spec lists."""
    from drafting.library.clauses import LANGUAGE_CODES
    from drafting.library.suggest import did_you_mean

    if not value:
        return list(spec.meta.languages)
    languages = list(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    for lang in languages:
        if lang not in LANGUAGE_CODES:
            hint = did_you_mean(lang, sorted(LANGUAGE_CODES)) or f" (known: {', '.join(sorted(LANGUAGE_CODES))})"
            raise DraftingUsageError(f"unknown language {lang!r}{hint}")
    return languages or list(spec.meta.languages)


def assemble_to(spec_path: Path, outdir: Path, formats: Sequence[str] = ("md", "docx"), *,
                profile: str | None = None, name: str | None = None, language: str | None = None,
                clauses: Path | None = None, warn: Callable[[str], None] | None = None) -> list[Path]:
    """Assemble the spec at `spec_path` in every language it lists (or those of `language`, e.g. "en" or
    "en,ru") and write `<outdir>/<name>.<fmt>` (the spec's language) and `<outdir>/<name>.<lang>.<fmt>`.

    A language asked for must be complete: every missing translation is reported at once. The spec's other
    languages are checked too, and what they miss is passed to `warn` (their versions are not built)."""
    from drafting.conventions.assemble import assemble

    if name is not None and not valid_output_name(name):
        raise DraftingUsageError("--name must be a plain file name (letters, digits, '.', '-', '_')")

    spec, library = read_spec_and_library(spec_path, clauses, profile=profile)
    languages = parse_languages(language, spec)
    files: dict[Path, bytes] = {}
    documents: list[Document] = []
    problems: list[DraftingInputError] = []
    for lang in languages:
        try:
            documents.append(assemble(spec, library, profile=profile, language=lang))
        except DraftingInputError as exc:
            problems.append(exc)
    raise_problems(_flat(problems))
    if warn is not None:
        for lang in spec.meta.languages:
            if lang in languages:
                continue
            try:
                assemble(spec, library, profile=profile, language=lang)
            except DraftingInputError as exc:
                for problem in _flat([exc]):
                    warn(f"{problem} (the {lang} version is not complete; it was not asked for)")
    rendered = Rendered(files)
    with task("assemble", len(documents)) as progress:
        for document in documents:
            progress.step(document.language)
            stem = output_stem(name or spec.meta.name, document.language, spec.meta.language)
            rendered.merge(render(document, outdir, formats, name=stem, defer_pdf=True))
    return write_outputs(rendered)


def check_clauses(directory: Path | Sequence[Path] | None = None, *, strict: bool = False,
                  spec: Path | None = None) -> list[Problem]:
    """Every problem of the clause library in `directory` (default: the project's); several directories,
    or the libraries `spec` names, are checked together as one library (clashing ids included)."""
    from drafting.library.clauses import check_library
    from drafting.library.spec import load_spec

    if spec is not None:
        loaded = load_spec(spec)
        if loaded.clause_dirs:
            return check_library([Path(d) for d in loaded.clause_dirs], strict=strict,
                                 overrides=[Path(d) for d in loaded.clause_overrides])
    if isinstance(directory, Path):
        return check_library(directory, strict=strict)
    return check_library(list(directory or ()) or default_clause_dir(), strict=strict)


def describe_clause_id(clause_id: str, library: ClauseLibrary) -> str:
    """The 'did you mean' hint for an unknown clause id."""
    from drafting.library.suggest import did_you_mean

    return did_you_mean(clause_id, list(library.clauses)) or "; `drafting clauses list` shows them all"


def describe_value(value: object) -> str:
    """A parameter value or default as a drafter writes it: `Almaty Process`, `en: Almaty; ru: Алматы`,
    `KAZ, KGZ` (never a Python repr)."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return "; ".join(f"{lang}: {describe_value(text)}" for lang, text in value.items())
    if isinstance(value, tuple | list):
        return ", ".join(getattr(v, "code", None) or describe_value(v) for v in value)
    return str(value)


def lint_rules() -> list[tuple[str, str]]:
    """Every lint rule as (code, summary), in catalogue order (what `drafting lint --help` lists)."""
    from drafting.conventions.lint import RULES

    return [(code, rule.summary) for code, rule in RULES.items()]


def lint_spec(spec_path: Path, *, profile: str | None = None, clauses: Path | None = None) -> list[LintFinding]:
    """Breaches of the drafting conventions in the assembled spec."""
    from drafting.conventions.lint import lint_document

    document = load_document(spec_path, profile=profile, clauses=clauses)
    return lint_document(document, source=str(spec_path))


def compile_template(template: Path) -> Path:
    """Write the compiled skeletons of `template` beside it (`NAME.skeletons`, see `drafting.ooxml.wml.skeleton`),
    so that a first assembly on it needs no template engine; returns the path written."""
    from drafting.render.docx import template_skeletons

    out = template.with_suffix(".skeletons")
    write_atomic(out, template_skeletons(template))
    return out
