"""The hash chain's invariant (issue 12, item 4): any change to any value of any row of the record — an event, a
revision, a decision, a status, a translation, a stored file — made with the triggers dropped and put back, is
found by `Store.verify`; and a record written only through the store always verifies."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from drafting.negotiation.store import DB_NAME, Store


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small record written through the store: two revisions, decisions, statuses, a translation, events."""
    directory = tmp_path_factory.mktemp("record") / "ws"
    store = Store.create(directory)
    with store.transaction():
        store.add_revision(0, "c0", '{"doc": 0}', b"docx zero", "clerk")
        store.add_translation(0, "ru", '{"doc": "ru"}', [], "clerk")
        store.add_event("clerk", "revision-issued", "original", {"revision": 0})
    for i in range(3):
        with store.transaction():
            store.add_decision(0, f"A{i}", "accept" if i % 2 else "reject", f"note {i}", "chair")
            store.add_event("chair", "decision", f"A{i}", {"decision": i})
        with store.transaction():
            store.add_status(0, f"p{i}", "agreed", "chair")
            store.add_status(0, f"q{i}", "pending", "chair")
            store.add_event("chair", "status", f"p{i}", {"n": i})
    with store.transaction():
        store.add_revision(1, "c1", '{"doc": 1}', b"docx one", "clerk")
        store.add_event("clerk", "revision-issued", "Rev.1", {"revision": 1})
    assert store.verify() == []
    store.close()
    return directory


def _rows(path: Path) -> list[tuple[str, int, list[str]]]:
    """(table, rowid — or, for the files, their index in key order —, columns) of every row of the record."""
    with closing(sqlite3.connect(path)) as db:
        out = []
        for table in ("events", "revisions", "decisions", "statuses", "translations", "blobs"):
            columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
            if table == "blobs":  # WITHOUT ROWID: addressed by position in key order
                keys = list(range(db.execute("SELECT count(*) FROM blobs").fetchone()[0]))
            else:
                keys = [rowid for (rowid,) in db.execute(f"SELECT rowid FROM {table}")]
            out += [(table, key, columns) for key in keys]
        return out


def _tamper(path: Path, table: str, rowid: int, column: str) -> bool:
    """Change one value (triggers dropped, then put back); False when the change would be no change."""
    with closing(sqlite3.connect(path)) as db:
        triggers = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
        if table == "blobs":
            key, value = db.execute(f"SELECT sha256, {column} FROM blobs ORDER BY sha256 LIMIT 1 OFFSET ?",
                                    (rowid,)).fetchone()
            where, args = "sha256 = ?", (key,)
        else:
            (value,) = db.execute(f"SELECT {column} FROM {table} WHERE rowid = ?", (rowid,)).fetchone()
            where, args = "rowid = ?", (rowid,)
        if isinstance(value, int):
            new: object = value + 1
        elif isinstance(value, bytes):
            new = value + b"!"
        elif value is None:
            new = "forged"
        else:
            new = str(value) + "!"
        for name, _ in triggers:
            db.execute(f"DROP TRIGGER {name}")
        try:
            db.execute(f"UPDATE {table} SET {column} = ? WHERE {where}", (new, *args))
        except sqlite3.IntegrityError:
            return False  # e.g. a key moved onto another row's
        for _, sql in triggers:
            db.execute(sql)
        db.commit()
    return True


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_single_change_is_found(record: Path, tmp_path_factory: pytest.TempPathFactory,
                                   data: st.DataObject) -> None:
    copy = Path(shutil.copytree(record, tmp_path_factory.mktemp("copy") / "ws"))
    table, rowid, columns = data.draw(st.sampled_from(_rows(copy / DB_NAME)))
    column = data.draw(st.sampled_from(columns))
    assume(_tamper(copy / DB_NAME, table, rowid, column))
    with Store.open(copy, check=False) as store:
        assert store.verify(), (table, rowid, column)


def test_the_untouched_record_verifies_and_opens(record: Path) -> None:
    with Store.open(record) as store:
        assert store.verify() == []
        assert store.head().seq == 8
