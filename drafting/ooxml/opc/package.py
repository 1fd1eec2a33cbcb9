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
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree

from drafting.errors import DraftingInputError, safe_display
from drafting.ooxml.ns import CONTENT_TYPES, CT_NS, PR_NS, W_NS
from drafting.ooxml.parser import parse_xml

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

# -- limits -----------------------------------------------------------------------------------------------

MAX_PACKAGE_BYTES = 64 * 2**20
"""Largest .docx accepted, compressed."""
MAX_ENTRIES = 2000
"""Most zip entries; python-docx documents have ~20, large Word files a few hundred."""
MAX_MEMBER_BYTES = 128 * 2**20
"""Largest declared uncompressed size of one member."""
MAX_TOTAL_BYTES = 512 * 2**20
"""Largest declared uncompressed size of all members together."""
MAX_RATIO = 200
"""Largest compression ratio for a member bigger than `RATIO_FLOOR_BYTES` (Word XML is ~10-40:1)."""
RATIO_FLOOR_BYTES = 2**20
"""Members smaller than this are not ratio-checked: they cannot be bombs."""
MAX_NAME_CHARS = 1000
MAX_RELATIONSHIPS = 20_000
"""Most relationships in all .rels parts together."""
MAX_REL_DEPTH = 32
"""Longest relationship chain from the package root (real documents: 3 or 4)."""
_MAX_CD_BYTES = MAX_ENTRIES * (46 + MAX_NAME_CHARS + 256)

# -- names and namespaces ---------------------------------------------------------------------------------

ROOT_RELS = "_rels/.rels"
WML_DOCUMENT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
RELS_CONTENT_TYPE = "application/vnd.openxmlformats-package.relationships+xml"
_R_NAMESPACES = frozenset(
    {
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://purl.oclc.org/ooxml/officeDocument/relationships",
    }
)
ALLOWED_LINK_SCHEMES = ("http:", "https:", "mailto:")
_MACRO_MARKERS = ("macroenabled", "vbaproject", "vbadata", "keymapcustomizations", "attachedtoolbars")
_MACRO_REL_TYPES = ("/vbaproject", "/wordvbadata", "/keymapcustomizations", "/attachedtoolbars")
_MACRO_MESSAGE = "macro-enabled documents are not accepted"
_CFB_MAGIC = b"\xd0\xcf\x11\xe0"
_DRIVE = re.compile(r"^[A-Za-z]:")


# -- public types -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Finding:
    """Something accepted after stripping or normalising; `code` is the catalogue row (e.g. ``O6``)."""

    code: str
    part: str
    message: str


@dataclass(frozen=True, slots=True)
class Relationship:
    """One ``<Relationship>``; `target` is the raw Target attribute (resolve it with `Package.related_part`)."""

    id: str
    type: str
    target: str
    external: bool


@dataclass(slots=True)
class Package:
    """A validated OPC package held in memory: part name (no leading slash, e.g. 'word/document.xml') -> bytes.

    Nothing is cached: every accessor re-reads `parts`, so an edited `parts` never disagrees with a cache.
    """

    source: str
    parts: dict[str, bytes]
    findings: list[Finding]
    main_document: str

    def _key(self, name: str) -> str | None:
        """The stored name of part `name`, matched ASCII case-insensitively as OPC requires."""
        name = name.lstrip("/")
        if name in self.parts:
            return name
        folded = name.casefold()
        return next((key for key in self.parts if key.casefold() == folded), None)

    def part(self, name: str) -> bytes:
        """The bytes of part `name`; a missing part is an input error, not a `KeyError`."""
        key = self._key(name)
        if key is None:
            raise DraftingInputError("missing part", source=self.source, part=name)
        return self.parts[key]

    def xml(self, name: str) -> etree._Element:
        """Part `name` parsed with the hardened parser (DTDs refused)."""
        return _parse(self.part(name), name, self.source)

    def content_type(self, name: str) -> str | None:
        """The content type of part `name` (Override first, then Default by extension), or None."""
        return _ContentTypes.parse(self.part(CONTENT_TYPES), self.source).lookup(name)

    def relationships(self, part_name: str) -> list[Relationship]:
        """The relationships whose source is `part_name` ('' = package root); [] when it has no .rels part."""
        key = self._key(_rels_name_for(part_name))
        if key is None:
            return []
        return _parse_relationships(self.parts[key], key, self.source)

    def related_part(self, part_name: str, rel_type_suffix: str) -> str | None:
        """Name of the first internal part related to `part_name` by a type ending in `rel_type_suffix`."""
        suffix = rel_type_suffix if rel_type_suffix.startswith("/") else "/" + rel_type_suffix
        for rel in self.relationships(part_name):
            if rel.external or not rel.type.endswith(suffix):
                continue
            target = _resolve(part_name, rel.target)
            if target is not None and (key := self._key(target)) is not None:
                return key
        return None


