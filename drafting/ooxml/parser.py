"""The one XML parser factory: no DTD, no entities, no network, no recovery, no huge trees.

OPC (ISO/IEC 29500-2 M1.18) says a DTD declaration in a package part is an error, so `parse_xml` refuses
any `<!DOCTYPE` before lxml sees it; the parser settings are a second line of defence.
"""

from __future__ import annotations

import re

from lxml import etree

from drafting.errors import DraftingInputError

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def make_xml_parser() -> etree.XMLParser:
    """A fresh hardened parser (never install it as lxml's global default)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=False,
        remove_blank_text=False,
    )


def _as_utf8_for_scan(data: bytes) -> bytes:
    """Bytes to scan for a DTD: UTF-16 parts are decoded first so the scan cannot be dodged (X8)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return data
    return data


def parse_xml(data: bytes, *, part: str = "", source: str | None = None) -> etree._Element:
    """Parse the bytes of one package part, refusing DTDs and wrapping every parser error."""
    if _DOCTYPE.search(_as_utf8_for_scan(data)):
        raise DraftingInputError("DTD or entity declarations are not allowed", source=source, part=part)
    parser = make_xml_parser()
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        msg = str(exc.msg if hasattr(exc, "msg") else exc)
        raise DraftingInputError(f"malformed XML: {msg}", source=source, part=part) from exc
    except (ValueError, RecursionError, MemoryError) as exc:
        raise DraftingInputError(f"malformed XML: {exc}", source=source, part=part) from exc
    # libxml2 reports an undefined namespace prefix as a recoverable error, and lxml does not always raise for
    # it (a warning late in the part, such as an xml:space value other than preserve or default, let a part
    # whose w: prefix was never declared through): such a tree has its elements in no namespace, so every
    # reader would pass over them without a word.
    errors = [e for e in parser.error_log if e.level >= etree.ErrorLevels.ERROR]
    if errors:
        first = errors[0]
        raise DraftingInputError(f"malformed XML: {first.message}, line {first.line}, column {first.column}",
                                 source=source, part=part)
    # A second check on the parsed tree: an encoding the byte scan cannot read (UTF-16 without a BOM)
    # must not smuggle a DTD through.
    if root.getroottree().docinfo.doctype:
        raise DraftingInputError("DTD or entity declarations are not allowed", source=source, part=part)
    return root


def serialise(root: etree._Element) -> bytes:
    """A part's bytes: UTF-8 with the standalone declaration Word writes."""
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))
