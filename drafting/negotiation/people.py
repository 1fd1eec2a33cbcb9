"""The people of a negotiation: accounts, invitations, sessions, failed logins, uploads awaiting confirmation.

Kept apart from the record (`people.sqlite` beside `negotiation.sqlite`) because passwords change and sessions
end, while the record is append-only: this file is mutable state, the record is evidence. Nothing secret is
stored in the clear: invitation and session tokens are kept as SHA-256 digests, passwords as the argon2id
hashes the application layer makes. Every action a person takes on the negotiation is still an event in the
record, with the person and delegation as actor.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from drafting.errors import DraftingInputError

DB_NAME = "people.sqlite"
ROLES = ("clerk", "chair", "member", "observer")
BUSY_TIMEOUT_MS = 30_000
_READY: set[str] = set()

_SCHEMA = (
    f"""CREATE TABLE IF NOT EXISTS people (
        id INTEGER PRIMARY KEY,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        delegation TEXT,
        code TEXT,
        role TEXT NOT NULL CHECK (role IN ({", ".join(repr(r) for r in ROLES)})),
        password TEXT,
        created_at TEXT NOT NULL,
        invited_by TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS invitations (
        token TEXT PRIMARY KEY,
        person INTEGER NOT NULL REFERENCES people(id),
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT)""",
    """CREATE TABLE IF NOT EXISTS sessions (
        token TEXT PRIMARY KEY,
        person INTEGER NOT NULL REFERENCES people(id),
        csrf TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        ended_at TEXT)""",
    """CREATE TABLE IF NOT EXISTS failures (
        key TEXT NOT NULL,
        at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS failures_key ON failures (key, at)",
    """CREATE TABLE IF NOT EXISTS uploads (
        token TEXT PRIMARY KEY,
        person INTEGER NOT NULL REFERENCES people(id),
        delegation TEXT NOT NULL,
        filename TEXT NOT NULL,
        data BLOB NOT NULL,
        created_at TEXT NOT NULL,
        used_at TEXT)""",
)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def stamp(moment: dt.datetime) -> str:
    """A UTC time as stored: ISO 8601 to the microsecond (sorts as text)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def digest(token: str) -> str:
    """How a token is stored: a stolen copy of this file gives no session and no invitation."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    email: str
    delegation: str | None
    code: str | None
    role: str
    has_password: bool

    @property
    def actor(self) -> str:
        """The actor the record names for this person's actions: `email (delegation)`, or `email (role)`."""
        return f"{self.email} ({self.delegation or self.role})"


@dataclass(frozen=True, slots=True)
class Upload:
    token: str
    person: int
    delegation: str
    filename: str
    data: bytes
    created_at: str
    used: bool


class People:
    """An open `people.sqlite`. Short transactions; safe to open once per request."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection

    @classmethod
    def open(cls, directory: Path) -> People:
        path = directory / DB_NAME
        try:
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                         check_same_thread=False)
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA foreign_keys = ON")
            if str(path) not in _READY:  # once per file and process: a portal opens it on every request
                connection.execute("PRAGMA journal_mode = WAL")
                for statement in _SCHEMA:
                    connection.execute(statement)
                _READY.add(str(path))
        except sqlite3.Error as exc:
            raise DraftingInputError(f"cannot open the accounts file: {exc}", source=str(path)) from exc
        return cls(connection)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> People:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- people --

    _PERSON = "SELECT id, email, delegation, code, role, password IS NOT NULL FROM people"

    @staticmethod
    def _person(row: tuple[int, str, str | None, str | None, str, int]) -> Person:
        return Person(row[0], row[1], row[2], row[3], row[4], bool(row[5]))

    def person(self, person_id: int) -> Person | None:
        row = self.db.execute(f"{self._PERSON} WHERE id = ?", (person_id,)).fetchone()
        return self._person(row) if row else None

    def by_email(self, email: str) -> Person | None:
        row = self.db.execute(f"{self._PERSON} WHERE email = ?", (email,)).fetchone()
        return self._person(row) if row else None

    def everyone(self) -> list[Person]:
        return [self._person(r) for r in self.db.execute(f"{self._PERSON} ORDER BY id")]

    def password_hash(self, person_id: int) -> str | None:
        row = self.db.execute("SELECT password FROM people WHERE id = ?", (person_id,)).fetchone()
        return row[0] if row else None

    def add_person(self, email: str, delegation: str | None, code: str | None, role: str, invited_by: str) -> int:
        cursor = self.db.execute(
            "INSERT INTO people (email, delegation, code, role, created_at, invited_by) VALUES (?, ?, ?, ?, ?, ?)",
            (email, delegation, code, role, stamp(now()), invited_by))
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def set_password(self, person_id: int, password_hash: str) -> None:
        self.db.execute("UPDATE people SET password = ? WHERE id = ?", (password_hash, person_id))

    # -- invitations --

    def add_invitation(self, token: str, person_id: int, expires: dt.datetime) -> None:
        self.db.execute("INSERT INTO invitations (token, person, created_at, expires_at) VALUES (?, ?, ?, ?)",
                        (digest(token), person_id, stamp(now()), stamp(expires)))

    def invitation(self, token: str) -> int | None:
        """The person an unused, unexpired invitation is for."""
        row = self.db.execute("SELECT person FROM invitations WHERE token = ? AND used_at IS NULL AND expires_at > ?",
                              (digest(token), stamp(now()))).fetchone()
        return int(row[0]) if row else None

    def use_invitation(self, token: str) -> None:
        self.db.execute("UPDATE invitations SET used_at = ? WHERE token = ?", (stamp(now()), digest(token)))

    # -- sessions --

    def add_session(self, token: str, person_id: int, csrf: str, expires: dt.datetime) -> None:
        self.db.execute("INSERT INTO sessions (token, person, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                        (digest(token), person_id, csrf, stamp(now()), stamp(expires)))

    def session(self, token: str) -> tuple[int, str] | None:
        """(person, csrf token) of a live session."""
        row = self.db.execute("SELECT person, csrf FROM sessions WHERE token = ? AND ended_at IS NULL "
                              "AND expires_at > ?", (digest(token), stamp(now()))).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def end_session(self, token: str) -> None:
        self.db.execute("UPDATE sessions SET ended_at = ? WHERE token = ?", (stamp(now()), digest(token)))

    def end_sessions_of(self, person_id: int) -> None:
        self.db.execute("UPDATE sessions SET ended_at = ? WHERE person = ? AND ended_at IS NULL",
                        (stamp(now()), person_id))

    # -- failed logins --

    def add_failure(self, key: str) -> None:
        self.db.execute("INSERT INTO failures (key, at) VALUES (?, ?)", (key, stamp(now())))

    def failures_since(self, key: str, since: dt.datetime) -> tuple[int, str | None]:
        """How many failures `key` had since `since`, and the latest one's time."""
        row = self.db.execute("SELECT count(*), max(at) FROM failures WHERE key = ? AND at > ?",
                              (key, stamp(since))).fetchone()
        return int(row[0]), row[1]

    def clear_failures(self, key: str) -> None:
        self.db.execute("DELETE FROM failures WHERE key = ?", (key,))

    # -- uploads awaiting confirmation --

    def add_upload(self, token: str, person_id: int, delegation: str, filename: str, data: bytes) -> None:
        self.db.execute("INSERT INTO uploads (token, person, delegation, filename, data, created_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)", (digest(token), person_id, delegation, filename, data,
                                                     stamp(now())))

    def upload(self, token: str) -> Upload | None:
        row = self.db.execute("SELECT person, delegation, filename, data, created_at, used_at FROM uploads "
                              "WHERE token = ?", (digest(token),)).fetchone()
        if row is None:
            return None
        return Upload(token, int(row[0]), row[1], row[2], bytes(row[3]), row[4], row[5] is not None)

    def use_upload(self, token: str) -> None:
        self.db.execute("UPDATE uploads SET used_at = ? WHERE token = ?", (stamp(now()), digest(token)))

    def forget_uploads_before(self, moment: dt.datetime) -> None:
        """Drop unconfirmed uploads older than `moment` (what was submitted is in the record)."""
        self.db.execute("DELETE FROM uploads WHERE created_at < ?", (stamp(moment),))


__all__ = ["DB_NAME", "ROLES", "People", "Person", "Upload", "digest"]
