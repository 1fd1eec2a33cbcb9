"""The negotiation record (SQLite): WAL, identity of the file, append-only triggers, transactions that queue."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest

from drafting.errors import DraftingInputError
from drafting.negotiation import chain
from drafting.negotiation.migrations import SCHEMA_VERSION
from drafting.negotiation.store import APPLICATION_ID, DB_NAME, Store, keeping
from tests.negotiation import (
    RAP,
    SEAT,
    TABLES,
    Base,
    check_record,
    counts,
    edit_md,
    new_workspace,
)


@pytest.fixture
def busy_workspace(tmp_path: Path, base: Base) -> Path:
    """A workspace with a row in every table: submissions, amendments, a decision and a status."""
    from drafting import app as api

    ws = new_workspace(tmp_path / "ws", base)
    kaz = edit_md(base.md, tmp_path / "kaz.md", [(RAP, RAP.replace("draft", "revised"))])
    tjk = edit_md(base.md, tmp_path / "tjk.md", [(SEAT, SEAT.replace("in Almaty", "in Dushanbe"))])
    api.submit(ws, "KAZ", kaz, actor="clerk")
    api.submit(ws, "TJK", tjk, actor="clerk")
    report = api.status_report(ws)
    amendment = next(p for p in report["paragraphs"] if p["id"] == "endorse_rap")["amendments"][0]["id"]
    api.decide(ws, amendment, "accept", note="agreed in the room", actor="chair")
    api.mark(ws, "endorse_rcf", "agreed", actor="chair")
    filled = counts(ws)
    assert all(filled[t] > 0 for t in ("blobs", "revisions", "delegations", "submissions", "amendments",
                                       "decisions", "statuses", "events")), filled
    check_record(ws)
    return ws


def _one_row(db: sqlite3.Connection, table: str) -> None:
    """Make sure `table` has a row (a trigger only fires for rows that exist): a synthetic one if it is empty."""
    if db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]:
        return
    values = {"INTEGER": 0, "REAL": 0.0, "TEXT": "x", "BLOB": b"x"}
    columns = [(name, values.get(kind.upper(), "x")) for _, name, kind, notnull, default, pk
               in db.execute(f"PRAGMA table_info('{table}')") if (notnull or pk) and default is None]
    db.execute(f"INSERT INTO {table}({', '.join(c for c, _ in columns)}) VALUES ({', '.join('?' * len(columns))})",
               [v for _, v in columns])
    db.commit()


def test_create_makes_a_wal_database_that_names_itself(tmp_path: Path) -> None:
    with Store.create(tmp_path / "ws") as store:
        db = store.db
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert store.integrity_check() == "ok"
    with Store.open(tmp_path / "ws") as store:  # WAL persists in the file; the settings are per connection
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2
        assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_create_never_overwrites_a_workspace(tmp_path: Path) -> None:
    Store.create(tmp_path).close()
    before = (tmp_path / DB_NAME).read_bytes()
    with pytest.raises(DraftingInputError, match="already exists"):
        Store.create(tmp_path)
    assert (tmp_path / DB_NAME).read_bytes() == before


def test_open_without_a_record_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(DraftingInputError, match="negotiation init") as info:
        Store.open(tmp_path)
    assert "\n" not in str(info.value)
    assert not (tmp_path / DB_NAME).exists()


def _foreign(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT)")
    db.commit()
    db.close()


def _schema(version: int, drop: str | None = None):
    def make(path: Path) -> None:
        Store.create(path.parent).close()
        db = sqlite3.connect(path)
        db.execute(f"PRAGMA user_version = {version}")
        if drop:
            db.execute(f"DROP TABLE {drop}")
        db.commit()
        db.close()
    return make


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p.write_bytes(b"this is not a database\n" * 200), "not a readable negotiation record"),
    (lambda p: p.write_bytes(b""), "not a drafting negotiation record"),
    (_foreign, "not a drafting negotiation record"),
    (_schema(SCHEMA_VERSION + 1), f"schema {SCHEMA_VERSION + 1} is not supported"),
    (_schema(SCHEMA_VERSION, drop="statuses"), "missing table statuses"),
], ids=["garbage", "empty", "foreign", "newer-schema", "missing-table"])
def test_open_refuses_what_is_not_our_record(tmp_path: Path, make, message: str) -> None:
    path = tmp_path / DB_NAME
    make(path)
    before = path.read_bytes()
    with pytest.raises(DraftingInputError, match=message) as info:
        Store.open(tmp_path)
    assert str(info.value).startswith(str(path)) and "\n" not in str(info.value)
    assert path.read_bytes() == before


@pytest.mark.parametrize("page", [2, 3, 5])
def test_open_refuses_a_damaged_record(busy_workspace: Path, page: int) -> None:
    path = busy_workspace / DB_NAME
    data = bytearray(path.read_bytes())
    size = int.from_bytes(data[16:18], "big")
    data[(page - 1) * size:page * size] = b"\xff" * size
    path.write_bytes(bytes(data))
    with pytest.raises(DraftingInputError, match=r"damaged|not a readable") as info:
        Store.open(busy_workspace)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("table", TABLES)
def test_update_and_delete_are_refused_on_every_table(busy_workspace: Path, table: str) -> None:
    db = sqlite3.connect(busy_workspace / DB_NAME)
    _one_row(db, table)
    before = counts(busy_workspace)
    try:
        column = db.execute(f"SELECT name FROM pragma_table_info('{table}') ORDER BY cid DESC").fetchone()[0]
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute(f"UPDATE {table} SET {column} = {column}")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute(f"DELETE FROM {table}")
        db.commit()
    finally:
        db.close()
    assert counts(busy_workspace) == before
    assert before[table] > 0


def test_every_table_has_both_triggers(busy_workspace: Path) -> None:
    db = sqlite3.connect(busy_workspace / DB_NAME)
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                  if not r[0].startswith("sqlite_")}
        triggers = {(r[0], r[1]) for r in db.execute("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")}
    finally:
        db.close()
    assert tables == set(TABLES)
    for table in tables:
        assert any(t == table and "BEFORE UPDATE" in sql for t, sql in triggers), table
        assert any(t == table and "BEFORE DELETE" in sql for t, sql in triggers), table


def test_a_failed_transaction_leaves_nothing(busy_workspace: Path) -> None:
    before = counts(busy_workspace)
    with Store.open(busy_workspace) as store:
        with pytest.raises(RuntimeError), store.transaction():
            store.put_blob(b"half a submission")
            store.add_event("clerk", "submission", "Kazakhstan", {})
            raise RuntimeError("killed halfway")
        assert not store.db.in_transaction
    assert counts(busy_workspace) == before


def test_blobs_are_content_addressed(tmp_path: Path) -> None:
    with Store.create(tmp_path) as store:
        with store.transaction():
            first = store.put_blob(b"same bytes")
            second = store.put_blob(b"same bytes")
        assert first == second
        assert store.db.execute("SELECT count(*), sum(size) FROM blobs").fetchone() == (1, 10)
        assert store.blob(first) == b"same bytes"
        with pytest.raises(DraftingInputError, match="missing from the record"):
            store.blob("0" * 64)


def test_writers_queue_while_readers_go_on(busy_workspace: Path) -> None:
    """BEGIN IMMEDIATE: a second writer waits for the first (here: gives up after its busy timeout with a
    clear error); a reader is never blocked (WAL)."""
    first = Store.open(busy_workspace)
    second = Store.open(busy_workspace)
    try:
        second.db.execute("PRAGMA busy_timeout = 200")
        with first.transaction():
            first.add_event("clerk", "status", "x", {})
            assert len(second.events()) == counts(busy_workspace)["events"]  # reads the committed state
            with pytest.raises(DraftingInputError, match="busy"), second.transaction():
                pass
        with second.transaction():
            second.add_event("clerk", "status", "y", {})
        assert [e.subject for e in second.events()[-2:]] == ["x", "y"]
    finally:
        first.close()
        second.close()


def test_decisions_are_new_rows_and_the_latest_wins(busy_workspace: Path) -> None:
    with Store.open(busy_workspace) as store:
        with store.transaction():
            store.add_decision(0, "Axyz", "accept", "", "chair")
        with store.transaction():
            store.add_decision(0, "Axyz", "withdraw", "the delegation withdrew it", "chair")
        assert store.decisions(0)["Axyz"] == ("withdraw", "the delegation withdrew it")
        history = store.db.execute("SELECT decision FROM decisions WHERE amendment = 'Axyz' ORDER BY seq").fetchall()
        assert history == [("accept",), ("withdraw",)]
        with pytest.raises(DraftingInputError, match="CHECK constraint"), store.transaction():
            store.add_decision(0, "Axyz", "maybe", "", "chair")
        assert store.decisions(0)["Axyz"][0] == "withdraw"


def test_insert_or_replace_cannot_rewrite_the_record(busy_workspace: Path) -> None:
    db = sqlite3.connect(busy_workspace / DB_NAME)
    try:
        sha, data = db.execute("SELECT sha256, data FROM blobs LIMIT 1").fetchone()
        # A blob insert of an existing key is ignored (the store relies on INSERT OR IGNORE for files sent twice),
        # so REPLACE leaves the stored bytes alone; other tables refuse it outright.
        db.execute("INSERT OR REPLACE INTO blobs(sha256, size, data) VALUES (?, 6, x'666f72676564')", (sha,))
        assert db.execute("SELECT data FROM blobs WHERE sha256 = ?", (sha,)).fetchone()[0] == data
        seq, = db.execute("SELECT seq FROM events LIMIT 1").fetchone()
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("INSERT OR REPLACE INTO events(seq, at, actor, kind, subject, detail) "
                       "VALUES (?, 'x', 'x', 'x', 'x', '{}')", (seq,))
    finally:
        db.rollback()
        db.close()


def last_event(workspace: Path) -> chain.Head:
    with closing(sqlite3.connect(workspace / DB_NAME)) as db:
        return chain.Head(*db.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone())


def test_a_store_closed_later_has_committed_and_holds_no_transaction(busy_workspace: Path) -> None:
    """Within `closing_later` (the resident's child, which answers its client first) a closed store's commit is
    already visible to everyone and passes the check, with the head file one event behind (as after a power
    cut); it holds no transaction (not even the snapshot it was reading). At the end the head file names the
    last event and the connection is closed — the write-ahead log checkpointed and removed."""
    from drafting.negotiation.store import closing_later

    wal = busy_workspace / (DB_NAME + "-wal")
    before = counts(busy_workspace)["statuses"]
    head_before = chain.read_head(busy_workspace)
    with closing_later() as unfinished:
        reader = Store.open(busy_workspace)  # reading the snapshot its check verified
        assert reader.db.in_transaction
        reader.close()
        assert not reader.db.in_transaction
        store = Store.open(busy_workspace)
        with store.transaction():
            store.add_status(0, "endorse_rap", "bracketed", "chair")
            store.add_event("chair", "status", "endorse_rap", {"status": "bracketed"})
        store.close()
        assert wal.exists()  # the connections are open still: the last checkpoint is to come
        assert counts(busy_workspace)["statuses"] == before + 1
        assert chain.read_head(busy_workspace) == head_before != last_event(busy_workspace)
        check_record(busy_workspace)  # a head that lags is accepted
    assert unfinished == []
    assert chain.read_head(busy_workspace) == last_event(busy_workspace)
    assert not wal.exists()
    check_record(busy_workspace)


def test_a_head_written_later_never_goes_back(busy_workspace: Path) -> None:
    """The head file a `closing_later` block writes at its end is not written over a later one (a command that
    committed after it wrote its own first)."""
    from drafting import app as api
    from drafting.negotiation.store import closing_later

    with closing_later() as unfinished:
        with Store.open(busy_workspace) as store, store.transaction():
            store.add_status(0, "endorse_rap", "bracketed", "chair")
            store.add_event("chair", "status", "endorse_rap", {"status": "bracketed"})
        _elsewhere(lambda: api.mark(busy_workspace, "endorse_rap", "agreed", actor="chair"))  # writes its head
        later = last_event(busy_workspace)
        assert chain.read_head(busy_workspace) == later
    assert unfinished == [] and chain.read_head(busy_workspace) == later
    check_record(busy_workspace)


def test_a_head_written_in_line_never_goes_back(busy_workspace: Path) -> None:
    """A writer whose commit came before another's but whose head file comes after (commits are serialised,
    head files written after them) leaves the later head in place."""
    from drafting.negotiation.store import _place_head

    with closing(sqlite3.connect(busy_workspace / DB_NAME)) as db:
        earlier = chain.Head(*db.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1 OFFSET 1")
                             .fetchone())
    latest = chain.read_head(busy_workspace)
    assert isinstance(latest, chain.Head) and earlier.seq < latest.seq
    _place_head(busy_workspace, earlier, _prepared(busy_workspace, earlier))
    assert chain.read_head(busy_workspace) == latest
    assert not list(busy_workspace.glob(".tmp-drafting-*"))  # the file made for it removed
    check_record(busy_workspace)


def _prepared(workspace: Path, head: chain.Head) -> Any:
    from drafting.support.atomic import prepare_atomic

    return prepare_atomic(workspace / chain.HEAD_NAME, chain.head_bytes(head))


def test_head_writers_take_turns_on_the_directory(busy_workspace: Path) -> None:
    """Every head writer reads, compares and replaces under an exclusive lock on the workspace directory: one
    that finds the lock taken waits for it, and writes nothing meanwhile."""
    from drafting.negotiation.store import _place_head

    latest = chain.read_head(busy_workspace)
    with _directory_locked(busy_workspace) as ahead:
        writer = threading.Thread(target=_place_head, args=(busy_workspace, ahead, _prepared(busy_workspace, ahead)))
        writer.start()
        writer.join(0.3)
        assert writer.is_alive() and chain.read_head(busy_workspace) == latest
    writer.join()
    assert chain.read_head(busy_workspace) == ahead


@contextmanager
def _directory_locked(workspace: Path) -> Iterator[chain.Head]:
    """The workspace directory's flock held, as another head writer holds it; the head one event ahead."""
    import fcntl
    import os

    latest = chain.read_head(workspace)
    assert isinstance(latest, chain.Head)
    lock = os.open(workspace, os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield chain.Head(latest.seq + 1, "0" * 64)
    finally:
        os.close(lock)


def test_a_head_writer_goes_on_without_a_lock_held_too_long(busy_workspace: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A lock on the directory held past `HEAD_LOCK_SECONDS` (its holder stopped, or a script's `flock` around a
    backup) does not hang every write after its commit: the writer goes on without it, as before the lock."""
    from drafting.negotiation import store as store_module

    monkeypatch.setattr(store_module, "HEAD_LOCK_SECONDS", 0.05)
    with _directory_locked(busy_workspace) as ahead:
        store_module._place_head(busy_workspace, ahead, _prepared(busy_workspace, ahead))
        assert chain.read_head(busy_workspace) == ahead


def test_a_head_that_cannot_be_written_later_is_reported(busy_workspace: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A head file the block's end cannot write (a full disk) is reported by the block, and the record stays one
    the check accepts: its head names an earlier event until the next change writes it."""
    import errno
    import os

    from drafting import app as api
    from drafting.negotiation.store import closing_later
    from drafting.support import atomic

    def broken(self: atomic.Prepared) -> None:
        self.discard()
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    before = chain.read_head(busy_workspace)
    with closing_later() as unfinished:
        with Store.open(busy_workspace) as store, store.transaction():
            store.add_status(0, "endorse_rap", "pending", "chair")
            store.add_event("chair", "status", "endorse_rap", {"status": "pending"})
        monkeypatch.setattr(atomic.Prepared, "place", broken)
    assert len(unfinished) == 1 and "head file could not be written (Input/output error)" in unfinished[0]
    assert chain.read_head(busy_workspace) == before != last_event(busy_workspace)
    assert not list(busy_workspace.glob(".tmp-drafting-*"))
    check_record(busy_workspace)
    monkeypatch.undo()
    api.mark(busy_workspace, "endorse_rap", "agreed", actor="chair")  # the next change catches the head up
    assert chain.read_head(busy_workspace) == last_event(busy_workspace)


def test_a_head_file_that_cannot_be_made_is_reported_by_the_command_even_closed_later(
        busy_workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What usually stops a head file (a full disk, no permission) stops it when its new file is made, before
    the resident's child answers: the command reports it (exit 1, as in a process of its own), with what was
    recorded said, and the record stays one the check accepts."""
    import errno
    import os

    from drafting.negotiation.store import closing_later
    from drafting.support import atomic

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    before = chain.read_head(busy_workspace)
    monkeypatch.setattr(atomic, "prepare_atomic", full)
    refused = (r"the change was recorded, but its head file could not be written \(No space left on device\): it "
               r"names an earlier event until the next change")
    with closing_later() as unfinished, pytest.raises(DraftingInputError, match=refused), \
            Store.open(busy_workspace) as store, store.transaction():
        store.add_status(0, "endorse_rap", "pending", "chair")
        store.add_event("chair", "status", "endorse_rap", {"status": "pending"})
    assert unfinished == []
    assert chain.read_head(busy_workspace) == before != last_event(busy_workspace)
    check_record(busy_workspace)


def test_a_record_from_before_the_chain_gets_its_head_at_once_when_closed_later(tmp_path: Path) -> None:
    """Within `closing_later`, the head written when a record from before the hash chain is upgraded is
    written at once: the check that follows the upgrade needs it (only a write transaction's waits for the
    block's end)."""
    from drafting import app as api
    from drafting.negotiation.store import closing_later

    ws = tmp_path / "ws"
    ws.mkdir()
    shutil.copy(Path(__file__).resolve().parents[1] / "fixtures" / "records" / "schema-2.sqlite", ws / DB_NAME)
    assert chain.read_head(ws) is None
    with closing_later() as unfinished:
        api.mark(ws, "endorse_rcf", "bracketed", actor="chair")
        upgraded = chain.read_head(ws)
        assert isinstance(upgraded, chain.Head) and upgraded.seq == last_event(ws).seq - 1
    assert unfinished == [] and chain.read_head(ws) == last_event(ws)
    check_record(ws)


@pytest.mark.parametrize("seq", [0, 3, 10_000])
def test_a_record_from_before_the_chain_beside_a_head_file_is_refused_unchanged(tmp_path: Path, seq: int) -> None:
    """A record from before the chain beside a head file (only a chained record writes one: a record downgraded
    to hide the events deleted from its end, or an old backup restored over another record's head) is refused
    before its upgrade, so nothing is sealed over and nothing changes; removing the head file, a deliberate
    act, lets it open and be upgraded."""
    from drafting import app as api

    ws = tmp_path / "ws"
    ws.mkdir()
    shutil.copy(Path(__file__).resolve().parents[1] / "fixtures" / "records" / "schema-2.sqlite", ws / DB_NAME)
    (ws / chain.HEAD_NAME).write_bytes(chain.head_bytes(chain.Head(seq, "0" * 64)))
    before = (ws / DB_NAME).read_bytes()
    with pytest.raises(DraftingInputError, match=r"from before the hash chain \(schema 2\) beside a head file"):
        api.status_report(ws)
    assert (ws / DB_NAME).read_bytes() == before
    (ws / chain.HEAD_NAME).unlink()
    assert api.status_report(ws)["label"] == "Rev.1"
    check_record(ws)


def test_a_head_file_with_an_overflowing_number_is_unreadable_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / chain.HEAD_NAME).write_text('{"seq": 1e999, "hash": "x"}', encoding="utf-8")
    found = chain.read_head(tmp_path)
    assert isinstance(found, str) and "unreadable" in found


def test_a_new_record_replaces_the_head_a_removed_one_left(tmp_path: Path, base: Base) -> None:
    """`negotiation init` where a record was removed but its head file left: the new record's first head
    replaces the old one (which names a later event), and the record passes its check."""
    ws = new_workspace(tmp_path / "ws", base)
    stale = chain.read_head(ws)
    assert isinstance(stale, chain.Head)
    (ws / DB_NAME).unlink()
    Store.create(ws).close()
    assert chain.read_head(ws) == chain.Head(0, chain.GENESIS)
    check_record(ws)


def _elsewhere(work: Callable[[], object]) -> None:
    """Run `work` as another process of the record would: in a thread, whose context keeps nothing open."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:
            failed.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failed:
        raise failed[0]


def test_a_record_kept_open_is_taken_up_again_until_its_file_is_written(busy_workspace: Path) -> None:
    """Within `keeping_open` (the resident's spare), a closed store's connection stays open and the next opening
    of the record runs on it; once another process has written the file, an opening gets a connection of its own
    and reads what was written. The block's end closes what it kept: the write-ahead log and shared memory go."""
    from drafting import app as api
    from drafting.negotiation.store import keeping_open, kept_taken

    wal, shm = (busy_workspace / (DB_NAME + suffix) for suffix in ("-wal", "-shm"))
    with keeping_open():
        first = Store.open(busy_workspace)
        kept = first.db
        first.close()
        assert wal.exists() and shm.exists()  # open still
        again = Store.open(busy_workspace)
        assert again.db is kept and kept_taken() == 1
        statuses = again.db.execute("SELECT count(*) FROM statuses").fetchone()[0]
        again.close()
        _elsewhere(lambda: api.mark(busy_workspace, "endorse_rap", "bracketed", actor="chair"))
        fresh = Store.open(busy_workspace)
        assert fresh.db is not kept and kept_taken() == 1
        assert fresh.db.execute("SELECT count(*) FROM statuses").fetchone()[0] == statuses + 1
        fresh.close()
    assert not wal.exists() and not shm.exists()
    check_record(busy_workspace)


def test_a_commit_is_in_the_database_file_when_another_connection_stays_open(busy_workspace: Path,
                                                                           tmp_path: Path) -> None:
    """A writer closing while a spare keeps the record open is not SQLite's last connection, which would copy the
    write-ahead log into the database file; it copies its commits itself (a passive checkpoint), so that the
    database file alone (a copy taken without its -wal) holds everything the head file names."""
    from drafting import app as api
    from drafting.negotiation.store import keeping_open

    before = counts(busy_workspace)["statuses"]
    with keeping_open():
        Store.open(busy_workspace).close()  # kept open: the writer below is not the last connection
        _elsewhere(lambda: api.mark(busy_workspace, "endorse_rap", "bracketed", actor="chair"))
        copy = tmp_path / "copy"
        copy.mkdir()
        for name in (DB_NAME, chain.HEAD_NAME):
            shutil.copyfile(busy_workspace / name, copy / name)
        assert counts(copy)["statuses"] == before + 1
        check_record(copy)


def test_a_connection_kept_open_is_checked_again_only_when_someone_committed(busy_workspace: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """An opening that takes up a connection kept open starts its check from what that connection's last store
    verified: with no commit by anyone since (SQLite's data_version) there is nothing to walk, and the chain is
    not read again; a row inserted outside drafting meanwhile (by another connection, leaving the database file
    as it was) is found and refused."""
    from drafting.negotiation.store import keeping, keeping_open
    from tests.negotiation.test_chain_incremental import rewrite

    walks: list[object] = []
    real = chain.verify_chain

    def walking(*args: Any, **kwargs: Any) -> Any:
        walks.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(chain, "verify_chain", walking)
    with keeping(chain.KeptChecks()), keeping_open():
        Store.open(busy_workspace).close()  # the full check, first
        assert len(walks) == 1
        for _ in range(2):
            Store.open(busy_workspace).close()
        assert len(walks) == 1
        assert rewrite(busy_workspace / DB_NAME, (
            "INSERT INTO statuses(revision, paragraph, status, at, actor) VALUES (0, 'endorse_rap', 'agreed', "
            "'2012-11-30T10:00:00+00:00', 'someone')", ()))
        with pytest.raises(DraftingInputError, match="not recorded by any event"):
            Store.open(busy_workspace)
        assert len(walks) == 2


def test_a_record_written_behind_sqlites_back_is_opened_afresh_and_a_full_check_never_reads_a_kept_one(
        busy_workspace: Path) -> None:
    """A raw edit of the write-ahead log (frames a checkpoint has not copied yet) changes no byte of the
    database file: the connection kept open, whose cache holds the frames as they were, is not taken up again
    (the log is part of what a kept connection is stamped with), and a full check (`full_check`, `log --verify`)
    never takes one up: it reads the files afresh and finds the edit."""
    from drafting import app as api
    from drafting.negotiation.store import keeping_open, kept_taken

    wal = busy_workspace / (DB_NAME + "-wal")
    holder = sqlite3.connect(busy_workspace / DB_NAME, isolation_level=None)
    with keeping(chain.KeptChecks()), keeping_open():
        Store.open(busy_workspace).close()  # kept
        holder.execute("BEGIN")
        holder.execute("SELECT count(*) FROM events").fetchone()  # a reader holding back the writer's checkpoint
        _elsewhere(lambda: api.mark(busy_workspace, "endorse_rap", "bracketed", actor="Zebediah"))
        holder.execute("ROLLBACK")
        Store.open(busy_workspace).close()  # a fresh connection (the log was written), kept in its turn
        assert kept_taken() == 0
        with Store.open(busy_workspace) as store:
            assert kept_taken() == 1 and "Zebediah" in store.db.execute(
                "SELECT actor FROM statuses ORDER BY rowid DESC LIMIT 1").fetchone()
        data = wal.read_bytes()
        assert data.count(b"Zebediah") >= 1
        wal.write_bytes(data.replace(b"Zebediah", b"Zebedee!"))  # same length: the database file untouched
        with pytest.raises(DraftingInputError, match="tampered"):
            Store.open(busy_workspace, full_check=True)
        assert kept_taken() == 1
        again = Store.open(busy_workspace, check=False)
        assert kept_taken() == 1 and any("altered" in problem for problem in again.verify())
        again.close()
    holder.close()


def test_closing_a_store_twice_is_harmless(busy_workspace: Path) -> None:
    """Within `keeping_open` a store's second close neither closes the connection it left kept open nor ends the
    snapshot of the store that took it up since."""
    from drafting.negotiation.store import keeping_open

    with keeping_open():
        first = Store.open(busy_workspace)
        first.close()
        second = Store.open(busy_workspace)
        assert second.db is first.db and second.db.in_transaction  # reading the snapshot its check verified
        first.close()
        assert second.db.in_transaction
        third = Store.open(busy_workspace)
        assert third.db is not second.db
        second.close()
        second.close()
        third.close()
        with Store.open(busy_workspace) as fourth:
            assert fourth.db.execute("SELECT count(*) FROM events").fetchone()[0] > 0
