"""Names checked (issue 13, item 8): a delegation resolves through the registry — code, short or formal name, any
language, case and accents ignored — or is refused in one line with the closest names, nothing recorded;
`--unlisted` admits an observer or organisation the registry lacks, and the record says so."""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path

import pytest

from drafting import app as api
from drafting.cli import cli
from drafting.errors import DraftingInputError
from tests.negotiation import (
    RAP,
    SEAT,
    Base,
    check_record,
    connect,
    counts,
    edit_md,
    events,
    run_cli,
)

KAZAKSTAN = "Error: unknown delegation 'Kazakstan' (did you mean Kazakhstan?)"
MALTA = "Sovereign Order of Malta"


def astana(base: Base, target: Path) -> Path:
    return edit_md(base.md, target, [(SEAT, SEAT.replace("in Almaty", "in Astana"))])


def delegations(ws: Path) -> list[tuple[str, str | None]]:
    with closing(connect(ws)) as db:
        return db.execute("SELECT name, code FROM delegations ORDER BY id").fetchall()


def stderr_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def test_a_misspelt_delegation_is_refused_in_one_line_and_nothing_is_recorded(ws: Path, base: Base,
                                                                               tmp_path: Path, runner) -> None:
    edited = astana(base, tmp_path / "kaz.md")
    before = counts(ws)
    result = runner.invoke(cli, ["submit", str(ws), "--delegation", "Kazakstan", str(edited)])
    assert (result.exit_code, result.stdout, stderr_lines(result)) == (1, "", [KAZAKSTAN])
    assert counts(ws) == before
    done = run_cli("submit", ws, "--delegation", "Kazakstan", edited)  # a real process: same line, same code
    assert (done.returncode, done.stdout, done.stderr) == (1, "", KAZAKSTAN + "\n")
    narnia = run_cli("submit", ws, "--delegation", "Narnia", edited)
    assert narnia.returncode == 1 and narnia.stderr.count("\n") == 1
    assert narnia.stderr.startswith("Error: unknown delegation 'Narnia': not in the registry (--unlisted admits")
    assert counts(ws) == before


def test_a_batch_by_file_name_with_one_unknown_name_records_nothing(ws: Path, base: Base, tmp_path: Path,
                                                                    runner) -> None:
    good = astana(base, tmp_path / "kazakhstan.md")
    bad = edit_md(base.md, tmp_path / "tajikstan.md", [(RAP, RAP.replace("draft", "revised"))])
    worse = edit_md(base.md, tmp_path / "narnia.md", [(RAP, RAP.replace("draft", "new"))])
    before = counts(ws)
    result = runner.invoke(cli, ["submit", str(ws), "--by-file-name", str(good), str(bad), str(worse)])
    assert result.exit_code == 1 and result.stdout == ""
    lines = stderr_lines(result)
    assert lines[0] == "Error: unknown delegation 'tajikstan' (did you mean Tajikistan or Pakistan?)"
    assert lines[1].startswith("unknown delegation 'narnia': not in the registry") and len(lines) == 2
    assert counts(ws) == before
    ok = runner.invoke(cli, ["submit", str(ws), "--by-file-name", str(good)])
    assert ok.exit_code == 0 and ok.stdout.startswith("Kazakhstan: submission 1")


@pytest.mark.parametrize("name", ["KAZ", "kaz", "Kazakhstan", "KAZAKHSTAN", "Republic of Kazakhstan",
                                  "the Republic of Kazakhstan", "Казахстан", "республика казахстан",
                                  "Ｋａｚａｋｈｓｔａｎ"])
def test_a_code_or_any_name_in_any_language_is_one_delegation(ws: Path, base: Base, tmp_path: Path,
                                                              name: str) -> None:
    result = api.submit(ws, name, astana(base, tmp_path / "kaz.md"), actor="clerk")
    assert (result.delegation, result.unlisted) == ("Kazakhstan", False)
    again = api.submit(ws, "kaz", astana(base, tmp_path / "kaz.md"), actor="clerk")
    assert again.repeated and delegations(ws) == [("Kazakhstan", "KAZ")]


def test_turkiye_under_its_former_name_is_recorded_as_turkiye(ws: Path, base: Base, tmp_path: Path) -> None:
    assert api.submit(ws, "Turkey", astana(base, tmp_path / "tur.md")).delegation == "Türkiye"
    assert api.submit(ws, "TURKIYE", astana(base, tmp_path / "tur.md")).repeated
    assert delegations(ws) == [("Türkiye", "TUR")]


