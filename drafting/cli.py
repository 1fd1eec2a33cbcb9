"""The `drafting` command: a thin click shell over `drafting.app`.

Exit codes are fixed: 0 ok, 1 rejected input (one line naming file and place, never a traceback),
2 usage, 3 internal error (a bug: the traceback goes to a crash report whose path the message names).
Heavy imports happen inside commands so that `drafting --help` stays fast.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from drafting import __version__
from drafting.app import decided_json, safe_json
from drafting.errors import DraftingError, DraftingUsageError
from drafting.model.vocabulary import Decision, ParagraphStatus, values

F = TypeVar("F", bound=Callable[..., Any])


class InputRejected(click.ClickException):
    """A `DraftingInputError` at the CLI edge: exit code 1, one line on stderr."""

    exit_code = 1


def domain_errors(func: F) -> F:
    """Map domain exceptions to click exceptions with the fixed exit codes."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DraftingUsageError as exc:
            raise click.UsageError(str(exc)) from exc
        except DraftingError as exc:
            raise InputRejected(str(exc)) from exc
        except RecursionError as exc:
            raise InputRejected("input nests too deeply") from exc
        except MemoryError as exc:
            raise InputRejected("input too large to process") from exc
        except (click.ClickException, click.exceptions.Exit, SystemExit, KeyboardInterrupt, BrokenPipeError):
            raise
        except OSError as exc:
            # The machine said no (a full disk, a file where a directory should be, no permission): the
            # user's to fix, not a bug, when the error names a file or a cause everyone knows.
            if os.environ.get("DRAFTING_DEBUG"):
                raise
            cause = _ENVIRONMENT.get(exc.errno or 0)
            if cause is None and not exc.filename:
                raise InternalError(exc) from exc
            where = f"{exc.filename}: " if exc.filename else ""
            raise InputRejected(f"{where}cannot write or read here: {cause or exc.strerror}") from exc
        except Exception as exc:
            if os.environ.get("DRAFTING_DEBUG"):
                raise
            raise InternalError(exc) from exc

    return wrapper  # type: ignore[return-value]


_ENVIRONMENT = {28: "the disk is full", 13: "permission denied", 30: "the file system is read-only",
                17: "a file is in the way (a directory was expected)", 20: "a file is in the way (not a directory)",
                21: "it is a directory", 122: "the disk quota is exceeded"}


class InternalError(click.ClickException):
    """An exception no domain rule raised: a bug in drafting, not a refusal of the input. Exit code 3; the
    traceback goes to a crash report file whose path the message names."""

    exit_code = 3

    def __init__(self, exc: BaseException) -> None:
        report = _crash_report(exc)
        where = f"the details are in {report}; please send that file" if report else \
            "please run it again with DRAFTING_DEBUG=1 and send the output"
        first = " ".join(str(exc).split())[:300]
        super().__init__(f"internal error ({type(exc).__name__}: {first}): this is a bug in drafting, not a problem "
                         f"with your input; {where} to the drafting maintainers (see README, Exit codes)")


def _crash_report(exc: BaseException) -> str:
    """Write the traceback to `<cache>/drafting/crash-<time>-<pid>.txt`; its path, or "" when it cannot be written."""
    import time
    import traceback

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    try:
        directory = os.path.join(base, "drafting", "crash-reports")
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, f"crash-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{os.getpid()}.txt")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(f"drafting {__version__}\nargv: {sys.argv!r}\n\n")
            handle.write("".join(traceback.format_exception(exc)))
        return path
    except OSError:
        return ""


PathArg = click.Path(path_type=Path, dir_okay=False)
DirArg = click.Path(path_type=Path, file_okay=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="drafting")
@click.option("-q", "--quiet", is_flag=True,
              help="No progress display (progress goes to stderr only, and only for work over a second).")
def cli(quiet: bool) -> None:
    """Draft and negotiate the outcome documents of intergovernmental conferences."""
    from drafting.app import set_quiet

    set_quiet(quiet)


# -- clause library -----------------------------------------------------------------------------------------


@cli.group()
def clauses() -> None:
    """The clause library: list, show and check reusable agreed language."""


@clauses.command("list")
@click.option("--kind", help="Only clauses of this kind (preambular, operative, membership, closing, …).")
@click.option("--tag", help="Only clauses with this tag.")
@click.option("--dir", "directory", type=DirArg, help="Clause library directory (default: the project's clauses/).")
@domain_errors
def clauses_list(kind: str | None, tag: str | None, directory: Path | None) -> None:
    """List clauses: id, kind, opening phrase."""
    from drafting.app import load_library

    library = load_library(directory)
    for clause in library.select(kind=kind, tag=tag):
        click.echo(f"{clause.id}\t{clause.kind}\t{clause.opening}")


