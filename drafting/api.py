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
from drafting.errors import DraftingInputError, DraftingUsageError

if TYPE_CHECKING:
    from drafting.clauses import ClauseLibrary, Problem
    from drafting.lint import LintFinding
    from drafting.model import Document, DocumentSpec

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
    from drafting.clauses import load_library

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


def output_stem(stem: str, language: str, primary: str) -> str:
    """`<name>` for the spec's own language, `<name>.<lang>` for the other language versions."""
    return stem if language == primary else f"{stem}.{language}"


def assemble_to(spec_path: Path, outdir: Path, formats: Sequence[str] = ("md", "docx"), *,
                profile: str | None = None, name: str | None = None, language: str | None = None,
                clauses: Path | None = None) -> list[Path]:
    """Assemble the spec at `spec_path` in every language it lists (or `language`) and write
    `<outdir>/<name>.<fmt>` (the spec's language) and `<outdir>/<name>.<lang>.<fmt>` (the others)."""
    from drafting.assemble import assemble
    from drafting.spec import load_spec

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
    from drafting.clauses import check_library

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
    from drafting.ooxml.markup import write_package
    from drafting.ooxml.package import read_docx
    from drafting.ooxml.trackchanges import resolve_package

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DraftingInputError(f"cannot read file: {exc.strerror}", source=str(path)) from exc
    parts = resolve_package(read_docx(data, str(path)), accept=accept)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, write_package(parts))


# -- negotiation ------------------------------------------------------------------------------------------


def default_actor() -> str:
    """Who the record names for an action: $DRAFTING_ACTOR, else the login name."""
    import getpass
    import os

    try:
        return os.environ.get("DRAFTING_ACTOR") or getpass.getuser() or "clerk"
    except (KeyError, OSError):
        return "clerk"


def base_document(base: Path, *, clauses: Path | None = None):  # -> tuple[Document, bytes]
    """The base text of a negotiation, from a spec or from a .docx made by `assemble`, with its .docx."""
    from drafting.identity import content_hash

    if base.suffix.lower() in (".yaml", ".yml"):
        from drafting.render.docx import render_docx

        document = load_document(base, clauses=clauses)
        return document, render_docx(document)
    from drafting.docx_versions import document_from_docx

    try:
        data = base.read_bytes()
    except OSError as exc:
        raise DraftingInputError(f"cannot read file: {exc.strerror}", source=str(base)) from exc
    from dataclasses import replace

    document = document_from_docx(data, str(base))
    # A .docx holds one language version: the negotiation runs in that language only (start from the spec
    # to carry the other language versions along).
    document = replace(document, meta=replace(document.meta, languages=(document.language,)))
    version, _ = load_submission(base)
    if version.identity is not None and version.identity.content_hash != content_hash(document):
        raise DraftingInputError("the .docx was edited after it was assembled (its text no longer matches its "
                                 "identity); start from the spec", source=str(base))
    return document, data


def open_workspace(directory: Path, *, clauses: Path | None = None):  # -> Workspace
    from drafting.negotiation.workspace import Workspace

    return Workspace.open(directory, default_registry(clauses))


def negotiation_init(directory: Path, base: Path, *, actor: str | None = None, clauses: Path | None = None):
    from drafting.negotiation.workspace import Workspace

    document, docx = base_document(base, clauses=clauses)
    translations = {}
    if base.suffix.lower() in (".yaml", ".yml"):
        for language in document.meta.languages:
            if language != document.language:
                translations[language] = load_document(base, language=language, clauses=clauses)
    workspace = Workspace.init(directory, document, docx, actor=actor or default_actor(),
                               registry=default_registry(clauses), translations=translations)
    workspace.close()
    return document


def submit(directory: Path, delegation: str, file: Path, *, actor: str | None = None):  # -> SubmitResult
    workspace = open_workspace(directory)
    try:
        return workspace.submit(file, delegation, actor=actor or default_actor())
    finally:
        workspace.close()