# -- reading ----------------------------------------------------------------------------------------------


def read_package(data: bytes, source: str) -> Package:
    """Validate `data` as an OPC package and return its parts; every failure is a `DraftingInputError`.

    All zip-layer checks run on the central directory before anything is decompressed (bombs, Z7-Z9).
    """
    zf = _open_zip(data, source)
    infos = _prescan(zf, data, source)
    parts: dict[str, bytes] = {}
    for info in infos:
        parts[info.filename] = _read_member(zf, info, source)
    if CONTENT_TYPES not in parts:
        raise DraftingInputError("not an OPC package (no [Content_Types].xml)", source=source)
    content_types = _ContentTypes.parse(parts[CONTENT_TYPES], source)
    _check_macros(parts, content_types, source)
    for name, blob in parts.items():
        if name != CONTENT_TYPES and content_types.lookup(name) is None:
            ext = _extension(name) or "(none)"
            raise DraftingInputError(
                f"part has no content type (no Default for extension '{ext}' and no Override)",
                source=source,
                part=name,
            )
        if _is_xml_part(name, content_types):
            _parse(blob, name, source)
    findings: list[Finding] = []
    main = _check_relationships(parts, source, findings)
    return Package(source=source, parts=parts, findings=findings, main_document=main)


def read_docx(data: bytes, source: str) -> Package:
    """`read_package`, then require a (macro-free) WordprocessingML document and `sanitize` it."""
    pkg = read_package(data, source)
    content_type = pkg.content_type(pkg.main_document)
    if content_type != WML_DOCUMENT_MAIN:
        shown = safe_display(content_type or "none")
        raise DraftingInputError(
            f"not a Word document (main part content type is {shown})", source=source, part=pkg.main_document
        )
    return sanitize(pkg)


def sanitize(pkg: Package) -> Package:
    """Return a copy of `pkg` with every external reference stripped (findings O6-O9) and altChunk refused.

    Only ``http``/``https``/``mailto`` hyperlinks stay external. Elements that used a stripped relationship
    lose it: hyperlinks are unwrapped (text kept), ``r:link`` is removed from ``a:blip``, and any other
    element (``w:attachedTemplate``, ``o:OLEObject``, ``a:hlinkClick`` …) is removed.
    """
    parts = dict(pkg.parts)
    findings = list(pkg.findings)
    for rels_name in [name for name in parts if _is_rels_name(name)]:
        source_part = _source_of_rels(rels_name)
        drop: dict[str, str] = {}
        for rel in _parse_relationships(parts[rels_name], rels_name, pkg.source):
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
            _drop_relationships(parts, rels_name, source_part, set(drop), pkg.source)
    for name, blob in parts.items():
        if name.lower().endswith(".xml") and _mentions(blob, "altChunk"):
            root = _parse(blob, name, pkg.source)
            if next(root.iter(f"{{{W_NS}}}altChunk"), None) is not None:
                raise _altchunk_error(pkg.source, name)
    return Package(source=pkg.source, parts=parts, findings=findings, main_document=pkg.main_document)


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
    _prescan(_open_zip(data, source), data, source)
    try:
        return docx.Document(io.BytesIO(data))
    except handled as exc:
        raise DraftingInputError(
            f"python-docx could not open the package ({type(exc).__name__}: {_short(str(exc))})", source=source
        ) from exc


# -- writing ----------------------------------------------------------------------------------------------


