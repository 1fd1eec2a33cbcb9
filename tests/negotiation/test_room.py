"""The negotiation as a room runs it, end to end (issue 13, acceptance): two rounds with LibreOffice-made returns
(one saved by LibreOffice carrying a comment and an edit made without Track Changes, one edited by LibreOffice
itself with Track Changes on), a joint proposal, a conflict, the chair's compromise with a
supporter, a bracket settled on Rev.1, a silence broken on one paragraph and kept on the rest, a final text;
and a reflection report that accounts for every proposal of every delegation."""

from __future__ import annotations

import datetime as dt
from contextlib import closing
from pathlib import Path

import pytest

from drafting import app as api
from tests.negotiation import (
    RAP,
    SEAT_TEXT,
    SUPPORT,
    assemble_base,
    connect,
    edit_md,
    new_workspace,
    untracked_docx_edit,
)
from tests.negotiation.test_comments import with_comment
from tests.oracle.libreoffice import LibreOffice

NEW = "Invite the secretariat to report annually;"
COMPROMISE = SEAT_TEXT.replace("in Almaty", "in Almaty, with a liaison office in Dushanbe")


@pytest.mark.libreoffice
def test_two_rounds_to_a_final_text(tmp_path: Path, libreoffice: LibreOffice) -> None:
    base = assemble_base(tmp_path / "base")
    ws = new_workspace(tmp_path / "ws", base)
    # Round 1: Kazakhstan returns Word with a comment and an edit made with Track Changes off, saved by LibreOffice
    commented = with_comment(base.docx, tmp_path / "commented.docx", "Kazakhstan", "To be confirmed by the capital",
                             words=" the draft Regional Cooperation Framework")
    edited = untracked_docx_edit(commented, tmp_path / "kazakhstan-edited.docx", "established in Almaty",
                                 "established in Astana")
    kaz = libreoffice.save_as_docx(edited, tmp_path / "kazakhstan.docx")
    assert api.submit(ws, "KAZ", kaz).untracked == 1
    # … Tajikistan (in LibreOffice, Track Changes on) and Kyrgyzstan (its Markdown copy) make the same change to
    # the Action Plan (joint); Tajikistan also the seat (a conflict with Kazakhstan) and a new paragraph
    after = next(i for i, text in enumerate(libreoffice.paragraphs(base.docx)) if SUPPORT in text)
    tjk = tmp_path / "tajikistan.docx"
    libreoffice.record_changes(base.docx, tjk, "Tajikistan", [
        {"op": "replace", "old": "established in Almaty", "new": "established in Dushanbe"},
        {"op": "replace", "old": "the draft Regional Action Plan", "new": "the revised Regional Action Plan"},
        {"op": "insert_paragraph", "after_paragraph": after, "text": NEW}])
    assert api.submit(ws, "TJK", tjk).untracked == 0
    api.submit(ws, "KGZ", edit_md(base.md, tmp_path / "kgz.md", [(RAP, RAP.replace("draft", "revised"))]))
    report = api.status_report(ws)
    assert [c["paragraph"] for c in report["conflicts"]] == ["secretariat_seat"]
    assert next(p for p in report["paragraphs"] if p["id"] == "endorse_rcf")["comments"][0]["delegation"] == \
        "Kazakhstan"
    numbers = {(a["delegation"], p["id"]): a["number"] for p in report["paragraphs"]
               for a in p["amendments"] + p["proposed_after"]}
    assert numbers == {("Kazakhstan", "secretariat_seat"): "KAZ/1", ("Tajikistan", "endorse_rap"): "TJK/1",
                       ("Tajikistan", "secretariat_seat"): "TJK/2", ("Tajikistan", "request_support"): "TJK/3",
                       ("Kyrgyzstan", "endorse_rap"): "KGZ/1"}
    # The chair's compromise on the seat, supported by Turkmenistan; the joint change accepted in one batch
    api.propose(ws, "5", COMPROMISE, replaces=["KAZ/1", "TJK/2"], actor="chair")
    api.support(ws, ["Chair/1"], "TKM")
    api.decide_batch(ws, ["Chair/1", "TJK/1", "KGZ/1"], "accept", actor="chair")
    api.revise(ws, tmp_path / "rev1", ("md",), actor="clerk")
    # Round 2, on Rev.1: the bracketed new paragraph is settled under its own number
    api.decide(ws, "TJK/3", "accept", note="agreed in informal consultations", actor="chair")
    api.revise(ws, tmp_path / "rev2", ("md",), actor="clerk")
    # Rev.2 under silence; Turkmenistan breaks it on the follow-up paragraph, which the room then agrees
    t0 = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    api.silence(ws, "2025-01-03T12:00Z", actor="chair", now=t0)
    api.break_silence(ws, "TKM", "follow_up", "one more reading", actor="clerk", now=t0 + dt.timedelta(days=1))
    statuses = {p["id"]: p["status"] for p in api.status_report(ws)["paragraphs"]}
    assert statuses["follow_up"] != "agreed"
    assert {s for pid, s in statuses.items() if pid != "follow_up"} == {"agreed"}
    api.mark(ws, "follow_up", "agreed", actor="chair")
    result = api.finalize(ws, tmp_path / "final", pdf=False, actor="clerk")
    assert not result.forced
    with api.open_workspace(ws) as workspace:
        _, final = workspace.document()
    texts = [p.text for p in final.paragraphs]
    assert COMPROMISE in texts and NEW in texts and RAP.replace("draft", "revised") in texts
    assert not any("[" in text for text in texts)
    # The reflection report accounts for every proposal of every delegation, and says where each went
    _, reflection = api.reflect(ws)
    with closing(connect(ws)) as db:
        recorded = db.execute("SELECT count(DISTINCT id) FROM amendments").fetchone()[0]
        proposals = db.execute("SELECT count(*) FROM proposals").fetchone()[0]
    fates = {f.number: f.outcome for fs in reflection.values() for f in fs}
    assert len(fates) == recorded + proposals
    assert fates == {"KAZ/1": "merged", "TJK/2": "merged", "Chair/1": "accepted", "TJK/1": "accepted",
                     "KGZ/1": "accepted", "TJK/3": "accepted"}
