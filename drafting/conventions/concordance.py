"""Concordance of language versions (rules M2, M5, D1): the same paragraphs with the same ids, the same
numbering and sub-paragraph tree, the same number of brackets in each paragraph, the same symbol.

Label typography may differ by language ("(a)" in English, "a)" in Russian); the label's value may not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from drafting.model.document import Document, DocumentSpec, Paragraph, Role

if TYPE_CHECKING:
    from drafting.library.clauses import ClauseLibrary


@dataclass(frozen=True, slots=True, order=True)
class Discrepancy:
    language: str
    paragraph: str
    rule: str
    message: str

    def __str__(self) -> str:
        where = f" {self.paragraph}" if self.paragraph else ""
        return f"[{self.language}]{where}: {self.rule}: {self.message}"


def label_value(label: str) -> str:
    """What a label says, without its typography: "(a)" and "a)" → "a"; "- 4 bis -" → "4 bis"."""
    if label.strip() in ("•", "-", "–", "·"):
        return "bullet"
    return " ".join(re.findall(r"[0-9]+|[a-z]+", label.lower()))


def _brackets(paragraph: Paragraph) -> tuple[int, int]:
    return paragraph.text.count("["), paragraph.text.count("]")


def compare_versions(versions: Mapping[str, Document], primary: str) -> list[Discrepancy]:
    """Every discrepancy of each language version against the `primary` one."""
    base = versions[primary]
    out: list[Discrepancy] = []
    for language, other in versions.items():
        if language == primary:
            continue
        theirs = {p.id: p for p in other.paragraphs}
        mine = {p.id: p for p in base.paragraphs}
        if other.meta.symbol != base.meta.symbol:
            out.append(Discrepancy(language, "", "D1", f"symbol {other.meta.symbol!r} differs from "
                                                       f"{base.meta.symbol!r}"))
        for p in base.paragraphs:
            q = theirs.get(p.id)
            if q is None:
                out.append(Discrepancy(language, p.id, "M5", f"paragraph {p.label or p.id} is missing"))
                continue
            if (p.role, p.level) != (q.role, q.level):
                out.append(Discrepancy(language, p.id, "M5", f"is a {q.role.value} at level {q.level}, not a "
                                                             f"{p.role.value} at level {p.level}"))
            if label_value(p.label) != label_value(q.label):
                out.append(Discrepancy(language, p.id, "M2", f"numbered {q.label!r}, not {p.label!r}"))
            if _brackets(p) != _brackets(q):
                out.append(Discrepancy(language, p.id, "M5", f"{_brackets(q)[0]} opening and {_brackets(q)[1]} "
                                                             f"closing brackets, not {_brackets(p)[0]} and "
                                                             f"{_brackets(p)[1]}"))
        for q in other.paragraphs:
            if q.id not in mine:
                out.append(Discrepancy(language, q.id, "M5", f"extra paragraph {q.label or q.id}"))
        order_mine = _in_order([p for p in base.paragraphs if p.id in theirs])
        order_theirs = _in_order([q for q in other.paragraphs if q.id in mine])
        if order_mine != order_theirs:
            out.append(Discrepancy(language, "", "M5", "paragraphs are in a different order"))
        subitems = {p.id: _children(base, p) for p in base.paragraphs if p.role is Role.OPERATIVE}
        for pid, children in subitems.items():
            ids = [c for item in children for c in (item if isinstance(item, frozenset) else (item,))]
            if pid in theirs and _children(other, theirs[pid]) != children and all(c in theirs for c in ids):
                out.append(Discrepancy(language, pid, "M5", "its sub-paragraph tree differs"))
    return sorted(out)


def _in_order(paragraphs: list[Paragraph]) -> list[str | frozenset[str]]:
    """Paragraph ids in order, each run of bullets (a list of States, alphabetical in each language's own
    names, M4) as a set: its order may differ between language versions, its members may not."""
    out: list[str | frozenset[str]] = []
    for p in paragraphs:
        if p.role is Role.BULLET and out and isinstance(out[-1], frozenset):
            out[-1] = out[-1] | {p.id}
        elif p.role is Role.BULLET:
            out.append(frozenset({p.id}))
        else:
            out.append(p.id)
    return out


def _children(document: Document, parent: Paragraph) -> list[str | frozenset[str]]:
    index = document.paragraphs.index(parent)
    out = []
    for p in document.paragraphs[index + 1:]:
        if p.role in (Role.SUBITEM, Role.BULLET):
            out.append(p)
        else:
            break
    return _in_order(out)


def missing_translations(spec: DocumentSpec, library: ClauseLibrary, languages: list[str]) -> list[Discrepancy]:
    """Clauses and one-off paragraphs of `spec` without a wording in each of `languages`."""
    entries = [e for e in (spec.subject, spec.chapeau, *spec.preamble, *spec.operative, *spec.membership,
                           *spec.closing) if e is not None]
    out = []
    for language in languages:
        for entry in entries:
            if entry.clause is None:
                if language not in entry.inline:
                    out.append(Discrepancy(language, entry.id, "M1", "one-off paragraph has no translation"))
                continue
            clause = library.get(entry.clause)
            if clause is None:
                continue
            wording = clause.wording(language)
            if wording is None:
                out.append(Discrepancy(language, entry.id, "M1", f"clause {clause.id} has no translation"))
                continue
            primary = clause.wording(clause.language)
            if primary is not None and [i.key for i in primary.items] != [i.key for i in wording.items]:
                out.append(Discrepancy(language, entry.id, "M5", f"clause {clause.id}: sub-items "
                                       f"{[i.key for i in wording.items]} instead of {[i.key for i in primary.items]}"))
        for field in ("title",):
            if not spec.meta.localized.get(language, {}).get(field):
                out.append(Discrepancy(language, "", "M1", f"document {field} has no translation"))
    return out
