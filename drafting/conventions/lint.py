"""`drafting lint`: report breaches of the drafting conventions (rules S4–S12, with S13, S15, S17, S18).

A reporter, not a gate: texts issued in their own style (the 2012 Almaty Recommendations use the
declaration profile S20 with its own punctuation) get findings, not refusals. Rules are in
`../shared/reference/un-conventions.md` §1.1; tags there say how certain each rule is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from drafting.library.lexicon import (
    SECURITY_COUNCIL_ONLY,
    is_participle_opening,
    is_standard_opening,
    is_third_person_verb,
)
from drafting.model.document import Document, Paragraph, Role

Report = Callable[[Paragraph, str, str], None]  # report(paragraph, rule, message)

_DMY = re.compile(r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|"
                  r"December) \d{4}\b")


@dataclass(frozen=True, slots=True, order=True)
class LintFinding:
    """One breach: `rule` (e.g. "S10"), the paragraph id, a message."""

    paragraph: str
    rule: str
    message: str
    source: str = ""

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        return f"{where}{self.paragraph}: {self.rule}: {self.message}"


def _opening(paragraph: Paragraph) -> str:
    first = paragraph.spans[0] if paragraph.spans else None
    if first is not None and first.opening:
        return first.text.strip()
    words = paragraph.text.split()
    return " ".join(words[:1])


def _has_opening_span(paragraph: Paragraph) -> bool:
    return bool(paragraph.spans) and paragraph.spans[0].opening


def _end(paragraph: Paragraph) -> str:
    text = paragraph.text.rstrip()
    return text[-1:] if text else ""


def _shown(end: str) -> str:
    return repr(end) if end and not end.isalnum() else "no end mark"


def _children(document: Document, index: int) -> list[Paragraph]:
    """Sub-items and bullets that follow paragraph `index` at a deeper level."""
    parent = document.paragraphs[index]
    out = []
    for paragraph in document.paragraphs[index + 1:]:
        if paragraph.role in (Role.SUBITEM, Role.BULLET) and paragraph.level > parent.level:
            if paragraph.level == parent.level + 1:
                out.append(paragraph)
            continue
        break
    return out


def lint_document(document: Document, *, source: str = "") -> list[LintFinding]:
    """All findings for `document`, in document order."""
    findings: list[LintFinding] = []

    def report(paragraph: Paragraph, rule: str, message: str) -> None:
        findings.append(LintFinding(paragraph.id, rule, message, source))

    paragraphs = document.paragraphs
    declaration = any(p.role is Role.SUBJECT and p.text.lstrip().startswith(("We", "Мы")) for p in paragraphs)
    operative = [p for p in paragraphs if p.role is Role.OPERATIVE]
    last_operative = operative[-1].id if operative else None
    previous_opening = ""
    for index, paragraph in enumerate(paragraphs):
        opening = _opening(paragraph)
        if paragraph.role is Role.PREAMBULAR:
            if not (is_standard_opening("preambular", opening) or is_participle_opening(opening)):
                report(paragraph, "S4", f"preambular paragraph opens with {opening!r}, not a participle or "
                                        "adjective from the standard lexicon")
            if paragraph.label:
                report(paragraph, "S8", f"preambular paragraph is numbered ({paragraph.label!r})")
        if paragraph.role is Role.OPERATIVE:
            standard = is_standard_opening("operative", opening)
            if not standard and not (is_third_person_verb(opening) and not declaration):
                report(paragraph, "S5", f"operative paragraph opens with {opening!r}, not an operative verb from "
                                        "the standard lexicon")
            if opening.split(" ")[0] in SECURITY_COUNCIL_ONLY:
                report(paragraph, "S18", f"{opening!r} belongs to binding organs; review it in this outcome")
            if not paragraph.label:
                report(paragraph, "S8", "operative paragraph is not numbered")
        if paragraph.role in (Role.PREAMBULAR, Role.OPERATIVE):
            if _has_opening_span(paragraph) and not paragraph.spans[0].italic:
                report(paragraph, "S9", f"opening words {opening!r} are not italic")
            elif not _has_opening_span(paragraph):
                report(paragraph, "S9", "paragraph has no opening phrase to italicise")
            if opening and previous_opening and opening.casefold() == previous_opening.casefold():
                report(paragraph, "S17", f"repeated opener {opening!r}: use 'also' or 'further'")
            previous_opening = opening
        _punctuation(document, index, paragraph, last_operative, report)
    _numbering(document, report)
    place = next((p for p in paragraphs if p.role is Role.PLACE_DATE), None)
    if place is None:
        if paragraphs:
            report(paragraphs[-1], "S6", "no adoption line or place and date after the text")
    elif not _DMY.search(place.text) and document.language == "en":
        report(place, "S15", f"date in {place.text!r} is not written 'd Month yyyy'")
    return findings


def _punctuation(document: Document, index: int, paragraph: Paragraph, last_operative: str | None,
                 report: Report) -> None:
    children = _children(document, index)
    end = _end(paragraph)
    if paragraph.role in (Role.PREAMBULAR, Role.SUBJECT) and not children and end != ",":
        report(paragraph, "S10", f"preambular paragraph should end with ',' (ends with {_shown(end)})")
    if paragraph.role is Role.OPERATIVE and not children:
        expected = "." if paragraph.id == last_operative and not _continued(document, index) else ";"
        if end != expected and not (_continued(document, index) and end == ":"):
            report(paragraph, "S10", f"operative paragraph should end with {expected!r} (ends with {_shown(end)})")
    if children:
        if end != ":":
            report(paragraph, "S12", f"lead-in should end with ':' (ends with {_shown(end)})")
        for position, child in enumerate(children):
            child_end = _end(child)
            if child.role is Role.BULLET:
                if child_end in (";", ","):
                    report(child, "S13", "bulleted items take no semicolons or commas")
                continue
            if _children(document, document.paragraphs.index(child)):
                continue
            last = position == len(children) - 1
            if not last and child_end != ";":
                report(child, "S12", f"sub-item should end with ';' (ends with {_shown(child_end)})")
            if last and paragraph.role is Role.OPERATIVE:
                expected = "." if paragraph.id == last_operative else ";"
                if child_end != expected:
                    report(child, "S12", f"last sub-item takes the paragraph's closing mark {expected!r}")
    if paragraph.role is Role.CHAPEAU and end != ":":
        report(paragraph, "S12", f"lead-in should end with ':' (ends with {_shown(end)})")


def _continued(document: Document, index: int) -> bool:
    """True when the operative paragraph at `index` goes on in a continuation paragraph."""
    rest = [p for p in document.paragraphs[index + 1:] if p.role not in (Role.SUBITEM, Role.BULLET)]
    return bool(rest) and rest[0].role is Role.CONTINUATION


_NUMBER = re.compile(r"(\d+)")


def _numbering(document: Document, report: Report) -> None:
    """S7, S11: operative numbers consecutive from 1; sub-item labels without gaps (bis/ter allowed)."""
    expected = 1
    for paragraph in document.paragraphs:
        if paragraph.role is not Role.OPERATIVE or not paragraph.label:
            continue
        if re.search(r"\b(bis|ter|quater|quinquies|sexies|septies|octies|novies|decies)\b", paragraph.label):
            continue
        match = _NUMBER.search(paragraph.label)
        if match is None:
            report(paragraph, "S7", f"operative label {paragraph.label!r} has no arabic number")
            continue
        if int(match.group(1)) != expected:
            report(paragraph, "S7", f"operative paragraph numbered {match.group(1)}, expected {expected}")
        expected = int(match.group(1)) + 1
    from drafting.conventions.profiles import format_number

    for index in range(len(document.paragraphs)):
        subs = [c for c in _children(document, index) if c.role is Role.SUBITEM]
        for ordinal, child in enumerate(subs, start=1):
            core = re.sub(r"[^a-z0-9]", "", child.label.lower())
            if core and core not in (format_number(ordinal, "lowerLetter"), format_number(ordinal, "lowerRoman"),
                                     str(ordinal)):
                report(child, "S11", f"sub-item label {child.label!r} breaks the sequence (expected item {ordinal})")
