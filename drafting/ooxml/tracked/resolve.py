"""Accept-all and reject-all of WordprocessingML tracked changes (ECMA-376 Part 1, §17.13), in a story or a
whole package.

Joining rule (what LibreOffice 7.4 does): a paragraph whose mark goes away joins the next paragraph of its
story; the joined paragraph keeps the first paragraph's properties, unless the first paragraph has no
content left, in which case it simply disappears. Deleted (accept) or inserted (reject) table rows and cells
go with their content; a table left without rows goes too.
"""

from __future__ import annotations

import copy

from lxml import etree

from drafting.ooxml.opc.package import Package, resolve_target
from drafting.ooxml.parser import serialise
from drafting.ooxml.tracked.read import (
    ADDED,
    MOVE_RANGE_ENDS,
    MOVE_RANGE_STARTS,
    REMOVED,
    REVISION_CONTAINERS,
    following_paragraph,
    mark_revision,
)
from drafting.ooxml.wml.names import insert_in_order, qn, w_el

_P, _R, _PPR, _RPR, _SECT_PR = qn("w:p"), qn("w:r"), qn("w:pPr"), qn("w:rPr"), qn("w:sectPr")
_T, _DEL_TEXT = qn("w:t"), qn("w:delText")
_INSTR, _DEL_INSTR = qn("w:instrText"), qn("w:delInstrText")
_INS, _DEL = qn("w:ins"), qn("w:del")
_TBL, _TR, _TC, _TRPR, _TCPR = qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:trPr"), qn("w:tcPr")
_NUM_PR = qn("w:numPr")

# -- accept / reject all ----------------------------------------------------------------------------------

_KEPT_MARKERS = frozenset(
    qn(t)
    for t in ("w:bookmarkStart", "w:bookmarkEnd", "w:commentRangeStart", "w:commentRangeEnd", "w:permStart",
              "w:permEnd")
)  # fmt: skip
_CUSTOM_XML_RANGES = frozenset(
    qn(f"w:customXml{kind}Range{edge}") for kind in ("Ins", "Del", "MoveFrom", "MoveTo") for edge in ("Start", "End")
)
_CELL_INS, _CELL_DEL, _CELL_MERGE = qn("w:cellIns"), qn("w:cellDel"), qn("w:cellMerge")

# *PrChange: (children kept before the restored old properties, children kept after them)
_PR_CHANGES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    qn("w:pPrChange"): (frozenset(), frozenset({_RPR, _SECT_PR})),
    qn("w:rPrChange"): (frozenset(REVISION_CONTAINERS), frozenset()),
    qn("w:sectPrChange"): (frozenset({qn("w:headerReference"), qn("w:footerReference")}), frozenset()),
    qn("w:trPrChange"): (frozenset(), frozenset({_INS, _DEL})),
    qn("w:tcPrChange"): (frozenset(), frozenset({_CELL_INS, _CELL_DEL, _CELL_MERGE})),
    qn("w:tblPrChange"): (frozenset(), frozenset()),
    qn("w:tblPrExChange"): (frozenset(), frozenset()),
    qn("w:tblGridChange"): (frozenset(), frozenset()),
}


def accept_all(body_root: etree._Element) -> None:
    """Accept every revision under `body_root` in place, leaving no revision markup (comments untouched)."""
    _resolve(body_root, accept=True)


def reject_all(body_root: etree._Element) -> None:
    """Reject every revision under `body_root` in place, leaving no revision markup (comments untouched)."""
    _resolve(body_root, accept=False)


