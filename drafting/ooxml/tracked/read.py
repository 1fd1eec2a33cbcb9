"""Reader of WordprocessingML tracked changes (ECMA-376 Part 1, §17.13): every revision in a body, kept.

python-docx's `paragraph.text` reads only direct `w:r` children, so it drops inserted as well as deleted
text. `read_body` walks the body itself and returns one `RevParagraph` per `w:p` in document order (inside
tables and block content controls too), each a tuple of `RevRun`s that carry their revision.

Text rules (they match LibreOffice 7.4's plain-text export, checked on a hand-built file):

- `w:t` and `w:delText` are text; `w:tab` and `w:ptab` are ``"\\t"``; `w:br` (any type) and `w:cr` are
  ``"\\n"``; `w:noBreakHyphen` is U+2011 and `w:softHyphen` U+00AD; `w:sym` is its character (`symbol_text`,
  as LibreOffice's text model has it); drawings, footnote and comment references, `w:fldChar` and
  `w:lastRenderedPageBreak` add nothing.
- Text boxes (`w:txbxContent`) are read as paragraphs of their own story right after the paragraph that
  anchors them; a drop-cap frame paragraph is joined with the paragraph it begins (LibreOffice 7.4 reads both
  so). `read_story` also names whatever holds text or a revision that the walk does not take.
- Field codes are not text: everything between `w:fldChar begin` and `separate` (`w:instrText`, nested fields)
  is skipped, the result between `separate` and `end` is text. `w:fldSimple`, `w:hyperlink`, `w:smartTag`,
  `w:customXml`, inline `w:sdt`, `w:dir` and `w:bdo` are transparent containers.
- Bold and italic are the run's direct `w:b`/`w:i` (styles are not resolved).

Paragraph-mark rule (ECMA §17.13.5.15; LibreOffice 7.4 behaves the same): removing a paragraph mark (a deleted
mark on accept, an inserted mark on reject) joins the paragraph with the next one, but only when the next
block in the same story (body or table cell) is a paragraph. The last paragraph of a cell or of the body and
a paragraph just before a table keep their mark; LibreOffice ignores such a revision, and so do we.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Literal

from lxml import etree

from drafting.ooxml.wml.names import qn

# -- the model --------------------------------------------------------------------------------------------


class RevisionKind(StrEnum):
    INSERT = "insert"
    DELETE = "delete"
    MOVE_FROM = "move-from"
    MOVE_TO = "move-to"
    FORMAT = "format"
    PARAGRAPH_FORMAT = "paragraph-format"


ADDED = frozenset({RevisionKind.INSERT, RevisionKind.MOVE_TO})
"""Kinds whose content exists only after acceptance."""
REMOVED = frozenset({RevisionKind.DELETE, RevisionKind.MOVE_FROM})
"""Kinds whose content exists only before acceptance."""
_GONE: dict[str, frozenset[RevisionKind]] = {"accepted": REMOVED, "original": ADDED}
_NO_KINDS: frozenset[RevisionKind] = frozenset()
_KINDS = {kind: frozenset({kind}) for kind in RevisionKind}


@dataclass(frozen=True, slots=True)
class Revision:
    """One revision element: `kind`, `author` ("" when absent), `date` (ST_DateTime or None), `id` (w:id).

    `move_name` is the `w:name` of the enclosing move range, linking a move source to its destination.
    """

    kind: RevisionKind
    author: str
    date: str | None
    id: str
    move_name: str | None = None


@dataclass(frozen=True, slots=True)
class RevRun:
    """Contiguous text with one revision state and one direct bold/italic formatting.

    `revision` is the innermost insert/delete/move container, `format_change` a `w:rPrChange`. `outer` is the
    enclosing container when revisions nest: Word writes text inserted by one author and deleted by another as
    `w:ins/w:del/w:r`, which is in neither the accepted nor the original text.
    """

    text: str
    revision: Revision | None
    italic: bool = False
    bold: bool = False
    format_change: Revision | None = None
    outer: Revision | None = None
    style: str | None = None  # the run's character style id (w:rStyle), if any

    @property
    def kinds(self) -> frozenset[RevisionKind]:
        """The kinds of `revision` and `outer`."""
        revision, outer = self.revision, self.outer
        if outer is None:
            return _NO_KINDS if revision is None else _KINDS.get(revision.kind) or frozenset({revision.kind})
        return frozenset(r.kind for r in (revision, outer) if r is not None)


@dataclass(frozen=True, slots=True)
class Comment:
    """A comment: `text` from comments.xml, `anchor_text` between its range markers, `paragraph` index.

    `anchor_text` is every character in the range whatever its revision state (what Word highlights),
    paragraphs joined by ``"\\n"``. `paragraph` indexes `read_body`'s list: where `w:commentRangeStart` (or,
    without a range, `w:commentReference`) sits; -1 for a comment that nothing in the body refers to.
    `revised` counts the comment's own paragraphs holding a tracked change (`text` keeps only their accepted
    view, so a reader reports them rather than drop the rest silently).
    """

    id: str
    author: str
    date: str | None
    text: str
    anchor_text: str
    paragraph: int
    revised: int = 0


@dataclass(frozen=True, slots=True)
class RevParagraph:
    """One `w:p`: its runs, its paragraph-mark revision `mark`, the bookmarks that start in it, its style.

    `property_change` is a `w:pPrChange`. `row` is the revision of the table row (`w:trPr/w:ins|w:del`) or
    cell (`w:tcPr/w:cellIns|w:cellDel`) holding the paragraph, the innermost one for nested tables.
    `next_in_story` says the next paragraph of the list follows this one directly in the same body or cell,
    so that removing this paragraph's mark joins the two. A mark both inserted and deleted (two authors)
    reports the insertion, its first revision in schema order. `story` names a text box ("text box 2") for
    the paragraphs read from one (they follow the paragraph that anchors it); `drop_cap` marks a drop-cap
    frame (`w:framePr w:dropCap`), which Word writes as its own paragraph but which is the first letter of
    the next one.
    """

    runs: tuple[RevRun, ...]
    mark: Revision | None
    bookmarks: tuple[str, ...]
    style: str | None
    property_change: Revision | None
    in_table: bool
    row: Revision | None = None
    next_in_story: bool = False
    story: str | None = None
    drop_cap: bool = False
    numbering_change: Revision | None = None

    def text(self, view: View = "accepted") -> str:
        """This paragraph's own text in `view`, without joining across paragraph marks."""
        if view == "all":
            return _marked_text(self)
        gone = _GONE.get(view)
        if gone is None:
            return "".join(r.text for r in self.runs if _present(r.kinds, view))
        # `_present` inlined: a run is in the view unless its revision (or the one around it) is gone there
        return "".join([r.text for r in self.runs
                        if not ((r.revision is not None and r.revision.kind in gone)
                                or (r.outer is not None and r.outer.kind in gone))])


