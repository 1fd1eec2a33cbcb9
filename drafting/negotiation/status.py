"""Where a negotiation stands: per paragraph its number, status, conflict, amendments with their decisions,
language versions pending; the conflicts; what could not be placed. The JSON `status --json` prints."""

from __future__ import annotations

from typing import Any

from drafting.model.document import Amendment, AmendmentKind
from drafting.negotiation.workspace import Workspace, revision_label


def status_report(workspace: Workspace) -> dict[str, Any]:
    """The state of the current revision of `workspace`, as plain JSON-ready data."""
    compilation = workspace.compilation()
    number = compilation.revision
    translations = {lang: set(pending) for lang, (_, pending) in workspace.translations(number).items()}
    decisions = workspace.decisions(number)
    numbers = compilation.numbers
    untracked = workspace.untracked_in_word(number)
    supporters = workspace.supporters(number)
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
                "supporters": list(supporters.get(a.id, ())), "replaced_by": replaced_by.get(a.id)}

    paragraphs = []
    for entry in compilation.entries:
        if entry.new:
            continue
        p = entry.paragraph
        paragraphs.append({
            "id": p.id, "number": p.label, "role": p.role.value, "status": entry.status,
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
    }
