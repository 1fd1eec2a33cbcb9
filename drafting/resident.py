"""The resident interpreter: `status`, `log`, `decide` and `mark` without paying Python's imports each time.

A quick command's own work on a record is a few milliseconds; a fresh process spends ten times that importing
the negotiation layer. As the clients of Bazel and Gradle do, the console entry (`drafting.__main__`) hands
such a command line to a resident process of the same installation and interpreter set-up (module path,
flags: see `drafting.__main__.resident_name`), started by the first quick command with the client's flags and
module path, and gone after `DRAFTING_RESIDENT_IDLE` seconds without a command (default 600).

The resident has the modules imported. A spare child, forked in advance, waits for the next command; it takes
the client's standard streams (passed over the socket), working directory, umask, environment, resource limits
and arguments, runs the same `drafting.__main__.main` a fresh process runs, and sends the exit code back: the
same output and exit code as a fresh process, by construction; a test runs command lines both ways and
compares them. What a command finds that a fresh process would not:

- the record's check kept between commands, as the portal keeps it between pages (`chain.KeptChecks`): the
  first command on a record checks it in full, the next ones what was appended since (with the cheap checks
  that the part verified still ends where it did), and the full check comes again every
  `DRAFTING_RESIDENT_FULL_CHECK` seconds (60; 0: at every command). `log --verify`, `revise`, `finalize` and
  `verify` check in full whatever was kept. Each child checks from the copy it was forked with and tells the
  resident afterwards what it found;
- what the spare did while waiting (`_Resident.warm`, stopped by the first client that comes): it read the
  records the last commands used as `status` reads them (their text and amendments parsed, kept by content)
  or, with none, copied its memory pages ahead of the copy-on-write a command would pay, and rehearsed taking
  a client's place;
- the connections to those records, kept open by the spare (`store.keeping_open`: SQLite's set-up and schema
  read paid ahead), for a command on a record whose database file nothing has written since.

The child answers its client before putting in place the head files of what the command committed and closing
its records (SQLite's checkpoint; `store.closing_later`): every commit is synced before the answer, a head file
that lags (as after a power cut) is one the check accepts, and a head file is never written over a later one
(every writer compares and replaces under a lock). The new head file is written before the answer, so what
usually stops it (a full disk, no permission) is reported by the command as in a fresh process; only its sync
and rename come after, and one of those that fails (an I/O error) is noted in the resident's log, not told
to the client: the one way a resident command's outcome can differ from a fresh process's. It tells the
resident it has ended once its records are closed, and the resident forks the next spare then.

Safety: the socket lives in a directory of the user's own (mode 0700, checked by the client before it connects);
the resident answers only its own user (SO_PEERCRED); it serves no command once a module it loaded (or a
site-packages directory it imports from) has changed on disk: it refuses, exits, and the client runs the command
itself and starts a fresh resident. `DRAFTING_RESIDENT=0` turns the whole thing off.

Protocol (the client is `drafting.__main__._resident_run`): the client sends one message, a 4-byte big-endian
length and the fields, NUL-separated: protocol, working directory, umask, the encodings and error handlers of
its stdin, stdout and stderr, the number of arguments, the arguments, then its environment as NAME=VALUE
(its resource limits the child reads itself, with prlimit). The child that takes it answers `P<pid>\\n` (for
the signals the client passes on) or `R\\n` (the code changed: refused), and takes the client's place. After
`P` the client sends `G` with its fds 0, 1 and 2 (SCM_RIGHTS), or closes: nothing runs without the go. The
child answers `X<code>\\n` when the command has ended, or `D\\n` (declined: a place it could not take, limits
it cannot take on; nothing was run, and the client runs the command itself).
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import io
import os
import select
import selectors
import signal
import socket
import struct
import sys
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from drafting.app.negotiation import KeptChecks

PROTOCOL = b"drafting-resident-3"
IDLE_ENV = "DRAFTING_RESIDENT_IDLE"
DEFAULT_IDLE = 600.0
MAX_LOG = 1 << 20
"""The resident's log (one line a command) is emptied when a resident starts and finds it larger."""
ORPHAN_LOOK = 5.0
"""How often (seconds) a waiting spare looks whether its resident is still there."""
REQUEST_FIRST = 0.02
"""How long a child that accepted a client waits for its request before telling the resident it is taken."""
REQUEST_SECONDS = 10.0
"""How long a child waits for its client's request, and for its go."""
MAX_REQUEST = 1 << 20
"""An environment and argument list larger than this is not a command line: refused."""
MAX_MESSAGE = 1 << 16
"""The largest message on a child's channel (a kept check's state is a few hundred bytes)."""
FULL_CHECK_ENV = "DRAFTING_RESIDENT_FULL_CHECK"
FULL_CHECK = 60.0
"""Seconds between full checks of a record by the resident's commands (as the portal's pages)."""


