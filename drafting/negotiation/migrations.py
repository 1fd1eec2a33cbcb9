"""The record's schema as an ordered list of migrations, keyed by SQLite's `user_version`.

A new workspace runs every migration from the first; an older one runs those above its `user_version`, in
one transaction, when it is opened. So a workspace made by one version of drafting opens in the next, and the
path an upgrade takes is the path every new workspace takes too. Append a migration; never edit one that has
shipped. Every table is append-only: its triggers refuse UPDATE, DELETE and a REPLACE of an existing key.
"""

from __future__ import annotations

from typing import NamedTuple

from drafting.model.vocabulary import Decision, ParagraphStatus, values

KEY_MESSAGE = "the negotiation record is append-only"


def _sql_list(words: tuple[str, ...]) -> str:
    """`'a', 'b'` for a CHECK constraint (the words are module constants, never input)."""
    return ", ".join(f"'{word}'" for word in words)


class Table(NamedTuple):
    """One append-only table: its definition, extra statements (indexes) and every primary or unique key."""

    name: str
    definition: str
    keys: tuple[tuple[str, ...], ...]
    extra: tuple[str, ...] = ()
    ignore_repeats: bool = False  # a repeated key is silently ignored (content-addressed rows), not refused
    options: str = ""


def _statements(table: Table) -> list[str]:
    name = table.name
    out = [f"CREATE TABLE {name}({table.definition}){table.options}", *table.extra]
    action = "IGNORE" if table.ignore_repeats else f"ABORT, '{KEY_MESSAGE}'"
    for key in table.keys:
        # A second insert of an existing key must not replace the row (INSERT OR REPLACE deletes the old row
        # without firing DELETE triggers unless recursive_triggers is on, which a foreign client may not set).
        match = " AND ".join(f"{column} = NEW.{column}" for column in key)
        out.append(f"CREATE TRIGGER {name}_no_replace_{'_'.join(key)} BEFORE INSERT ON {name} "
                   f"WHEN EXISTS (SELECT 1 FROM {name} WHERE {match}) BEGIN SELECT RAISE({action}); END")
    for verb in ("UPDATE", "DELETE"):
        out.append(f"CREATE TRIGGER {name}_no_{verb.lower()} BEFORE {verb} ON {name} "
                   f"BEGIN SELECT RAISE(ABORT, '{KEY_MESSAGE}'); END")
    return out


