"""Paragraph numbers written as text: the number a paragraph shows, fixed, so every client shows the same.

Word's automatic numbering is renumbered by each client as it lays out tracked paragraphs (LibreOffice shows
`[1.] Endorse`, `1.[2.] Endorse` around an inserted paragraph); a compilation text that delegations cite by
number must show one number. `label_as_text` switches a paragraph's list numbering off (`w:numId` 0, which
also overrides a number its style would give) and writes the label as the paragraph's first run.
"""

from __future__ import annotations

from lxml import etree

from drafting.ooxml.wml.names import get_or_add_ppr, insert_in_order, qn, w_el

_NUM_PR = qn("w:numPr")


def numbered(p: etree._Element) -> bool:
    """Whether `p` has list numbering of its own (`w:pPr/w:numPr` with a non-zero `w:numId`)."""
    ppr = p.find(qn("w:pPr"))
    num = None if ppr is None else ppr.find(_NUM_PR)
    if num is None:
        return False
    num_id = num.find(qn("w:numId"))
    return num_id is None or num_id.get(qn("w:val")) != "0"


def label_as_text(p: etree._Element, label: str, separator: str = " ") -> str:
    """Write `label` as the first run of `p` and switch its automatic number off; returns the text written."""
    ppr = get_or_add_ppr(p)
    for old in ppr.findall(_NUM_PR):
        ppr.remove(old)
    num = w_el("numPr")
    num.append(w_el("ilvl", val="0"))
    num.append(w_el("numId", val="0"))
    insert_in_order(ppr, num)
    text = label + separator
    run, t = w_el("r"), w_el("t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    p.insert(list(p).index(ppr) + 1, run)
    return text
