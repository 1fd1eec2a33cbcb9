"""`drafting lint`: report breaches of the drafting conventions, rule by rule.

A reporter, not a gate: texts issued in their own style (the 2012 Almaty Recommendations use the
declaration profile S20 with its own punctuation) get findings, not refusals. Each rule is a function
registered in `RULES` under its code (S4, S10 …, as in `docs/reference/conventions.md`); its docstring is
the rule's entry in the catalogue: a summary line, then `Example:` and `Fix:` lines.
`docs/lint-rules.md` is generated from them (`python -m drafting.conventions.lint`) and `drafting lint
--help` lists them, so the codes a user sees are the codes the checker reports.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

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
_LATIN_NUMBERS = re.compile(r"\b(bis|ter|quater|quinquies|sexies|septies|octies|novies|decies)\b")
_NUMBER = re.compile(r"(\d+)")


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


@dataclass
class Text:
    """What every rule looks at: the document, and findings reported against its paragraphs."""

    document: Document
    findings: list[tuple[int, int, str, str, str]] = field(default_factory=list)
    rule_index: int = 0

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return self.document.paragraphs

    def report(self, paragraph: Paragraph, code: str, message: str) -> None:
        position = next(i for i, p in enumerate(self.paragraphs) if p is paragraph)
        self.findings.append((position, self.rule_index, paragraph.id, code, message))

    @cached_property
    def last_operative(self) -> str | None:
        operative = [p for p in self.paragraphs if p.role is Role.OPERATIVE]
        return operative[-1].id if operative else None

    @cached_property
    def declaration(self) -> bool:
        """A declaration or communiqué (S20): "We, the Ministers …" with first-person-plural verbs."""
        return any(p.role is Role.SUBJECT and p.text.lstrip().startswith(("We", "Мы")) for p in self.paragraphs)

    def children(self, index: int) -> list[Paragraph]:
        """Sub-items and bullets that follow paragraph `index` one level deeper."""
        parent = self.paragraphs[index]
        out = []
        for paragraph in self.paragraphs[index + 1:]:
            if paragraph.role in (Role.SUBITEM, Role.BULLET) and paragraph.level > parent.level:
                if paragraph.level == parent.level + 1:
                    out.append(paragraph)
                continue
            break
        return out

    def continued(self, index: int) -> bool:
        """True when the operative paragraph at `index` goes on in a continuation paragraph."""
        rest = [p for p in self.paragraphs[index + 1:] if p.role not in (Role.SUBITEM, Role.BULLET)]
        return bool(rest) and rest[0].role is Role.CONTINUATION


@dataclass(frozen=True)
class Rule:
    """A named check: `code` as in the conventions, `check` reports what breaks it."""

    code: str
    name: str
    check: Callable[[Text], None]

    @property
    def summary(self) -> str:
        return (self.check.__doc__ or "").strip().splitlines()[0]

    def section(self, label: str) -> str:
        """The text after `Example:` or `Fix:` in the rule's docstring."""
        doc = " ".join((self.check.__doc__ or "").split())
        match = re.search(rf"{label}: (.*?)(?= (?:Example|Fix): |$)", doc)
        return match.group(1).strip() if match else ""


RULES: dict[str, Rule] = {}


def rule(code: str, name: str) -> Callable[[Callable[[Text], None]], Callable[[Text], None]]:
    """Register the decorated check under `code`."""

    def register(check: Callable[[Text], None]) -> Callable[[Text], None]:
        RULES[code] = Rule(code, name, check)
        return check

    return register


def lint_document(document: Document, *, source: str = "") -> list[LintFinding]:
    """All findings for `document`, in document order (rules in catalogue order within a paragraph)."""
    text = Text(document)
    for index, registered in enumerate(RULES.values()):
        text.rule_index = index
        registered.check(text)
    return [LintFinding(pid, code, message, source) for _, _, pid, code, message in sorted(text.findings)]


# -- helpers ------------------------------------------------------------------------------------------------


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


# -- the rules, in catalogue order ---------------------------------------------------------------------------


@rule("S4", "preambular-opener")
def preambular_opener(text: Text) -> None:
    """A preambular paragraph opens with a participle or adjective from the standard lexicon.

    Example: "The Ministers recalled the declaration," opens with 'The'.
    Fix: open with *Recalling*, *Bearing in mind*, *Convinced* … or another participle (conventions S4).
    """
    for paragraph in text.paragraphs:
        opening = _opening(paragraph)
        if paragraph.role is Role.PREAMBULAR and not (
                is_standard_opening("preambular", opening) or is_participle_opening(opening)):
            text.report(paragraph, "S4", f"preambular paragraph opens with {opening!r}, not a participle or "
                                         "adjective from the standard lexicon")