QUICK_MODULES = (
    "drafting.__main__", "drafting.console", "drafting.cli", "drafting.app", "drafting.app.negotiation",
    "drafting.model.vocabulary", "drafting.negotiation.workspace", "drafting.negotiation.compilation",
    "drafting.negotiation.status", "drafting.negotiation.revise", "drafting.negotiation.silence",
    "drafting.library.suggest", "drafting.conventions.profiles", "drafting.negotiation.batch", "json", "sqlite3",
    "hashlib", "difflib", "unicodedata", "csv", "getpass", "pwd", "termios", "shutil", "click._textwrap",
    "encodings.utf_8_sig", "resource",
)
"""What `status`, `log`, `decide` and `mark` import as they run (tests/test_resident.py: a served command imports
nothing more)."""


def preload() -> None:
    """Import what the quick commands use, their refusals and click's usage errors included."""
    import importlib

    import click  # noqa: F401  -- a usage error goes to click

    for module in QUICK_MODULES:
        importlib.import_module(module)


STAMP_TICK = 0.02
"""Seconds a file's timestamp may lag the clock (the kernel's coarse clock: a tick, 1 to 10 ms)."""


class Freshness:
    """Whether the code the resident runs is still the code on disk: the modules it loaded from the drafting
    package, and each directory it imports third-party modules from (pip changes a site-packages directory
    when it installs or removes anything).

    Watched with inotify where it can be had (a change queues an event the spares see with one poll: no file
    is looked at while a client waits); elsewhere, by the files' times, sizes and inodes, looked at each time."""

    WATCHED = 0x2 | 0x4 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x800
    """IN_MODIFY, IN_ATTRIB, IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_MOVE_SELF."""

    def __init__(self, started: float) -> None:
        """`started`: when the resident began to import the code it runs (before any of drafting)."""
        package = Path(__file__).resolve().parent
        files: set[str] = set()
        directories: set[str] = set()
        for module in list(sys.modules.values()):
            path = getattr(module, "__file__", None)
            if not path:
                continue
            resolved = Path(path).resolve()
            if resolved.is_relative_to(package):
                files.add(str(resolved))  # (replaced by a rename: its inode's link count drops, IN_ATTRIB)
            elif "site-packages" in resolved.parts:
                index = resolved.parts.index("site-packages")
                directories.add(str(Path(*resolved.parts[: index + 1])))
        watched = sorted(files | directories)
        self.watch = self._inotify(watched)  # before the stamps: a change after them queues an event
        self.stamps = {path: self._stamp(path) for path in watched}
        # A file changed since the resident began to import may have been imported before the change (the
        # stamps are the file after it): such a resident is stale from the start. A coarse clock's tick
        # (timestamps lag the clock by up to one) is allowed for.
        since = int((started - STAMP_TICK) * 1e9)
        self.born_stale = next((path for path, stamp in self.stamps.items() if stamp and stamp[1] >= since), None)

    def _inotify(self, paths: list[str]) -> int | None:
        """An inotify descriptor watching `paths`, or None where inotify cannot be had (then stamps are used)."""
        init, add = _libc("inotify_init1", ("int",)), _libc("inotify_add_watch", ("int", "char_p", "uint"))
        if init is None or add is None:
            return None
        watch = int(init(os.O_NONBLOCK | os.O_CLOEXEC))
        if watch < 0:
            return None
        if all(add(watch, os.fsencode(path), self.WATCHED) >= 0 for path in paths):
            return watch
        os.close(watch)  # a watch refused (the user's limit reached): the stamps, then
        return None

    @staticmethod
    def _stamp(path: str) -> tuple[int, ...]:
        """What changes when a file is written or replaced: a copy that keeps the time (cp -p) changes ctime."""
        try:
            found = os.stat(path)
        except OSError:
            return ()
        return found.st_mtime_ns, found.st_ctime_ns, found.st_ino, found.st_size

    def changed(self) -> str | None:
        """The first file or directory that changed since the resident started; None when none did."""
        if self.born_stale is not None:
            return self.born_stale
        if self.watch is not None and not select.select([self.watch], [], [], 0)[0]:
            return None  # no event since the watches were set (after the stamps: a change between shows below)
        found = next((path for path, stamp in self.stamps.items() if self._stamp(path) != stamp), None)
        return found if found is not None or self.watch is None else "a watched file or directory"


def idle_seconds() -> float:
    try:
        value = float(os.environ.get(IDLE_ENV, DEFAULT_IDLE))
    except ValueError:
        return DEFAULT_IDLE
    return value if value > 0 else DEFAULT_IDLE


