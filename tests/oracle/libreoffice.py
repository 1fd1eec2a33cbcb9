"""LibreOffice as an independent test oracle: does our .docx open, and what does a real consumer see in it.

`libreoffice_session()` starts one headless soffice listening on a free loopback port with a private
profile, and kills exactly the process group it started when the block ends. `LibreOffice` runs each query
as ``/usr/bin/python3 uno_client.py PORT OP JSON`` (the venv has no ``uno``), with a timeout on every call.
A missing LibreOffice is an error, never a skip: the Makefile installs it.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

INSTALL_HINT = "install libreoffice-writer (apt-get install libreoffice-writer python3-uno)"
UNO_PYTHON_ENV = "DRAFTING_UNO_PYTHON"
SOFFICE_ENV = "DRAFTING_SOFFICE"
CLIENT = Path(__file__).with_name("uno_client.py")
START_ATTEMPTS = 3000  # polls a tenth of a second apart: soffice answers long before, or has exited
CALL_TIMEOUT = 60.0


class OracleError(RuntimeError):
    """The oracle could not answer: LibreOffice missing, not starting, timing out or refusing a file."""


# -- locating the tools ----------------------------------------------------------------------------------


def find_soffice() -> str:
    """Path of `soffice` (``$DRAFTING_SOFFICE`` first), or `OracleError` with the install hint."""
    for candidate in (os.environ.get(SOFFICE_ENV), shutil.which("soffice"), "/usr/bin/soffice"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise OracleError(f"LibreOffice (soffice) not found; {INSTALL_HINT}")


def find_uno_python() -> str:
    """The interpreter that can ``import uno`` (Debian's ``/usr/bin/python3``), or `OracleError`."""
    python = os.environ.get(UNO_PYTHON_ENV) or "/usr/bin/python3"
    try:
        probe = subprocess.run(
            [python, "-c", "import uno"], capture_output=True, timeout=30, check=False, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OracleError(f"{python} cannot run ({exc}); {INSTALL_HINT}") from exc
    if probe.returncode != 0:
        raise OracleError(f"{python} has no 'uno' module; {INSTALL_HINT}")
    return python


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process group led by `proc` (ours alone: it was started in a new session) and reap it."""
    if proc.poll() is None or _group_alive(proc.pid):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


def _group_alive(pgid: int) -> bool:
    """Whether any non-zombie process is still in process group `pgid` (Linux /proc)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


# -- the oracle ------------------------------------------------------------------------------------------


class LibreOffice:
    """Queries against one running soffice; every method loads the file afresh and closes it again."""

    def __init__(self, port: int, *, python: str | None = None, timeout: float = CALL_TIMEOUT) -> None:
        self.port = port
        self.python = python or find_uno_python()
        self.timeout = timeout
        self.pgid: int | None = None  # the soffice process group, when started by `libreoffice_session`

    # -- plumbing --

    def call(self, operation: str, timeout: float | None = None, **args: Any) -> Any:
        """Run one `uno_client.py` operation and return its result; `OracleError` on failure or timeout."""
        limit = timeout or self.timeout
        argv = [self.python, str(CLIENT), str(self.port), operation, json.dumps(args)]
        proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )
        try:
            out, err = proc.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise OracleError(f"LibreOffice oracle timed out after {limit:g} s: {operation} {args}") from None
        try:
            reply = json.loads(out.decode("utf-8").strip().splitlines()[-1])
        except (ValueError, IndexError):
            tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
            raise OracleError(f"uno_client {operation} gave no answer: {tail[0]}") from None
        if not reply.get("ok"):
            raise OracleError(reply.get("error", "unknown error"))
        return reply["result"]

    # -- queries --

    def open_ok(self, path: str | os.PathLike[str]) -> bool:
        """Whether LibreOffice loads `path` (with the Word filter for .docx) and returns a document."""
        return bool(self.call("open_ok", path=os.fspath(path)))

    def redlines(self, path: str | os.PathLike[str]) -> list[dict[str, Any]]:
        """Tracked changes of `path`: dicts with ``type``, ``author``, ``date`` (ISO) and ``text``."""
        return list(self.call("redlines", path=os.fspath(path)))

    def paragraph_info(self, path: str | os.PathLike[str], mode: str = "as-is") -> list[dict[str, str]]:
        """Paragraphs (body, then table cells row by row, in reading order) as ``text``/``label``/``style``.

        `mode` ``accept`` or ``reject`` first dispatches Accept All / Reject All tracked changes.
        """
        return list(self.call("paragraphs", path=os.fspath(path), mode=mode))

    def paragraphs(self, path: str | os.PathLike[str], mode: str = "as-is") -> list[str]:
        """Paragraph texts of `path` after `mode` (``as-is`` shows deleted and inserted text together)."""
        return [item["text"] for item in self.paragraph_info(path, mode)]

    def labels(self, path: str | os.PathLike[str], mode: str = "as-is") -> list[str]:
        """List labels (``1.``, ``(a)``; empty when unnumbered) parallel to `paragraphs`."""
        return [item["label"] for item in self.paragraph_info(path, mode)]

    def stories(self, path: str | os.PathLike[str], mode: str = "as-is") -> dict[str, list[str]]:
        """Footnotes, endnotes, text frames, headers, footers (texts), images (pixel sizes) and formulas (their
        text), as-is or after LibreOffice's Accept All / Reject All."""
        result: dict[str, list[str]] = self.call("stories", path=str(path), mode=mode)
        return result

    def comments(self, path: str | os.PathLike[str]) -> list[dict[str, str]]:
        """Every comment of `path` as LibreOffice lists it: author, content, the paragraph's text."""
        return list(self.call("comments", path=os.fspath(path)))

    def bookmarks(self, path: str | os.PathLike[str]) -> list[str]:
        """Bookmark names in `path` as LibreOffice sees them."""
        return list(self.call("bookmarks", path=os.fspath(path)))

    def user_properties(self, path: str | os.PathLike[str]) -> dict[str, str]:
        """Custom document properties of `path` (``docProps/custom.xml``), values as text."""
        return dict(self.call("user_properties", path=os.fspath(path)))

    def save_as_docx(self, path: str | os.PathLike[str], out_path: str | os.PathLike[str]) -> Path:
        """Round-trip `path` through LibreOffice into `out_path` with the "MS Word 2007 XML" filter."""
        self.call("save_as_docx", path=os.fspath(path), out_path=os.fspath(out_path))
        return Path(out_path)

    def record_changes(
        self,
        path: str | os.PathLike[str],
        out_path: str | os.PathLike[str],
        author: str,
        ops: list[dict[str, Any]],
    ) -> list[dict[str, Any]]:
        """Let LibreOffice itself edit `path` with change tracking on, as `author`, and save .docx to `out_path`.

        `ops` (applied in order; paragraph indices count the as-is paragraphs at that moment):
        ``{"op": "replace", "old", "new"}``, ``{"op": "insert", "after", "text"}``, ``{"op": "delete", "text"}``
        (first occurrence each), ``{"op": "insert_paragraph", "after_paragraph", "text"}``,
        ``{"op": "delete_paragraph", "index"}``, ``{"op": "split", "paragraph", "at"}``.
        Returns the redlines LibreOffice recorded; raises when the saved file has no w:ins/w:del by `author`.
        """
        reds = self.call("record_changes", path=os.fspath(path), out_path=os.fspath(out_path), author=author, ops=ops)
        authors = docx_revision_authors(out_path)
        if author not in authors:
            raise OracleError(f"{out_path}: no w:ins/w:del by {author!r} after record_changes (found {authors})")
        return list(reds)

    def accept_author(
        self, path: str | os.PathLike[str], author: str | list[str], *, reject_others: bool = True
    ) -> list[str]:
        """Paragraph texts of `path` after accepting, one by one in LibreOffice, only the tracked changes by
        `author` (a name or a list of names), then (unless `reject_others` is false) rejecting all the others."""
        authors = [author] if isinstance(author, str) else list(author)
        result = self.call("accept_author", path=os.fspath(path), authors=authors, reject_others=reject_others)
        if reject_others and result["left"]:
            raise OracleError(f"{path}: tracked changes left after accepting {authors}: {result['left']}")
        return list(result["paragraphs"])


_REVISION_TAG = re.compile(rb"<w:(?:ins|del)\b[^>]*>")
_AUTHOR_ATTR = re.compile(rb'\bw:author="([^"]*)"')


def docx_revision_authors(path: str | os.PathLike[str]) -> set[str]:
    """Authors of the ``w:ins``/``w:del`` elements in ``word/document.xml`` of the .docx at `path`."""
    with zipfile.ZipFile(path) as package:
        xml = package.read("word/document.xml")
    authors = set()
    for tag in _REVISION_TAG.findall(xml):
        match = _AUTHOR_ATTR.search(tag)
        if match:
            authors.add(html.unescape(match.group(1).decode("utf-8")))
    return authors


# -- the session -----------------------------------------------------------------------------------------


@contextlib.contextmanager
def libreoffice_session(*, start_attempts: int = START_ATTEMPTS) -> Iterator[LibreOffice]:
    """Start headless soffice on a free loopback port with a private profile; yield a `LibreOffice`.

    On exit soffice is asked to terminate, then its process group (and only that) is killed.
    """
    soffice = find_soffice()
    python = find_uno_python()
    profile = Path(tempfile.mkdtemp(prefix="drafting-oracle-"))
    port = _free_port()
    argv = [
        soffice,
        "--headless",
        "--invisible",
        "--norestore",
        "--nologo",
        "--nodefault",
        "--nolockcheck",
        f"-env:UserInstallation={(profile / 'profile').as_uri()}",
        f"--accept=socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext",
    ]
    log = (profile / "soffice.log").open("wb")
    proc = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    office = LibreOffice(port, python=python)
    office.pgid = proc.pid
    try:
        _wait_until_ready(office, proc, profile, start_attempts)
        yield office
    finally:
        if proc.poll() is None:
            with contextlib.suppress(OracleError):
                office.call("terminate", timeout=10)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)
        _kill_group(proc)
        log.close()
        shutil.rmtree(profile, ignore_errors=True)


def _wait_until_ready(office: LibreOffice, proc: subprocess.Popen[bytes], profile: Path, attempts: int) -> None:
    """Poll the port, then a UNO ping, until soffice answers or exits; a count of polls, not a clock, bounds
    the wait (pytest-timeout guards a test against a hang)."""
    for _ in range(attempts):
        if proc.poll() is not None:
            log = (profile / "soffice.log").read_text("utf-8", "replace").strip().splitlines()[-1:]
            raise OracleError(f"soffice exited with status {proc.returncode} at start: {log}")
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(0.5)
            listening = sock.connect_ex(("127.0.0.1", office.port)) == 0
        if listening:
            try:
                office.call("ping", connect_attempts=20)
            except OracleError:
                pass
            else:
                return
        time.sleep(0.1)
    raise OracleError(f"LibreOffice did not answer on 127.0.0.1:{office.port} after {attempts} polls")


if __name__ == "__main__":  # manual smoke test: python -m tests.oracle.libreoffice FILE.docx
    with libreoffice_session() as lo:
        for name in sys.argv[1:]:
            print(json.dumps({"redlines": lo.redlines(name), "paragraphs": lo.paragraphs(name)}, indent=1))
