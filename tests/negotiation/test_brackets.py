"""Brackets in Rev.N are first-class (issue 13 item 5): each bracketed alternative keeps its amendment number
and `decide` settles it on the revision that shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafting import app as api
from drafting.errors import DraftingStateError
from tests.negotiation import SEAT, SEAT_TEXT, Base, counts, edit_md, events, new_workspace

NEW = "Invite the secretariat to report annually;"
STRUCTURES = "endorse_structures"


@pytest.fixture(scope="module")
def rev1_template(base: Base, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Rev.1 with three open questions: the seat (Almaty, Astana or Dushanbe), a proposed new paragraph, and a
    proposed deletion, all undecided in the first round."""
    root = tmp_path_factory.mktemp("rev1")
    ws = new_workspace(root / "ws", base)
    api.submit(ws, "KAZ", edit_md(base.md, root / "kaz.md", [(SEAT, SEAT.replace("in Almaty", "in Astana"))]))
    api.submit(ws, "TJK", edit_md(base.md, root / "tjk.md", [(SEAT, SEAT.replace("in Almaty", "in Dushanbe"))],
                                  [("request_support", NEW)]))
    api.submit(ws, "KGZ", edit_md(base.md, root / "kgz.md", delete=[STRUCTURES]))
    api.revise(ws, root / "rev1", ("md",))
    return ws


@pytest.fixture
def rev1(rev1_template: Path, tmp_path: Path) -> Path:
    import shutil

    return Path(shutil.copytree(rev1_template, tmp_path / "ws"))


def paragraphs(ws: Path) -> dict[str, str]:
    with api.open_workspace(ws) as workspace:
        _, document = workspace.document()
    return {p.id: p.text for p in document.paragraphs}


def on_current(ws: Path) -> dict[str, dict]:
    report = api.status_report(ws)
    return {a["number"]: dict(a, paragraph=p["id"], status=p["status"]) for p in report["paragraphs"]
            for a in p["amendments"] + p["proposed_after"]}


def test_rev1_lists_each_bracketed_alternative_under_its_number(rev1: Path) -> None:
    texts = paragraphs(rev1)
    seat = SEAT_TEXT.replace("in Almaty", "in [Almaty][Astana][Dushanbe]")
    assert texts["secretariat_seat"] == seat
    [new_id] = [pid for pid, text in texts.items() if text == f"[{NEW}]"]
    assert texts[STRUCTURES].startswith("[") and texts[STRUCTURES].endswith("]")
    found = on_current(rev1)
    assert {n: (a["delegation"], a["paragraph"], a["kind"], a["old"], a["new"]) for n, a in found.items()} == {
        "KAZ/1": ("Kazakhstan", "secretariat_seat", "replace", "[Almaty][Astana][Dushanbe]", "Astana"),
        "TJK/1": ("Tajikistan", "secretariat_seat", "replace", "[Almaty][Astana][Dushanbe]", "Dushanbe"),
        "TJK/2": ("Tajikistan", new_id, "replace", f"[{NEW}]", NEW),
        "KGZ/1": ("Kyrgyzstan", STRUCTURES, "paragraph-delete", texts[STRUCTURES], "")}
    assert {a["status"] for a in found.values()} == {"bracketed"}
    assert all(a["bracketed"] for a in found.values())


def test_the_compilation_of_rev1_lists_the_alternatives_with_their_numbers(rev1: Path, tmp_path: Path) -> None:
    api.compile_outputs(rev1, tmp_path / "c", ("md",))
    md = (tmp_path / "c" / "compilation.md").read_text(encoding="utf-8")
    assert "> Bracketed alternatives: KAZ/1 Kazakhstan: “Astana”; TJK/1 Tajikistan: “Dushanbe”" in md
    assert "> Bracketed alternatives: TJK/2 Tajikistan: keep the paragraph" in md
    assert "> Bracketed alternatives: KGZ/1 Kyrgyzstan: delete the paragraph" in md
    assert "## Conflicts\n\nNone." in md  # alternatives awaiting a decision are not a conflict


def test_accepting_one_alternative_on_rev1_settles_the_bracket_in_rev2(rev1: Path, tmp_path: Path) -> None:
    ids = {n: a["id"] for n, a in on_current(rev1).items()}
    done = api.decide_batch(rev1, ["KAZ/1", "TJK/2"], "accept", note="agreed in the second reading")
    assert [d.revision for d in done] == [1, 1]
    api.decide(rev1, "KGZ/1", "accept")
    _, revision = api.revise(rev1, tmp_path / "rev2", ("md",))
    texts = paragraphs(rev1)
    assert texts["secretariat_seat"] == SEAT_TEXT.replace("in Almaty", "in Astana")
    assert NEW in texts.values() and f"[{NEW}]" not in texts.values()
    assert STRUCTURES not in texts
    assert set(revision.applied) == {ids["KAZ/1"], ids["TJK/2"], ids["KGZ/1"]}
    statuses = {p["id"]: p["status"] for p in api.status_report(rev1)["paragraphs"]}
    assert statuses["secretariat_seat"] == "pending"  # no brackets left
    assert on_current(rev1) == {}  # nothing left to decide


def test_rejecting_every_alternative_keeps_the_text_as_it_was(rev1: Path, tmp_path: Path) -> None:
    api.decide_batch(rev1, ["KAZ/1", "TJK/1", "TJK/2", "KGZ/1"], "reject")
    api.revise(rev1, tmp_path / "rev2", ("md",))
    texts = paragraphs(rev1)
    assert texts["secretariat_seat"] == SEAT_TEXT
    assert not any(NEW in text for text in texts.values())  # the proposed paragraph goes
    assert not texts[STRUCTURES].startswith("[")  # the paragraph stays, unbracketed
    assert not any("[" in text for text in texts.values())


def test_an_alternative_rejected_leaves_the_others_in_brackets_under_the_same_numbers(rev1: Path,
                                                                                     tmp_path: Path) -> None:
    api.decide(rev1, "KAZ/1", "reject", note="Astana withdrawn in favour of the others")
    api.revise(rev1, tmp_path / "rev2", ("md",))
    texts = paragraphs(rev1)
    assert texts["secretariat_seat"] == SEAT_TEXT.replace("in Almaty", "in [Almaty][Dushanbe]")
    found = on_current(rev1)
    assert sorted(found) == ["KGZ/1", "TJK/1", "TJK/2"]  # Rev.2 still offers them, under the same numbers
    assert (found["TJK/1"]["old"], found["TJK/1"]["new"]) == ("[Almaty][Dushanbe]", "Dushanbe")
    api.decide(rev1, "TJK/1", "accept")
    api.revise(rev1, tmp_path / "rev3", ("md",))
    assert paragraphs(rev1)["secretariat_seat"] == SEAT_TEXT.replace("in Almaty", "in Dushanbe")


def test_a_bracket_decision_is_recorded_on_the_revision_that_shows_it(rev1: Path) -> None:
    api.decide(rev1, "TJK/1", "accept", note="the room agreed on Dushanbe")
    [event] = [e for e in events(rev1) if e["kind"] == "decision"]
    assert (event["subject"], event["detail"]["revision"], event["detail"]["note"]) == (
        "TJK/1", 1, "the room agreed on Dushanbe")


def test_a_number_neither_current_nor_bracketed_is_refused(rev1: Path, base: Base, tmp_path: Path) -> None:
    before = counts(rev1)
    with pytest.raises(DraftingStateError, match="no amendment 'KAZ/2' on Rev"):
        api.decide(rev1, "KAZ/2", "accept")
    assert counts(rev1) == before