@clauses.command("show")
@click.argument("clause_id")
@click.option("--dir", "directory", type=DirArg, help="Clause library directory.")
@domain_errors
def clauses_show(clause_id: str, directory: Path | None) -> None:
    """Show one clause: wording, parameters, provenance and translations."""
    from drafting.app import load_library
    from drafting.app.documents import describe_clause_id, describe_value
    from drafting.errors import DraftingInputError

    library = load_library(directory)
    clause = library.get(clause_id)
    if clause is None:
        raise DraftingInputError(f"unknown clause id {clause_id!r}{describe_clause_id(clause_id, library)}")
    click.echo(f"id:         {clause.id}")
    click.echo(f"kind:       {clause.kind}")
    click.echo(f"source:     {clause.source}")
    if clause.tags:
        click.echo(f"tags:       {', '.join(clause.tags)}")
    if clause.provenance:
        prov = clause.provenance
        click.echo(f"provenance: {prov.symbol}" + (f", para. {prov.paragraph}" if prov.paragraph else ""))
    for param in clause.params:
        default = "required" if param.required else f"default: {describe_value(param.default)}"
        options = "".join(f", {key}: {value}" for key, value in sorted(param.options.items()))
        click.echo(f"param:      {param.name} ({param.type.value}, {default}{options})")
    for lang, wording in clause.texts.items():
        click.echo(f"[{lang}] {wording.opening + ' ' if wording.opening else ''}{wording.text}")
        for item in wording.items:
            click.echo(f"     ({item.key}) {item.opening + ' ' if item.opening else ''}{item.text}")


@clauses.command("check")
@click.argument("directories", type=DirArg, nargs=-1)
@click.option("--strict", is_flag=True, help="Treat warnings (non-standard opening phrases) as errors.")
@click.option("--spec", type=PathArg, help="Check the clause libraries this spec names, together.")
@domain_errors
def clauses_check(directories: tuple[Path, ...], strict: bool, spec: Path | None) -> None:
    """Check clause libraries (several are checked together, as a spec's `clauses:` list searches them);
    every problem is printed as FILE:LINE: message."""
    from drafting.app import check_clauses

    problems = check_clauses(list(directories), strict=strict, spec=spec)
    for problem in problems:
        click.echo(str(problem), err=problem.severity == "error")
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    click.echo(f"{errors} error(s), {warnings} warning(s)", err=True)
    if errors:
        sys.exit(1)


# -- assembly ---------------------------------------------------------------------------------------------


@cli.command()
@click.argument("spec", type=PathArg)
@click.option("-o", "--outdir", type=DirArg, required=True, help="Directory for the outputs.")
@click.option("--format", "formats", default="md,docx", show_default=True, help="Comma-separated: md, docx, pdf.")
@click.option("--profile", type=click.Choice(["as-issued", "un-resolution"]), help="Override the spec's profile.")
@click.option("--name", help="Output file name stem (default: the spec's document.name).")
@click.option("--language", help="Language versions to build, e.g. en or en,ru (default: every language of the "
              "spec). The others' missing translations are listed as warnings.")
@click.option("--clauses", "clause_dir", type=DirArg, help="Clause library (default: the spec's or clauses/).")
@domain_errors
def assemble(spec: Path, outdir: Path, formats: str, profile: str | None, name: str | None,
             language: str | None, clause_dir: Path | None) -> None:
    """Assemble SPEC from the clause library into OUTDIR/<name>.md|.docx|.pdf."""
    from drafting.app import assemble_to, parse_formats

    written = assemble_to(spec, outdir, parse_formats(formats), profile=profile, name=name, language=language,
                          clauses=clause_dir, warn=lambda message: click.echo(f"warning: {message}", err=True))
    for path in written:
        click.echo(str(path))