class Migration(NamedTuple):
    """Schema version `version`: what it adds, as tables and further statements."""

    version: int
    summary: str
    tables: tuple[Table, ...]
    statements: tuple[str, ...] = ()

    def sql(self) -> list[str]:
        return [statement for table in self.tables for statement in _statements(table)] + list(self.statements)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "the record: files, revisions, delegations, submissions, amendments, decisions, statuses, events", (
        Table("blobs", "sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, data BLOB NOT NULL",
              (("sha256",),), ignore_repeats=True, options=" WITHOUT ROWID"),
        Table("revisions", "number INTEGER PRIMARY KEY, content_hash TEXT NOT NULL, document TEXT NOT NULL, "
              "docx_sha256 TEXT NOT NULL REFERENCES blobs(sha256), created_at TEXT NOT NULL, actor TEXT NOT NULL",
              (("number",),)),
        Table("delegations", "id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, code TEXT", (("id",), ("name",))),
        Table("submissions", "id INTEGER PRIMARY KEY, revision INTEGER NOT NULL REFERENCES revisions(number), "
              "delegation INTEGER NOT NULL REFERENCES delegations(id), sha256 TEXT NOT NULL REFERENCES blobs(sha256), "
              "filename TEXT NOT NULL, format TEXT NOT NULL, matched_by TEXT NOT NULL, similarity REAL, "
              "received_at TEXT NOT NULL, actor TEXT NOT NULL, UNIQUE(revision, delegation, sha256)",
              (("id",), ("revision", "delegation", "sha256"))),
        Table("amendments", "submission INTEGER NOT NULL REFERENCES submissions(id), id TEXT NOT NULL, "
              "revision INTEGER NOT NULL, delegation INTEGER NOT NULL REFERENCES delegations(id), paragraph TEXT, "
              "data TEXT NOT NULL, PRIMARY KEY(submission, id)",
              (("submission", "id"),), ("CREATE INDEX amendments_by_revision ON amendments(revision, id)",),
              ignore_repeats=True),
        Table("decisions", "seq INTEGER PRIMARY KEY AUTOINCREMENT, revision INTEGER NOT NULL, amendment TEXT NOT NULL, "
              f"decision TEXT NOT NULL CHECK (decision IN ({_sql_list(values(Decision))})), note TEXT NOT NULL, "
              "at TEXT NOT NULL, actor TEXT NOT NULL", (("seq",),)),
        Table("statuses", "seq INTEGER PRIMARY KEY AUTOINCREMENT, revision INTEGER NOT NULL, paragraph TEXT NOT NULL, "
              f"status TEXT NOT NULL CHECK (status IN ({_sql_list(values(ParagraphStatus))})), "
              "at TEXT NOT NULL, actor TEXT NOT NULL", (("seq",),)),
        Table("events", "seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, "
              "kind TEXT NOT NULL, subject TEXT NOT NULL, detail TEXT NOT NULL", (("seq",),)),
    )),
    Migration(2, "language versions", (
        Table("translations", "seq INTEGER PRIMARY KEY AUTOINCREMENT, revision INTEGER NOT NULL, "
              "language TEXT NOT NULL, document TEXT NOT NULL, pending TEXT NOT NULL, at TEXT NOT NULL, "
              "actor TEXT NOT NULL", (("seq",),)),
    )),
    Migration(3, "a hash chain over the events and the rows they record (see chain.py)", (), (
        "ALTER TABLE events ADD COLUMN rows TEXT",
        "ALTER TABLE events ADD COLUMN prev TEXT",
        "ALTER TABLE events ADD COLUMN hash TEXT",
        "CREATE TRIGGER events_chained BEFORE INSERT ON events WHEN (NEW.hash IS NULL OR NEW.prev IS NULL "
        "OR NEW.rows IS NULL) AND NOT EXISTS (SELECT 1 FROM events WHERE seq = NEW.seq) "
        "BEGIN SELECT RAISE(ABORT, 'every event of the record is chained'); END",
    )),
    Migration(4, "the room: bracketed alternatives carried into a revision, the chair's proposals, supporters, "
              "silence procedures and their breaks, delegations' comments", (
        Table("carried", "seq INTEGER PRIMARY KEY AUTOINCREMENT, revision INTEGER NOT NULL REFERENCES "
              "revisions(number), amendment TEXT NOT NULL, data TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL",
              (("seq",),), ("CREATE INDEX carried_by_revision ON carried(revision)",)),
        Table("proposals", "seq INTEGER PRIMARY KEY AUTOINCREMENT, revision INTEGER NOT NULL REFERENCES "
              "revisions(number), amendment TEXT NOT NULL UNIQUE, data TEXT NOT NULL, at TEXT NOT NULL, "
              "actor TEXT NOT NULL", (("seq",), ("amendment",))),
        Table("supports", "seq INTEGER PRIMARY KEY AUTOINCREMENT, revision INTEGER NOT NULL, amendment TEXT NOT NULL, "
              "delegation TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL", (("seq",),)),
        Table("silences", "seq INTEGER PRIMARY KEY AUTOINCREMENT, revision INTEGER NOT NULL REFERENCES "
              "revisions(number), until TEXT NOT NULL, paragraphs TEXT NOT NULL, at TEXT NOT NULL, "
              "actor TEXT NOT NULL", (("seq",),)),
        Table("silence_breaks", "seq INTEGER PRIMARY KEY AUTOINCREMENT, silence INTEGER NOT NULL REFERENCES "
              "silences(seq), delegation TEXT NOT NULL, paragraph TEXT NOT NULL, note TEXT NOT NULL, "
              "at TEXT NOT NULL, actor TEXT NOT NULL", (("seq",),)),
        Table("comments", "seq INTEGER PRIMARY KEY AUTOINCREMENT, submission INTEGER NOT NULL REFERENCES "
              "submissions(id), revision INTEGER NOT NULL, data TEXT NOT NULL", (("seq",),),
              ("CREATE INDEX comments_by_revision ON comments(revision)",)),
    )),
)

SCHEMA_VERSION = MIGRATIONS[-1].version
TABLES: tuple[str, ...] = tuple(table.name for migration in MIGRATIONS for table in migration.tables)


def triggers() -> dict[str, str]:
    """Every trigger the schema defines, by name, with its SQL as SQLite stores it (to check them on open)."""
    out = {}
    for migration in MIGRATIONS:
        for statement in migration.sql():
            if statement.startswith("CREATE TRIGGER "):
                out[statement.split()[2]] = statement
    return out


def pending(found: int) -> list[Migration]:
    """The migrations a record at `user_version` `found` still needs, in order."""
    return [migration for migration in MIGRATIONS if migration.version > found]
