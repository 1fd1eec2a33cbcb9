"""Where a negotiation stands: per paragraph its number, status, conflict, amendments with their decisions,
language versions pending; the conflicts; what could not be placed. The JSON `status --json` prints."""

from __future__ import annotations

import datetime as dt
from typing import Any

from drafting.model.document import Amendment, AmendmentKind
from drafting.negotiation.silence import stamp, utc_now
from drafting.negotiation.workspace import Workspace, revision_label


def status_report(workspace: Workspace, now: dt.datetime | None = None) -> dict[str, Any]:
    """The state of the current revision of `workspace` (silences judged at `now`, default the clock), as
    plain JSON-ready data."""
    moment = now or utc_now()
    compilation = workspace.compilation()
    number = compilation.revision
    silences = workspace.silences(number)
    statuses = workspace.statuses(number, now=moment)
    translations = {lang: set(pending) for lang, (_, pending) in workspace.translations(number).items()}
    decisions = workspace.decisions(number)
    numbers = compilation.numbers
    untracked = workspace.untracked_in_word(number)
    supporters = workspace.supporters(number)
    brackets = {c.amendment.id for c in workspace.carried(number)}
    comments = workspace.comments(number)
    replaced_by = {replaced: numbers.get(p.id, p.id) for p, replaces in workspace.proposals(number)
                   for replaced in replaces}
    all_amendments = workspace.amendments(number, active_only=False)
    active = {a.id for a in workspace.amendments(number)}
    by_paragraph: dict[str | None, list[Amendment]] = {}
    for a in all_amendments:
        by_paragraph.setdefault(a.paragraph, []).append(a)
    conflicted = {c.paragraph for c in compilation.conflicts}

    def decision_of(a: Amendment) -> str:
        return decisions.get(a.id, ("", ""))[0] or "pending"

    def amendment_json(a: Amendment) -> dict[str, Any]:
        return {"number": numbers.get(a.id, a.id), "id": a.id, "delegation": a.delegation, "kind": a.kind.value,
                "old": a.old, "new": a.new, "tracked": a.tracked, "without_track_changes": a.id in untracked,
                "active": a.id in active, "decision": decision_of(a), "note": decisions.get(a.id, ("", ""))[1],
                "supporters": list(supporters.get(a.id, ())), "replaced_by": replaced_by.get(a.id),
                "bracketed": a.id in brackets, "story": a.story}

    def silence_of(pid: str) -> dict[str, Any] | None:
        """The latest silence covering `pid`: until when, and running, kept or broken (by whom)."""
        covering = [s for s in silences if pid in s.paragraphs]
        if not covering:
            return None
        last = covering[-1]
        return {"silence": last.id, "until": stamp(last.until), "state": last.state(pid, moment),
                "broken_by": [b.delegation for b in last.breaks if b.paragraph == pid]}

    paragraphs = []
    for entry in compilation.entries:
        if entry.new:
            continue
        p = entry.paragraph
        paragraphs.append({
            "id": p.id, "number": p.label, "role": p.role.value, "story": p.story,
            "status": statuses.get(p.id, entry.status),
            "silence": silence_of(p.id),
            "comments": [{"delegation": c["delegation"], "author": c["author"], "anchor": c["anchor"],
                          "text": c["text"], "date": c["date"]} for c in comments if c.get("paragraph") == p.id],
            "conflict": p.id in conflicted,
            "translations": {lang: "translation pending" if p.id in pending else "current"
                             for lang, pending in translations.items()},
            "amendments": [amendment_json(a) for a in by_paragraph.get(p.id, [])
                           if a.kind is not AmendmentKind.PARAGRAPH_INSERT],
            "proposed_after": [amendment_json(a) for a in by_paragraph.get(p.id, [])
                               if a.kind is AmendmentKind.PARAGRAPH_INSERT],
        })
    return {
        "document": compilation.document.meta.document_id,
        "revision": number,
        "label": revision_label(number),
        "delegations": list(compilation.delegations),
        "paragraphs": paragraphs,
        "conflicts": [{"paragraph": c.paragraph, "number": c.label, "delegations": list(c.delegations)}
                      for c in compilation.conflicts],
        "unplaced": [numbers.get(a.id, a.id) for a in compilation.unplaced],
        "without_track_changes": sum(1 for a in all_amendments if a.id in active and a.id in untracked),
        "translation_pending": {lang: sorted(pending) for lang, pending in translations.items() if pending},
        "silences": [s.as_json(moment) for s in silences],
    }
