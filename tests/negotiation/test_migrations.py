"""Schema migrations: a record made by an earlier drafting opens in this one, and an upgrade takes the same
path a new workspace takes."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from drafting import app
from drafting.errors import DraftingInputError
from drafting.negotiation.migrations import MIGRATIONS, SCHEMA_VERSION, TABLES, pending
from drafting.negotiation.store import APPLICATION_ID, DB_NAME, Store

RECORDS = Path(__file__).resolve().parents[1] / "fixtures" / "records"


def _schema_of(path: Path) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(path)) as db:
        return sorted(db.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"))


def _record_at(version: int, directory: Path) -> Path:
    """A record that stopped at schema `version`, made by running only the migrations up to it."""
    directory.mkdir(parents=True)
    path = directory / DB_NAME
    with closing(sqlite3.connect(path)) as db:
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        for migration in MIGRATIONS:
            if migration.version <= version:
                for statement in migration.sql():
                    db.execute(statement)
        db.execute(f"PRAGMA user_version = {version}")
        db.commit()
    return path


def test_a_record_made_with_schema_2_opens_and_reads_whole(tmp_path: Path) -> None:
    """The record of a real negotiation (four submissions, a decision, a status, Rev.1) written by the
    version that introduced schema 2 opens, is migrated, and reads the same as it did."""
    ws = tmp_path / "ws"
    ws.mkdir()
    shutil.copy(RECORDS / "schema-2.sqlite", ws / DB_NAME)
    report = app.status_report(ws)
    assert report["label"] == "Rev.1"
    assert report["delegations"] == []  # nobody has submitted on Rev.1 yet
    with app.open_workspace(ws) as workspace:
        on_original = workspace.amendments(0, active_only=False)
        assert sorted({a.delegation for a in on_original}) == ["Kazakhstan", "Kyrgyzstan", "Tajikistan",
                                                                "Turkmenistan"]
        assert len(on_original) == 8
        assert list(workspace.decisions(0).values()) == [("accept", "agreed")]
    kinds = [e.kind for e in app.log_events(ws)]
    assert kinds.count("submission") == 4 and kinds.count("decision") == 1 and kinds.count("status") == 1
    assert kinds.count("revision-issued") == 2
    with closing(sqlite3.connect(ws / DB_NAME)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_an_old_record_is_migrated_to_the_same_schema_as_a_new_one(tmp_path: Path) -> None:
    old = _record_at(1, tmp_path / "old")
    Store.open(old.parent).close()
    Store.create(tmp_path / "new").close()
    assert _schema_of(old) == _schema_of(tmp_path / "new" / DB_NAME)
    names = {name for name, _ in _schema_of(old)}
    assert {f"{table}_no_update" for table in TABLES} <= names


def test_migrations_are_numbered_in_order_from_one() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert pending(SCHEMA_VERSION) == []
    assert [m.version for m in pending(1)] == list(range(2, SCHEMA_VERSION + 1))


def test_a_record_from_a_newer_drafting_is_refused(tmp_path: Path) -> None:
    path = _record_at(SCHEMA_VERSION, tmp_path / "ws")
    with closing(sqlite3.connect(path)) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        db.commit()
    with pytest.raises(DraftingInputError, match="newer drafting"):
        Store.open(path.parent)