class LintCommand(click.Command):
    """`lint --help` lists the rules the checker really has (read from it when help is asked for)."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from drafting.app.documents import lint_rules

        with formatter.section("Rules (docs/lint-rules.md: an example and a fix for each)"):
            formatter.write_dl(lint_rules())
        super().format_epilog(ctx, formatter)


@cli.command(cls=LintCommand)
@click.argument("spec", type=PathArg)
@click.option("--profile", type=click.Choice(["as-issued", "un-resolution"]), help="Lint as this profile.")
@click.option("--json", "as_json", is_flag=True, help="Findings as JSON.")
@domain_errors
def lint(spec: Path, profile: str | None, as_json: bool) -> None:
    """Report breaches of the drafting conventions (the rules below) in SPEC; exit 1 if there are any."""
    from drafting.app import lint_spec

    findings = lint_spec(spec, profile=profile)
    if as_json:
        click.echo(safe_json([{"paragraph": f.paragraph, "rule": f.rule, "message": f.message} for f in findings],
                              indent=2))
    else:
        for finding in findings:
            click.echo(str(finding))
        click.echo(f"{len(findings)} finding(s)", err=True)
    if findings:
        sys.exit(1)


@cli.command("import")
@click.argument("file", type=PathArg)
@click.option("-o", "--output", "out", type=PathArg, required=True, help="The spec (.yaml) to write.")
@click.option("--id", "document_id", help="The document id (default: from FILE's name).")
@click.option("--clauses", type=DirArg, help="The clause library to match paragraphs against (default: the project's).")
@click.option("--lossy-ok", is_flag=True, help="Write the spec even if FILE holds what a spec cannot (listed).")
@domain_errors
def import_command(file: Path, out: Path, document_id: str | None, clauses: Path | None, lossy_ok: bool) -> None:
    """Turn FILE, a draft drafting never made (.docx, .odt, .doc, .rtf, .md, .txt), into a spec at OUT."""
    from drafting.app.imports import import_draft
    from drafting.errors import safe_display

    spec, notes, losses = import_draft(file, out, lossy_ok=lossy_ok, document_id=document_id, clauses=clauses)
    for note in notes:
        click.echo(f"note: {safe_display(note)}", err=True)
    for loss in losses:
        click.echo(f"lost: {safe_display(loss)}", err=True)
    parts = {"preamble": len(spec.get("preamble", {}).get("paragraphs", [])),
             "operative": len(spec.get("operative", {}).get("paragraphs", [])), "closing": len(spec.get("closing", []))}
    click.echo(f"{out}: {parts['preamble']} preambular, {parts['operative']} operative, {parts['closing']} closing "
               "paragraph(s)")


# -- redlines ---------------------------------------------------------------------------------------------


UnlistedOption = click.option(
    "--unlisted", is_flag=True,
    help="Admit a delegation the registry lacks (an observer, an organisation): recorded as unlisted, with no code.")


@cli.command()
@click.argument("old", type=PathArg)
@click.argument("new", type=PathArg)
@click.option("--author", required=True, help="The delegation the changes are attributed to.")
@click.option("--date", help="Revision date (ISO 8601; default: now).")
@click.option("-o", "--output", "out", type=PathArg, required=True, help="The .docx to write.")
@click.option("--existing-changes", "existing", type=click.Choice(["accept", "refuse"]), default="accept",
              show_default=True, help="Tracked changes already in OLD or NEW: accept them first (reported), or refuse.")
@click.option("--lossy-ok", is_flag=True, help="Write the redline even if some changes cannot be shown (listed).")
@domain_errors
def redline(old: Path, new: Path, author: str, date: str | None, out: Path, existing: str, lossy_ok: bool) -> None:
    """Write OUT, a .docx with real tracked changes from OLD to NEW (.docx, .md or .txt in any mix)."""
    from drafting.app import redline as make_redline

    for finding in make_redline(old, new, out, author=author, date=date, existing=existing, lossy_ok=lossy_ok):
        click.echo(f"note: {finding}", err=True)
    click.echo(str(out))


@cli.command()
@click.argument("file", type=PathArg)
@click.option("--base", type=PathArg, help="The text FILE claims to amend: differences become untracked amendments.")
@click.option("--delegation", help="Who submitted FILE (for untracked changes; default: its main author).")
@click.option("--json", "as_json", is_flag=True, help="A JSON list of amendments.")
@click.option("--lossy-ok", is_flag=True, help="List the amendments even if FILE holds changes no amendment carries.")
@UnlistedOption
@domain_errors
def amendments(file: Path, base: Path | None, delegation: str | None, as_json: bool, lossy_ok: bool,
               unlisted: bool) -> None:
    """List the amendments in FILE: every tracked change, attributed, tied to a paragraph."""
    from drafting.app import amendments_report
    from drafting.errors import safe_display

    found, losses = amendments_report(file, base=base, delegation=delegation, lossy_ok=lossy_ok, unlisted=unlisted)
    for loss in losses:
        click.echo(safe_json({"lost": loss}) if as_json else f"lost: {safe_display(loss)}", err=True)
    if as_json:
        click.echo(safe_json([_amendment_json(a) for a in found], indent=2))
        return
    for author in sorted({a.author for a in found if a.tracked and a.code is None and a.author}):
        click.echo(safe_display(f"note: {author!r}, author of tracked changes, is no delegation in the registry: "
                                "its changes are listed under that name"), err=True)
    for a in found:
        flag = "" if a.tracked else " (untracked)"
        change = f"{a.old!r} -> {a.new!r}" if a.old and a.new else repr(a.new or a.old)
        where = f"{a.paragraph or '?'}" + (f" ({a.story})" if a.story else "")
        click.echo(f"{a.id}  {safe_display(a.delegation)}{flag}  {where}  {a.kind.value}  {change}")


def _amendment_json(a: Any) -> dict[str, Any]:
    return {"id": a.id, "delegation": a.delegation, "code": a.code, "author": a.author, "paragraph": a.paragraph,
            "kind": a.kind.value, "old": a.old, "new": a.new, "position": a.position, "date": a.date,
            "tracked": a.tracked, "context": a.context, "story": a.story}


@cli.command()
@click.argument("file", type=PathArg)
@click.option("--view", type=click.Choice(["accepted", "original", "all"]), default="accepted", show_default=True)
@domain_errors
def text(file: Path, view: str) -> None:
    """Print the text of FILE, one paragraph per line, in the chosen view of its tracked changes."""
    from drafting.app import text_of

    for paragraph in text_of(file, view):
        click.echo(paragraph)


@cli.command()
@click.argument("file", type=PathArg)
@click.option("-o", "--output", "out", type=PathArg, required=True)
@domain_errors
def accept(file: Path, out: Path) -> None:
    """Accept every tracked change in FILE and write OUT."""
    from drafting.app import resolve_all

    resolve_all(file, out, accept=True)
    click.echo(str(out))


@cli.command()
@click.argument("file", type=PathArg)
@click.option("-o", "--output", "out", type=PathArg, required=True)
@domain_errors
def reject(file: Path, out: Path) -> None:
    """Reject every tracked change in FILE and write OUT."""
    from drafting.app import resolve_all

    resolve_all(file, out, accept=False)
    click.echo(str(out))


# -- negotiation ------------------------------------------------------------------------------------------

ActorOption = click.option("--actor", help="Who is acting, for the record (default: $DRAFTING_ACTOR or login).")


@cli.group()
def negotiation() -> None:
    """Negotiation workspaces."""


@negotiation.command("init")
@click.argument("directory", type=DirArg)
@click.option("--base", type=PathArg, required=True, help="The base text: a spec, or a .docx made by assemble.")
@ActorOption
@domain_errors
def negotiation_init(directory: Path, base: Path, actor: str | None) -> None:
    """Start a negotiation in DIRECTORY on the base text."""
    from drafting.app import negotiation_init as init

    document = init(directory, base, actor=actor)
    click.echo(f"{directory}: negotiation of {document.meta.document_id} opened on the original text "
               f"({len(document.paragraphs)} paragraphs)")


@cli.command()
@click.argument("directory", type=DirArg)
@click.option("--delegation", help="The delegation submitting the FILES (a registry code, or any name of it in "
                                   "any language).")
@click.option("--by-file-name", is_flag=True,
              help="Take each file's delegation from its name (kazakhstan.docx -> Kazakhstan).")
@click.argument("files", type=PathArg, nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file, as a list.")
@click.option("--lossy-ok", is_flag=True,
              help="Record a file even if it holds changes no amendment carries (tracked changes in notes…).")
@UnlistedOption
@ActorOption
@domain_errors
def submit(directory: Path, delegation: str | None, by_file_name: bool, files: tuple[Path, ...], as_json: bool,
           actor: str | None, lossy_ok: bool, unlisted: bool) -> None:
    """Record FILES (tracked-changes .docx, clean edited .docx, or edited Markdown/text) from delegations.

    Every delegation must resolve through the registry (or be one this negotiation has recorded): an unknown
    name refuses the whole call before anything is recorded. Then each file is its own transaction: a refused
    file is reported and the others are still recorded.
    """
    from drafting.app import revision_label, submit_many
    from drafting.errors import safe_display

    if (delegation is None) == (not by_file_name):
        raise DraftingUsageError("give --delegation NAME, or --by-file-name")
    refused = 0
    items = [(delegation if delegation is not None else file.stem, file) for file in files]
    reported: list[dict[str, Any]] = []
    for file, outcome in submit_many(directory, items, actor=actor, lossy_ok=lossy_ok, unlisted=unlisted):
        if isinstance(outcome, DraftingError):
            refused += 1
            click.echo(f"Error: {outcome}", err=True)
            reported.append({"file": str(file), "error": str(outcome)})
            continue
        if as_json:
            reported.append({"file": str(file), "delegation": outcome.delegation, "submission": outcome.submission,
                             "revision": outcome.revision, "label": revision_label(outcome.revision),
                             "matched_by": outcome.matched_by, "similarity": outcome.similarity,
                             "amendments": outcome.amendments, "without_track_changes": outcome.untracked,
                             "repeated": outcome.repeated, "current": outcome.current,
                             "unlisted": outcome.unlisted, "other_authors": list(outcome.other_authors)})
            continue
        matched = ("by its identity" if outcome.matched_by == "identity"
                   else f"by best match ({outcome.similarity:.0%})")
        state = "already recorded" if outcome.repeated else f"submission {outcome.submission}"
        which = f" [{file.name}]" if len(files) > 1 else ""
        untracked = f", {outcome.untracked} made without Track Changes" if outcome.untracked else ""
        listed = " (unlisted: not in the registry)" if outcome.unlisted else ""
        click.echo(f"{safe_display(outcome.delegation)}{listed}: {state}, made against "
                   f"{revision_label(outcome.revision)} ({matched}), {outcome.amendments} amendment(s)"
                   f"{untracked}{which}")
        if outcome.other_authors:
            click.echo(safe_display(f"note: tracked changes by {', '.join(outcome.other_authors)} recorded as "
                                    f"{outcome.delegation}'s (the submitting delegation)"), err=True)
        if not outcome.current:
            click.echo("note: not the current revision; recorded, but not in the current compilation", err=True)
    if as_json:
        click.echo(safe_json(reported, indent=2))
    if refused:
        sys.exit(1)


@cli.command("log")
@click.argument("directory", type=DirArg)
@click.option("--json", "as_json", is_flag=True)
@click.option("--verify", "check", is_flag=True,
              help="Check the record's hash chain, triggers and stored files; list every broken link (exit 1).")
@domain_errors
def log_command(directory: Path, as_json: bool, check: bool) -> None:
    """Show the negotiation record, oldest first."""
    from drafting.app import log_events, log_lines
    from drafting.errors import safe_display

    if check:
        from drafting.app import verify_record

        problems, seq, digest = verify_record(directory)
        for problem in problems:
            click.echo(f"FAIL: {safe_display(problem)}", err=True)
        if problems:
            sys.exit(1)
        click.echo(f"OK: the record is intact: {seq} event(s), chain head {digest}")
        return
    for line in log_lines(log_events(directory), as_json=as_json):
        click.echo(line)


@cli.command("compile")
@click.argument("directory", type=DirArg)
@click.option("-o", "--outdir", type=DirArg, required=True)
@click.option("--format", "formats", default="docx,md,html", show_default=True,
              help="Comma-separated: docx, md, html, pdf (made from compilation.docx).")
@click.option("--json", "as_json", is_flag=True, help="The files written and the conflicts, as JSON.")
@domain_errors
def compile_command(directory: Path, outdir: Path, formats: str, as_json: bool) -> None:
    """Write the compilation text of all submissions on the current revision."""
    from drafting.app import compile_outputs, revision_label
    from drafting.errors import safe_display

    wanted = tuple(dict.fromkeys(f.strip().lower() for f in formats.split(",") if f.strip()))
    written, compilation = compile_outputs(directory, outdir, wanted)
    if as_json:
        click.echo(safe_json({
            "revision": compilation.revision, "label": revision_label(compilation.revision),
            "files": [str(p) for p in written], "delegations": list(compilation.delegations),
            "conflicts": [{"paragraph": c.paragraph, "number": c.label, "delegations": list(c.delegations)}
                          for c in compilation.conflicts],
            "without_track_changes": compilation.untracked,
            "unplaced": [compilation.number(a) for a in compilation.unplaced]}, indent=2))
        return
    for path in written:
        click.echo(str(path))
    for conflict in compilation.conflicts:
        where = conflict.label or conflict.paragraph
        click.echo(f"conflict: paragraph {where} ({conflict.paragraph}): "
                   f"{safe_display(', '.join(conflict.delegations))}")


@cli.command(short_help="Record the chair's decisions on amendments.")
@click.argument("directory", type=DirArg)
@click.argument("args", nargs=-1, metavar="[AMENDMENT]... DECISION")
@click.option("--note", default="", help="Why, for the record.")
@click.option("--delegation", help="Decide every live amendment of this delegation (a filter).")
@click.option("--kind", help="… of this kind (insert, delete, replace, paragraph-insert, …).")
@click.option("--paragraph", help="… to this paragraph (its id or number).")
@click.option("--status", "state", help="… whose decision so far is this (pending, accept, reject, withdraw).")
@click.option("--from-file", type=PathArg, help="A CSV file: amendment,decision[,note] per line, with a header.")
@click.option("--json", "as_json", is_flag=True, help="The decisions recorded, as JSON.")
@ActorOption
@domain_errors
def decide(directory: Path, args: tuple[str, ...], note: str, delegation: str | None, kind: str | None,
           paragraph: str | None, state: str | None, from_file: Path | None, as_json: bool,
           actor: str | None) -> None:
    """Record the chair's DECISION (accept, reject, withdraw) on each AMENDMENT (its number, e.g. KAZ/1, or
    id), on the amendments the filters select, or as listed in --from-file. One transaction: all or nothing."""
    from drafting.app import decide_batch, decided_lines

    amendments, decision = (args[:-1], args[-1]) if args and from_file is None else (args, None)
    if decision is not None and decision not in values(Decision):
        raise DraftingUsageError(f"the last argument is the decision: one of {', '.join(values(Decision))} "
                                 f"(got {decision!r})")
    done = decide_batch(directory, amendments, decision, note=note, delegation=delegation, kind=kind,
                        paragraph=paragraph, status=state, from_file=from_file, actor=actor)
    for line in decided_lines(done, as_json=as_json):
        click.echo(line)


@cli.command(short_help="Record the status of paragraphs.")
@click.argument("directory", type=DirArg)
@click.argument("args", nargs=-1, metavar="[PARAGRAPH]... STATUS")
@click.option("--delegation", help="Every paragraph this delegation has a live amendment to (a filter).")
@click.option("--status", "state", type=click.Choice(values(ParagraphStatus)),
              help="… whose status now is this.")
@click.option("--from-file", type=PathArg, help="A CSV file: paragraph,status per line, with a header.")
@ActorOption
@domain_errors
def mark(directory: Path, args: tuple[str, ...], delegation: str | None, state: str | None,
         from_file: Path | None, actor: str | None) -> None:
    """Record STATUS (agreed, agreed-ad-ref, bracketed, pending) of each PARAGRAPH (its stable id or number;
    several, or separated by commas; or ALL), of the paragraphs the filters select, or as listed in
    --from-file. One transaction: all or nothing."""
    from drafting.app import mark_batch, marked_lines

    paragraphs, status = (args[:-1], args[-1]) if args and from_file is None else (args, None)
    if status is not None and status not in values(ParagraphStatus):
        raise DraftingUsageError(f"the last argument is the status: one of {', '.join(values(ParagraphStatus))} "
                                 f"(got {status!r})")
    marked = mark_batch(directory, paragraphs, status, delegation=delegation, current=state, from_file=from_file,
                        actor=actor)
    for line in marked_lines(marked):
        click.echo(line)


@cli.command()
@click.argument("directory", type=DirArg)
@click.argument("paragraph")
@click.option("--text", required=True, help="The chair's text: the paragraph as proposed, or a new paragraph.")
@click.option("--after", is_flag=True, help="Propose TEXT as a new paragraph after PARAGRAPH.")
@click.option("--replaces", multiple=True, help="An amendment this proposal merges (repeat for several).")
@click.option("--json", "as_json", is_flag=True, help="The proposal recorded, as JSON.")
@ActorOption
@domain_errors
def propose(directory: Path, paragraph: str, text: str, after: bool, replaces: tuple[str, ...], as_json: bool,
            actor: str | None) -> None:
    """Record a proposal of the chair (Chair/N) for PARAGRAPH (its id or number): shown in the compilation,
    decided like any amendment."""
    from drafting.app import propose as do_propose
    from drafting.errors import safe_display

    done = do_propose(directory, paragraph, text, replaces=replaces, after=after, actor=actor)
    if as_json:
        click.echo(safe_json(decided_json(done), indent=2))
        return
    click.echo(safe_display(done.summary()))


@cli.command()
@click.argument("directory", type=DirArg)
@click.argument("amendments", nargs=-1, required=True)
@click.option("--delegation", required=True, help="The delegation that supports them (co-sponsors).")
@UnlistedOption
@ActorOption
@domain_errors
def support(directory: Path, amendments: tuple[str, ...], delegation: str, unlisted: bool, actor: str | None) -> None:
    """Record DELEGATION as a supporter of each of AMENDMENTS (numbers, e.g. KAZ/1): shown with them."""
    from drafting.app import support as do_support
    from drafting.errors import safe_display

    for done in do_support(directory, amendments, delegation, actor=actor, unlisted=unlisted):
        click.echo(safe_display(f"{done.number}: supported by {done.note}"))


@cli.command()
@click.argument("directory", type=DirArg)
@click.option("--until", required=True, help="The deadline: ISO 8601 with a time zone (2026-12-04T12:00Z).")
@click.option("--paragraphs", multiple=True, help="Only these paragraphs (ids or numbers; repeat or separate "
                                                  "with commas). Default: the whole current text.")
@ActorOption
@domain_errors
def silence(directory: Path, until: str, paragraphs: tuple[str, ...], actor: str | None) -> None:
    """Put the current text (or some paragraphs) under silence until a deadline: unbroken, they read agreed."""
    from drafting.app import silence as do_silence

    done = do_silence(directory, until, paragraphs, actor=actor)
    click.echo(f"silence {done.id}: {len(done.paragraphs)} paragraph(s) under silence until "
               f"{done.until.strftime('%Y-%m-%dT%H:%M:%SZ')}")


@cli.command("break-silence")
@click.argument("directory", type=DirArg)
@click.option("--delegation", required=True, help="The delegation that objects.")
@click.option("--paragraph", required=True, help="The paragraph it objects to (id or number).")
@click.option("--note", default="", help="Why, for the record.")
@UnlistedOption
@ActorOption
@domain_errors
def break_silence(directory: Path, delegation: str, paragraph: str, note: str, unlisted: bool,
                  actor: str | None) -> None:
    """Record a delegation's break of the silence on a paragraph (refused after the deadline)."""
    from drafting.app import break_silence as do_break
    from drafting.errors import safe_display

    done = do_break(directory, delegation, paragraph, note, actor=actor, unlisted=unlisted)
    last = done.breaks[-1]
    click.echo(safe_display(f"silence {done.id} broken on {last.paragraph} by {last.delegation}"))