View = Literal["accepted", "original", "all"]

# -- element names ----------------------------------------------------------------------------------------

_P, _R, _PPR, _RPR = qn("w:p"), qn("w:r"), qn("w:pPr"), qn("w:rPr")
_TBL, _TR, _TC, _TRPR, _TCPR = qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:trPr"), qn("w:tcPr")
_CELL_MARKS = {qn("w:cellIns"): RevisionKind.INSERT, qn("w:cellDel"): RevisionKind.DELETE}
_SDT, _SDT_CONTENT, _CUSTOM_XML = qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")
_BODY, _SECT_PR = qn("w:body"), qn("w:sectPr")
_T, _DEL_TEXT = qn("w:t"), qn("w:delText")
_FLD_CHAR = qn("w:fldChar")
_SYM = qn("w:sym")
_NUM_PR = qn("w:numPr")
_M_T = "{http://schemas.openxmlformats.org/officeDocument/2006/math}t"
_TEXT_TAGS = frozenset({qn("w:t"), qn("w:delText"), _SYM})
_TXBX_CONTENT = qn("w:txbxContent")
_FRAME_PR = qn("w:framePr")
_DROP_CAP = qn("w:dropCap")
_NUM_INS = qn("w:ins")
_MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_MC_FALLBACK, _MC_ALTERNATE = f"{{{_MC_NS}}}Fallback", f"{{{_MC_NS}}}AlternateContent"
_BOOKMARK_START = qn("w:bookmarkStart")
_COMMENT_START, _COMMENT_END, _COMMENT_REF = (
    qn("w:commentRangeStart"),
    qn("w:commentRangeEnd"),
    qn("w:commentReference"),
)
_P_STYLE, _PPR_CHANGE, _RPR_CHANGE = qn("w:pStyle"), qn("w:pPrChange"), qn("w:rPrChange")
_B, _I = qn("w:b"), qn("w:i")
_R_STYLE = qn("w:rStyle")
_ID, _AUTHOR, _DATE, _NAME, _VAL = qn("w:id"), qn("w:author"), qn("w:date"), qn("w:name"), qn("w:val")

REVISION_CONTAINERS: dict[str, RevisionKind] = {
    qn("w:ins"): RevisionKind.INSERT,
    qn("w:del"): RevisionKind.DELETE,
    qn("w:moveFrom"): RevisionKind.MOVE_FROM,
    qn("w:moveTo"): RevisionKind.MOVE_TO,
}
"""Run-level revision containers (and, inside `w:pPr/w:rPr`, paragraph-mark revisions)."""

