"""Writer of WordprocessingML tracked changes (ECMA-376 Part 1, §17.13); accept/reject-all is in `resolve`.

Every function edits lxml elements in place; ids come from one `RevisionIds` per package so no new `w:id`
collides with a bookmark, comment, revision or move range id (Word rejects such collisions).

Last-paragraph rule: the last paragraph of the body or of a table cell, and a paragraph just before a table
or block content control, cannot lose its mark (Word and LibreOffice ignore such a revision; rejecting an
inserted paragraph there leaves an empty paragraph). So, as Word does,

- `insert_paragraph_after` an anchor that ends its story marks the *anchor's* mark as inserted and leaves the
  new last paragraph's mark alone (reject joins the anchor with the empty new paragraph);
- `mark_paragraph_deleted` on a paragraph that ends its story marks the *previous* paragraph's mark as
  deleted (accept joins the previous paragraph with the emptied one); with no previous paragraph only the
  content is deleted, and an empty paragraph remains.

`accept_all`, `reject_all` and `resolve_package` are re-exported from `drafting.ooxml.tracked.resolve`.
"""

from __future__ import annotations

import copy
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from lxml import etree

from drafting.ooxml.opc.package import Package
from drafting.ooxml.parser import serialise
from drafting.ooxml.tracked.read import (
    REVISION_CONTAINERS,
    TRANSPARENT,
    FieldState,
    atom_text,
    following_paragraph,
    mark_revision,
    preceding_paragraph,
)
from drafting.ooxml.tracked.resolve import STORY_RELATIONSHIPS, accept_all, reject_all, resolve_package
from drafting.ooxml.wml.names import get_or_add, get_or_add_ppr, insert_in_order, qn, w_el

__all__ = [
    "STORY_RELATIONSHIPS", "Change", "RevisionIds", "accept_all", "apply_changes", "enable_track_revisions",
    "insert_paragraph_after", "insert_paragraph_before", "mark_deleted_rows", "mark_paragraph_deleted",
    "merge_drop_caps", "move_paragraph", "reject_all",
    "resolve_package", "tracked_package",
]

_P, _R, _PPR, _RPR, _SECT_PR = qn("w:p"), qn("w:r"), qn("w:pPr"), qn("w:rPr"), qn("w:sectPr")
_T, _DEL_TEXT = qn("w:t"), qn("w:delText")
_INSTR, _DEL_INSTR = qn("w:instrText"), qn("w:delInstrText")
_FLD_CHAR, _FLD_TYPE = qn("w:fldChar"), qn("w:fldCharType")
_INS, _DEL, _MOVE_FROM, _MOVE_TO = qn("w:ins"), qn("w:del"), qn("w:moveFrom"), qn("w:moveTo")
_TBL, _TR, _TC, _TRPR, _TCPR = qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:trPr"), qn("w:tcPr")
_NUM_PR = qn("w:numPr")
_ID = qn("w:id")
_XML_SPACE = qn("xml:space")
_PR_CHANGE_TAGS = (qn("w:pPrChange"), qn("w:rPrChange"))
_RPR_CHANGE = qn("w:rPrChange")

# -- ids --------------------------------------------------------------------------------------------------


class RevisionIds:
    """Allocates `w:id` values above the largest numeric `w:id` of any element in `roots`.

    Pass every part that shares the id space (document, comments, footnotes, endnotes, headers, footers).
    """

    def __init__(self, *roots: etree._Element) -> None:
        top = -1
        for root in roots:
            for el in root.iter(tag=etree.Element):
                value = el.get(_ID)
                if value is not None:
                    try:
                        top = max(top, int(value))
                    except ValueError:
                        continue
        self._next = top + 1

    def next(self) -> str:
        """A fresh id, as the string `w:id` wants."""
        value = self._next
        self._next += 1
        return str(value)


_FACTORY = etree.Element(qn("w:document"))
_REVISION_TAGS = {"ins": _INS, "del": _DEL, "w:ins": _INS, "w:del": _DEL}
_AUTHOR, _DATE = qn("w:author"), qn("w:date")


