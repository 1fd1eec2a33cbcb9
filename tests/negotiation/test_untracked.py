"""Edits made in Word with Track Changes off are visible as such: in submit's and status's output, in the
status JSON, and in the compilation (issue 13 item 3). An edited Markdown file has no Track Changes to
forget, so its amendments are not marked."""

from __future__ import annotations

import json
import re
from pathlib import Path

from drafting import app as api
from drafting.cli import cli
from tests.negotiation import RAP, SEAT, Base, edit_md, untracked_docx_edit


def partly_tracked(base: Base, tmp_path: Path) -> Path:
    """Kazakhstan's .docx: the seat changed with Track Changes on, the Cooperation Framework edited with it off."""
    edited = edit_md(base.md, tmp_path / "edited.md", [(SEAT, SEAT.replace("in Almaty", "in Astana"))])
    tracked = tmp_path / "tracked.docx"
    api.redline(base.docx, edited, tracked, author="Kazakhstan")
    return untracked_docx_edit(tracked, tmp_path / "kazakhstan.docx", " the draft Regional Cooperation Framework",
                               " the revised Regional Cooperation Framework")


def test_submit_and_status_say_how_many_edits_were_made_without_track_changes(ws: Path, base: Base,
                                                                              tmp_path: Path, runner) -> None:
    result = runner.invoke(cli, ["submit", str(ws), "--delegation", "KAZ", str(partly_tracked(base, tmp_path))])
    assert result.exit_code == 0, result.output
    assert result.stdout == ("Kazakhstan: submission 1, made against original (by its identity), 2 amendment(s), "
                             "1 made without Track Changes\n")
    md = edit_md(base.md, tmp_path / "tjk.md", [(RAP, RAP.replace("draft", "revised"))])
    result = runner.invoke(cli, ["submit", str(ws), "--delegation", "TJK", str(md)])
    assert result.stdout.endswith("1 amendment(s)\n")  # a Markdown file: nothing to forget

    report = json.loads(runner.invoke(cli, ["status", str(ws), "--json"]).stdout)
    flags = {a["delegation"] + ":" + a["new"]: (a["tracked"], a["without_track_changes"])
             for p in report["paragraphs"] for a in p["amendments"]}
    assert flags == {"Kazakhstan:Astana": (True, False), "Kazakhstan:revised": (False, True),
                     "Tajikistan:revised": (False, False)}
    assert report["without_track_changes"] == 1
    text = runner.invoke(cli, ["status", str(ws)]).stdout.splitlines()
    marked = [line.split()[0] for line in text if line.endswith("(made without Track Changes)")]
    assert marked == ["KAZ/2"]  # tracked changes are read first: the seat is KAZ/1
    assert text[-1] == "1 edit(s) made without Track Changes"


def test_the_compilation_marks_untracked_edits(ws: Path, base: Base, tmp_path: Path) -> None:
    api.submit(ws, "KAZ", partly_tracked(base, tmp_path))
    api.compile_outputs(ws, tmp_path / "out", ("md", "html"))
    md = (tmp_path / "out" / "compilation.md").read_text(encoding="utf-8")
    assert "{~~draft~>revised~~}{>>KAZ/2 Kazakhstan (without Track Changes)<<}" in md
    assert "{~~Almaty~>Astana~~}{>>KAZ/1 Kazakhstan<<}" in md
    html = (tmp_path / "out" / "compilation.html").read_text(encoding="utf-8")
    rcf = re.search(r'<div[^>]*id="p-endorse_rcf".*?</div>', html, re.DOTALL)
    seat = re.search(r'<div[^>]*id="p-secretariat_seat".*?</div>', html, re.DOTALL)
    assert rcf is not None and seat is not None
    assert 'class="untracked"' in rcf.group(0) and "untracked-edit" in rcf.group(0)
    assert "untracked" not in seat.group(0)
