"""The negotiation: open a workspace, submit, compile, decide, mark, report, revise, log, translations."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drafting.app.documents import (
    Rendered,
    default_registry,
    library_for,
    load_document,
    parse_formats,
    render,
    with_pdfs,
    write_outputs,
)
from drafting.errors import DraftingError, DraftingInputError, DraftingUsageError, raise_problems
from drafting.support.progress import task

if TYPE_CHECKING:
    from drafting.conventions.concordance import Discrepancy
    from drafting.library.registry import Registry
    from drafting.model.document import Amendment, Document
    from drafting.negotiation.compilation import Compilation
    from drafting.negotiation.reflect import Fate
    from drafting.negotiation.revise import Revision
    from drafting.negotiation.silence import Silence
    from drafting.negotiation.workspace import (
        Decided,
        EventRow,
        PreparedSubmission,
        RecordChecks,
        SubmitResult,
        Workspace,
    )
    from drafting.negotiation.workspace import KeptCheck as KeptCheck  # for the portal's annotations
    from drafting.negotiation.workspace import KeptChecks as KeptChecks  # for the resident's

COMPILATION_FORMATS = ("docx", "md", "html")
COMPILATION_CHOICES = (*COMPILATION_FORMATS, "pdf")  # the PDF (made from compilation.docx) on request


def revision_label(number: int) -> str:
    """"original" for revision 0, else "Rev.N"."""
    from drafting.negotiation.workspace import revision_label as label

    return label(number)


def default_actor() -> str:
    """Who the record names for an action: $DRAFTING_ACTOR, else the login name."""
    import getpass
    import os

    try:
        return os.environ.get("DRAFTING_ACTOR") or getpass.getuser() or "clerk"
    except (KeyError, OSError):
        return "clerk"


def base_document(base: Path, *, clauses: Path | None = None) -> tuple[Document, bytes]:
    """The base text of a negotiation, from a spec or from a .docx made by `assemble`, with its .docx."""
    from drafting.conventions.identity import content_hash
    from drafting.readers.docx import document_from_docx
    from drafting.readers.files import load_submission, read_bytes

    if base.suffix.lower() in (".yaml", ".yml"):
        from drafting.render.docx import render_docx

        document = load_document(base, clauses=clauses)
        return document, render_docx(document)
    data = read_bytes(base)
    from drafting.app.imports import imported_base

    imported = imported_base(base, data, clauses=clauses)  # a draft drafting never made: imported first
    if imported is not None:
        return imported
    document = document_from_docx(data, str(base))
    # A .docx holds one language version: the negotiation runs in that language only (start from the spec
    # to carry the other language versions along).
    document = replace(document, meta=replace(document.meta, languages=(document.language,)))
    version, _ = load_submission(base)
    if version.identity is not None and version.identity.content_hash != content_hash(document):
        raise DraftingInputError("the .docx was edited after it was assembled (its text no longer matches its "
                                 "identity); start from the spec", source=str(base))
    return document, data


def open_workspace(directory: Path, *, clauses: Path | None = None, full_check: bool = False) -> Workspace:
    """The workspace in `directory` (a context manager: `with open_workspace(d) as ws: …`), its record checked:
    in full, unless within `keeping_checked(check)`, where only what was appended since that check's last
    visit is (see `KeptCheck`); `full_check` asks for the full check in any case."""
    from drafting.negotiation.workspace import Workspace

    return Workspace.open(directory, _kept_registry(clauses), full_check=full_check)


_REGISTRIES: dict[Path, tuple[tuple[int, int, int] | None, Registry]] = {}


def _registry_path(clauses: Path | None) -> Path:
    from drafting.library.registry import REGISTRY_FILE

    return ((clauses or _default_clauses()) / REGISTRY_FILE).absolute()


@functools.cache
def _default_clauses() -> Path:
    """The package's clause library, as an absolute path (found once: every opening asks for it)."""
    from drafting.support.resources import default_clause_dir

    return default_clause_dir().absolute()


def _kept_registry(clauses: Path | None) -> Registry:
    """`default_registry(clauses)`, the same one for every opening while its file is unchanged (inode, size,
    time): a process that opens the record again and again (the portal) reads the registry and builds its
    index of names once, not at every opening (at 193 delegations that was a third of the portal's CPU).
    A command opens the record once or twice and reads the file once either way. Threads may race to build
    it: the loser's copy is simply dropped (a Registry is immutable once read)."""
    path = _registry_path(clauses)
    try:
        found = path.stat()
        stamp: tuple[int, int, int] | None = (found.st_ino, found.st_size, found.st_mtime_ns)
    except OSError:
        stamp = None
    kept = _REGISTRIES.get(path)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    registry = default_registry(clauses)
    _REGISTRIES[path] = (stamp, registry)
    return registry


