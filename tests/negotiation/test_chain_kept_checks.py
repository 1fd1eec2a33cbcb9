"""`KeptChecks`: the checks the resident interpreter keeps for the commands its children run (issue 14).

Each command runs in a child forked from the resident with a copy of its kept checks, and tells the resident
afterwards what its checks found (`news`, taken in by `learn`). The promise: the commands check exactly as one
long-lived process would (the portal's `KeptCheck`) — the same full or incremental check at each opening, the
same problems found, the same state kept — and news that cannot be read changes nothing.

A child is played here by a fresh `KeptChecks` that has learnt everything the resident learnt (the state a
fork would copy).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drafting.errors import DraftingRecordError
from drafting.negotiation.chain import KeptCheck, KeptChecks
from drafting.negotiation.store import DB_NAME, Store, keeping
from tests.conftest import examples
from tests.negotiation.test_chain_incremental import ACTIONS, Clock, Record, rewrite, scratch

STEPS = st.lists(st.one_of(
    st.tuples(st.just("commit"), st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=3)),
    st.tuples(st.just("open"), st.booleans()),  # full_check asked for or not
    st.tuples(st.just("wait"), st.sampled_from([1.0, 30.0, 61.0])),
    st.tuples(st.just("forge"), st.none()),  # a careful attacker's change to a decision already recorded
), min_size=1, max_size=14)


def outcome(opening: KeptCheck | KeptChecks, directory: Path, full_check: bool) -> str:
    """What opening the record within `keeping(opening)` gives: "ok", or the refusal's message."""
    try:
        with keeping(opening):
            Store.open(directory, full_check=full_check).close()
    except DraftingRecordError as exc:
        return str(exc)
    return "ok"


class Resident:
    """The resident's side, and a child forked from it for each opening."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.checks = KeptChecks(full_every=60, clock=clock)
        self.told: list[bytes] = []

    def child(self) -> KeptChecks:
        copy = KeptChecks(full_every=60, clock=self.clock)
        for news in self.told:
            copy.learn(news)
        return copy

    def open_in_child(self, directory: Path, full_check: bool) -> tuple[str, dict[str, int]]:
        child = self.child()
        found = outcome(child, directory, full_check)
        made = child.untold()
        news = child.news()
        if news:
            self.checks.learn(news)
            self.told.append(news)
        return found, made


@settings(max_examples=examples(60), deadline=None)
@given(steps=STEPS)
def test_the_residents_children_check_as_one_long_lived_process_would(steps: list[tuple[str, object]]) -> None:
    with scratch() as directory:
        record = Record(directory)
        decisions = 0
        clock = Clock()
        single = KeptCheck(directory.resolve(), full_every=60, clock=clock)
        resident = Resident(clock)
        for step, argument in steps:
            if step == "commit":
                assert isinstance(argument, list)
                record.commits([argument])
                decisions += argument.count("decision")
            elif step == "wait":
                assert isinstance(argument, float)
                clock.now += argument
            elif step == "forge":
                if decisions:
                    rewrite(directory / DB_NAME, ("UPDATE decisions SET note = note || '!' WHERE rowid = 1", ()))
            else:
                full_check = bool(argument)
                before = dict(single.checks)
                expected = outcome(single, directory, full_check)
                made_single = {kind: single.checks[kind] - before[kind] for kind in before}
                found, made = resident.open_in_child(directory, full_check)
                assert found == expected
                assert made == made_single  # the same full or incremental check
                assert resident.checks.check(directory.resolve()).verified == single.verified
            if step == "forge" and decisions:
                break  # the record is tampered with: what follows is the same refusal, again and again


def test_news_that_cannot_be_read_is_left_out_whole(tmp_path: Path) -> None:
    record = Record(tmp_path / "ws")
    record.commits([["decision"], ["status"]])
    directory = record.directory.resolve()
    child = KeptChecks()
    assert outcome(child, directory, False) == "ok"
    news = json.loads(child.news())
    resident = KeptChecks()
    broken = [news[0], {**news[0], "verified": {"head": [1]}}]  # the second is cut short
    for bad in (b"not json", b"{}", json.dumps([{"record": str(directory)}]).encode(), json.dumps(broken).encode(),
                json.dumps([{**news[0], "record": "relative/ws"}]).encode()):
        with pytest.raises(ValueError):
            resident.learn(bad)
        assert resident.check(directory).verified is None  # nothing taken in, not even the good item
    assert resident.learn(json.dumps(news).encode()) == [directory]
    assert resident.check(directory).verified == child.check(directory).verified


def test_a_child_that_told_nothing_leaves_the_next_one_checking_from_the_state_before(tmp_path: Path) -> None:
    """A command killed before it told the resident anything: the next child starts from what was kept, and
    finds a change made meanwhile to what the killed one had appended."""
    record = Record(tmp_path / "ws")
    record.commits([["decision"]])
    clock = Clock()
    resident = Resident(clock)
    assert resident.open_in_child(record.directory, False) == ("ok", {"full": 1, "since": 0})
    killed = resident.child()
    record.commits([["decision", "status"]])
    assert outcome(killed, record.directory, False) == "ok"  # ... and never tells
    assert rewrite(record.directory / DB_NAME, ("UPDATE statuses SET status = 'bracketed'", ()))
    found, made = resident.open_in_child(record.directory, False)
    assert made == {"full": 0, "since": 1}
    assert "altered" in found


class Interrupted(BaseException):
    """What a signal's handler may raise at any point (the resident's spare, stopped by a client's SIGIO)."""


def test_a_check_stopped_after_its_plan_leaves_the_due_full_check_due(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Stopped between its plan (which claimed the due full check) and its check, an opening settles the plan
    as it goes: the next opening makes the full check, and finds a value changed in place."""
    from drafting.negotiation import chain

    record = Record(tmp_path / "ws")
    record.commits([["decision", "status"], ["decision"]])
    clock = Clock()
    checks = KeptChecks(full_every=60, clock=clock)
    assert outcome(checks, record.directory, False) == "ok"  # the first, full check: kept
    assert rewrite(record.directory / DB_NAME, ("UPDATE decisions SET note = 'forged'", ()))
    clock.now += 61  # the full check is due
    real = chain.read_head
    calls: list[Path] = []

    def stopped(directory: Path) -> object:
        calls.append(directory)
        if len(calls) == 1:
            raise Interrupted
        return real(directory)

    monkeypatch.setattr(chain, "read_head", stopped)
    with pytest.raises(Interrupted):
        outcome(checks, record.directory, False)
    assert "altered" in outcome(checks, record.directory, False)