MOVE_RANGE_STARTS = {qn("w:moveFromRangeStart"): "from", qn("w:moveToRangeStart"): "to"}
MOVE_RANGE_ENDS = {qn("w:moveFromRangeEnd"): "from", qn("w:moveToRangeEnd"): "to"}

TRANSPARENT = frozenset(
    qn(t) for t in ("w:hyperlink", "w:smartTag", "w:fldSimple", "w:customXml", "w:sdt", "w:sdtContent",
                    "w:dir", "w:bdo")
)  # fmt: skip
"""Inline containers whose runs count as the paragraph's own runs."""

CHARS: dict[str, str] = {
    qn("w:tab"): "\t",
    qn("w:ptab"): "\t",
    qn("w:br"): "\n",
    qn("w:cr"): "\n",
    qn("w:noBreakHyphen"): "\u2011",
    qn("w:softHyphen"): "\u00ad",
}
"""Run children that stand for one character."""

MARKERS = frozenset(
    qn(t)
    for t in (
        "w:bookmarkStart", "w:bookmarkEnd", "w:commentRangeStart", "w:commentRangeEnd", "w:permStart",
        "w:permEnd", "w:proofErr", "w:moveFromRangeStart", "w:moveFromRangeEnd", "w:moveToRangeStart",
        "w:moveToRangeEnd", "w:customXmlInsRangeStart", "w:customXmlInsRangeEnd", "w:customXmlDelRangeStart",
        "w:customXmlDelRangeEnd", "w:customXmlMoveFromRangeStart", "w:customXmlMoveFromRangeEnd",
        "w:customXmlMoveToRangeStart", "w:customXmlMoveToRangeEnd",
    )
)  # fmt: skip
"""Empty range markers: they may sit between blocks without being blocks."""


# -- shared helpers (the writer uses them too) ------------------------------------------------------------


def on_off(el: etree._Element | None) -> bool:
    """Value of an ST_OnOff property element (`w:b`, `w:i`): present and not false/0/off."""
    if el is None:
        return False
    return el.get(_VAL, "true").lower() not in ("false", "0", "off")


def revision_of(el: etree._Element, kind: RevisionKind, move_name: str | None = None) -> Revision:
    """The `Revision` recorded by revision element `el`."""
    return Revision(kind, el.get(_AUTHOR, ""), el.get(_DATE), el.get(_ID, ""), move_name)


class FieldState:
    """Where we are in complex fields (§17.16.18): a stack, True while in a field's code part."""

    __slots__ = ("_stack",)

    def __init__(self) -> None:
        self._stack: list[bool] = []

    @property
    def in_code(self) -> bool:
        return any(self._stack)

    def update(self, fld_char: etree._Element) -> None:
        kind = fld_char.get(qn("w:fldCharType"))
        if kind == "begin":
            self._stack.append(True)
        elif kind == "separate" and self._stack:
            self._stack[-1] = False
        elif kind == "end" and self._stack:
            self._stack.pop()


def atom_text(child: etree._Element, fields: FieldState) -> str:
    """The text one child of a `w:r` contributes (updating `fields` on `w:fldChar`)."""
    tag = child.tag
    if tag == _FLD_CHAR:
        fields.update(child)
        return ""
    if fields._stack and any(fields._stack):  # fields.in_code, without the call (once per run child)
        return ""
    if tag in (_T, _DEL_TEXT):
        return child.text or ""
    if tag == _SYM:
        return symbol_text(child)
    return CHARS.get(tag, "") if isinstance(tag, str) else ""


def symbol_text(sym: etree._Element) -> str:
    """The character a `w:sym` stands for (§17.3.3.30): `w:char` is a hexadecimal code in `w:font`.

    Word writes symbol-font characters in the private-use range F000-F0FF; LibreOffice reads them so, and so
    do we (the glyph depends on the font, the character is what a text comparison needs). A missing or
    malformed code reads as U+FFFD, never as nothing.
    """
    code = sym.get(qn("w:char"), "")
    try:
        value = int(code, 16)
    except ValueError:
        return "\ufffd"
    if not 0 < value <= 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        return "\ufffd"
    return chr(value)


def following_paragraph(p: etree._Element) -> etree._Element | None:
    """The paragraph that directly follows `p` in its story, or None (end of cell/body, a table, an sdt)."""
    for sib in p.itersiblings():
        if sib.tag in MARKERS or not isinstance(sib.tag, str):
            continue
        return sib if sib.tag == _P else None
    return None