def set_part(
    parts: dict[str, bytes],
    name: str,
    data: bytes,
    content_type: str,
    rel_from: str = "",
    rel_type: str | None = None,
) -> None:
    """Add or replace part `name`, keeping ``[Content_Types].xml`` and (with `rel_type`) the .rels in step.

    Used to add parts such as ``docProps/custom.xml``: an Override is written for `name`, and when
    `rel_type` is given a relationship from `rel_from` ('' = package root) is added unless one of that
    type already points at `name`.
    """
    name = name.lstrip("/")
    if CONTENT_TYPES not in parts:
        raise ValueError("set_part needs a [Content_Types].xml part")
    existing = _find_key(parts, name)
    parts[existing or name] = data
    types = parse_xml(parts[CONTENT_TYPES], part=CONTENT_TYPES)
    part_name = "/" + (existing or name)
    for override in types.findall(f"{{{CT_NS}}}Override"):
        if override.get("PartName", "").casefold() == part_name.casefold():
            override.set("ContentType", content_type)
            break
    else:
        etree.SubElement(types, f"{{{CT_NS}}}Override", PartName=part_name, ContentType=content_type)
    if rel_type is not None:
        defaults = {d.get("Extension", "").lower() for d in types.findall(f"{{{CT_NS}}}Default")}
        if "rels" not in defaults:
            default = etree.Element(f"{{{CT_NS}}}Default", Extension="rels", ContentType=RELS_CONTENT_TYPE)
            types.insert(0, default)
        _add_relationship(parts, rel_from, existing or name, rel_type)
    parts[CONTENT_TYPES] = _serialize(types)


def _add_relationship(parts: dict[str, bytes], rel_from: str, target_part: str, rel_type: str) -> None:
    """Append a relationship `rel_from` -> `target_part` of `rel_type` unless an identical one exists."""
    rels_name = _find_key(parts, _rels_name_for(rel_from)) or _rels_name_for(rel_from)
    if rels_name in parts:
        root = parse_xml(parts[rels_name], part=rels_name)
    else:
        root = etree.Element(f"{{{PR_NS}}}Relationships", nsmap={None: PR_NS})
    ids = set()
    for rel in root.findall(f"{{{PR_NS}}}Relationship"):
        ids.add(rel.get("Id", ""))
        if rel.get("TargetMode") == "External" or rel.get("Type") != rel_type:
            continue
        resolved = _resolve(rel_from, rel.get("Target", ""))
        if resolved is not None and resolved.casefold() == target_part.casefold():
            return
    number = 1
    while f"rId{number}" in ids:
        number += 1
    base = posixpath.dirname("/" + rel_from) if rel_from else "/"
    target = posixpath.relpath("/" + target_part, base)
    etree.SubElement(root, f"{{{PR_NS}}}Relationship", Id=f"rId{number}", Type=rel_type, Target=target)
    parts[rels_name] = _serialize(root)


# -- zip layer --------------------------------------------------------------------------------------------

_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    ValueError,
    struct.error,
    NotImplementedError,
    RuntimeError,
    KeyError,
    IndexError,
    OverflowError,
    TypeError,
    zlib.error,
)


def _open_zip(data: bytes, source: str) -> zipfile.ZipFile:
    """Size cap, magic check and the central directory; no member is decompressed."""
    if len(data) > MAX_PACKAGE_BYTES:
        raise DraftingInputError(f"file too large ({len(data)} bytes; the limit is {MAX_PACKAGE_BYTES})", source=source)
    if data.startswith(_CFB_MAGIC):
        raise DraftingInputError("encrypted or legacy .doc file; save it as .docx", source=source)
    if not data.startswith(b"PK\x03\x04"):
        raise DraftingInputError("not a .docx package", source=source)
    _check_end_record(data, source)
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as exc:
        raise DraftingInputError(
            f"not a .docx package (unreadable zip directory: {_short(str(exc))})", source=source
        ) from exc


def _check_end_record(data: bytes, source: str) -> None:
    """Entry count and directory size from the end record, so a 100,000-entry zip is never even listed."""
    pos = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if pos < 0 or pos + 22 > len(data):
        raise DraftingInputError("not a .docx package (no zip end record; truncated?)", source=source)
    _sig, _disk, _cd_disk, _n_disk, entries, cd_size, _cd_off, _comment = struct.unpack(
        "<4s4H2LH", data[pos : pos + 22]
    )
    locator = data[pos - 20 : pos] if pos >= 20 else b""
    if locator.startswith(b"PK\x06\x07"):
        (offset,) = struct.unpack("<Q", locator[8:16])
        record = data[offset : offset + 56]
        if len(record) == 56 and record.startswith(b"PK\x06\x06"):
            entries, cd_size = struct.unpack("<QQ", record[32:48])
    if entries > MAX_ENTRIES:
        raise DraftingInputError(f"too many zip entries ({entries}; the limit is {MAX_ENTRIES})", source=source)
    if cd_size > _MAX_CD_BYTES:
        raise DraftingInputError(f"zip directory too large ({cd_size} bytes)", source=source)


