"""Writing WordprocessingML for assembled documents: w:p with styles, runs, bookmarks and numbering;
the numbering part; core and custom document properties.

Callers hand over plain values (style ids, run texts, bookmark names); this module alone knows the XML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lxml import etree

from drafting.ooxml.wml import W_NS, qn, w_el
from drafting.ooxml.xmlparser import parse_xml, serialise


def escape(text: str) -> str:
    """XML character data."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    """A double-quoted XML attribute value."""
    return '"' + escape(text).replace('"', "&quot;") + '"'


DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
CUSTOM_PROPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CUSTOM_PROPS_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_PROPS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
# The fmtid every custom property carries (the "user defined properties" property set).
USER_DEFINED_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


@dataclass(frozen=True, slots=True)
class RunSpec:
    """A run to write: `text` and an optional character style id."""

    text: str
    style: str | None = None


@dataclass(frozen=True, slots=True)
class Level:
    """One level of a list definition (w:lvl): Word number format, w:lvlText, indents in twips."""

    num_fmt: str
    text: str
    left: int
    hanging: int


@dataclass(frozen=True, slots=True)
class ListDefinition:
    """A w:abstractNum with one w:num pointing at it (`num_id` is what paragraphs reference)."""

    num_id: int
    levels: tuple[Level, ...]


_P, _PPR, _PSTYLE, _NUMPR, _ILVL, _NUMID, _R, _RPR, _RSTYLE, _T, _BM_START, _BM_END = (
    qn(f"w:{name}") for name in
    ("p", "pPr", "pStyle", "numPr", "ilvl", "numId", "r", "rPr", "rStyle", "t", "bookmarkStart", "bookmarkEnd")
)
_VAL, _ID, _NAME = qn("w:val"), qn("w:id"), qn("w:name")
_XML_SPACE = qn("xml:space")
_W_ONLY = {"w": W_NS}
SubElement = etree.SubElement


def add_run(parent: etree._Element, run: RunSpec) -> etree._Element:
    """Append a w:r for `run` to `parent`: optional character style, text with xml:space where needed."""
    r = SubElement(parent, _R)
    if run.style:
        SubElement(SubElement(r, _RPR), _RSTYLE, {_VAL: run.style})
    t = SubElement(r, _T)
    t.text = run.text
    if run.text != run.text.strip(" ") or "  " in run.text:
        t.set(_XML_SPACE, "preserve")
    return r


def make_paragraph(
    style_id: str,
    runs: Sequence[RunSpec],
    *,
    bookmark: tuple[int, str] | None = None,
    numbering: tuple[int, int] | None = None,
) -> etree._Element:
    """A w:p in style `style_id`; `bookmark` = (w:id, name) spans the paragraph; `numbering` = (numId, ilvl)."""
    p = etree.Element(_P, nsmap=_W_ONLY)
    ppr = SubElement(p, _PPR)
    SubElement(ppr, _PSTYLE, {_VAL: style_id})
    if numbering is not None:
        num_pr = SubElement(ppr, _NUMPR)
        SubElement(num_pr, _ILVL, {_VAL: str(numbering[1])})
        SubElement(num_pr, _NUMID, {_VAL: str(numbering[0])})
    if bookmark is not None:
        SubElement(p, _BM_START, {_ID: str(bookmark[0]), _NAME: bookmark[1]})
    for run in runs:
        if run.text:
            add_run(p, run)
    if bookmark is not None:
        SubElement(p, _BM_END, {_ID: str(bookmark[0])})
    return p


def replace_marker_paragraph(part: bytes, marker: str, paragraphs: Sequence[etree._Element]) -> bytes:
    """`part` (a document.xml) with `paragraphs` where the body paragraph whose text is exactly `marker`
    stands (the `{{ body }}` tag)."""
    root = parse_xml(part)
    for p in root.iter(qn("w:p")):
        text = "".join(t.text or "" for t in p.iter(qn("w:t")))
        if text.strip() == marker:
            parent = p.getparent()
            assert parent is not None
            index = parent.index(p)
            parent.remove(p)
            for offset, new in enumerate(paragraphs):
                parent.insert(index + offset, new)
            return serialise(root)
    raise ValueError("the template has no {{ body }} paragraph")


def numbering_xml(lists: Sequence[ListDefinition]) -> bytes:
    """The numbering part: one w:abstractNum and one w:num per list definition."""
    out = [DECL, f'<w:numbering xmlns:w="{W_NS}">']
    for definition in lists:
        out.append(f'<w:abstractNum w:abstractNumId="{definition.num_id}">'
                   '<w:multiLevelType w:val="multilevel"/>')
        for ilvl, level in enumerate(definition.levels):
            out.append(
                f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{level.num_fmt}"/>'
                f"<w:lvlText w:val={quoteattr(level.text)}/><w:lvlJc w:val=\"left\"/>"
                f'<w:pPr><w:ind w:left="{level.left}" w:hanging="{level.hanging}"/></w:pPr></w:lvl>'
            )
        out.append("</w:abstractNum>")
    for definition in lists:
        out.append(f'<w:num w:numId="{definition.num_id}"><w:abstractNumId w:val="{definition.num_id}"/></w:num>')
    out.append("</w:numbering>")
    return "".join(out).encode("utf-8")


def _w3cdtf(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def core_properties_xml(
    *,
    title: str,
    subject: str,
    creator: str,
    keywords: str,
    description: str,
    language: str,
    identifier: str,
    revision: str,
    created: dt.datetime,
    modified: dt.datetime,
) -> bytes:
    """docProps/core.xml with every date given by the caller (never the wall clock: output is reproducible)."""

    def el(tag: str, value: str) -> str:
        return f"<{tag}>{escape(value)}</{tag}>"

    body = "".join([
        el("dc:title", title), el("dc:subject", subject), el("dc:creator", creator),
        el("cp:keywords", keywords), el("dc:description", description), el("dc:language", language),
        el("dc:identifier", identifier), el("cp:lastModifiedBy", creator), el("cp:revision", revision),
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{_w3cdtf(created)}</dcterms:created>',
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{_w3cdtf(modified)}</dcterms:modified>',
    ])
    return (
        f"{DECL}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"{body}</cp:coreProperties>"
    ).encode()


def custom_properties_xml(properties: Mapping[str, str]) -> bytes:
    """docProps/custom.xml with string properties, pids from 2 as the spec requires, in the given order."""
    out = [DECL, f'<Properties xmlns="{CUSTOM_PROPS_NS}" xmlns:vt="{VT_NS}">']
    for pid, (name, value) in enumerate(properties.items(), start=2):
        out.append(f'<property fmtid="{USER_DEFINED_FMTID}" pid="{pid}" name={quoteattr(name)}>'
                   f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>")
    out.append("</Properties>")
    return "".join(out).encode("utf-8")


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
    from drafting.ooxml.xmlparser import parse_xml, serialise

    root = parse_xml(styles, part="word/styles.xml")
    tag = LANGUAGE_TAGS.get(language, language)
    for lang in root.iter(qn("w:lang")):
        lang.set(qn("w:val"), tag)
        if language in ("ar",):
            lang.set(qn("w:bidi"), tag)
    return serialise(root)
