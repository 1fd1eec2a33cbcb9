"""The OPC model: a validated package held in memory, its content types and relationships, and the edits
that keep `[Content_Types].xml` and the .rels parts in step (adding a part, dropping relationships)."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from drafting.errors import DraftingInputError, safe_display
from drafting.ooxml.ns import CONTENT_TYPES, CT_NS, PR_NS, W_NS
from drafting.ooxml.parser import parse_xml

# -- names and namespaces ---------------------------------------------------------------------------------

ROOT_RELS = "_rels/.rels"
WML_DOCUMENT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
RELS_CONTENT_TYPE = "application/vnd.openxmlformats-package.relationships+xml"
R_NAMESPACES = frozenset(
    {
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://purl.oclc.org/ooxml/officeDocument/relationships",
    }
)

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
    The one exception is `kept`: the tree `read_package` parsed to validate a part (the main document), handed
    to the first `xml` call for that part if its bytes are still the same object, and to no other caller.
    """

    source: str
    parts: dict[str, bytes]
    findings: list[Finding]
    main_document: str
    kept: dict[str, tuple[bytes, etree._Element]] = field(default_factory=dict, repr=False, compare=False)

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
        """Part `name` parsed with the hardened parser (DTDs refused): a tree of its own for each call."""
        blob = self.part(name)
        if self.kept:
            kept = self.kept.pop(self._key(name) or "", None)
            if kept is not None and kept[0] is blob:  # parsed when the package was read, never handed out
                return kept[1]
        return parse_part(blob, name, self.source)

    def content_type(self, name: str) -> str | None:
        """The content type of part `name` (Override first, then Default by extension), or None."""
        return ContentTypes.parse(self.part(CONTENT_TYPES), self.source).lookup(name)

    def relationships(self, part_name: str) -> list[Relationship]:
        """The relationships whose source is `part_name` ('' = package root); [] when it has no .rels part."""
        key = self._key(rels_name_for(part_name))
        if key is None:
            return []
        return parse_relationships(self.parts[key], key, self.source)

    def related_part(self, part_name: str, rel_type_suffix: str) -> str | None:
        """Name of the first internal part related to `part_name` by a type ending in `rel_type_suffix`."""
        suffix = rel_type_suffix if rel_type_suffix.startswith("/") else "/" + rel_type_suffix
        for rel in self.relationships(part_name):
            if rel.external or not rel.type.endswith(suffix):
                continue
            target = resolve_part(part_name, rel.target)
            if target is not None and (key := self._key(target)) is not None:
                return key
        return None


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
    existing = find_key(parts, name)
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
    parts[CONTENT_TYPES] = serialize_part(types)


def _add_relationship(parts: dict[str, bytes], rel_from: str, target_part: str, rel_type: str) -> None:
    """Append a relationship `rel_from` -> `target_part` of `rel_type` unless an identical one exists."""
    rels_name = find_key(parts, rels_name_for(rel_from)) or rels_name_for(rel_from)
    if rels_name in parts:
        root = parse_xml(parts[rels_name], part=rels_name)
    else:
        root = etree.Element(f"{{{PR_NS}}}Relationships", nsmap={None: PR_NS})
    ids = set()
    for rel in root.findall(f"{{{PR_NS}}}Relationship"):
        ids.add(rel.get("Id", ""))
        if rel.get("TargetMode") == "External" or rel.get("Type") != rel_type:
            continue
        resolved = resolve_part(rel_from, rel.get("Target", ""))
        if resolved is not None and resolved.casefold() == target_part.casefold():
            return
    number = 1
    while f"rId{number}" in ids:
        number += 1
    base = posixpath.dirname("/" + rel_from) if rel_from else "/"
    target = posixpath.relpath("/" + target_part, base)
    etree.SubElement(root, f"{{{PR_NS}}}Relationship", Id=f"rId{number}", Type=rel_type, Target=target)
    parts[rels_name] = serialize_part(root)


# -- content types ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContentTypes:
    """``[Content_Types].xml``: Defaults by lower-case extension, Overrides by case-folded part name."""

    defaults: dict[str, str]
    overrides: dict[str, str]

    @classmethod
    def parse(cls, blob: bytes, source: str) -> ContentTypes:
        root = parse_part(blob, CONTENT_TYPES, source)
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
        ext = extension_of(name)
        return self.defaults.get(ext) if ext else None

    def all(self) -> list[str]:
        return [*self.defaults.values(), *self.overrides.values()]