def new_element(tag: str, *attributes: tuple[str, str]) -> etree._Element:
    """A new element `tag` (a Clark name) with `attributes` (Clark name, value) set in order, for insertion
    into a tree that declares its namespace: `w_el` without its own `xmlns:w`, which lxml drops on insertion
    anyway (the same bytes once inserted), at a third of the cost (no new document, no attribute dict)."""
    el = _FACTORY.makeelement(tag)
    for name, value in attributes:
        el.set(name, value)
    return el


def _revision_el(tag: str, ids: RevisionIds, author: str, date: str) -> etree._Element:
    clark = _REVISION_TAGS.get(tag)
    if clark is None:
        return w_el(tag, id=ids.next(), author=author, date=date)
    return new_element(clark, (_ID, ids.next()), (_AUTHOR, author), (_DATE, date))


# -- inline changes ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """One step of an edit script: keep (`equal`), `insert` or `delete` `text`, by `author` at `date`.

    `author`/`date` left None take the defaults of `apply_changes`.
    """

    op: Literal["equal", "insert", "delete"]
    text: str
    author: str | None = None
    date: str | None = None


@dataclass(slots=True)
class _Cell:
    """A splittable piece of a run: a stretch of a `w:t`'s characters, or one other run child.

    A `w:t` is one cell until the changes cut it: `apply_changes` splits it where a deletion starts or ends
    and at insertion points, so every character of a cell has the same state and segment (cutting per
    character gave the same runs, at a cost proportional to the paragraph's length in characters).
    """

    child: etree._Element
    text: str  # "" for zero-width children
    role: str  # "text" | "code" (field code, fldChar) | "other" (zero-width, e.g. a drawing)
    state: int = -1  # -1 keep, else index of the deleting change
    segment: int = 0  # how many insertion points come before it: runs are split between segments
    start: int = 0  # offset of its first character in the paragraph's text (text cells)


def apply_changes(
    p: etree._Element, changes: Sequence[Change], ids: RevisionIds, *, default_author: str, default_date: str
) -> None:
    """Record `changes` in paragraph `p` as tracked insertions and deletions.

    `p` must have no run-level revisions yet, and its visible text (as `read_body` reads it) must equal the
    `equal` and `delete` texts joined, else `ValueError`. Runs are split at character offsets keeping their
    `w:rPr`; deleted pieces go into `w:del` (`w:t` → `w:delText`, `w:instrText` → `w:delInstrText`) next to
    where they were, also inside hyperlinks and other containers; an insertion goes right after the preceding
    character (before the first one at offset 0) with that run's `w:rPr`. Bookmarks, comment ranges and
    other non-run children stay in place. A field is deleted whole or not at all: when a deletion covers only
    part of a field, its code is kept and only result text is deleted.
    """
    for change in changes:
        if change.op not in ("equal", "insert", "delete"):
            raise ValueError(f"unknown change op {change.op!r}")
    for el in p.iter(*REVISION_CONTAINERS):
        if el.getparent() is not None and el.getparent().tag != _RPR:
            raise ValueError("paragraph already has tracked changes; resolve them before applying new ones")
    runs = _runs_of(p)
    cells_by_run = _cells(runs)
    old = "".join(c.text for cells in cells_by_run for c in cells if c.role == "text")
    expected = "".join(c.text for c in changes if c.op != "insert")
    if old != expected:
        raise ValueError(f"paragraph text {old!r} does not match the changes' old text {expected!r}")

    # -- which characters each change deletes, where each insertion goes --
    inserts: list[tuple[int, int]] = []  # (old offset, change index)
    deletes: list[tuple[int, int, int]] = []  # (start, end, change index), in order, not overlapping
    pos = 0
    for index, change in enumerate(changes):
        if change.op == "insert":
            if change.text:
                inserts.append((pos, index))
            continue
        if change.op == "delete" and change.text:
            deletes.append((pos, pos + len(change.text), index))
        pos += len(change.text)
    points = sorted({offset for offset, _ in inserts})
    cuts = sorted({*points, *(d[0] for d in deletes), *(d[1] for d in deletes)})
    cells_by_run = [_cut(cells, cuts) for cells in cells_by_run]
    flat = [c for cells in cells_by_run for c in cells]
    chars = [c for c in flat if c.role == "text"]  # each cell's characters share one state and segment
    starts = [c.start for c in chars]
    for start, stop, index in deletes:
        for i in range(bisect_left(starts, start), bisect_left(starts, stop)):
            chars[i].state = index
    _zero_width_states(flat)
    segment = 0
    for c in flat:  # a zero-width cell stays with the character before it
        if c.role == "text":
            segment = bisect_right(points, c.start)
        c.segment = segment

    # -- split runs, wrap deletions --
    piece_of: dict[int, etree._Element] = {}  # id(cell) -> run holding it after the split
    deleted_pieces: list[tuple[etree._Element, int]] = []
    for run, cells in zip(runs, cells_by_run, strict=True):
        for piece, state, piece_cells in _split_run(run, cells, ids):
            for c in piece_cells:
                piece_of[id(c)] = piece
            if state >= 0:
                _to_deleted(piece)
                deleted_pieces.append((piece, state))
    _wrap_groups(deleted_pieces, lambda state: _author_date(changes[state], default_author, default_date), ids)

    def holding(offset: int) -> etree._Element:
        """The run that holds the character at `offset` after the split."""
        return piece_of[id(chars[bisect_right(starts, offset) - 1])]

    # -- insertions --
    last_at: dict[int, etree._Element] = {}
    for offset, index in inserts:
        change = changes[index]
        author, date = _author_date(change, default_author, default_date)
        if chars:
            source: etree._Element | None = holding(offset - 1 if offset else 0)
        else:
            source = runs[-1] if runs else None
        # made inside `p` (its namespace found, none declared on it) and then moved where it goes
        ins = etree.SubElement(p, _INS)
        ins.set(_ID, ids.next())
        ins.set(_AUTHOR, author)
        ins.set(_DATE, date)
        _fill_run(etree.SubElement(ins, _R), change.text, _rpr_copy(source))
        if offset in last_at:
            last_at[offset].addnext(ins)
        elif not chars:
            p.append(ins)
        elif offset > 0:
            _top(holding(offset - 1)).addnext(ins)
        else:
            _top(holding(0)).addprevious(ins)
        last_at[offset] = ins


def _author_date(change: Change, author: str, date: str) -> tuple[str, str]:
    return change.author or author, change.date or date


def _runs_of(p: etree._Element) -> list[etree._Element]:
    """The `w:r` elements of `p` in order, looking into hyperlinks, fields, smart tags and content controls."""
    out: list[etree._Element] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            if child.tag == _R:
                out.append(child)
            elif child.tag in TRANSPARENT:
                walk(child)

    walk(p)
    return out


def _cells(runs: Sequence[etree._Element]) -> list[list[_Cell]]:
    """Each run's cells: a `w:t` whole, each other child one cell; text cells know their offset."""
    fields = FieldState()
    out = []
    offset = 0
    for run in runs:
        cells: list[_Cell] = []
        for child in run:
            if child.tag == _RPR:
                continue
            text = atom_text(child, fields)
            if child.tag == _FLD_CHAR or child.tag in (_INSTR, _DEL_INSTR):
                cells.append(_Cell(child, "", "code"))
            elif text:  # a w:t's characters, or the one character of a tab, break, symbol…
                cells.append(_Cell(child, text, "text", start=offset))
                offset += len(text)
            else:
                cells.append(_Cell(child, "", "code" if fields.in_code else "other"))
        out.append(cells)
    return out


def _cut(cells: list[_Cell], cuts: Sequence[int]) -> list[_Cell]:
    """`cells` with every text cell cut at the offsets in `cuts` that fall inside it."""
    out: list[_Cell] = []
    for c in cells:
        end = c.start + len(c.text)
        if c.role != "text" or len(c.text) < 2:
            out.append(c)
            continue
        i = bisect_right(cuts, c.start)
        if i == len(cuts) or cuts[i] >= end:
            out.append(c)
            continue
        at = c.start
        while i < len(cuts) and cuts[i] < end:
            out.append(_Cell(c.child, c.text[at - c.start : cuts[i] - c.start], "text", start=at))
            at = cuts[i]
            i += 1
        out.append(_Cell(c.child, c.text[at - c.start :], "text", start=at))
    return out


def _zero_width_states(flat: list[_Cell]) -> None:
    """Delete zero-width cells that sit inside one deletion; keep every field whole or its code untouched."""
    if all(c.role == "text" for c in flat):
        return  # no zero-width cell and no field (a fldChar is a code cell): nothing to decide
    prev_state = [-1] * len(flat)
    state = None
    for i, c in enumerate(flat):
        if c.role == "text":
            state = c.state
        prev_state[i] = -1 if state is None else state
    state = None
    for i in range(len(flat) - 1, -1, -1):
        c = flat[i]
        if c.role == "text":
            state = c.state
            continue
        if state is not None and state >= 0 and prev_state[i] == state:
            c.state = state
    # fields: begin..end spans; a field partly kept keeps all its code
    stack: list[int] = []
    spans: list[tuple[int, int]] = []
    for i, c in enumerate(flat):
        if c.child.tag != _FLD_CHAR:
            continue
        kind = c.child.get(_FLD_TYPE)
        if kind == "begin":
            stack.append(i)
        elif kind == "end":
            spans.append((stack.pop() if stack else 0, i))
    spans.extend((start, len(flat) - 1) for start in stack)  # unbalanced: field continues in another paragraph
    for start, end in spans:
        code = [c for c in flat[start : end + 1] if c.role == "code"]
        balanced = flat[start].child.get(_FLD_TYPE) == "begin" and flat[end].child.get(_FLD_TYPE) == "end"
        states = {c.state for c in code}
        if not balanced or len(states) > 1 or -1 in states:
            for c in code:
                c.state = -1


def _split_run(
    run: etree._Element, cells: list[_Cell], ids: RevisionIds
) -> list[tuple[etree._Element, int, list[_Cell]]]:
    """Split `run` into runs of equal cell state (each with a copy of the `w:rPr`); the run itself if one."""
    groups: list[tuple[tuple[int, int], list[_Cell]]] = []
    for c in cells:
        if groups and groups[-1][0] == (c.state, c.segment):
            groups[-1][1].append(c)
        else:
            groups.append(((c.state, c.segment), [c]))
    if len(groups) <= 1:
        return [(run, groups[0][0][0] if groups else -1, cells)]
    rpr = next(run.iterchildren(_RPR), None)  # run.find(_RPR), without ElementPath
    pieces = []
    attributes = run.items()
    parent = run.getparent()
    for n, ((state, _), group) in enumerate(groups):
        # each piece is made inside the parent (its namespace found, none declared on it) and put before `run`
        piece = etree.SubElement(parent, _R)
        run.addprevious(piece)
        for name, value in attributes:  # set one by one: lxml's attribute-dict path is several times slower
            piece.set(name, value)
        if rpr is not None:
            piece.append(_fresh_ids(copy.deepcopy(rpr), ids) if n else copy.deepcopy(rpr))
        last_t: etree._Element | None = None
        last_src: etree._Element | None = None
        chunk: list[str] = []  # characters of the current w:t, joined once (lxml text is immutable)
        for c in group:
            if c.role == "text" and c.child.tag in (_T, _DEL_TEXT):
                if last_src is c.child and last_t is not None:
                    chunk.append(c.text)
                else:
                    if last_t is not None:
                        last_t.text = "".join(chunk)
                    last_t = etree.SubElement(piece, c.child.tag)
                    for name, value in c.child.items():
                        last_t.set(name, value)
                    last_t.set(_XML_SPACE, "preserve")
                    last_src = c.child
                    chunk = [c.text]
            else:
                if last_t is not None:
                    last_t.text = "".join(chunk)
                piece.append(c.child)
                last_t = last_src = None
                chunk = []
        if last_t is not None:
            last_t.text = "".join(chunk)
        pieces.append((piece, state, group))
    parent.remove(run)
    return pieces


def _fresh_ids(el: etree._Element, ids: RevisionIds) -> etree._Element:
    """`el` with every `w:id` in it replaced by a new one (a copied `w:rPrChange` must not share its id)."""
    for node in el.iter(tag=etree.Element):
        if node.get(_ID) is not None:
            node.set(_ID, ids.next())
    return el


def _to_deleted(run: etree._Element) -> None:
    """Rename text and field code in a run that is being deleted (`w:t` → `w:delText`)."""
    for child in run:
        if child.tag == _T:
            child.tag = _DEL_TEXT
        elif child.tag == _INSTR:
            child.tag = _DEL_INSTR


def _wrap_groups(pieces: list[tuple[etree._Element, int]], who: Callable[[int], tuple[str, str]], ids: RevisionIds,
                 tag: str = "del") -> None:
    """Wrap runs in `tag` containers, one container per group of adjacent siblings with the same key."""
    i = 0
    while i < len(pieces):
        piece, key = pieces[i]
        group = [piece]
        j = i + 1
        while j < len(pieces) and pieces[j][1] == key and group[-1].getnext() is pieces[j][0]:
            group.append(pieces[j][0])
            j += 1
        author, date = who(key)
        clark = _REVISION_TAGS.get(tag)
        if clark is None:
            wrapper = _revision_el(tag, ids, author, date)
        else:  # made inside the runs' parent (its namespace found, none declared on it), then moved
            wrapper = etree.SubElement(group[0].getparent(), clark)
            wrapper.set(_ID, ids.next())
            wrapper.set(_AUTHOR, author)
            wrapper.set(_DATE, date)
        group[0].addprevious(wrapper)
        for run in group:
            wrapper.append(run)
        i = j


def _top(piece: etree._Element) -> etree._Element:
    """`piece` or the revision container we wrapped it in."""
    parent = piece.getparent()
    return parent if parent is not None and parent.tag in REVISION_CONTAINERS else piece


def _rpr_copy(run: etree._Element | None) -> etree._Element | None:
    """Copy of `run`'s `w:rPr` for new text: the format change belongs to the old text, so it is dropped."""
    if run is None:
        return None
    rpr = next(run.iterchildren(_RPR), None)  # run.find(_RPR), without ElementPath
    if rpr is None:
        return None
    rpr = copy.deepcopy(rpr)
    for change in list(rpr.iterchildren(_RPR_CHANGE)):
        rpr.remove(change)
    return rpr if len(rpr) else None


def _new_run(text: str, rpr: etree._Element | None) -> etree._Element:
    """A `w:r` holding `text`: ``"\\t"`` becomes `w:tab`, ``"\\n"`` `w:br`, the rest `w:t`."""
    return _fill_run(new_element(_R), text, rpr)


def _fill_run(run: etree._Element, text: str, rpr: etree._Element | None) -> etree._Element:
    """`run` (an empty `w:r`) given `rpr` and `text` as `_new_run` writes them; `run` itself."""
    if rpr is not None:
        run.append(rpr)
    if "\t" not in text and "\n" not in text:  # the usual case: one w:t (none for no text)
        if text:
            t = etree.SubElement(run, _T)
            t.set(_XML_SPACE, "preserve")
            t.text = text
        return run
    buf: list[str] = []

    def flush() -> None:
        if buf:
            t = etree.SubElement(run, _T)
            t.set(_XML_SPACE, "preserve")
            t.text = "".join(buf)
            buf.clear()

    for ch in text:
        if ch == "\t":
            flush()
            etree.SubElement(run, qn("w:tab"))
        elif ch == "\n":
            flush()
            etree.SubElement(run, qn("w:br"))
        else:
            buf.append(ch)
    flush()
    return run


# -- whole paragraphs -------------------------------------------------------------------------------------

_RUN_FORMAT = {"bold": "w:b", "italic": "w:i", "underline": "w:u"}


def _format_rpr(fmt: Mapping[str, object]) -> etree._Element | None:
    """`w:rPr` for a run format dict with keys ``bold``, ``italic``, ``underline`` (bools), ``style`` (id)."""
    unknown = set(fmt) - {*_RUN_FORMAT, "style"}
    if unknown:
        raise ValueError(f"unknown run format keys: {sorted(unknown)}")
    rpr = w_el("rPr")
    if fmt.get("style"):
        insert_in_order(rpr, w_el("rStyle", val=str(fmt["style"])))
    for key, tag in _RUN_FORMAT.items():
        if fmt.get(key):
            el = w_el(tag.split(":")[1], val="single") if key == "underline" else w_el(tag.split(":")[1])
            insert_in_order(rpr, el)
    return rpr if len(rpr) else None


def _clean_ppr(ppr: etree._Element | None, *, numbered: bool = True) -> etree._Element | None:
    """Copy of paragraph properties for a new paragraph: no section break, no revisions; no list
    membership when not `numbered` (a "4 bis" paragraph carries its label as text, not a Word number)."""
    if ppr is None:
        return None
    if ppr.tag == _P:
        ppr = ppr.find(_PPR)
        if ppr is None:
            return None
    ppr = copy.deepcopy(ppr)
    for tag in (_SECT_PR, qn("w:pPrChange"), *(() if numbered else (_NUM_PR,))):
        for el in ppr.findall(tag):
            ppr.remove(el)
    mark_rpr = ppr.find(_RPR)
    if mark_rpr is not None:
        for el in list(mark_rpr):
            if el.tag in REVISION_CONTAINERS or el.tag == qn("w:rPrChange"):
                mark_rpr.remove(el)
        if not len(mark_rpr):
            ppr.remove(mark_rpr)
    return ppr


def _set_mark(p: etree._Element, tag: str, ids: RevisionIds, author: str, date: str) -> None:
    """Put a paragraph-mark revision (`w:pPr/w:rPr/w:ins|w:del`) on `p`."""
    rpr = get_or_add(get_or_add_ppr(p), "w:rPr")
    insert_in_order(rpr, _revision_el(tag, ids, author, date))


def _inserted_paragraph(text_runs: Sequence[tuple[str, Mapping[str, object]]] | str, ids: RevisionIds, author: str,
                        date: str, ppr_source: etree._Element, numbered: bool) -> etree._Element:
    """A new w:p with the properties of `ppr_source` and its runs inside one w:ins (mark not yet set)."""
    runs = [(text_runs, {})] if isinstance(text_runs, str) else list(text_runs)
    new_p = new_element(_P)
    ppr = _clean_ppr(ppr_source, numbered=numbered)
    if ppr is not None:
        new_p.append(ppr)
    content = [_new_run(text, _format_rpr(fmt)) for text, fmt in runs if text]
    if content:
        ins = _revision_el("ins", ids, author, date)
        ins.extend(content)
        new_p.append(ins)
    return new_p


def insert_paragraph_after(
    anchor_p: etree._Element,
    text_runs: Sequence[tuple[str, Mapping[str, object]]] | str,
    ids: RevisionIds,
    *,
    author: str,
    date: str,
    ppr_from: etree._Element | None = None,
    numbered: bool = True,
) -> etree._Element:
    """Insert a tracked new paragraph after `anchor_p` and return it.

    `text_runs` is a string or ``(text, format)`` pairs, format keys ``bold``, ``italic``, ``underline``,
    ``style`` (a character style id). Paragraph properties are copied from `ppr_from` (a `w:p` or `w:pPr`),
    by default from the anchor, without section break or revisions. The new paragraph's mark is inserted,
    unless the anchor ends its story (see the module's last-paragraph rule), then the anchor's mark is.
    """
    new_p = _inserted_paragraph(text_runs, ids, author, date, ppr_from if ppr_from is not None else anchor_p,
                                numbered)
    if following_paragraph(anchor_p) is not None:
        _set_mark(new_p, "w:ins", ids, author, date)
    else:
        existing = mark_revision(anchor_p)
        if existing is not None and existing.tag not in (_INS, _MOVE_TO):
            raise ValueError("the anchor's paragraph mark is already deleted or moved")
        anchor_ppr = anchor_p.find(_PPR)
        if anchor_ppr is not None and anchor_ppr.find(_SECT_PR) is not None:
            raise ValueError("cannot track a paragraph inserted between a section break and a table")
        if existing is None:
            _set_mark(anchor_p, "w:ins", ids, author, date)
    anchor_p.addnext(new_p)
    return new_p


def insert_paragraph_before(
    anchor_p: etree._Element,
    text_runs: Sequence[tuple[str, Mapping[str, object]]] | str,
    ids: RevisionIds,
    *,
    author: str,
    date: str,
    ppr_from: etree._Element | None = None,
    numbered: bool = True,
) -> etree._Element:
    """Insert a tracked new paragraph before `anchor_p` (a new first paragraph) and return it.

    The new paragraph is followed by the anchor, so its own mark carries the insertion.
    """
    new_p = _inserted_paragraph(text_runs, ids, author, date, ppr_from if ppr_from is not None else anchor_p,
                                numbered)
    _set_mark(new_p, "w:ins", ids, author, date)
    anchor_p.addprevious(new_p)
    return new_p


def mark_paragraph_deleted(p: etree._Element, ids: RevisionIds, *, author: str, date: str) -> None:
    """Mark paragraph `p` deleted: every run in `w:del`, and a deleted paragraph mark.

    The mark deleted is `p`'s own, or, when `p` ends its story, that of the nearest previous paragraph whose
    mark is not deleted yet (module docstring). Runs already deleted are left alone; runs inside another
    author's insertion get a `w:del` inside that `w:ins`, as Word writes them.
    """
    target: etree._Element | None = p
    if following_paragraph(p) is None:
        target = preceding_paragraph(p)
        while target is not None:
            mark = mark_revision(target)
            if mark is None or mark.tag not in (_DEL, _MOVE_FROM):
                break
            target = preceding_paragraph(target)
        if target is not None:
            ppr = target.find(_PPR)
            if ppr is not None and ppr.find(_SECT_PR) is not None:
                target = None  # deleting that mark would delete a section break
    if target is not None:
        existing = mark_revision(target)
        if existing is not None and existing.tag in (_DEL, _MOVE_FROM):
            target = None  # already deleted
        elif existing is not None:
            raise ValueError("the paragraph mark is already revised (inserted or moved)")
    pieces = []
    for run in _runs_in_revisions(p):
        if next(run.iterancestors(_DEL, _MOVE_FROM), None) is not None:
            continue
        _to_deleted(run)
        pieces.append((run, 0))
    _wrap_groups(pieces, lambda _: (author, date), ids)
    if target is not None:
        _set_mark(target, "w:del", ids, author, date)


def _runs_in_revisions(p: etree._Element) -> list[etree._Element]:
    out: list[etree._Element] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            if child.tag == _R:
                out.append(child)
            elif child.tag in TRANSPARENT or child.tag in REVISION_CONTAINERS:
                walk(child)

    walk(p)
    return out


# -- settings ---------------------------------------------------------------------------------------------


def enable_track_revisions(settings_root: etree._Element) -> None:
    """Turn on Track Changes: `w:trackRevisions` in `w:settings`, in schema order (before defaultTabStop)."""
    existing = settings_root.find(qn("w:trackRevisions"))
    if existing is not None:
        existing.attrib.pop(qn("w:val"), None)
        return
    insert_in_order(settings_root, w_el("trackRevisions"))


def tracked_package(package: Package, document_root: etree._Element,
                    other_parts: Mapping[str, etree._Element] | None = None) -> bytes:
    """The package with `document_root` as its main part (and `other_parts`, e.g. edited footnotes or
    headers, by part name) and Track Changes switched on, zipped."""
    from drafting.ooxml.wml.markup import write_package

    parts = dict(package.parts)
    parts[package.main_document] = serialise(document_root)
    for name, root in (other_parts or {}).items():
        parts[name] = serialise(root)
    settings_name = package.related_part(package.main_document, "settings")
    if settings_name is not None:
        settings = package.xml(settings_name)
        enable_track_revisions(settings)
        parts[settings_name] = serialise(settings)
    return write_package(parts)


# -- structure ----------------------------------------------------------------------------------------------


def merge_drop_caps(root: etree._Element) -> int:
    """Fold every drop-cap frame paragraph (`w:framePr w:dropCap`) into the paragraph it begins; return how many.

    Word writes a drop cap as a paragraph of its own holding the first letter; as text it belongs to the next
    paragraph, and a redline must edit it there. The letter keeps its run formatting, not the enlarged frame.
    """
    merged = 0
    for frame in list(root.iter(qn("w:framePr"))):
        if frame.get(qn("w:dropCap"), "none") not in ("drop", "margin"):
            continue
        ppr = frame.getparent()
        p = ppr.getparent() if ppr is not None else None
        if p is None or p.tag != _P:
            continue
        nxt = following_paragraph(p)
        if nxt is None:
            continue
        at = 1 if nxt.find(_PPR) is not None and nxt[0].tag == _PPR else 0
        for offset, child in enumerate([c for c in p if c.tag != _PPR]):
            nxt.insert(at + offset, child)
        p.getparent().remove(p)
        merged += 1
    return merged


def mark_deleted_rows(root: etree._Element, ids: RevisionIds, *, author: str, date: str) -> int:
    """Mark deleted (`w:trPr/w:del`) each table row whose every paragraph has all its text deleted and that
    had text; return how many. Without the row mark, accepting leaves an empty row behind."""
    count = 0
    for tr in root.iter(_TR):
        trpr = tr.find(_TRPR)
        if trpr is not None and any(c.tag in (_INS, _DEL) for c in trpr):
            continue
        texts = [el for el in tr.iter(_T, _DEL_TEXT) if next(el.iterancestors(_TR)) is tr]
        if not texts or any(el.tag == _T and next(el.iterancestors(_DEL, _MOVE_FROM), None) is None for el in texts):
            continue
        if tr.find(f".//{_TBL}") is not None:
            continue  # a row holding a nested table is left to its paragraphs
        if trpr is None:
            trpr = w_el("trPr")
            tr.insert(next((i + 1 for i, c in enumerate(tr) if c.tag in (qn("w:tblPrEx"),)), 0), trpr)
        trpr.append(_revision_el("del", ids, author, date))
        count += 1
    return count


# -- moves ---------------------------------------------------------------------------------------------------

_MOVABLE = frozenset({_PPR, _R, qn("w:bookmarkStart"), qn("w:bookmarkEnd"), qn("w:proofErr")})
_BOOKMARKS = (qn("w:bookmarkStart"), qn("w:bookmarkEnd"))


def move_paragraph(source: etree._Element, *, after: etree._Element | None, before: etree._Element | None,
                   ids: RevisionIds, author: str, date: str, name: str) -> etree._Element:
    """Track a whole-paragraph move (ECMA §17.13.5.22–25): `source` becomes the moved-from paragraph (its runs
    in `w:moveFrom` inside a named range, its mark moved-from), and a copy placed `after` one paragraph (or
    `before` the first) the moved-to paragraph, with the same range name; the paragraph's bookmarks go with
    it. Raises ValueError when a paragraph mark involved cannot carry the move (the last paragraph of a story)
    or the paragraph holds more than runs and bookmarks: the caller then tracks a deletion and an insertion."""
    if following_paragraph(source) is None:
        raise ValueError("the last paragraph of a story cannot be moved away")
    if after is not None and following_paragraph(after) is None:
        raise ValueError("a paragraph cannot be moved to the end of a story")
    if any(child.tag not in _MOVABLE for child in source) or mark_revision(source) is not None:
        raise ValueError("only a plain paragraph of runs and bookmarks can be moved")
    destination = copy.deepcopy(source)
    for bookmark in [child for child in source if child.tag in _BOOKMARKS]:
        source.remove(bookmark)  # the paragraph's identity travels with its text
    _wrap_move(source, "moveFrom", ids, author, date, name)
    _wrap_move(destination, "moveTo", ids, author, date, name)
    if after is not None:
        after.addnext(destination)
    elif before is not None:
        before.addprevious(destination)
    else:
        raise ValueError("a moved paragraph needs a place to go")
    return destination


def _wrap_move(p: etree._Element, side: str, ids: RevisionIds, author: str, date: str, name: str) -> None:
    runs = [child for child in p if child.tag == _R]
    range_id = ids.next()
    start = w_el(f"{side}RangeStart", id=range_id, name=name, author=author, date=date)
    end = w_el(f"{side}RangeEnd", id=range_id)
    container = _revision_el(side, ids, author, date)
    ppr = p.find(_PPR)
    position = 0 if ppr is None else p.index(ppr) + 1
    p.insert(position, start)
    if runs:
        runs[0].addprevious(container)
        container.extend(runs)
    p.append(end)
    _set_mark(p, f"w:{side}", ids, author, date)
