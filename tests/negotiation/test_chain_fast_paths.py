"""The chain check's fast paths give what the general way gives: an event's hash written directly equals the
hash of json.dumps' canonical form, and rows read in one pass per table digest as one query per event's range
does — whatever the ranges asked, in step or not (marks altered)."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing

from hypothesis import given
from hypothesis import strategies as st

from drafting.errors import safe_display
from drafting.negotiation import chain

TEXT = st.text(st.characters(exclude_categories=["Cs"]))  # lone surrogates: not a value SQLite hands back
VALUE = st.one_of(TEXT, st.integers(), st.none(), st.booleans(), st.floats(allow_nan=False))


def general_hash(*values: object) -> str:
    seq, at, actor, kind, subject, detail, rows, prev = values
    return hashlib.sha256(chain._canonical({  # the general way, the reference
        "seq": seq, "at": at, "actor": actor, "kind": kind, "subject": subject, "detail": detail, "rows": rows,
        "prev": prev}).encode("utf-8")).hexdigest()


@given(st.integers(), st.tuples(TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT))
def test_an_event_hash_written_directly_is_the_canonical_one(seq: int, texts: tuple[str, ...]) -> None:
    assert chain.event_hash(seq, *texts) == general_hash(seq, *texts)


@given(st.tuples(VALUE, VALUE, VALUE, VALUE, VALUE, VALUE, VALUE, VALUE))
def test_values_of_other_types_are_hashed_the_general_way(values: tuple[object, ...]) -> None:
    assert chain.event_hash(*values) == general_hash(*values)  # type: ignore[arg-type]


@given(rows=st.lists(st.tuples(st.integers(1, 60), st.one_of(TEXT, st.integers(-(2**63), 2**63 - 1), st.none(),
                                                           st.binary())),
                     unique_by=lambda row: row[0], max_size=40),
       ranges=st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 70)), st.integers(0, 70)), max_size=12),
       in_step=st.booleans())
def test_rows_read_in_one_pass_digest_as_one_query_a_range(rows: list[tuple[int, object]],
                                                           ranges: list[tuple[int | None, int]],
                                                           in_step: bool) -> None:
    with closing(sqlite3.connect(":memory:")) as db:
        db.execute("CREATE TABLE t(value)")
        db.executemany("INSERT INTO t(rowid, value) VALUES (?, ?)", rows)
        if in_step:  # the ranges of a chain as drafting writes it: each starts where the one before ended
            ends = sorted({upto for _, upto in ranges})
            ranges = list(zip([None, *ends[:-1]], ends, strict=True)) if ends else []
        streams = chain.RowStreams(db)
        for after, upto in ranges:
            assert streams.digest("t", after, upto) == chain.rows_digest(db, "t", after, upto)


@given(st.text())
def test_a_printable_line_is_shown_as_it_is_and_any_other_made_visible(text: str) -> None:
    # The rule, as a table: line breaks and tabs become spaces; other C0 controls, DEL and the bidi embeddings,
    # overrides and isolates are shown as \\uXXXX; every other character is itself.
    visible = {code: f"\\u{code:04x}" for code in (*range(0x20), 0x7F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))}
    assert safe_display(text) == text.translate({**visible, **{ord(c): " " for c in "\r\n\t"}})