def preceding_paragraph(p: etree._Element) -> etree._Element | None:
    """The paragraph that directly precedes `p` in its story, or None."""
    for sib in p.itersiblings(preceding=True):
        if sib.tag in MARKERS or not isinstance(sib.tag, str):
            continue
        return sib if sib.tag == _P else None
    return None


def mark_revision(p: etree._Element) -> etree._Element | None:
    """The paragraph-mark revision element of `p` (`w:pPr/w:rPr/w:ins|del|moveFrom|moveTo`), if any."""
    for ppr in p.iterchildren(_PPR):  # p.find("w:pPr/w:rPr"), without ElementPath
        rpr = _child(ppr, _RPR)
        if rpr is not None:
            for child in rpr:
                if child.tag in REVISION_CONTAINERS:
                    return child
            return None
    return None


def _child(el: etree._Element, tag: str) -> etree._Element | None:
    """`el.find(tag)` for one tag: the first child so named. A loop over the few children of a w:pPr or w:rPr
    is several times faster than lxml's `find`, which goes through ElementPath (the reader's hot path)."""
    for child in el:
        if child.tag == tag:
            return child
    return None


# -- the walker -------------------------------------------------------------------------------------------


@dataclass
class _Anchor:
    paragraph: int
    chunks: dict[int, list[str]] = field(default_factory=dict)
    open: bool = True


