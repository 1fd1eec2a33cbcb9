"""`drafting --help` is answered by the console entry from a page kept equal to click's (no click, no command
module, no record library imported), and the portal joins the CLI only when a command line may need it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from drafting.__main__ import HELP
from tests.conftest import ROOT
from tests.fixtures import probe
from tests.test_startup import workspace

__all__ = ["workspace"]  # the module-scoped fixture, shared with tests/test_startup.py

CLICK_HELP = "import sys; sys.argv[1:] = ['--help']; from drafting.__main__ import run_click; run_click()"

def imported(argv: list[str], prefixes: list[str]) -> dict[str, object]:
    return probe.imported(argv, prefixes, env(COLUMNS="80"))


def env(**extra: str) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "_DRAFTING_COMPLETE")},
            **extra}


def run(argv: list[str], **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, env=env(**extra), cwd=ROOT, timeout=60)


@pytest.mark.parametrize("columns", ["80", "200"])
def test_the_page_is_clicks_page(columns: str) -> None:
    """If this fails, a command's first docstring line (or an option of the group) changed: paste the output
    of `python -c "<CLICK_HELP>"` into `HELP` in drafting/__main__.py."""
    clicks = run([sys.executable, "-c", CLICK_HELP], COLUMNS=columns)
    assert clicks.returncode == 0, clicks.stderr
    assert clicks.stdout == HELP, f"update HELP in drafting/__main__.py to the output of: python -c \"{CLICK_HELP}\""


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_the_entry_prints_the_page(flag: str) -> None:
    done = run([sys.executable, "-m", "drafting", flag], COLUMNS="100")
    assert (done.returncode, done.stdout, done.stderr) == (0, HELP, "")


def test_a_narrow_terminal_gets_clicks_wrapping() -> None:
    narrow = run([sys.executable, "-m", "drafting", "--help"], COLUMNS="60")
    assert narrow.returncode == 0
    assert narrow.stdout == run([sys.executable, "-c", CLICK_HELP], COLUMNS="60").stdout != HELP


def test_help_imports_neither_click_nor_the_record() -> None:
    assert imported(["--help"], ["click", "sqlite3", "drafting.cli", "drafting.app", "drafting.portal",
                                 "drafting.negotiation", "drafting.model"]) == {"code": 0, "imported": []}


@pytest.mark.parametrize("command", ["status", "log", "decide", "mark"])
def test_the_quick_commands_leave_the_portal_alone(command: str, workspace: tuple[Path, str]) -> None:
    ws, amendment = workspace
    argv = {"status": ["status", str(ws)], "log": ["log", str(ws)], "decide": ["decide", str(ws), amendment, "reject"],
            "mark": ["mark", str(ws), "endorse_rcf", "pending"]}[command]
    assert imported(argv, ["drafting.portal", "uvicorn", "starlette", "logging"]) == {"code": 0, "imported": []}


@pytest.mark.parametrize("argv", [["serve", "--help"], []])
def test_serve_is_still_there(argv: list[str]) -> None:
    done = run([sys.executable, "-m", "drafting", *argv], COLUMNS="80")
    shown = done.stdout + done.stderr
    assert "serve" in shown and "portal" in shown
