"""The negotiation record: one SQLite database per workspace, append-only, never rewritten.

Every submitted file is kept byte for byte (content-addressed by SHA-256) inside the database, so a
submission and its file land in one transaction: a process killed mid-submit leaves either all of it or
none of it. WAL mode and a busy timeout let several clerks submit at once; `BEGIN IMMEDIATE` serialises
writers. Triggers refuse UPDATE and DELETE on every table: decisions and statuses are new rows, the latest
one wins, and the history stays. Triggers only stop a polite client: anyone who can write the file can drop
them, so every event is also a link of a hash chain over the rows it records (`chain.py`), checked with the
schema, the triggers and every stored file each time the record is opened.

A store opened with the check reads one snapshot: the check runs in a read transaction that stays open until
the store writes or is closed, so everything an operation reads was committed before that check began and
was verified by it (several queries see one state: never a submission without its amendments). A write
ends the snapshot and, once it holds the write lock, checks what other writers appended since (the
incremental check, a millisecond), so an event seals only rows a check has seen or its own transaction
wrote. Within `keeping(check)` (the portal), opening the record checks only what was appended since that
`chain.KeptCheck` last verified it, with a full check at first and on its schedule; `full_check` asks for
the full one whatever was kept (revise, finalize, `verify --workspace`; `log --verify` calls `verify`).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from drafting.errors import DraftingInputError, DraftingRecordError
from drafting.model.vocabulary import Decision, ParagraphStatus, values
from drafting.negotiation import chain
from drafting.negotiation.migrations import SCHEMA_VERSION, TABLES
from drafting.negotiation.migrations import pending as pending_migrations
from drafting.negotiation.migrations import triggers as schema_triggers

if TYPE_CHECKING:
    from drafting.support.atomic import Prepared

DB_NAME = "negotiation.sqlite"
APPLICATION_ID = 0x44524654  # "DRFT"
BUSY_TIMEOUT_MS = 60_000
DECISIONS = values(Decision)
STATUSES = values(ParagraphStatus)
_TABLES = TABLES
CHAINED = chain.chained_tables(TABLES)
UPGRADE_ACTOR = "drafting (schema upgrade)"
_CAUSES = {
    "SQLITE_FULL": "the disk is full",
    "SQLITE_READONLY": "the record is read-only",
    "SQLITE_BUSY": "the record is locked by another process",
    "SQLITE_LOCKED": "the record is locked by another process",
    "SQLITE_IOERR": "the disk reported an input/output error",
    "SQLITE_CANTOPEN": "the record cannot be opened",
    "SQLITE_CORRUPT": "the record is damaged",
    "SQLITE_NOTADB": "the file is not a database",
    "SQLITE_PERM": "permission denied",
}


_KEPT: contextvars.ContextVar[chain.RecordChecks | None] = contextvars.ContextVar("drafting_kept_check",
                                                                                   default=None)


@contextlib.contextmanager
def keeping(check: chain.RecordChecks) -> Iterator[None]:
    """Within the block (in this thread or task), opening a record that `check` keeps (`check.for_record`: one
    `chain.KeptCheck`'s, or every record's) starts from what was kept, and leaves there what this check verified
    (see `chain.KeptCheck`). A context variable rather than a parameter: every operation of the application
    layer opens the record itself, and only a process that opens records again and again (the portal, the
    resident interpreter) has a reason to remember."""
    token = _KEPT.set(check)
    try:
        yield
    finally:
        _KEPT.reset(token)


@dataclass
class _Later:
    """What `closing_later` leaves for the end of its block: connections to close, the head files of what their
    write transactions committed (by directory), and what could not be done there (`failures`)."""

    connections: list[sqlite3.Connection]
    heads: dict[Path, tuple[chain.Head, Prepared]]
    failures: list[str]


_CLOSE_LATER: contextvars.ContextVar[_Later | None] = contextvars.ContextVar("drafting_close_later", default=None)

_Stamp = tuple[int, ...]
"""A database file's device, inode, size, modification and change times, and its write-ahead log's (`_stamp`)."""


def _stamp(path: Path) -> _Stamp | None:
    """What changes when the database file at `path` or its write-ahead log is written (by SQLite or by anything
    else) or replaced; None when the database file is not there."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    try:
        log = os.stat(f"{path}-wal")
        wal: tuple[int, ...] = (log.st_ino, log.st_size, log.st_mtime_ns, log.st_ctime_ns)
    except OSError:
        wal = ()
    return found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns, *wal


class _Verified(NamedTuple):
    """What a store verified on its connection: the state `verified`, at SQLite's `data_version` on that
    connection, with this head file and this file and schema identity (`Store._identity`)."""

    version: int
    head: chain.Head | str | None
    identity: object
    verified: chain.Verified


@dataclass
class _KeptOpen:
    """The connections a `keeping_open` block keeps, by database file (device, inode), each with the file's
    stamp when it was kept and what its last store verified on it (if it wrote nothing); and how many openings
    took one up."""

    connections: dict[tuple[int, int], tuple[_Stamp, sqlite3.Connection, _Verified | None]]
    taken: int = 0

    def take(self, path: Path) -> tuple[sqlite3.Connection, _Verified | None, _Stamp] | None:
        """The connection kept for the file at `path` (with what it verified, and the stamp it was kept with),
        if neither that file nor its log was written since."""
        found = _stamp(path)
        kept = self.connections.pop((found[0], found[1]), None) if found is not None else None
        if kept is None:
            return None
        stamp, connection, verified = kept
        if stamp != found:
            _close(connection)  # written since it was kept: its cached pages are not to be trusted
            return None
        self.taken += 1
        return connection, verified, stamp

    def keep(self, path: Path, connection: sqlite3.Connection, verified: _Verified | None,
             since: _Stamp | None) -> bool:
        """Keep `connection` (no transaction open) for the file at `path`, if nothing has written that file or
        its log since `since` (the stamp when the connection began to read, for its store); False when it
        cannot be kept."""
        found = _stamp(path)
        if found is None or found != since or (found[0], found[1]) in self.connections or connection.in_transaction:
            return False
        self.connections[found[0], found[1]] = (found, connection, verified)
        return True

    def close(self) -> None:
        connections = [kept[1] for kept in self.connections.values()]
        self.connections.clear()
        for connection in connections:
            _close(connection)