@cli.command()
@click.argument("directory", type=DirArg)
@click.option("-o", "--outdir", type=DirArg, help="Write reflection.md and reflection.html here.")
@click.option("--delegation", help="Only this delegation's proposals.")
@click.option("--format", "formats", default="md,html", show_default=True, help="md, html, docx.")
@click.option("--json", "as_json", is_flag=True, help="Every proposal and where it went, as JSON.")
@domain_errors
def reflect(directory: Path, outdir: Path | None, delegation: str | None, formats: str, as_json: bool) -> None:
    """For each delegation, every one of its proposals across all revisions and where it went."""
    from drafting.app import parse_formats
    from drafting.app import reflect as do_reflect
    from drafting.errors import safe_display

    if outdir is None and not as_json:
        raise DraftingUsageError("give -o DIR, or --json")
    written, report = do_reflect(directory, outdir, delegation=delegation,
                                 formats=parse_formats(formats, ("md", "html", "docx")))
    if as_json:
        click.echo(safe_json({name: [f.as_json() for f in fates] for name, fates in report.items()}, indent=2))
        return
    for path in written:
        click.echo(str(path))
    for name, fates in report.items():
        counts: dict[str, int] = {}
        for fate in fates:
            counts[fate.outcome] = counts.get(fate.outcome, 0) + 1
        click.echo(safe_display(f"{name}: {len(fates)} proposal(s): "
                                + ", ".join(f"{n} {o}" for o, n in counts.items())), err=True)


