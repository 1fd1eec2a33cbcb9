"""Progress of long work, on stderr and never on stdout (where `--json` and the written paths go).

A command that can take more than a second (LibreOffice conversions, compiling many submissions, a batch
of files) runs its work as a `task` of named steps. On a terminal the steps drive click's progress bar; on
anything else (a log, a pipe, CI) each step is one line: ``drafting: assemble [2/3] ru``. Work that ends
within a second shows nothing: a step is shown once its task has been running for `DELAY` seconds, or at
once when it is known to be slow (``slow=True``: a LibreOffice start). `set_quiet(True)` (`--quiet`) or
``DRAFTING_QUIET=1`` silences it all.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

DELAY = 1.0
QUIET_ENV = "DRAFTING_QUIET"
_state = {"quiet": False}


def set_quiet(quiet: bool) -> None:
    """Silence (or allow) progress for the rest of the process."""
    _state["quiet"] = quiet


def is_quiet() -> bool:
    return _state["quiet"] or os.environ.get(QUIET_ENV, "").strip().lower() in ("1", "yes", "true", "on")


class Task:
    """Steps of one piece of work; see `task`."""

    def __init__(self, label: str, total: int, stream: TextIO, *, tty: bool, delay: float = DELAY) -> None:
        self.label, self.total, self.stream, self.tty, self.delay = label, max(total, 1), stream, tty, delay
        self.started = time.monotonic()
        self.done = 0
        self.current = ""
        self.shown = False
        self._bar: Any = None

    def step(self, name: str, *, slow: bool = False) -> None:
        """Begin the step `name` (the one before it is done); `slow` shows it at once."""
        if self.current:
            self.done += 1
        self.current = name
        if is_quiet() or not (slow or self.shown or time.monotonic() - self.started >= self.delay):
            return
        self.shown = True
        if self.tty:
            self._draw_bar()
        else:
            self.stream.write(f"drafting: {self.label} [{min(self.done + 1, self.total)}/{self.total}] {name}\n")
            self.stream.flush()

    def _draw_bar(self) -> None:
        import click

        if self._bar is None:
            self._bar = click.progressbar(length=self.total, label=f"drafting: {self.label}", file=self.stream,
                                          show_pos=True, item_show_func=lambda _: self.current)
            self._bar.__enter__()
        self._bar.update(self.done - self._bar.pos, self.current)

    def finish(self, *, ok: bool = True) -> None:
        """The last step is done (`ok`) or the work failed: a bar is closed; a closing line is written only
        when steps were shown and the work succeeded (the error says the rest)."""
        if self.current and ok:
            self.done += 1
        self.current = ""
        if self._bar is not None:
            if ok:
                self._bar.update(self.total - self._bar.pos)
            self._bar.__exit__(None, None, None)
            self._bar = None
        elif ok and self.shown and not self.tty and not is_quiet():
            self.stream.write(f"drafting: {self.label} done in {time.monotonic() - self.started:.1f} s\n")
            self.stream.flush()


@contextmanager
def task(label: str, total: int, *, stream: TextIO | None = None) -> Iterator[Task]:
    """Run work of `total` steps named `label`; progress goes to `stream` (default: stderr)."""
    out = stream if stream is not None else sys.stderr
    isatty = getattr(out, "isatty", None)
    current = Task(label, total, out, tty=bool(isatty and isatty()))
    try:
        yield current
    except BaseException:
        current.finish(ok=False)
        raise
    current.finish()
