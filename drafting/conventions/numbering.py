"""Paragraph numbers: operative paragraphs 1, 2, … ; sub-items (a), (i) restarting under each parent;
bullets; and proposed new paragraphs numbered after their anchor with bis, ter, … (un-conventions N2, N3),
so nothing else is renumbered while a proposal is under negotiation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from drafting.conventions.profiles import Profile
from drafting.model.document import Paragraph, Role, Span

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
        self.notes = 0
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
        if role is Role.FOOTNOTE:  # footnotes are numbered through the text, as Word numbers them
            self.notes += 1
            return str(self.notes)
        return ""


def relabel(paragraphs: Iterable[Paragraph], profile: Profile) -> tuple[Paragraph, ...]:
    """`paragraphs` with every label recomputed (after paragraphs were added, removed or adopted), and every
    table's cells laid out again, row by row in its width (after cells were added or removed)."""
    numberer = Numberer(profile)
    out = []
    for p in recount_cells(paragraphs):
        label = numberer.label(p.role, p.level, proposed=p.proposed)
        out.append(p if p.label == label else replace(p, label=label))
    return tuple(out)


def recount_cells(paragraphs: Iterable[Paragraph]) -> list[Paragraph]:
    """`paragraphs` with each table's cells numbered in order, row by row, in the table's width (its widest
    row): a row proposed after another, or deleted, moves the rows below it."""
    listed = list(paragraphs)
    widths: dict[int, int] = {}
    for p in listed:
        if p.role is Role.CELL and p.cell is not None:
            widths[p.cell[0]] = max(widths.get(p.cell[0], 1), p.cell[2])
    seen: dict[int, int] = {}
    out = []
    for p in listed:
        if p.role is Role.CELL and p.cell is not None:
            table, index = p.cell[0], seen.get(p.cell[0], 0)
            seen[table] = index + 1
            cell = (table, index // widths[table] + 1, index % widths[table] + 1)
            if cell != p.cell:
                p = replace(p, cell=cell)
        out.append(p)
    return out


# -- cross-references ----------------------------------------------------------------------------------------

# Patterns stay strings, compiled (and cached by `re`) on first use: most commands never renumber.
_NUMBER = r"\d+(?:\s+(?:" + "|".join(SUFFIXES) + r")\b)?"
# "paragraph 4 bis", and lists after a plural: "paragraphs 2 bis and 3", "paragraphs 1, 2 and 4 bis", "1 to 3".
_LIST_SEPARATOR = r"(?:\s*,\s*(?:and\s+|и\s+)?|\s+(?:and|or|to|и|или)\s+|\s*[-–]\s*)"
# Not "paragraph 2 of resolution 66/1" (another text's paragraph), but "paragraph 2 of the present resolution".
_EXTERNAL = r"(?!\s+of\s+(?!(?:the\s+)?present\b|this\b))"
_REFERENCE = (
    r"\b(?>(?:paragraphs|paras\.|пункт(?:ы|ов|ам|ах|ами))\s+" + _NUMBER
    + r"(?:" + _LIST_SEPARATOR + _NUMBER + r")*"
    + r"|(?:paragraph|para\.|пункт(?:а|ом|е|у)?)\s+" + _NUMBER + r")\b" + _EXTERNAL
)


def _update_references(paragraphs: tuple[Paragraph, ...], renumbered: Mapping[str, str]) -> tuple[Paragraph, ...]:
    def fix(span: Span) -> Span:
        def number(match: re.Match[str]) -> str:
            return renumbered.get(" ".join(match.group(0).split()), match.group(0))

        def repl(match: re.Match[str]) -> str:
            head = re.match(r"\S+\s+", match.group(0))  # "paragraphs ", then the numbers
            if head is None:
                return match.group(0)
            return head.group(0) + re.sub(_NUMBER, number, match.group(0)[head.end():])

        return replace(span, text=re.sub(_REFERENCE, repl, span.text))

    return tuple(replace(p, spans=tuple(fix(s) for s in p.spans)) for p in paragraphs)


def label_number(label: str) -> str:
    """The number inside a label: "- 4 bis -" → "4 bis", "12." → "12"."""
    match = re.search(r"\d+(?:\s+(?:" + "|".join(SUFFIXES) + r"))?", label)
    return match.group(0) if match else ""



def renumber_references(before: Sequence[Paragraph], after: Sequence[Paragraph]) -> tuple[Paragraph, ...]:
    """`after` with references to operative paragraphs ("paragraph 4 bis") updated to their new numbers;
    `before` holds the same paragraphs (by id) with their old labels."""
    old = {p.id: label_number(p.label) for p in before if p.role is Role.OPERATIVE}
    renumbered = {old[p.id]: label_number(p.label) for p in after
                  if p.role is Role.OPERATIVE and old.get(p.id) and old[p.id] != label_number(p.label)}
    return _update_references(tuple(after), renumbered) if renumbered else tuple(after)