def kept_check(directory: Path, *, full_every: float | None = None) -> KeptCheck:
    """A check of the record in `directory` for a process that opens it again and again (the portal): kept
    between openings made within `keeping_checked(it)`, full at first and every `full_every` seconds."""
    from drafting.negotiation.workspace import KeptCheck

    return KeptCheck(directory) if full_every is None else KeptCheck(directory, full_every=full_every)


def kept_checks(*, full_every: float | None = None) -> KeptChecks:
    """The kept checks of every record a process opens again and again, and what they found for another
    process of the same records (the resident interpreter's children tell it theirs: `KeptChecks.news`)."""
    from drafting.negotiation.workspace import KeptChecks

    return KeptChecks() if full_every is None else KeptChecks(full_every=full_every)


def records_closed_later() -> contextlib.AbstractContextManager[list[str]]:
    """Within the block, the records opened are closed, and the head files of what they committed written, at
    its end (after, say, a command's answer: what they committed is durable already); the list it gives says
    afterwards what could not be done then."""
    from drafting.negotiation.workspace import closing_later

    return closing_later()


def keep_records_open() -> None:
    """From now on in this process, a record closed keeps its connection open for its next opening, unless its
    database file is written meanwhile (the resident's spare: what it reads ahead, the command it then takes
    runs on); `close_kept_records` before the process ends."""
    from drafting.negotiation.workspace import keep_open

    keep_open()


def close_kept_records() -> None:
    """Close what `keep_records_open` kept (before the process ends: SQLite's last connection to a record
    removes its write-ahead log and shared-memory files)."""
    from drafting.negotiation.workspace import close_kept

    close_kept()


def kept_records_taken() -> int:
    """How many openings of a record in this process took up a connection kept open (`keep_records_open`)."""
    from drafting.negotiation.workspace import kept_taken

    return kept_taken()


def keeping_checked(check: RecordChecks) -> contextlib.AbstractContextManager[None]:
    """Within the block, a workspace that `check` keeps (`check.for_record`) opens with the check kept."""
    from drafting.negotiation.workspace import keeping

    return keeping(check)


def negotiation_init(directory: Path, base: Path, *, actor: str | None = None,
                     clauses: Path | None = None) -> Document:
    """Start a negotiation in `directory` on `base` (a spec, with its language versions, or a .docx)."""
    from drafting.negotiation.workspace import Workspace

    document, docx = base_document(base, clauses=clauses)
    translations = {}
    if base.suffix.lower() in (".yaml", ".yml"):
        for language in document.meta.languages:
            if language != document.language:
                translations[language] = load_document(base, language=language, clauses=clauses)
    with Workspace.init(directory, document, docx, actor=actor or default_actor(),
                        registry=default_registry(clauses), translations=translations):
        return document


def submit(directory: Path, delegation: str, file: Path, *, actor: str | None = None,
           lossy_ok: bool = False, unlisted: bool = False, prepared: PreparedSubmission | None = None) -> SubmitResult:
    """Record `file` from `delegation` (a code or any name the registry knows it by; `unlisted` admits a
    delegation outside the registry, recorded without a code). `prepared`: the file's reading done
    beforehand (`read_submission`), recorded if the record still gives the same answers, else read again."""
    with open_workspace(directory) as workspace:
        return workspace.submit(file, delegation, actor=actor or default_actor(), lossy_ok=lossy_ok,
                                unlisted=unlisted, prepared=prepared)


def read_submission(directory: Path, delegation: str, file: Path, *, lossy_ok: bool = False,
                    unlisted: bool = False) -> PreparedSubmission:
    """What `submit` reads before recording (the revision matched, the delegation resolved, the amendments),
    without recording anything: a front end reads a return outside its queue of writers."""
    with open_workspace(directory) as workspace:
        return workspace.read_submission(file, delegation, lossy_ok=lossy_ok, unlisted=unlisted)


