"""The console entry's quick path: `status`, `log`, `decide`, `mark` and `assemble` run without click (issue 14,
start-up; assemble: the drafter's loop, measured against pandoc).

The click commands stay the one definition of these commands' options: `COMMANDS` (drafting/console.py) must
declare exactly their parameters, and the quick path must print, exit and record exactly as click does.
Anything it does not take as a plain command line goes to click.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from drafting.cli import cli
from drafting.console import COMMANDS as QUICK
from drafting.console import parse_quick
from tests.conftest import ALMATY, ALMATY_SPEC

QUICK_RUN = "import sys; sys.argv = ['drafting', *sys.argv[1:]]; from drafting.__main__ import main; main()"
CLICK_RUN = "import sys; sys.argv = ['drafting', *sys.argv[1:]]; from drafting.__main__ import run_click; run_click()"


def run(code: str, *argv: str) -> tuple[str, str, int]:
    env = dict(os.environ, DRAFTING_ACTOR="tester")
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, env=env)
    return done.stdout, done.stderr, done.returncode


@pytest.fixture(scope="module")
def base_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("quick") / "ws"
    for argv in (["negotiation", "init", str(ws), "--base", str(ALMATY_SPEC)],
                 ["submit", str(ws), "--by-file-name", str(ALMATY / "submissions" / "kazakhstan.docx")]):
        assert run(CLICK_RUN, *argv)[2] == 0
    return ws


@pytest.mark.parametrize("name", sorted(QUICK))
def test_quick_declares_exactly_the_click_commands_parameters(name: str) -> None:
    command = cli.commands[name]
    spec = QUICK[name]
    arguments = [p for p in command.params if isinstance(p, click.Argument)]
    options = [p for p in command.params if isinstance(p, click.Option)]
    assert tuple(p.name for p in arguments) == spec.arguments
    assert [p.nargs for p in arguments] == [1] * (len(arguments) - spec.variadic) + [-1] * spec.variadic
    assert all(p.required for p in arguments if p.nargs == 1)
    assert {o: p.name for p in options if p.is_flag for o in p.opts} == spec.flags
    assert {o: p.name for p in options if not p.is_flag for o in p.opts} == spec.values
    assert not any(p.secondary_opts or p.multiple or p.nargs != 1 for p in options)
    assert {p.name: tuple(p.type.choices) for p in options if isinstance(p.type, click.Choice)} == spec.choices
    paths = {p.name: p.type for p in command.params if isinstance(p.type, click.Path)}
    assert {n for n, t in paths.items() if not t.file_okay} == set(spec.directories)
    assert {n for n, t in paths.items() if not t.dir_okay} == set(spec.files)
    assert {p.name: p.default for p in options if isinstance(p.default, str)} == spec.defaults
    assert {p.name for p in options if p.required} == set(spec.required)


@pytest.mark.parametrize("argv", [
    ["ws", "--help"], ["-h", "ws"], ["ws", "--", "x"], ["ws", "--nosuch"], ["ws", "--json=yes"], [],
    ["ws", "extra"], ["ws", "--note"], ["ws", "-5", "accept"],
])
def test_anything_but_a_plain_line_goes_to_click(argv: list[str]) -> None:
    name = "decide" if "accept" in argv or "--note" in argv else "status"
    assert parse_quick(name, argv) is None


@pytest.mark.parametrize("argv", [["spec.yaml", "-o=out"], ["spec.yaml", "-oout"], ["spec.yaml", "-o="],
                                  ["spec.yaml"], ["spec.yaml", "-o", "out", "--profile", "other"]])
def test_a_short_option_with_its_value_attached_or_a_missing_required_option_goes_to_click(argv: list[str]) -> None:
    """click reads all that follows `-o` as its value (`-o=out` is the directory `=out`): the quick path does
    not guess."""
    assert parse_quick("assemble", argv) is None


def test_a_bad_choice_or_a_file_for_a_directory_goes_to_click(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    assert parse_quick("mark", ["ws", "--status", "finished"]) is None
    assert parse_quick("status", [str(tmp_path / "file")]) is None
    assert parse_quick("decide", ["ws", "--from-file", str(tmp_path)]) is None


def test_a_plain_line_is_parsed_as_click_parses_it() -> None:
    params = parse_quick("decide", ["ws", "KAZ/1", "--note=why", "KAZ/2", "--actor", "-chair-", "accept", "--json"])
    assert params is not None
    assert params["directory"] == Path("ws") and params["args"] == ("KAZ/1", "KAZ/2", "accept")
    assert params["note"] == "why" and params["actor"] == "-chair-" and params["as_json"] is True
    assert params["delegation"] is None and params["from_file"] is None
    context = cli.commands["decide"].make_context(
        "decide", ["ws", "KAZ/1", "--note=why", "KAZ/2", "--actor", "-chair-", "accept", "--json"])
    assert context.params == params


READ_ONLY = [["status", "{ws}"], ["status", "{ws}", "--json"], ["log", "{ws}"], ["log", "--json", "{ws}"],
             ["status", "{missing}"], ["log", "{missing}", "--json"]]


@pytest.mark.parametrize("argv", READ_ONLY, ids=" ".join)
def test_reading_commands_print_as_click_does(argv: list[str], base_workspace: Path, tmp_path: Path) -> None:
    line = [a.format(ws=base_workspace, missing=tmp_path / "none") for a in argv]
    assert run(QUICK_RUN, *line) == run(CLICK_RUN, *line)


RECORDING = [["decide", "{ws}", "{amendment}", "accept"], ["decide", "{ws}", "{amendment}", "reject", "--json"],
             ["decide", "{ws}", "--delegation", "Kazakhstan", "withdraw", "--note", "by letter"],
             ["decide", "{ws}", "{amendment}", "perhaps"], ["decide", "{ws}", "NOSUCH/9", "accept"],
             ["mark", "{ws}", "endorse_rcf", "agreed"], ["mark", "{ws}", "ALL", "pending"],
             ["mark", "{ws}", "nosuch", "agreed"], ["mark", "{ws}", "endorse_rcf", "finished"],
             ["mark", "{ws}", "--status", "pending", "bracketed"]]


@pytest.mark.parametrize("argv", RECORDING, ids=" ".join)
def test_recording_commands_print_exit_and_record_as_click_does(argv: list[str], base_workspace: Path,
                                                                 tmp_path: Path) -> None:
    status = json.loads(run(CLICK_RUN, "status", str(base_workspace), "--json")[0])
    amendment = next(a["number"] for p in status["paragraphs"] for a in p["amendments"])
    results, logs = [], []
    for code, side in ((QUICK_RUN, "quick"), (CLICK_RUN, "click")):
        ws = tmp_path / side
        shutil.copytree(base_workspace, ws)
        out, err, exit_code = run(code, *[a.format(ws=ws, amendment=amendment) for a in argv])
        results.append((out.replace(str(ws), "WS"), err.replace(str(ws), "WS"), exit_code))
        events = json.loads(run(CLICK_RUN, "log", str(ws), "--json")[0])
        logs.append([(e["kind"], e["subject"], e["actor"], e["detail"]) for e in events])
        assert run(CLICK_RUN, "log", str(ws), "--verify")[2] == 0
    assert results[0] == results[1]
    assert logs[0] == logs[1]


CLICK_MODULES = ("import sys, io, contextlib; sys.argv = ['drafting', *sys.argv[1:]]\n"
                 "from drafting.__main__ import main\n"
                 "with contextlib.redirect_stdout(io.StringIO()): main()\n"
                 "print(sorted(m for m in sys.modules if m.split('.')[0] == 'click' or m == 'drafting.cli'))")
"""A command line run by the console entry, then the click modules it imported."""


def test_the_quick_path_imports_no_click(base_workspace: Path) -> None:
    out, err, code = run(CLICK_MODULES, "status", str(base_workspace))
    assert code == 0, err
    assert out.strip() == "[]"


ASSEMBLING = [["assemble", "{spec}", "-o", "{out}"], ["assemble", "{spec}", "--outdir={out}", "--format", "md"],
              ["assemble", "{spec}", "-o", "{out}", "--format", "md", "--language", "ru", "--name", "ru-only"],
              ["assemble", "{spec}", "-o", "{out}", "--format", "md,docx", "--profile", "un-resolution"],
              ["assemble", "{spec}", "-o", "{out}", "--name", "../escape"], ["assemble", "{spec}", "-o", "{out}",
                                                                           "--format", "odt"],
              ["assemble", "{spec}", "-o", "{out}", "--language", "xx"], ["assemble", "{spec}"],
              ["assemble", "{missing}", "-o", "{out}"], ["assemble", "{spec}", "-o", "{spec}"],
              ["assemble", "{spec}", "-o", "{out}", "--profile", "other"]]


@pytest.mark.parametrize("argv", ASSEMBLING, ids=" ".join)
def test_assemble_prints_exits_and_writes_as_click_does(argv: list[str], tmp_path: Path) -> None:
    results, written = [], []
    for code, side in ((QUICK_RUN, "quick"), (CLICK_RUN, "click")):
        out = tmp_path / side
        line = [a.format(spec=ALMATY_SPEC, out=out, missing=tmp_path / "none.yaml") for a in argv]
        stdout, stderr, exit_code = run(code, *line)
        results.append((stdout.replace(str(out), "OUT"), stderr.replace(str(out), "OUT"), exit_code))
        written.append({p.name: p.read_bytes() for p in sorted(out.glob("*"))} if out.is_dir() else None)
    assert results[0] == results[1]
    assert written[0] == written[1]


def test_assemble_imports_no_click(tmp_path: Path) -> None:
    out, err, code = run(CLICK_MODULES, "assemble", str(ALMATY_SPEC), "-o", str(tmp_path / "out"))
    assert code == 0, err
    assert out.strip() == "[]"
    assert sorted(p.suffix for p in (tmp_path / "out").iterdir()) == [".docx", ".docx", ".md", ".md"]
