"""A text version as one file holds it: paragraphs with their stable ids (where the file carries them), the
accepted and the original view of its tracked changes, its identity, and what the reader noted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from drafting.model.document import DocumentIdentity


@dataclass(frozen=True, slots=True)
class VersionParagraph:
    """One paragraph of a version: stable `id` when the file carries it, the text, the Word style if any,
    and its story when it is not body text ("footnote 1", "table 1 row 2")."""

    id: str | None
    text: str
    style: str | None = None
    story: str = ""


@dataclass(frozen=True, slots=True)
class Version:
    """A text as one file holds it; `original` differs from `paragraphs` only when it has tracked changes."""

    source: str
    format: str
    paragraphs: tuple[VersionParagraph, ...]
    original: tuple[VersionParagraph, ...]
    identity: DocumentIdentity | None
    tracked: bool
    findings: tuple[str, ...] = field(default=())

    def view(self, which: str) -> tuple[VersionParagraph, ...]:
        """`accepted` (the text with every change accepted) or `original` (every change rejected)."""
        if which == "accepted":
            return self.paragraphs
        if which == "original":
            return self.original
        raise ValueError(f"unknown view {which!r}")


def paragraph_pairs(paragraphs: Sequence[VersionParagraph]) -> list[tuple[str | None, str]]:
    """(id, text) pairs, the shape paragraph alignment takes."""
    return [(p.id, p.text) for p in paragraphs]