def submit_many(directory: Path, items: Sequence[tuple[str, Path]], *, actor: str | None = None,
                lossy_ok: bool = False, unlisted: bool = False) -> Iterator[tuple[Path, SubmitResult | DraftingError]]:
    """Submit each (delegation, file), one transaction each, with the workspace opened once.

    Every delegation is resolved first: a name that resolves to none refuses the whole batch, one line per
    name, before anything is recorded. Then yields (file, result) or (file, the DraftingError that refused
    it): one refused file does not stop the rest.
    """
    with open_workspace(directory) as workspace:
        unknown: list[DraftingInputError] = []
        for delegation in dict.fromkeys(delegation for delegation, _ in items):
            try:
                workspace.resolve_delegation(delegation, unlisted=unlisted)
            except DraftingInputError as exc:
                unknown.append(exc)
        raise_problems(unknown)
        with task("submit", len(items)) as progress:
            for delegation, file in items:
                progress.step(file.name)
                try:
                    yield file, workspace.submit(file, delegation, actor=actor or default_actor(), lossy_ok=lossy_ok,
                                                 unlisted=unlisted)
                except DraftingError as exc:
                    yield file, exc


def compile_outputs(directory: Path, outdir: Path,
                    formats: Sequence[str] = COMPILATION_FORMATS) -> tuple[list[Path], Compilation]:
    """Write the compilation text of the current revision in `formats`; return (paths, compilation)."""
    from drafting.render.compilation import compilation_html, compilation_markdown
    from drafting.render.compilation_docx import compilation_docx

    parse_formats(",".join(formats), COMPILATION_CHOICES)
    with open_workspace(directory) as workspace, task("compile", 1 + len(formats)) as progress:
        progress.step("proposals and conflicts")
        compilation = workspace.compilation()
        files: dict[Path, bytes] = {}
        pdfs: dict[Path, bytes] = {}
        if "docx" in formats or "pdf" in formats:
            progress.step("compilation.docx")
            docx = compilation_docx(compilation, workspace.revision_docx(), date=workspace.revision_date())
            if "docx" in formats:
                files[outdir / "compilation.docx"] = docx
            if "pdf" in formats:
                pdfs[outdir / "compilation.pdf"] = docx
        if "md" in formats:
            progress.step("compilation.md")
            files[outdir / "compilation.md"] = compilation_markdown(compilation)
        if "html" in formats:
            progress.step("compilation.html")
            files[outdir / "compilation.html"] = compilation_html(compilation)
    return write_outputs(Rendered(files, pdfs)), compilation


def decide(directory: Path, amendment: str, decision: str, *, note: str = "",
           actor: str | None = None) -> Decided:
    """Record the chair's `decision` on `amendment` (its number, e.g. `KAZ/1`, or an id or unique id prefix)."""
    return decide_batch(directory, [amendment], decision, note=note, actor=actor)[0]


def decide_batch(directory: Path, amendments: Sequence[str] = (), decision: str | None = None, *, note: str = "",
                 delegation: str | None = None, kind: str | None = None, paragraph: str | None = None,
                 status: str | None = None, from_file: Path | None = None,
                 actor: str | None = None) -> list[Decided]:
    """Record decisions on several amendments in one transaction (all or nothing, one event each).

    The amendments are named by number or id (`amendments`), chosen by filters (`delegation`, `kind`,
    `paragraph`, `status` — the decision so far, `pending` for none), or listed with their decisions in a CSV
    file (`from_file`: columns amendment, decision, note). Anything that names nothing is refused, by name,
    before anything is recorded.
    """
    from drafting.negotiation.batch import DECISION_COLUMNS, once_each, read_batch
    from drafting.negotiation.workspace import AmendmentFilter

    wanted = AmendmentFilter(delegation, kind, paragraph, status)
    if from_file is not None:
        if amendments or decision is not None or not wanted.empty or note:
            raise DraftingUsageError("--from-file takes the amendments, decisions and notes from the file alone")
    elif amendments and not wanted.empty:
        raise DraftingUsageError("name amendments or select them with filters, not both")
    elif not amendments and wanted.empty:
        raise DraftingUsageError("name the amendments (e.g. KAZ/1), select them with filters, or give --from-file")
    elif decision is None:
        raise DraftingUsageError(f"give the decision ({', '.join(_decisions())})")
    if decision is not None and decision not in _decisions():
        raise DraftingInputError(f"decision must be one of {', '.join(_decisions())}")
    with open_workspace(directory) as workspace:
        items: list[tuple[Amendment, str, str]] = []
        if from_file is not None:
            resolve = workspace.amendment_resolver()
            decided_at: dict[str, int] = {}
            for row in read_batch(from_file, DECISION_COLUMNS):
                verdict = row.cells["decision"].lower()
                if verdict not in _decisions():
                    raise DraftingInputError(f"decision {row.cells['decision']!r} must be one of "
                                             f"{', '.join(_decisions())}", source=str(from_file), line=row.line)
                try:
                    found = resolve(row.cells["amendment"])
                except DraftingInputError as exc:
                    raise DraftingInputError(exc.message, source=str(from_file), line=row.line) from exc
                once_each(decided_at, found.id, row, from_file,
                          f"amendment {row.cells['amendment']!r} is decided", "one decision each")
                items.append((found, verdict, row.cells.get("note", "")))
        else:
            assert decision is not None
            chosen = (workspace.select_amendments(wanted) if not wanted.empty
                      else workspace.resolve_amendments(list(dict.fromkeys(amendments))))
            items = [(a, decision, note) for a in dict.fromkeys(chosen)]
        return workspace.decide_many(items, actor=actor or default_actor())


