"""The OPC package layer: every incoming .docx is opened here, and nowhere else, before anything reads it.

A delegation's file is untrusted bytes. `read_package` checks the zip container from its central directory
before decompressing a single byte (size, entry count, names, symlinks, encryption, declared sizes, ratio,
overlapping entries), then reads each member with a bounded read, parses every XML part with the one
hardened parser, and validates content types and relationships. `read_docx` adds the WordprocessingML and
no-macro checks and `sanitize` strips everything that points outside the package. Rejections are
`DraftingInputError` naming the part; things accepted after stripping are recorded as `Finding`s
(codes are the row ids of `bad-inputs.md`).

Policies:
- Dangling internal relationships are an error ("dangling relationship rId7 → word/NULL"), except for
  hyperlinks and fragment-only targets (``#_top``): those are dropped with an O2 finding and the
  ``w:hyperlink`` is unwrapped so its text stays.
- altChunk (imported HTML/RTF/DOCX, O10) is rejected: Word shows content that is not in the document text,
  so a redline would miss it. Opening the file in Word and saving it merges the chunk.
- External hyperlinks survive only for ``http``, ``https`` and ``mailto``; others lose the link and keep the text.
- Attached templates on a network share (UNC, ``file://host/``) are rejected; any other external template
  (``http:``, local ``file:///C:/…`` as Word writes routinely) is stripped with a finding.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from collections.abc import Mapping
from typing import TYPE_CHECKING

from lxml import etree

from drafting.errors import DraftingInputError, safe_display
from drafting.ooxml.ns import CONTENT_TYPES, W_NS
from drafting.ooxml.opc.model import (
    RELS_CONTENT_TYPE,
    ROOT_RELS,
    WML_DOCUMENT_MAIN,
    ContentTypes,
    Finding,
    Package,
    Relationship,
    drop_relationships,
    extension_of,
    is_rels_name,
    parse_part,
    parse_relationships,
    resolve_part,
    resolve_target,
    set_part,
    short_text,
    source_of_rels,
)
from drafting.ooxml.opc.sanitise import ALLOWED_LINK_SCHEMES, sanitize
from drafting.ooxml.opc.strict import is_strict, strict_to_transitional
from drafting.ooxml.opc.zipguard import (
    MAX_ENTRIES,
    MAX_MEMBER_BYTES,
    MAX_PACKAGE_BYTES,
    MAX_RATIO,
    MAX_TOTAL_BYTES,
    open_zip,
    prescan,
    read_member,
)

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

__all__ = [
    "ALLOWED_LINK_SCHEMES",
    "CONTENT_TYPES",
    "MAX_ENTRIES",
    "MAX_MEMBER_BYTES",
    "MAX_PACKAGE_BYTES",
    "MAX_RATIO",
    "MAX_RELATIONSHIPS",
    "MAX_REL_DEPTH",
    "MAX_TOTAL_BYTES",
    "RELS_CONTENT_TYPE",
    "ROOT_RELS",
    "WML_DOCUMENT_MAIN",
    "Finding",
    "Package",
    "Relationship",
    "load_python_docx",
    "read_docx",
    "read_package",
    "resolve_target",
    "sanitize",
    "set_part",
]

MAX_RELATIONSHIPS = 20_000
"""Most relationships in all .rels parts together."""
MAX_REL_DEPTH = 32
"""Longest relationship chain from the package root (real documents: 3 or 4)."""
_MACRO_MARKERS = ("macroenabled", "vbaproject", "vbadata")
"""Content-type fragments of macro code. Keyboard and toolbar customisations (``customizations.xml``,
``attachedToolbars.bin``) hold no code: Word writes them in ordinary .docx files, so they are not macros."""
_MACRO_REL_TYPES = ("/vbaproject", "/wordvbadata")
_MACRO_MESSAGE = "macro-enabled documents are not accepted"
_DOCUMENT, _BODY, _BACKGROUND = f"{{{W_NS}}}document", f"{{{W_NS}}}body", f"{{{W_NS}}}background"
_TEXT = tuple(f"{{{W_NS}}}{name}" for name in ("t", "delText", "instrText", "delInstrText"))


# -- reading ----------------------------------------------------------------------------------------------


def read_package(data: bytes, source: str) -> Package:
    """Validate `data` as an OPC package and return its parts; every failure is a `DraftingInputError`.

    All zip-layer checks run on the central directory before anything is decompressed (bombs, Z7-Z9).
    """
    zf = open_zip(data, source)
    infos = prescan(zf, data, source)
    parts: dict[str, bytes] = {}
    for info in infos:
        parts[info.filename] = read_member(zf, info, source)
    if CONTENT_TYPES not in parts:
        raise DraftingInputError("not an OPC package (no [Content_Types].xml)", source=source)
    findings: list[Finding] = []
    content_types = ContentTypes.parse(parts[CONTENT_TYPES], source)
    _check_macros(parts, content_types, source)
    strict = False
    for name, blob in parts.items():
        if _is_xml_part(name, content_types) and is_strict(blob):
            parts[name] = strict_to_transitional(blob, name, source)
            strict = True
    if strict:
        findings.append(Finding("O16", "", "ISO/IEC 29500 Strict document: read through the transitional namespaces"))
    _drop_damaged_metadata(parts, content_types, source, findings)
    trees: dict[str, tuple[bytes, etree._Element]] = {}
    for name, blob in parts.items():
        if name != CONTENT_TYPES and content_types.lookup(name) is None:
            ext = extension_of(name) or "(none)"
            raise DraftingInputError(
                f"part has no content type (no Default for extension '{ext}' and no Override)",
                source=source,
                part=name,
            )
        if _is_xml_part(name, content_types):
            trees[name] = (blob, parse_part(blob, name, source))
    main = _check_relationships(parts, source, findings)
    kept = {main: trees[main]} if main in trees else {}  # its first reader needs no second parse (same bytes)
    return Package(source=source, parts=parts, findings=findings, main_document=main, kept=kept)


def read_docx(data: bytes, source: str) -> Package:
    """`read_package`, then require a (macro-free) WordprocessingML document and `sanitize` it."""
    pkg = read_package(data, source)
    content_type = pkg.content_type(pkg.main_document)
    if content_type != WML_DOCUMENT_MAIN:
        shown = safe_display(content_type or "none")
        raise DraftingInputError(
            f"not a Word document (main part content type is {shown})", source=source, part=pkg.main_document
        )
    _check_document_root(pkg)
    return sanitize(pkg)


def _check_document_root(pkg: Package) -> None:
    """Require the main part to be a `w:document` holding a `w:body`: every reader starts from there."""
    main = pkg.main_document
    kept = pkg.kept.get(main)  # the tree read_package parsed (left in place for the part's first reader)
    root = kept[1] if kept is not None else parse_part(pkg.part(main), main, pkg.source)
    if root.tag != _DOCUMENT:
        shown = safe_display(str(root.tag).rpartition("}")[2])  # a tag with an undeclared prefix is no QName
        raise DraftingInputError(f"not a Word document (the root element is {shown}, not w:document)",
                                 source=pkg.source, part=main)
    if root.find(_BODY) is None:
        raise DraftingInputError("the document has no body (no w:body in w:document)", source=pkg.source, part=main)
    for child in root:
        if child.tag not in (_BODY, _BACKGROUND) and next(child.iter(*_TEXT), None) is not None:
            shown = safe_display(str(child.tag).rpartition("}")[2])
            raise DraftingInputError(f"text outside w:body (in a {shown}) would not be read",
                                     source=pkg.source, part=main)


def load_python_docx(data: bytes, source: str) -> DocxDocument:
    """Open already-validated package bytes with python-docx, converting its low-level errors.

    Pass the output of `write_package(read_docx(...).parts)`: python-docx writes external targets back on
    save and has no size caps, so it must never see unchecked bytes. The zip-layer scan is repeated here
    (it decompresses nothing) so a caller mistake cannot hand python-docx a bomb.
    """
    import docx  # imported here: reading and writing packages never needs python-docx (~35 ms to import)
    from docx.opc.exceptions import PackageNotFoundError

    handled = (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        PackageNotFoundError,
        etree.XMLSyntaxError,
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        AttributeError,
        NotImplementedError,
        zlib.error,
        EOFError,
        RuntimeError,
        OSError,
    )
    prescan(open_zip(data, source), data, source)
    try:
        return docx.Document(io.BytesIO(data))
    except handled as exc:
        raise DraftingInputError(
            f"python-docx could not open the package ({type(exc).__name__}: {short_text(str(exc))})", source=source
        ) from exc


def _check_macros(parts: Mapping[str, bytes], types: ContentTypes, source: str) -> None:
    """Refuse docm and disguised docm: macro content types and vbaProject/vbaData parts (O4, O5)."""
    for content_type in types.all():
        if any(marker in content_type.lower() for marker in _MACRO_MARKERS):
            raise DraftingInputError(_MACRO_MESSAGE, source=source, part=CONTENT_TYPES)
    for name in parts:
        base = posixpath.basename(name).lower()
        if base.startswith(("vbaproject", "vbadata")):
            raise DraftingInputError(_MACRO_MESSAGE, source=source, part=name)


METADATA_FOLDERS = ("docprops/", "customxml/")
"""Parts that hold metadata only: a damaged one is dropped with a finding (O15), the text is still read."""


def _drop_damaged_metadata(parts: dict[str, bytes], types: ContentTypes, source: str, findings: list[Finding]) -> None:
    """Drop metadata parts (`METADATA_FOLDERS`) that are not well-formed XML, with their relationships.

    A DTD stays fatal wherever it is (X1): only syntax damage is forgiven, never a hostile declaration.
    """
    dropped: set[str] = set()
    for name in list(parts):
        if not name.casefold().startswith(METADATA_FOLDERS) or not _is_xml_part(name, types):
            continue
        try:
            parse_part(parts[name], name, source)
        except DraftingInputError as exc:
            if "DTD" in str(exc):
                raise
            del parts[name]
            dropped.add(name.casefold())
            findings.append(Finding("O15", name, "damaged metadata part dropped (not well-formed XML); "
                                                 "the document's text is read without it"))
    if not dropped:
        return
    for rels_name in [n for n in parts if is_rels_name(n)]:
        owner = source_of_rels(rels_name)
        if owner.casefold() in dropped:
            del parts[rels_name]
            continue
        rels = parse_relationships(parts[rels_name], rels_name, source)
        gone = {rel.id for rel in rels if not rel.external
                and (resolve_part(owner, rel.target) or "").casefold() in dropped}
        if gone:
            drop_relationships(parts, rels_name, owner, gone, source)


def _is_xml_part(name: str, types: ContentTypes) -> bool:
    content_type = types.lookup(name) or ""
    return name.lower().endswith((".xml", ".rels")) or content_type.lower().endswith("xml")


def _check_relationships(parts: dict[str, bytes], source: str, findings: list[Finding]) -> str:
    """Validate every .rels part, drop soft dangling links (O2), return the main document part name."""
    folded = {name.casefold(): name for name in parts}
    graph: dict[str, list[str]] = {}
    count = 0
    for rels_name in [name for name in parts if is_rels_name(name)]:
        source_part = source_of_rels(rels_name)
        rels = parse_relationships(parts[rels_name], rels_name, source)
        count += len(rels)
        if count > MAX_RELATIONSHIPS:
            raise DraftingInputError(
                f"too many relationships (the limit is {MAX_RELATIONSHIPS})", source=source, part=rels_name
            )
        for rel in rels:
            if rel.type.lower().endswith(_MACRO_REL_TYPES):
                raise DraftingInputError(_MACRO_MESSAGE, source=source, part=rels_name)
        drop: set[str] = set()
        targets: list[str] = []
        for rel in rels:
            if rel.external:
                continue
            resolved = resolve_part(source_part, rel.target)
            key = folded.get(resolved.casefold()) if resolved is not None else None
            if key is not None and (key == CONTENT_TYPES or is_rels_name(key)):
                raise DraftingInputError(
                    f"relationship {short_text(rel.id)} targets a package index part", source=source, part=rels_name
                )
            if key is not None:
                targets.append(key)
                continue
            arrow = f"{short_text(rel.id)} → {short_text(resolved or rel.target or repr(rel.target))}"
            if rel.type.endswith("/hyperlink") or rel.target.startswith("#"):
                drop.add(rel.id)
                findings.append(Finding("O2", source_part or rels_name, f"dropped dangling relationship {arrow}"))
                continue
            raise DraftingInputError(f"dangling relationship {arrow}", source=source, part=rels_name)
        if drop:
            drop_relationships(parts, rels_name, source_part, drop, source)
        graph[folded.get(source_part.casefold(), source_part)] = targets
    if ROOT_RELS not in parts:
        raise DraftingInputError("not an OPC package (no _rels/.rels)", source=source)
    mains = [
        rel for rel in parse_relationships(parts[ROOT_RELS], ROOT_RELS, source) if rel.type.endswith("/officeDocument")
    ]
    if len(mains) != 1 or mains[0].external:
        raise DraftingInputError("no single main document relationship (officeDocument)", source=source, part=ROOT_RELS)
    _check_depth(graph, source)
    main = resolve_part("", mains[0].target)
    return folded[main.casefold()] if main is not None else ""


def _check_depth(graph: Mapping[str, list[str]], source: str) -> None:
    """Breadth-first walk from the root with a visited set: cycles end, long chains are refused (O11, O12)."""
    depth = {"": 0}
    frontier = [""]
    while frontier:
        following = []
        for part in frontier:
            for target in graph.get(part, []):
                if target in depth:
                    continue
                depth[target] = depth[part] + 1
                if depth[target] > MAX_REL_DEPTH:
                    raise DraftingInputError(
                        f"relationship chain too deep (more than {MAX_REL_DEPTH} levels)",
                        source=source,
                        part=target,
                    )
                following.append(target)
        frontier = following


