"""The resident interpreter (drafting/resident.py): a quick command it runs is the command run in its own
process — same output, exit code and record — and the resident steps aside when it cannot be trusted."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ALMATY, ALMATY_SPEC, ROOT

POLLS = 600
"""How many times a test looks (every 50 ms) for the resident to come or go before it fails."""


DRAFTING = str(Path(sys.executable).with_name("drafting"))
"""The console script, as users run it (`python -m drafting` would put the working directory on the module
path, and so make another resident for each directory)."""


def run(argv: list[str], env: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([DRAFTING, *argv], capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


def served(directory: Path) -> list[str]:
    """The resident's log lines for the commands it ran."""
    return [line for log in directory.glob("*.log") for line in log.read_text().splitlines() if " served " in line]


def wait_for(condition: Callable[[], object], what: str) -> None:
    for _ in range(POLLS):
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what}: not after {POLLS} looks")


def resident_pid(directory: Path) -> int | None:
    found = list(directory.glob("*.pid"))
    return int(found[0].read_text()) if found else None


def alive(pid: int) -> bool:
    """Running (a zombie nobody has reaped yet has left)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.fixture
def residents() -> Iterator[Path]:
    """A private directory for this test's resident, which is stopped at the end. Short, under /tmp: a socket's
    path holds at most 107 bytes, and pytest's own temporary paths come near that."""
    directory = Path(tempfile.mkdtemp(prefix="dr-"))  # made 0700
    yield directory
    for log in directory.glob("*.log"):
        print(log.read_text())  # shown when the test fails
    # Every process of this directory's residents (one may still be starting, its pid file not yet written).
    for _ in range(3):
        for process in processes_of(directory):
            with contextlib.suppress(ProcessLookupError):
                os.kill(process, signal.SIGTERM)
        if not processes_of(directory):
            break
        time.sleep(0.2)
    shutil.rmtree(directory, ignore_errors=True)


def environment(residents: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "DRAFTING_RESIDENT": "1", "DRAFTING_RESIDENT_DIR": str(residents),
            "DRAFTING_ACTOR": "tester", **extra}


def started(residents: Path, env: dict[str, str], ws: Path) -> None:
    """Run one command, which starts the resident, and wait until it listens."""
    assert run(["log", str(ws)], env).returncode == 0
    wait_for(lambda: list(residents.glob("*.sock")), "the resident's socket")


def new_workspace(where: Path) -> tuple[Path, str]:
    env = dict(os.environ, DRAFTING_RESIDENT="0", DRAFTING_ACTOR="tester")
    ws = where / "ws"
    assert run(["negotiation", "init", str(ws), "--base", str(ALMATY_SPEC)], env).returncode == 0
    assert run(["submit", str(ws), "--by-file-name", str(ALMATY / "submissions" / "kazakhstan.docx")],
               env).returncode == 0
    status = json.loads(run(["status", str(ws), "--json"], env).stdout)
    return ws, next(a["id"] for p in status["paragraphs"] for a in p["amendments"])


STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")


def comparable(text: str, ws: Path) -> str:
    """Output with the workspace's path and the record's timestamps set aside (the two runs differ there)."""
    return STAMP.sub("<time>", text.replace(str(ws), "<ws>"))


