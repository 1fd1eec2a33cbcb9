"""WordprocessingML as trees, for callers that edit parts: paragraphs as elements, tables, the template's
body slot, document properties read back, the default language.

Built on `drafting.ooxml.wml.markup`, which writes the same markup as text: a paragraph element is the parse
of its markup, so there is one definition of what a paragraph looks like.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

from lxml import etree

from drafting.ooxml.ns import W_NS
from drafting.ooxml.parser import parse_xml, serialise
from drafting.ooxml.wml.markup import (
    BODY_SLOT,
    CUSTOM_PROPS_NS,
    RunSpec,
    paragraph_xml,
)
from drafting.ooxml.wml.names import qn, w_el

_OPEN_W = f'<w:body xmlns:w="{W_NS}">'.encode()


def parse_fragment(markup: str) -> list[etree._Element]:
    """The elements of a run of `w:` markup (paragraphs, tables), as `markup` writes them."""
    return list(parse_xml(_OPEN_W + markup.encode("utf-8") + b"</w:body>"))


def make_paragraph(
    style_id: str,
    runs: Sequence[RunSpec],
    *,
    bookmark: tuple[int, str] | None = None,
    numbering: tuple[int, int] | None = None,
) -> etree._Element:
    """`markup.paragraph_xml` as an element."""
    return parse_fragment(paragraph_xml(style_id, runs, bookmark=bookmark, numbering=numbering))[0]


def fragment_xml(elements: Sequence[etree._Element]) -> str:
    """Elements back to `w:` markup for `markup.fill_body_slot` (namespace declarations left to the part);
    the elements themselves stay where they are."""
    holder = etree.Element(qn("w:body"), nsmap={"w": W_NS})
    holder.extend(copy.deepcopy(element) for element in elements)
    text = etree.tostring(holder, encoding="unicode")
    return str(text[text.index(">") + 1:text.rindex("<")])


def mark_body_slot(document_xml: bytes, marker: str) -> bytes:
    """document.xml with the paragraph whose text is exactly `marker` (the `{{ body }}` tag) replaced by the
    body slot that `markup.fill_body_slot` fills, and the `w` prefix bound at the root for the markup."""
    root = parse_xml(document_xml)
    if root.nsmap.get("w") != W_NS:
        if "w" in root.nsmap:
            raise ValueError("the template's document part binds the w: prefix to another namespace")
        # lxml cannot add a declaration to an existing element: rebuild the root with `w` bound too.
        rebound = etree.Element(root.tag, attrib=dict(root.attrib), nsmap={**root.nsmap, "w": W_NS})
        rebound.text = root.text
        rebound.extend(list(root))
        root = rebound
    for p in root.iter(qn("w:p")):
        text = "".join(t.text or "" for t in p.iter(qn("w:t")))
        if text.strip() == marker:
            parent = p.getparent()
            assert parent is not None
            if parent.nsmap.get("w") != W_NS:
                raise ValueError("the template rebinds the w: prefix around its {{ body }} paragraph")
            slot = etree.ProcessingInstruction("drafting-body")
            slot.tail = p.tail
            parent.replace(p, slot)
            data = serialise(root)
            if data.count(BODY_SLOT) != 1:
                raise ValueError("the template's body slot could not be marked")
            return data
    raise ValueError("the template has no {{ body }} paragraph")


def read_custom_properties(root: etree._Element) -> dict[str, str]:
    """Name -> text value of every custom property (any vt:* type read as text)."""
    props: dict[str, str] = {}
    for prop in root.findall(f"{{{CUSTOM_PROPS_NS}}}property"):
        name = prop.get("name")
        if not name:
            continue
        value = next(iter(prop), None)
        props[name] = (value.text or "") if value is not None else ""
    return props


def read_core_properties(root: etree._Element) -> dict[str, str]:
    """docProps/core.xml as local name -> text ("title", "subject", "created", …)."""
    return {etree.QName(child).localname: (child.text or "").strip() for child in root}


def make_table(rows: Sequence[Sequence[Sequence[etree._Element]]], *, header: bool = False) -> etree._Element:
    """A full-width w:tbl with equal fixed columns; each cell holds the given w:p elements (at least one)."""
    columns = max((len(r) for r in rows), default=1)
    width = 5000 // columns  # fiftieths of a percent
    tbl = w_el("tbl")
    tbl_pr = etree.SubElement(tbl, qn("w:tblPr"))
    tbl_w = etree.SubElement(tbl_pr, qn("w:tblW"))
    tbl_w.set(qn("w:w"), "5000")
    tbl_w.set(qn("w:type"), "pct")
    etree.SubElement(tbl_pr, qn("w:tblLayout")).set(qn("w:type"), "fixed")
    grid = etree.SubElement(tbl, qn("w:tblGrid"))
    for _ in range(columns):
        etree.SubElement(grid, qn("w:gridCol")).set(qn("w:w"), str(9000 // columns))
    for index, row in enumerate(rows):
        tr = etree.SubElement(tbl, qn("w:tr"))
        if header and index == 0:
            etree.SubElement(etree.SubElement(tr, qn("w:trPr")), qn("w:tblHeader"))
        for cell in row:
            tc = etree.SubElement(tr, qn("w:tc"))
            tc_w = etree.SubElement(etree.SubElement(tc, qn("w:tcPr")), qn("w:tcW"))
            tc_w.set(qn("w:w"), str(width))
            tc_w.set(qn("w:type"), "pct")
            for p in cell or [w_el("p")]:
                tc.append(p)
    return tbl


LANGUAGE_TAGS = {"en": "en-GB", "ru": "ru-RU", "fr": "fr-FR", "es": "es-ES", "ar": "ar-SA", "zh": "zh-CN"}


def set_default_language(styles: bytes, language: str) -> bytes:
    """styles.xml with the document's default language (spelling, hyphenation) set to `language`."""
    from drafting.ooxml.parser import parse_xml, serialise

    root = parse_xml(styles, part="word/styles.xml")
    tag = LANGUAGE_TAGS.get(language, language)
    for lang in root.iter(qn("w:lang")):
        lang.set(qn("w:val"), tag)
        if language in ("ar",):
            lang.set(qn("w:bidi"), tag)
    return serialise(root)
