"""The console entry (`drafting …` and `python -m drafting …`).

`drafting --help` is answered from `HELP`, the page click prints (at 80 columns and wider), without importing
click or any command: a clerk's first command is as quick as a bare interpreter. tests/test_startup.py keeps
`HELP` equal to click's page; after changing a command's first docstring line, paste the output of

    python -c "import sys; sys.argv[1:] = ['--help']; from drafting.__main__ import run_click; run_click()"
"""

from __future__ import annotations

import gc
import os
import sys


def main() -> None:
    """Run the CLI with the cyclic garbage collector off.

    A command is a short process whose data is acyclic (frozen dataclasses, tuples, lxml trees), so reference
    counting frees it; the collector would only walk, again and again, the tens of thousands of long-lived
    objects that imports create (a twentieth of a short command). The library API leaves the collector alone.
    """
    gc.disable()
    if sys.argv[1:] in (["--help"], ["-h"]) and _help_page():
        return
    run_click()


def run_click() -> None:
    """The click CLI, with the portal's `serve` joined to it when the command line may need it."""
    from drafting.cli import cli
    from drafting.cli import main as run

    # The portal is a sibling shell: the CLI does not import it, the entry joins them, and only when the
    # command is `serve`, none (the listing) or unknown (click suggests close names), not for a CLI command.
    name = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), None)
    if name not in cli.commands:
        from drafting.portal.commands import serve

        cli.add_command(serve)
    run()


def _help_page() -> bool:
    """Print `HELP` as click would; False (nothing printed) where click's page would differ or fail."""
    if sys.stdout is None or "_DRAFTING_COMPLETE" in os.environ or _columns() < 80:
        return False  # no stdout, shell completion, or a narrow terminal: click wraps to its width
    try:
        sys.stdout.write(HELP)
        sys.stdout.flush()
    except UnicodeEncodeError:
        return False  # encoded whole before anything is written: click says what is wrong
    except BrokenPipeError:  # the reader went away, as `drafting.cli.main` handles it
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    return True


def _columns() -> int:
    """`shutil.get_terminal_size().columns`, as click's help formatter asks it, without importing shutil."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    try:
        lines = int(os.environ["LINES"])
    except (KeyError, ValueError):
        lines = 0
    if columns <= 0 or lines <= 0:
        try:
            size = os.get_terminal_size(sys.__stdout__.fileno())  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            size = os.terminal_size((80, 24))
        if columns <= 0:
            columns = size.columns or 80
    return columns


HELP = """Usage: drafting [OPTIONS] COMMAND [ARGS]...

  Draft and negotiate the outcome documents of intergovernmental conferences.

Options:
  --version    Show the version and exit.
  -q, --quiet  No progress display (progress goes to stderr only, and only for
               work over a second).
  -h, --help   Show this message and exit.

Commands:
  accept         Accept every tracked change in FILE and write OUT.
  amendments     List the amendments in FILE: every tracked change,...
  assemble       Assemble SPEC from the clause library into...
  break-silence  Record a delegation's break of the silence on a...
  clauses        The clause library: list, show and check reusable agreed...
  compile        Write the compilation text of all submissions on the...
  concordance    Check that the language versions of SOURCE (a spec or a...
  decide         Record the chair's decisions on amendments.
  finalize       Produce the final authentic version of SOURCE (a...
  import         Turn FILE, a draft drafting never made (.docx, .odt,...
  lint           Report breaches of the drafting conventions (the rules...
  log            Show the negotiation record, oldest first.
  mark           Record the status of paragraphs.
  negotiation    Negotiation workspaces.
  propose        Record a proposal of the chair (Chair/N) for PARAGRAPH...
  redline        Write OUT, a .docx with real tracked changes from OLD to...
  reflect        For each delegation, every one of its proposals across...
  reject         Reject every tracked change in FILE and write OUT.
  revise         Issue the next revision: accepted amendments applied,...
  serve          Serve the delegation portal for the workspaces WS… of...
  silence        Put the current text (or some paragraphs) under silence...
  status         Per paragraph: number, status, amendments and decisions;...
  submit         Record FILES (tracked-changes .docx, clean edited .docx,...
  support        Record DELEGATION as a supporter of each of AMENDMENTS...
  text           Print the text of FILE, one paragraph per line, in the...
  translation    Take FILE (a translated copy made by drafting,...
  users          Accounts for the delegation portal (`drafting serve`):...
  verify         Check a final version: every hash, every text, the...
"""


if __name__ == "__main__":
    main()
