"""The incremental check (issue 16, item 6): a process that keeps what it verified of the record (the portal)
checks, at each opening, only the events and rows appended since, and the whole record on a schedule.

Its promises, each tested here: on an untouched record it finds what the full check finds and reaches the same
state; a change to anything appended since the state kept is found by it; a change to what was verified before
is found by the next full check (and the cheap checks find deletions, insertions and the last verified event
rewritten at once); a write never seals rows it did not check. The commands that vouch for a text keep the
full check whatever was kept.

Tampering is done as a careful attacker would: the triggers dropped, the rows changed, the triggers put back
with their exact SQL, and the schema cookie set back to what it was (dropping a trigger changes it, and a
changed cookie alone makes the next kept check a full one), so only the chain can tell.
"""

from __future__ import annotations

import json
import math
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from drafting import app as api
from drafting.errors import DraftingRecordError
from drafting.negotiation import chain
from drafting.negotiation.chain import KeptCheck, Verified
from drafting.negotiation.store import CHAINED, DB_NAME, Store, keeping
from tests.conftest import examples
from tests.negotiation import RAP, SEAT, Base, edit_md, new_workspace

ACTIONS = ("decision", "status", "translation", "revision", "submission", "support", "nothing")
COMMITS = st.lists(st.lists(st.sampled_from(ACTIONS), max_size=3), min_size=2, max_size=8)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Record:
    """A record written through the store, one transaction and one event per commit, as drafting writes."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.n = 0
        self.revisions = 1
        with Store.create(directory) as store, store.transaction():
            store.add_revision(0, "c0", '{"doc": 0}', b"docx zero", "clerk")
            store.add_event("clerk", "revision-issued", "original", {"revision": 0})

    def commit(self, store: Store, actions: list[str]) -> None:
        with store.transaction():
            for action in actions:
                self.n += 1
                n = self.n
                if action == "decision":
                    store.add_decision(0, f"A{n}", "accept" if n % 2 else "reject", f"note {n}", "chair")
                elif action == "status":
                    store.add_status(0, f"p{n}", "agreed", "chair")
                elif action == "translation":
                    store.add_translation(0, "ru", json.dumps({"doc": n}), [f"p{n}"], "clerk")
                elif action == "revision":
                    store.add_revision(self.revisions, f"c{n}", json.dumps({"doc": n}), f"docx {n}".encode(), "clerk")
                    self.revisions += 1
                elif action == "submission":
                    delegation = store.delegation_id(f"Delegation {n % 3}", None)
                    sha = store.put_blob(f"return {n}".encode())
                    sid = store.add_submission(revision=0, delegation=delegation, sha=sha, filename=f"r{n}.md",
                                               fmt="md", matched_by="identity", similarity=1.0, actor="clerk")
                    store.add_amendment(sid, 0, delegation, f"X{n}", "p1", json.dumps({"n": n}))
                    store.add_comment(sid, 0, json.dumps({"comment": n}))
                elif action == "support":
                    store.add_support(0, f"A{n}", "Kazakhstan", "clerk")
            store.add_event("clerk", "test", f"commit {self.n}", {"actions": actions})

    def commits(self, many: list[list[str]]) -> None:
        with Store.open(self.directory) as store:
            for actions in many:
                self.commit(store, actions)


@contextmanager
def scratch() -> Iterator[Path]:
    """A directory per hypothesis example (pytest's tmp_path is one per test)."""
    with tempfile.TemporaryDirectory(prefix="drafting-chain-") as tmp:
        yield Path(tmp) / "ws"


@contextmanager
def verified_first_part(commits: list[list[str]], data: st.DataObject, **check: object
                        ) -> Iterator[tuple[Path, Record, KeptCheck, int]]:
    """A scratch record holding the first commits (how many is drawn), checked once by a `KeptCheck` made with
    `check`: (directory, record, check, how many)."""
    split = data.draw(st.integers(1, len(commits) - 1), label="commits verified before")
    with scratch() as directory:
        record = Record(directory)
        record.commits(commits[:split])
        kept = KeptCheck(directory, **check)  # type: ignore[arg-type]
        open_kept(kept)
        yield directory, record, kept, split


def full_state(directory: Path) -> tuple[list[str], Verified]:
    with closing(sqlite3.connect(directory / DB_NAME)) as db:
        return chain.verify_chain(db, CHAINED, chain.read_head(directory), True)


def since_state(directory: Path, since: Verified) -> tuple[list[str], Verified]:
    with closing(sqlite3.connect(directory / DB_NAME)) as db:
        return chain.verify_chain(db, CHAINED, chain.read_head(directory), True, since=since)


def open_kept(kept: KeptCheck, *, full_check: bool = False) -> None:
    """Open the record as the portal does (within `keeping`), and close it."""
    with keeping(kept):
        Store.open(kept.directory, full_check=full_check).close()


# -- the rows of the record, and a careful attacker's change to one of them ------------------------------------


def rows(path: Path, state: Verified, *, appended: bool) -> list[tuple[str, object, list[str]]]:
    """(table, key, columns) of every row `state` vouches for (`appended` false) or of every row after it: a
    row id, or for the files their SHA-256, those named by the submissions and revisions on that side."""
    out: list[tuple[str, object, list[str]]] = []
    with closing(sqlite3.connect(path)) as db:
        def columns(table: str) -> list[str]:
            return [row[1] for row in db.execute(f"PRAGMA table_info({table})")]

        side = ">" if appended else "<="
        for table in CHAINED:
            mark = state.marks.get(table)
            if mark is None:
                keys = [r for (r,) in db.execute(f"SELECT rowid FROM {table}")] if appended else []
            else:
                keys = [r for (r,) in db.execute(f"SELECT rowid FROM {table} WHERE rowid {side} ?", (mark,))]
            out += [(table, key, columns(table)) for key in keys]
        out += [("events", seq, columns("events")) for (seq,) in db.execute(
            f"SELECT seq FROM events WHERE seq {side} ?", (state.head.seq,))]
        named = {sha for (sha,) in db.execute(
            f"SELECT sha256 FROM submissions WHERE id {side} ? UNION SELECT docx_sha256 FROM revisions "
            f"WHERE number {side} ?", (state.marks.get("submissions") or 0, state.marks.get("revisions") or 0))}
        out += [("blobs", sha, columns("blobs")) for sha in sorted(named)]
    return out


def rewrite(path: Path, *statements: tuple[str, tuple[object, ...]]) -> bool:
    """Run `statements` with the triggers dropped, then put back the triggers and the schema cookie as they
    were; False when SQLite refuses the change (a key moved onto another row's)."""
    with closing(sqlite3.connect(path)) as db:
        cookie = db.execute("PRAGMA schema_version").fetchone()[0]
        triggers = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
        for name, _ in triggers:
            db.execute(f"DROP TRIGGER {name}")
        try:
            for sql, args in statements:
                db.execute(sql, args)
        except sqlite3.IntegrityError:
            db.rollback()
            return False
        for _, sql in triggers:
            db.execute(sql)
        db.commit()
        db.execute(f"PRAGMA schema_version = {cookie}")
        db.commit()
    return True


def change(path: Path, table: str, key: object, column: str) -> bool:
    """One value of one row changed in place; False when the change would be no change or is refused."""
    where = "sha256 = ?" if table == "blobs" else "rowid = ?"
    with closing(sqlite3.connect(path)) as db:
        (value,) = db.execute(f"SELECT {column} FROM {table} WHERE {where}", (key,)).fetchone()
    if isinstance(value, int):
        new: object = value + 1
    elif isinstance(value, bytes):
        new = value + b"!"
    elif isinstance(value, float):
        new = value / 2
    elif value is None:
        new = "forged"
    else:
        new = str(value) + "!"
    return rewrite(path, (f"UPDATE {table} SET {column} = ? WHERE {where}", (new, key)))


# -- the properties ---------------------------------------------------------------------------------------------


@settings(max_examples=examples(120), deadline=None)
@given(commits=COMMITS, data=st.data())
def test_an_incremental_check_equals_the_full_check_on_an_untouched_record(commits: list[list[str]],
                                                                         data: st.DataObject) -> None:
    with verified_first_part(commits, data, full_every=math.inf) as (directory, record, kept, split):
        problems, first = full_state(directory)
        assert problems == [] and kept.verified == first
        states = [first]
        for actions in commits[split:]:
            record.commits([actions])
            open_kept(kept)  # the portal's opening: incremental, from the state it kept
            problems, whole = full_state(directory)
            assert problems == []
            assert kept.verified == whole
            for earlier in states:  # from any state verified before, the same problems and the same state
                assert since_state(directory, earlier) == ([], whole)
            states.append(whole)
        assert kept.checks == {"full": 1, "since": len(commits) - split}


@settings(max_examples=examples(160), deadline=None)
@given(commits=COMMITS, data=st.data())
def test_a_change_to_an_appended_row_is_found_by_the_incremental_check(commits: list[list[str]],
                                                                       data: st.DataObject) -> None:
    with verified_first_part(commits, data, full_every=math.inf) as (directory, record, kept, split):
        state = kept.verified
        assert state is not None
        record.commits(commits[split:])
        table, key, columns = data.draw(st.sampled_from(rows(directory / DB_NAME, state, appended=True)))
        column = data.draw(st.sampled_from(columns))
        assume(change(directory / DB_NAME, table, key, column))
        with pytest.raises(DraftingRecordError, match="tampered with"):
            open_kept(kept)
        assert kept.checks == {"full": 1, "since": 1}  # found by the incremental check, not a full one
        assert kept.verified == state  # and nothing kept from it: the next opening finds it again
        with pytest.raises(DraftingRecordError, match="tampered with"):
            open_kept(kept)


@settings(max_examples=examples(160), deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(commits=COMMITS, data=st.data())
def test_a_change_to_what_was_verified_before_is_found_by_the_next_full_check(commits: list[list[str]],
                                                                              data: st.DataObject) -> None:
    clock = Clock()
    with verified_first_part(commits, data, full_every=60, clock=clock) as (directory, record, kept, split):
        state = kept.verified
        assert state is not None
        table, key, columns = data.draw(st.sampled_from(rows(directory / DB_NAME, state, appended=False)))
        column = data.draw(st.sampled_from(columns))
        assume(change(directory / DB_NAME, table, key, column))
        # The portal goes on meanwhile: its openings and writes check what is appended (a deletion, an
        # insertion or the last verified event rewritten is found at once, a value changed in place is not).
        try:
            with keeping(kept), Store.open(directory) as store:
                for actions in commits[split:]:
                    record.commit(store, actions)
        except DraftingRecordError:
            pass
        clock.now += 60  # the full check is due
        full_checks = kept.checks["full"]
        with pytest.raises(DraftingRecordError, match="tampered with"):
            open_kept(kept)
        assert kept.checks["full"] == full_checks + 1
        # Nothing written on top laundered it: the CLI's check and `log --verify` find it too.
        with pytest.raises(DraftingRecordError, match="tampered with"):
            Store.open(directory)
        with Store.open(directory, check=False) as store:
            assert store.verify()


# -- what the incremental check sees, and what it leaves to the full one ---------------------------------------


@pytest.fixture
def record(tmp_path: Path) -> Record:
    made = Record(tmp_path / "ws")
    made.commits([["decision", "status"], ["submission"], ["decision"], ["translation", "support"]])
    return made


def test_a_value_changed_in_place_among_the_verified_rows_waits_for_the_full_check(record: Record) -> None:
    """The incremental check's blind spot, as docs/portal.md states it, and how long it lasts."""
    clock = Clock()
    kept = KeptCheck(record.directory, full_every=60, clock=clock)
    open_kept(kept)
    assert rewrite(record.directory / DB_NAME, ("UPDATE decisions SET decision = 'accept', note = 'agreed' "
                                                "WHERE decision = 'reject'", ()))
    open_kept(kept)  # not seen by the incremental check ...
    with Store.open(record.directory, check=False) as store:  # ... but by `log --verify` at once
        assert any("the decision row(s) it recorded were altered" in p for p in store.verify())
    clock.now += 59
    open_kept(kept)
    clock.now += 1
    with pytest.raises(DraftingRecordError, match=r"decision row\(s\) it recorded were altered"):
        open_kept(kept)  # ... and by the kept check's full one when it is due
    with pytest.raises(DraftingRecordError, match="altered"):
        open_kept(kept)  # a failed full check stays due: every opening checks in full until it passes
    assert kept.checks == {"full": 3, "since": 2}


@pytest.mark.parametrize(("statement", "found"), [
    ("DELETE FROM statuses", r"1 status row\(s\) sealed by event \d+ or before were deleted"),
    ("DELETE FROM events WHERE seq = 2", r"1 event\(s\) up to event \d+ were deleted"),
    ("UPDATE events SET detail = '{}' WHERE seq = (SELECT max(seq) FROM events)",
     r"event \d+, the last one verified before, was altered or removed"),
])
def test_rows_deleted_and_the_last_verified_event_rewritten_are_found_at_once(record: Record, statement: str,
                                                                             found: str) -> None:
    kept = KeptCheck(record.directory, full_every=math.inf)
    open_kept(kept)
    assert rewrite(record.directory / DB_NAME, (statement, ()))
    with pytest.raises(DraftingRecordError, match=found):
        open_kept(kept)
    assert kept.checks == {"full": 1, "since": 1}


def recompute_chain(directory: Path) -> None:
    """Every event's row digests, link and hash computed again from the rows as they are, and the head file
    rewritten to match: what an attacker who knows the chain does after changing a row."""
    path = directory / DB_NAME
    with closing(sqlite3.connect(path)) as db:
        events = db.execute("SELECT seq, at, actor, kind, subject, detail, rows FROM events ORDER BY seq").fetchall()
        prev, last = chain.GENESIS, 0
        marks: dict[str, int | None] = {}
        updates: list[tuple[str, tuple[object, ...]]] = []
        for seq, at, actor, kind, subject, detail, rows_text in events:
            sealed = json.loads(rows_text)
            for table, upto in sealed["marks"].items():
                if table in sealed["digests"]:
                    sealed["digests"][table] = list(chain.rows_digest(db, table, marks.get(table), upto))
            marks = sealed["marks"]
            text = json.dumps(sealed, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            digest = chain.event_hash(seq, at, actor, kind, subject, detail, text, prev)
            updates.append(("UPDATE events SET rows = ?, prev = ?, hash = ? WHERE seq = ?", (text, prev, digest, seq)))
            prev, last = digest, seq
    assert rewrite(path, *updates)
    (directory / chain.HEAD_NAME).write_bytes(chain.head_bytes(chain.Head(last, prev)))


def test_a_recomputed_chain_passes_a_check_from_nothing_but_not_the_kept_one(record: Record) -> None:
    """The head file alone cannot tell a chain recomputed to the end from the original; what a process
    verified before can: the last event it verified no longer has the hash it had."""
    clock = Clock()
    kept = KeptCheck(record.directory, full_every=60, clock=clock)
    open_kept(kept)
    assert rewrite(record.directory / DB_NAME, ("UPDATE decisions SET note = 'forged'", ()))
    recompute_chain(record.directory)
    Store.open(record.directory).close()  # a check from nothing (the CLI's) cannot tell
    with pytest.raises(DraftingRecordError, match="the last one verified before, was altered"):
        open_kept(kept)  # the incremental check can
    clock.now += 60
    with pytest.raises(DraftingRecordError, match="the last one verified before, was altered"):
        open_kept(kept)  # and so can the kept check's full one
    assert kept.checks == {"full": 2, "since": 1}


def test_a_schema_change_makes_the_next_kept_check_a_full_one(record: Record) -> None:
    """Dropping a trigger to rewrite a row and putting it back changes the schema cookie: an attacker who does
    not set it back gets the full check at the next opening, whatever the schedule."""
    kept = KeptCheck(record.directory, full_every=math.inf)
    open_kept(kept)
    with closing(sqlite3.connect(record.directory / DB_NAME)) as db:
        name, sql = db.execute("SELECT name, sql FROM sqlite_master WHERE name = 'decisions_no_update'").fetchone()
        db.execute(f"DROP TRIGGER {name}")
        db.execute("UPDATE decisions SET note = 'forged'")
        db.execute(sql)
        db.commit()
    with pytest.raises(DraftingRecordError, match=r"decision row\(s\) it recorded were altered"):
        open_kept(kept)
    assert kept.checks == {"full": 2, "since": 0}


def test_a_dropped_trigger_is_found_by_every_check(record: Record) -> None:
    kept = KeptCheck(record.directory, full_every=math.inf)
    open_kept(kept)
    with closing(sqlite3.connect(record.directory / DB_NAME)) as db:
        cookie = db.execute("PRAGMA schema_version").fetchone()[0]
        db.execute("DROP TRIGGER statuses_no_delete")
        db.execute(f"PRAGMA schema_version = {cookie}")  # set back: the cookie alone does not tell
        db.commit()
    with pytest.raises(DraftingRecordError, match="trigger statuses_no_delete is missing"):
        open_kept(kept)
    assert kept.checks == {"full": 1, "since": 1}


def test_rows_inserted_after_the_check_are_refused_at_the_write_not_sealed(record: Record) -> None:
    """An event seals every row added since the event before it: a write checks, holding the write lock,
    what was appended since its store's check, so a row inserted outside drafting in between (the triggers
    allow an INSERT) is refused there instead of being sealed as the writer's own."""
    with Store.open(record.directory) as store:
        with closing(sqlite3.connect(record.directory / DB_NAME)) as db:
            db.execute("INSERT INTO decisions(revision, amendment, decision, note, at, actor) VALUES "
                       "(0, 'A1', 'withdraw', '', '2012-09-07T10:00:00.000000Z', 'chair')")
            db.commit()
        with pytest.raises(DraftingRecordError, match=r"1 decision row\(s\) not recorded by any event"), \
                store.transaction():
            store.add_status(0, "p1", "pending", "chair")
            store.add_event("chair", "status", "p1", {})
    with Store.open(record.directory, check=False) as store:
        assert any("not recorded by any event" in p for p in store.verify())
        assert store.statuses(0) == {"p2": "agreed"}


def test_a_first_write_after_an_untouched_open_skips_nothing_that_changed(record: Record) -> None:
    """A store's first write starts from the snapshot its open-time check verified when no one committed since
    and the head file is the same; a head file rewritten in between (no commit) still makes it check."""
    with Store.open(record.directory) as store:
        record.commit(store, ["status"])  # untouched since the open: recorded
    with Store.open(record.directory) as store:
        (record.directory / chain.HEAD_NAME).write_bytes(chain.head_bytes(chain.Head(999, "0" * 64)))
        with pytest.raises(DraftingRecordError, match="events deleted from the end"), store.transaction():
            store.add_status(0, "p1", "pending", "chair")
            store.add_event("chair", "status", "p1", {})
    assert full_state(record.directory)[0] != []  # the forged head, not sealed over


def test_the_writes_of_other_clerks_are_checked_and_kept(record: Record) -> None:
    """Rows and events appended by another writer between a store's check and its write are checked and
    sealed as they are: the state the write leaves behind equals a full check's."""
    with Store.open(record.directory) as first:
        record.commits([["decision"], ["submission", "revision"]])  # another clerk, another connection
        record.commit(first, ["status"])
    assert full_state(record.directory)[0] == []


def test_the_kept_check_is_only_for_its_own_record(record: Record, tmp_path: Path) -> None:
    other = Path(shutil.copytree(record.directory, tmp_path / "other"))
    kept = KeptCheck(record.directory, full_every=math.inf)
    open_kept(kept)
    assert rewrite(other / DB_NAME, ("UPDATE decisions SET note = 'forged'", ()))
    with keeping(kept), pytest.raises(DraftingRecordError, match="altered"):
        Store.open(other)  # another record opened within the block: the full check, nothing kept
    assert kept.checks == {"full": 1, "since": 0}


# -- the commands that vouch for a text keep the full check ----------------------------------------------------


def test_revise_finalize_and_log_verify_check_in_full_whatever_was_kept(base: Base, tmp_path: Path) -> None:
    ws = new_workspace(tmp_path / "ws", base)
    api.submit(ws, "KAZ", edit_md(base.md, tmp_path / "kaz.md", [(RAP, RAP.replace("draft", "revised 2013"))]),
               actor="clerk")
    api.submit(ws, "TJK", edit_md(base.md, tmp_path / "tjk.md", [(SEAT, SEAT.replace("in Almaty", "in Dushanbe"))]),
               actor="clerk")
    check = api.negotiation.kept_check(ws, full_every=math.inf)
    with api.negotiation.keeping_checked(check):
        api.status_report(ws)
    assert rewrite(ws / DB_NAME, ("UPDATE amendments SET data = replace(data, '2013', '2099')", ()))
    with api.negotiation.keeping_checked(check):
        api.status_report(ws)  # the incremental check's blind spot (docs/portal.md) ...
        with pytest.raises(DraftingRecordError, match=r"amendment row\(s\) it recorded were altered"):
            api.revise(ws, tmp_path / "rev1", ("md",), actor="clerk")  # ... never a revision's
        with pytest.raises(DraftingRecordError, match=r"amendment row\(s\) it recorded were altered"):
            api.finalize(ws, tmp_path / "final", force=True, pdf=False)
        assert any("amendment row(s) it recorded were altered" in p for p in api.verify_record(ws)[0])
    assert not (tmp_path / "rev1").exists() and not (tmp_path / "final").exists()