@cli.command()
@click.argument("directory", type=DirArg)
@click.option("--json", "as_json", is_flag=True)
@domain_errors
def status(directory: Path, as_json: bool) -> None:
    """Per paragraph: number, status, amendments and decisions; and the conflicts."""
    from drafting.app import status_lines, status_report

    report = status_report(directory)
    if as_json:
        click.echo(safe_json(report, indent=2))
        return
    for line in status_lines(report):
        click.echo(line)


@cli.command()
@click.argument("directory", type=DirArg)
@click.option("-o", "--outdir", type=DirArg, help="Where to write the revision (default DIRECTORY/rev<N>).")
@click.option("--format", "formats", default="md,docx", show_default=True, help="md, docx, pdf.")
@ActorOption
@domain_errors
def revise(directory: Path, outdir: Path | None, formats: str, actor: str | None) -> None:
    """Issue the next revision: accepted amendments applied, undecided ones in brackets."""
    from drafting.app import parse_formats
    from drafting.app import revise as do_revise

    written, revision = do_revise(directory, outdir, parse_formats(formats), actor=actor)
    for path in written:
        click.echo(str(path))
    click.echo(f"Rev.{revision.document.meta.revision}: {len(revision.applied)} amendment(s) applied, "
               f"{len(revision.bracketed)} left in brackets", err=True)
    for note in revision.notes:
        click.echo(f"note: {note}", err=True)


