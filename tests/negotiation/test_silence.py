"""The silence procedure (issue 13 item 6): text under silence until a deadline, breaks before it, agreed
after it when unbroken — computed from the record, never by a clock job."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from drafting import app as api
from drafting.cli import cli
from drafting.errors import DraftingInputError, DraftingStateError
from tests.negotiation import SEAT, Base, counts, edit_md, events, new_workspace

T0 = dt.datetime(2030, 5, 1, 9, 0, tzinfo=dt.UTC)
DEADLINE = "2030-05-03T12:00+05:00"  # 07:00 UTC
BEFORE = dt.datetime(2030, 5, 3, 6, 59, tzinfo=dt.UTC)
AFTER = dt.datetime(2030, 5, 3, 7, 0, tzinfo=dt.UTC)


@pytest.fixture
def ws(tmp_path: Path, base: Base) -> Path:
    ws = new_workspace(tmp_path / "ws", base)
    api.submit(ws, "KAZ", edit_md(base.md, tmp_path / "kaz.md", [(SEAT, SEAT.replace("in Almaty", "in Astana"))]))
    return ws


def statuses(ws: Path, now: dt.datetime) -> dict[str, str]:
    return {p["id"]: p["status"] for p in api.status_report(ws, now=now)["paragraphs"]}


def test_kept_to_the_deadline_the_paragraphs_read_agreed_and_a_broken_one_does_not(ws: Path) -> None:
    silence = api.silence(ws, DEADLINE, ["endorse_rcf,endorse_rap", "5"], actor="chair", now=T0)
    assert silence.paragraphs == ("endorse_rcf", "endorse_rap", "secretariat_seat")
    assert silence.until == dt.datetime(2030, 5, 3, 7, 0, tzinfo=dt.UTC)
    api.break_silence(ws, "Tajikistan", "endorse_rap", "the Plan needs another reading", now=BEFORE)
    before = statuses(ws, BEFORE)
    assert (before["endorse_rcf"], before["endorse_rap"], before["secretariat_seat"]) == ("pending",) * 3
    after = statuses(ws, AFTER)
    assert (after["endorse_rcf"], after["endorse_rap"], after["secretariat_seat"]) == ("agreed", "pending", "agreed")
    assert after["follow_up"] == "pending"  # not under silence
    report = api.status_report(ws, now=AFTER)
    rap = next(p for p in report["paragraphs"] if p["id"] == "endorse_rap")
    assert rap["silence"] == {"silence": 1, "until": "2030-05-03T07:00:00.000000Z", "state": "broken",
                              "broken_by": ["Tajikistan"]}
    assert report["silences"][0]["agreed"] == ["endorse_rcf", "secretariat_seat"]
    # the end is an event at the deadline, computed from the record (nothing was written at the deadline)
    recorded = counts(ws)
    log = api.log_events(ws, now=AFTER)
    assert [(e.kind, e.subject) for e in log][-3:] == [("silence", "original"), ("silence-broken", "endorse_rap"),
                                                       ("silence-ended", "original")]
    ended = log[-1]
    assert (ended.seq, ended.at, ended.detail["agreed"], ended.detail["broken"]) == (
        0, "2030-05-03T07:00:00.000000Z", ["endorse_rcf", "secretariat_seat"], ["endorse_rap"])
    assert "silence-ended" not in [e.kind for e in api.log_events(ws, now=BEFORE)]
    assert counts(ws) == recorded


def test_the_next_revision_takes_the_agreed_statuses(ws: Path, tmp_path: Path) -> None:
    api.silence(ws, DEADLINE, ["endorse_rcf"], now=T0)
    with api.open_workspace(ws) as workspace:
        assert workspace.statuses(now=AFTER)["endorse_rcf"] == "agreed"
        assert "endorse_rcf" not in workspace.statuses(now=BEFORE)


@pytest.mark.parametrize(("call", "message"), [
    (lambda ws: api.break_silence(ws, "Tajikistan", "endorse_rcf", now=AFTER), "ended at 2030-05-03T07:00:00Z"),
    (lambda ws: api.break_silence(ws, "Narnia", "endorse_rcf", now=BEFORE), "unknown delegation 'Narnia'"),
    (lambda ws: api.break_silence(ws, "Tajikistan", "follow_up", now=BEFORE), "follow_up is not under silence"),
    (lambda ws: api.break_silence(ws, "Tajikistan", "nowhere", now=BEFORE), "no paragraph 'nowhere'"),
    (lambda ws: api.silence(ws, "2030-05-03T12:00", now=T0), "has no time zone"),
    (lambda ws: api.silence(ws, "next Tuesday", now=T0), "not an ISO 8601 date and time"),
    (lambda ws: api.silence(ws, "2030-04-30T12:00Z", now=T0), "is not in the future"),
    (lambda ws: api.silence(ws, DEADLINE, ["nowhere"], now=T0), "no paragraph 'nowhere'"),
])
def test_bad_silence_input_records_nothing(ws: Path, call, message: str) -> None:
    api.silence(ws, DEADLINE, ["endorse_rcf"], now=T0)
    before = counts(ws)
    with pytest.raises(DraftingInputError, match=message):
        call(ws)
    assert counts(ws) == before


def test_a_second_break_by_the_same_delegation_is_refused(ws: Path) -> None:
    api.silence(ws, DEADLINE, now=T0)
    api.break_silence(ws, "KAZ", "5", now=BEFORE)
    with pytest.raises(DraftingStateError, match="Kazakhstan broke the silence on secretariat_seat already"):
        api.break_silence(ws, "Kazakhstan", "secretariat_seat", now=BEFORE)


def test_silence_through_the_cli(ws: Path, runner) -> None:
    result = runner.invoke(cli, ["silence", str(ws), "--until", "2099-01-01T00:00Z"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "silence 1: 28 paragraph(s) under silence until 2099-01-01T00:00:00Z\n"
    result = runner.invoke(cli, ["break-silence", str(ws), "--delegation", "TJK", "--paragraph", "5",
                                 "--note", "Dushanbe"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "silence 1 broken on secretariat_seat by Tajikistan\n"
    text = runner.invoke(cli, ["status", str(ws)]).stdout
    seat = next(line for line in text.splitlines() if "secretariat_seat" in line)
    assert seat.endswith("silence broken by Tajikistan (until 2099-01-01T00:00Z)")
    assert "silence running (until 2099-01-01T00:00Z)" in text
    assert [e["kind"] for e in events(ws)][-2:] == ["silence", "silence-broken"]
    result = runner.invoke(cli, ["break-silence", str(ws), "--delegation", "Kazakstan", "--paragraph", "5"])
    assert result.exit_code == 1 and "unknown delegation 'Kazakstan'" in result.stderr