def test_a_command_the_resident_runs_is_the_command_run_in_its_own_process(tmp_path: Path,
                                                                          residents: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    here, amendment = new_workspace(tmp_path / "a")
    there, same = new_workspace(tmp_path / "b")
    assert amendment == same
    own_process = dict(os.environ, DRAFTING_RESIDENT="0", DRAFTING_ACTOR="tester")
    resident = environment(residents)
    started(residents, resident, there)
    lines = [
        ["status", "{ws}"], ["status", "{ws}", "--json"], ["log", "{ws}"],
        ["decide", "{ws}", amendment, "accept", "--note", "agreed in the room"], ["decide", "{ws}", "--json",
                                                                                 amendment, "reject"],
        ["mark", "{ws}", "endorse_rcf", "agreed"], ["mark", "{ws}", "endorse_rcf", "agreed-ad-ref"],
        ["decide", "{ws}", "KAZ-999", "accept"],  # a refusal: exit 1, one line
        ["decide", "{ws}", amendment, "maybe"],  # a usage error: click's, exit 2
        ["mark", "{ws}", "no_such_paragraph", "agreed"],
        ["status", str(tmp_path / "nowhere")],
        ["log", "{ws}", "--json"], ["status", "{ws}"],
    ]
    for line in lines:
        before = len(served(residents))
        mine = run([part.replace("{ws}", str(here)) for part in line], own_process)
        theirs = run([part.replace("{ws}", str(there)) for part in line], resident)
        assert len(served(residents)) == before + 1, f"{line}: the resident did not run it"
        assert theirs.returncode == mine.returncode, line
        assert comparable(theirs.stdout, there) == comparable(mine.stdout, here), line
        assert comparable(theirs.stderr, there) == comparable(mine.stderr, here), line
    assert all(" imported 0 modules," in line for line in served(residents)), \
        "a quick command imported a module the resident does not hold: add it to QUICK_MODULES"


def test_the_command_takes_the_clients_directory_and_environment(tmp_path: Path, residents: Path) -> None:
    ws, amendment = new_workspace(tmp_path)
    env = environment(residents)
    started(residents, env, ws)
    done = run(["decide", "ws", amendment, "accept"], dict(env, DRAFTING_ACTOR="Chair of the session"),
               cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(served(residents)) == 1
    events = json.loads(run(["log", str(ws), "--json"], env).stdout)
    assert events[-1]["actor"] == "Chair of the session"
    # A setting the resident has and the client has not (its spare rehearsed with the resident's own) is gone.
    unset = {name: value for name, value in env.items() if name != "DRAFTING_ACTOR"}
    unset["LOGNAME"] = unset["USER"] = "someone-else"  # whom getpass names without DRAFTING_ACTOR
    assert run(["decide", str(ws), amendment, "reject"], unset).returncode == 0
    events = json.loads(run(["log", str(ws), "--json"], env).stdout)
    assert events[-1]["actor"] == "someone-else"
    assert len(served(residents)) == 4


def noted(line: str, what: str) -> str:
    """What a served line of the resident's log says after `what: ` (up to the next comma)."""
    return line.rsplit(f"{what}: ", 1)[1].split(",", 1)[0]


def checks_made(residents: Path) -> list[str]:
    """For each command the resident ran, the checks of the record it made ("1 full", "1 since", "none")."""
    return [noted(line, "record checks") for line in served(residents)]


def connections_taken(residents: Path) -> list[int]:
    """For each command the resident ran, how many of its openings of a record took a connection its spare had
    kept open."""
    return [int(noted(line, "connections kept open")) for line in served(residents)]


def test_the_commands_check_the_record_from_what_the_resident_kept(tmp_path: Path, residents: Path) -> None:
    """The first command checks the record in full; the next ones only what was appended since, as the portal's
    pages do, with the full check again every DRAFTING_RESIDENT_FULL_CHECK seconds (0: at every command)."""
    ws, amendment = new_workspace(tmp_path)
    env = environment(residents)
    started(residents, env, ws)
    for line in (["status", str(ws)], ["decide", str(ws), amendment, "accept"], ["mark", str(ws), "endorse_rcf",
                 "agreed"], ["log", str(ws)], ["status", str(ws)]):
        assert run(line, env).returncode == 0
    assert checks_made(residents) == ["1 full", "1 since", "1 since", "1 since", "1 since"]
    logs = set(residents.glob("*.log"))
    always = environment(residents, DRAFTING_RESIDENT_FULL_CHECK="0")  # part of the socket's name: a resident
    assert run(["log", str(ws)], always).returncode == 0               # of its own starts
    wait_for(lambda: len(list(residents.glob("*.sock"))) == 2, "the second resident's socket")
    for _ in range(2):
        assert run(["status", str(ws)], always).returncode == 0
    (log,) = set(residents.glob("*.log")) - logs
    assert [noted(line, "record checks") for line in log.read_text().splitlines()
            if " served " in line] == ["1 full", "1 full"]


def spare_holding(residents: Path, path: Path) -> list[int]:
    """The resident's processes that have the file at `path` open, other than those that ran a command (one may
    still be closing it): its waiting spare, once it has read ahead."""
    ran = {int(line.split()[1]) for line in served(residents)}
    found = []
    for pid in set(processes_of(residents)) - ran:
        with contextlib.suppress(OSError):
            if any(os.path.realpath(fd) == str(path.resolve()) for fd in Path(f"/proc/{pid}/fd").iterdir()):
                found.append(pid)
    return found


def test_a_command_runs_on_the_connection_its_spare_kept_open(tmp_path: Path, residents: Path) -> None:
    """The waiting spare reads ahead the record the last command used and keeps its connection open; the command
    it takes runs on it. A record written by another process meanwhile gets a connection of its own (and the
    command sees what was written). When the resident leaves, its spare closes what it kept: SQLite's last
    connection removes the write-ahead log and shared-memory files."""
    ws, amendment = new_workspace(tmp_path)
    db = ws / "negotiation.sqlite"
    env = environment(residents)
    started(residents, env, ws)
    for line in (["log", str(ws)], ["status", str(ws)], ["decide", str(ws), amendment, "accept"]):
        assert run(line, env).returncode == 0
        wait_for(lambda: spare_holding(residents, db), "the next spare holding the record open")
    assert connections_taken(residents) == [0, 1, 1]  # (the first spare had no record to read ahead)
    alone = dict(env, DRAFTING_RESIDENT="0")
    assert run(["decide", str(ws), amendment, "reject"], alone).returncode == 0  # the file written meanwhile
    status = run(["status", str(ws), "--json"], env)
    assert status.returncode == 0 and connections_taken(residents)[-1] == 0
    decided = [a["decision"] for p in json.loads(status.stdout)["paragraphs"] for a in p["amendments"]]
    assert "reject" in decided
    assert run(["resident", "--stop"], env).returncode == 0
    wait_for(lambda: processes_of(residents) == [], "the resident and its spare leaving")
    assert sorted(path.name for path in ws.iterdir()) == ["negotiation.head", "negotiation.sqlite"]


def test_tampering_between_the_residents_commands_is_found(tmp_path: Path, residents: Path) -> None:
    """A schema change (a trigger dropped) is found by the next command; a value changed in place among what was
    verified, with the schema put back as it was, by `log --verify` at once and by the next full check."""
    from tests.negotiation.test_chain_incremental import rewrite

    ws, amendment = new_workspace(tmp_path)
    env = environment(residents)
    started(residents, env, ws)
    assert run(["decide", str(ws), amendment, "accept", "--note", "agreed in the room"], env).returncode == 0
    assert run(["status", str(ws)], env).returncode == 0
    assert rewrite(ws / "negotiation.sqlite", ("UPDATE decisions SET note = 'agreed in the corridor'", ()))
    assert run(["status", str(ws)], env).returncode == 0  # the incremental check's blind spot, as the portal's
    verify = run(["log", str(ws), "--verify"], env)
    assert verify.returncode == 1 and "decision row(s) it recorded were altered" in verify.stdout + verify.stderr
    assert len(served(residents)) == 4
    with closing(sqlite3.connect(ws / "negotiation.sqlite")) as db:
        db.execute("DROP TRIGGER " + db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchone()[0])
    refused = run(["status", str(ws)], env)
    assert refused.returncode == 1 and "tampered" in refused.stderr
    assert checks_made(residents)[-1] == "1 full"


def test_a_malformed_request_is_refused_and_the_resident_serves_on(tmp_path: Path, residents: Path) -> None:
    ws, _ = new_workspace(tmp_path)
    env = environment(residents)
    started(residents, env, ws)
    (place,) = residents.glob("*.sock")
    for garbage in (b"", b"\x00\x00\x00\x05hello", b"\xff" * 64):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.connect(str(place))
            probe.sendall(garbage)
            probe.shutdown(socket.SHUT_WR)
            assert probe.recv(16) == b""  # nothing run, nothing answered
    done = run(["status", str(ws)], env)
    assert done.returncode == 0 and "endorse_rcf" in done.stdout
    assert len(served(residents)) == 1
    assert sum("refused malformed request" in line
               for log in residents.glob("*.log") for line in log.read_text().splitlines()) == 3


def test_changed_code_makes_the_resident_leave_and_the_command_still_runs(tmp_path: Path, residents: Path) -> None:
    # A copy of the package, so that changing it disturbs no other resident of this checkout.
    copy = tmp_path / "installed"
    shutil.copytree(ROOT / "drafting", copy / "drafting", ignore=shutil.ignore_patterns("__pycache__"))
    for data in ("clauses", "templates"):
        (copy / data).symlink_to(ROOT / data)
    ws, _ = new_workspace(tmp_path)
    env = environment(residents, PYTHONPATH=str(copy))
    started(residents, env, ws)
    first = resident_pid(residents)
    assert first is not None
    assert run(["status", str(ws)], env).returncode == 0
    assert len(served(residents)) == 1  # the copy's resident serves
    module = copy / "drafting" / "negotiation" / "status.py"
    kept = module.stat()
    os.utime(module, ns=(kept.st_atime_ns, kept.st_mtime_ns + 1_000_000_000))
    done = run(["status", str(ws)], env)
    assert done.returncode == 0 and "endorse_rcf" in done.stdout
    assert len(served(residents)) == 1  # the stale resident ran nothing more: this process did
    wait_for(lambda: not alive(first), "the stale resident leaving")
    log = "\n".join(path.read_text() for path in residents.glob("*.log"))
    assert f"stale the code on disk changed ({module})" in log


def test_a_directory_others_can_enter_is_not_used(tmp_path: Path) -> None:
    ws, _ = new_workspace(tmp_path)
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    env = environment(shared)
    for _ in range(2):
        done = run(["status", str(ws)], env)
        assert done.returncode == 0 and "endorse_rcf" in done.stdout
    assert list(shared.iterdir()) == []


def test_the_resident_leaves_when_idle(tmp_path: Path, residents: Path) -> None:
    ws, _ = new_workspace(tmp_path)
    env = environment(residents, DRAFTING_RESIDENT_IDLE="2")
    started(residents, env, ws)
    pid = resident_pid(residents)
    assert pid is not None
    wait_for(lambda: not alive(pid), "the idle resident leaving")
    assert list(residents.glob("*.sock")) == []
    done = run(["status", str(ws)], env)  # and the next command starts another
    assert done.returncode == 0 and "endorse_rcf" in done.stdout


def test_off_means_off(tmp_path: Path, residents: Path) -> None:
    ws, _ = new_workspace(tmp_path)
    env = environment(residents, DRAFTING_RESIDENT="0")
    for _ in range(2):
        assert run(["status", str(ws)], env).returncode == 0
    assert list(residents.iterdir()) == []


def test_a_command_line_with_a_closed_stream_runs_in_its_own_process(tmp_path: Path, residents: Path) -> None:
    ws, _ = new_workspace(tmp_path)
    env = environment(residents)
    started(residents, env, ws)
    done = subprocess.run([DRAFTING, "status", str(ws)], capture_output=True, text=True,
                          env=env, timeout=120, preexec_fn=lambda: os.close(0))
    assert done.returncode == 0 and "endorse_rcf" in done.stdout, done.stderr
    assert served(residents) == []  # the resident could not take its fd 0: this process ran it
    assert run(["status", str(ws)], env).returncode == 0
    assert len(served(residents)) == 1


def test_main_called_by_other_code_runs_in_that_process(tmp_path: Path, residents: Path) -> None:
    """A script or a test that prepares its process and calls `main` (here: a patched operation) gets that
    process, never a resident's, even while one runs."""
    ws, _ = new_workspace(tmp_path)
    env = environment(residents)
    started(residents, env, ws)
    patched = ("import sys, drafting.app as app\n"
               "app.status_lines = lambda report: ['patched in this process']\n"
               "sys.argv = ['drafting', 'status', sys.argv[1]]\n"
               "from drafting.__main__ import main\n"
               "main()\n")
    done = subprocess.run([sys.executable, "-c", patched, str(ws)], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "patched in this process\n"
    assert served(residents) == []


def processes_of(residents: Path) -> list[int]:
    """The resident's processes (itself and its waiting child share its command line, which names its socket)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if str(residents).encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
    return found


def test_a_killed_resident_leaves_nothing_waiting_and_is_replaced(tmp_path: Path, residents: Path) -> None:
    ws, _ = new_workspace(tmp_path)
    env = environment(residents)
    started(residents, env, ws)
    pid = resident_pid(residents)
    assert pid is not None
    wait_for(lambda: len(processes_of(residents)) == 2, "the resident and its waiting child")
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: processes_of(residents) == [], "the orphaned waiting child leaving")
    done = run(["status", str(ws)], env)  # a socket nobody listens on: run here, start another
    assert done.returncode == 0 and "endorse_rcf" in done.stdout
    wait_for(lambda: resident_pid(residents) not in (None, pid) and len(processes_of(residents)) == 2,
             "a new resident")
    assert run(["status", str(ws)], env).returncode == 0
    assert len(served(residents)) == 1


def test_the_resident_command_lists_and_stops_them(tmp_path: Path, residents: Path) -> None:
    ws, _ = new_workspace(tmp_path)
    env = environment(residents)
    assert run(["resident"], env).stdout == f"no resident running (in {residents})\n"
    started(residents, env, ws)
    assert run(["status", str(ws)], env).returncode == 0
    pid = resident_pid(residents)
    assert pid is not None
    listed = run(["resident"], env)
    assert listed.returncode == 0
    assert listed.stdout.startswith(f"{pid}  1 command(s) served  {residents}/")
    stopped = run(["resident", "--stop"], env)
    assert stopped.returncode == 0 and stopped.stdout.startswith(f"stopped {pid} ")
    wait_for(lambda: processes_of(residents) == [], "the stopped resident and its waiting child leaving")
    assert run(["resident"], env).stdout == f"no resident running (in {residents})\n"


def test_the_resident_keeps_none_of_the_files_its_first_client_had_open(tmp_path: Path, residents: Path) -> None:
    """A pipe the caller waits on (`x=$(drafting status ws 3>&1 …)`) closes when the command ends."""
    ws, _ = new_workspace(tmp_path)
    env = environment(residents)
    read_end, write_end = os.pipe()
    try:
        done = subprocess.run([DRAFTING, "status", str(ws)], capture_output=True, text=True, env=env, timeout=120,
                              pass_fds=(write_end,))
        assert done.returncode == 0, done.stderr
        os.close(write_end)
        write_end = -1
        wait_for(lambda: list(residents.glob("*.sock")), "the resident's socket")
        assert os.read(read_end, 1) == b""  # no one else holds the write end: the resident did not take it
    finally:
        os.close(read_end)
        if write_end >= 0:
            os.close(write_end)


def test_a_resident_that_does_not_answer_leaves_the_command_to_this_process(tmp_path: Path,
                                                                           residents: Path) -> None:
    """The client says go only once the child has answered: a stopped resident runs nothing, even later."""
    ws, _ = new_workspace(tmp_path)
    env = environment(residents)
    started(residents, env, ws)
    pid = resident_pid(residents)
    wait_for(lambda: len(processes_of(residents)) == 2, "the resident and its waiting child")
    stopped = processes_of(residents)
    events = len(json.loads(run(["log", str(ws), "--json"], dict(env, DRAFTING_RESIDENT="0")).stdout))
    for process in stopped:
        os.kill(process, signal.SIGSTOP)
    try:
        done = run(["mark", str(ws), "endorse_rcf", "agreed"], env)  # waits for an answer, then runs here
        assert done.returncode == 0, done.stderr
    finally:
        for process in stopped:
            os.kill(process, signal.SIGCONT)
    assert pid in stopped
    assert run(["status", str(ws)], env).returncode == 0  # the resident serves again
    after = json.loads(run(["log", str(ws), "--json"], dict(env, DRAFTING_RESIDENT="0")).stdout)
    assert len(after) == events + 1  # marked once: here, not again by the resident after it continued
    assert not any(" served mark " in line for line in served(residents))


def test_a_command_takes_its_clients_resource_limits(tmp_path: Path, residents: Path) -> None:
    """The first client's limits stay with it: a resident started under `ulimit -f` serves others unlimited."""
    import resource

    ws, _ = new_workspace(tmp_path)
    env = environment(residents)
    small = 64 * 1024  # a record that grows past this fails under the first client's limit

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (small, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    first = subprocess.run([DRAFTING, "log", str(ws)], capture_output=True, text=True, env=env, timeout=120,
                           preexec_fn=limited)
    assert first.returncode == 0, first.stderr
    wait_for(lambda: list(residents.glob("*.sock")), "the resident's socket")
    for _ in range(3):
        done = run(["mark", str(ws), "endorse_rcf", "agreed"], env)
        assert done.returncode == 0, done.stderr
        assert run(["mark", str(ws), "endorse_rcf", "pending"], env).returncode == 0
    assert len(served(residents)) == 6


def test_a_client_that_connected_and_sends_nothing_holds_up_no_one(tmp_path: Path, residents: Path) -> None:
    """A client stopped (Ctrl-Z) between connecting and sending its request: the resident has heard its spare
    was taken and gives the next client a child of its own, which serves it."""
    ws, _ = new_workspace(tmp_path)
    env = environment(residents)
    started(residents, env, ws)
    (place,) = residents.glob("*.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as silent:
        silent.connect(str(place))
        before = len(served(residents))
        done = run(["status", str(ws)], env)
        assert done.returncode == 0 and "endorse_rcf" in done.stdout
        assert len(served(residents)) == before + 1  # not left to the client after its 5 s


@pytest.mark.parametrize("unbuffered", [True, False])
def test_output_that_cannot_be_written_ends_the_command_as_in_its_own_process(tmp_path: Path, residents: Path,
                                                                               unbuffered: bool) -> None:
    """stdout on a full disk: the same exit code and message either way, buffered (the interpreter's last
    flush fails: exit 120) or not (PYTHONUNBUFFERED: the write fails, click's one line, exit 1)."""
    ws, _ = new_workspace(tmp_path)
    resident = environment(residents)
    resident.pop("PYTHONUNBUFFERED", None)
    if unbuffered:
        resident["PYTHONUNBUFFERED"] = "1"
    own = dict(resident, DRAFTING_RESIDENT="0")
    started(residents, resident, ws)
    results = []
    for env in (own, resident):
        with open("/dev/full", "w") as full:
            done = subprocess.run([DRAFTING, "status", str(ws)], stdout=full, stderr=subprocess.PIPE, text=True,
                                  env=env, timeout=120)
        results.append((done.returncode, done.stderr))
    assert len(served(residents)) == 1
    assert results[0] == results[1]
    assert results[0][0] == (1 if unbuffered else 120) and "the disk is full" in results[0][1]


def test_code_changed_while_the_resident_imported_it_makes_it_stale_from_the_start() -> None:
    """A module written after the resident began importing may have been imported before the change: such a
    resident serves nothing (its stamps would be the new file's). Files older than its start are fine."""
    from drafting.resident import Freshness

    assert Freshness(0.0).changed() is not None  # a resident that began in 1970: every file written since
    assert Freshness(time.time()).changed() is None


@pytest.fixture
def listening() -> Iterator[socket.socket]:
    """A listening socket as the resident's, in a short private directory."""
    directory = Path(tempfile.mkdtemp(prefix="dr-"))
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(directory / "s.sock"))
    server.listen(8)
    yield server
    server.close()
    shutil.rmtree(directory, ignore_errors=True)


def resident_on(server: socket.socket) -> Any:
    """The resident's loop object over `server`, copying no pages (madvise off)."""
    import io

    from drafting.resident import Freshness, _Resident

    resident = _Resident(server, io.StringIO(), Freshness(time.time()), -1)
    resident.madvise = None
    return resident


def asks_for_sigio(server: socket.socket) -> bool:
    import fcntl

    return bool(fcntl.fcntl(server.fileno(), fcntl.F_GETFL) & os.O_ASYNC) or \
        fcntl.fcntl(server.fileno(), fcntl.F_GETOWN) != 0


def test_no_sigio_is_asked_for_once_a_spare_is_done_warming(listening: socket.socket) -> None:
    """The listening socket's flags are shared by the resident and every spare: a spare killed while it warmed
    leaves it asking for SIGIO (whose default is to end a process), for every later spare and command. The
    next warm, and the resident when it sees a spare end before taking a command, leave it asking for none."""
    import fcntl

    def left_asking() -> int:
        """As a spare killed while it warmed leaves it: asking for SIGIO, for a process that is gone."""
        spare = subprocess.Popen(["sleep", "60"])
        fd = listening.fileno()
        fcntl.fcntl(fd, fcntl.F_SETOWN, spare.pid)
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_ASYNC)
        spare.kill()
        spare.wait()
        return spare.pid

    resident = resident_on(listening)
    left_asking()
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    resident.warm(theirs)
    assert not asks_for_sigio(listening)
    assert signal.getsignal(signal.SIGIO) == signal.SIG_DFL
    resident.spare = (left_asking(), ours)
    resident.selector.register(ours, 1)
    theirs.close()
    resident._gone(ours)  # the spare's end of the channel closed: it died
    resident.selector.close()
    assert not asks_for_sigio(listening)


def test_a_client_that_comes_stops_the_warming(listening: socket.socket) -> None:
    """A spare reads ahead only while no client waits: the client's connection (SIGIO) stops it."""
    resident = resident_on(listening)
    reached: list[str] = []
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)

    def read_ahead(_channel: socket.socket) -> bool:
        reached.append("reading")
        client.connect(listening.getsockname())  # a client comes while the spare reads
        for _ in range(POLLS):
            time.sleep(0.05)
        reached.append("read to its end")
        return True

    resident.read_ahead = read_ahead
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    with client, ours, theirs:
        resident.warm(theirs)
    resident.selector.close()
    assert reached == ["reading"]
    assert not asks_for_sigio(listening)
    assert signal.getsignal(signal.SIGIO) == signal.SIG_DFL


def test_a_spare_takes_the_clients_environment_whole_unless_it_rehearsed_that_very_one() -> None:
    """A child takes its client's environment as sent: a spare that never rehearsed (forked for a waiting client,
    or cut short) takes even an empty one, and one that rehearsed skips the work only for its own environment."""
    script = """
import os, sys
from drafting import resident
umask = str(os.umask(0o022)).encode()
here = os.fsencode(os.getcwd())
assert resident._take_place(os.getpid(), umask, here, [], ["drafting"]) is None
print(len(os.environ))
os.environ.update(A="1", B="2")
resident._rehearse()
assert resident._take_place(os.getpid(), umask, here, ["A=1", "B=2"], ["drafting"]) is None
print(sorted(os.environ.items()))
assert resident._take_place(os.getpid(), umask, here, ["B=3"], ["drafting"]) is None
print(sorted(os.environ.items()))
"""
    env = {"DRAFTING_ACTOR": "the resident's", "HOME": "/nowhere", "PATH": os.environ.get("PATH", "")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    emptied, rehearsed, changed = done.stdout.splitlines()[-3:]
    assert emptied == "0"
    assert rehearsed == "[('A', '1'), ('B', '2')]"
    assert changed == "[('B', '3')]"
