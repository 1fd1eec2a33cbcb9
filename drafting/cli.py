"""The `drafting` command: a thin click shell over `drafting.api`.

Exit codes are fixed: 0 ok, 1 rejected input (one line naming file and place, never a traceback),
2 usage. Heavy imports happen inside commands so that `drafting --help` stays fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from drafting import __version__
from drafting.errors import DraftingError, DraftingUsageError

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

    return wrapper  # type: ignore[return-value]


PathArg = click.Path(path_type=Path, dir_okay=False)
DirArg = click.Path(path_type=Path, file_okay=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="drafting")
def cli() -> None:
    """Draft and negotiate the outcome documents of intergovernmental conferences."""


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
    from drafting.api import default_clause_dir
    from drafting.clauses import load_library

    library = load_library(directory or default_clause_dir())
    for clause in library.select(kind=kind, tag=tag):
        click.echo(f"{clause.id}\t{clause.kind}\t{clause.opening}")


@clauses.command("show")
@click.argument("clause_id")
@click.option("--dir", "directory", type=DirArg, help="Clause library directory.")
@domain_errors
def clauses_show(clause_id: str, directory: Path | None) -> None:
    """Show one clause: wording, parameters, provenance and translations."""
    from drafting.api import default_clause_dir
    from drafting.clauses import load_library
    from drafting.errors import DraftingInputError

    library = load_library(directory or default_clause_dir())
    clause = library.get(clause_id)
    if clause is None:
        raise DraftingInputError(f"unknown clause id {clause_id!r}")
    click.echo(f"id:         {clause.id}")
    click.echo(f"kind:       {clause.kind}")
    click.echo(f"source:     {clause.source}")
    if clause.tags:
        click.echo(f"tags:       {', '.join(clause.tags)}")
    if clause.provenance:
        prov = clause.provenance
        click.echo(f"provenance: {prov.symbol}" + (f", para. {prov.paragraph}" if prov.paragraph else ""))
    for param in clause.params:
        default = "required" if param.required else f"default {param.default!r}"
        click.echo(f"param:      {param.name} ({param.type.value}, {default})")
    for lang, wording in clause.texts.items():
        click.echo(f"[{lang}] {wording.opening + ' ' if wording.opening else ''}{wording.text}")
        for item in wording.items:
            click.echo(f"     ({item.key}) {item.opening + ' ' if item.opening else ''}{item.text}")


@clauses.command("check")
@click.argument("directory", type=DirArg, required=False)
@click.option("--strict", is_flag=True, help="Treat warnings (non-standard opening phrases) as errors.")
@domain_errors
def clauses_check(directory: Path | None, strict: bool) -> None:
    """Check a clause library; every problem is printed as FILE:LINE: message."""
    from drafting.api import check_clauses

    problems = check_clauses(directory, strict=strict)
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
@click.option("--language", help="Language version to render (default: the spec's language).")
@click.option("--clauses", "clause_dir", type=DirArg, help="Clause library (default: the spec's or clauses/).")
@domain_errors
def assemble(spec: Path, outdir: Path, formats: str, profile: str | None, name: str | None,
             language: str | None, clause_dir: Path | None) -> None:
    """Assemble SPEC from the clause library into OUTDIR/<name>.md|.docx|.pdf."""
    from drafting.api import assemble_to, parse_formats
    from drafting.spec import NAME

    if name is not None and not NAME.match(name):
        raise DraftingUsageError("--name must be a plain file name (letters, digits, '.', '-', '_')")
    written = assemble_to(spec, outdir, parse_formats(formats), profile=profile, name=name, language=language,
                          clauses=clause_dir)
    for path in written:
        click.echo(str(path))


@cli.command()
@click.argument("spec", type=PathArg)
@click.option("--profile", type=click.Choice(["as-issued", "un-resolution"]), help="Lint as this profile.")
@click.option("--json", "as_json", is_flag=True, help="Findings as JSON.")
@domain_errors
def lint(spec: Path, profile: str | None, as_json: bool) -> None:
    """Report breaches of the drafting conventions (rules S4–S12) in SPEC; exit 1 if there are any."""
    from drafting.api import lint_spec

    findings = lint_spec(spec, profile=profile)
    if as_json:
        click.echo(json.dumps([{"paragraph": f.paragraph, "rule": f.rule, "message": f.message} for f in findings],
                              ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            click.echo(str(finding))
        click.echo(f"{len(findings)} finding(s)", err=True)
    if findings:
        sys.exit(1)


# -- redlines ---------------------------------------------------------------------------------------------


@cli.command()
@click.argument("old", type=PathArg)
@click.argument("new", type=PathArg)
@click.option("--author", required=True, help="The delegation the changes are attributed to.")
@click.option("--date", help="Revision date (ISO 8601; default: now).")
@click.option("-o", "--output", "out", type=PathArg, required=True, help="The .docx to write.")
@domain_errors
def redline(old: Path, new: Path, author: str, date: str | None, out: Path) -> None:
    """Write OUT, a .docx with real tracked changes from OLD to NEW (.docx, .md or .txt in any mix)."""
    from drafting.api import redline as make_redline

    for finding in make_redline(old, new, out, author=author, date=date):
        click.echo(f"note: {finding}", err=True)
    click.echo(str(out))


@cli.command()
@click.argument("file", type=PathArg)
@click.option("--base", type=PathArg, help="The text FILE claims to amend: differences become untracked amendments.")
@click.option("--delegation", help="Who submitted FILE (for untracked changes; default: its main author).")
@click.option("--json", "as_json", is_flag=True, help="A JSON list of amendments.")
@domain_errors
def amendments(file: Path, base: Path | None, delegation: str | None, as_json: bool) -> None:
    """List the amendments in FILE: every tracked change, attributed, tied to a paragraph."""
    from drafting.api import list_amendments
    from drafting.errors import safe_display

    found = list_amendments(file, base=base, delegation=delegation)
    if as_json:
        click.echo(json.dumps([_amendment_json(a) for a in found], ensure_ascii=False, indent=2))
        return
    for a in found:
        flag = "" if a.tracked else " (untracked)"
        change = f"{a.old!r} -> {a.new!r}" if a.old and a.new else repr(a.new or a.old)
        click.echo(f"{a.id}  {safe_display(a.delegation)}{flag}  {a.paragraph or '?'}  {a.kind.value}  {change}")


def _amendment_json(a: Any) -> dict[str, Any]:
    return {"id": a.id, "delegation": a.delegation, "code": a.code, "author": a.author, "paragraph": a.paragraph,
            "kind": a.kind.value, "old": a.old, "new": a.new, "position": a.position, "date": a.date,
            "tracked": a.tracked, "context": a.context}


@cli.command()
@click.argument("file", type=PathArg)
@click.option("--view", type=click.Choice(["accepted", "original", "all"]), default="accepted", show_default=True)
@domain_errors
def text(file: Path, view: str) -> None:
    """Print the text of FILE, one paragraph per line, in the chosen view of its tracked changes."""
    from drafting.api import text_of

    for paragraph in text_of(file, view):
        click.echo(paragraph)


@cli.command()
@click.argument("file", type=PathArg)
@click.option("-o", "--output", "out", type=PathArg, required=True)
@domain_errors
def accept(file: Path, out: Path) -> None:
    """Accept every tracked change in FILE and write OUT."""
    from drafting.api import resolve_all

    resolve_all(file, out, accept=True)
    click.echo(str(out))


@cli.command()
@click.argument("file", type=PathArg)
@click.option("-o", "--output", "out", type=PathArg, required=True)
@domain_errors
def reject(file: Path, out: Path) -> None:
    """Reject every tracked change in FILE and write OUT."""
    from drafting.api import resolve_all

    resolve_all(file, out, accept=False)
    click.echo(str(out))


def main() -> None:
    cli(prog_name="drafting")


if __name__ == "__main__":
    main()