@rule("S5", "operative-verb")
def operative_verb(text: Text) -> None:
    """An operative paragraph opens with an operative verb (present indicative) from the standard lexicon.

    Example: "The secretariat will report …" opens with 'The'.
    Fix: open with *Requests*, *Decides*, *Invites* … from the standard lexicon (conventions S5).
    """
    for paragraph in text.paragraphs:
        opening = _opening(paragraph)
        if paragraph.role is Role.OPERATIVE and not is_standard_opening("operative", opening) \
                and not (is_third_person_verb(opening) and not text.declaration):
            text.report(paragraph, "S5", f"operative paragraph opens with {opening!r}, not an operative verb "
                                         "from the standard lexicon")


@rule("S6", "adoption-line")
def adoption_line(text: Text) -> None:
    """The text ends with an adoption line or a place and date line.

    Example: a spec with `place_date: no` and no closing formula.
    Fix: leave `place_date` on (the default), or add the adoption line as a closing paragraph.
    """
    if text.paragraphs and not any(p.role is Role.PLACE_DATE for p in text.paragraphs):
        text.report(text.paragraphs[-1], "S6", "no adoption line or place and date after the text")


@rule("S7", "operative-numbers")
def operative_numbers(text: Text) -> None:
    """Operative paragraphs are numbered consecutively from 1 in arabic numerals (bis/ter aside).

    Example: operative paragraphs numbered 1, 2, 4.
    Fix: let the profile number them (remove hand-written numbers), or resolve bis/ter at finalize.
    """
    expected = 1
    for paragraph in text.paragraphs:
        if paragraph.role is not Role.OPERATIVE or not paragraph.label or _LATIN_NUMBERS.search(paragraph.label):
            continue
        match = _NUMBER.search(paragraph.label)
        if match is None:
            text.report(paragraph, "S7", f"operative label {paragraph.label!r} has no arabic number")
            continue
        if int(match.group(1)) != expected:
            text.report(paragraph, "S7", f"operative paragraph numbered {match.group(1)}, expected {expected}")
        expected = int(match.group(1)) + 1


@rule("S8", "numbering-by-role")
def numbering_by_role(text: Text) -> None:
    """Preambular paragraphs are not numbered; operative paragraphs are.

    Example: a preambular paragraph labelled "1." (or an operative one with `numbered: no`).
    Fix: move the paragraph to the right section of the spec, or drop its `numbered:` setting.
    """
    for paragraph in text.paragraphs:
        if paragraph.role is Role.PREAMBULAR and paragraph.label:
            text.report(paragraph, "S8", f"preambular paragraph is numbered ({paragraph.label!r})")
        if paragraph.role is Role.OPERATIVE and not paragraph.label:
            text.report(paragraph, "S8", "operative paragraph is not numbered")


@rule("S9", "italic-opener")
def italic_opener(text: Text) -> None:
    """The opening words of every preambular and operative paragraph are italic.

    Example: a one-off paragraph written as `text: Recalling …` (no `opening:`), or the as-issued profile.
    Fix: give the paragraph an `opening:` (the profile italicises it), or lint with `--profile un-resolution`.
    """
    for paragraph in text.paragraphs:
        if paragraph.role not in (Role.PREAMBULAR, Role.OPERATIVE):
            continue
        if _has_opening_span(paragraph) and not paragraph.spans[0].italic:
            text.report(paragraph, "S9", f"opening words {_opening(paragraph)!r} are not italic")
        elif not _has_opening_span(paragraph):
            text.report(paragraph, "S9", "paragraph has no opening phrase to italicise")


@rule("S10", "end-marks")
def end_marks(text: Text) -> None:
    """A preambular paragraph ends with ',', an operative one with ';', the last operative one with '.'.

    Example: "Recalling the declaration;" in the preamble.
    Fix: let the un-resolution profile punctuate (it replaces the end mark), or correct the clause text.
    """
    for index, paragraph in enumerate(text.paragraphs):
        if text.children(index):
            continue
        end = _end(paragraph)
        if paragraph.role in (Role.PREAMBULAR, Role.SUBJECT) and end != ",":
            text.report(paragraph, "S10", f"preambular paragraph should end with ',' (ends with {_shown(end)})")
        if paragraph.role is Role.OPERATIVE:
            expected = "." if paragraph.id == text.last_operative and not text.continued(index) else ";"
            if end != expected and not (text.continued(index) and end == ":"):
                text.report(paragraph, "S10",
                            f"operative paragraph should end with {expected!r} (ends with {_shown(end)})")


@rule("S11", "sub-item-labels")
def sub_item_labels(text: Text) -> None:
    """Sub-paragraph labels run without gaps: (a), (b) …; (i), (ii) ….

    Example: sub-items labelled (a), (c).
    Fix: let the profile label sub-items (remove hand-written labels from the item texts).
    """
    from drafting.conventions.profiles import format_number

    for index in range(len(text.paragraphs)):
        subs = [c for c in text.children(index) if c.role is Role.SUBITEM]
        for ordinal, child in enumerate(subs, start=1):
            core = re.sub(r"[^a-z0-9]", "", child.label.lower())
            if core and core not in (format_number(ordinal, "lowerLetter"), format_number(ordinal, "lowerRoman"),
                                     str(ordinal)):
                text.report(child, "S11",
                            f"sub-item label {child.label!r} breaks the sequence (expected item {ordinal})")


