"""Where a WordprocessingML package keeps its stories other than the body: notes in footnotes.xml and
endnotes.xml (one `w:footnote`/`w:endnote` each, referred to from the body by id), headers and footers in
their own parts (referred to from each section's `w:sectPr` by relationship id and type)."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from drafting.ooxml.opc.model import Package, find_key, resolve_part
from drafting.ooxml.wml.names import qn

_SEPARATORS = ("separator", "continuationSeparator", "continuationNotice")
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def note_elements(notes_root: etree._Element, kind: str) -> Iterator[tuple[str, etree._Element]]:
    """(w:id, element) of every real note (`kind` "footnote" or "endnote") of a notes part, separators left out."""
    for el in notes_root.findall(qn(f"w:{kind}")):
        if el.get(qn("w:type"), "normal") in _SEPARATORS:
            continue
        yield el.get(qn("w:id"), ""), el


def note_references(document_root: etree._Element, kind: str) -> list[str]:
    """The note ids the document refers to (`w:footnoteReference`/`w:endnoteReference`), in document order."""
    return [ref.get(qn("w:id"), "") for ref in document_root.iter(qn(f"w:{kind}Reference"))]


def header_footer_parts(package: Package, document_root: etree._Element) -> list[tuple[str, str, int, int]]:
    """(name such as "header default", part, section number, number of sections) for every
    header and footer reference of every section, in document order; a part referred to twice is listed once."""
    out: list[tuple[str, str, int, int]] = []
    seen: set[str] = set()
    for number, total, kind, type_, _rel_id, key in _header_footer_references(package, document_root):
        if key is None or key in seen:
            continue  # a reference leading nowhere: `unresolved_header_footer_references`
        seen.add(key)
        out.append((f"{kind} {type_}", key, number, total))
    return out


def unresolved_header_footer_references(package: Package,
                                        document_root: etree._Element) -> list[tuple[int, str, str, str]]:
    """(section number, "header" or "footer", its type, relationship id) of every header and footer reference
    whose relationship the main part lacks (`read_package` refuses one leading to no part): a story nobody can
    read."""
    return [(number, kind, type_, rel_id)
            for number, _total, kind, type_, rel_id, key in _header_footer_references(package, document_root)
            if key is None]


def _header_footer_references(package: Package, document_root: etree._Element
                              ) -> Iterator[tuple[int, int, str, str, str, str | None]]:
    """(section number, number of sections, "header" or "footer", type, relationship id, the part's key in the
    package or None) of every header and footer reference, in document order."""
    main = package.main_document
    targets = {rel.id: resolve_part(main, rel.target) for rel in package.relationships(main) if not rel.external}
    sections = list(document_root.iter(qn("w:sectPr")))
    for number, sect in enumerate(sections, start=1):
        for ref in sect:
            if ref.tag not in (qn("w:headerReference"), qn("w:footerReference")):
                continue
            kind = "header" if ref.tag == qn("w:headerReference") else "footer"
            rel_id = ref.get(_R_ID, "")
            part = targets.get(rel_id)
            key = find_key(package.parts, part) if part is not None else None
            yield number, len(sections), kind, ref.get(qn("w:type"), "default"), rel_id, key


_COUNTED = {qn("w:t"): None, qn("w:tab"): 1, qn("w:sym"): 1, qn("w:br"): 1, qn("w:cr"): 1,
            qn("w:noBreakHyphen"): 1, qn("w:softHyphen"): 0}


def note_reference_offsets(paragraph: etree._Element, kind: str = "footnote") -> list[tuple[str, int]]:
    """(w:id, characters of text before it) for each `kind` reference in `paragraph`, in order. Deleted text
    (`w:delText`) is not counted: offsets are in the text with changes accepted."""
    out: list[tuple[str, int]] = []
    count = 0
    reference = qn(f"w:{kind}Reference")
    for el in paragraph.iter():
        tag = el.tag
        if tag == reference:
            out.append((el.get(qn("w:id"), ""), count))
        elif tag in _COUNTED:
            width = _COUNTED[tag]
            count += len(el.text or "") if width is None else width
    return out


def cell_position(paragraph: etree._Element) -> tuple[etree._Element, int, int] | None:
    """(w:tbl, row, column), both from 1, of the innermost table cell holding `paragraph`, or None."""
    cell = next(paragraph.iterancestors(qn("w:tc")), None)
    if cell is None:
        return None
    row = cell.getparent()
    table = row.getparent() if row is not None else None
    if row is None or table is None:
        return None
    rows = [r for r in table if r.tag == qn("w:tr")]
    cells = [c for c in row if c.tag == qn("w:tc")]
    return table, rows.index(row) + 1, cells.index(cell) + 1
