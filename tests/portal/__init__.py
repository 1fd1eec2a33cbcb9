"""Tests of the delegation portal (issue 16): a live `drafting serve` on 127.0.0.1, driven by headless Chromium.

Each module starts its own server (a subprocess, a free port) over its own workspace, so one module's
revisions never change another's text. People are invited with the same operation `drafting users invite`
calls; everything after the invitation happens in the browser.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drafting import app as api
from drafting.app import accounts

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "examples" / "almaty-2012" / "recommendations.yaml"
RETURNS = ROOT / "examples" / "almaty-2012" / "submissions"  # made in LibreOffice with Track Changes on
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "correct horse battery staple"
SECRETARIAT = "Secretariat"


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def live_server(*workspaces: Path, log: Path) -> Iterator[str]:
    """`drafting serve WS…` on a free loopback port; yields its base URL once it answers."""
    port = free_port()
    env = {**os.environ, "DRAFTING_ACTOR": SECRETARIAT}
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "drafting", "serve", *map(str, workspaces),
                                    "--host", "127.0.0.1", "--port", str(port)],
                                   stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        base = f"http://127.0.0.1:{port}"
        try:
            # until it answers or exits: a count of polls bounds the wait, pytest-timeout guards against a hang
            for _ in range(1500):
                try:
                    with urllib.request.urlopen(f"{base}/portal.css", timeout=5) as answer:
                        if answer.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
                if process.poll() is not None:
                    raise RuntimeError(f"the portal did not start:\n{log.read_text(errors='replace')}")
                time.sleep(0.2)
            else:
                raise RuntimeError(f"the portal did not answer:\n{log.read_text(errors='replace')}")
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


def new_workspace(directory: Path) -> Path:
    """A negotiation on the Almaty sample spec (the text the LibreOffice returns were made against)."""
    api.negotiation_init(directory, SPEC, actor=SECRETARIAT)
    return directory


@dataclass(frozen=True)
class Person:
    email: str
    link: str  # the path of the one-time invitation link


def invite(ws: Path, email: str, role: str = "member", delegation: str | None = None) -> Person:
    """What `drafting users invite` does: the account, the recorded invitation, the one-time link."""
    found = accounts.invite(ws, email, role, delegation, actor=SECRETARIAT)
    return Person(email, f"/w/{accounts.workspace_slug(ws)}{found.path()}")


def events(ws: Path) -> list[Any]:
    return api.log_events(ws)


def launch(playwright: Any) -> Any:
    """Headless Chromium (Debian's), with a fresh temporary profile per launch."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def accept_invitation(page: Any, base: str, person: Person, password: str = PASSWORD) -> None:
    page.goto(base + person.link)
    page.get_by_label("New password").fill(password)
    page.get_by_label("The same again").fill(password)
    page.get_by_role("button", name="Set password").click()
    page.wait_for_load_state()


def log_in(page: Any, base: str, slug: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/w/{slug}/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def upload(page: Any, base: str, slug: str, file: Path | dict[str, Any]) -> None:
    """Choose `file` (a path, or Playwright's {name, mimeType, buffer}) on the upload page and send it."""
    page.goto(f"{base}/w/{slug}/upload")
    page.set_input_files("#file", file if isinstance(file, dict) else str(file))
    page.get_by_role("button", name="Read the file").click()
    page.wait_for_load_state()
