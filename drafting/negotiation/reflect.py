"""The reflection report: for each delegation, every one of its proposals across all revisions and where it
went — accepted into Rev.N (paragraph X), rejected, withdrawn, merged into a proposal of the chair,
superseded by its own later submission, lapsed, still bracketed, or still pending (the validation exercise of
UN compilation texts). Computed from the record alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drafting.model.document import Amendment
from drafting.negotiation.workspace import Workspace, revision_label


@dataclass(frozen=True, slots=True)
class Fate:
    """Where one proposal went."""

    number: str
    amendment: Amendment
    revision: int  # the revision it was made on
    outcome: str  # accepted | rejected | withdrawn | merged | superseded | lapsed | bracketed | pending
    where: str  # in words: "accepted into Rev.1, paragraph 5", "merged into Chair/1" …
    note: str = ""
    supporters: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        a = self.amendment
        return {"number": self.number, "id": a.id, "delegation": a.delegation, "revision": self.revision,
                "revision_label": revision_label(self.revision), "paragraph": a.paragraph, "kind": a.kind.value,
                "old": a.old, "new": a.new, "tracked": a.tracked, "outcome": self.outcome, "where": self.where,
                "note": self.note, "supporters": list(self.supporters)}


def reflection(workspace: Workspace, delegation: str | None = None) -> dict[str, list[Fate]]:
    """Delegation -> the fate of each of its proposals, in record order (only `delegation` when given)."""
    wanted = workspace.known_delegation(delegation) if delegation is not None else None
    numbers = workspace.numbers()
    revisions = [row.number for row in workspace.store.revisions()]
    current = revisions[-1]
    labels = {n: {p.id: p.label for p in workspace.document(n)[1].paragraphs} for n in revisions}
    decisions = {n: workspace.decisions(n) for n in revisions}
    carried = {n: {c.amendment.id for c in workspace.carried(n)} for n in revisions}
    merged = {replaced: numbers.get(p.id, p.id) for n in revisions for p, replaces in workspace.proposals(n)
              if decisions[n].get(p.id, ("", ""))[0] == "accept" for replaced in replaces}
    supporters = {n: workspace.supporters(n) for n in revisions}
    made: list[tuple[int, Amendment, bool]] = []  # (revision, amendment, live in the latest submission)
    for n in revisions:
        live, superseded = workspace.live_amendments(n)
        seen = {a.id for a in live}
        made += [(n, a, True) for a in live if a.id not in carried[n]]
        for amendment in workspace.amendments(n, active_only=False):
            if amendment.id in superseded and amendment.id not in seen:
                seen.add(amendment.id)
                made.append((n, amendment, False))
    out: dict[str, list[Fate]] = {}
    for n, amendment, in_latest in made:
        if wanted is not None and amendment.delegation != wanted:
            continue
        out.setdefault(amendment.delegation, []).append(
            _fate(amendment, n, in_latest, current, numbers, labels, decisions, carried, merged, supporters))
    return out


def _fate(a: Amendment, made_on: int, live: bool, current: int, numbers: dict[str, str],
          labels: dict[int, dict[str, str]], decisions: dict[int, dict[str, tuple[str, str]]],
          carried: dict[int, set[str]], merged: dict[str, str], supporters: dict[int, dict[str, tuple[str, ...]]],
          ) -> Fate:
    number = numbers.get(a.id, a.id)
    backing = tuple(d for n in supporters for d in supporters[n].get(a.id, ()))

    def fate(outcome: str, where: str, note: str = "") -> Fate:
        return Fate(number, a, made_on, outcome, where, note, tuple(dict.fromkeys(backing)))

    if not live:
        return fate("superseded", f"superseded by a later submission of {a.delegation} on "
                                  f"{revision_label(made_on)}")
    n = made_on
    while True:
        verdict, note = decisions[n].get(a.id, ("", ""))
        if a.id in merged:
            return fate("merged", f"merged into the chair's proposal {merged[a.id]}", note)
        if verdict == "accept":
            if n == current:
                return fate("accepted", f"accepted on {revision_label(n)}; {revision_label(n + 1)} not yet issued",
                            note)
            label = labels[n + 1].get(a.paragraph or "", "")
            where = f", paragraph {label}" if label else ""
            return fate("accepted", f"accepted into {revision_label(n + 1)}{where}", note)
        if verdict == "reject":
            return fate("rejected", f"rejected on {revision_label(n)}", note)
        if verdict == "withdraw":
            return fate("withdrawn", f"withdrawn on {revision_label(n)}", note)
        if n == current:
            if a.id in carried[n]:
                return fate("bracketed", f"still in brackets in {revision_label(n)}")
            return fate("pending", f"pending on {revision_label(n)}")
        if a.id not in carried[n + 1]:
            return fate("lapsed", f"lapsed at {revision_label(n + 1)} (not carried into it: overtaken by another "
                                  "change, or not a change that can be bracketed)")
        n += 1