# -- final versions -------------------------------------------------------------------------------------


@cli.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("-o", "--outdir", type=DirArg, required=True)
@click.option("--force", is_flag=True, help="Finalize despite open paragraphs; the list is recorded.")
@click.option("--sign", "cert", type=PathArg, help="Sign the PDF (PAdES) with this PKCS#12 certificate.")
@click.option("--password-file", type=PathArg, help="File holding the certificate's password.")
@click.option("--symbol", help="The final text's symbol (default: the spec's final_symbol, else the draft's).")
@ActorOption
@domain_errors
def finalize(source: Path, outdir: Path, force: bool, cert: Path | None, password_file: Path | None,
             actor: str | None, symbol: str | None) -> None:
    """Produce the final authentic version of SOURCE (a negotiation workspace, or a spec) in OUTDIR."""
    from drafting.app import finalize as do_finalize

    if password_file is not None and cert is None:
        raise DraftingUsageError("--password-file needs --sign")
    result = do_finalize(source, outdir, force=force, cert=cert, password_file=password_file,
                         actor=actor, symbol=symbol)
    for item in result.forced:
        click.echo(f"forced: {item}", err=True)
    for path in result.files:
        click.echo(str(path))


@cli.command()
@click.argument("outdir", type=click.Path(path_type=Path))  # (a file is refused in one line: not a final version)
@click.option("--workspace", type=DirArg, help="Also check that the final text derives from this record's agreed "
              "revision.")
