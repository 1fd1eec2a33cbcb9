"""WordprocessingML written as text: paragraphs, the numbering part, document properties, the zip.

The writing half of the OOXML layer that needs no XML tree: strings are built directly (escaped here, and
nowhere else) and the package is zipped deterministically. It imports no lxml, so re-assembling a document
loads no XML library at all; `drafting.ooxml.wml.tree` turns these strings into elements where a caller
needs a tree.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import stat
import zipfile
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from drafting.ooxml.ns import CONTENT_TYPES, W_NS

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EPOCH = (1980, 1, 1, 0, 0, 0)
_EXTERNAL_ATTR = (stat.S_IFREG | 0o644) << 16


def escape(text: str) -> str:
    """XML character data; refuses characters XML 1.0 cannot carry (as lxml would)."""
    bad = _NOT_XML.search(text)
    if bad is not None:
        raise ValueError(f"character U+{ord(bad.group()):04X} cannot be written to XML")
    out = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return out.replace("\r", "&#13;") if "\r" in out else out  # a parser would read a raw CR as LF


def quoteattr(text: str) -> str:
    """A double-quoted XML attribute value (tab and line breaks as references: a parser would read them
    as spaces)."""
    out = escape(text).replace('"', "&quot;")
    if "\t" in out or "\n" in out:
        out = out.replace("\t", "&#9;").replace("\n", "&#10;")
    return '"' + out + '"'


DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
CUSTOM_PROPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CUSTOM_PART = "docProps/custom.xml"
CUSTOM_PROPS_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_PROPS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
# The fmtid every custom property carries (the "user defined properties" property set).
USER_DEFINED_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


class RunSpec(NamedTuple):
    """A run to write: `text` and an optional character style id; `note` > 0 makes it the reference to
    footnote `note` (w:footnoteReference) instead of text."""

    text: str
    style: str | None = None
    note: int = 0


class Level(NamedTuple):
    """One level of a list definition (w:lvl): Word number format, w:lvlText, indents in twips."""

    num_fmt: str
    text: str
    left: int
    hanging: int


class ListDefinition(NamedTuple):
    """A w:abstractNum with one w:num pointing at it (`num_id` is what paragraphs reference)."""

    num_id: int
    levels: tuple[Level, ...]


def paragraph_xml(
    style_id: str,
    runs: Sequence[RunSpec],
    *,
    bookmark: tuple[int, str] | None = None,
    numbering: tuple[int, int] | None = None,
) -> str:
    """A w:p in style `style_id` (prefix `w` bound by the enclosing part); `bookmark` = (w:id, name) spans the
    paragraph; `numbering` = (numId, ilvl)."""
    out = [f"<w:p><w:pPr><w:pStyle w:val={quoteattr(style_id)}/>"]
    if numbering is not None:
        out.append(f'<w:numPr><w:ilvl w:val="{int(numbering[1])}"/><w:numId w:val="{int(numbering[0])}"/></w:numPr>')
    out.append("</w:pPr>")
    if bookmark is not None:
        out.append(f'<w:bookmarkStart w:id="{int(bookmark[0])}" w:name={quoteattr(bookmark[1])}/>')
    for run in runs:
        if run.text or run.note:
            out.append(run_xml(run))
    if bookmark is not None:
        out.append(f'<w:bookmarkEnd w:id="{int(bookmark[0])}"/>')
    out.append("</w:p>")
    return "".join(out)


def run_xml(run: RunSpec) -> str:
    """A w:r: optional character style, the text with xml:space="preserve" where spaces would be lost."""
    if run.note:
        return ('<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
                f'<w:footnoteReference w:id="{int(run.note)}"/></w:r>')
    style = f"<w:rPr><w:rStyle w:val={quoteattr(run.style)}/></w:rPr>" if run.style else ""
    text = run.text
    space = ' xml:space="preserve"' if text != text.strip(" ") or "  " in text else ""
    return f"<w:r>{style}<w:t{space}>{escape(text)}</w:t></w:r>"


FOOTNOTES_PART = "word/footnotes.xml"
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"


def footnote_paragraph_xml(style_id: str, runs: Sequence[RunSpec], *, bookmark: tuple[int, str] | None) -> str:
    """A footnote's paragraph: its number mark (w:footnoteRef), then the text (ECMA-376 §17.11); no space run
    between, so that the note's text is its words and nothing else (the style's indent sets them apart)."""
    head = '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
    xml = paragraph_xml(style_id, runs, bookmark=bookmark)
    at = xml.index("</w:pPr>") + len("</w:pPr>")
    return xml[:at] + head + xml[at:]


def footnotes_xml(notes: Sequence[tuple[int, str]]) -> bytes:
    """The footnotes part: the separator and continuation separator Word writes (ids -1 and 0), then each
    note (w:id, paragraph markup)."""
    out = [DECL, f'<w:footnotes xmlns:w="{W_NS}">',
           '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
           'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>',
           '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
           'w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>']
    out.extend(f'<w:footnote w:id="{int(note_id)}">{xml}</w:footnote>' for note_id, xml in notes)
    out.append("</w:footnotes>")
    return "".join(out).encode("utf-8")


def table_xml(rows: Sequence[Sequence[str]], *, header: bool = True) -> str:
    """A w:tbl with single borders whose cells hold the given paragraph markup, the first row repeated as
    the header row on each page; columns share the text width."""
    width = max(len(row) for row in rows)
    column = 9070 // max(width, 1)
    border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    borders = "".join(border.format(side) for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    out = [f'<w:tbl><w:tblPr><w:tblW w:w="{column * width}" w:type="dxa"/><w:tblBorders>{borders}</w:tblBorders>'
           '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" '
           'w:noVBand="1"/></w:tblPr><w:tblGrid>' + f'<w:gridCol w:w="{column}"/>' * width + "</w:tblGrid>"]
    for number, row in enumerate(rows):
        out.append("<w:tr>" + ("<w:trPr><w:tblHeader/></w:trPr>" if header and number == 0 else ""))
        for cell in [*row, *[""] * (width - len(row))]:
            content = cell or '<w:p><w:pPr><w:pStyle w:val="TableText"/></w:pPr></w:p>'
            out.append(f'<w:tc><w:tcPr><w:tcW w:w="{column}" w:type="dxa"/></w:tcPr>{content}</w:tc>')
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


BODY_SLOT = b"<?drafting-body ?>"  # as lxml serialises the processing instruction


def has_one_body_slot(document_xml: bytes) -> bool:
    """Whether document.xml holds exactly one body slot (what `fill_body_slot` needs)."""
    return document_xml.count(BODY_SLOT) == 1


def fill_body_slot(document_xml: bytes, body: str) -> bytes:
    """document.xml with `body` (w:p/w:tbl markup) where the template's body slot stands."""
    if not has_one_body_slot(document_xml):
        raise ValueError("the template needs exactly one {{ body }} paragraph")
    before, _, after = document_xml.partition(BODY_SLOT)
    return before + body.encode("utf-8") + after


