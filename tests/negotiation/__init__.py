"""Acceptance tests of the negotiation workspace (issue 4), and the small builders they share.

Delegations' files are made the way delegations make them: by editing the Markdown copy `assemble` writes
(it carries the document identity), by `drafting redline` (a .docx with real tracked changes), by editing a
.docx without Track Changes, or in LibreOffice itself (the LibreOffice tests).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drafting import app as api
from drafting.negotiation import store as store_module
from drafting.negotiation.store import DB_NAME

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "examples" / "almaty-2012" / "recommendations.yaml"
TABLES: tuple[str, ...] = store_module._TABLES  # every table of the record (new ones included automatically)
SECRETARIAT = "secretariat"

# Characters that must never reach a terminal or a page raw: C0/C1 controls (but newline) and bidi controls.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
RLO = "\u202e"

# Paragraph texts of the sample (examples/almaty-2012) used by the scenarios.
RCF = "Endorse the draft Regional Cooperation Framework"
RAP = "Endorse the draft Regional Action Plan"
SEAT = "Suggest that an intergovernmental secretariat for the *Almaty Process* be established in Almaty;"
SEAT_TEXT = SEAT.replace("*", "")
SUPPORT = "Request the Government of Kazakhstan, UNHCR and IOM to support the initial establishment of the secretariat"
LAUNCH = "Formally launch the *Almaty Process*;"


@dataclass(frozen=True)
class Base:
    """The base text as `assemble` writes it: the Markdown copy and the .docx, both carrying the identity."""

    directory: Path
    md: Path
    docx: Path


def assemble_base(directory: Path) -> Base:
    api.assemble_to(SPEC, directory, ("md", "docx"))
    return Base(directory, directory / "recommendations.md", directory / "recommendations.docx")


def new_workspace(destination: Path, base: Base) -> Path:
    """A fresh workspace on `base` at `destination` (copied from one initialised once per base)."""
    template = base.directory / "workspace-template"
    if not (template / DB_NAME).exists():
        api.negotiation_init(template, base.docx, actor=SECRETARIAT)
    shutil.copytree(template, destination)
    return destination


def edit_md(source: Path, target: Path, replace: list[tuple[str, str]] | tuple[()] = (),
            after: list[tuple[str, str]] | tuple[()] = (), delete: list[str] | tuple[()] = ()) -> Path:
    """A delegation's edit of our Markdown copy: each (old, new) replaced (old must occur once), each (id, text)
    a new paragraph after paragraph `id` (in order), each id in `delete` removed with its marker."""
    text = source.read_text(encoding="utf-8")
    for old, new in replace:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    for pid in delete:
        start = text.index(f"<!-- dp:{pid} -->\n")
        end = text.find("<!-- dp:", start + 1)
        text = text[:start] + (text[end:] if end >= 0 else "")
    for pid, new_text in after:  # before the next paragraph's marker: after any inserted earlier
        marker = f"<!-- dp:{pid} -->\n"
        start = text.index(marker)
        end = text.find("<!-- dp:", start + len(marker))
        end = len(text) if end < 0 else end
        text = text[:end] + "\n" + new_text + "\n\n" + text[end:]
    target.write_text(text, encoding="utf-8")
    return target


def untracked_docx_edit(source: Path, target: Path, old: str, new: str) -> Path:
    """`source` with `old` replaced by `new` in word/document.xml directly: an edit made with Track Changes off."""
    with zipfile.ZipFile(source) as package:
        items = [(info, package.read(info.filename)) for info in package.infolist()]
    done = 0
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            if info.filename == "word/document.xml":
                assert data.count(old.encode()) == 1, old
                data = data.replace(old.encode(), new.encode())
                done += 1
            out.writestr(info, data)
    assert done == 1
    return target


def text_paragraphs(base: Base) -> str:
    """The base as plain text, one paragraph a line (what a delegation pastes into an e-mail)."""
    return "\n\n".join(api.text_of(base.docx)) + "\n"


# -- the record, read directly ----------------------------------------------------------------------------


def connect(workspace: Path) -> sqlite3.Connection:
    return sqlite3.connect(workspace / DB_NAME)


def counts(workspace: Path) -> dict[str, int]:
    with closing(connect(workspace)) as db:
        return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}


def events(workspace: Path) -> list[dict[str, Any]]:
    with closing(connect(workspace)) as db:
        rows = db.execute("SELECT seq, at, actor, kind, subject, detail FROM events ORDER BY seq").fetchall()
    return [{"seq": r[0], "at": r[1], "actor": r[2], "kind": r[3], "subject": r[4], "detail": json.loads(r[5])}
            for r in rows]


def check_record(workspace: Path) -> dict[str, int]:
    """Assert the record is whole: integrity ok, every submission with its file (byte-exact, by SHA-256), all
    its amendments and exactly one event saying so, and every submission event naming a stored submission."""
    with closing(connect(workspace)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        blobs = {sha: (size, bytes(data)) for sha, size, data in db.execute("SELECT sha256, size, data FROM blobs")}
        for sha, (size, data) in blobs.items():
            assert hashlib.sha256(data).hexdigest() == sha and len(data) == size
        submissions = db.execute("SELECT id, sha256, revision FROM submissions").fetchall()
        amendments = dict(db.execute("SELECT submission, count(*) FROM amendments GROUP BY submission").fetchall())
        by_submission: dict[int, list[dict[str, Any]]] = {}
        seqs = []
        for seq, kind, detail in db.execute("SELECT seq, kind, detail FROM events ORDER BY seq"):
            seqs.append(seq)
            if kind == "submission":
                by_submission.setdefault(json.loads(detail)["submission"], []).append(json.loads(detail))
        assert seqs == sorted(set(seqs))
        for sid, sha, revision in submissions:
            assert sha in blobs, f"submission {sid} has no file"
            assert len(by_submission.get(sid, [])) == 1, f"submission {sid} has {by_submission.get(sid)} events"
            event = by_submission[sid][0]
            assert event["sha256"] == sha and event["revision"] == revision
            assert amendments.get(sid, 0) == event["amendments"], f"submission {sid}: half its amendments"
        assert set(by_submission) == {s[0] for s in submissions}, "an event names a submission that is not there"
        assert set(amendments) <= {s[0] for s in submissions}
        return {"submissions": len(submissions), "events": len(seqs), "blobs": len(blobs)}


# -- the CLI in a real process ----------------------------------------------------------------------------


def cli_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"DRAFTING_ACTOR": SECRETARIAT, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"})
    env.update(extra)
    return env


def run_cli(*args: str | Path, cwd: Path | None = None, timeout: float = 60,
            **env: str) -> subprocess.CompletedProcess[str]:
    """`drafting ARGS` as a separate process (real argv bytes, real exit code)."""
    return subprocess.run([sys.executable, "-m", "drafting", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", errors="strict", cwd=cwd, env=cli_env(**env), timeout=timeout,
                          stdin=subprocess.DEVNULL, check=False)
