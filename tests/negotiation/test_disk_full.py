"""A full disk (issue 12, item 5): the workspace sits on a small tmpfs filled to the last few kilobytes, and submit,
decide, mark, revise and finalize each say so in one line (exit 1, never "internal error"), leave the record as
it was and write no outputs. Outputs are written first (beside their directory), then the record, then moved
into place: a failed write leaves no revision, a failed commit no outputs.

Mounting a tmpfs needs root (the CI container runs as root); elsewhere these tests are skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafting import app as api
from drafting.cli import cli
from tests.negotiation import RAP, Base, counts, edit_md, new_workspace

SPARE = 36 * 1024  # room for SQLite's shared-memory index (32 KiB) and one WAL page: no transaction fits


@pytest.fixture(scope="module")
def decided(base: Base, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with one submission, an amendment, nothing decided yet."""
    root = tmp_path_factory.mktemp("decided")
    ws = new_workspace(root / "ws", base)
    kaz = edit_md(base.md, root / "kaz.md", [(RAP, RAP.replace("draft", "revised"))])
    api.submit(ws, "KAZ", kaz, actor="clerk")
    return ws


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True,
                            check=False)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> Path:
    """Fill `disk` but `SPARE` bytes; returns the filler (delete it to give the space back)."""
    filler = disk / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    size = filler.stat().st_size
    os.truncate(filler, max(0, size - SPARE))
    return filler


def on_disk(workspace: Path, disk: Path) -> Path:
    return Path(shutil.copytree(workspace, disk / "ws"))


def refused_for_a_full_disk(args: list[str]) -> str:
    result = CliRunner().invoke(cli, args, env={"DRAFTING_ACTOR": "clerk"})
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 1, result.output
    assert len(lines) == 1, result.output
    assert "the disk is full" in lines[0], lines[0]
    assert "internal error" not in lines[0] and "no transaction is active" not in lines[0]
    return lines[0]


def unchanged(ws: Path, filler: Path, before: dict[str, int]) -> None:
    filler.unlink()
    assert counts(ws) == before
    assert api.verify_record(ws)[0] == []


def test_submit_on_a_full_disk(decided: Path, base: Base, disk: Path, tmp_path: Path) -> None:
    ws = on_disk(decided, disk)
    tjk = edit_md(base.md, tmp_path / "tjk.md", [(RAP, RAP.replace("draft", "amended"))])
    before = counts(ws)
    filler = fill(disk)
    line = refused_for_a_full_disk(["submit", str(ws), "--delegation", "TJK", str(tjk)])
    assert line.startswith("Error: ") or "could not record the change" in line
    unchanged(ws, filler, before)


def test_decide_on_a_full_disk(decided: Path, disk: Path) -> None:
    ws = on_disk(decided, disk)
    amendment = next(a["id"] for p in api.status_report(ws)["paragraphs"] for a in p["amendments"])
    before = counts(ws)
    filler = fill(disk)
    refused_for_a_full_disk(["decide", str(ws), amendment, "accept", "--note", "agreed"])
    unchanged(ws, filler, before)


def test_mark_on_a_full_disk(decided: Path, disk: Path) -> None:
    ws = on_disk(decided, disk)
    before = counts(ws)
    filler = fill(disk)
    refused_for_a_full_disk(["mark", str(ws), "ALL", "agreed"])
    unchanged(ws, filler, before)


def test_revise_with_its_outputs_on_the_full_disk(decided: Path, disk: Path) -> None:
    """The outputs cannot be written: no revision is issued."""
    ws = on_disk(decided, disk)
    before = counts(ws)
    filler = fill(disk)
    refused_for_a_full_disk(["revise", str(ws), "-o", str(disk / "rev1")])
    assert not (disk / "rev1").exists()
    assert not [p for p in disk.iterdir() if p.name.startswith(".tmp-drafting-")]
    unchanged(ws, filler, before)


def test_revise_with_its_record_on_the_full_disk(decided: Path, disk: Path, tmp_path: Path) -> None:
    """The outputs could be written elsewhere, the record cannot take the revision: no outputs either."""
    ws = on_disk(decided, disk)
    before = counts(ws)
    filler = fill(disk)
    refused_for_a_full_disk(["revise", str(ws), "-o", str(tmp_path / "rev1")])
    assert not (tmp_path / "rev1").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-drafting-")]
    unchanged(ws, filler, before)
    _, revision = api.revise(ws, tmp_path / "rev1", ("md",), actor="clerk")  # with room again: Rev.1, not Rev.2
    assert revision.document.meta.revision == 1


@pytest.mark.parametrize("outputs_on_disk", [True, False])
def test_finalize_on_a_full_disk(decided: Path, disk: Path, tmp_path: Path, outputs_on_disk: bool) -> None:
    ws = on_disk(decided, disk)
    api.mark(ws, "ALL", "agreed", actor="chair")
    amendment = next(a["id"] for p in api.status_report(ws)["paragraphs"] for a in p["amendments"])
    api.decide(ws, amendment, "reject", actor="chair")
    outdir = (disk if outputs_on_disk else tmp_path) / "final"
    before = counts(ws)
    filler = fill(disk)
    result = CliRunner().invoke(cli, ["finalize", str(ws), "-o", str(outdir)], env={"DRAFTING_ACTOR": "clerk"})
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 1 and len(lines) == 1 and "the disk is full" in lines[0], result.output
    assert not outdir.exists()
    unchanged(ws, filler, before)


def test_a_locked_record_is_named_as_such(decided: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process holds the write lock past the busy timeout: one line saying so, nothing recorded."""
    import sqlite3

    from drafting.negotiation import store

    ws = Path(shutil.copytree(decided, tmp_path / "ws"))
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 200)
    before = counts(ws)
    holder = sqlite3.connect(ws / "negotiation.sqlite", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        result = CliRunner().invoke(cli, ["mark", str(ws), "ALL", "agreed"], env={"DRAFTING_ACTOR": "clerk"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 1 and len(lines) == 1, result.output
    assert "the record is locked by another process" in lines[0]
    assert counts(ws) == before
