"""What the console entry (`drafting.__main__`) runs in its own process without click: the quick commands
`status`, `log`, `decide` and `mark`, and `assemble` (the drafter's loop of edit, assemble, read), when their
command line is plain. Kept apart from the entry so that a command the resident interpreter runs does not load
it in the client."""

from __future__ import annotations

import gc
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing import TextIO


class _Spec:
    """A quick command's parameters as its click command declares them (tests/test_startup.py keeps the two
    equal): positional `arguments` (the last may take any number, `variadic`), `flags`, options taking a value
    (`values`, by option name: the parameter's name), `choices` of an option, and which parameters are paths
    to a directory (`directories`) or a file (`files`)."""

    def __init__(self, arguments: tuple[str, ...], variadic: bool, flags: dict[str, str], values: dict[str, str],
                 *, choices: dict[str, tuple[str, ...]] | None = None, directories: tuple[str, ...] = ("directory",),
                 files: tuple[str, ...] = (), defaults: dict[str, Any] | None = None,
                 required: tuple[str, ...] = ()) -> None:
        self.arguments, self.variadic, self.flags, self.values = arguments, variadic, flags, values
        self.choices = choices or {}
        self.directories, self.files = directories, files
        self.defaults = defaults or {}
        self.required = required


_STATUSES = ("agreed", "agreed-ad-ref", "bracketed", "pending")  # ParagraphStatus, as `mark --status` offers them
COMMANDS = {
    "status": _Spec(("directory",), False, {"--json": "as_json"}, {}),
    "log": _Spec(("directory",), False, {"--json": "as_json", "--verify": "check"}, {}),
    "decide": _Spec(("directory", "args"), True, {"--json": "as_json"},
                    {"--note": "note", "--delegation": "delegation", "--kind": "kind", "--paragraph": "paragraph",
                     "--status": "state", "--from-file": "from_file", "--actor": "actor"},
                    files=("from_file",), defaults={"note": ""}),
    "mark": _Spec(("directory", "args"), True, {},
                  {"--delegation": "delegation", "--status": "state", "--from-file": "from_file", "--actor": "actor"},
                  choices={"state": _STATUSES}, files=("from_file",)),
    "assemble": _Spec(("spec",), False, {},
                      {"-o": "outdir", "--outdir": "outdir", "--format": "formats", "--profile": "profile",
                       "--name": "name", "--language": "language", "--clauses": "clause_dir"},
                      choices={"profile": ("as-issued", "un-resolution")}, directories=("outdir", "clause_dir"),
                      files=("spec",), defaults={"formats": "md,docx"}, required=("outdir",)),
}
"""`status`, `log`, `decide`, `mark` and `assemble`, run by `quick` without click when their command line is
plain."""


def parse_quick(name: str, argv: list[str]) -> dict[str, Any] | None:
    """The parameters of quick command `name` from `argv`, as click would pass them to the command; None when
    the line is anything but plain (help, `--`, an unknown or incomplete option, a bad choice, a missing
    argument, a file where a directory is wanted…): click then parses it and says what is wrong."""
    spec = COMMANDS[name]
    params: dict[str, Any] = {flag: False for flag in spec.flags.values()}
    params.update({option: None for option in spec.values.values()})
    params.update(spec.defaults)
    positional: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if not arg.startswith("-"):
            positional.append(arg)
            continue
        # (`--name=value`; a short option's value is all that follows it, as click reads `-o=x`: click's then)
        option, equals, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if option in spec.flags and not equals:
            params[spec.flags[option]] = True
        elif option in spec.values:
            if not equals:
                if i == len(argv):
                    return None
                value = argv[i]
                i += 1
            params[spec.values[option]] = value
        else:
            return None  # -h, --help, --, an unknown option, a flag given a value
    if len(positional) < len(spec.arguments) - spec.variadic or (len(positional) > len(spec.arguments)
                                                                    and not spec.variadic):
        return None
    for n, argument in enumerate(spec.arguments):
        last = spec.variadic and n == len(spec.arguments) - 1
        params[argument] = tuple(positional[n:]) if last else positional[n]
    for option, allowed in spec.choices.items():
        if params[option] is not None and params[option] not in allowed:
            return None
    if any(params[option] is None for option in spec.required):
        return None
    from pathlib import Path

    for key in (*spec.directories, *spec.files):
        value = params[key]
        if value is None:
            continue
        if os.path.isfile(value) if key in spec.directories else os.path.isdir(value):
            return None  # click names the file that is a directory, or the reverse
        params[key] = Path(value)
    return params