_KEPT_OPEN: contextvars.ContextVar[_KeptOpen | None] = contextvars.ContextVar("drafting_kept_open", default=None)


@contextlib.contextmanager
def keeping_open() -> Iterator[None]:
    """Within the block, a store closed outside `closing_later` leaves its connection open (its transaction
    ended), and the next opening of the same database file takes it up again, when nothing has written that
    file since: SQLite's connection set-up and its reading of the schema, a millisecond of a quick command, are
    paid ahead. A file written meanwhile gets a new connection: a connection's cached pages and the
    write-ahead log it opened are only to be trusted for the file SQLite itself last wrote. The block's end
    closes what is kept."""
    token = _KEPT_OPEN.set(_KeptOpen({}))
    try:
        yield
    finally:
        close_kept()
        _KEPT_OPEN.reset(token)


def keep_open() -> None:
    """As `keeping_open`, from now on in this context, for a process that ends without leaving it (the resident's
    spare: what it reads ahead, and then the command it takes); `close_kept` before it ends."""
    _KEPT_OPEN.set(_KeptOpen({}))


def close_kept() -> None:
    """Close the connections kept open in this context (`keeping_open`, `keep_open`)."""
    kept = _KEPT_OPEN.get()
    if kept is not None:
        kept.close()


def kept_taken() -> int:
    """How many openings in this context took up a connection kept open (`keeping_open`, `keep_open`)."""
    kept = _KEPT_OPEN.get()
    return kept.taken if kept is not None else 0


def _close(connection: sqlite3.Connection) -> None:
    """Close `connection`, having first copied what it committed into the database file (a passive
    checkpoint): with another connection open (a resident spare's, kept), closing is not SQLite's last and makes
    no checkpoint, and the database file alone would lack the commits left in the write-ahead log."""
    with contextlib.suppress(sqlite3.Error):
        if connection.total_changes:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
    with contextlib.suppress(sqlite3.Error):
        connection.close()


@contextlib.contextmanager
def closing_later() -> Iterator[list[str]]:
    """Within the block, the stores closed keep their connections (ended: no transaction open), and the head
    files of what their write transactions committed are written beside the old one but not put in its place
    yet: the block's end does that, then closes the connections (SQLite's last checkpoint, copying the
    committed pages into the database file, a millisecond with its syncs). What was committed is durable before
    either (every commit is synced), and a head file that lags is one the check accepts, as after a power cut:
    the resident's child answers its client first. A head written when a record is made or upgraded is put in
    place at once (the check that follows needs it). The list given is filled at the end with what could not
    be done (a head file not put in place: it names an earlier event until the next change)."""
    later = _Later([], {}, [])
    token = _CLOSE_LATER.set(later)
    try:
        yield later.failures
    finally:
        _CLOSE_LATER.reset(token)
        for directory, (head, prepared) in later.heads.items():
            try:
                _place_head(directory, head, prepared)
            except OSError as exc:
                later.failures.append(f"{directory / chain.HEAD_NAME}: the head file could not be written "
                                      f"({exc.strerror}); it names an earlier event until the next change")
        for connection in later.connections:
            _close(connection)


HEAD_LOCK_SECONDS = 2.0
"""How long a head writer waits for the workspace directory's lock (`_place_head`) before it goes on without."""


def _place_head(directory: Path, head: chain.Head, prepared: Prepared, *, new_record: bool = False) -> None:
    """Put `prepared` (the head file naming `head`) in place in `directory`, unless the head file there names a
    later event already: a command that committed after this one wrote its own first (commits are serialised,
    their head files written after them), and a head never goes back. A new record's (`new_record`) replaces
    whatever is there (left by a record removed). Every head writer holds an exclusive lock on the directory
    while it reads, compares and replaces, so that is one step; where there is no such lock to be had (a file
    system without flock, a directory that cannot be opened for reading, a holder that keeps it past
    `HEAD_LOCK_SECONDS`: stopped, say), the writers are serialised by their commits alone, as before the lock.
    Raises OSError."""
    lock = _lock_directory(directory)
    try:
        found = None if new_record else chain.read_head(directory)
        if isinstance(found, chain.Head) and found.seq >= head.seq:
            prepared.discard()
            return
        prepared.place()
    finally:
        if lock is not None:
            os.close(lock)  # (the lock with it)


def _lock_directory(directory: Path) -> int | None:
    """An open descriptor of `directory` holding its exclusive flock, or None (see `_place_head`)."""
    import fcntl
    import time

    try:
        lock = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return None
    deadline: float | None = None
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return lock
        except BlockingIOError:
            now = time.monotonic()
            if deadline is None:
                deadline = now + HEAD_LOCK_SECONDS
            elif now >= deadline:
                break
            time.sleep(0.001)
        except OSError:  # (ENOLCK, EOPNOTSUPP: a file system without flock)
            break
    os.close(lock)
    return None


