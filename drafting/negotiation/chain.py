"""The record's hash chain: every event seals itself, the event before it, and the rows written with it.

An event's `hash` is the SHA-256 of its own fields (seq, time, actor, kind, subject, detail), of `prev` (the
hash of the event before it, or 64 zeros for the first) and of `rows`: for every table of the record, the
last row id covered so far (`marks`) and, for the tables that gained rows since the previous event, their
count and the SHA-256 of those rows in row-id order, each row as the Python repr of its tuple of values
(`digests`). So each submission, amendment, decision,
status, revision and translation row is sealed by exactly one event, and the whole record by the last one.

`verify_record` walks the chain once, reading every row and every stored file once (linear in the record's
size), and returns every broken link it finds, first one first. A head file beside the database
(`negotiation.head`, rewritten after every commit) remembers the last event sealed, so events deleted from the
end of the record are noticed too. Row ids of the record's tables survive VACUUM (SQLite keeps them for
rowid tables); `blobs` are content-addressed and re-hashed instead.

A long-running reader (the portal) need not walk the whole chain after every commit. A check that found
nothing returns a `Verified` state (the last event it verified, with its hash, the row marks it seals and how
many rows lie at or below each mark); `verify_chain(since=state)` then walks only the events appended after
it, from its hash and marks, exactly as the full walk would, after cheap checks that the part verified already
still ends where it did: that event still stored with the same content and hash, and as many events and rows
at or below its marks as there were. What that cannot see is a value changed in place among rows and events
verified before (same row ids, same count); the full walk, which `KeptCheck` schedules, sees it. `KeptCheck`
holds the state between openings of the record, and when a full check is due.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple, Protocol

GENESIS = "0" * 64
HEAD_NAME = "negotiation.head"
UNCHAINED = ("blobs", "events")  # files are content-addressed; events are the chain itself
ROW_NOUN = {"revisions": "revision", "delegations": "delegation", "submissions": "submission",
            "amendments": "amendment", "decisions": "decision", "statuses": "status", "translations": "translation",
            "events": "event"}


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def rows_digest(db: sqlite3.Connection, table: str, after: int | None, upto: int) -> tuple[int, str]:
    """(count, SHA-256) of the rows of `table` with `after` < rowid <= `upto`, in rowid order."""
    digest = hashlib.sha256()
    count = 0
    query = f"SELECT rowid, * FROM {table} WHERE rowid <= ?" + ("" if after is None else " AND rowid > ?")
    args = (upto,) if after is None else (upto, after)
    for row in db.execute(query + " ORDER BY rowid", args):
        # The row's Python repr: exact and unambiguous for SQLite's values (int, float, str, bytes, None), and a
        # tenth of the cost of JSON, which matters when every command re-hashes the whole record.
        digest.update(repr(row).encode("utf-8", "surrogatepass"))
        digest.update(b"\n")
        count += 1
    return count, digest.hexdigest()


_quoted = json.encoder.encode_basestring  # how `json.dumps(…, ensure_ascii=False)` writes a string (C)


class RowStreams:
    """`rows_digest` for a walk along the chain: the rows of each table read in one pass, in row-id order, each
    event's range taken where the event before it left off. A range that does not start there (marks altered)
    is read by its own query, as `rows_digest` reads every range."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self._streams: dict[str, tuple[Iterator[Any], list[Any]]] = {}  # table -> (rows, [the row read ahead])
        self._at: dict[str, int | None] = {}  # table -> the last row id its stream has passed (None: none yet)

    def digest(self, table: str, after: int | None, upto: int) -> tuple[int, str]:
        """(count, SHA-256) of the rows of `table` with `after` < rowid <= `upto`: `rows_digest`'s result."""
        if table not in self._streams:
            query = f"SELECT rowid, * FROM {table}" + ("" if after is None else " WHERE rowid > ?")
            self._streams[table] = (iter(self.db.execute(query + " ORDER BY rowid", () if after is None
                                                         else (after,))), [])
            self._at[table] = after
        if after != self._at[table] or (after is not None and upto < after):
            return rows_digest(self.db, table, after, upto)
        rows, ahead = self._streams[table]
        digest = hashlib.sha256()
        count = 0
        while True:
            row = ahead.pop() if ahead else next(rows, None)
            if row is None:
                break
            if row[0] > upto:
                ahead.append(row)
                break
            digest.update(repr(row).encode("utf-8", "surrogatepass"))
            digest.update(b"\n")
            count += 1
        self._at[table] = upto
        return count, digest.hexdigest()