def propose(directory: Path, paragraph: str, text: str, *, replaces: Sequence[str] = (), after: bool = False,
            actor: str | None = None) -> Decided:
    """Record a proposal of the chair (`Chair/N`): `text` for `paragraph`, or a new paragraph after it; it
    shows in the compilation and is decided like any amendment; `replaces` names the amendments it merges."""
    with open_workspace(directory) as workspace:
        return workspace.propose(paragraph, text, replaces=replaces, after=after, actor=actor or default_actor())


def support(directory: Path, amendments: Sequence[str], delegation: str, *,
            actor: str | None = None, unlisted: bool = False) -> list[Decided]:
    """Record `delegation` as a supporter (co-sponsor) of each amendment named (one transaction)."""
    if not amendments:
        raise DraftingUsageError("name the amendments supported (e.g. KAZ/1)")
    with open_workspace(directory) as workspace:
        return workspace.support(amendments, delegation, actor=actor or default_actor(), unlisted=unlisted)


def _decisions() -> tuple[str, ...]:
    from drafting.model.vocabulary import Decision, values

    return values(Decision)


def mark(directory: Path, paragraph: str, status: str, *, actor: str | None = None) -> list[str]:
    """Record `status` for `paragraph` (an id or number, several separated by commas, or ALL)."""
    with open_workspace(directory) as workspace:
        return workspace.mark(paragraph, status, actor=actor or default_actor())


def mark_batch(directory: Path, paragraphs: Sequence[str] = (), status: str | None = None, *,
               delegation: str | None = None, current: str | None = None, from_file: Path | None = None,
               actor: str | None = None) -> list[tuple[str, str]]:
    """Record paragraph statuses in one transaction (all or nothing, one event each): for `paragraphs` (ids or
    numbers; `ALL`), for those a filter selects (`delegation`: amended by it; `current`: at that status now),
    or as listed in a CSV file (`from_file`: columns paragraph, status). Returns (paragraph id, status)."""
    from drafting.negotiation.batch import MARK_COLUMNS, once_each, read_batch

    filtered = delegation is not None or current is not None
    if from_file is not None:
        if paragraphs or status is not None or filtered:
            raise DraftingUsageError("--from-file takes the paragraphs and statuses from the file alone")
    elif paragraphs and filtered:
        raise DraftingUsageError("name paragraphs or select them with filters, not both")
    elif not paragraphs and not filtered:
        raise DraftingUsageError("name the paragraphs (ids or numbers, or ALL), select them with filters, "
                                 "or give --from-file")
    elif status is None:
        raise DraftingUsageError(f"give the status ({', '.join(_statuses())})")
    if status is not None and status not in _statuses():
        raise DraftingInputError(f"status must be one of {', '.join(_statuses())}")
    with open_workspace(directory) as workspace:
        if from_file is not None:
            items = []
            marked_at: dict[str, int] = {}
            for row in read_batch(from_file, MARK_COLUMNS):
                value = row.cells["status"].lower()
                try:
                    if value not in _statuses():
                        raise DraftingInputError(f"status {row.cells['status']!r} must be one of "
                                                 f"{', '.join(_statuses())}")
                    [pid] = workspace.resolve_paragraphs([row.cells["paragraph"]])
                except DraftingInputError as exc:
                    raise DraftingInputError(exc.message, source=str(from_file), line=row.line) from exc
                once_each(marked_at, pid, row, from_file, f"paragraph {row.cells['paragraph']!r} is marked",
                          "one status each")
                items.append((pid, value))
        else:
            assert status is not None
            if filtered:
                ids = workspace.select_paragraphs(delegation=delegation, status=current)
            elif [p.strip() for p in paragraphs] == ["ALL"]:
                ids = list(workspace.document()[1].ids)
            else:
                ids = workspace.resolve_paragraphs([p for key in paragraphs for p in key.split(",") if p.strip()])
            items = [(pid, status) for pid in dict.fromkeys(ids)]
        return workspace.mark_many(items, actor=actor or default_actor())