# -- relationships ----------------------------------------------------------------------------------------


def is_rels_name(name: str) -> bool:
    return name.lower().endswith(".rels") and posixpath.basename(posixpath.dirname(name)).lower() == "_rels"


def rels_name_for(part_name: str) -> str:
    """'word/document.xml' -> 'word/_rels/document.xml.rels'; '' (the package) -> '_rels/.rels'."""
    part_name = part_name.lstrip("/")
    if not part_name:
        return ROOT_RELS
    directory, base = posixpath.split(part_name)
    return posixpath.join(directory, "_rels", base + ".rels")


def source_of_rels(rels_name: str) -> str:
    """'word/_rels/document.xml.rels' -> 'word/document.xml'; '_rels/.rels' -> ''."""
    directory, base = posixpath.split(rels_name)
    return posixpath.join(posixpath.dirname(directory), base[: -len(".rels")]).lstrip("/")


def resolve_target(source_part: str, target: str) -> str | None:
    """The part name a relationship `target` of `source_part` points at, or None when it leaves the package."""
    return resolve_part(source_part, target)


def resolve_part(source_part: str, target: str) -> str | None:
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


def parse_relationships(blob: bytes, rels_name: str, source: str) -> list[Relationship]:
    """The relationships of one .rels part; missing attributes and duplicate ids are input errors."""
    root = parse_part(blob, rels_name, source)
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
            raise DraftingInputError(f"duplicate relationship id {short_text(rid)}", source=source, part=rels_name)
        if mode not in (None, "Internal", "External"):
            raise DraftingInputError(f"bad TargetMode on {short_text(rid)}", source=source, part=rels_name)
        ids.add(rid)
        rels.append(Relationship(rid, rtype, target, mode == "External"))
    return rels


def drop_relationships(parts: dict[str, bytes], rels_name: str, source_part: str, ids: set[str], source: str) -> None:
    """Remove relationships `ids` from `rels_name` and neutralise their uses in `source_part`."""
    root = parse_part(parts[rels_name], rels_name, source)
    for child in list(root):
        if child.tag == f"{{{PR_NS}}}Relationship" and child.get("Id") in ids:
            root.remove(child)
    parts[rels_name] = serialize_part(root)
    if source_part in parts and source_part.lower().endswith(".xml"):
        part_root = parse_part(parts[source_part], source_part, source)
        if _unreference(part_root, ids):
            parts[source_part] = serialize_part(part_root)


def _unreference(root: etree._Element, ids: set[str]) -> bool:
    """Remove uses of relationship `ids`: unwrap hyperlinks, drop ``r:link``, remove other elements."""
    changed = False
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        for attr, value in list(element.attrib.items()):
            if value not in ids or etree.QName(attr).namespace not in R_NAMESPACES:
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


# -- helpers ----------------------------------------------------------------------------------------------


def parse_part(blob: bytes, part: str, source: str) -> etree._Element:
    """`parse_xml`, plus a check of the parsed tree for a DTD (a BOM-less UTF-16 DOCTYPE evades the byte scan)."""
    root = parse_xml(blob, part=part, source=source)
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise DraftingInputError("DTD or entity declarations are not allowed", source=source, part=part)
    return root


def mentions(blob: bytes, word: str) -> bool:
    """Cheap pre-filter before parsing: does `word` occur in `blob` as UTF-8 or UTF-16?"""
    return any(word.encode(codec) in blob for codec in ("utf-8", "utf-16-le", "utf-16-be"))


def serialize_part(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def extension_of(name: str) -> str:
    """Lower-case extension as OPC Defaults use it; '_rels/.rels' -> 'rels' (posixpath.splitext says '')."""
    base = posixpath.basename(name)
    return base.rpartition(".")[2].lower() if "." in base else ""


def find_key(parts: Mapping[str, bytes], name: str) -> str | None:
    folded = name.casefold()
    return next((key for key in parts if key.casefold() == folded), None)


def short_text(text: str) -> str:
    shown = safe_display(text)
    return shown if len(shown) <= 120 else shown[:120] + "…"