def event_hash(seq: int, at: str, actor: str, kind: str, subject: str, detail: str, rows: str, prev: str) -> str:
    if (type(seq) is int and type(at) is str and type(actor) is str and type(kind) is str
            and type(subject) is str and type(detail) is str and type(rows) is str and type(prev) is str):
        # `_canonical` of the event's dict, written directly (keys in sorted order): the chain is re-hashed at
        # every opening of the record, and json.dumps' dict walk was a fifth of that (a property test keeps
        # the two equal).
        text = (f'{{"actor":{_quoted(actor)},"at":{_quoted(at)},"detail":{_quoted(detail)},"kind":{_quoted(kind)},'
                f'"prev":{_quoted(prev)},"rows":{_quoted(rows)},"seq":{seq!r},"subject":{_quoted(subject)}}}')
    else:  # values a tampered record may hold (SQLite keeps any type in any column): the general way
        text = _canonical({"seq": seq, "at": at, "actor": actor, "kind": kind, "subject": subject,
                           "detail": detail, "rows": rows, "prev": prev})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def scalars(db: sqlite3.Connection, queries: list[tuple[str, tuple[object, ...]]]) -> list[Any]:
    """The values of several one-value queries, asked in one statement (`SELECT (q1), (q2), …`): a check asks a
    count or a maximum of every table, and one statement costs a few hundredths of a millisecond."""
    if not queries:
        return []
    row = db.execute("SELECT " + ", ".join(f"({sql})" for sql, _ in queries),
                     tuple(arg for _, args in queries for arg in args)).fetchone()
    return list(row)


def chained_tables(tables: Iterable[str]) -> list[str]:
    return sorted(t for t in tables if t not in UNCHAINED)


def seal_rows(db: sqlite3.Connection, tables: list[str], marks: dict[str, int | None],
              extra: dict[str, int] | None = None) -> dict[str, Any]:
    """The `rows` of a new event: new marks, and the digests of every table's rows added since `marks`."""
    new_marks: dict[str, int | None] = {}
    digests: dict[str, list[Any]] = {}
    tops = scalars(db, [(f"SELECT max(rowid) FROM {table}", ()) for table in tables])
    for table, top in zip(tables, tops, strict=True):
        start = marks.get(table)
        if top is not None and (start is None or top > start):
            count, digest = rows_digest(db, table, start, top)
            digests[table] = [count, digest]
            new_marks[table] = top
        else:
            new_marks[table] = start
    for table, upto in (extra or {}).items():  # the pre-chain events sealed by an upgrade
        count, digest = rows_digest(db, table, None, upto)
        digests[table] = [count, digest]
        new_marks[table] = upto
    return {"marks": new_marks, "digests": digests}


def last_link(db: sqlite3.Connection) -> tuple[int, str, dict[str, int | None]]:
    """(seq, hash, marks) of the last event, (0, GENESIS, {}) when the chain has not begun."""
    row = db.execute("SELECT seq, hash, rows FROM events WHERE hash IS NOT NULL ORDER BY seq DESC LIMIT 1").fetchone()
    if row is None:
        return 0, GENESIS, {}
    return int(row[0]), str(row[1]), dict(json.loads(row[2]).get("marks", {}))


