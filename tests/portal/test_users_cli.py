"""`drafting users invite|list`: the clerk's side of accounts, through the CLI's fixed exit codes."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from drafting.cli import cli
from tests.portal import events, new_workspace


def test_invite_prints_a_one_time_link_and_records_the_invitation(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path / "almaty")
    runner = CliRunner()
    result = runner.invoke(cli, ["users", "invite", str(ws), "--email", "delegate@kazakhstan.example",
                                 "--delegation", "KAZ", "--base-url", "https://conference.example/",
                                 "--actor", "Secretariat"])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"delegate@kazakhstan\.example \(member of Kazakhstan\): "
                        r"https://conference\.example/w/almaty/invite/[A-Za-z0-9_-]{43}\n", result.output)
    [invited] = [e for e in events(ws) if e.kind == "person-invited"]
    assert (invited.actor, invited.subject, invited.detail["delegation"]) == (
        "Secretariat", "delegate@kazakhstan.example", "Kazakhstan")
    token = result.output.rsplit("/", 1)[1].strip()
    assert token not in str(invited.detail) and token not in (ws / "people.sqlite").read_bytes().decode("latin-1")
    listed = runner.invoke(cli, ["users", "list", str(ws)])
    assert listed.output == "delegate@kazakhstan.example\tmember\tKazakhstan\tinvited\n"


def test_invite_refuses_what_cannot_be_an_account(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path / "ws")
    runner = CliRunner()
    for args, message in (
        (["--email", "someone@example.org"], "a delegation member needs --delegation"),
        (["--email", "not an address", "--delegation", "KAZ"], "not an e-mail address"),
        (["--email", "x@example.org", "--delegation", "Evil\u0007Name"], "control characters"),
    ):
        result = runner.invoke(cli, ["users", "invite", str(ws), *args])
        assert result.exit_code == 1 and message in result.output, result.output
    assert runner.invoke(cli, ["users", "invite", str(ws), "--email", "x@example.org", "--role", "king"]).exit_code == 2
    assert runner.invoke(cli, ["users", "invite", str(tmp_path / "nowhere"), "--email", "x@example.org",
                               "--role", "observer"]).exit_code == 1
    assert [e for e in events(ws) if e.kind == "person-invited"] == []


def test_invite_checks_the_delegation_name_and_admits_an_unlisted_one_as_such(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path / "ws")
    runner = CliRunner()
    before = len(events(ws))
    result = runner.invoke(cli, ["users", "invite", str(ws), "--email", "a@kazakhstan.example",
                                 "--delegation", "Kazakstan"])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == "Error: unknown delegation 'Kazakstan' (did you mean Kazakhstan?)\n"
    assert len(events(ws)) == before and runner.invoke(cli, ["users", "list", str(ws)]).output == ""
    ok = runner.invoke(cli, ["users", "invite", str(ws), "--email", "a@kazakhstan.example",
                             "--delegation", "Казахстан"])
    assert ok.exit_code == 0 and "(member of Kazakhstan)" in ok.output
    refused = runner.invoke(cli, ["users", "invite", str(ws), "--email", "m@orderofmalta.example",
                                  "--delegation", "Sovereign Order of Malta"])
    assert refused.exit_code == 1 and "--unlisted" in refused.stderr
    ok = runner.invoke(cli, ["users", "invite", str(ws), "--email", "m@orderofmalta.example",
                             "--delegation", "Sovereign Order of Malta", "--unlisted"])
    assert ok.exit_code == 0 and "(member of Sovereign Order of Malta)" in ok.output
    invited = {e.subject: e.detail for e in events(ws) if e.kind == "person-invited"}
    assert invited["m@orderofmalta.example"]["unlisted"] is True
    assert "unlisted" not in invited["a@kazakhstan.example"]
