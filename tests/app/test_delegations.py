"""drafting.app.delegations: a member of a delegation admitted outside the registry (`users invite --unlisted`)
submits, supports and objects through the portal's operations, and the record says the delegation is unlisted."""

from __future__ import annotations

from pathlib import Path

from drafting import app as api
from drafting.app import accounts, delegations
from drafting.negotiation.people import People
from tests.negotiation import SEAT, assemble_base, edit_md, new_workspace

MALTA = "Sovereign Order of Malta"


def test_a_member_of_an_unlisted_delegation_submits_through_the_portal(tmp_path: Path) -> None:
    base = assemble_base(tmp_path / "base")
    ws = new_workspace(tmp_path / "ws", base)
    accounts.invite(ws, "m@orderofmalta.example", "member", MALTA, actor="clerk", unlisted=True)
    with People.open(ws) as people:
        person = people.by_email("m@orderofmalta.example")
    assert person is not None and (person.delegation, person.code) == (MALTA, None)
    edited = edit_md(base.md, tmp_path / "malta.md", [(SEAT, SEAT.replace("in Almaty", "in Valletta"))])
    preview = delegations.stage_return(ws, person, "malta.md", edited.read_bytes())
    result = delegations.submit_return(ws, person, preview.token)
    assert (result.delegation, result.unlisted, result.amendments) == (MALTA, True, 1)
    [event] = [e for e in api.log_events(ws) if e.kind == "submission"]
    assert (event.subject, event.actor, event.detail["unlisted"]) == (MALTA, f"m@orderofmalta.example ({MALTA})",
                                                                       True)
