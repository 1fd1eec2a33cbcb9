"""drafting.support.progress: steps on stderr (a bar on a terminal, lines otherwise), only for work over a
second or known to be slow, silenced by --quiet; never on stdout."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drafting.support import progress
from tests.conftest import ALMATY_SPEC


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(time, "monotonic", fake)  # the module progress.py reads
    monkeypatch.delenv(progress.QUIET_ENV, raising=False)
    progress.set_quiet(False)
    return fake


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_work_done_within_a_second_shows_nothing(clock: Clock) -> None:
    out = io.StringIO()
    with progress.task("compile", 3, stream=out) as work:
        for name in ("a", "b", "c"):
            clock.now += 0.2
            work.step(name)
    assert out.getvalue() == ""


def test_steps_show_once_the_work_has_taken_a_second(clock: Clock) -> None:
    out = io.StringIO()
    with progress.task("compile", 3, stream=out) as work:
        work.step("proposals")
        clock.now += 1.5
        work.step("compilation.docx")
        work.step("compilation.md")
    assert out.getvalue().splitlines() == ["drafting: compile [2/3] compilation.docx",
                                           "drafting: compile [3/3] compilation.md",
                                           "drafting: compile done in 1.5 s"]


def test_a_slow_step_shows_at_once(clock: Clock) -> None:
    out = io.StringIO()
    with progress.task("LibreOffice", 1, stream=out) as work:
        work.step("3 files to pdf", slow=True)
        assert out.getvalue() == "drafting: LibreOffice [1/1] 3 files to pdf\n"


def test_failed_work_writes_no_done_line(clock: Clock) -> None:
    out = io.StringIO()
    with pytest.raises(RuntimeError), progress.task("LibreOffice", 1, stream=out) as work:
        work.step("1 file to pdf", slow=True)
        raise RuntimeError("boom")
    assert out.getvalue() == "drafting: LibreOffice [1/1] 1 file to pdf\n"


def test_quiet_silences_it(clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    progress.set_quiet(True)
    with progress.task("LibreOffice", 1, stream=out) as work:
        work.step("1 file to pdf", slow=True)
    progress.set_quiet(False)
    monkeypatch.setenv(progress.QUIET_ENV, "1")
    with progress.task("LibreOffice", 1, stream=out) as work:
        work.step("1 file to pdf", slow=True)
    assert out.getvalue() == ""


def test_a_terminal_gets_a_progress_bar(clock: Clock) -> None:
    out = Terminal()
    with progress.task("submit", 4, stream=out) as work:
        work.step("a.docx")
        clock.now += 2
        for name in ("b.docx", "c.docx", "d.docx"):
            work.step(name)
    shown = out.getvalue()
    assert "drafting: submit" in shown and "4/4" in shown
    assert "\n" not in shown.rstrip("\n")  # one line, redrawn


@pytest.mark.libreoffice
def test_assembling_a_pdf_shows_progress_on_stderr_only_and_quiet_silences_it(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != progress.QUIET_ENV}

    def assemble(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "drafting", *extra, "assemble", str(ALMATY_SPEC), "-o",
                               str(tmp_path), "--format", "pdf", "--language", "en"],
                              capture_output=True, text=True, check=True, env=env)

    shown = assemble()
    assert "drafting: LibreOffice [1/1] 1 file to pdf" in shown.stderr.splitlines()
    assert shown.stdout.splitlines() == [str(tmp_path / "recommendations.pdf")]
    quiet = assemble("--quiet")
    assert quiet.stderr == ""
    assert quiet.stdout == shown.stdout
