"""Amendment numbers (`KAZ/1`) and the batch forms of `decide` and `mark` (issue 13 item 1, issue 14 item 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drafting import app as api
from drafting.cli import cli
from drafting.errors import DraftingInputError, DraftingStateError, DraftingUsageError
from drafting.negotiation.numbers import assign_numbers, normalise_number
from tests.negotiation import (
    LAUNCH,
    RAP,
    RCF,
    SEAT,
    Base,
    counts,
    edit_md,
    events,
)


@pytest.fixture
def three(ws: Path, base: Base, tmp_path: Path) -> Path:
    """Kazakhstan: 2 amendments (RCF, seat); Tajikistan: 2 (RAP, seat); Kyrgyzstan: 1 (launch) and a new paragraph."""
    api.submit(ws, "KAZ", edit_md(base.md, tmp_path / "kaz.md", [(RCF, RCF.replace("draft", "updated")),
                                                                  (SEAT, SEAT.replace("in Almaty", "in Astana"))]))
    api.submit(ws, "TJK", edit_md(base.md, tmp_path / "tjk.md", [(RAP, RAP.replace("draft", "revised")),
                                                                  (SEAT, SEAT.replace("in Almaty", "in Dushanbe"))]))
    api.submit(ws, "KGZ", edit_md(base.md, tmp_path / "kgz.md",
                                  [(LAUNCH, LAUNCH.replace("Formally launch", "Formally and solemnly launch"))],
                                  [("request_support", "Invite the secretariat to report annually;")]))
    return ws


def numbered(ws: Path) -> dict[str, dict]:
    report = api.status_report(ws)
    return {a["number"]: dict(a, paragraph=p["id"]) for p in report["paragraphs"]
            for a in p["amendments"] + p["proposed_after"]}


def decisions(ws: Path) -> list[tuple[str, str, str]]:
    return [(e["subject"], e["detail"]["decision"], e["detail"]["note"]) for e in events(ws) if e["kind"] == "decision"]


# -- numbers ----------------------------------------------------------------------------------------------


def test_each_delegation_numbers_its_amendments_in_record_order(three: Path) -> None:
    found = numbered(three)
    assert {n: (a["delegation"], a["paragraph"], a["kind"]) for n, a in found.items()} == {
        "KAZ/1": ("Kazakhstan", "endorse_rcf", "replace"), "KAZ/2": ("Kazakhstan", "secretariat_seat", "replace"),
        "TJK/1": ("Tajikistan", "endorse_rap", "replace"), "TJK/2": ("Tajikistan", "secretariat_seat", "replace"),
        "KGZ/1": ("Kyrgyzstan", "request_support", "paragraph-insert"),
        "KGZ/2": ("Kyrgyzstan", "ministerial_conference_b", "insert")}


def test_numbers_are_the_same_in_every_output_and_survive_a_resubmission(three: Path, base: Base,
                                                                        tmp_path: Path) -> None:
    before = numbered(three)
    api.compile_outputs(three, tmp_path / "c1", ("md", "html"))
    md = (tmp_path / "c1" / "compilation.md").read_text(encoding="utf-8")
    html = (tmp_path / "c1" / "compilation.html").read_text(encoding="utf-8")
    assert "{~~draft~>updated~~}{>>KAZ/1 Kazakhstan<<}" in md
    assert "[Alt 1 (KAZ/2 Kazakhstan): " in md and "[Alt 2 (TJK/2 Tajikistan): " in md
    assert "{++Invite the secretariat to report annually;++}{>>KGZ/1 Kyrgyzstan<<}" in md
    assert "Formally {++and solemnly ++}{>>KGZ/2 Kyrgyzstan<<}launch" in md
    assert all(f'data-number="{n}"' in html for n in ("KAZ/1", "TJK/1", "KGZ/1", "KGZ/2"))
    # Kazakhstan sends a second file: the change it keeps keeps its number, the new one takes the next
    api.submit(three, "KAZ", edit_md(base.md, tmp_path / "kaz2.md", [(RCF, RCF.replace("draft", "updated")),
                                                                      (RAP, RAP.replace("Endorse", "Welcome"))]))
    after = numbered(three)
    assert after["KAZ/1"]["id"] == before["KAZ/1"]["id"] and after["KAZ/1"]["active"]
    assert after["KAZ/3"]["new"] == "Welcome" and not after["KAZ/2"]["active"]  # superseded
    assert {n: a["id"] for n, a in after.items() if n[:3] != "KAZ"} == {
        n: a["id"] for n, a in before.items() if n[:3] != "KAZ"}
    api.compile_outputs(three, tmp_path / "c2", ("md",))
    assert "{~~draft~>updated~~}{>>KAZ/1 Kazakhstan<<}" in (tmp_path / "c2" / "compilation.md").read_text("utf-8")


@given(st.lists(st.tuples(st.sampled_from(["Kazakhstan", "Tajikistan", "Narnia"]), st.integers(0, 30)),
                max_size=60), st.integers(0, 60))
def test_numbers_never_change_when_the_record_grows(rows: list[tuple[str, int]], cut: int) -> None:
    codes = {"Kazakhstan": "KAZ", "Tajikistan": "TJK", "Narnia": None}
    record = [(name, codes[name], f"A{name}{i}") for name, i in rows]
    early, full = assign_numbers(record[:cut]), assign_numbers(record)
    assert all(full[k] == v for k, v in early.items())  # appending never renumbers
    assert len(set(full.values())) == len(full)  # one number, one change
    for name, code in codes.items():  # each delegation's sequence is 1..n without gaps
        mine = sorted(int(v.rsplit("/", 1)[1]) for k, v in full.items() if v.startswith(f"{code or name}/"))
        assert mine == list(range(1, len(mine) + 1))
        assert len(mine) == len({i for n, i in rows if n == name})


def test_a_number_is_typed_as_people_type_it() -> None:
    assert normalise_number(" kaz / 07 ") == normalise_number("KAZ/7") != normalise_number("KAZ/17")


# -- decide in batches --------------------------------------------------------------------------------------


def test_several_numbers_in_one_call_each_its_own_event(three: Path, runner) -> None:
    result = runner.invoke(cli, ["decide", str(three), "KAZ/1", "tjk/1", "KGZ/1", "accept", "--note", "plenary"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        'KAZ/1 accept: Kazakhstan, paragraph - 1 - (endorse_rcf), replace "draft" -> "updated" (plenary)',
        'TJK/1 accept: Tajikistan, paragraph - 2 - (endorse_rap), replace "draft" -> "revised" (plenary)',
        'KGZ/1 accept: Kyrgyzstan, after paragraph - 6 - (request_support), paragraph-insert '
        '"Invite the secretariat to report annually;" (plenary)']
    assert decisions(three) == [("KAZ/1", "accept", "plenary"), ("TJK/1", "accept", "plenary"),
                                ("KGZ/1", "accept", "plenary")]
    assert {n: a["decision"] for n, a in numbered(three).items()} == {
        "KAZ/1": "accept", "KAZ/2": "pending", "TJK/1": "accept", "TJK/2": "pending", "KGZ/1": "accept",
        "KGZ/2": "pending"}


@pytest.mark.parametrize(("args", "message"), [
    (["KAZ/1", "KAZ/9", "accept"], "no amendment 'KAZ/9' on original"),
    (["KAZ/1", "Anope", "reject"], "no amendment 'Anope' on original"),
    (["--delegation", "Uzbekistan", "accept"], "no amendment on original matches --delegation Uzbekistan"),
    (["--delegation", "KAZ", "--kind", "paragraph-insert", "accept"],
     "no amendment on original matches --delegation KAZ --kind paragraph-insert"),
    (["--paragraph", "nowhere", "accept"], "no paragraph 'nowhere' in original"),
    (["--kind", "rewrite", "accept"], "--kind must be one of"),
    (["--status", "accept", "withdraw"], "no amendment on original matches --status accept"),
])
def test_a_bad_batch_records_nothing_and_names_what_is_wrong(three: Path, runner, args: list[str],
                                                            message: str) -> None:
    before = counts(three)
    result = runner.invoke(cli, ["decide", str(three), *args])
    assert result.exit_code == 1, result.output
    [line] = [line for line in result.stderr.splitlines() if line.strip()]
    assert message in line, line
    assert counts(three) == before


def test_filters_select_among_the_live_amendments(three: Path) -> None:
    done = api.decide_batch(three, (), "reject", delegation="Kazakhstan", note="no support")
    assert [d.number for d in done] == ["KAZ/1", "KAZ/2"]
    done = api.decide_batch(three, (), "accept", paragraph="5", status="pending")  # by number as shown: "- 5 -"
    assert [d.number for d in done] == ["TJK/2"]
    done = api.decide_batch(three, (), "withdraw", kind="paragraph-insert")
    assert [d.number for d in done] == ["KGZ/1"]
    done = api.decide_batch(three, (), "accept", status="pending")
    assert sorted(d.number for d in done) == ["KGZ/2", "TJK/1"]
    with pytest.raises(DraftingStateError, match="matches --status pending"):
        api.decide_batch(three, (), "accept", status="pending")
    assert [(s, d) for s, d, _ in decisions(three)] == [
        ("KAZ/1", "reject"), ("KAZ/2", "reject"), ("TJK/2", "accept"), ("KGZ/1", "withdraw"), ("TJK/1", "accept"),
        ("KGZ/2", "accept")]


def test_decisions_from_a_csv_file(three: Path, tmp_path: Path, runner) -> None:
    sheet = tmp_path / "decisions.csv"
    sheet.write_text("number,decision,note\nKAZ/1,accept,\"agreed, in plenary\"\n\nTJK/2,reject,\nKGZ/1,withdraw\n",
                     encoding="utf-8")
    result = runner.invoke(cli, ["decide", str(three), "--from-file", str(sheet), "--json"])
    assert result.exit_code == 0, result.output
    assert [(d["number"], d["decision"], d["note"], d["delegation"]) for d in json.loads(result.stdout)] == [
        ("KAZ/1", "accept", "agreed, in plenary", "Kazakhstan"), ("TJK/2", "reject", "", "Tajikistan"),
        ("KGZ/1", "withdraw", "", "Kyrgyzstan")]
    assert decisions(three) == [("KAZ/1", "accept", "agreed, in plenary"), ("TJK/2", "reject", ""),
                                ("KGZ/1", "withdraw", "")]


@pytest.mark.parametrize(("text", "message"), [
    ("amendment,decision\nKAZ/1,accept\nTJK/1,approve\n", ":3: decision 'approve' must be one of"),
    ("amendment,decision\nKAZ/1,accept\nKAZ/7,accept\n", ":3: no amendment 'KAZ/7' on original"),
    ("amendment,decision\nKAZ/1,accept\n,reject\n", ":3: no amendment"),
    ("amendment,verdict\nKAZ/1,accept\n", ":1: unknown column 'verdict'"),
    ("amendment,decision\nKAZ/1,accept,late,extra\n", ":2: 4 cells, the header names 2"),
    ("amendment,decision\n", "no rows after the header"),
    ("amendment,decision\n\"KAZ/1,accept\n", "not valid CSV"),
    ("amendment,decision\nKAZ/1,accept\nTJK/1,reject\nKAZ/1,reject\n",
     ":4: amendment 'KAZ/1' is decided at line 2 already"),
])
def test_a_bad_csv_line_records_nothing(three: Path, tmp_path: Path, runner, text: str, message: str) -> None:
    sheet = tmp_path / "decisions.csv"
    sheet.write_text(text, encoding="utf-8")
    before = counts(three)
    result = runner.invoke(cli, ["decide", str(three), "--from-file", str(sheet)])
    assert result.exit_code == 1, result.output
    [line] = [line for line in result.stderr.splitlines() if line.strip()]
    assert str(sheet) in line and message in line, line
    assert counts(three) == before


@pytest.mark.parametrize("args", [
    ["KAZ/1"],  # no decision
    ["KAZ/1", "approve"],
    ["KAZ/1", "accept", "--delegation", "KAZ"],
    ["accept"],  # neither numbers nor filters
    ["KAZ/1", "accept", "--from-file", "x.csv"],
])
def test_batch_usage_errors_exit_2(three: Path, runner, args: list[str]) -> None:
    before = counts(three)
    result = runner.invoke(cli, ["decide", str(three), *args])
    assert result.exit_code == 2, result.output
    assert counts(three) == before


def test_a_superseded_number_and_one_from_an_earlier_revision_are_refused(three: Path, base: Base,
                                                                          tmp_path: Path) -> None:
    api.submit(three, "KAZ", edit_md(base.md, tmp_path / "kaz2.md", [(RCF, RCF.replace("draft", "updated"))]))
    before = counts(three)
    with pytest.raises(DraftingStateError, match="amendment KAZ/2 was superseded by a later submission from "
                                                 "Kazakhstan on original"):
        api.decide_batch(three, ["KAZ/1", "KAZ/2"], "accept")
    assert counts(three) == before
    api.decide(three, "TJK/1", "accept")
    api.revise(three, tmp_path / "rev1", ("md",))
    with pytest.raises(DraftingStateError, match=r"amendment TJK/1 is not on Rev\.1"):
        api.decide(three, "TJK/1", "accept")


def test_usage_is_checked_before_the_record_is_opened(tmp_path: Path) -> None:
    with pytest.raises(DraftingUsageError):
        api.decide_batch(tmp_path / "nowhere", (), "accept")
    with pytest.raises(DraftingInputError, match="decision must be one of"):
        api.decide_batch(tmp_path / "nowhere", ["KAZ/1"], "approve")


# -- mark in batches -----------------------------------------------------------------------------------------


def test_mark_several_paragraphs_by_id_or_number(three: Path, runner) -> None:
    result = runner.invoke(cli, ["mark", str(three), "endorse_rcf", "2", "6,follow_up", "agreed"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["endorse_rcf: agreed", "endorse_rap: agreed", "request_support: agreed",
                                          "follow_up: agreed"]
    marked = [(e["subject"], e["detail"]["status"]) for e in events(three) if e["kind"] == "status"]
    assert marked == [("endorse_rcf", "agreed"), ("endorse_rap", "agreed"), ("request_support", "agreed"),
                      ("follow_up", "agreed")]


def test_mark_by_filter_and_from_a_file(three: Path, tmp_path: Path) -> None:
    assert api.mark_batch(three, (), "bracketed", delegation="Tajikistan") == [
        ("endorse_rap", "bracketed"), ("secretariat_seat", "bracketed")]
    sheet = tmp_path / "marks.csv"
    sheet.write_text("paragraph,status\nendorse_rap,agreed\n5,agreed-ad-ref\n", encoding="utf-8")
    assert api.mark_batch(three, from_file=sheet) == [("endorse_rap", "agreed"),
                                                      ("secretariat_seat", "agreed-ad-ref")]
    assert api.mark_batch(three, (), "pending", current="agreed-ad-ref") == [("secretariat_seat", "pending")]
    statuses = {p["id"]: p["status"] for p in api.status_report(three)["paragraphs"]}
    assert (statuses["endorse_rap"], statuses["secretariat_seat"], statuses["endorse_rcf"]) == (
        "agreed", "pending", "pending")


def test_a_bad_mark_batch_records_nothing(three: Path, tmp_path: Path, runner) -> None:
    sheet = tmp_path / "marks.csv"
    sheet.write_text("paragraph,status\nendorse_rap,agreed\nnowhere,agreed\n", encoding="utf-8")
    twice = tmp_path / "twice.csv"
    twice.write_text("paragraph,status\nendorse_rap,agreed\nendorse_rcf,agreed\nendorse_rap,pending\n",
                     encoding="utf-8")
    before = counts(three)
    for args, message in [
        (["--from-file", str(twice)], f"{twice}:4: paragraph 'endorse_rap' is marked at line 2 already"),
        (["endorse_rcf", "nowhere", "agreed"], "no paragraph 'nowhere' in original"),
        (["--from-file", str(sheet)], f"{sheet}:3: no paragraph 'nowhere' in original"),
        (["--delegation", "Uzbekistan", "agreed"], "no paragraph of original matches --delegation Uzbekistan"),
    ]:
        result = runner.invoke(cli, ["mark", str(three), *args])
        assert result.exit_code == 1, result.output
        [line] = [line for line in result.stderr.splitlines() if line.strip()]
        assert message in line, line
    assert counts(three) == before
