"""Comparing two versions: paragraphs aligned first (ids, then sequence), then words within each pair."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from drafting.model.version import VersionParagraph, paragraph_pairs
from drafting.redline.align import align_paragraphs
from drafting.redline.diff import Edit, Op, diff_words


@dataclass(frozen=True, slots=True)
class ParagraphDiff:
    """One aligned paragraph: indices in old and new (None when inserted/deleted) and its word edits."""

    old: int | None
    new: int | None
    edits: tuple[Edit, ...]
    moved: bool = False

    @property
    def changed_text(self) -> bool:
        """Whether the words changed (a move alone does not count)."""
        return any(e.op is not Op.EQUAL for e in self.edits)

    @property
    def changed(self) -> bool:
        return self.old is None or self.new is None or self.moved or any(e.op is not Op.EQUAL for e in self.edits)


def compare(old: Sequence[VersionParagraph], new: Sequence[VersionParagraph]) -> list[ParagraphDiff]:
    """The paragraph-by-paragraph, word-level difference from `old` to `new`, in new-document order."""
    out = []
    for pair in align_paragraphs(paragraph_pairs(old), paragraph_pairs(new)):
        if pair.old is not None and pair.new is not None:
            a, b = old[pair.old].text, new[pair.new].text
            edits: tuple[Edit, ...] = (Edit(Op.EQUAL, a),) if a == b else tuple(diff_words(a, b))
        elif pair.old is not None:
            edits = (Edit(Op.DELETE, old[pair.old].text),)
        else:
            assert pair.new is not None
            edits = (Edit(Op.INSERT, new[pair.new].text),)
        out.append(ParagraphDiff(pair.old, pair.new, edits, pair.moved))
    return out


@dataclass(frozen=True, slots=True)
class Hunk:
    """A contiguous change inside one paragraph: the old and new text at `position` of the old text."""

    position: int
    old: str
    new: str


def hunks(edits: Sequence[Edit]) -> list[Hunk]:
    """Group word edits into hunks: a deletion next to an insertion is one replacement."""
    out: list[Hunk] = []
    position = 0
    current: list[Edit] = []
    start = 0

    def close() -> None:
        if current:
            out.append(Hunk(start, "".join(e.before for e in current), "".join(e.after for e in current)))
            current.clear()

    for edit in edits:
        if edit.op is Op.EQUAL:
            close()
        else:
            if not current:
                start = position
            current.append(edit)
        position += len(edit.before)
    close()
    return out
