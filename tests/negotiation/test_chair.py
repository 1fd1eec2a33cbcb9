"""The chair's hand (issue 13 item 5): proposals of the chair (`Chair/N`) decided like any amendment, a
compromise that merges delegations' amendments, and supporters (co-sponsors) shown with an amendment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drafting import app as api
from drafting.cli import cli
from drafting.errors import DraftingInputError, DraftingStateError
from tests.negotiation import RAP, SEAT, SEAT_TEXT, Base, counts, edit_md, events, new_workspace

COMPROMISE = SEAT_TEXT.replace("in Almaty", "in Almaty, with a liaison office in Dushanbe")


@pytest.fixture
def ws(tmp_path: Path, base: Base) -> Path:
    ws = new_workspace(tmp_path / "ws", base)
    api.submit(ws, "KAZ", edit_md(base.md, tmp_path / "kaz.md", [(SEAT, SEAT.replace("in Almaty", "in Astana"))]))
    api.submit(ws, "TJK", edit_md(base.md, tmp_path / "tjk.md", [(SEAT, SEAT.replace("in Almaty", "in Dushanbe")),
                                                                  (RAP, RAP.replace("draft", "revised"))]))
    return ws


def test_a_compromise_of_the_chair_is_numbered_shown_decided_and_merges_what_it_replaces(ws: Path,
                                                                                       tmp_path: Path,
                                                                                       runner) -> None:
    result = runner.invoke(cli, ["propose", str(ws), "5", "--text", COMPROMISE, "--replaces", "KAZ/1",
                                 "--replaces", "TJK/2", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert (shown["number"], shown["delegation"], shown["paragraph"], shown["kind"], shown["new"]) == (
        "Chair/1", "Chair", "secretariat_seat", "replace", COMPROMISE)
    [event] = [e for e in events(ws) if e["kind"] == "proposal"]
    assert (event["subject"], event["detail"]["replaces"]) == ("Chair/1", ["KAZ/1", "TJK/2"])
    report = api.status_report(ws)
    seat = next(p for p in report["paragraphs"] if p["id"] == "secretariat_seat")
    assert {a["number"]: a["replaced_by"] for a in seat["amendments"]} == {
        "KAZ/1": "Chair/1", "TJK/2": "Chair/1", "Chair/1": None}
    api.compile_outputs(ws, tmp_path / "out", ("md",))
    md = (tmp_path / "out" / "compilation.md").read_text(encoding="utf-8")
    assert f"(Chair/1 Chair): {COMPROMISE}]" in md
    api.decide(ws, "Chair/1", "accept", note="agreed as a compromise")
    _, revision = api.revise(ws, tmp_path / "rev1", ("md",))
    with api.open_workspace(ws) as workspace:
        _, document = workspace.document()
    seat = document.paragraph("secretariat_seat")
    assert seat is not None
    assert seat.text == COMPROMISE  # no brackets: the others merged into it
    assert "KAZ/1 is merged into the accepted Chair/1" in revision.notes


def test_the_chairs_new_paragraph_and_a_second_proposal_take_the_next_numbers(ws: Path) -> None:
    first = api.propose(ws, "endorse_rap", "Welcome the draft Regional Action Plan", actor="chair")
    second = api.propose(ws, "endorse_rap", "Invite States to implement the Plan;", after=True, actor="chair")
    assert (first.number, second.number) == ("Chair/1", "Chair/2")
    assert second.amendment.kind.value == "paragraph-insert" and second.amendment.paragraph == "endorse_rap"
    found = {a["number"] for p in api.status_report(ws)["paragraphs"] for a in p["amendments"] + p["proposed_after"]}
    assert {"Chair/1", "Chair/2"} <= found


@pytest.mark.parametrize(("args", "message"), [
    (["nowhere", "--text", "x"], "no paragraph 'nowhere' in original"),
    (["5", "--text", "x", "--replaces", "KAZ/9"], "no amendment 'KAZ/9' on original"),
    (["5", "--text", "   "], "--text must not be empty"),
    (["5", "--text", SEAT_TEXT], "is the text of paragraph secretariat_seat already"),
])
def test_a_bad_proposal_records_nothing(ws: Path, runner, args: list[str], message: str) -> None:
    before = counts(ws)
    result = runner.invoke(cli, ["propose", str(ws), *args])
    assert result.exit_code == 1, result.output
    [line] = [line for line in result.stderr.splitlines() if line.strip()]
    assert message in line, line
    assert counts(ws) == before


def test_the_same_proposal_twice_is_refused(ws: Path) -> None:
    api.propose(ws, "5", COMPROMISE)
    with pytest.raises(DraftingStateError, match=r"the chair proposed this already \(Chair/1\)"):
        api.propose(ws, "secretariat_seat", COMPROMISE)


def test_supporters_are_recorded_and_shown_with_the_amendment(ws: Path, tmp_path: Path, runner) -> None:
    result = runner.invoke(cli, ["support", str(ws), "TJK/1", "KAZ/1", "--delegation", "KGZ"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["TJK/1: supported by Kyrgyzstan", "KAZ/1: supported by Kyrgyzstan"]
    api.support(ws, ["TJK/1"], "Turkmenistan")
    report = api.status_report(ws)
    found = {a["number"]: a["supporters"] for p in report["paragraphs"] for a in p["amendments"]}
    assert found == {"KAZ/1": ["Kyrgyzstan"], "TJK/1": ["Kyrgyzstan", "Turkmenistan"], "TJK/2": []}
    api.compile_outputs(ws, tmp_path / "out", ("md", "html"))
    md = (tmp_path / "out" / "compilation.md").read_text(encoding="utf-8")
    assert "{~~draft~>revised~~}{>>TJK/1 Tajikistan; supported by Kyrgyzstan, Turkmenistan<<}" in md
    html = (tmp_path / "out" / "compilation.html").read_text(encoding="utf-8")
    assert 'supported by <bdi>Kyrgyzstan</bdi>, <bdi>Turkmenistan</bdi>' in html
    assert "supported by Kyrgyzstan, Turkmenistan" in runner.invoke(cli, ["status", str(ws)]).stdout


def test_bad_support_records_nothing(ws: Path) -> None:
    api.support(ws, ["KAZ/1"], "KGZ")
    before = counts(ws)
    with pytest.raises(DraftingStateError, match="Kyrgyzstan already supports KAZ/1"):
        api.support(ws, ["TJK/1", "KAZ/1"], "Kyrgyzstan")
    with pytest.raises(DraftingStateError, match="Kazakhstan proposed KAZ/1 itself"):
        api.support(ws, ["KAZ/1"], "KAZ")
    with pytest.raises(DraftingStateError, match="no amendment 'KAZ/7'"):
        api.support(ws, ["KAZ/7"], "TKM")
    with pytest.raises(DraftingInputError, match="--delegation must not be empty"):
        api.support(ws, ["KAZ/1"], " ")
    assert counts(ws) == before


def test_an_accepted_new_paragraph_of_the_chair_is_in_the_next_revision(ws: Path, tmp_path: Path) -> None:
    text = "Invite States to implement the Plan;"
    done = api.propose(ws, "endorse_rap", text, after=True)
    api.decide(ws, done.number, "accept")
    api.revise(ws, tmp_path / "rev1", ("md",))
    with api.open_workspace(ws) as workspace:
        _, document = workspace.document()
    ids = list(document.ids)
    [new] = [p for p in document.paragraphs if p.text == text]
    assert ids.index(new.id) == ids.index("endorse_rap") + 1