def _prescan(zf: zipfile.ZipFile, data: bytes, source: str) -> list[zipfile.ZipInfo]:
    """Check every entry from the central directory; return the entries that are parts (not directories)."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise DraftingInputError(f"too many zip entries ({len(infos)}; the limit is {MAX_ENTRIES})", source=source)
    raw_names = _central_names(data, zf.start_dir, len(infos), source)
    seen: dict[str, str] = {}
    parts: list[zipfile.ZipInfo] = []
    total = 0
    for info, raw in zip(infos, raw_names, strict=True):
        name = info.filename
        _check_name(name, raw, source)
        shown = _shown(name)
        is_dir = name.endswith("/")
        if is_dir and info.file_size:
            raise DraftingInputError("directory entry with data", source=source, part=shown)
        folded = name.casefold()
        if folded in seen:
            what = "duplicate member name" if seen[folded] == name else "member names differ only in case"
            raise DraftingInputError(what, source=source, part=shown)
        seen[folded] = name
        if stat.S_ISLNK(info.external_attr >> 16):
            raise DraftingInputError("symbolic link entry", source=source, part=shown)
        if info.flag_bits & 0x41:
            raise DraftingInputError("encrypted member", source=source, part=shown)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise DraftingInputError(f"unsupported compression method {info.compress_type}", source=source, part=shown)
        if info.file_size > MAX_MEMBER_BYTES:
            raise DraftingInputError(
                f"member too large ({info.file_size} bytes declared; the limit is {MAX_MEMBER_BYTES})",
                source=source,
                part=shown,
            )
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise DraftingInputError(
                f"compression ratio {ratio}:1 is too high (possible zip bomb)", source=source, part=shown
            )
        total += info.file_size
        if not is_dir:
            parts.append(info)
    if total > MAX_TOTAL_BYTES:
        raise DraftingInputError(
            f"package too large when uncompressed ({total} bytes declared; the limit is {MAX_TOTAL_BYTES})",
            source=source,
        )
    folded_names = {info.filename.casefold() for info in parts}
    for info in parts:
        segments = info.filename.split("/")
        for i in range(1, len(segments)):
            prefix = "/".join(segments[:i]).casefold()
            if prefix in folded_names:
                raise DraftingInputError(
                    "part name is a prefix segment of another part name", source=source, part=_shown(prefix)
                )
    _check_overlaps(infos, raw_names, data, zf.start_dir, source)
    return parts


def _central_names(data: bytes, start: int, count: int, source: str) -> list[bytes]:
    """Raw member names from the central directory: zipfile cuts names at NUL, so look at the bytes."""
    names = []
    pos = start
    for _ in range(count):
        header = data[pos : pos + 46]
        if len(header) < 46 or not header.startswith(b"PK\x01\x02"):
            raise DraftingInputError("not a .docx package (corrupt zip directory)", source=source)
        n, m, k = struct.unpack("<HHH", header[28:34])
        names.append(data[pos + 46 : pos + 46 + n])
        pos += 46 + n + m + k
    return names


def _check_name(name: str, raw: bytes, source: str) -> None:
    """Refuse names that could escape a directory or confuse a reader (Z12)."""
    if any(b < 0x20 or b == 0x7F for b in raw):
        shown_raw = _shown(raw.decode("utf-8", "replace"))
        raise DraftingInputError("control character in member name", source=source, part=shown_raw)
    shown = _shown(name)
    if len(name) > MAX_NAME_CHARS:
        raise DraftingInputError(f"member name too long ({len(name)} characters)", source=source, part=shown[:80] + "…")
    if "\\" in name:
        raise DraftingInputError("backslash in member name", source=source, part=shown)
    if name.startswith("/"):
        raise DraftingInputError("absolute member name", source=source, part=shown)
    if _DRIVE.match(name):
        raise DraftingInputError("drive letter in member name", source=source, part=shown)
    segments = name[:-1].split("/") if name.endswith("/") else name.split("/")
    if any(seg in ("", ".", "..") for seg in segments):
        raise DraftingInputError("'..', '.' or empty segment in member name", source=source, part=shown)


def _check_overlaps(
    infos: list[zipfile.ZipInfo], raw_names: list[bytes], data: bytes, cd_start: int, source: str
) -> None:
    """Each entry's local header and data must end before the next entry starts (Fifield bombs, Z9).

    CPython 3.11.7 lacks this check (gh-109858), so it is done here for every Python.
    """
    order = sorted(range(len(infos)), key=lambda i: (infos[i].header_offset, i))
    spans = []
    for i in order:
        info = infos[i]
        offset = info.header_offset
        header = data[offset : offset + 30]
        if len(header) < 30 or not header.startswith(b"PK\x03\x04"):
            raise DraftingInputError("corrupt member (bad local header)", source=source, part=_shown(info.filename))
        n, m = struct.unpack("<HH", header[26:30])
        spans.append((offset, offset + 30 + n + m + info.compress_size, i, n))
    for (_start, end, i, _n), following in zip(spans, [*spans[1:], None], strict=True):
        limit = following[0] if following is not None else cd_start
        if end > limit:
            raise DraftingInputError(
                "overlapping zip entries (possible zip bomb)", source=source, part=_shown(infos[i].filename)
            )
    for start, _end, i, n in spans:
        if data[start + 30 : start + 30 + n] != raw_names[i]:
            raise DraftingInputError(
                "local header name differs from the zip directory", source=source, part=_shown(infos[i].filename)
            )


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, source: str) -> bytes:
    """Decompress one member, never beyond its declared size (Z8), wrapping every decoder error."""
    try:
        with zf.open(info) as handle:
            blob = handle.read(info.file_size + 1)
    except zipfile.BadZipFile as exc:
        reason = "bad CRC-32" if "CRC" in str(exc) else _short(str(exc))
        raise DraftingInputError(f"corrupt member ({reason})", source=source, part=info.filename) from exc
    except zlib.error as exc:
        raise DraftingInputError("corrupt member (invalid deflate data)", source=source, part=info.filename) from exc
    except EOFError as exc:
        raise DraftingInputError("corrupt member (data ends early)", source=source, part=info.filename) from exc
    except _ZIP_ERRORS as exc:
        raise DraftingInputError(f"corrupt member ({_short(str(exc))})", source=source, part=info.filename) from exc
    if len(blob) != info.file_size:
        raise DraftingInputError(
            "corrupt member (size differs from the zip directory)", source=source, part=info.filename
        )
    return blob


# -- content types ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ContentTypes:
    """``[Content_Types].xml``: Defaults by lower-case extension, Overrides by case-folded part name."""

    defaults: dict[str, str]
    overrides: dict[str, str]

    @classmethod
    def parse(cls, blob: bytes, source: str) -> _ContentTypes:
        root = _parse(blob, CONTENT_TYPES, source)
        if root.tag != f"{{{CT_NS}}}Types":
            raise DraftingInputError("not an OPC package (bad content types root)", source=source, part=CONTENT_TYPES)
        defaults: dict[str, str] = {}
        overrides: dict[str, str] = {}
        for child in root:
            extension, part_name, content_type = child.get("Extension"), child.get("PartName"), child.get("ContentType")
            if child.tag == f"{{{CT_NS}}}Default" and extension and content_type:
                defaults[extension.lower()] = content_type
            elif child.tag == f"{{{CT_NS}}}Override" and part_name and content_type:
                overrides[part_name.lstrip("/").casefold()] = content_type
            elif isinstance(child.tag, str):
                raise DraftingInputError("malformed [Content_Types].xml entry", source=source, part=CONTENT_TYPES)
        return cls(defaults, overrides)

    def lookup(self, name: str) -> str | None:
        name = name.lstrip("/")
        if (found := self.overrides.get(name.casefold())) is not None:
            return found
        ext = _extension(name)
        return self.defaults.get(ext) if ext else None

    def all(self) -> list[str]:
        return [*self.defaults.values(), *self.overrides.values()]


def _check_macros(parts: Mapping[str, bytes], types: _ContentTypes, source: str) -> None:
    """Refuse docm and disguised docm: macro content types and vbaProject/vbaData parts (O4, O5)."""
    for content_type in types.all():
        if any(marker in content_type.lower() for marker in _MACRO_MARKERS):
            raise DraftingInputError(_MACRO_MESSAGE, source=source, part=CONTENT_TYPES)
    for name in parts:
        base = posixpath.basename(name).lower()
        if base.startswith(("vbaproject", "vbadata")):
            raise DraftingInputError(_MACRO_MESSAGE, source=source, part=name)


def _is_xml_part(name: str, types: _ContentTypes) -> bool:
    content_type = types.lookup(name) or ""
    return name.lower().endswith((".xml", ".rels")) or content_type.lower().endswith("xml")


# -- relationships ----------------------------------------------------------------------------------------


def _is_rels_name(name: str) -> bool:
    return name.lower().endswith(".rels") and posixpath.basename(posixpath.dirname(name)).lower() == "_rels"


def _rels_name_for(part_name: str) -> str:
    """'word/document.xml' -> 'word/_rels/document.xml.rels'; '' (the package) -> '_rels/.rels'."""
    part_name = part_name.lstrip("/")
    if not part_name:
        return ROOT_RELS
    directory, base = posixpath.split(part_name)
    return posixpath.join(directory, "_rels", base + ".rels")


def _source_of_rels(rels_name: str) -> str:
    """'word/_rels/document.xml.rels' -> 'word/document.xml'; '_rels/.rels' -> ''."""
    directory, base = posixpath.split(rels_name)
    return posixpath.join(posixpath.dirname(directory), base[: -len(".rels")]).lstrip("/")


def resolve_target(source_part: str, target: str) -> str | None:
    """The part name a relationship `target` of `source_part` points at, or None when it leaves the package."""
    return _resolve(source_part, target)


def _resolve(source_part: str, target: str) -> str | None:
    """Resolve an internal Target against its source part; always lands inside the package (O13).

    The fragment is dropped; a fragment-only or empty target has no part and gives None.
    """
    path = target.split("#", 1)[0]
    if not path:
        return None
    base = posixpath.dirname("/" + source_part.lstrip("/"))
    joined = path if path.startswith("/") else posixpath.join(base, path)
    resolved = posixpath.normpath("/" + joined.lstrip("/")).lstrip("/")
    return resolved or None


def _parse_relationships(blob: bytes, rels_name: str, source: str) -> list[Relationship]:
    """The relationships of one .rels part; missing attributes and duplicate ids are input errors."""
    root = _parse(blob, rels_name, source)
    if root.tag != f"{{{PR_NS}}}Relationships":
        raise DraftingInputError("not a relationships part", source=source, part=rels_name)
    rels: list[Relationship] = []
    ids: set[str] = set()
    for child in root:
        if child.tag != f"{{{PR_NS}}}Relationship":
            continue
        rid, rtype, target, mode = (child.get(a) for a in ("Id", "Type", "Target", "TargetMode"))
        if not rid or not rtype or target is None:
            raise DraftingInputError("relationship without Id, Type or Target", source=source, part=rels_name)
        if rid in ids:
            raise DraftingInputError(f"duplicate relationship id {_short(rid)}", source=source, part=rels_name)
        if mode not in (None, "Internal", "External"):
            raise DraftingInputError(f"bad TargetMode on {_short(rid)}", source=source, part=rels_name)
        ids.add(rid)
        rels.append(Relationship(rid, rtype, target, mode == "External"))
    return rels


def _check_relationships(parts: dict[str, bytes], source: str, findings: list[Finding]) -> str:
    """Validate every .rels part, drop soft dangling links (O2), return the main document part name."""
    folded = {name.casefold(): name for name in parts}
    graph: dict[str, list[str]] = {}
    count = 0
    for rels_name in [name for name in parts if _is_rels_name(name)]:
        source_part = _source_of_rels(rels_name)
        rels = _parse_relationships(parts[rels_name], rels_name, source)
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
            resolved = _resolve(source_part, rel.target)
            key = folded.get(resolved.casefold()) if resolved is not None else None
            if key is not None and (key == CONTENT_TYPES or _is_rels_name(key)):
                raise DraftingInputError(
                    f"relationship {_short(rel.id)} targets a package index part", source=source, part=rels_name
                )
            if key is not None:
                targets.append(key)
                continue
            arrow = f"{_short(rel.id)} → {_short(resolved or rel.target or repr(rel.target))}"
            if rel.type.endswith("/hyperlink") or rel.target.startswith("#"):
                drop.add(rel.id)
                findings.append(Finding("O2", source_part or rels_name, f"dropped dangling relationship {arrow}"))
                continue
            raise DraftingInputError(f"dangling relationship {arrow}", source=source, part=rels_name)
        if drop:
            _drop_relationships(parts, rels_name, source_part, drop, source)
        graph[folded.get(source_part.casefold(), source_part)] = targets
    if ROOT_RELS not in parts:
        raise DraftingInputError("not an OPC package (no _rels/.rels)", source=source)
    mains = [
        rel for rel in _parse_relationships(parts[ROOT_RELS], ROOT_RELS, source) if rel.type.endswith("/officeDocument")
    ]
    if len(mains) != 1 or mains[0].external:
        raise DraftingInputError("no single main document relationship (officeDocument)", source=source, part=ROOT_RELS)
    _check_depth(graph, source)
    main = _resolve("", mains[0].target)
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


def _drop_relationships(parts: dict[str, bytes], rels_name: str, source_part: str, ids: set[str], source: str) -> None:
    """Remove relationships `ids` from `rels_name` and neutralise their uses in `source_part`."""
    root = _parse(parts[rels_name], rels_name, source)
    for child in list(root):
        if child.tag == f"{{{PR_NS}}}Relationship" and child.get("Id") in ids:
            root.remove(child)
    parts[rels_name] = _serialize(root)
    if source_part in parts and source_part.lower().endswith(".xml"):
        part_root = _parse(parts[source_part], source_part, source)
        if _unreference(part_root, ids):
            parts[source_part] = _serialize(part_root)


def _unreference(root: etree._Element, ids: set[str]) -> bool:
    """Remove uses of relationship `ids`: unwrap hyperlinks, drop ``r:link``, remove other elements."""
    changed = False
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        for attr, value in list(element.attrib.items()):
            if value not in ids or etree.QName(attr).namespace not in _R_NAMESPACES:
                continue
            changed = True
            if element.tag == f"{{{W_NS}}}hyperlink":
                _unwrap(element)
            elif etree.QName(attr).localname == "link":
                del element.attrib[attr]
                continue
            else:
                _remove(element)
            break
    return changed


def _unwrap(element: etree._Element) -> None:
    """Replace `element` by its children (a hyperlink keeps its runs and text, loses the link)."""
    parent = element.getparent()
    if parent is None:
        return
    index = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    _remove(element)


def _remove(element: etree._Element) -> None:
    """Remove `element`, keeping its tail text in place."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


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
    return "O7", f"removed external {_short(kind)} relationship ({scheme}) {rel.id}"


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