def submit_many(directory: Path, items: Sequence[tuple[str, Path]], *, actor: str | None = None):
    """Submit each (delegation, file), one transaction each, with the workspace opened once.

    Yields (file, result) or (file, the DraftingError that refused it): one refused file does not stop the rest.
    """
    from drafting.errors import DraftingError

    workspace = open_workspace(directory)
    try:
        for delegation, file in items:
            try:
                yield file, workspace.submit(file, delegation, actor=actor or default_actor())
            except DraftingError as exc:
                yield file, exc
    finally:
        workspace.close()


def _revision_date(workspace) -> str:
    created = workspace.store.current_revision().created_at
    return created[:19] + "Z"


def compile_outputs(directory: Path, outdir: Path, formats: Sequence[str] = ("docx", "md", "html")):
    """Write the compilation text of the current revision in `formats`; return (paths, compilation)."""
    from drafting.negotiation.compile_docx import compilation_docx
    from drafting.render.compilation import compilation_html, compilation_markdown

    unknown = [f for f in formats if f not in ("docx", "md", "html")]
    if unknown:
        raise DraftingUsageError(f"unknown format {unknown[0]!r} (choose from docx, md, html)")
    workspace = open_workspace(directory)
    try:
        compilation = workspace.compilation()
        files: dict[Path, bytes] = {}
        if "docx" in formats:
            revision_docx = workspace.store.blob(workspace.store.current_revision().docx_sha256)
            files[outdir / "compilation.docx"] = compilation_docx(compilation, revision_docx,
                                                                  date=_revision_date(workspace))
        if "md" in formats:
            files[outdir / "compilation.md"] = compilation_markdown(compilation)
        if "html" in formats:
            files[outdir / "compilation.html"] = compilation_html(compilation)
    finally:
        workspace.close()
    return write_outputs(Rendered(files)), compilation


def decide(directory: Path, amendment: str, decision: str, *, note: str = "", actor: str | None = None):
    workspace = open_workspace(directory)
    try:
        return workspace.decide(amendment, decision, note, actor=actor or default_actor())
    finally:
        workspace.close()


def mark(directory: Path, paragraph: str, status: str, *, actor: str | None = None) -> list[str]:
    workspace = open_workspace(directory)
    try:
        return workspace.mark(paragraph, status, actor=actor or default_actor())
    finally:
        workspace.close()


def status_report(directory: Path) -> dict:
    """Per paragraph: id, number, status, amendments (with decisions), conflict; and the conflicts."""
    from drafting.negotiation.workspace import revision_label

    workspace = open_workspace(directory)
    try:
        compilation = workspace.compilation()
        number = compilation.revision
        translations = {lang: set(pending) for lang, (_, pending) in workspace.translations(number).items()}
        decisions = workspace.store.decisions(number)
        all_amendments = workspace.amendments(number, active_only=False)
        active = {a.id for a in workspace.amendments(number)}
    finally:
        workspace.close()
    by_paragraph: dict[str | None, list] = {}
    for a in all_amendments:
        by_paragraph.setdefault(a.paragraph, []).append(a)
    conflicted = {c.paragraph for c in compilation.conflicts}
    paragraphs = []
    for entry in compilation.entries:
        if entry.new:
            continue
        p = entry.paragraph
        paragraphs.append({
            "id": p.id, "number": p.label, "role": p.role.value, "status": entry.status,
            "conflict": p.id in conflicted,
            "translations": {lang: "translation pending" if p.id in pending else "current"
                             for lang, pending in translations.items()},
            "amendments": [
                {"id": a.id, "delegation": a.delegation, "kind": a.kind.value, "old": a.old, "new": a.new,
                 "tracked": a.tracked, "active": a.id in active,
                 "decision": decisions.get(a.id, ("", ""))[0] or "pending",
                 "note": decisions.get(a.id, ("", ""))[1]}
                for a in by_paragraph.get(p.id, []) if a.kind.value != "paragraph-insert"
            ],
            "proposed_after": [
                {"id": a.id, "delegation": a.delegation, "new": a.new,
                 "decision": decisions.get(a.id, ("", ""))[0] or "pending", "active": a.id in active}
                for a in by_paragraph.get(p.id, []) if a.kind.value == "paragraph-insert"
            ],
        })
    return {
        "document": compilation.document.meta.document_id,
        "revision": number,
        "label": revision_label(number),
        "delegations": list(compilation.delegations),
        "paragraphs": paragraphs,
        "conflicts": [{"paragraph": c.paragraph, "number": c.label, "delegations": list(c.delegations)}
                      for c in compilation.conflicts],
        "unplaced": [a.id for a in compilation.unplaced],
        "translation_pending": {lang: sorted(pending) for lang, pending in translations.items() if pending},
    }


