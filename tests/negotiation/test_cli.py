"""The negotiation commands: init, submit, log, compile, decide, mark, status, revise; exit codes 0/1/2,
one-line errors, and a record of every step with time and actor."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from drafting.cli import cli
from drafting.negotiation.store import DB_NAME
from tests.negotiation import (
    RAP,
    SEAT,
    SECRETARIAT,
    SPEC,
    Base,
    counts,
    edit_md,
    untracked_docx_edit,
)


def ok(runner, *args: object, **kwargs):
    result = runner.invoke(cli, [str(a) for a in args], **kwargs)
    assert result.exit_code == 0, result.output
    return result


def one_line_error(result, code: int = 1) -> str:
    assert result.exit_code == code, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.stderr
    return lines[0]


def test_a_whole_round_through_the_cli(runner, base: Base, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRAFTING_ACTOR", "clerk")
    ws = tmp_path / "ws"
    result = ok(runner, "negotiation", "init", ws, "--base", SPEC)
    assert result.stdout == (f"{ws}: negotiation of almaty-2012-recommendations opened on the original text "
                             "(28 paragraphs)\n")
    kaz = edit_md(base.md, tmp_path / "kaz.md", [(SEAT, SEAT.replace("in Almaty", "in Astana"))])
    tjk = edit_md(base.md, tmp_path / "tjk.md", [(SEAT, SEAT.replace("in Almaty", "in Dushanbe")),
                                                 (RAP, RAP.replace("draft", "revised"))],
                  [("request_support", "Invite the secretariat to report annually;")])
    assert ok(runner, "submit", ws, "--delegation", "KAZ", kaz).stdout == (
        "Kazakhstan: submission 1, made against original (by its identity), 1 amendment(s)\n")
    assert ok(runner, "submit", ws, "--delegation", "Tajikistan", tjk, "--actor", "desk officer").stdout == (
        "Tajikistan: submission 2, made against original (by its identity), 3 amendment(s)\n")
    assert ok(runner, "submit", ws, "--delegation", "kaz", kaz).stdout == (
        "Kazakhstan: already recorded, made against original (by its identity), 1 amendment(s)\n")

    result = ok(runner, "compile", ws, "-o", tmp_path / "c0")
    assert result.stdout.splitlines() == [str(tmp_path / "c0" / f"compilation.{f}") for f in ("docx", "md", "html")] + [
        "conflict: paragraph - 5 - (secretariat_seat): Kazakhstan, Tajikistan"]

    report = json.loads(ok(runner, "status", ws, "--json").stdout)
    assert (report["document"], report["revision"], report["label"]) == ("almaty-2012-recommendations", 0,
                                                                         "original")
    assert report["delegations"] == ["Kazakhstan", "Tajikistan"]
    assert report["conflicts"] == [{"paragraph": "secretariat_seat", "number": "- 5 -",
                                    "delegations": ["Kazakhstan", "Tajikistan"]}]
    by_id = {p["id"]: p for p in report["paragraphs"]}
    assert len(by_id) == 28
    seat = by_id["secretariat_seat"]
    assert (seat["number"], seat["status"], seat["conflict"]) == ("- 5 -", "pending", True)
    assert {(a["delegation"], a["kind"], a["old"], a["new"], a["decision"]) for a in seat["amendments"]} == {
        ("Kazakhstan", "replace", "Almaty", "Astana", "pending"), ("Tajikistan", "replace", "Almaty", "Dushanbe",
                                                                   "pending")}
    [new] = by_id["request_support"]["proposed_after"]
    rap = by_id["endorse_rap"]["amendments"][0]
    astana = next(a for a in seat["amendments"] if a["delegation"] == "Kazakhstan")

    assert astana["number"] == "KAZ/1" and rap["number"] == "TJK/1" and new["number"] == "TJK/3"
    assert ok(runner, "decide", ws, "kaz/1", "reject", "--note", "the room prefers Dushanbe",
              "--actor", "chair").stdout == ('KAZ/1 reject: Kazakhstan, paragraph - 5 - (secretariat_seat), '
                                             'replace "Almaty" -> "Astana" (the room prefers Dushanbe)\n')
    ok(runner, "decide", ws, rap["id"][:7], "accept", "--actor", "chair")
    ok(runner, "decide", ws, new["id"], "accept", "--actor", "chair")
    assert ok(runner, "mark", ws, "endorse_rcf", "agreed", "--actor", "chair").stdout == "endorse_rcf: agreed\n"
    ok(runner, "mark", ws, "follow_up", "agreed-ad-ref", "--actor", "chair")
    text = ok(runner, "status", ws).stdout
    assert text.splitlines()[0] == "almaty-2012-recommendations original"
    assert "endorse_rcf" in text and "agreed" in text and "CONFLICT" not in text
    assert f"{astana['id']}" not in text  # rejected: no longer active

    result = ok(runner, "revise", ws, "--actor", "chair")
    written = result.stdout.splitlines()
    assert {str(ws / "rev1" / "recommendations-rev1.md"), str(ws / "rev1" / "recommendations-rev1.docx")} <= set(
        written)
    assert all(Path(w).parent == ws / "rev1" and Path(w).is_file() for w in written)
    assert result.stderr.splitlines()[0] == "Rev.1: 2 amendment(s) applied, 1 left in brackets"
    md = (ws / "rev1" / "recommendations-rev1.md").read_text(encoding="utf-8")
    assert "revision=1" in md and "Endorse the revised Regional Action Plan" in md
    assert "established in \\[Almaty\\]\\[Dushanbe\\];" in md
    assert "\\- 7 - Invite the secretariat to report annually;" in md

    round2 = edit_md(ws / "rev1" / "recommendations-rev1.md", tmp_path / "kgz.md",
                     [("Invite the secretariat to report annually;", "Invite the secretariat to report twice a year;")])
    assert ok(runner, "submit", ws, "--delegation", "KGZ", round2).stdout == (
        "Kyrgyzstan: submission 3, made against Rev.1 (by its identity), 1 amendment(s)\n")
    late = ok(runner, "submit", ws, "--delegation", "TKM", kaz)
    assert "made against original" in late.stdout
    assert late.stderr == "note: not the current revision; recorded, but not in the current compilation\n"
    report = json.loads(ok(runner, "status", ws, "--json").stdout)
    assert report["label"] == "Rev.1" and report["delegations"] == ["Kyrgyzstan"]
    [bracket] = next(p for p in report["paragraphs"] if p["id"] == "secretariat_seat")["amendments"]
    assert (bracket["number"], bracket["old"], bracket["new"]) == ("TJK/2", "[Almaty][Dushanbe]", "Dushanbe")
    statuses = {p["id"]: p["status"] for p in report["paragraphs"]}
    assert statuses["endorse_rcf"] == "agreed" and statuses["follow_up"] == "agreed-ad-ref"
    assert statuses["secretariat_seat"] == "bracketed"

    # the record: every step, with its time and its actor, oldest first
    log = json.loads(ok(runner, "log", ws, "--json").stdout)
    assert [(e["kind"], e["actor"]) for e in log] == [
        ("revision-issued", "clerk"), ("submission", "clerk"), ("submission", "desk officer"),
        ("submission-repeated", "clerk"), ("decision", "chair"), ("decision", "chair"), ("decision", "chair"),
        ("status", "chair"), ("status", "chair"), ("revision-issued", "chair"), ("submission", "clerk"),
        ("submission", "clerk")]
    assert [e["seq"] for e in log] == list(range(1, 13))
    times = [dt.datetime.strptime(e["at"], "%Y-%m-%dT%H:%M:%S.%fZ") for e in log]
    assert times == sorted(times) and times[-1] - times[0] < dt.timedelta(minutes=5)
    assert log[4]["subject"] == "KAZ/1"
    assert log[4]["detail"] == {"revision": 0, "amendment": astana["id"], "number": "KAZ/1", "decision": "reject",
                                "note": "the room prefers Dushanbe", "delegation": "Kazakhstan",
                                "paragraph": "secretariat_seat", "kind": "replace"}
    assert log[9]["subject"] == "Rev.1" and log[9]["detail"]["from"] == 0
    lines = ok(runner, "log", ws).stdout.splitlines()
    assert len(lines) == 12 and lines[0].split()[1:] == [log[0]["at"], "clerk", "revision-issued", "original"]
    assert lines[2].strip().split("  ") == ["3", log[2]["at"], "desk officer", "submission", "Tajikistan",
                                            "tjk.md: 3 amendment(s)"]
    assert lines[4].strip().split("  ")[2:] == ["chair", "decision", "KAZ/1",
                                                "reject (Kazakhstan, secretariat_seat): the room prefers Dushanbe"]


def test_init_from_a_docx_made_by_assemble(runner, base: Base, tmp_path: Path) -> None:
    result = ok(runner, "negotiation", "init", tmp_path / "ws", "--base", base.docx)
    assert "opened on the original text (28 paragraphs)" in result.stdout
    ok(runner, "submit", tmp_path / "ws", "--delegation", "KAZ", base.md)  # our Markdown copy matches the .docx


def test_init_refuses_an_existing_workspace_and_an_edited_docx(runner, ws: Path, base: Base, tmp_path: Path) -> None:
    before = (ws / DB_NAME).read_bytes()
    line = one_line_error(runner.invoke(cli, ["negotiation", "init", str(ws), "--base", str(SPEC)]))
    assert line == f"Error: {ws}: a negotiation workspace already exists here"
    assert (ws / DB_NAME).read_bytes() == before
    edited = untracked_docx_edit(base.docx, tmp_path / "edited.docx", "Regional Action Plan", "Regional Plan")
    line = one_line_error(runner.invoke(cli, ["negotiation", "init", str(tmp_path / "new"), "--base", str(edited)]))
    assert line.startswith(f"Error: {edited}: the .docx was edited after it was assembled")
    assert not (tmp_path / "new").exists()
    line = one_line_error(runner.invoke(cli, ["negotiation", "init", str(tmp_path / "new"), "--base",
                                              str(tmp_path / "missing.yaml")]))
    assert "missing.yaml" in line and not (tmp_path / "new").exists()


@pytest.mark.parametrize("args", [
    ["decide", "{ws}", "A123", "approve"],
    ["mark", "{ws}", "endorse_rcf", "done"],
    ["compile", "{ws}", "-o", "{tmp}/out", "--format", "odt"],
    ["compile", "{ws}"],
    ["submit", "{ws}", "{md}"],
    ["status", "{ws}", "--yaml"],
    ["negotiation", "init", "{tmp}/new"],
], ids=lambda a: " ".join(a[:1] + a[2:]))
def test_usage_errors_exit_2(runner, ws: Path, base: Base, tmp_path: Path, args: list[str]) -> None:
    before = counts(ws)
    argv = [a.format(ws=ws, tmp=tmp_path, md=base.md) for a in args]
    result = runner.invoke(cli, argv)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert counts(ws) == before and not (tmp_path / "out").exists() and not (tmp_path / "new").exists()


def test_rejected_inputs_exit_1_with_one_line_and_change_nothing(runner, ws: Path, base: Base,
                                                                  tmp_path: Path) -> None:
    kaz = edit_md(base.md, tmp_path / "kaz.md", [(SEAT, SEAT.replace("in Almaty", "in Astana"))])
    ok(runner, "submit", ws, "--delegation", "KAZ", kaz)
    before = counts(ws)
    nowhere = tmp_path / "nowhere"
    nowhere.mkdir()
    cases = {
        ("status", str(nowhere)): "not a negotiation workspace",
        ("submit", str(nowhere), "--delegation", "KAZ", str(kaz)): "not a negotiation workspace",
        ("submit", str(ws), "--delegation", "KAZ", str(tmp_path / "missing.md")): "cannot read file",
        ("submit", str(ws), "--delegation", "", str(kaz)): "--delegation must not be empty",
        ("decide", str(ws), "Anope", "accept"): "no amendment 'Anope' on original",
        ("mark", str(ws), "nowhere", "agreed"): "no paragraph 'nowhere' in original",
    }
    for args, message in cases.items():
        line = one_line_error(runner.invoke(cli, list(args)))
        assert line.startswith("Error: ") and message in line, (args, line)
    other = tmp_path / "other.md"
    other.write_text(kaz.read_text(encoding="utf-8").replace("document=almaty-2012-recommendations",
                                                             "document=another-meeting"), encoding="utf-8")
    line = one_line_error(runner.invoke(cli, ["submit", str(ws), "--delegation", "TJK", str(other)]))
    assert line == (f"Error: {other}: made against document 'another-meeting', not 'almaty-2012-recommendations'")
    assert counts(ws) == before
    assert not list(nowhere.iterdir())


def test_status_text_lists_amendments_and_conflicts(runner, ws: Path, base: Base, tmp_path: Path) -> None:
    ok(runner, "submit", ws, "--delegation", "KAZ", edit_md(base.md, tmp_path / "kaz.md",
                                                            [(SEAT, SEAT.replace("in Almaty", "in Astana"))]))
    ok(runner, "submit", ws, "--delegation", "TJK", edit_md(base.md, tmp_path / "tjk.md",
                                                            [(SEAT, SEAT.replace("in Almaty", "in Dushanbe"))]))
    lines = ok(runner, "status", ws).stdout.splitlines()
    seat = next(i for i, line in enumerate(lines) if "secretariat_seat" in line)
    assert lines[seat].split() == ["-", "5", "-", "secretariat_seat", "pending", "CONFLICT"]
    assert [line.split() for line in lines[seat + 1:seat + 3]] == [["KAZ/1", "Kazakhstan", "replace", "pending"],
                                                                 ["TJK/1", "Tajikistan", "replace", "pending"]]
    assert lines[-1] == "conflict: - 5 -: Kazakhstan, Tajikistan"


def test_log_of_a_new_workspace(runner, ws: Path) -> None:
    [event] = json.loads(ok(runner, "log", ws, "--json").stdout)
    assert (event["seq"], event["kind"], event["subject"], event["actor"]) == (1, "revision-issued", "original",
                                                                              SECRETARIAT)
    assert event["detail"]["revision"] == 0 and len(event["detail"]["content_hash"]) == 64
    dt.datetime.strptime(event["at"], "%Y-%m-%dT%H:%M:%S.%fZ")


def test_batch_submit_by_file_name_records_each_and_reports_refusals(tmp_path):
    """Several files in one process; a refused file is reported, the others are recorded (exit 1)."""
    import shutil

    from click.testing import CliRunner

    from drafting.cli import cli
    from tests.conftest import ALMATY, ALMATY_SPEC

    runner = CliRunner()
    ws = tmp_path / "ws"
    assert runner.invoke(cli, ["negotiation", "init", str(ws), "--base", str(ALMATY_SPEC)]).exit_code == 0
    files = []
    for name in ("kazakhstan", "tajikistan"):
        target = tmp_path / f"{name}.docx"
        shutil.copy(ALMATY / "submissions" / f"{name}.docx", target)
        files.append(str(target))
    stranger = tmp_path / "france.txt"
    stranger.write_text("A text about something else entirely.\n", encoding="utf-8")
    result = runner.invoke(cli, ["submit", str(ws), "--by-file-name", *files, str(stranger)])
    assert result.exit_code == 1
    assert "Kazakhstan: submission 1" in result.output and "Tajikistan: submission 2" in result.output
    assert "france.txt: made against a text this workspace does not know" in result.output
    assert runner.invoke(cli, ["submit", str(ws), files[0]]).exit_code == 2  # neither --delegation nor --by-file-name