def quick(name: str, argv: list[str]) -> bool:
    """Run quick command `name` without click, as its click command would (same output, exit codes, crash
    report); False, with nothing done, when click should (a command line that is not plain, a usage error)."""
    if "_DRAFTING_COMPLETE" in os.environ:
        return False
    params = parse_quick(name, argv)
    if params is None or (name == "log" and params["check"]):
        return False
    from drafting.errors import DraftingError, DraftingUsageError

    try:
        lines = _run_quick(name, params)
    except DraftingUsageError:
        return False  # refused before anything was recorded: click runs it again and shows its usage error
    except DraftingError as exc:
        _write(sys.stderr, [f"Error: {exc}"])
        gc.freeze()
        sys.exit(1)
    except KeyboardInterrupt:
        _write(sys.stderr, ["", "Aborted!"])  # as click's standalone mode
        sys.exit(1)
    except BrokenPipeError:
        _quiet_pipe()
    except Exception as exc:
        _as_click_would(exc)
    try:
        _write(sys.stdout, lines)
    except BrokenPipeError:
        _quiet_pipe()
    except OSError as exc:  # the output cannot be written (a full disk): one line, as click's commands say it
        _as_click_would(exc)
    gc.freeze()  # as `drafting.cli.main`: no final collections over every object the process holds
    return True


def _run_quick(name: str, params: dict[str, Any]) -> list[str]:
    """What the click command `name` does with `params`, its output as lines."""
    import drafting.app as app

    app.set_quiet(False)  # the group's -q, not given
    if name == "assemble":
        return _assemble(params)
    directory = params["directory"]
    if name == "status":
        report = app.status_report(directory)
        return [app.safe_json(report, indent=2)] if params["as_json"] else app.status_lines(report)
    if name == "log":
        return app.log_lines(app.log_events(directory), as_json=bool(params["as_json"]))
    from drafting.errors import DraftingUsageError
    from drafting.model.vocabulary import Decision, ParagraphStatus, values

    args: tuple[str, ...] = params["args"]
    items, verdict = (args[:-1], args[-1]) if args and params["from_file"] is None else (args, None)
    if name == "decide":
        if verdict is not None and verdict not in values(Decision):
            raise DraftingUsageError("the last argument is the decision")
        done = app.decide_batch(directory, items, verdict, note=params["note"], delegation=params["delegation"],
                                kind=params["kind"], paragraph=params["paragraph"], status=params["state"],
                                from_file=params["from_file"], actor=params["actor"])
        return app.decided_lines(done, as_json=bool(params["as_json"]))
    if verdict is not None and verdict not in values(ParagraphStatus):
        raise DraftingUsageError("the last argument is the status")
    return app.marked_lines(app.mark_batch(directory, items, verdict, delegation=params["delegation"],
                                           current=params["state"], from_file=params["from_file"],
                                           actor=params["actor"]))


def _assemble(params: dict[str, Any]) -> list[str]:
    """`drafting assemble`, as its click command runs it: warnings on stderr as they come, the paths written."""
    from drafting.app import assemble_to, parse_formats

    written = assemble_to(params["spec"], params["outdir"], parse_formats(params["formats"]), profile=params["profile"],
                          name=params["name"], language=params["language"], clauses=params["clause_dir"],
                          warn=lambda message: _write(sys.stderr, [f"warning: {message}"]))
    return [str(path) for path in written]


def _write(stream: TextIO, lines: list[str]) -> None:
    """`click.echo` of each line: ANSI escapes dropped when not writing to a terminal, flushed."""
    text = "".join(f"{line}\n" for line in lines)
    if "\x1b" in text and not stream.isatty():
        import re

        text = re.sub(r"\033\[[;?0-9]*[a-zA-Z]", "", text)  # click's strip_ansi
    stream.write(text)
    stream.flush()


def _quiet_pipe() -> None:
    """The reader went away (`drafting log … | head`): stop quietly with 1, as `drafting.cli.main` does."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(1)


def _as_click_would(exc: Exception) -> None:
    """Exit as the click command does on `exc`: `drafting.cli.domain_errors` maps it (a crash report for a
    bug, one line for a refusal of the machine), click shows it."""
    import click

    from drafting.cli import domain_errors

    def again() -> None:
        raise exc

    try:
        domain_errors(again)()
    except click.ClickException as mapped:
        mapped.show()
        sys.exit(mapped.exit_code)
