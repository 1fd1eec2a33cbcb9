"""The reflection report (issue 13 item 7): every proposal of every delegation across the revisions, and
where it went — counted against the record itself."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest

from drafting import app as api
from drafting.cli import cli
from tests.negotiation import LAUNCH, RAP, RCF, SEAT, Base, connect, edit_md, new_workspace

NEW = "Invite the secretariat to report annually;"


@pytest.fixture(scope="module")
def two_rounds(base: Base, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reflect")
    ws = new_workspace(root / "ws", base)
    api.submit(ws, "KAZ", edit_md(base.md, root / "kaz0.md", [(RCF, RCF.replace("draft", "early"))]))
    api.submit(ws, "KAZ", edit_md(base.md, root / "kaz.md", [(RCF, RCF.replace("draft", "updated")),
                                                              (SEAT, SEAT.replace("in Almaty", "in Astana"))]))
    api.submit(ws, "TJK", edit_md(base.md, root / "tjk.md", [(SEAT, SEAT.replace("in Almaty", "in Dushanbe")),
                                                              (RAP, RAP.replace("draft", "revised"))],
                                  [("request_support", NEW)]))
    api.submit(ws, "KGZ", edit_md(base.md, root / "kgz.md", [(LAUNCH, LAUNCH.replace("Formally launch",
                                                                                     "Formally and solemnly launch"))]))
    # KAZ/1 early (superseded), KAZ/2 updated, KAZ/3 Astana; TJK/1 revised, TJK/2 Dushanbe, TJK/3 new; KGZ/1
    api.decide_batch(ws, ["KAZ/2"], "accept")
    api.decide(ws, "KGZ/1", "withdraw")
    api.propose(ws, "endorse_rap", "Take note of the draft Regional Action Plan", replaces=["TJK/1"])
    api.decide(ws, "Chair/1", "accept")
    api.support(ws, ["TJK/2"], "KGZ")
    api.revise(ws, root / "rev1", ("md",))  # the seat (KAZ/3, TJK/2) and TJK/3 go into brackets
    api.decide(ws, "TJK/2", "accept", note="Dushanbe, in the second reading")
    api.decide(ws, "KAZ/3", "reject")
    api.revise(ws, root / "rev2", ("md",))
    return ws


def test_every_proposal_of_every_delegation_is_accounted_for(two_rounds: Path, tmp_path: Path) -> None:
    ws = Path(shutil.copytree(two_rounds, tmp_path / "ws"))
    written, report = api.reflect(ws, tmp_path / "out")
    with closing(connect(ws)) as db:
        recorded = Counter(name for name, in db.execute(
            "SELECT d.name FROM (SELECT DISTINCT delegation, id FROM amendments) a "
            "JOIN delegations d ON d.id = a.delegation"))
        chair = db.execute("SELECT count(*) FROM proposals").fetchone()[0]
    assert {name: len(fates) for name, fates in report.items()} == {**recorded, "Chair": chair}
    fates = {f.number: (f.outcome, f.where) for fates in report.values() for f in fates}
    assert fates == {
        "KAZ/1": ("superseded", "superseded by a later submission of Kazakhstan on original"),
        "KAZ/2": ("accepted", "accepted into Rev.1, paragraph - 1 -"),
        "KAZ/3": ("rejected", "rejected on Rev.1"),
        "TJK/1": ("merged", "merged into the chair's proposal Chair/1"),
        "TJK/2": ("accepted", "accepted into Rev.2, paragraph - 5 -"),
        "TJK/3": ("bracketed", "still in brackets in Rev.2"),
        "KGZ/1": ("withdrawn", "withdrawn on original"),
        "Chair/1": ("accepted", "accepted into Rev.1, paragraph - 2 -"),
    }
    assert next(f for f in report["Tajikistan"] if f.number == "TJK/2").supporters == ("Kyrgyzstan",)
    assert sorted(p.name for p in written) == ["reflection.html", "reflection.md"]
    md = (tmp_path / "out" / "reflection.md").read_text(encoding="utf-8")
    assert "## Tajikistan" in md and "3 proposal(s): 1 accepted, 1 merged, 1 bracketed." in md
    assert "| TJK/2 | original | secretariat\\_seat |" in md


def test_one_delegation_as_json(two_rounds: Path, tmp_path: Path, runner) -> None:
    ws = Path(shutil.copytree(two_rounds, tmp_path / "ws"))
    result = runner.invoke(cli, ["reflect", str(ws), "--delegation", "TJK", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["Tajikistan"]
    assert [(f["number"], f["outcome"], f["revision"]) for f in data["Tajikistan"]] == [
        ("TJK/1", "merged", 0), ("TJK/2", "accepted", 0), ("TJK/3", "bracketed", 0)]
    result = runner.invoke(cli, ["reflect", str(ws), "--delegation", "Narnia", "--json"])
    assert result.exit_code == 1 and "unknown delegation 'Narnia'" in result.stderr


@pytest.mark.libreoffice
def test_the_report_as_a_word_document(two_rounds: Path, tmp_path: Path) -> None:
    ws = Path(shutil.copytree(two_rounds, tmp_path / "ws"))
    written, _ = api.reflect(ws, tmp_path / "out", delegation="Tajikistan", formats=("docx",))
    assert [p.name for p in written] == ["reflection.docx"]
    text = "\n".join(api.text_of(written[0]))
    assert "Tajikistan" in text and "TJK/2" in text and "accepted into Rev.2, paragraph - 5 -" in text
    assert "Kazakhstan" not in text.replace("Kazakhstan, UNHCR", "")
