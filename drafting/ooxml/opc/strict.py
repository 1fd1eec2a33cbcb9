"""ISO/IEC 29500 *Strict* packages read as transitional ones.

A Strict document uses ``http://purl.oclc.org/ooxml/…`` namespaces and relationship types where a
transitional one uses ``http://schemas.openxmlformats.org/…/2006/…``; the elements are the same for
everything drafting reads (text, revisions, notes, properties). Without this mapping a Strict document
would read as empty. The mapping rewrites the URIs only, so the hardened parser still sees every part.
"""

from __future__ import annotations

import re

from drafting.ooxml.parser import parse_xml, serialise

STRICT_MARKER = b"purl.oclc.org/ooxml/"
_STRICT_URI = re.compile(rb"http://purl\.oclc\.org/ooxml/([A-Za-z]+)/([A-Za-z]+)((?:/[A-Za-z-]+)*)")
_RENAMED = {b"customProperties": b"custom-properties", b"extendedProperties": b"extended-properties"}


def _transitional(match: re.Match[bytes]) -> bytes:
    area, name, rest = match.group(1), match.group(2), match.group(3)
    name = _RENAMED.get(name, name)
    tail = b"/".join(_RENAMED.get(piece, piece) for piece in rest.split(b"/"))
    return b"http://schemas.openxmlformats.org/" + area + b"/2006/" + name + tail


def strict_to_transitional(blob: bytes, part: str, source: str) -> bytes:
    """The XML part `blob` with every Strict namespace and relationship-type URI replaced by its transitional
    twin (UTF-16 parts come back as UTF-8); a part without Strict URIs is returned unchanged."""
    if not is_strict(blob):
        return blob
    if blob.startswith((b"\xff\xfe", b"\xfe\xff")) or STRICT_MARKER not in blob:
        blob = serialise(parse_xml(blob, part=part, source=source))
    return _STRICT_URI.sub(_transitional, blob)


def is_strict(blob: bytes) -> bool:
    """Whether `blob` names a Strict URI (in UTF-8 or UTF-16)."""
    return any(STRICT_MARKER.decode().encode(codec) in blob for codec in ("utf-8", "utf-16-le", "utf-16-be"))
