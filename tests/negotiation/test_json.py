"""`--json` on submit and compile (issue 13 item 10): the schemas documented in docs/json.md."""

from __future__ import annotations

import json
from pathlib import Path

from drafting.cli import cli
from tests.negotiation import SEAT, Base, edit_md, new_workspace, untracked_docx_edit


def test_submit_and_compile_report_as_json(base: Base, tmp_path: Path, runner) -> None:
    ws = new_workspace(tmp_path / "ws", base)
    kaz = untracked_docx_edit(base.docx, tmp_path / "kazakhstan.docx", "established in Almaty",
                              "established in Astana")
    tjk = edit_md(base.md, tmp_path / "tajikistan.md", [(SEAT, SEAT.replace("in Almaty", "in Dushanbe"))])
    missing = tmp_path / "kyrgyzstan.md"
    result = runner.invoke(cli, ["submit", str(ws), "--by-file-name", str(kaz), str(tjk), str(missing), "--json"])
    assert result.exit_code == 1  # one file refused, the others recorded
    reported = json.loads(result.stdout)
    assert reported[:2] == [
        {"file": str(kaz), "delegation": "Kazakhstan", "submission": 1, "revision": 0, "label": "original",
         "matched_by": "identity", "similarity": 1.0, "amendments": 1, "without_track_changes": 1,
         "repeated": False, "current": True, "unlisted": False, "other_authors": []},
        {"file": str(tjk), "delegation": "Tajikistan", "submission": 2, "revision": 0, "label": "original",
         "matched_by": "identity", "similarity": 1.0, "amendments": 1, "without_track_changes": 0,
         "repeated": False, "current": True, "unlisted": False, "other_authors": []}]
    assert reported[2]["file"] == str(missing) and "cannot read file" in reported[2]["error"]
    result = runner.invoke(cli, ["compile", str(ws), "-o", str(tmp_path / "out"), "--format", "md", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "revision": 0, "label": "original", "files": [str(tmp_path / "out" / "compilation.md")],
        "delegations": ["Kazakhstan", "Tajikistan"],
        "conflicts": [{"paragraph": "secretariat_seat", "number": "- 5 -",
                       "delegations": ["Kazakhstan", "Tajikistan"]}],
        "without_track_changes": 1, "unplaced": []}