class _Reader:
    """One pass over a story; holds the state that crosses paragraph boundaries (fields, moves, comments)."""

    def __init__(self) -> None:
        self.paragraphs: list[RevParagraph] = []
        self.fields = FieldState()
        self.moves: dict[str, list[tuple[str, str]]] = {"from": [], "to": []}
        self.anchors: dict[str, _Anchor] = {}
        self.pending_bookmarks: list[str] = []
        # per paragraph
        self._runs: list[RevRun] = []
        self._bookmarks: list[str] = []
        self.story: str | None = None
        self.box_count = 0
        self.visited: set[etree._Element] = set()  # the text elements read (the loss check looks for others)

    # -- blocks --

    def blocks(self, container: etree._Element, in_table: bool, row: Revision | None) -> None:
        for el in container:
            tag = el.tag
            if tag == _P:
                self.paragraph(el, in_table, row)
            elif tag == _TBL:
                self.table(el, row)
            elif tag in (_SDT, _SDT_CONTENT, _CUSTOM_XML):
                self.blocks(el, in_table, row)
            elif tag in MARKERS:
                self.marker(el, block_level=True)
            elif tag in REVISION_CONTAINERS:  # block-level w:ins/w:del holding paragraphs (rare)
                self.blocks(el, in_table, row)

    def table(self, tbl: etree._Element, outer_row: Revision | None) -> None:
        for tr in _descend(tbl, _TR):
            row = outer_row
            trpr = tr.find(_TRPR)
            if trpr is not None:
                for child in trpr:
                    kind = REVISION_CONTAINERS.get(child.tag)
                    if kind is not None:
                        row = revision_of(child, kind)
            for tc in _descend(tr, _TC):
                cell = row
                tcpr = tc.find(_TCPR)
                if tcpr is not None:
                    for child in tcpr:
                        kind = _CELL_MARKS.get(child.tag)
                        if kind is not None:
                            cell = revision_of(child, kind)
                self.blocks(tc, True, cell)

    # -- paragraphs --

    def paragraph(self, p: etree._Element, in_table: bool, row: Revision | None) -> None:
        self.read_paragraph(p, in_table, row)
        for box in text_boxes(p):
            self.box_count += 1
            story, self.story = self.story, f"text box {self.box_count}"
            self.blocks(box, in_table, row)
            self.story = story

    def read_paragraph(self, p: etree._Element, in_table: bool, row: Revision | None) -> None:
        index = len(self.paragraphs)
        self._runs, self._bookmarks = [], self.pending_bookmarks
        self.pending_bookmarks = []
        ppr = next(p.iterchildren(_PPR), None)
        mark = style = prop_change = numbering = None
        drop_cap = False
        if ppr is not None:
            # the first w:framePr, w:pStyle, w:pPrChange and w:rPr, and every w:numPr, in one pass
            frame = style_el = change = mark_rpr = None
            num_prs = []
            for child in ppr:
                tag = child.tag
                if tag == _P_STYLE:
                    style_el = child if style_el is None else style_el
                elif tag == _RPR:
                    mark_rpr = child if mark_rpr is None else mark_rpr
                elif tag == _NUM_PR:
                    num_prs.append(child)
                elif tag == _FRAME_PR:
                    frame = child if frame is None else frame
                elif tag == _PPR_CHANGE:
                    change = child if change is None else change
            drop_cap = frame is not None and frame.get(_DROP_CAP, "none") in ("drop", "margin")
            style = style_el.get(_VAL) if style_el is not None else None
            if change is not None:
                prop_change = revision_of(change, RevisionKind.PARAGRAPH_FORMAT)
                if _numbering_key(ppr) != _numbering_key(change.find(_PPR)):
                    numbering = prop_change
            inserted_numbering = next((ins for num_pr in num_prs  # "w:numPr/w:ins"
                                       for ins in num_pr.iterchildren(_NUM_INS)), None)
            if inserted_numbering is not None:
                numbering = revision_of(inserted_numbering, RevisionKind.PARAGRAPH_FORMAT)
            # `mark_revision(p)`: the mark's revision in the first w:pPr's first w:rPr
            mark_el = None if mark_rpr is None else next(
                (child for child in mark_rpr if child.tag in REVISION_CONTAINERS), None)
            if mark_el is not None:
                kind = REVISION_CONTAINERS[mark_el.tag]
                mark = revision_of(mark_el, kind, self._move_name(kind))
        for child in p:
            if child.tag != _PPR:
                self.inline(child, (), index)
        runs = _merge_runs(self._runs)
        self.paragraphs.append(
            RevParagraph(
                runs=runs,
                mark=mark,
                bookmarks=tuple(self._bookmarks),
                style=style,
                property_change=prop_change,
                in_table=in_table,
                row=row,
                next_in_story=following_paragraph(p) is not None,
                story=self.story,
                drop_cap=drop_cap,
                numbering_change=numbering,
            )
        )
        for anchor in self.anchors.values():
            if anchor.open:
                anchor.chunks.setdefault(index, [])

    def inline(self, el: etree._Element, stack: tuple[Revision, ...], index: int) -> None:
        tag = el.tag
        if tag == _R:
            self.run(el, stack, index)
        elif tag in REVISION_CONTAINERS:
            kind = REVISION_CONTAINERS[tag]
            rev = revision_of(el, kind, self._move_name(kind))
            for child in el:
                self.inline(child, (*stack, rev), index)
        elif tag in TRANSPARENT:
            for child in el:
                self.inline(child, stack, index)
        elif tag in MARKERS:
            self.marker(el, block_level=False, index=index)

    def run(self, r: etree._Element, stack: tuple[Revision, ...], index: int) -> None:
        rpr = None
        parts = []
        fields, visited = self.fields, self.visited
        for child in r:
            tag = child.tag
            if tag in (_T, _DEL_TEXT):  # `atom_text` of the usual child, without the call
                visited.add(child)
                if not (fields._stack and any(fields._stack)):  # not inside a field's code
                    parts.append(child.text or "")
                continue
            if tag == _RPR:
                rpr = child if rpr is None else rpr
                continue
            if tag in _TEXT_TAGS:
                visited.add(child)
            elif tag == _COMMENT_REF:
                cid = child.get(_ID, "")
                if cid not in self.anchors:
                    self.anchors[cid] = _Anchor(index, open=False)
            parts.append(atom_text(child, fields))
        text = "".join(parts)
        if not text:
            return
        bold = italic = False
        fmt = None
        style = None
        if rpr is not None:
            # the first w:b, w:i, w:rStyle and w:rPrChange, in one pass over the w:rPr
            b_el = i_el = style_el = change = None
            for child in rpr:
                tag = child.tag
                if tag == _B:
                    b_el = child if b_el is None else b_el
                elif tag == _I:
                    i_el = child if i_el is None else i_el
                elif tag == _R_STYLE:
                    style_el = child if style_el is None else style_el
                elif tag == _RPR_CHANGE:
                    change = child if change is None else change
            bold, italic = on_off(b_el), on_off(i_el)
            style = style_el.get(_VAL) if style_el is not None else None
            if change is not None:
                fmt = revision_of(change, RevisionKind.FORMAT)
        revision = stack[-1] if stack else None
        outer = stack[-2] if len(stack) > 1 else None
        self._runs.append(RevRun(text, revision, italic, bold, fmt, outer, style))
        for anchor in self.anchors.values():
            if anchor.open:
                anchor.chunks.setdefault(index, []).append(text)

    def marker(self, el: etree._Element, *, block_level: bool, index: int | None = None) -> None:
        tag = el.tag
        if tag == _BOOKMARK_START:
            name = el.get(_NAME, "")
            (self.pending_bookmarks if block_level else self._bookmarks).append(name)
        elif tag in MOVE_RANGE_STARTS:
            self.moves[MOVE_RANGE_STARTS[tag]].append((el.get(_ID, ""), el.get(_NAME, "")))
        elif tag in MOVE_RANGE_ENDS:
            ranges = self.moves[MOVE_RANGE_ENDS[tag]]
            rid = el.get(_ID, "")
            ranges[:] = [(i, n) for i, n in ranges if i != rid]
        elif tag == _COMMENT_START:
            at = len(self.paragraphs) if index is None else index
            self.anchors[el.get(_ID, "")] = _Anchor(at)
        elif tag == _COMMENT_END:
            anchor = self.anchors.get(el.get(_ID, ""))
            if anchor is not None:
                anchor.open = False

    def _move_name(self, kind: RevisionKind) -> str | None:
        side = _MOVE_SIDES.get(kind)
        if side is None or not self.moves[side]:
            return None
        return self.moves[side][-1][1] or None