@functools.cache
def _expected_triggers() -> dict[str, str]:
    """The schema's triggers by name (`migrations.triggers`), made once per process: every opening checks them."""
    return schema_triggers()


def _quick_check(connection: sqlite3.Connection, path: Path) -> None:
    """Refuse a database whose structure SQLite finds damaged (`PRAGMA quick_check`: reads every page)."""
    quick = connection.execute("PRAGMA quick_check(1)").fetchone()[0]
    if quick != "ok":
        raise DraftingInputError(f"the negotiation record is damaged ({quick})", source=str(path))


def _nothing_verified() -> chain.Verified:
    """The state of an empty record: the first check from it walks the whole chain."""
    return chain.Verified(chain.Head(0, chain.GENESIS), dict.fromkeys(CHAINED), dict.fromkeys((*CHAINED, "events"), 0))


def sqlite_cause(exc: sqlite3.Error) -> str:
    """SQLite's error as one line naming the cause ("the disk is full: database or disk is full")."""
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    cause = next((text for code, text in _CAUSES.items() if name.startswith(code)), "")
    return f"{cause} ({exc})" if cause else str(exc)


def _migrate(connection: sqlite3.Connection, found: int) -> None:
    """Bring a record at schema `found` to `SCHEMA_VERSION` (inside the caller's transaction)."""
    for migration in pending_migrations(found):
        for statement in migration.sql():
            connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {migration.version}")