@click.option("--trust", type=click.Path(path_type=Path),
              help="Trust anchor: a certificate (PEM/DER) or a directory of them; the signer must chain to one.")
@domain_errors
def verify(outdir: Path, workspace: Path | None, trust: Path | None) -> None:
    """Check a final version: every hash, every text, the manifest's seal, the signatures, nothing unlisted."""
    from drafting.app import verify as do_verify

    report = do_verify(outdir, workspace=workspace, trust=trust)
    for check in report.checks:
        click.echo(f"ok: {check}")
    if report.ok:
        for note in report.notes:
            click.echo(f"note: {note}")
        click.echo(f"OK: {outdir} is the final text its manifest describes"
                   + (f", derived from the agreed text of {workspace}" if workspace else ""))
        return
    for problem in report.problems:
        click.echo(f"FAIL: {problem}", err=True)
    sys.exit(1)


# -- language versions ----------------------------------------------------------------------------------


@cli.command()
@click.argument("source", type=click.Path(path_type=Path))
@domain_errors
def concordance(source: Path) -> None:
    """Check that the language versions of SOURCE (a spec or a workspace) agree, paragraph for paragraph."""
    from drafting.app import concordance_report

    found = concordance_report(source)
    for discrepancy in found:
        click.echo(str(discrepancy))
    if found:
        click.echo(f"{len(found)} discrepancy(ies)", err=True)
        sys.exit(1)
    click.echo("OK: the language versions agree")


