"""A return is read once (issue 16, item 6): the reading made when it is staged is what the preview shows and
what the confirmation records, outside the portal's queue of writers; the recording checks, holding the
record's write lock, that reading the file again would give the same answer, and reads it again when not."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from drafting import app as api
from drafting.app import accounts, delegations
from drafting.app import negotiation as ops
from drafting.errors import DraftingStateError
from drafting.negotiation.people import People, Person
from drafting.negotiation.workspace import Workspace
from tests.portal import RETURNS, SECRETARIAT, new_workspace

KAZ = RETURNS / "kazakhstan.docx"


@pytest.fixture
def member(tmp_path: Path) -> tuple[Path, Person]:
    ws = new_workspace(tmp_path / "ws")
    accounts.invite(ws, "m@kaz.example", "member", "KAZ", actor=SECRETARIAT)
    with People.open(ws) as people:
        person = people.by_email("m@kaz.example")
    assert person is not None
    return ws, person


@pytest.fixture
def readings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The delegation of every reading of a return (`Workspace.read_submission`) made from now on."""
    made: list[str] = []
    real = Workspace.read_submission

    def counted(self: Workspace, path: Path, delegation: str, **options: Any) -> Any:
        made.append(delegation)
        return real(self, path, delegation, **options)

    monkeypatch.setattr(Workspace, "read_submission", counted)
    return made


def recorded(ws: Path) -> list[tuple[str, str | None, str]]:
    with ops.open_workspace(ws) as workspace:
        return sorted((a.id, a.paragraph, a.new) for a in workspace.amendments())


def test_staged_previewed_and_submitted_with_one_reading(member: tuple[Path, Person], readings: list[str],
                                                         tmp_path: Path) -> None:
    ws, person = member
    file = KAZ
    staged = delegations.stage_return(ws, person, file.name, file.read_bytes())
    assert len(readings) == 1 and staged.prepared is not None
    shown = delegations.preview_return(ws, person, staged.token, staged)
    assert shown.amendments == staged.amendments and not shown.submitted
    result = delegations.submit_return(ws, person, staged.token, staged)
    assert len(readings) == 1  # nothing read again: the record gave the same answers
    assert delegations.preview_return(ws, person, staged.token, staged).submitted
    # What was recorded is what the CLI's submit records from the same file on the same record.
    other = new_workspace(tmp_path / "cli")
    cli = api.submit(other, "KAZ", file, actor=person.actor)
    assert (result.delegation, result.revision, result.amendments, result.matched_by) == (
        cli.delegation, cli.revision, cli.amendments, cli.matched_by)
    assert recorded(ws) == recorded(other)


def test_a_reading_the_record_no_longer_gives_is_made_again(member: tuple[Path, Person],
                                                            readings: list[str]) -> None:
    """A revision issued (or the delegation recorded under another name) between the upload and its
    confirmation: the reading kept no longer holds, and the file is read again while the write lock is held."""
    ws, person = member
    file = KAZ
    staged = delegations.stage_return(ws, person, file.name, file.read_bytes())
    assert staged.prepared is not None
    stale = dataclasses.replace(staged, prepared=dataclasses.replace(staged.prepared, latest=staged.prepared.latest
                                                                     - 1, amendments=()))
    result = delegations.submit_return(ws, person, staged.token, stale)
    assert len(readings) == 2
    assert result.amendments == len(staged.prepared.amendments) > 0  # the new reading's, not the stale one's
    assert len(recorded(ws)) == result.amendments


def test_a_kept_preview_of_another_file_is_not_used(member: tuple[Path, Person], readings: list[str]) -> None:
    ws, person = member
    files = sorted(RETURNS.glob("*.docx"))
    first = delegations.stage_return(ws, person, files[0].name, files[0].read_bytes())
    second = delegations.stage_return(ws, person, files[1].name, files[1].read_bytes())
    assert len(readings) == 2
    # The first upload's preview handed in for the second token: neither shown nor recorded.
    mixed = dataclasses.replace(first, token=second.token)
    shown = delegations.preview_return(ws, person, second.token, mixed)
    assert shown.sha256 == second.sha256 != first.sha256 and len(readings) == 3
    delegations.submit_return(ws, person, second.token, mixed)
    assert len(readings) == 4  # read again for the submission: `mixed` is not the staged file's reading
    [event] = [e for e in api.log_events(ws) if e.kind == "submission"]
    assert event.detail["file"] == files[1].name


def test_a_confirmation_sent_twice_records_once(member: tuple[Path, Person]) -> None:
    ws, person = member
    file = KAZ
    staged = delegations.stage_return(ws, person, file.name, file.read_bytes())
    delegations.submit_return(ws, person, staged.token, staged)
    with pytest.raises(DraftingStateError, match="already submitted"):
        delegations.submit_return(ws, person, staged.token, staged)
    assert [e.kind for e in api.log_events(ws)].count("submission") == 1