@rule("S12", "lead-ins-and-items")
def lead_ins_and_items(text: Text) -> None:
    """A lead-in ends with ':'; each sub-item ends with ';', the last takes the paragraph's closing mark.

    Example: "to:" followed by "(a) prepare the plan." and "(b) report back."
    Fix: end the items with ';' and only the last of the last operative paragraph with '.'.
    """
    for index, paragraph in enumerate(text.paragraphs):
        children = text.children(index)
        if paragraph.role is Role.CHAPEAU and _end(paragraph) != ":":
            text.report(paragraph, "S12", f"lead-in should end with ':' (ends with {_shown(_end(paragraph))})")
        if not children:
            continue
        if _end(paragraph) != ":":
            text.report(paragraph, "S12", f"lead-in should end with ':' (ends with {_shown(_end(paragraph))})")
        for position, child in enumerate(children):
            if child.role is Role.BULLET or text.children(text.paragraphs.index(child)):
                continue
            child_end = _end(child)
            last = position == len(children) - 1
            if not last and child_end != ";":
                text.report(child, "S12", f"sub-item should end with ';' (ends with {_shown(child_end)})")
            if last and paragraph.role is Role.OPERATIVE:
                expected = "." if paragraph.id == text.last_operative else ";"
                if child_end != expected:
                    text.report(child, "S12", f"last sub-item takes the paragraph's closing mark {expected!r}")


@rule("S13", "bullets")
def bullets(text: Text) -> None:
    """Bulleted items take no semicolons or commas.

    Example: a member list written "- Kazakhstan;".
    Fix: drop the end mark (the profile does for lists made from a `states` parameter).
    """
    for index in range(len(text.paragraphs)):
        for child in text.children(index):
            if child.role is Role.BULLET and _end(child) in (";", ","):
                text.report(child, "S13", "bulleted items take no semicolons or commas")


@rule("S15", "dates")
def dates(text: Text) -> None:
    """Dates are written 'd Month yyyy' (English texts).

    Example: "Almaty, September 7th 2012" (the as-issued profile's own form).
    Fix: lint or assemble with `--profile un-resolution`, which writes "7 September 2012".
    """
    place = next((p for p in text.paragraphs if p.role is Role.PLACE_DATE), None)
    if place is not None and text.document.language == "en" and not _DMY.search(place.text):
        text.report(place, "S15", f"date in {place.text!r} is not written 'd Month yyyy'")


@rule("S17", "repeated-opener")
def repeated_opener(text: Text) -> None:
    """A repeated opener takes 'also' or 'further'.

    Example: two consecutive paragraphs opening *Recalling*.
    Fix: write the second as *Recalling also* (or *Further recalls* for operative paragraphs).
    """
    previous = ""
    for paragraph in text.paragraphs:
        if paragraph.role not in (Role.PREAMBULAR, Role.OPERATIVE):
            continue
        opening = _opening(paragraph)
        if opening and previous and opening.casefold() == previous.casefold():
            text.report(paragraph, "S17", f"repeated opener {opening!r}: use 'also' or 'further'")
        previous = opening


@rule("S18", "binding-verbs")
def binding_verbs(text: Text) -> None:
    """Verbs of binding organs (*Demands*) are flagged for review in a ministerial outcome.

    Example: "Demands that all parties …".
    Fix: use *Calls upon* or *Urges*, unless the body adopting the text can bind.
    """
    for paragraph in text.paragraphs:
        if paragraph.role is Role.OPERATIVE and _opening(paragraph).split(" ")[0] in SECURITY_COUNCIL_ONLY:
            text.report(paragraph, "S18", f"{_opening(paragraph)!r} belongs to binding organs; review it in this "
                                          "outcome")


# -- the catalogue (docs/lint-rules.md) ------------------------------------------------------------------------


def catalogue_markdown() -> str:
    """docs/lint-rules.md: every rule of `RULES` with its example and fix."""
    lines = [
        "# Lint rules",
        "",
        "<!-- Generated from drafting/conventions/lint.py by `python -m drafting.conventions.lint`; a test fails "
        "when this file and the rules disagree. -->",
        "",
        "`drafting lint SPEC` assembles the spec and reports each breach as `PARAGRAPH: CODE: message` (exit 1 "
        "when there is one). It reports, it never refuses: a text issued in its own style (the 2012 Almaty "
        "Recommendations) simply has findings. `--profile un-resolution` lints the text as the UN profile "
        "would lay it out. The codes are those of `docs/reference/conventions.md`.",
        "",
    ]
    for registered in RULES.values():
        lines += [f"## {registered.code} — {registered.name}", "", registered.summary, "",
                  f"- Example: {registered.section('Example')}", f"- Fix: {registered.section('Fix')}", ""]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - the generator of docs/lint-rules.md
    sys.stdout.write(catalogue_markdown())