def numbering_xml(lists: Sequence[ListDefinition]) -> bytes:
    """The numbering part: one w:abstractNum and one w:num per list definition."""
    out = [DECL, f'<w:numbering xmlns:w="{W_NS}">']
    for definition in lists:
        out.append(f'<w:abstractNum w:abstractNumId="{int(definition.num_id)}">'
                   '<w:multiLevelType w:val="multilevel"/>')
        for ilvl, level in enumerate(definition.levels):
            out.append(
                f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val={quoteattr(level.num_fmt)}/>'
                f"<w:lvlText w:val={quoteattr(level.text)}/><w:lvlJc w:val=\"left\"/>"
                f'<w:pPr><w:ind w:left="{int(level.left)}" w:hanging="{int(level.hanging)}"/></w:pPr></w:lvl>'
            )
        out.append("</w:abstractNum>")
    for definition in lists:
        num_id = int(definition.num_id)
        out.append(f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{num_id}"/></w:num>')
    out.append("</w:numbering>")
    return "".join(out).encode("utf-8")


def _w3cdtf(moment: dt.datetime) -> str:
    """W3CDTF in UTC; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
            f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z")


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


def write_package(parts: Mapping[str, bytes]) -> bytes:
    """Zip `parts` deterministically: the same parts always give byte-identical output.

    ``[Content_Types].xml`` comes first, then `parts` in their order; fixed 1980-01-01 timestamps,
    DEFLATE level 6, Unix create_system and a plain 0644 file mode (zipfile would otherwise fill in
    its own default), so hashes of outputs are stable.
    """
    if CONTENT_TYPES not in parts:
        raise ValueError("write_package needs a [Content_Types].xml part")
    buf = io.BytesIO()
    order = [CONTENT_TYPES, *(name for name in parts if name != CONTENT_TYPES)]
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = _EXTERNAL_ATTR
            zf.writestr(info, parts[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return buf.getvalue()


