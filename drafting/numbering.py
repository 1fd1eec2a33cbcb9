"""Paragraph numbers: operative paragraphs 1, 2, … ; sub-items (a), (i) restarting under each parent;
bullets; and proposed new paragraphs numbered after their anchor with bis, ter, … (un-conventions N2, N3),
so nothing else is renumbered while a proposal is under negotiation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from drafting.model import Paragraph, Role
from drafting.profiles import Profile

SUFFIXES = ("bis", "ter", "quater", "quinquies", "sexies", "septies", "octies", "novies", "decies")


def suffix(index: int) -> str:
    """The Latin suffix of the `index`-th (1-based) paragraph proposed after the same anchor."""
    if index <= len(SUFFIXES):
        return SUFFIXES[index - 1]
    return f"{SUFFIXES[-1]}-{index - len(SUFFIXES)}"


class Numberer:
    """Hands out labels in document order, as Word's list counters would, plus bis/ter for proposals."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.operative = 0
        self.proposed = 0
        self.sub = [0] * len(profile.levels)

    def label(self, role: Role, level: int = 0, *, proposed: bool = False) -> str:
        levels = self.profile.levels
        if role is Role.OPERATIVE:
            self.sub = [0] * len(levels)
            if proposed:
                self.proposed += 1
                return levels[0].template.replace("{}", f"{self.operative} {suffix(self.proposed)}")
            self.operative += 1
            self.proposed = 0
            return levels[0].label(self.operative)
        if role is Role.SUBITEM:
            depth = min(max(level, 1), len(levels) - 1)
            self.sub[depth] += 1
            for deeper in range(depth + 1, len(self.sub)):
                self.sub[deeper] = 0
            return levels[depth].label(self.sub[depth])
        if role is Role.BULLET:
            return self.profile.bullet
        return ""


def relabel(paragraphs: Iterable[Paragraph], profile: Profile) -> tuple[Paragraph, ...]:
    """`paragraphs` with every label recomputed (after paragraphs were added, removed or adopted)."""
    numberer = Numberer(profile)
    out = []
    for p in paragraphs:
        label = numberer.label(p.role, p.level, proposed=p.proposed)
        out.append(p if p.label == label else replace(p, label=label))
    return tuple(out)