def _statuses() -> tuple[str, ...]:
    from drafting.model.vocabulary import ParagraphStatus, values

    return values(ParagraphStatus)


def status_report(directory: Path, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """Per paragraph: id, number, status, amendments (with decisions), conflict, silence; and the conflicts
    (silences judged at `now`, default the clock)."""
    from drafting.negotiation.status import status_report as report

    with open_workspace(directory) as workspace:
        return report(workspace, now)


def read_ahead(directory: Path) -> None:
    """Read the record in `directory` as `status` does, for what a process keeps of it between commands (its
    check, the parsed text and amendments, the registry): the resident's waiting child does it for the records
    the last commands used, before the next command comes. A refusal is left to that command to report."""
    with contextlib.suppress(DraftingError):
        status_report(directory)


def silence(directory: Path, until: str, paragraphs: Sequence[str] = (), *, actor: str | None = None,
            now: dt.datetime | None = None) -> Silence:
    """Put the current text (or `paragraphs`) under silence until `until` (ISO 8601 with a time zone)."""
    with open_workspace(directory) as workspace:
        return workspace.silence(until, paragraphs, actor=actor or default_actor(), now=now)


def break_silence(directory: Path, delegation: str, paragraph: str, note: str = "", *, actor: str | None = None,
                  now: dt.datetime | None = None, unlisted: bool = False) -> Silence:
    """Record `delegation`'s break of the silence on `paragraph` (refused after the deadline)."""
    with open_workspace(directory) as workspace:
        return workspace.break_silence(delegation, paragraph, note, actor=actor or default_actor(), now=now,
                                       unlisted=unlisted)


def revise(directory: Path, outdir: Path | None = None, formats: Sequence[str] = ("md", "docx"), *,
           actor: str | None = None) -> tuple[list[Path], Revision]:
    """Issue the next revision; write it to OUTDIR (default DIR/rev<N>); return (paths, Revision)."""
    from drafting.render.docx import render_docx

    with open_workspace(directory, full_check=True) as workspace:  # a text is issued: the whole record checked
        prepared = workspace.prepare_revision()
        revision = prepared.revision
        new_number = prepared.base + 1
        # The record state this revision comes from, in its identity: a printed Rev.N names it.
        seq, head = workspace.head()
        docx = render_docx(revision.document, extra_properties={"DraftingRecordHead": f"{seq}:{head}"})
        target = outdir or directory / f"rev{new_number}"
        stem = f"{revision.document.meta.name}-rev{new_number}"
        rendered = render(revision.document, target, [f for f in formats if f != "docx"], name=stem,
                          defer_pdf=True)
        if "docx" in formats:
            rendered.files[target / f"{stem}.docx"] = docx
        for lang, (version, _) in prepared.carried.items():
            rendered.merge(render(version, target, formats, name=f"{stem}.{lang}", defer_pdf=True))
        rendered = with_pdfs(rendered)  # every PDF by one office, before anything is recorded
        # Outputs first (beside the target), then the record, then the outputs into place: a failed write
        # leaves no revision behind, a failed commit no outputs.
        from drafting.support.atomic import staged_outputs

        with staged_outputs(target, {path.name: data for path, data in rendered.files.items()}):
            workspace.issue_revision(prepared, docx, actor=actor or default_actor())
    return list(rendered.files), revision


def log_events(directory: Path, *, now: dt.datetime | None = None) -> list[EventRow]:
    """Every event of the record, oldest first, with the end of each silence whose deadline has passed (an
    event computed from the record, seq 0, at the deadline)."""
    with open_workspace(directory) as workspace:
        recorded = workspace.events()
        computed = workspace.silence_events(now)
    return sorted([*recorded, *computed], key=lambda e: (e.at, e.seq))


def verify_record(directory: Path) -> tuple[list[str], int, str]:
    """(every sign of tampering, first one first; the last event's seq; its hash) of the record in
    `directory`: the one command that reads a damaged record to the end instead of refusing at the first link."""
    from drafting.negotiation.workspace import Workspace

    with Workspace.open(directory, None, check=False) as workspace:
        seq, digest = workspace.head()
        return workspace.verify_record(), seq, digest


REFLECTION_FORMATS = ("md", "html")
REFLECTION_CHOICES = (*REFLECTION_FORMATS, "docx")  # the .docx: the page converted by LibreOffice, on request


def reflect(directory: Path, outdir: Path | None = None, *, delegation: str | None = None,
            formats: Sequence[str] = REFLECTION_FORMATS) -> tuple[list[Path], dict[str, list[Fate]]]:
    """The reflection report: each delegation's proposals across all revisions and where each went; written
    to `outdir` (reflection.md, reflection.html, reflection.docx) when given. Returns (paths, delegation ->
    fates)."""
    from drafting.negotiation.reflect import reflection
    from drafting.render.reflection import reflection_html, reflection_markdown

    parse_formats(",".join(formats), REFLECTION_CHOICES)
    with open_workspace(directory) as workspace:
        report = reflection(workspace, delegation)
        _, document = workspace.document()
    if delegation is not None and not report:
        raise DraftingInputError(f"{delegation} has made no proposal in this negotiation")
    if outdir is None:
        return [], report
    title = f"{document.meta.title} ({document.meta.symbol or document.meta.document_id})"
    files: dict[Path, bytes] = {}
    if "md" in formats:
        files[outdir / "reflection.md"] = reflection_markdown(title, report)
    if "html" in formats:
        files[outdir / "reflection.html"] = reflection_html(title, report)
    if "docx" in formats:
        from drafting.support.office import convert

        files[outdir / "reflection.docx"] = convert(reflection_html(title, report), "html",
                                                    "docx:MS Word 2007 XML", infilter="HTML (StarWriter)")
    return write_outputs(Rendered(files)), report


def event_summary(event: EventRow) -> str:
    """What an event says beyond its kind and subject, in a few words (`accept: agreed in plenary`)."""
    detail = event.detail
    if event.kind == "decision":
        note = f": {detail['note']}" if detail.get("note") else ""
        who = f" ({detail['delegation']}, {detail.get('paragraph')})" if detail.get("delegation") else ""
        return f"{detail.get('decision', '')}{who}{note}"
    if event.kind == "silence":
        return f"until {detail.get('until', '')[:19]}Z, {len(detail.get('paragraphs', []))} paragraph(s)"
    if event.kind == "silence-broken":
        note = f": {detail['note']}" if detail.get("note") else ""
        return f"by {detail.get('delegation', '')}{note}"
    if event.kind == "silence-ended":
        return (f"{len(detail.get('agreed', []))} paragraph(s) agreed, "
                f"{len(detail.get('broken', []))} broken (computed from the record)")
    if event.kind in ("proposal", "support"):
        return str(detail.get("delegation") or detail.get("paragraph") or "")
    if event.kind == "status":
        return str(detail.get("status", ""))
    if event.kind == "submission":
        untracked = int(detail.get("untracked", 0) or 0) if detail.get("format") == "docx" else 0
        extra = f", {untracked} made without Track Changes" if untracked else ""
        return f"{detail.get('file', '')}: {detail.get('amendments', 0)} amendment(s){extra}"
    return ""


def import_translation(directory: Path, language: str, file: Path, *,
                       actor: str | None = None) -> tuple[int, list[str]]:
    """Take `file` as the `language` version of the current revision; return (revision, still pending)."""
    with open_workspace(directory) as workspace:
        return workspace.import_translation(language, file, actor=actor or default_actor())


def concordance_report(source: Path, *, clauses: Path | None = None) -> list[Discrepancy]:
    """Discrepancies between the language versions of a spec, or of a workspace's current revision."""
    from drafting.conventions.assemble import assemble
    from drafting.conventions.concordance import Discrepancy, compare_versions, missing_translations
    from drafting.library.spec import load_spec

    if source.is_dir():
        with open_workspace(source, clauses=clauses) as workspace:
            _, document = workspace.document()
            versions = {document.language: document}
            out = []
            for lang, (version, pending) in workspace.translations().items():
                versions[lang] = version
                out += [Discrepancy(lang, pid, "M5", "translation pending") for pid in pending]
        return out + compare_versions(versions, document.language)
    spec = load_spec(source)
    library = library_for(spec, clauses)
    primary = spec.meta.language
    others = [lang for lang in spec.meta.languages if lang != primary]
    found = missing_translations(spec, library, others)
    versions = {primary: assemble(spec, library, language=primary)}
    for lang in others:
        try:
            versions[lang] = assemble(spec, library, language=lang)
        except DraftingInputError:
            continue  # listed by missing_translations
    return found + compare_versions(versions, primary)