@cli.command()
@click.argument("directory", type=DirArg)
@click.option("--language", required=True, help="The language version FILE holds (e.g. ru).")
@click.argument("file", type=PathArg)
@ActorOption
@domain_errors
def translation(directory: Path, language: str, file: Path, actor: str | None) -> None:
    """Take FILE (a translated copy made by drafting, paragraphs keep their ids) as a language version."""
    from drafting.app import import_translation, revision_label

    number, pending = import_translation(directory, language, file, actor=actor)
    click.echo(f"{language} version of {revision_label(number)} updated; "
               f"{len(pending)} paragraph(s) still pending translation")


# -- people (the portal's accounts) ---------------------------------------------------------------------


@cli.group()
def users() -> None:
    """Accounts for the delegation portal (`drafting serve`): invite, list."""


@users.command("invite")
@click.argument("directory", type=DirArg)
@click.option("--email", required=True, help="The person's e-mail address (their login).")
@click.option("--delegation", help="Their delegation (a registry code such as KAZ, or any name of it); members "
                                   "need one.")
@click.option("--role", type=click.Choice(["clerk", "chair", "member", "observer"]), default="member",
              show_default=True)
@click.option("--base-url", default="http://127.0.0.1:8000", show_default=True,
              help="Where the portal is reached, for the link.")
@UnlistedOption
@ActorOption
@domain_errors
def users_invite(directory: Path, email: str, delegation: str | None, role: str, base_url: str, unlisted: bool,
                 actor: str | None) -> None:
    """Create an account by invitation and print its one-time link (valid 7 days; shown only now)."""
    from drafting.app import default_actor
    from drafting.app.accounts import invite, workspace_slug

    found = invite(directory, email, role, delegation, actor=actor or default_actor(), unlisted=unlisted)
    slug = workspace_slug(directory)
    who = f"{found.role} of {found.delegation}" if found.delegation else found.role
    click.echo(f"{found.email} ({who}): {base_url.rstrip('/')}/w/{slug}{found.path()}")


@users.command("list")
@click.argument("directory", type=DirArg)
@domain_errors
def users_list(directory: Path) -> None:
    """Every account: e-mail, role, delegation, whether the invitation was taken up."""
    from drafting.app.accounts import people

    for person in people(directory):
        state = "active" if person.has_password else "invited"
        click.echo(f"{person.email}\t{person.role}\t{person.delegation or '-'}\t{state}")


def main() -> None:
    try:
        cli(prog_name="drafting")
    except BrokenPipeError:
        # The reader went away (`drafting log … | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except Exception as exc:  # outside any command (a group's callback): still a bug, still exit 3
        if os.environ.get("DRAFTING_DEBUG"):
            raise
        click.echo(f"Error: {InternalError(exc).message}", err=True)
        sys.exit(InternalError.exit_code)
    finally:
        # The process is about to end: freezing spares the interpreter's final garbage collections over
        # every object it holds (tens of milliseconds, a tenth of a short command); the OS reclaims the rest.
        gc.freeze()


if __name__ == "__main__":
    main()