_MOVE_SIDES = {RevisionKind.MOVE_FROM: "from", RevisionKind.MOVE_TO: "to"}


def _descend(parent: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children of `parent` named `tag`, looking through row- and cell-level `w:sdt`/`w:customXml`."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in (_SDT, _SDT_CONTENT, _CUSTOM_XML):
            yield from _descend(child, tag)


def _merge_runs(runs: Iterable[RevRun]) -> tuple[RevRun, ...]:
    """Join neighbouring runs that differ only in text (Word splits runs mid-word for rsids and proofing)."""
    groups: list[tuple[RevRun, list[str]]] = []  # texts joined once per group: linear in the paragraph's size
    for run in runs:
        if groups and _props(groups[-1][0]) == _props(run):
            groups[-1][1].append(run.text)
        else:
            groups.append((run, [run.text]))
    return tuple(first if len(texts) == 1 else replace(first, text="".join(texts)) for first, texts in groups)


def _props(run: RevRun) -> tuple[object, ...]:
    return (run.revision, run.italic, run.bold, run.format_change, run.outer, run.style)


def _numbering_key(ppr: etree._Element | None) -> tuple[str | None, str | None]:
    """A paragraph's list membership as (w:numId, w:ilvl), from its direct `w:numPr`."""
    num_pr = ppr.find(_NUM_PR) if ppr is not None else None
    if num_pr is None:
        return (None, None)
    num_id, level = num_pr.find(qn("w:numId")), num_pr.find(qn("w:ilvl"))
    return (num_id.get(_VAL) if num_id is not None else None, level.get(_VAL) if level is not None else None)


def text_boxes(p: etree._Element) -> list[etree._Element]:
    """The `w:txbxContent` stories anchored in paragraph `p`, in document order, each once.

    A text box is written twice in an `mc:AlternateContent`: DrawingML in `mc:Choice`, VML in
    `mc:Fallback`; the Choice is read (as Word and LibreOffice do) and the Fallback ignored. Boxes nested in
    a box belong to that box's paragraphs, not to `p`.
    """
    if next(p.iter(_TXBX_CONTENT), None) is None:  # p.find(".//w:txbxContent"), without ElementPath
        return []
    out = []
    for box in p.iter(_TXBX_CONTENT):
        parent = box.getparent()
        while parent is not None and parent is not p:
            if parent.tag in (_MC_FALLBACK, _TXBX_CONTENT):
                break
            parent = parent.getparent()
        else:
            out.append(box)
    return out


# -- public API -------------------------------------------------------------------------------------------


def story_root(root: etree._Element) -> etree._Element:
    """The block container to read: `w:body` of a `w:document`, else `root` itself (a cell, a comment)."""
    if root.tag == qn("w:document"):
        body = root.find(_BODY)
        if body is None:
            raise ValueError("w:document has no w:body")
        return body
    return root


@dataclass(frozen=True, slots=True)
class StoryRead:
    """A story read whole: its paragraphs and comments, and what could not be read (`unread`: one line per
    kind of container whose text or revisions the reader does not take, with where and how much)."""

    paragraphs: list[RevParagraph]
    comments: list[Comment]
    unread: tuple[str, ...]


UNREAD_REVISIONS = {
    qn("w:sectPrChange"): "a section-properties change",
    qn("w:tblPrChange"): "a table-properties change",
    qn("w:tblPrExChange"): "a table-properties change",
    qn("w:tblGridChange"): "a table-grid change",
    qn("w:trPrChange"): "a table-row-properties change",
    qn("w:tcPrChange"): "a table-cell-properties change",
    qn("w:cellMerge"): "a cell merge",
    qn("w:numberingChange"): "a numbering change",
    **{qn(f"w:customXml{kind}RangeStart"): "a custom-XML markup change" for kind in ("Ins", "Del", "MoveFrom",
                                                                                      "MoveTo")},
}
"""Revision elements that are neither text nor paragraph revisions: reported, never silently taken."""


def read_story(document_root: etree._Element, comments_root: etree._Element | None = None) -> StoryRead:
    """`read_body`, plus the loss check: every `w:t`, `w:delText`, `w:sym` and `m:t` of the story that the
    walk did not read, and every revision element it does not represent, is named in `unread`."""
    paragraphs, comments, reader = _read_body(document_root, comments_root)
    return StoryRead(paragraphs, comments, unread_content(story_root(document_root), reader.visited))


def unread_content(root: etree._Element, visited: set[etree._Element]) -> tuple[str, ...]:
    """Lines naming the text and revisions under `root` that are not in `visited` (see `read_story`)."""
    counts: dict[str, int] = {}
    for el in root.iter(*_TEXT_TAGS, _M_T, *UNREAD_REVISIONS):
        if el in visited or _in_fallback(el):
            continue
        if el.tag in UNREAD_REVISIONS:
            what = f"{UNREAD_REVISIONS[el.tag]} by {el.get(_AUTHOR) or 'an unknown author'}"
        elif el.tag == _M_T:
            continue  # equations are compared as units by the caller, not read as text
        else:
            what = f"text inside <{_container_name(el)}>"
        counts[what] = counts.get(what, 0) + 1
    return tuple(f"{what} is not read ({n} element{'s' if n > 1 else ''})" for what, n in counts.items())


def _in_fallback(el: etree._Element) -> bool:
    return any(a.tag == _MC_FALLBACK for a in el.iterancestors())


_READ_PATH = frozenset({_R, _P, _TBL, _TR, _TC, _BODY, _TXBX_CONTENT, *TRANSPARENT, *REVISION_CONTAINERS})


def _container_name(el: etree._Element) -> str:
    """The prefixed name of the nearest ancestor of `el` that the reader does not walk into."""
    for ancestor in el.iterancestors():
        if ancestor.tag not in _READ_PATH:
            qname = etree.QName(ancestor)
            prefix = next((k for k, v in (ancestor.nsmap or {}).items() if v == qname.namespace and k), None)
            return f"{prefix}:{qname.localname}" if prefix else str(qname.localname)
    return str(etree.QName(el).localname)


def read_body(
    document_root: etree._Element, comments_root: etree._Element | None = None
) -> tuple[list[RevParagraph], list[Comment]]:
    """Every paragraph of `document_root` (a `w:document`, `w:body` or other story) with its revisions.

    Comments come from `comments_root` (the `w:comments` root of comments.xml) in order of their anchors in
    the body, then those the body never mentions; a comment's text is its accepted text, paragraphs joined
    by ``"\\n"``. Without `comments_root` the list is empty.
    """
    paragraphs, comments, _ = _read_body(document_root, comments_root)
    return paragraphs, comments


def _read_body(
    document_root: etree._Element, comments_root: etree._Element | None
) -> tuple[list[RevParagraph], list[Comment], _Reader]:
    """Every paragraph of `document_root` (a `w:document`, `w:body` or other story) with its revisions.

    Comments come from `comments_root` (the `w:comments` root of comments.xml) in order of their anchors in
    the body, then those the body never mentions; a comment's text is its accepted text, paragraphs joined
    by ``"\\n"``. Without `comments_root` the list is empty.
    """
    reader = _Reader()
    reader.blocks(story_root(document_root), in_table=False, row=None)
    comments: list[Comment] = []
    if comments_root is not None:
        seen = set()
        by_id = {c.get(_ID, ""): c for c in comments_root.iter(qn("w:comment"))}
        for cid, anchor in reader.anchors.items():
            el = by_id.get(cid)
            if el is None:
                continue
            seen.add(cid)
            chunks = ["".join(anchor.chunks[i]) for i in sorted(anchor.chunks)]
            while chunks and not chunks[0]:
                chunks.pop(0)
            while chunks and not chunks[-1]:
                chunks.pop()
            comments.append(_comment(el, "\n".join(chunks), anchor.paragraph))
        comments.extend(_comment(el, "", -1) for cid, el in by_id.items() if cid not in seen)
    return reader.paragraphs, comments, reader


def _comment(el: etree._Element, anchor_text: str, paragraph: int) -> Comment:
    sub = _Reader()
    sub.blocks(el, in_table=False, row=None)
    text = "\n".join(paragraph_texts(sub.paragraphs, "accepted"))
    revised = sum(1 for p in sub.paragraphs if is_revised(p))
    return Comment(el.get(_ID, ""), el.get(_AUTHOR, ""), el.get(_DATE), text, anchor_text, paragraph, revised)


def is_revised(p: RevParagraph) -> bool:
    """Whether `p` holds a tracked change: in its mark, its table row or any of its runs."""
    return p.mark is not None or p.row is not None or any(r.revision is not None for r in p.runs)


def _present(kinds: frozenset[RevisionKind], view: View) -> bool:
    if view == "accepted":
        return not kinds & REMOVED
    return not kinds & ADDED


def paragraph_texts(paragraphs: Sequence[RevParagraph], view: View = "accepted") -> list[str]:
    """Paragraph texts in `view`.

    ``"accepted"``: inserted and moved-to text kept, deleted and moved-from text dropped, a paragraph whose
    mark is deleted (or moved away) joined with the next one, paragraphs of deleted table rows dropped.
    ``"original"``: the reverse. ``"all"``: one string per paragraph with every character, inserted text as
    ``[+…+]``, deleted as ``[-…-]`` and a revised paragraph mark as ``¶`` inside such a marker.
    """
    if view == "all":
        return [_marked_text(p) for p in paragraphs]
    if view not in ("accepted", "original"):
        raise ValueError(f"unknown view {view!r}; expected 'accepted', 'original' or 'all'")
    out: list[str] = []
    carry: dict[str | None, str] = {}
    for p in paragraphs:
        if row_gone(p, view):
            carry.pop(p.story, None)
            continue
        text = carry.pop(p.story, "") + p.text(view)
        if joins_next(p, view):
            carry[p.story] = text
            continue
        out.append(text)
    out.extend(text for text in carry.values() if text)
    return out


def row_gone(p: RevParagraph, view: View) -> bool:
    """Whether `p` sits in a table row or cell that `view` removes (deleted on accept, inserted on reject)."""
    return p.row is not None and p.row.kind in (REMOVED if view == "accepted" else ADDED)


def joins_next(p: RevParagraph, view: View) -> bool:
    """Whether `p` is joined with the next paragraph of its story in `view`: its mark goes away there
    (ECMA §17.13.5.15), or it is a drop-cap frame holding the next paragraph's first letter."""
    if not p.next_in_story:
        return False
    if p.drop_cap:
        return True
    return p.mark is not None and p.mark.kind in (REMOVED if view == "accepted" else ADDED)


def _marked_text(p: RevParagraph) -> str:
    pieces: list[tuple[str, str]] = [(_sign(r.kinds), r.text) for r in p.runs]
    if p.mark is not None and p.mark.kind in ADDED | REMOVED:
        pieces.append((_sign(frozenset({p.mark.kind})), "¶"))
    out: list[str] = []
    i = 0
    while i < len(pieces):
        sign = pieces[i][0]
        j = i
        while j < len(pieces) and pieces[j][0] == sign:
            j += 1
        text = "".join(t for _, t in pieces[i:j])
        out.append(f"[{sign}{text}{sign}]" if sign else text)
        i = j
    return "".join(out)


def _sign(kinds: frozenset[RevisionKind]) -> str:
    if kinds & REMOVED:
        return "-"
    if kinds & ADDED:
        return "+"
    return ""


class _ElementCollector(_Reader):
    """Walks a story exactly as `read_body` does, keeping the `w:p` elements instead of reading them."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[etree._Element] = []

    def read_paragraph(self, p: etree._Element, in_table: bool, row: Revision | None) -> None:
        self.elements.append(p)


def paragraph_elements(document_root: etree._Element) -> list[etree._Element]:
    """The `w:p` elements of a story, index for index with the paragraphs `read_body` returns."""
    collector = _ElementCollector()
    collector.blocks(story_root(document_root), in_table=False, row=None)
    return collector.elements


def paragraph_numbering(document_root: etree._Element) -> list[int | None]:
    """Each paragraph's list level, index for index with `read_body`: the `w:ilvl` of its direct `w:numPr`
    (0 without one), 0 for a list paragraph style ("ListNumber", "List Bullet 2" -> 1), None when not in a list.
    A `w:numId` of 0 takes the paragraph out of its style's list (§17.9.18)."""
    levels: list[int | None] = []
    for p in paragraph_elements(document_root):
        ppr = p.find(_PPR)
        num_pr = ppr.find(_NUM_PR) if ppr is not None else None
        if num_pr is not None:
            num_id = num_pr.find(qn("w:numId"))
            if num_id is not None and num_id.get(_VAL) == "0":
                levels.append(None)
                continue
            level = num_pr.find(qn("w:ilvl"))
            try:
                levels.append(int(level.get(_VAL, "0")) if level is not None else 0)
            except ValueError:
                levels.append(0)
            continue
        style = ppr.find(_P_STYLE) if ppr is not None else None
        name = (style.get(_VAL) or "") if style is not None else ""
        if name.lower().startswith("list") and "paragraph" not in name.lower():
            digits = "".join(ch for ch in name if ch.isdigit())
            levels.append(int(digits) - 1 if digits else 0)
        else:
            levels.append(None)
    return levels