def full_check_seconds() -> float:
    """How often the resident's commands check a record in full (`DRAFTING_RESIDENT_FULL_CHECK`, seconds)."""
    try:
        value = float(os.environ.get(FULL_CHECK_ENV, FULL_CHECK))
    except ValueError:
        return FULL_CHECK
    return value if value >= 0 else FULL_CHECK


def serve(socket_path: str, started: float) -> int:
    """Bind `socket_path` (its directory was made and checked by the client) and serve until idle."""
    base = socket_path.removesuffix(".sock")
    lock = os.open(base + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return 0  # another resident holds this place: starting, serving, or leaving (the next command starts one)
    preload()
    freshness = Freshness(started)
    log_fd = os.open(base + ".log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    if os.fstat(log_fd).st_size > MAX_LOG:
        os.ftruncate(log_fd, 0)
    log = open(log_fd, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 -- the resident's whole life
    pid_file = Path(base + ".pid")  # whole before the socket appears: a socket there means a pid to read
    pid_file.with_suffix(".pid-new").write_text(f"{os.getpid()}\n", encoding="ascii")
    pid_file.with_suffix(".pid-new").replace(pid_file)
    # Bound and listening under a name of its own first: a socket at `socket_path` always takes connections.
    pending = os.path.join(os.path.dirname(socket_path), f"{os.getpid()}.new")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(pending)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(pending)
    os.chmod(pending, 0o600)
    server.listen(64)
    os.replace(pending, socket_path)
    bound = os.stat(socket_path).st_ino
    os.chdir("/")  # pin no directory; each command runs in its client's
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    _log(log, "started", "")
    _warm()
    gc.collect()
    gc.disable()  # no collection touches the pages the spares will share
    signal.signal(signal.SIGTERM, _leave)
    resident = _Resident(server, log, freshness, lock)
    try:
        return resident.run(idle_seconds())
    finally:
        resident.dismiss_spare()
        if _inode(socket_path) == bound:  # not a successor's socket
            os.unlink(socket_path)
        server.close()


def _leave(_signal: int, _frame: object) -> None:
    """SIGTERM: leave as when idle (the waiting child stopped, the socket removed)."""
    raise SystemExit(0)


TAKEN, STALE, ENDED = b"T", b"S", b"E"
"""What a child tells the resident on its channel: it took a command, the code is stale (leave), its command
has ended (its process ends soon after). Anything else is what its checks of records found (`KeptChecks.news`)."""


def _quiet(server: socket.socket) -> None:
    """No SIGIO from the listening socket, whatever a spare left (one killed while it warmed leaves it asking):
    O_ASYNC off and no owner. Its flags are shared by the resident and every spare."""
    listening = server.fileno()
    with contextlib.suppress(OSError):
        fcntl.fcntl(listening, fcntl.F_SETFL, fcntl.fcntl(listening, fcntl.F_GETFL) & ~os.O_ASYNC)
        fcntl.fcntl(listening, fcntl.F_SETOWN, 0)


class _ClientCame(BaseException):
    """A client came while the spare was reading ahead (a BaseException: no `except Exception` swallows it)."""


class _Resident:
    """The resident's loop: one spare child waiting for the next command, the children running commands, and
    the checks of the records they open, kept here between commands (`KeptChecks`).

    Each child has a channel to the resident (a SOCK_SEQPACKET pair): it says on it when it takes a command and
    when that command has ended, tells what its checks of records found, and its end closing tells the
    resident it is gone. The next spare is forked when the running commands have ended, or at once when a
    client is waiting and none is ready: a command does not share the machine with a spare's fork and warming
    when it need not, and concurrent commands each get a child."""

    def __init__(self, server: socket.socket, log: io.TextIOBase, freshness: Freshness, lock: int) -> None:
        from drafting.app import negotiation as ops

        self.server = server
        self.log = log
        self.freshness = freshness
        self.lock = lock
        self.checks = ops.kept_checks(full_every=full_check_seconds())
        self.madvise = _libc("madvise", ("void_p", "size_t", "int"))
        self.selector = selectors.DefaultSelector()
        self.spare: tuple[int, socket.socket] | None = None  # its pid and the resident's end of its channel
        self.running: dict[socket.socket, tuple[float, list[Path]]] = {}  # when taken, the records it checked
        self.channels: set[socket.socket] = set()  # of every child but the spare (theirs to close after a fork)
        self.recent: list[Path] = []  # the records the last commands checked, the latest first
        self.slow: set[Path] = set()  # records whose commands take long: not read ahead
        self.watching_server = False
        self.last_taken = time.monotonic()  # (the resident leaves after `idle` seconds without a command)
        self.stale = False

    def run(self, idle: float) -> int:
        while not self.stale:
            if self.spare is None and not self.running:
                self._fork_spare(warm=True)
            self._watch_server(self.spare is None)
            wait = self.last_taken + idle - time.monotonic()
            if wait <= 0:
                _log(self.log, "idle", f"no command for {idle:g} s; leaving")
                return 0
            for key, _events in self.selector.select(wait):
                if key.fileobj is self.server:
                    self._watch_server(False)
                    self._fork_spare(warm=False)  # a client waits: it gets a child at once
                    continue
                channel = key.fileobj
                assert isinstance(channel, socket.socket)
                try:
                    message = channel.recv(MAX_MESSAGE)
                except OSError:
                    message = b""
                self._heard(channel, message)
        return 0

    def _heard(self, channel: socket.socket, message: bytes) -> None:
        """What a child said on its channel (b"": the channel closed, the child is gone)."""
        if not message:
            self._gone(channel)
        elif message == TAKEN and self.spare is not None and channel is self.spare[1]:
            self.running[channel] = (time.monotonic(), [])
            self.channels.add(channel)
            self.spare = None
            self.last_taken = time.monotonic()
        elif message == STALE:
            self.stale = True  # the code on disk changed: leave
        elif message == ENDED:
            self._ended(channel)
        else:
            self._learn(message, channel)

    def _learn(self, news: bytes, channel: socket.socket) -> None:
        """Take in what a child's checks of records found, for the spares forked from now on; those records
        are the ones read ahead next."""
        try:
            records = self.checks.learn(news)
        except ValueError as exc:
            _log(self.log, "news", f"left out: {exc}")
            return
        if channel in self.running:
            self.running[channel][1].extend(records)
        for record in reversed(records):
            if record in self.recent:
                self.recent.remove(record)
            self.recent.insert(0, record)
        del self.recent[READ_AHEAD_RECORDS:]

    def _drain(self) -> None:
        """Take in what the running children have told and the resident not yet read (before a fork)."""
        ready, _, _ = select.select(list(self.running), [], [], 0) if self.running else ([], [], [])
        for channel in ready:
            with contextlib.suppress(BlockingIOError, OSError):
                message = channel.recv(MAX_MESSAGE, socket.MSG_DONTWAIT)
                if message:  # (a channel's end is left to the loop)
                    self._heard(channel, message)

    def _watch_server(self, watch: bool) -> None:
        """Select on the listening socket (a client waiting) only while no spare is there to accept it."""
        if watch != self.watching_server:
            if watch:
                self.selector.register(self.server, selectors.EVENT_READ)
            else:
                self.selector.unregister(self.server)
            self.watching_server = watch

    def _ended(self, channel: socket.socket) -> None:
        """A child's command has ended (or its process, before it said so)."""
        if channel in self.running:
            taken, records = self.running.pop(channel)
            if time.monotonic() - taken > READ_AHEAD_LIMIT:
                self.slow.update(records)  # its own work outweighs what reading ahead saves: not read ahead

    def _gone(self, channel: socket.socket) -> None:
        """A child's channel closed: its process ended (its command done), or a spare's before taking one."""
        self.selector.unregister(channel)
        self.channels.discard(channel)
        channel.close()
        if self.spare is not None and channel is self.spare[1]:
            self.spare = None
            _quiet(self.server)  # (it may have died while it warmed)
            _log(self.log, "spare", "the waiting child ended before taking a command; forking another")
            time.sleep(0.1)  # not in a tight loop if something makes every spare fail
        else:
            self._ended(channel)

    def _client_waiting(self) -> bool:
        return bool(select.select([self.server], [], [], 0)[0])

    def warm(self, channel: socket.socket) -> None:
        """What a spare does while no client waits, stopped as soon as one comes (SIGIO from the listening
        socket, asked for meanwhile only: it is shared with the resident and the spares to come), so that no
        command waits for it: read ahead the records the last commands used or, when there are none, copy the
        pages a command would copy as it writes them; then rehearse taking a client's place."""
        listening = self.server.fileno()
        armed = [True]

        def disarm() -> None:
            armed[0] = False
            _quiet(self.server)

        def came(_signal: int, _frame: object) -> None:
            if armed[0]:
                disarm()
                raise _ClientCame

        signal.signal(signal.SIGIO, came)
        try:
            try:
                fcntl.fcntl(listening, fcntl.F_SETOWN, os.getpid())
                fcntl.fcntl(listening, fcntl.F_SETFL, fcntl.fcntl(listening, fcntl.F_GETFL) | os.O_ASYNC)
                if not self._client_waiting():  # (one may have come before the signal was asked for)
                    if not self.read_ahead(channel):
                        self.prefault()  # (reading a record copies the pages a command on it touches)
                    _rehearse()
            finally:
                if armed[0]:
                    disarm()  # (a SIGIO in between disarms and raises itself: taken below)
        except _ClientCame:
            pass  # what was read stays read; a check cut short was settled as finding nothing to keep
        finally:
            signal.signal(signal.SIGIO, signal.SIG_DFL)  # the command's process has the default dispositions

    def prefault(self) -> None:
        """Copy the pages of the resident's memory that a command would copy as it writes them (copy-on-write
        after the fork: a reference count changed, an object allocated among others, SQLite's and the
        interpreter's own state): some 800 page faults, half a command's time on a small record, out of it.
        One madvise(MADV_POPULATE_WRITE) per writable private mapping (Linux 5.14 and later; on an older
        kernel, nothing is done and the command pays them as before)."""
        if self.madvise is None:
            return
        with contextlib.suppress(OSError, ValueError), open("/proc/self/maps", encoding="ascii") as maps:
            for line in maps:
                span, permissions = line.split(None, 2)[:2]
                if permissions[1] == "w" and permissions[3] == "p":
                    start, end = (int(address, 16) for address in span.split("-"))
                    if self.madvise(start, end - start, MADV_POPULATE_WRITE) != 0:
                        return  # not this kernel's: no use asking for the others

    def read_ahead(self, channel: socket.socket) -> bool:
        """Read the records the last commands used as `status` does, so that the next command finds their text
        and amendments parsed and their check brought up to date (a command's first reading, a third of a
        quick command on a small record), and tell the resident what the check found. Not for records whose
        commands take long (their own work is what counts there)."""
        from drafting.app import negotiation as ops

        records = [record for record in self.recent if record not in self.slow]
        for record in records:
            try:
                with ops.keeping_checked(self.checks):
                    ops.read_ahead(record)
            except Exception as exc:  # a record gone or unreadable: the command will say so, or fail as loudly
                _log(self.log, "read-ahead", f"{record}: {type(exc).__name__}: {exc}")
        news = self.checks.news()
        if news:
            with contextlib.suppress(OSError):
                channel.send(news)
        return bool(records)

    def dismiss_spare(self) -> None:
        """Stop a waiting spare: SIGUSR1, which it ignores from the moment it takes a command (then it runs on)."""
        if self.spare is not None:
            with contextlib.suppress(OSError):
                os.kill(self.spare[0], signal.SIGUSR1)

    def _fork_spare(self, *, warm: bool) -> None:
        """Fork the child that waits for the next command (so a command does not wait for a fork). It closes
        what is the resident's own (its lock goes with the resident, not a command; the other children's
        channels) and, unless a client is waiting already, warms itself until one comes (`warm`)."""
        self._drain()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        resident = os.getpid()
        pid = os.fork()
        if pid:
            theirs.close()
            self.spare = (pid, ours)
            self.selector.register(ours, selectors.EVENT_READ)
            return
        from drafting.app import negotiation as ops

        try:
            ours.close()
            for channel in self.channels:
                channel.close()
            self.selector.close()
            os.close(self.lock)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            ops.keep_records_open()  # for the command it takes, what it reads ahead (closed as it ends)
            signal.signal(signal.SIGUSR1, _dismissed)  # the resident dismisses a waiting spare so
            if warm:
                self.warm(theirs)
            gc.freeze()  # as the command's `main` does at its end, now: its objects only are left for then
            connection = _accept(self.server, resident)
            self.server.close()
            changed = self.freshness.changed()
            if changed is not None:
                _send(connection, b"R\n")
                _log(self.log, "stale", f"the code on disk changed ({changed}); leaving")
                theirs.send(STALE)
                _spare_exit(0)
        except BaseException:  # the resident forks another spare when this one ends
            _spare_exit(1)
        try:
            _child(connection, theirs, self.checks, self.log)  # ends with os._exit
        finally:
            os._exit(70)  # never back into the resident's loop (its cleanup would remove the live socket)


def _spare_exit(code: int) -> NoReturn:
    """End a spare that took no command: the connections it kept closed first (SQLite's last connection to a
    record removes its write-ahead log and shared-memory files), then at once, as every child ends."""
    from drafting.app import negotiation as ops

    ops.close_kept_records()
    os._exit(code)


def _dismissed(_signal: int, _frame: object) -> None:
    """SIGUSR1 in a waiting spare: the resident is leaving, or wants a fresh spare."""
    _spare_exit(0)


READ_AHEAD_RECORDS = 2
"""How many of the records the last commands used a waiting spare reads ahead."""
READ_AHEAD_LIMIT = 0.1
"""A record whose command took longer than this (seconds) is not read ahead: its own work outweighs it."""
MADV_POPULATE_WRITE = 23
"""madvise's request to fault in every page of a range, writable (linux/mman.h; Linux 5.14)."""


def _libc(name: str, arguments: tuple[str, ...]) -> Any:
    """The C library's function `name` taking `arguments` (ctypes type names without `c_`) and returning an
    int, or None where it cannot be had."""
    try:
        import ctypes

        function = getattr(ctypes.CDLL(None, use_errno=True), name)
        function.argtypes = tuple(getattr(ctypes, f"c_{argument}") for argument in arguments)
    except (ImportError, OSError, AttributeError):
        return None
    function.restype = ctypes.c_int
    return function


def _accept(server: socket.socket, resident: int) -> socket.socket:
    """The next connection of this user (others' are closed); the spare leaves if its resident was killed."""
    server.settimeout(ORPHAN_LOOK)
    while True:
        try:
            connection, _ = server.accept()
            signal.signal(signal.SIGUSR1, signal.SIG_IGN)  # taken: the resident leaving does not stop it
        except TimeoutError:
            if os.getppid() != resident:
                _spare_exit(0)  # the resident was killed: no one forks the next spare, nor removes the socket
            continue
        if _same_user(connection):
            return connection
        connection.close()


def _warm() -> None:
    """First-use costs paid once here rather than in every command: SQLite's initialisation."""
    import sqlite3

    sqlite3.connect(":memory:").execute("SELECT 1").fetchall()


def _inode(path: str) -> int:
    try:
        return os.stat(path).st_ino
    except OSError:
        return -1


def _peer(connection: socket.socket) -> tuple[int, int]:
    """The client's process id and user id (SO_PEERCRED)."""
    credentials = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    pid, uid, _gid = struct.unpack("3i", credentials)
    return int(pid), int(uid)


def _same_user(connection: socket.socket) -> bool:
    return _peer(connection)[1] == os.getuid()


def _send(connection: socket.socket, data: bytes) -> None:
    with contextlib.suppress(OSError):  # the client went away: the command's effects stand, as in a process
        connection.sendall(data)


def _log(log: io.TextIOBase, what: str, detail: str) -> None:
    """One line in the resident's log; a log that cannot be written (a full disk) changes nothing else."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
    with contextlib.suppress(OSError, ValueError):
        log.write(f"{stamp} {os.getpid()} {what} {detail}".rstrip() + "\n")


def _receive(connection: socket.socket) -> list[bytes]:
    """The request's fields."""
    data = connection.recv(65536)
    if len(data) < 4:
        raise ValueError("short request")
    size = int.from_bytes(data[:4], "big")
    if size > MAX_REQUEST:
        raise ValueError("request too large")
    body = bytearray(data[4:])
    while len(body) < size:
        more = connection.recv(size - len(body))
        if not more:
            raise ValueError("truncated request")
        body.extend(more)
    fields = bytes(body).split(b"\0")
    if fields[0] != PROTOCOL:
        raise ValueError("not this protocol")
    return fields[1:]


def _receive_go(connection: socket.socket) -> list[int] | None:
    """The client's go and, with it, its fds 0, 1 and 2; None when it left instead (nothing is to run)."""
    data, ancillary, _flags, _address = connection.recvmsg(1, socket.CMSG_SPACE(3 * 4))
    fds: list[int] = []
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.extend(struct.unpack(f"{len(payload) // 4}i", payload[: len(payload) // 4 * 4]))
    if data != b"G" or len(fds) != 3:
        for fd in fds:
            os.close(fd)
        return None
    return fds


def _child(connection: socket.socket, channel: socket.socket, checks: KeptChecks, log: io.TextIOBase) -> NoReturn:
    """Become the client's process for one command, run it once the client says go, send the exit code, exit.

    Nothing runs unless the client, told this child's pid, answers `G`: a client interrupted or timed out
    before that closes the connection instead, and runs the command itself or not at all. Once running, the
    command stops as a process would if its client goes away (killed: the connection closes)."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    code = 3
    # Taken: said once the request is here, or at once if it is not (a client that connected and sends
    # nothing, stopped, holds up no one: the resident watches for the next client and forks it a spare).
    told = not select.select([connection], [], [], REQUEST_FIRST)[0]
    if told:
        _send(channel, TAKEN)
    connection.settimeout(REQUEST_SECONDS)
    try:
        fields = _receive(connection)
        cwd, umask, in_encoding, in_errors, out_encoding, out_errors, err_encoding, err_errors, count = fields[:9]
        argc = int(count)
        argv = [os.fsdecode(arg) for arg in fields[9:9 + argc]]
        environment = [os.fsdecode(item) for item in fields[9 + argc:] if item]
    except (OSError, ValueError) as exc:  # a malformed request, or one that never came: run nothing
        if not told:
            _send(channel, TAKEN)
        _log(log, "refused", f"malformed request: {exc}")
        os._exit(3)
    # The pid first, so that the client gets on with its go while this child takes its place.
    _send(connection, f"P{os.getpid()}\n".encode())
    if not told:
        _send(channel, TAKEN)
    try:
        unable = _take_place(_peer(connection)[0], umask, cwd, environment, argv)
    except OSError as exc:  # (its credentials unreadable)
        unable = f"cannot take the client's place: {exc}"
    # The client's streams come with its go, not before: a child that never gets to run holds none of them (a
    # pipe the caller reads to its end would wait for it).
    fds = _receive_go(connection)
    if fds is None:
        os._exit(0)  # the client left (interrupted, timed out) before saying go: nothing was run
    try:
        if unable is not None:
            raise ValueError(unable)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        sys.stdin, sys.stdout, sys.stderr = _streams(
            (in_encoding, in_errors, out_encoding, out_errors, err_encoding, err_errors))
    except (OSError, ValueError, LookupError) as exc:
        _send(connection, b"D\n")  # nothing was run: the client runs it itself
        _log(log, "declined", str(exc))
        os._exit(0)
    finally:
        for fd in fds:
            os.close(fd)
    connection.settimeout(None)
    done = _watch_client(connection)
    import resource

    from drafting.app import negotiation as ops

    before = set(sys.modules)
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    started = time.perf_counter()
    earlier = checks.untold()  # (a read-ahead cut short by this client has not told its own yet)
    taken = ops.kept_records_taken()
    with ops.records_closed_later() as unfinished:  # head files and checkpoints once the client has its answer
        code = _run(checks)
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # the command is over: report it, whatever comes
        done.append(True)
        code = _last_flush(code)
        imported = len(set(sys.modules) - before)
        if imported and os.environ.get("DRAFTING_RESIDENT_DEBUG"):
            _log(log, "imported", " ".join(sorted(set(sys.modules) - before)))
        made = " ".join(f"{n - earlier[kind]} {kind}" for kind, n in checks.untold().items()
                        if n > earlier[kind]) or "none"
        _log(log, "served", f"{' '.join(sys.argv[1:2])} exit {code}: {(time.perf_counter() - started) * 1000:.1f} "
             f"ms wall, {time.process_time() * 1000:.1f} ms CPU since the fork, "
             f"{resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults} page faults, imported {imported} "
             f"modules, record checks: {made}, connections kept open: {ops.kept_records_taken() - taken}")
        # The client's streams given back before its answer: a reader waiting for their end (a pipe, a
        # shell's $(…)) has it when the client leaves, not when this child does.
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        _send(connection, f"X{code}\n".encode())
    # The client has its answer; the head files are written and the records closed (what the command wrote
    # copied into their database files), and only then does the resident fork the next spare, so that what the
    # spare reads ahead and keeps open is no file this child is still writing (store.keeping_open).
    for failure in unfinished:
        _log(log, "unfinished", failure)
    ops.close_kept_records()
    news = checks.news()
    with contextlib.suppress(OSError):
        if news:
            channel.send(news)
        channel.send(ENDED)
    os._exit(code)


def _take_place(client: int, umask: bytes, cwd: bytes, environment: list[str], argv: list[str]) -> str | None:
    """Take on the client's resource limits, umask, working directory, environment and arguments: None, or
    what could not be taken (then the client runs the command itself)."""
    try:
        if not _take_limits(client):
            return "the client's resource limits cannot be taken on here"
        os.umask(int(umask))
        os.chdir(os.fsdecode(cwd))
        if environment not in _REHEARSED_ENVIRONMENT:  # (the same as this process's, as a rule: nothing to do)
            wanted = dict(item.partition("=")[::2] for item in environment)
            for name in os.environ.keys() - wanted.keys():
                del os.environ[name]
            for name, value in wanted.items():  # (only what differs: each setting is a putenv and an encoding)
                if os.environ.get(name) != value:
                    os.environ[name] = value
        time.tzset()
        sys.argv = argv
    except (OSError, ValueError) as exc:
        return f"cannot take the client's place: {exc}"
    return None


def _streams(codecs: tuple[bytes, ...]) -> tuple[io.TextIOWrapper, io.TextIOWrapper, io.TextIOWrapper]:
    """Text streams over fds 0, 1 and 2 with the client's encodings and error handlers (`codecs`: stdin's,
    stdout's and stderr's, each encoding then handler), as the interpreter makes them (PYTHONUNBUFFERED, part of
    the resident's name: written through, as this process's own are; a terminal: by line)."""
    in_encoding, in_errors, out_encoding, out_errors, err_encoding, err_errors = (item.decode() for item in codecs)
    unbuffered = bool(getattr(sys.__stdout__, "write_through", False))
    stdin = io.TextIOWrapper(open(0, "rb", closefd=False), encoding=in_encoding, errors=in_errors)  # noqa: SIM115
    stdout = io.TextIOWrapper(
        open(1, "wb", buffering=0 if unbuffered else -1, closefd=False),  # noqa: SIM115
        encoding=out_encoding, errors=out_errors, line_buffering=not unbuffered and os.isatty(1),
        write_through=unbuffered)
    stderr = io.TextIOWrapper(
        open(2, "wb", buffering=0 if unbuffered else -1, closefd=False),  # noqa: SIM115
        encoding=err_encoding, errors=err_errors, line_buffering=True, write_through=unbuffered)
    return stdin, stdout, stderr


_REHEARSED_ENVIRONMENT: list[list[str]] = []
"""This process's environment (NAME=VALUE, in its order) as its spare rehearsed, if it did (unchanged since)."""


def _rehearse() -> None:
    """Take this spare's own place and make its own streams (dropped at once), as a client's command will have
    it do: the pages that copy-on-write copies as a child first writes them (a hundred faults, half a
    millisecond on a virtual machine) are copied while no one waits."""
    umask = os.umask(0o022)
    os.umask(umask)
    environment = [f"{name}={value}" for name, value in os.environ.items()]
    _take_place(os.getpid(), str(umask).encode(), os.fsencode(os.getcwd()), environment, list(sys.argv))
    _streams((b"utf-8", b"strict") * 3)
    _REHEARSED_ENVIRONMENT[:] = [environment]


def _last_flush(code: int) -> int:
    """Flush the streams as the interpreter does when a process ends: output that cannot be written then (a
    full disk) is reported on stderr and the exit code is 120, as a process's would be."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError) as exc:
            if stream is sys.stdout:
                with contextlib.suppress(OSError, ValueError):
                    sys.stderr.write(f"Exception ignored in: <_io.TextIOWrapper name='<stdout>' mode='w' encoding="
                                     f"'{stream.encoding}'>\n{type(exc).__name__}: {exc}\n")
                    sys.stderr.flush()
                code = 120
    return code


def _take_limits(client: int) -> bool:
    """Set this process's resource limits to those of the client process (read with prlimit); False when one
    cannot be read or taken on."""
    import resource

    try:
        for name in dir(resource):
            if name.startswith("RLIMIT_"):
                number = getattr(resource, name)
                wanted = resource.prlimit(client, number)
                if resource.getrlimit(number) != wanted:
                    resource.setrlimit(number, wanted)
    except (ValueError, OSError):
        return False
    return True


def _watch_client(connection: socket.socket) -> list[bool]:
    """Stop this process (SIGTERM, as a process is stopped) if the client goes away before the command ends;
    the list returned gets an item when the command has ended."""
    import _thread

    done: list[bool] = []

    def watch() -> None:
        poller = select.poll()
        poller.register(connection.fileno(), select.POLLIN | select.POLLHUP | select.POLLERR)
        while not done:
            if poller.poll(1000) and not done:
                try:
                    data = connection.recv(1)  # the client sends nothing after its go: only its end comes
                except OSError:
                    data = b""
                if not data and not done:
                    os.kill(os.getpid(), signal.SIGTERM)
                    return

    _thread.start_new_thread(watch, ())
    return done


def _run(checks: KeptChecks) -> int:
    """`drafting.__main__.main()` with the exit code a process running it would have, the records it opens
    checked from what the resident had kept when it forked this child (`checks`)."""
    import drafting.__main__ as entry
    from drafting.app import negotiation as ops

    entry.IN_RESIDENT = True  # the command runs here, not in a resident again
    try:
        with ops.keeping_checked(checks):
            entry.main()
    except SystemExit as exit_:
        if exit_.code is None:
            return 0
        if isinstance(exit_.code, int):
            return exit_.code & 0xFF
        print(exit_.code, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        traceback.print_exc()
        return 130
    except BaseException:
        traceback.print_exc()
        return 1
    return 0


def main(started: float | None = None) -> None:
    """`python -c BOOT PLACE PATH` (see `drafting.__main__._RESIDENT_BOOT`): serve at PLACE, if this interpreter
    would name its socket so (the same package, environment, module path and flags as the client's).
    `started`: the time (time.time()) before the boot imported anything of drafting."""
    import drafting.__main__ as entry

    place = sys.argv[1]
    if os.path.basename(place) != entry.resident_name():
        sys.exit(0)  # not the interpreter the client is: a resident here would run other code than it would
    sys.exit(serve(place, time.time() if started is None else started))

