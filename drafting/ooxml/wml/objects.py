"""Images and equations as units: what a comparison needs to know of them is whether the same ones are in
the same stories. An image is keyed by the SHA-256 of the part it embeds and its extent; an equation
(OMML `m:oMath`) by its text and structure (the element names and `m:t` texts in document order)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from lxml import etree

from drafting.ooxml.opc.model import Package, resolve_part
from drafting.ooxml.parser import parse_xml

_A_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_V_IMAGEDATA = "{urn:schemas-microsoft-com:vml}imagedata"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_M_OMATH = "{http://schemas.openxmlformats.org/officeDocument/2006/math}oMath"
_M_T = "{http://schemas.openxmlformats.org/officeDocument/2006/math}t"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_WP_EXTENT = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent"
STORY_TYPES = ("footnotes", "endnotes", "header", "footer")


def object_keys(parts: Mapping[str, bytes], package: Package) -> list[tuple[str, str]]:
    """("image", key) and ("equation", key) for every image and equation of the main document and its
    notes, headers and footers in `parts` (the package's parts, perhaps with tracked changes resolved)."""
    main = package.main_document
    names = [main]
    for rel in package.relationships(main):
        if not rel.external and rel.type.rsplit("/", 1)[-1] in STORY_TYPES:
            target = resolve_part(main, rel.target)
            if target is not None and target in parts:
                names.append(target)
    keys: list[tuple[str, str]] = []
    for name in names:
        root = parse_xml(parts[name], part=name, source=package.source)
        targets = {rel.id: resolve_part(name, rel.target) for rel in package.relationships(name) if not rel.external}
        for el in root.iter(_A_BLIP, _V_IMAGEDATA, _M_OMATH):
            if any(a.tag == _MC_FALLBACK for a in el.iterancestors()):
                continue
            if el.tag == _M_OMATH:
                if any(a.tag == _M_OMATH for a in el.iterancestors()):
                    continue
                if any((t.text or "").strip() for t in el.iter(_M_T)):  # an emptied equation is gone
                    keys.append(("equation", _equation_key(el)))
                continue
            rid = el.get(f"{_R}embed") or el.get(f"{_R}id") or ""
            target = targets.get(rid)
            blob = parts.get(target, b"") if target else b""
            keys.append(("image", hashlib.sha256(blob).hexdigest()[:16] + _extent(el)))
    return keys


def _equation_key(math: etree._Element) -> str:
    pieces = []
    for el in math.iter(tag=etree.Element):
        local = etree.QName(el).localname
        pieces.append(f"<{local}>{el.text or ''}" if local == "t" else f"<{local}>")
    return hashlib.sha256("".join(pieces).encode("utf-8")).hexdigest()[:16]


def _extent(blip: etree._Element) -> str:
    for ancestor in blip.iterancestors():
        extent = ancestor.find(_WP_EXTENT)
        if extent is not None:
            return f"@{extent.get('cx', '')}x{extent.get('cy', '')}"
    return ""


def table_shapes(parts: Mapping[str, bytes], package: Package) -> list[tuple[int, ...]]:
    """The shape of every table of the main document, in order: the number of cells in each row (nested
    tables count as tables of their own). Two texts can read alike while their tables differ."""
    main = package.main_document
    root = parse_xml(parts[main], part=main, source=package.source)
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    return [tuple(len(tr.findall(f"{w}tc")) for tr in tbl.iter(f"{w}tr") if _owner(tr, f"{w}tbl") is tbl)
            for tbl in root.iter(f"{w}tbl")]


def _owner(el: etree._Element, tag: str) -> etree._Element | None:
    return next(el.iterancestors(tag), None)