# -- helpers ----------------------------------------------------------------------------------------------


def _parse(blob: bytes, part: str, source: str) -> etree._Element:
    """`parse_xml`, plus a check of the parsed tree for a DTD (a BOM-less UTF-16 DOCTYPE evades the byte scan)."""
    root = parse_xml(blob, part=part, source=source)
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise DraftingInputError("DTD or entity declarations are not allowed", source=source, part=part)
    return root


def _mentions(blob: bytes, word: str) -> bool:
    """Cheap pre-filter before parsing: does `word` occur in `blob` as UTF-8 or UTF-16?"""
    return any(word.encode(codec) in blob for codec in ("utf-8", "utf-16-le", "utf-16-be"))


def _serialize(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _extension(name: str) -> str:
    """Lower-case extension as OPC Defaults use it; '_rels/.rels' -> 'rels' (posixpath.splitext says '')."""
    base = posixpath.basename(name)
    return base.rpartition(".")[2].lower() if "." in base else ""


def _find_key(parts: Mapping[str, bytes], name: str) -> str | None:
    folded = name.casefold()
    return next((key for key in parts if key.casefold() == folded), None)


def _shown(name: str) -> str:
    """A member name safe to print on one line (control characters made visible, length bounded)."""
    shown = safe_display(name)
    return shown if len(shown) <= 200 else shown[:200] + "…"


def _short(text: str) -> str:
    shown = safe_display(text)
    return shown if len(shown) <= 120 else shown[:120] + "…"