def test_unlisted_admits_an_organisation_and_the_record_says_unlisted(ws: Path, base: Base, tmp_path: Path,
                                                                      runner) -> None:
    edited = astana(base, tmp_path / "malta.md")
    refused = runner.invoke(cli, ["submit", str(ws), "--delegation", MALTA, str(edited)])
    assert refused.exit_code == 1 and counts(ws)["submissions"] == 0
    result = runner.invoke(cli, ["submit", str(ws), "--unlisted", "--delegation", MALTA, str(edited), "--json"])
    assert result.exit_code == 0, result.output
    [reported] = json.loads(result.stdout)
    assert (reported["delegation"], reported["unlisted"]) == (MALTA, True)
    assert delegations(ws) == [(MALTA, None)]
    [event] = [e for e in events(ws) if e["kind"] == "submission"]
    assert (event["subject"], event["detail"]["unlisted"]) == (MALTA, True)
    # Known to this negotiation now: its next return needs no --unlisted, and is recorded as unlisted again.
    second = edit_md(base.md, tmp_path / "malta2.md", [(RAP, RAP.replace("draft", "revised"))])
    text = runner.invoke(cli, ["submit", str(ws), "--delegation", MALTA.lower(), str(second)])
    assert text.exit_code == 0 and text.stdout.startswith(f"{MALTA} (unlisted: not in the registry): submission 2")
    assert [e["detail"].get("unlisted") for e in events(ws) if e["kind"] == "submission"] == [True, True]
    # A State is never recorded as unlisted, even with the flag.
    kaz = api.submit(ws, "Kazakhstan", astana(base, tmp_path / "kaz.md"), unlisted=True)
    assert not kaz.unlisted and delegations(ws)[-1] == ("Kazakhstan", "KAZ")
    assert "unlisted" not in [e for e in events(ws) if e["kind"] == "submission"][-1]["detail"]
    check_record(ws)


def test_support_and_break_silence_check_the_name_too(ws: Path, base: Base, tmp_path: Path, runner) -> None:
    import datetime as dt

    api.submit(ws, "KAZ", astana(base, tmp_path / "kaz.md"))
    before = counts(ws)
    result = runner.invoke(cli, ["support", str(ws), "KAZ/1", "--delegation", "Tajikstan"])
    assert result.exit_code == 1 and stderr_lines(result) == [
        "Error: unknown delegation 'Tajikstan' (did you mean Tajikistan or Pakistan?)"]
    api.silence(ws, "2099-01-01T00:00Z", ["5"], actor="chair")
    before = counts(ws)
    with pytest.raises(DraftingInputError, match=r"^unknown delegation 'Kyrgystan' \(did you mean Kyrgyzstan\?\)$"):
        api.break_silence(ws, "Kyrgystan", "5", now=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    assert counts(ws) == before
    done = runner.invoke(cli, ["support", str(ws), "KAZ/1", "--delegation", "IOM"])  # an organisation: listed
    assert done.exit_code == 0 and done.stdout == "KAZ/1: supported by IOM\n"
    done = runner.invoke(cli, ["support", str(ws), "KAZ/1", "--delegation", MALTA, "--unlisted"])
    assert done.exit_code == 0, done.output
    supports = [e["detail"] for e in events(ws) if e["kind"] == "support"]
    assert [(s["delegation"], s.get("unlisted")) for s in supports] == [("IOM", None), (MALTA, True)]
    broken = runner.invoke(cli, ["break-silence", str(ws), "--delegation", "таджикистан", "--paragraph", "5"])
    assert broken.exit_code == 0 and broken.stdout.endswith("by Tajikistan\n")


def test_filters_name_delegations_as_the_record_or_the_registry_knows_them(ws: Path, base: Base,
                                                                           tmp_path: Path, runner) -> None:
    api.submit(ws, "KAZ", astana(base, tmp_path / "kaz.md"))
    before = counts(ws)
    result = runner.invoke(cli, ["decide", str(ws), "--delegation", "Kazakstan", "accept"])
    assert result.exit_code == 1 and stderr_lines(result) == [KAZAKSTAN]
    result = runner.invoke(cli, ["mark", str(ws), "--delegation", "Kazakstan", "agreed"])
    assert result.exit_code == 1 and stderr_lines(result) == [KAZAKSTAN]
    assert counts(ws) == before
    for name in ("Kazakhstan", "KAZ", "Казахстан"):
        shown = runner.invoke(cli, ["decide", str(ws), "--delegation", name, "accept", "--json"])
        assert shown.exit_code == 0 and json.loads(shown.stdout)[0]["delegation"] == "Kazakhstan"


def test_tracked_changes_by_someone_else_are_recorded_as_the_delegations_and_said(ws: Path, base: Base,
                                                                                  tmp_path: Path, runner) -> None:
    edited = astana(base, tmp_path / "edited.md")
    tracked = tmp_path / "by-jane.docx"
    api.redline(base.docx, edited, tracked, author="Jane Smith")
    result = runner.invoke(cli, ["submit", str(ws), "--delegation", "Kazakhstan", str(tracked)])
    assert result.exit_code == 0, result.output
    assert stderr_lines(result) == ["note: tracked changes by Jane Smith recorded as Kazakhstan's (the submitting "
                                    "delegation)"]
    [event] = [e for e in events(ws) if e["kind"] == "submission"]
    assert event["detail"]["other_authors"] == ["Jane Smith"]
    status = api.status_report(ws)
    assert {a["delegation"] for p in status["paragraphs"] for a in p["amendments"]} == {"Kazakhstan"}
    listed = runner.invoke(cli, ["amendments", str(tracked)])
    assert listed.exit_code == 0 and "Jane Smith" in listed.stdout
    assert "note: 'Jane Smith', author of tracked changes, is no delegation in the registry" in listed.stderr
    refused = runner.invoke(cli, ["amendments", str(tracked), "--base", str(base.docx), "--delegation", "Kazakstan"])
    assert refused.exit_code == 1 and stderr_lines(refused) == [KAZAKSTAN]