def append_event(db: sqlite3.Connection, tables: list[str], at: str, actor: str, kind: str, subject: str,
                 detail: str) -> tuple[int, str]:
    """Insert the next event, chained; returns its (seq, hash). Call inside the write transaction."""
    last_seq, prev, marks = last_link(db)
    top = db.execute("SELECT max(seq) FROM events").fetchone()[0] or 0
    extra = {}
    if last_seq == 0 and top:  # an upgraded record: its unchained events are sealed by this first link
        extra = {"events": int(top)}
    seq = int(top) + 1
    rows = _canonical(seal_rows(db, tables, marks, extra))
    digest = event_hash(seq, at, actor, kind, subject, detail, rows, prev)
    db.execute("INSERT INTO events(seq, at, actor, kind, subject, detail, rows, prev, hash) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (seq, at, actor, kind, subject, detail, rows, prev, digest))
    return seq, digest


# -- the head file ---------------------------------------------------------------------------------------------


class Head(NamedTuple):
    seq: int
    hash: str


def read_head(directory: Path) -> Head | str | None:
    """The head file's content; None when it is absent; a string saying why when it is unreadable."""
    try:
        data = json.loads((directory / HEAD_NAME).read_bytes())
        return Head(int(data["seq"]), str(data["hash"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, OverflowError) as exc:  # (overflow: a seq of 1e999)
        return f"the head file {HEAD_NAME} is unreadable ({exc})"


def head_bytes(head: Head) -> bytes:
    return (_canonical({"seq": head.seq, "hash": head.hash}) + "\n").encode("utf-8")


# -- verification ----------------------------------------------------------------------------------------------


def _describe(seq: int, kind: str, subject: str) -> str:
    shown = subject if len(subject) <= 40 else subject[:39] + "…"
    return f"event {seq} ({kind} {shown})".replace(" )", ")")


class Verified(NamedTuple):
    """What a check that found nothing established, for the next check to start from (`verify_chain(since=)`)."""

    head: Head  # the last event verified
    marks: dict[str, int | None]  # per chained table, the last row id that event seals (None: no row yet)
    counts: dict[str, int]  # per chained table, its rows at or below the mark; "events": events up to head.seq


def prefix_problems(db: sqlite3.Connection, tables: list[str], since: Verified) -> list[str]:
    """Whether the part of the record `since` vouches for still ends where it did: its last event stored with
    the same content and hash, and as many events, and rows at or below each mark, as there were."""
    seq, digest = since.head
    if seq == 0:
        return []  # nothing was verified: nothing to end where it did
    row = db.execute("SELECT at, actor, kind, subject, detail, rows, prev, hash FROM events WHERE seq = ?",
                     (seq,)).fetchone()
    rewritten = (f"event {seq}, the last one verified before, was altered or removed (the part of the record "
                 "verified already was rewritten)")
    if row is None or row[7] != digest or event_hash(seq, *row[:7]) != digest:
        return [rewritten]
    try:
        marks = dict(json.loads(row[5])["marks"])
    except (ValueError, KeyError, TypeError):
        return [rewritten]
    if any(marks.get(t) != since.marks.get(t) for t in tables):
        return [rewritten]
    problems = []
    sealed = [table for table in tables if since.marks.get(table) is not None]
    # (rows of a table no event sealed yet are rows no event records: the walk's last check)
    events, *found_counts = scalars(db, [("SELECT count(*) FROM events WHERE seq <= ?", (seq,)), *(
        (f"SELECT count(*) FROM {table} WHERE rowid <= ?", (since.marks[table],)) for table in sealed)])
    if events != since.counts.get("events"):
        problems.append(f"{abs(events - since.counts.get('events', 0))} event(s) up to event {seq} were "
                        f"{'deleted' if events < since.counts.get('events', 0) else 'inserted'} after they were "
                        "verified")
    for table, found in zip(sealed, found_counts, strict=True):
        want = since.counts.get(table, 0)
        if found != want:
            noun = ROW_NOUN.get(table, table)
            problems.append(f"{abs(found - want)} {noun} row(s) sealed by event {seq} or before were "
                            f"{'deleted' if found < want else 'inserted'} after they were verified")
    return problems


def verify_chain(db: sqlite3.Connection, tables: list[str], head: Head | str | None,
                 expect_head: bool, since: Verified | None = None) -> tuple[list[str], Verified]:
    """Every broken link of the chain and its rows, first one first; and the state the record reaches.

    With `since` (the state an earlier check of this same record returned with no problem), only the events
    after `since.head` are walked, chained from its hash and its marks, once `prefix_problems` finds the part
    already verified ending where it did; every check after the walk (rows no event records, the head file)
    is the full check's. Without it, the whole chain from its first event."""
    if since is not None and since.head.seq > 0:
        problems = prefix_problems(db, tables, since)
        prev, expected_seq, last = since.head.hash, since.head.seq + 1, since.head
        marks: dict[str, int | None] = {t: since.marks.get(t) for t in tables}
        counts = dict(since.counts)
        chained_seen = True
        after = since.head.seq
    else:
        problems = []
        prev, expected_seq, last = GENESIS, None, Head(0, GENESIS)
        marks = {}
        counts = {t: 0 for t in (*tables, "events")}
        chained_seen = False
        after = 0
    unchained: list[int] = []
    streams = RowStreams(db)
    for seq, at, actor, kind, subject, detail, rows_text, link, stored in db.execute(
            "SELECT seq, at, actor, kind, subject, detail, rows, prev, hash FROM events WHERE seq > ? ORDER BY seq",
            (after,)):
        counts["events"] += 1
        name = _describe(seq, kind, subject)
        if stored is None:
            if chained_seen:
                problems.append(f"{name} is not chained (inserted outside drafting)")
            else:
                unchained.append(seq)
            continue
        if expected_seq is not None and seq != expected_seq:
            missing = f"event {expected_seq}" if seq == expected_seq + 1 else f"events {expected_seq}–{seq - 1}"
            problems.append(f"{missing} deleted (the record jumps from event {expected_seq - 1} to event {seq})")
        elif expected_seq is None and seq != (unchained[-1] + 1 if unchained else 1):
            problems.append(f"event {seq} is the first chained event, but the record does not start there "
                            "(events deleted)")
        expected_seq = seq + 1
        if link != prev:
            problems.append(f"{name}: its link to the event before it is broken (events re-ordered, deleted or "
                            "altered)")
        try:
            rows = json.loads(rows_text)
            new_marks = dict(rows["marks"])
            digests = dict(rows["digests"])
        except (ValueError, KeyError, TypeError):
            problems.append(f"{name}: its sealed rows are unreadable (altered)")
            new_marks, digests = dict(marks), {}
        if not chained_seen and unchained:
            digests_events = digests.get("events")
            if not digests_events or new_marks.get("events") != unchained[-1]:
                problems.append(f"{name} does not seal the {len(unchained)} event(s) recorded before the chain began")
        for table in tables + (["events"] if not chained_seen and unchained else []):
            if table not in digests:
                if new_marks.get(table) != marks.get(table) and table != "events":
                    problems.append(f"{name}: its sealed {table} marks were altered")
                continue
            want_count, want_digest = digests[table]
            upto = new_marks.get(table)
            if upto is None:
                problems.append(f"{name}: its sealed {table} marks were altered")
                continue
            if table == "events":  # the events recorded before the chain, sealed by the first link
                count, digest = rows_digest(db, table, None, int(upto))
            else:
                count, digest = streams.digest(table, marks.get(table), int(upto))
            noun = ROW_NOUN.get(table, table)
            if table in tables:  # (not the pre-chain events an upgrade sealed)
                counts[table] += count
            if count < want_count:
                problems.append(f"{name}: {want_count - count} {noun} row(s) it recorded were deleted")
            elif count > want_count:
                problems.append(f"{name}: {count - want_count} {noun} row(s) were inserted among those it recorded")
            elif digest != want_digest:
                problems.append(f"{name}: the {noun} row(s) it recorded were altered")
        if event_hash(seq, at, actor, kind, subject, detail, rows_text, link) != stored:
            problems.append(f"{name} was altered (its content no longer matches its hash)")
        chained_seen = True
        prev = stored
        marks = {t: new_marks.get(t) for t in tables}
        last = Head(seq, stored)
    if unchained and not chained_seen:
        problems.append(f"the record's {len(unchained)} event(s) are not chained (inserted outside drafting)")
    extras = scalars(db, [(f"SELECT count(*) FROM {table}" + ("" if marks.get(table) is None else " WHERE rowid > ?"),
                           () if marks.get(table) is None else (marks[table],)) for table in tables])
    for table, extra in zip(tables, extras, strict=True):
        if extra:
            problems.append(f"{extra} {ROW_NOUN.get(table, table)} row(s) not recorded by any event "
                            "(inserted outside drafting)")
    if isinstance(head, str):
        problems.append(head)
    elif head is None:
        if expect_head:
            problems.append(f"the head file {HEAD_NAME} is missing, so the end of the record cannot be vouched for")
    elif head.seq > last.seq:
        problems.append(f"the record ends at event {last.seq}, but it reached event {head.seq} (events deleted "
                        "from the end)")
    elif head.seq > 0:
        row = db.execute("SELECT hash FROM events WHERE seq = ?", (head.seq,)).fetchone()
        if row is None or row[0] != head.hash:
            problems.append(f"event {head.seq} is not the event the record last sealed (rewritten)")
    return problems, Verified(last, {t: marks.get(t) for t in tables}, counts)


# -- a check kept between openings ------------------------------------------------------------------------------

FULL_EVERY = 60.0  # seconds between full checks of a record a process keeps checking


class Plan(NamedTuple):
    """What the next check of a record starts from (see `KeptCheck.plan`)."""

    kept: Verified | None  # the state kept (None: nothing verified yet)
    full: bool  # check in full: the first check, a due one, or one asked for
    identity: object  # what the kept state was verified on (the store compares it with the file's now)
    started: float
    claimed: bool  # this is the due full check (the others go on from the kept state meanwhile)


class KeptCheck:
    """What one process has verified of one record, kept between its openings of it (the portal opens the
    record for every page), so that each opening checks only what was appended since the last one.

    The first check, and one every `full_every` seconds after the last full check that found nothing, are
    full: the whole chain, every row, every stored file. A full check made with a state kept also requires
    that state's last event to be in the chain still, with its hash, and its rows: a record whose chain was
    recomputed from a changed row on (the head file rewritten to match) passes a full check made from
    nothing, not this one. A check that finds a problem keeps nothing: every later opening checks from the
    same state again and finds it again (and a failed full check stays due). Several threads may check at
    once: one makes the due full check while the others go on from the kept state; the state kept is the one
    furthest along the chain.
    """

    def __init__(self, directory: Path, *, full_every: float = FULL_EVERY,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.directory = directory.resolve()
        self.full_every = full_every
        self._clock = clock
        self._lock = threading.Lock()
        self._state: Verified | None = None
        self._identity: object = None
        self._full_at: float | None = None  # when the last full check that found nothing began
        self._full_running = False
        self.checks = {"full": 0, "since": 0}  # how many checks of each kind were made

    @property
    def verified(self) -> Verified | None:
        """The state kept: the last event verified, with its marks and counts (None before the first check)."""
        with self._lock:
            return self._state

    def plan(self, *, full: bool = False) -> Plan:
        """Where the next check starts. Call it before the check's snapshot begins, so that the snapshot is
        never older than the state kept."""
        with self._lock:
            now = self._clock()
            due = self._full_at is None or now - self._full_at >= self.full_every
            claimed = due and not self._full_running
            if claimed:
                self._full_running = True
            return Plan(self._state, full or claimed or self._state is None, self._identity, now, claimed)

    def settle(self, plan: Plan, verified: Verified | None, identity: object, *, full: bool) -> None:
        """Keep what the check `plan` began found: `verified`, or None when it found a problem; `full`: the
        check made was the full one (the store makes it full on another file or schema, whatever planned)."""
        with self._lock:
            if plan.claimed:
                self._full_running = False
            self.checks["full" if full else "since"] += 1
            if verified is None:
                return
            if full:
                self._full_at = plan.started
            if self._state is None or identity != self._identity or verified.head.seq >= self._state.head.seq:
                self._state, self._identity = verified, identity

    def for_record(self, directory: Path) -> KeptCheck | None:
        """This check for the record in `directory` (resolved), None for any other record."""
        return self if directory == self.directory else None


class RecordCheck(Protocol):
    """A check kept for one record, as the store uses it (`KeptCheck`, or one of `KeptChecks`)."""

    def plan(self, *, full: bool = False) -> Plan: ...

    def settle(self, plan: Plan, verified: Verified | None, identity: object, *, full: bool) -> None: ...


class RecordChecks(Protocol):
    """What `store.keeping` takes: the kept check of the record in a (resolved) directory, or None (check in
    full). A `KeptCheck` keeps one record's; `KeptChecks` every record's."""

    def for_record(self, directory: Path) -> RecordCheck | None: ...


class KeptChecks:
    """A `KeptCheck` for every record a process keeps checking, made at its first opening.

    The resident interpreter keeps them for its children, each a fork running one command: a child checks from
    the copy of the resident's checks it was forked with (as current as the resident's at that moment, and
    never ahead of the record: an older state only makes the next check walk more), and afterwards tells the
    resident what its checks found (`news`), which the resident takes in (`learn`) for the children it forks
    later. No answer is awaited, so no command waits for another process; a child killed before it told
    anything leaves the resident's checks as they were."""

    def __init__(self, *, full_every: float = FULL_EVERY, clock: Callable[[], float] = time.monotonic) -> None:
        self.full_every = full_every
        self._clock = clock
        self._checks: dict[Path, KeptCheck] = {}
        self._settled: list[dict[str, Any]] = []  # what the checks made here found, not yet told (`news`)

    def check(self, directory: Path) -> KeptCheck:
        """The kept check of the record in `directory` (resolved), made at first use."""
        check = self._checks.get(directory)
        if check is None:
            check = self._checks[directory] = KeptCheck(directory, full_every=self.full_every, clock=self._clock)
        return check

    def for_record(self, directory: Path) -> RecordCheck:
        return _NotedCheck(self, self.check(directory))

    def untold(self) -> dict[str, int]:
        """How many checks of each kind were made through `for_record` since the last `news`."""
        full = sum(bool(item["full"]) for item in self._settled)
        return {"full": full, "since": len(self._settled) - full}

    def news(self) -> bytes:
        """What the checks made through `for_record` found since the last call, for another process's `learn`
        (empty when nothing was checked)."""
        settled, self._settled = self._settled, []
        return json.dumps(settled).encode() if settled else b""

    def learn(self, news: bytes) -> list[Path]:
        """Take in another process's `news` of the same records: each check settled here as it was there. The
        records it was about, in order; a message that cannot be read is left out whole (ValueError)."""
        try:
            items = json.loads(news)
            if not isinstance(items, list):
                raise TypeError("not a list")
            settled = [(Path(item["record"]), _plan_from(item["plan"]),
                        None if item["verified"] is None else _verified_from(item["verified"]),
                        _tuples(item["identity"]), bool(item["full"])) for item in items]
        except (KeyError, TypeError, IndexError, AttributeError) as exc:
            raise ValueError(f"not news of kept checks ({type(exc).__name__}: {exc})") from exc
        if not all(directory.is_absolute() for directory, *_ in settled):
            raise ValueError("not news of kept checks (a record's directory is not absolute)")
        for directory, plan, verified, identity, full in settled:
            self.check(directory).settle(plan, verified, identity, full=full)
        return [directory for directory, *_ in settled]


class _NotedCheck:
    """A kept check whose settling is also noted for `KeptChecks.news`."""

    def __init__(self, checks: KeptChecks, check: KeptCheck) -> None:
        self._checks = checks
        self._check = check

    def plan(self, *, full: bool = False) -> Plan:
        return self._check.plan(full=full)

    def settle(self, plan: Plan, verified: Verified | None, identity: object, *, full: bool) -> None:
        self._check.settle(plan, verified, identity, full=full)
        self._checks._settled.append({
            "record": str(self._check.directory), "plan": _plan_json(plan),
            "verified": None if verified is None else _verified_json(verified), "identity": identity, "full": full})


def _verified_json(verified: Verified) -> dict[str, Any]:
    return {"head": list(verified.head), "marks": verified.marks, "counts": verified.counts}


def _verified_from(data: dict[str, Any]) -> Verified:
    seq, digest = data["head"]
    marks = {str(table): None if mark is None else int(mark) for table, mark in data["marks"].items()}
    return Verified(Head(int(seq), str(digest)), marks, {str(table): int(n) for table, n in data["counts"].items()})


def _plan_json(plan: Plan) -> dict[str, Any]:
    return {"kept": None if plan.kept is None else _verified_json(plan.kept), "full": plan.full,
            "identity": plan.identity, "started": plan.started, "claimed": plan.claimed}


def _plan_from(data: dict[str, Any]) -> Plan:
    kept = data["kept"]
    return Plan(None if kept is None else _verified_from(kept), bool(data["full"]), _tuples(data["identity"]),
                float(data["started"]), bool(data["claimed"]))


def _tuples(value: object) -> object:
    """JSON's lists back as the tuples they were (a record's identity: ((device, inode), schema cookie))."""
    return tuple(_tuples(item) for item in value) if isinstance(value, list) else value