def now() -> str:
    """UTC time of an event, to the microsecond (the record's clock, never an output document's)."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class RevisionRow:
    number: int
    content_hash: str
    document: str
    docx_sha256: str
    created_at: str
    actor: str


@dataclass(frozen=True, slots=True)
class SubmissionRow:
    id: int
    revision: int
    delegation: str
    code: str | None
    sha256: str
    filename: str
    format: str
    matched_by: str
    similarity: float | None
    received_at: str
    actor: str


@dataclass(frozen=True, slots=True)
class EventRow:
    seq: int
    at: str
    actor: str
    kind: str
    subject: str
    detail: dict[str, Any]
    hash: str | None = None


class Store:
    """An open negotiation database. Use `Store.create` for a new workspace, `Store.open` for an existing one."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self.db = connection
        self._sealed: chain.Head | None = None  # the last event added in the open transaction
        # The last state a check of this store found intact (None: opened unchecked, nothing to start from);
        # every write checks from it what was appended meanwhile.
        self._verified: chain.Verified | None = None
        self._reading = False  # a read transaction is open: the snapshot the open-time check verified
        self._found_head: chain.Head | str | None = None  # the head file as read before that snapshot began
        # PRAGMA data_version in the snapshot the open-time check verified (None: no such snapshot, or used):
        # the same value at the first write means no one committed since, so nothing is left to check.
        self._checked_version: int | None = None
        self._rows_memo: tuple[tuple[int, int, int], tuple[tuple[int, str, str], ...]] | None = None
        # What the connection's last store verified, when this one took it up kept open (`keeping_open`) and
        # that store wrote nothing: the check starts from it if no one committed since.
        self._last_verified: _Verified | None = None
        self._identity_found: object = None  # `_identity()` when the open-time check began
        # For a connection kept open after this store: the files' stamp when it began to read, and how many
        # rows the connection had changed then (a store that wrote is not kept: its close checkpoints).
        self._opened: _Stamp | None = None
        self._changes = 0
        self._closed = False

    # -- opening --

    @classmethod
    def _connect(cls, path: Path) -> sqlite3.Connection:
        try:
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                         check_same_thread=False)
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA foreign_keys = ON")
            # REPLACE deletes the old row: with recursive triggers on, that delete hits the append-only trigger.
            connection.execute("PRAGMA recursive_triggers = ON")
            return connection
        except sqlite3.Error as exc:
            raise DraftingInputError(f"cannot open the negotiation record: {exc}", source=str(path)) from exc

    def _write_head(self, head: chain.Head, *, after_answer: bool = False, new_record: bool = False) -> None:
        """Remember the last event sealed, after its commit (`_place_head`: a head that lags is caught up on the
        next write, and one never goes back). A write transaction's (`after_answer`) is put in place at the end
        of the `closing_later` block it runs in, if any (after the resident's child has answered its client):
        only the sync and the rename are left for then, the new file written already, so that what usually
        goes wrong (no permission, a full disk) is reported by the command, as in a process of its own."""
        from drafting.support.atomic import prepare_atomic

        directory = self.path.parent
        later = _CLOSE_LATER.get() if after_answer else None
        try:
            prepared = prepare_atomic(directory / chain.HEAD_NAME, chain.head_bytes(head))
            if later is None:
                _place_head(directory, head, prepared, new_record=new_record)
                return
        except OSError as exc:
            raise DraftingInputError(f"the change was recorded, but its head file could not be written "
                                     f"({exc.strerror}): it names an earlier event until the next change",
                                     source=str(self.path)) from exc
        pending = later.heads.get(directory)
        if pending is not None and pending[0].seq >= head.seq:
            prepared.discard()
            return
        if pending is not None:
            pending[1].discard()
        later.heads[directory] = (head, prepared)

    @classmethod
    def create(cls, directory: Path) -> Store:
        path = directory / DB_NAME
        if path.exists():
            raise DraftingInputError("a negotiation workspace already exists here", source=str(directory))
        directory.mkdir(parents=True, exist_ok=True)
        connection = cls._connect(path)
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = FULL")
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            _migrate(connection, 0)
            connection.execute("COMMIT")
        except sqlite3.Error as exc:
            connection.close()
            raise DraftingInputError(f"cannot create the negotiation record: {sqlite_cause(exc)}",
                                     source=str(path)) from exc
        store = cls(path, connection)
        store._verified = _nothing_verified()
        try:
            store._write_head(chain.Head(0, chain.GENESIS), new_record=True)
        except DraftingInputError:
            connection.close()
            raise
        return store

    @classmethod
    def open(cls, directory: Path, *, check: bool = True, full_check: bool = False) -> Store:
        """Open the record in `directory`, bring its schema up to date, and (unless `check` is false: `log
        --verify` wants every problem, not the first) refuse it when its schema, triggers, chain or files were
        tampered with. The check is the full one unless a `keeping` block allows starting from what was kept;
        `full_check` makes it full in any case. A checked store then reads the snapshot it checked."""
        path = directory / DB_NAME
        if not path.is_file():
            raise DraftingInputError(
                "not a negotiation workspace (no negotiation.sqlite; create one with `drafting negotiation init`)",
                source=str(directory),
            )
        # A connection kept open is taken up only by an opening that checks what was appended since the kept
        # check: a full check (`log --verify`, or `full_check`) reads the files afresh, never a cache.
        kept = _KEPT_OPEN.get()
        taken = kept.take(path) if kept is not None and check and not full_check else None
        connection, last_verified, opened = taken if taken is not None else (cls._connect(path), None, None)
        try:
            app_id = connection.execute("PRAGMA application_id").fetchone()[0]
            if opened is None:  # (after the first read: the write-ahead log is open, and made if it was not)
                opened = _stamp(path)
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if app_id != APPLICATION_ID:
                raise DraftingInputError("this database is not a drafting negotiation record", source=str(path))
            if not 1 <= version <= SCHEMA_VERSION:
                raise DraftingInputError(f"negotiation record schema {version} is not supported "
                                         f"(this drafting reads 1 to {SCHEMA_VERSION}; a newer record needs a newer "
                                         "drafting)", source=str(path))
            upgraded: chain.Head | None = None
            if version < 3 and chain.read_head(directory) is not None:
                # Only a chained record writes a head file: this one was downgraded (to hide events deleted from
                # its end), or restored from a backup over another record's. The check cannot tell which, and
                # the upgrade would seal it as found: refused before anything is changed.
                raise DraftingRecordError(
                    f"a record from before the hash chain (schema {version}) beside a head file, which only a "
                    f"chained record writes: it was downgraded, or restored over another record's head file "
                    f"(remove {chain.HEAD_NAME} if you restored it yourself); nothing was done", source=str(path))
            if version < SCHEMA_VERSION:
                connection.execute("BEGIN IMMEDIATE")
                try:
                    _migrate(connection, version)
                    if version < 3:  # the events recorded before the chain are sealed as found, by a first link
                        count = connection.execute("SELECT count(*) FROM events").fetchone()[0]
                        upgraded = chain.Head(0, chain.GENESIS)
                        if count:
                            upgraded = chain.Head(*chain.append_event(
                                connection, CHAINED, now(), UPGRADE_ACTOR, "record-chained", "",
                                json.dumps({"events": count, "from_schema": version}, sort_keys=True)))
                    connection.execute("COMMIT")
                except sqlite3.Error:
                    if connection.in_transaction:
                        connection.execute("ROLLBACK")
                    raise
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            missing = [t for t in _TABLES if t not in tables]
            if missing:
                raise DraftingInputError(f"negotiation record is missing table {missing[0]}", source=str(path))
            if not check:  # a checked opening runs it with a full check (`_check_snapshot`)
                _quick_check(connection, path)
            connection.execute("PRAGMA synchronous = FULL")
            store = cls(path, connection)
            store._last_verified = last_verified
            store._opened = opened
            store._changes = connection.total_changes
            if upgraded is not None:
                store._write_head(upgraded)
            if check:
                problems = store._check_snapshot(full_check)
                if problems:
                    more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
                    raise DraftingRecordError(f"the negotiation record was tampered with: {problems[0]}{more}; "
                                              "nothing was done (see `drafting log WS --verify`)", source=str(path))
        except sqlite3.DatabaseError as exc:
            connection.close()
            raise DraftingInputError(f"not a readable negotiation record ({sqlite_cause(exc)})",
                                     source=str(path)) from exc
        except DraftingInputError:
            connection.close()
            raise
        return store

    def _check_snapshot(self, full: bool) -> list[str]:
        """Begin the snapshot this store will read and check it: in full, or from what the `keeping` block's
        check kept. The kept state and the head file are read before the snapshot begins, so the snapshot is
        never older than either (a head written after it would look like events deleted from the end)."""
        keeper = _KEPT.get()
        kept = keeper.for_record(self.path.parent.resolve()) if keeper is not None else None
        plan = kept.plan(full=full) if kept is not None else None
        identity: object = None
        since = anchor = None
        settled = False
        try:  # from the plan on: whatever stops this (an error, a signal's exception) settles the plan
            self._found_head = chain.read_head(self.path.parent)
            self.db.execute("BEGIN")
            self._reading = True
            identity = self._identity()
            if plan is not None and plan.kept is not None:
                if not plan.full and plan.identity == identity:
                    since = plan.kept
                elif isinstance(plan.identity, tuple) and plan.identity[0] == identity[0]:
                    anchor = plan.kept  # a full check, of the same file: what was verified must still be there
            if since is None:
                # SQLite's own check of the file's structure, with every full check: it reads the whole file,
                # so an opening that checks only what was appended (a page of the portal) leaves it to the
                # full check on the kept schedule; a damaged page read meanwhile fails that read.
                _quick_check(self.db, self.path)
            version = int(self.db.execute("PRAGMA data_version").fetchone()[0])
            last = self._last_verified
            if (since is not None and last is not None and last.verified == since and last.version == version
                    and last.head == self._found_head and last.identity == identity):
                # This connection verified `since` and no one has committed since (nor written the file: a
                # connection is kept only for a file not written since): the incremental check has nothing to
                # walk and would find what that check found.
                problems: list[str] = []
                verified = since
            else:
                problems, verified = self._check(self._found_head, since)
            if anchor is not None:
                problems += chain.prefix_problems(self.db, CHAINED, anchor)
            self._identity_found = identity
            if not problems:
                self._verified = verified
                self._checked_version = version
            if kept is not None and plan is not None:
                kept.settle(plan, None if problems else verified, identity, full=since is None)
            settled = True
        except BaseException:
            if kept is not None and plan is not None and not settled:
                kept.settle(plan, None, identity, full=since is None)  # nothing kept; a claimed full check freed
            raise
        return problems

    def _identity(self) -> tuple[tuple[int, int], int]:
        """The database file (device, inode) and its schema cookie: a state kept for another file, or kept
        before the schema changed (a trigger dropped and put back changes it too), is not started from."""
        found = os.stat(self.path)
        return (found.st_dev, found.st_ino), int(self.db.execute("PRAGMA schema_version").fetchone()[0])

    def _end_snapshot(self) -> None:
        if self._reading:
            self._reading = False
            self._rollback()

    def verify(self) -> list[str]:
        """Every sign of tampering, first one first: triggers dropped or changed, broken links of the event
        chain, rows altered, deleted or inserted, stored files that no longer match their SHA-256, events
        deleted from the end. Empty means the record is what drafting wrote. Always the full check.

        The head file is read first, then every check runs in one read transaction: one snapshot of the record,
        whatever other clerks commit meanwhile (a head written after our snapshot would look like events
        deleted from the end; rows committed between two reads like rows no event records). A store holding
        its snapshot has it checked again, with the head file found when it began; a write transaction, what
        it sees."""
        if self.db.in_transaction:
            found = self._found_head if self._reading else chain.read_head(self.path.parent)
            return self._check(found, None)[0]
        found = chain.read_head(self.path.parent)
        self.db.execute("BEGIN")
        try:
            return self._check(found, None)[0]
        finally:
            self._rollback()

    def _check(self, found_head: chain.Head | str | None,
               since: chain.Verified | None) -> tuple[list[str], chain.Verified]:
        """Every problem found in the current transaction, and the state reached: in full, or (`since`) the
        events, rows and stored files appended after that state, with `chain.verify_chain`'s cheap checks of
        what it vouches for. The triggers and tables are checked either way."""
        problems = []
        found = dict(self.db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
        expected = _expected_triggers()
        for name, sql in expected.items():
            if name not in found:
                problems.append(f"trigger {name} is missing (dropped: the record was opened for rewriting)")
            elif found[name] != sql:
                problems.append(f"trigger {name} was changed")
        problems += [f"trigger {name} is not drafting's" for name in sorted(set(found) - set(expected))]
        tables = {row[0] for row in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        problems += [f"table {name} is not drafting's" for name in sorted(tables)
                     if name not in _TABLES and not name.startswith("sqlite_")]
        links, verified = chain.verify_chain(self.db, CHAINED, found_head, expect_head=True, since=since)
        problems += links
        problems += self._verify_blobs(since.marks if since is not None and since.head.seq else None)
        return problems, verified

    def _verify_blobs(self, since: dict[str, int | None] | None = None) -> list[str]:
        """Every stored file re-hashed; every file a row names present. With `since` (the marks of a state
        verified before), only the files named by the submissions and revisions recorded after it."""
        first = -(2 ** 63)  # below every row id
        after = {t: first if since is None or since.get(t) is None else since[t] for t in ("submissions", "revisions")}
        owners: dict[str, str] = {}
        for sid, sha, filename, name in self.db.execute(
                "SELECT s.id, s.sha256, s.filename, d.name FROM submissions s "
                "LEFT JOIN delegations d ON d.id = s.delegation WHERE s.id > ? ORDER BY s.id", (after["submissions"],)):
            owners.setdefault(sha, f"submission {sid} by {name}, {filename}")
        for number, sha in self.db.execute("SELECT number, docx_sha256 FROM revisions WHERE number > ? "
                                           "ORDER BY number", (after["revisions"],)):
            owners.setdefault(sha, f"the .docx of revision {number}")
        problems = []
        present = set()
        files = (self.db.execute("SELECT sha256, size, data FROM blobs ORDER BY sha256") if since is None else
                 (row for sha in owners for row in self.db.execute(
                     "SELECT sha256, size, data FROM blobs WHERE sha256 = ?", (sha,))))
        for sha, size, data in files:
            present.add(sha)
            if sha256(bytes(data)) != sha or size != len(data):
                problems.append(f"stored file {sha[:12]}… ({owners.get(sha, 'not referenced')}) no longer matches "
                                "its SHA-256 (replaced)")
        problems += [f"stored file {sha[:12]}… ({owner}) is missing" for sha, owner in owners.items()
                     if sha not in present]
        return problems

    def head(self) -> chain.Head:
        """The last link of the chain: the record state everything issued now comes from."""
        seq, digest, _ = chain.last_link(self.db)
        return chain.Head(seq, digest)

    def close(self) -> None:
        """End the store: its transaction rolled back, and its connection closed, or kept: for the end of the
        `closing_later` block this runs in (closing the last connection makes SQLite's last checkpoint), or for
        the next opening of the record in the `keeping_open` block it runs in. Closing again does nothing."""
        if self._closed:
            return
        self._closed = True
        later = _CLOSE_LATER.get()
        if later is None:
            kept = _KEPT_OPEN.get()
            if kept is not None:
                self._reading = False
                self._rollback()
                verified = None
                if self._checked_version is not None and self._verified is not None:  # (nothing written since)
                    verified = _Verified(self._checked_version, self._found_head, self._identity_found,
                                         self._verified)
                if self.db.total_changes == self._changes and kept.keep(self.path, self.db, verified, self._opened):
                    return
            _close(self.db)
            return
        self._reading = False
        self._rollback()
        later.connections.append(self.db)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken before reading (BEGIN IMMEDIATE) so concurrent writers queue.

        It ends the snapshot the store was reading, and in a checked store first checks what was appended
        since the state last verified (the incremental check): the event this transaction appends seals every
        row added since the last event, so rows inserted outside drafting after the open-time check must be
        refused here, not sealed. After it, the store reads the latest committed state (no snapshot)."""
        self._end_snapshot()
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise DraftingInputError(f"the negotiation record is busy or unwritable: {sqlite_cause(exc)}",
                                     source=str(self.path)) from exc
        self._sealed = None
        changes = self.db.total_changes
        if self._verified is not None and not self._unchanged_since_checked():
            try:
                problems, verified = self._check(chain.read_head(self.path.parent), self._verified)
            except sqlite3.Error as exc:
                self._rollback()
                raise DraftingInputError(f"could not check the record before writing: {sqlite_cause(exc)}",
                                         source=str(self.path)) from exc
            if problems:
                self._rollback()
                more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
                raise DraftingRecordError(f"the negotiation record was tampered with since it was opened: "
                                          f"{problems[0]}{more}; nothing was recorded (see `drafting log WS "
                                          "--verify`)", source=str(self.path))
            self._verified = verified
        try:
            yield self.db
        except sqlite3.Error as exc:
            self._rollback()
            raise DraftingInputError(f"could not record the change: {sqlite_cause(exc)}; the record is unchanged",
                                     source=str(self.path)) from exc
        except BaseException:
            self._rollback()
            raise
        try:
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            # A failed COMMIT may already have rolled back (SQLITE_FULL does): a second ROLLBACK would only
            # hide the cause behind "no transaction is active".
            self._rollback()
            raise DraftingInputError(f"could not record the change: {sqlite_cause(exc)}; the record is unchanged",
                                     source=str(self.path)) from exc
        if self._sealed is not None:
            self._write_head(self._sealed, after_answer=True)
        elif self.db.total_changes != changes:
            # Rows written without an event (only the store's own tests do): the next event seals them, and
            # this store can no longer tell them from rows written by anyone else, so it stops checking.
            self._verified = None

    def _unchanged_since_checked(self) -> bool:
        """Whether the record is still the snapshot the open-time check verified (this store's first write):
        no commit by anyone since (SQLite's data_version) and the same head file. Then the incremental check
        would walk nothing; any commit in between (a row inserted, a trigger dropped) makes it run."""
        version, self._checked_version = self._checked_version, None
        if version is None:
            return False
        try:
            same = int(self.db.execute("PRAGMA data_version").fetchone()[0]) == version
        except sqlite3.Error:
            return False
        return same and chain.read_head(self.path.parent) == self._found_head

    def _rollback(self) -> None:
        if self.db.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")

    def integrity_check(self) -> str:
        return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])

    # -- writes (call inside `transaction`) --

    def put_blob(self, data: bytes) -> str:
        digest = sha256(data)
        self.db.execute("INSERT OR IGNORE INTO blobs(sha256, size, data) VALUES (?, ?, ?)", (digest, len(data), data))
        return digest

    def add_event(self, actor: str, kind: str, subject: str, detail: dict[str, Any]) -> None:
        """Append an event chained to the one before it, sealing every row written since that one."""
        seq, digest = chain.append_event(self.db, CHAINED, now(), actor, kind, subject,
                                         json.dumps(detail, ensure_ascii=False, sort_keys=True))
        self._sealed = chain.Head(seq, digest)

    def add_revision(self, number: int, content_hash: str, document: str, docx: bytes, actor: str) -> None:
        digest = self.put_blob(docx)
        self.db.execute(
            "INSERT INTO revisions(number, content_hash, document, docx_sha256, created_at, actor) "
            "VALUES (?, ?, ?, ?, ?, ?)", (number, content_hash, document, digest, now(), actor))

    def delegations(self) -> list[tuple[str, str | None]]:
        """(name, registry code or None) of every delegation that has submitted, first submitter first."""
        return [(str(name), code) for name, code in self.db.execute("SELECT name, code FROM delegations ORDER BY id")]

    def delegation_id(self, name: str, code: str | None) -> int:
        row = self.db.execute("SELECT id FROM delegations WHERE name = ?", (name,)).fetchone()
        if row is not None:
            return int(row[0])
        cursor = self.db.execute("INSERT INTO delegations(name, code) VALUES (?, ?)", (name, code))
        return int(cursor.lastrowid or 0)

    def add_submission(self, *, revision: int, delegation: int, sha: str, filename: str, fmt: str,
                       matched_by: str, similarity: float | None, actor: str) -> int:
        cursor = self.db.execute(
            "INSERT INTO submissions(revision, delegation, sha256, filename, format, matched_by, similarity, "
            "received_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (revision, delegation, sha, filename, fmt, matched_by, similarity, now(), actor))
        return int(cursor.lastrowid or 0)

    def add_amendment(self, submission: int, revision: int, delegation: int, amendment_id: str,
                      paragraph: str | None, data: str) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO amendments(submission, id, revision, delegation, paragraph, data) "
            "VALUES (?, ?, ?, ?, ?, ?)", (submission, amendment_id, revision, delegation, paragraph, data))

    def add_decision(self, revision: int, amendment: str, decision: str, note: str, actor: str) -> None:
        self.db.execute(
            "INSERT INTO decisions(revision, amendment, decision, note, at, actor) VALUES (?, ?, ?, ?, ?, ?)",
            (revision, amendment, decision, note, now(), actor))

    def add_status(self, revision: int, paragraph: str, status: str, actor: str) -> None:
        self.db.execute("INSERT INTO statuses(revision, paragraph, status, at, actor) VALUES (?, ?, ?, ?, ?)",
                        (revision, paragraph, status, now(), actor))

    def add_translation(self, revision: int, language: str, document: str, pending: list[str], actor: str) -> None:
        self.db.execute(
            "INSERT INTO translations(revision, language, document, pending, at, actor) VALUES (?, ?, ?, ?, ?, ?)",
            (revision, language, document, json.dumps(sorted(pending)), now(), actor))

    # -- reads --

    def translations(self, revision: int) -> dict[str, tuple[str, list[str]]]:
        """Latest (document JSON, pending paragraph ids) per language of `revision`."""
        latest: dict[str, tuple[str, list[str]]] = {}
        for language, document, pending in self.db.execute(
                "SELECT language, document, pending FROM translations WHERE revision = ? ORDER BY seq", (revision,)):
            latest[language] = (document, list(json.loads(pending)))
        return latest

    def blob(self, digest: str) -> bytes:
        """A stored file, re-hashed on the way out: a file swapped inside the record is never handed on."""
        row = self.db.execute("SELECT data FROM blobs WHERE sha256 = ?", (digest,)).fetchone()
        if row is None:
            raise DraftingRecordError(f"file {digest[:12]}… is missing from the record", source=str(self.path))
        data = bytes(row[0])
        if sha256(data) != digest:
            raise DraftingRecordError(f"stored file {digest[:12]}… no longer matches its SHA-256 (replaced)",
                                      source=str(self.path))
        return data

    def revisions(self) -> list[RevisionRow]:
        rows = self.db.execute("SELECT number, content_hash, document, docx_sha256, created_at, actor "
                               "FROM revisions ORDER BY number").fetchall()
        return [RevisionRow(*row) for row in rows]

    def current_revision(self) -> RevisionRow:
        row = self.db.execute("SELECT number, content_hash, document, docx_sha256, created_at, actor "
                              "FROM revisions ORDER BY number DESC LIMIT 1").fetchone()
        if row is None:
            raise DraftingInputError("the workspace has no revision", source=str(self.path))
        return RevisionRow(*row)

    def find_submission(self, revision: int, delegation: int, sha: str) -> int | None:
        row = self.db.execute("SELECT id FROM submissions WHERE revision = ? AND delegation = ? AND sha256 = ?",
                              (revision, delegation, sha)).fetchone()
        return int(row[0]) if row else None

    def submissions(self, revision: int | None = None) -> list[SubmissionRow]:
        query = ("SELECT s.id, s.revision, d.name, d.code, s.sha256, s.filename, s.format, s.matched_by, "
                 "s.similarity, s.received_at, s.actor FROM submissions s JOIN delegations d ON d.id = s.delegation")
        args: tuple[Any, ...] = ()
        if revision is not None:
            query += " WHERE s.revision = ?"
            args = (revision,)
        return [SubmissionRow(*row) for row in self.db.execute(query + " ORDER BY s.id", args)]

    def amendment_rows(self, revision: int) -> list[tuple[int, str, str]]:
        """(submission id, delegation name, amendment JSON) for `revision`, in submission order. Kept until the
        record changes (our writes: `total_changes`; another process's: `data_version`): one command reads
        them several times."""
        state = (revision, self.db.total_changes, self.db.execute("PRAGMA data_version").fetchone()[0])
        if self._rows_memo is not None and self._rows_memo[0] == state:
            return list(self._rows_memo[1])
        rows = [(int(r[0]), str(r[1]), str(r[2])) for r in self.db.execute(
            "SELECT a.submission, d.name, a.data FROM amendments a JOIN delegations d ON d.id = a.delegation "
            "WHERE a.revision = ? ORDER BY a.submission, a.rowid", (revision,))]
        self._rows_memo = (state, tuple(rows))
        return rows

    def amendment_rows_of(self, revision: int, delegation: str) -> list[tuple[int, str, str]]:
        """`amendment_rows(revision)` of one delegation (by its recorded name)."""
        return [(int(r[0]), str(r[1]), str(r[2])) for r in self.db.execute(
            "SELECT a.submission, d.name, a.data FROM amendments a JOIN delegations d ON d.id = a.delegation "
            "WHERE a.revision = ? AND d.name = ? ORDER BY a.submission, a.rowid", (revision, delegation))]

    def amendment_index(self) -> list[tuple[int, int, str, str | None, str]]:
        """(revision, submission id, delegation name, delegation code, amendment id) of every amendment of the
        record, in record order (no amendment JSON is read)."""
        return [(int(r[0]), int(r[1]), str(r[2]), r[3], str(r[4])) for r in self.db.execute(
            "SELECT a.revision, a.submission, d.name, d.code, a.id FROM amendments a "
            "JOIN delegations d ON d.id = a.delegation ORDER BY a.revision, a.submission, a.rowid")]

    # -- the room (schema 4): carried brackets, the chair's proposals, supporters, silence, comments --

    def add_carried(self, revision: int, amendment: str, data: str, actor: str) -> None:
        self.db.execute("INSERT INTO carried(revision, amendment, data, at, actor) VALUES (?, ?, ?, ?, ?)",
                        (revision, amendment, data, now(), actor))

    def carried_rows(self, revision: int) -> list[str]:
        """Amendment JSON of each bracketed alternative carried into `revision`, in order."""
        return [str(r[0]) for r in self.db.execute(
            "SELECT data FROM carried WHERE revision = ? ORDER BY seq", (revision,))]

    def add_proposal(self, revision: int, amendment: str, data: str, actor: str) -> None:
        self.db.execute("INSERT INTO proposals(revision, amendment, data, at, actor) VALUES (?, ?, ?, ?, ?)",
                        (revision, amendment, data, now(), actor))

    def proposal_rows(self) -> list[tuple[int, str, str]]:
        """(revision, amendment id, amendment JSON) of every proposal of the chair, in order."""
        return [(int(r[0]), str(r[1]), str(r[2])) for r in self.db.execute(
            "SELECT revision, amendment, data FROM proposals ORDER BY seq")]

    def add_support(self, revision: int, amendment: str, delegation: str, actor: str) -> None:
        self.db.execute("INSERT INTO supports(revision, amendment, delegation, at, actor) VALUES (?, ?, ?, ?, ?)",
                        (revision, amendment, delegation, now(), actor))

    def supports(self) -> list[tuple[int, str, str]]:
        """(revision, amendment id, delegation) of every supporter recorded, in order."""
        return [(int(r[0]), str(r[1]), str(r[2])) for r in self.db.execute(
            "SELECT revision, amendment, delegation FROM supports ORDER BY seq")]

    def add_silence(self, revision: int, until: str, paragraphs: list[str], actor: str) -> int:
        cursor = self.db.execute(
            "INSERT INTO silences(revision, until, paragraphs, at, actor) VALUES (?, ?, ?, ?, ?)",
            (revision, until, json.dumps(paragraphs), now(), actor))
        return int(cursor.lastrowid or 0)

    def silences(self) -> list[tuple[int, int, str, list[str], str, str]]:
        """(id, revision, until, paragraphs, at, actor) of every silence procedure, in order."""
        return [(int(r[0]), int(r[1]), str(r[2]), list(json.loads(r[3])), str(r[4]), str(r[5]))
                for r in self.db.execute("SELECT seq, revision, until, paragraphs, at, actor FROM silences "
                                         "ORDER BY seq")]

    def add_silence_break(self, silence: int, delegation: str, paragraph: str, note: str, actor: str) -> None:
        self.db.execute("INSERT INTO silence_breaks(silence, delegation, paragraph, note, at, actor) "
                        "VALUES (?, ?, ?, ?, ?, ?)", (silence, delegation, paragraph, note, now(), actor))

    def silence_breaks(self) -> list[tuple[int, str, str, str, str]]:
        """(silence id, delegation, paragraph, note, at) of every break of silence, in order."""
        return [(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4])) for r in self.db.execute(
            "SELECT silence, delegation, paragraph, note, at FROM silence_breaks ORDER BY seq")]

    def add_comment(self, submission: int, revision: int, data: str) -> None:
        self.db.execute("INSERT INTO comments(submission, revision, data) VALUES (?, ?, ?)",
                        (submission, revision, data))

    def comment_rows(self, revision: int) -> list[tuple[int, str]]:
        """(submission id, comment JSON) of the comments made on `revision`, in order."""
        return [(int(r[0]), str(r[1])) for r in self.db.execute(
            "SELECT submission, data FROM comments WHERE revision = ? ORDER BY seq", (revision,))]

    def decisions(self, revision: int) -> dict[str, tuple[str, str]]:
        """Latest decision and note per amendment id of `revision`."""
        latest: dict[str, tuple[str, str]] = {}
        for amendment, decision, note in self.db.execute(
                "SELECT amendment, decision, note FROM decisions WHERE revision = ? ORDER BY seq", (revision,)):
            latest[amendment] = (decision, note)
        return latest

    def statuses(self, revision: int) -> dict[str, str]:
        latest: dict[str, str] = {}
        for paragraph, status in self.db.execute(
                "SELECT paragraph, status FROM statuses WHERE revision = ? ORDER BY seq", (revision,)):
            latest[paragraph] = status
        return latest

    def events(self) -> list[EventRow]:
        return [EventRow(int(r[0]), r[1], r[2], r[3], r[4], json.loads(r[5]), r[6]) for r in self.db.execute(
            "SELECT seq, at, actor, kind, subject, detail, hash FROM events ORDER BY seq")]

    def events_of(self, kind: str, subject: str | None = None, *, last: bool = False) -> list[EventRow]:
        """The events of one `kind` (and `subject`), oldest first: what `events` gives, filtered, without reading
        the others' details; `last`: only the latest one (an empty list when there is none)."""
        query = "SELECT seq, at, actor, kind, subject, detail, hash FROM events WHERE kind = ?"
        args: tuple[str, ...] = (kind,)
        if subject is not None:
            query, args = query + " AND subject = ?", (kind, subject)
        query += " ORDER BY seq DESC LIMIT 1" if last else " ORDER BY seq"
        return [EventRow(int(r[0]), r[1], r[2], r[3], r[4], json.loads(r[5]), r[6])
                for r in self.db.execute(query, args)]