def _resolve(root: etree._Element, *, accept: bool) -> None:
    kept = ADDED if accept else REMOVED
    kept_tags = {tag for tag, kind in REVISION_CONTAINERS.items() if kind in kept}

    # 1. paragraph marks: decide joins on the structure as it is (what the reader sees)
    joins: list[etree._Element] = []
    for p in list(root.iter(_P)):
        mark = mark_revision(p)
        if mark is None:
            continue
        rpr = mark.getparent()
        marks = [m for m in rpr if m.tag in REVISION_CONTAINERS]
        if any(m.tag not in kept_tags for m in marks) and following_paragraph(p) is not None:
            joins.append(p)
        while mark is not None:
            rpr = mark.getparent()
            rpr.remove(mark)
            if not len(rpr):
                ppr = rpr.getparent()
                ppr.remove(rpr)
                if not len(ppr) and not ppr.attrib:
                    p.remove(ppr)
            mark = mark_revision(p)

    # 2. table rows and cells
    for tr in list(root.iter(_TR)):
        trpr = tr.find(_TRPR)
        for el in [] if trpr is None else [e for e in trpr if e.tag in (_INS, _DEL)]:
            if el.tag in kept_tags:
                trpr.remove(el)
            else:
                _remove(tr)
                break
    for tc in list(root.iter(_TC)):
        tcpr = tc.find(_TCPR)
        for el in [] if tcpr is None else [e for e in tcpr if e.tag in (_CELL_INS, _CELL_DEL, _CELL_MERGE)]:
            if el.tag == _CELL_MERGE or (el.tag == _CELL_INS) == accept:
                tcpr.remove(el)
            else:
                _remove(tc)
                break
    for tr in list(root.iter(_TR)):
        if tr.find(f".//{_TC}") is None:
            _remove(tr)
    for tbl in list(root.iter(_TBL)):
        if tbl.find(f".//{_TR}") is None:
            _remove(tbl)

    # 3. numbering changes
    for num_pr in list(root.iter(_NUM_PR)):
        for el in [e for e in num_pr if e.tag in (_INS, qn("w:numberingChange"))]:
            if el.tag == _INS and not accept:
                _remove(num_pr)
                break
            num_pr.remove(el)

    # 4. run-level containers
    for el in list(root.iter(*REVISION_CONTAINERS)):
        parent = el.getparent()
        if parent is None:
            continue
        if parent.tag in (_RPR, _TRPR, _NUM_PR):  # stray revision mark in a property element
            parent.remove(el)
        elif el.tag in kept_tags:
            if not accept:
                for node in el.iter(_DEL_TEXT, _DEL_INSTR):
                    node.tag = _T if node.tag == _DEL_TEXT else _INSTR
            _unwrap(el)
        else:
            _remove_keeping_markers(el)
    for el in list(root.iter(*MOVE_RANGE_STARTS, *MOVE_RANGE_ENDS, *_CUSTOM_XML_RANGES)):
        el.getparent().remove(el)

    # 5. property changes
    for el in list(root.iter(*_PR_CHANGES)):
        parent = el.getparent()
        if parent is None:  # a second change in the same properties, gone when the first one was undone
            continue
        if accept:
            parent.remove(el)
            continue
        before, after = _PR_CHANGES[el.tag]
        old = list(el[0]) if len(el) else []
        head = [c for c in parent if c.tag in before]
        tail = [c for c in parent if c.tag in after]
        for child in list(parent):
            parent.remove(child)
        parent.extend([*head, *(copy.deepcopy(c) for c in old), *tail])
    for el in list(root.iter(qn("w:numberingChange"))):
        el.getparent().remove(el)

    # 6. join paragraphs whose mark went away
    for p in joins:
        if not _attached(p, root):
            continue
        nxt = following_paragraph(p)
        if nxt is not None:
            _join(p, nxt)


def _remove(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is not None:
        parent.remove(el)


def _unwrap(el: etree._Element) -> None:
    """Replace `el` by its children."""
    parent = el.getparent()
    index = parent.index(el)
    for offset, child in enumerate(list(el)):
        parent.insert(index + offset, child)
    parent.remove(el)


def _remove_keeping_markers(el: etree._Element) -> None:
    """Remove a revision container, keeping the bookmarks, comment anchors and comment references in it."""
    parent = el.getparent()
    index = parent.index(el)
    keep = []
    for node in el.iter(_R, *_KEPT_MARKERS):
        if node.tag == _R:
            if node.find(qn("w:commentReference")) is not None:
                for child in list(node):
                    if child.tag not in (_RPR, qn("w:commentReference")):
                        node.remove(child)
                keep.append(node)
        else:
            keep.append(node)
    parent.remove(el)
    for offset, node in enumerate(keep):
        parent.insert(index + offset, node)


def _attached(el: etree._Element, root: etree._Element) -> bool:
    return el is root or any(a is root for a in el.iterancestors())


def _has_content(p: etree._Element) -> bool:
    return any(len([c for c in r if c.tag != _RPR]) for r in p.iter(_R))


def _join(p: etree._Element, nxt: etree._Element) -> None:
    """Join `p` into the following paragraph `nxt` (p's mark is gone); LibreOffice's property rule."""
    first_ppr, next_ppr = p.find(_PPR), nxt.find(_PPR)
    keep_first = _has_content(p)
    position = 1 if next_ppr is not None else 0
    for offset, child in enumerate([c for c in p if c.tag != _PPR]):
        nxt.insert(position + offset, child)
    if keep_first:
        next_sect = next_ppr.find(_SECT_PR) if next_ppr is not None else None
        if first_ppr is not None:
            for sect in first_ppr.findall(_SECT_PR):
                first_ppr.remove(sect)
        if next_ppr is not None:
            nxt.remove(next_ppr)
        if first_ppr is not None or next_sect is not None:
            ppr = first_ppr if first_ppr is not None else w_el("pPr")
            if next_sect is not None:
                insert_in_order(ppr, next_sect)
            nxt.insert(0, ppr)
    p.getparent().remove(p)


# -- whole packages ---------------------------------------------------------------------------------------

STORY_RELATIONSHIPS = ("header", "footer", "footnotes", "endnotes")


def resolve_package(package: Package, *, accept: bool) -> dict[str, bytes]:
    """The parts of `package` with every tracked change accepted (or rejected) in the body and other stories."""
    parts = dict(package.parts)
    stories = [package.main_document]
    for rel in package.relationships(package.main_document):
        if not rel.external and rel.type.rsplit("/", 1)[-1] in STORY_RELATIONSHIPS:
            target = resolve_target(package.main_document, rel.target)
            if target and target in parts:
                stories.append(target)
    for name in stories:
        root = package.xml(name)
        (accept_all if accept else reject_all)(root)
        parts[name] = serialise(root)
    return parts

