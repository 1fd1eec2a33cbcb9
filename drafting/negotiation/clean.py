"""Clean amendments: the changes a drafter would mark, not the fragments a diff or a word processor leaves.

- A change whose old and new text are equal (LibreOffice's Replace of a word by itself) is no change.
- A replacement keeps only what differs: the words both texts begin or end with are not part of it.
- Fragments from one delegation in one paragraph that touch, overlap, or are separated by at most one word
  coalesce into one change of the whole phrase (`insert ', IOM'` + `replace 'IOM' → 'OSCE'` in "UNHCR and
  IOM" become `replace 'UNHCR and IOM' …`).

Applying the clean amendments to the base gives exactly what applying the fragments gave.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from drafting.model.document import Amendment, AmendmentKind

INLINE = frozenset({AmendmentKind.INSERT, AmendmentKind.DELETE, AmendmentKind.REPLACE})
_WORD = re.compile(r"\w+")
MAX_GAP_WORDS = 1


def _kind(old: str, new: str) -> AmendmentKind:
    return AmendmentKind.REPLACE if old and new else AmendmentKind.DELETE if old else AmendmentKind.INSERT


def trim(amendment: Amendment) -> Amendment | None:
    """`amendment` without the words its old and new text share at either end; None when they are equal."""
    old, new, position = amendment.old, amendment.new, amendment.position
    if old == new:
        return None
    if not (old and new):
        return amendment
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    while head and (old[head - 1:head].isalnum() or new[head - 1:head].isalnum()):
        head -= 1  # keep whole words: trim only up to a word boundary
    old, new, position = old[head:], new[head:], position + head
    tail = 0
    while tail < min(len(old), len(new)) and old[len(old) - 1 - tail] == new[len(new) - 1 - tail]:
        tail += 1
    while tail and (old[len(old) - tail:len(old) - tail + 1].isalnum()
                    or new[len(new) - tail:len(new) - tail + 1].isalnum()):
        tail -= 1
    if tail:
        old, new = old[:len(old) - tail], new[:len(new) - tail]
    return replace(amendment, old=old, new=new, position=position, kind=_kind(old, new))


def _joinable(text: str, a: Amendment, b: Amendment) -> bool:
    """Whether `b` (starting at or after `a`) touches `a` or is at most one word away from it."""
    end = a.position + len(a.old)
    if b.position < end:
        return True
    return len(_WORD.findall(text[end:b.position])) <= MAX_GAP_WORDS


def _merge(text: str, a: Amendment, b: Amendment) -> Amendment:
    """One change over the span of `a` and `b` (non-overlapping, `a` first) with the same effect."""
    end_a = a.position + len(a.old)
    end = max(end_a, b.position + len(b.old))
    old = text[a.position:end]
    new = a.new + text[end_a:b.position] + b.new + text[b.position + len(b.old):end]
    return replace(a, old=old, new=new, kind=_kind(old, new), date=a.date or b.date)


def coalesce(amendments: Sequence[Amendment], texts: Mapping[str, str]) -> list[Amendment]:
    """`amendments` cleaned: equal changes dropped, replacements trimmed, one delegation's fragments in one
    paragraph (same `tracked`) coalesced; `texts` are the base paragraph texts by id. Other kinds, and
    fragments whose old text is not where they say, are kept as they are."""
    out: list[tuple[int, Amendment]] = []  # (index of the first fragment, amendment): the order read stays
    groups: dict[tuple[str, str | None, bool], list[tuple[int, Amendment]]] = {}
    for index, amendment in enumerate(amendments):
        text = texts.get(amendment.paragraph or "")
        if amendment.kind in INLINE and text is not None and \
                text[amendment.position:amendment.position + len(amendment.old)] == amendment.old:
            key = (amendment.delegation, amendment.paragraph, amendment.tracked)
            groups.setdefault(key, []).append((index, amendment))
        elif amendment.kind not in INLINE or amendment.old != amendment.new:
            out.append((index, amendment))
    for (_, paragraph, _), members in groups.items():
        text = texts[paragraph or ""]
        ordered = sorted(members, key=lambda item: (item[1].position, len(item[1].old)))
        merged: list[tuple[int, Amendment]] = []
        for index, amendment in ordered:
            if merged and _joinable(text, merged[-1][1], amendment) and \
                    amendment.position >= merged[-1][1].position + len(merged[-1][1].old):
                first, previous = merged[-1]
                merged[-1] = (min(first, index), _merge(text, previous, amendment))
            else:
                merged.append((index, amendment))
        out.extend((index, clean) for index, a in merged if (clean := trim(a)) is not None)
    return [amendment for _, amendment in sorted(out, key=lambda item: item[0])]


def apply(text: str, amendments: Sequence[Amendment]) -> str:
    """`text` with non-overlapping inline `amendments` applied (for checking that cleaning changes nothing)."""
    for a in sorted(amendments, key=lambda a: (a.position, len(a.old)), reverse=True):
        text = text[:a.position] + a.new + text[a.position + len(a.old):]
    return text
