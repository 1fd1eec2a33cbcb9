"""Sanitising a package: every reference that points outside it is stripped (findings O6-O9), altChunk
is refused (O10). Only ``http``/``https``/``mailto`` hyperlinks stay external; elements that used a stripped
relationship lose it (hyperlinks are unwrapped so their text stays)."""

from __future__ import annotations

import re

from drafting.errors import DraftingInputError
from drafting.ooxml.ns import W_NS
from drafting.ooxml.opc.model import (
    Finding,
    Package,
    Relationship,
    drop_relationships,
    is_rels_name,
    mentions,
    parse_part,
    parse_relationships,
    short_text,
    source_of_rels,
)

ALLOWED_LINK_SCHEMES = ("http:", "https:", "mailto:")


def sanitize(pkg: Package) -> Package:
    """Return a copy of `pkg` with every external reference stripped (findings O6-O9) and altChunk refused.

    Only ``http``/``https``/``mailto`` hyperlinks stay external. Elements that used a stripped relationship
    lose it: hyperlinks are unwrapped (text kept), ``r:link`` is removed from ``a:blip``, and any other
    element (``w:attachedTemplate``, ``o:OLEObject``, ``a:hlinkClick`` …) is removed.
    """
    parts = dict(pkg.parts)
    findings = list(pkg.findings)
    for rels_name in [name for name in parts if is_rels_name(name)]:
        source_part = source_of_rels(rels_name)
        drop: dict[str, str] = {}
        for rel in parse_relationships(parts[rels_name], rels_name, pkg.source):
            if rel.type.lower().endswith("/afchunk"):
                raise _altchunk_error(pkg.source, rels_name)
            if not rel.external:
                continue
            verdict = _classify_external(rel, rels_name, pkg.source)
            if verdict is not None:
                code, message = verdict
                drop[rel.id] = message
                findings.append(Finding(code, source_part or rels_name, message))
        if drop:
            drop_relationships(parts, rels_name, source_part, set(drop), pkg.source)
    for name, blob in parts.items():
        if name.lower().endswith(".xml") and mentions(blob, "altChunk"):
            root = parse_part(blob, name, pkg.source)
            if next(root.iter(f"{{{W_NS}}}altChunk"), None) is not None:
                raise _altchunk_error(pkg.source, name)
    return Package(source=pkg.source, parts=parts, findings=findings, main_document=pkg.main_document, kept=pkg.kept)


def _classify_external(rel: Relationship, rels_name: str, source: str) -> tuple[str, str] | None:
    """None to keep an external relationship, else (finding code, message) to strip it; UNC templates raise."""
    kind = rel.type.rsplit("/", 1)[-1]
    scheme = _scheme(rel.target)
    if kind == "hyperlink":
        if rel.target.strip().lower().startswith(ALLOWED_LINK_SCHEMES):
            return None
        return "O9", f"removed {scheme} hyperlink {rel.id}; its text is kept"
    if kind == "attachedTemplate":
        if _is_unc(rel.target):
            raise DraftingInputError(
                "attached template on a network share (UNC or file://host) is not accepted",
                source=source,
                part=rels_name,
            )
        return "O6", f"removed external attached template ({scheme}) {rel.id}"
    if kind == "image":
        return "O8", f"removed linked image ({scheme}) {rel.id}"
    return "O7", f"removed external {short_text(kind)} relationship ({scheme}) {rel.id}"


def _scheme(target: str) -> str:
    """A short, safe label for a target's kind, so findings never repeat the hostile target itself."""
    if _is_unc(target):
        return "UNC path"
    match = re.match(r"\s*([A-Za-z][A-Za-z0-9+.-]{0,20}):", target)
    return f"{match.group(1).lower()}:" if match else "relative path"


def _is_unc(target: str) -> bool:
    """True for ``\\\\host\\share``, ``//host/share``, ``file://host/…`` and ``file:////host/…``."""
    text = target.strip().replace("\\", "/")
    if text.lower().startswith("file:"):
        text = text[5:]
        if text.lower().startswith("//localhost/"):
            return False
        return text.startswith("//") and (not text.startswith("///") or text.startswith("////"))
    return text.startswith("//")


def _altchunk_error(source: str, part: str) -> DraftingInputError:
    return DraftingInputError(
        "altChunk (imported HTML/RTF/DOCX content) is not accepted: its text is invisible to redlines; "
        "open the file in Word, save it and resend",
        source=source,
        part=part,
    )


