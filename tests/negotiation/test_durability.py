"""Durability of the record: simultaneous submits, submits killed with SIGKILL at random points, damaged or
foreign databases, and delegation names that must never become paths or reach a terminal raw."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from drafting import app as api
from drafting.negotiation.store import DB_NAME
from tests.negotiation import (
    RCF,
    RLO,
    SEAT,
    UNSAFE,
    Base,
    check_record,
    cli_env,
    counts,
    edit_md,
    events,
    run_cli,
)

DELEGATIONS = ("KAZ", "KGZ", "TJK", "TKM", "AFG", "IRN", "RUS", "TUR")


def variant(base: Base, path: Path, tag: str, paragraphs: int = 3) -> Path:
    """A submission with 1 + `paragraphs` amendments unique to `tag`."""
    return edit_md(base.md, path, [(RCF, RCF.replace("draft", f"draft {tag}"))],
                   [("chapeau", f"Proposal {tag}-{i};") for i in range(paragraphs)])


# -- simultaneous submits -------------------------------------------------------------------------------------


def _submit_at_once(ws: str, delegation: str, path: str, barrier, results) -> None:
    try:
        barrier.wait(timeout=120)
        result = api.submit(Path(ws), delegation, Path(path), actor=f"clerk-{delegation}")
        results.put((delegation, result.submission, result.amendments, ""))
    except BaseException as exc:  # reported to the test, never swallowed
        results.put((delegation, None, None, f"{type(exc).__name__}: {exc}"))


def test_eight_processes_submitting_at_once_are_all_recorded(ws: Path, base: Base, tmp_path: Path) -> None:
    files = {d: variant(base, tmp_path / f"{d}.md", d) for d in DELEGATIONS}
    ctx = multiprocessing.get_context("fork")  # eight real processes; the barrier releases them together
    barrier = ctx.Barrier(len(files))
    results = ctx.Queue()
    procs = [ctx.Process(target=_submit_at_once, args=(str(ws), d, str(p), barrier, results))
             for d, p in files.items()]
    for proc in procs:
        proc.start()
    got = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    assert [g for g in got if g[3]] == []
    assert sorted(g[1] for g in got) == list(range(1, 9))
    assert all(g[2] == 4 for g in got)
    assert check_record(ws) == {"submissions": 8, "events": 9, "blobs": 9}
    assert {e["actor"] for e in events(ws) if e["kind"] == "submission"} == {f"clerk-{d}" for d in DELEGATIONS}
    assert len(api.status_report(ws)["delegations"]) == 8
    assert sum(len(p["amendments"]) + len(p["proposed_after"]) for p in api.status_report(ws)["paragraphs"]) == 32


def test_eight_cli_submits_at_once_for_one_delegation(ws: Path, base: Base, tmp_path: Path) -> None:
    """Seven different files and one sent twice, by eight `drafting submit` processes started together: seven
    submissions and one repeat, never a lost one."""
    files = [variant(base, tmp_path / f"kaz-{i}.md", f"k{i}") for i in range(7)]
    files.append(files[0])
    procs = [subprocess.Popen([sys.executable, "-m", "drafting", "submit", str(ws), "--delegation", "KAZ", str(f)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env(),
                              stdin=subprocess.DEVNULL) for f in files]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * 8, outputs
    assert sum("already recorded" in out for out, _ in outputs) == 1
    assert check_record(ws) == {"submissions": 7, "events": 9, "blobs": 8}
    assert [e["kind"] for e in events(ws)].count("submission-repeated") == 1


# -- SIGKILL at random points -----------------------------------------------------------------------------------


def _submit_loop(ws: str, files: list[str], mode: str, conn) -> None:
    """Child: submit `files` one after the other, reporting progress; in mode "in-transaction" it says when it is
    inside the write transaction and lingers there so that the kill lands mid-transaction."""
    from drafting.negotiation.store import Store

    original = Store.add_amendment

    def add_amendment(self, *args, **kwargs):
        if mode == "in-transaction":
            conn.send(("in-transaction", ""))
            time.sleep(0.2)
        else:
            time.sleep(0.003)  # widen the window: a random kill often lands inside the transaction
        return original(self, *args, **kwargs)

    Store.add_amendment = add_amendment  # type: ignore[method-assign]
    conn.send(("ready", ""))
    for path in files:
        conn.send(("begin", path))
        api.submit(Path(ws), "KAZ", Path(path), actor="doomed")
        conn.send(("done", path))
    conn.send(("finished", ""))


def _recorded_files(ws: Path) -> set[str]:
    return {e["detail"]["file"] for e in events(ws) if e["kind"] in ("submission", "submission-repeated")}


def test_a_submit_killed_at_random_points_never_leaves_half_a_submission(ws: Path, base: Base,
                                                                          tmp_path: Path) -> None:
    rng = random.Random(20120907)
    ctx = multiprocessing.get_context("fork")  # the child starts with everything imported: many runs, quickly
    mid_submit = mid_transaction = 0
    runs = 36
    for run in range(runs):
        mode = "in-transaction" if run % 4 == 3 else "random"
        files = [str(variant(base, tmp_path / f"r{run}-{k}.md", f"r{run}k{k}")) for k in range(8)]
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_submit_loop, args=(str(ws), files, mode, child))
        proc.start()
        child.close()  # the child holds its end: when it dies, the parent's reads end (EOFError)
        messages: list[tuple[str, str]] = []

        def receive(until: str, messages=messages, parent=parent) -> None:
            """Messages until `until`, or until the child's end of the pipe closes (it died or finished);
            pytest-timeout, not a clock here, guards against a hang."""
            while True:
                try:
                    messages.append(parent.recv())
                except EOFError:
                    return
                if messages[-1][0] == until:
                    return

        receive("ready")
        if mode == "in-transaction":
            receive("in-transaction")
            assert messages[-1][0] == "in-transaction"
        else:
            time.sleep(rng.uniform(0.0, 0.3))
        assert proc.pid is not None
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(timeout=30)
        receive("")  # what it sent before it died, to the pipe's end
        parent.close()
        assert proc.exitcode == -signal.SIGKILL or messages[-1][0] == "finished", messages
        kinds = [m[0] for m in messages]
        begun = [m[1] for m in messages if m[0] == "begin"]
        done = {m[1] for m in messages if m[0] == "done"}
        if begun and begun[-1] not in done:
            mid_submit += 1
            mid_transaction += "in-transaction" in kinds
        check_record(ws)  # integrity ok; every submission whole, with its file, amendments and one event
        recorded = _recorded_files(ws)
        assert {Path(f).name for f in done} <= recorded, "a finished submit was lost"
        unfinished = [f for f in begun if f not in done]
        # the submit that was killed is either fully in (killed after COMMIT) or not at all
        for path in unfinished:
            with closing(sqlite3.connect(ws / DB_NAME)) as db:
                rows = db.execute("SELECT count(a.id) FROM submissions s LEFT JOIN amendments a "
                                  "ON a.submission = s.id WHERE s.filename = ? GROUP BY s.id",
                                  (Path(path).name,)).fetchall()
            assert rows in ([], [(4,)]), rows
    assert mid_submit >= runs // 2, f"only {mid_submit} of {runs} kills landed inside a submit"
    assert mid_transaction >= runs // 4
    # the record still takes submissions and compiles
    result = api.submit(ws, "TJK", variant(base, tmp_path / "after.md", "after"))
    assert not result.repeated
    check_record(ws)
    api.compile_outputs(ws, tmp_path / "out")


def test_the_cli_killed_at_random_points_leaves_a_consistent_record(ws: Path, base: Base, tmp_path: Path) -> None:
    rng = random.Random(7)
    for run in range(6):
        path = variant(base, tmp_path / f"cli-{run}.md", f"cli{run}", paragraphs=8)
        proc = subprocess.Popen([sys.executable, "-m", "drafting", "submit", str(ws), "--delegation", "KGZ",
                                 str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=cli_env(),
                                stdin=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        check_record(ws)
    assert run_cli("log", ws).returncode == 0


# -- damaged and foreign databases ------------------------------------------------------------------------------


def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(8192))


def _foreign(path: Path) -> None:
    path.unlink()
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE invoices(id INTEGER PRIMARY KEY, total REAL)")
        db.commit()


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:len(path.read_bytes()) // 2])


def _page_overwritten(path: Path) -> None:
    data = bytearray(path.read_bytes())
    size = int.from_bytes(data[16:18], "big")
    data[size:2 * size] = b"\xff" * size
    path.write_bytes(bytes(data))


def _text_file(path: Path) -> None:
    path.write_text("negotiation notes\n", encoding="utf-8")


@pytest.mark.parametrize("damage", [_garbage, _foreign, _truncated, _page_overwritten, _text_file],
                         ids=["garbage", "foreign", "truncated", "page-overwritten", "text-file"])
@pytest.mark.parametrize("command", [["status"], ["log", "--json"], ["submit", "--delegation", "KAZ"],
                                     ["compile", "-o"], ["revise"]], ids=lambda c: c[0])
def test_a_damaged_or_foreign_database_is_refused_in_one_line(ws: Path, base: Base, tmp_path: Path, damage,
                                                               command: list[str], runner) -> None:
    from drafting.cli import cli

    api.submit(ws, "KAZ", edit_md(base.md, tmp_path / "kaz.md", [(SEAT, SEAT.replace("in Almaty", "in Astana"))]))
    path = ws / DB_NAME
    damage(path)
    before = path.read_bytes()
    args = [command[0], str(ws), *command[1:]]
    if command[0] == "submit":
        args.append(str(base.md))
    if command[0] == "compile":
        args.append(str(tmp_path / "out"))
    result = runner.invoke(cli, args)
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {path}: "), result.stderr
    assert any(word in lines[0] for word in ("not a drafting negotiation record", "not a readable",
                                             "damaged")), lines[0]
    assert result.stdout == ""
    assert path.read_bytes() == before
    assert not (tmp_path / "out").exists()
    assert not (ws / "rev1").exists()


def test_a_damaged_database_is_refused_by_a_real_process(ws: Path) -> None:
    _page_overwritten(ws / DB_NAME)
    result = run_cli("submit", ws, "--delegation", "KAZ", ws / DB_NAME)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "negotiation record" in result.stderr


# -- delegation names are data, never paths, and are shown safely ---------------------------------------------

ODD_NAMES = ["../../x", "..", "CON", "NUL", "a/b", "C:\\x", "x" * 120, f"Evil{RLO}Name",
             "\u2067Isolated\u2069", "<script>alert(1)</script>", "' OR 1=1; DROP TABLE events; --"]


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_odd_delegation_names_never_become_paths(ws: Path, base: Base, tmp_path: Path, runner,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from drafting.cli import cli

    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)  # `../../x` would land in tmp_path
    names = [*ODD_NAMES, str(tmp_path / "absolute")]
    files = [variant(base, tmp_path / f"n{i}.md", f"n{i}", paragraphs=1) for i in range(len(names))]
    before = _tree(tmp_path)
    for name, path in zip(names, files, strict=True):
        result = runner.invoke(cli, ["submit", str(ws), "--unlisted", "--delegation", name, str(path)])
        assert result.exit_code == 0, result.output
        assert not UNSAFE.search(result.output)
    for name in (f"Evil{RLO}Name", "../../x"):  # again, as a real process: repeats
        path = files[names.index(name)]
        result = run_cli("submit", ws, "--delegation", name, path, cwd=deep)  # known to the record now
        assert result.returncode == 0 and "already recorded" in result.stdout
        assert not UNSAFE.search(result.stdout + result.stderr)
    for extra in ("x", "CON", "NUL", "b", "absolute"):
        assert not (tmp_path / extra).exists() and not (deep / extra).exists()
    created = _tree(tmp_path) - before
    assert created <= {"ws/negotiation.sqlite-wal", "ws/negotiation.sqlite-shm"}, created
    with closing(sqlite3.connect(ws / DB_NAME)) as db:
        stored = {row[0] for row in db.execute("SELECT name FROM delegations")}
    assert stored == set(names)
    assert counts(ws)["submissions"] == len(names)
    check_record(ws)

    out = tmp_path / "out"
    for args in (["log"], ["status"], ["compile", "-o", str(out)]):
        result = runner.invoke(cli, [args[0], str(ws), *args[1:]])
        assert result.exit_code == 0, result.output
        assert not UNSAFE.search(result.output), (args, result.output)
    assert sorted(p.name for p in out.iterdir()) == ["compilation.docx", "compilation.html", "compilation.md"]
    assert "Evil\\u202eName" in runner.invoke(cli, ["log", str(ws)]).stdout


@pytest.mark.parametrize("name", ["tab\there", "esc\x1b[31mred", "bell\x07", "c1\x9bcontrol", "new\nline"])
def test_control_characters_in_a_name_are_refused_and_not_echoed(ws: Path, base: Base, name: str, runner) -> None:
    from drafting.cli import cli

    result = runner.invoke(cli, ["submit", str(ws), "--delegation", name, str(base.md)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "contains control characters" in result.stderr
    assert not UNSAFE.search(result.output)
    assert counts(ws)["submissions"] == 0


def test_a_control_character_name_is_refused_by_a_real_process(ws: Path, base: Base) -> None:
    result = run_cli("submit", ws, "--delegation", "esc\x1b[2Jclear", base.md)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "contains control characters" in result.stderr
    assert not UNSAFE.search(result.stderr)
    assert counts(ws)["submissions"] == 0


def test_json_output_never_carries_raw_bidi_characters(ws: Path, base: Base, tmp_path: Path) -> None:
    run_cli("submit", ws, "--unlisted", "--delegation", f"Evil{RLO}Name", variant(base, tmp_path / "e.md", "e"))
    for command in ("status", "log"):
        result = run_cli(command, ws, "--json")
        assert result.returncode == 0
        assert f"Evil{RLO}Name" in json.dumps(json.loads(result.stdout), ensure_ascii=False)  # the exact name
        assert not UNSAFE.search(result.stdout), command