def revise(directory: Path, outdir: Path | None = None, formats: Sequence[str] = ("md", "docx"), *,
           actor: str | None = None):
    """Issue the next revision; write it to OUTDIR (default DIR/rev<N>); return (paths, Revision)."""
    from drafting.identity import content_hash
    from drafting.negotiation.revise import revise_document
    from drafting.negotiation.translations import carry_forward
    from drafting.negotiation.workspace import revision_label
    from drafting.render.docx import render_docx
    from drafting.serial import document_json
    from drafting.serial import document_json as to_json

    who = actor or default_actor()
    workspace = open_workspace(directory)
    try:
        number, document = workspace.document()
        decisions = {k: v[0] for k, v in workspace.store.decisions(number).items()}
        revision = revise_document(document, workspace.amendments(number), decisions,
                                   workspace.store.statuses(number))
        carried = {lang: carry_forward(document, revision.document, version, pending)
                   for lang, (version, pending) in workspace.translations(number).items()}
        new_number = number + 1
        docx = render_docx(revision.document)
        target = outdir or directory / f"rev{new_number}"
        stem = f"{revision.document.meta.name}-rev{new_number}"
        rendered = render(revision.document, target, [f for f in formats if f != "docx"], name=stem)
        if "docx" in formats:
            rendered.files[target / f"{stem}.docx"] = docx
        for lang, (version, _) in carried.items():
            rendered.files.update(render(version, target, formats, name=f"{stem}.{lang}").files)
        with workspace.store.transaction():
            if workspace.store.current_revision().number != number:
                raise DraftingInputError("another revision was issued meanwhile; run revise again",
                                         source=str(directory))
            workspace.store.add_revision(new_number, content_hash(revision.document),
                                         document_json(revision.document), docx, who)
            for paragraph, status in revision.statuses.items():
                workspace.store.add_status(new_number, paragraph, status, who)
            for lang, (version, pending) in carried.items():
                workspace.store.add_translation(new_number, lang, to_json(version), pending, who)
            workspace.store.add_event(who, "revision-issued", revision_label(new_number), {
                "revision": new_number, "from": number, "content_hash": content_hash(revision.document),
                "applied": list(revision.applied), "bracketed": list(revision.bracketed),
                "notes": list(revision.notes)})
    finally:
        workspace.close()
    return write_outputs(rendered), revision


def log_events(directory: Path) -> list:
    workspace = open_workspace(directory)
    try:
        return workspace.store.events()
    finally:
        workspace.close()


def import_translation(directory: Path, language: str, file: Path, *, actor: str | None = None):
    workspace = open_workspace(directory)
    try:
        return workspace.import_translation(language, file, actor=actor or default_actor())
    finally:
        workspace.close()


def concordance_report(source: Path, *, clauses: Path | None = None) -> list:  # list[Discrepancy]
    """Discrepancies between the language versions of a spec, or of a workspace's current revision."""
    from drafting.concordance import Discrepancy, compare_versions, missing_translations

    if source.is_dir():
        workspace = open_workspace(source, clauses=clauses)
        try:
            _, document = workspace.document()
            versions = {document.language: document}
            out = []
            for lang, (version, pending) in workspace.translations().items():
                versions[lang] = version
                out += [Discrepancy(lang, pid, "M5", "translation pending") for pid in pending]
        finally:
            workspace.close()
        return out + compare_versions(versions, document.language)
    from drafting.assemble import assemble
    from drafting.spec import load_spec

    spec = load_spec(source)
    library = library_for(spec, clauses)
    primary = spec.meta.language
    others = [lang for lang in spec.meta.languages if lang != primary]
    out = missing_translations(spec, library, others)
    versions = {primary: assemble(spec, library, language=primary)}
    for lang in others:
        try:
            versions[lang] = assemble(spec, library, language=lang)
        except DraftingInputError:
            continue  # listed by missing_translations
    return out + compare_versions(versions, primary)
