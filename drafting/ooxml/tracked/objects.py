"""Paragraphs holding objects — images, equations, note references — tracked as whole-content replacements.

A word diff sees only text: an image replaced, an equation edited or a footnote added leaves the text as it
was. When a paragraph's objects differ, its old content is deleted and the new paragraph's content inserted
after it, whole: images come with their media parts (copied under fresh names and relationship ids),
equations with their OMML (math runs wrapped in `w:ins`/`w:del`, ECMA-376 §22.1.2.87 allows `m:r` in both),
and a note reference with a copy of its note, inserted in OLD's notes part under a fresh id. Accept All then
gives the new paragraph and Reject All the old one.
"""

from __future__ import annotations

import copy
import hashlib
import posixpath
from dataclasses import dataclass, field

from lxml import etree

from drafting.ooxml.opc.model import Package, find_key, resolve_part, set_part
from drafting.ooxml.parser import parse_xml
from drafting.ooxml.tracked.read import REVISION_CONTAINERS, TRANSPARENT, paragraph_texts, read_body
from drafting.ooxml.tracked.write import RevisionIds
from drafting.ooxml.wml.names import qn, w_el
from drafting.ooxml.wml.stories import note_elements

_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
_M_R, _M_OMATH = f"{{{_M_NS}}}r", f"{{{_M_NS}}}oMath"
_A_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_P, _R, _PPR, _RPR = qn("w:p"), qn("w:r"), qn("w:pPr"), qn("w:rPr")
_T, _DEL_TEXT, _INSTR, _DEL_INSTR = qn("w:t"), qn("w:delText"), qn("w:instrText"), qn("w:delInstrText")
_NOTE_REFS = {qn("w:footnoteReference"): "footnote", qn("w:endnoteReference"): "endnote"}
_IMAGE_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"


@dataclass
class ObjectCopier:
    """Copies NEW's images and notes into OLD's package while paragraphs are replaced.

    `parts` is OLD's part dictionary being written (media parts and relationships are added to it);
    `notes` OLD's parsed notes roots by kind ("footnote", "endnote"), edited in place.
    """

    old: Package
    new: Package
    parts: dict[str, bytes]
    notes: dict[str, etree._Element]
    new_notes: dict[str, etree._Element]
    problems: list[str] = field(default_factory=list)
    _media: dict[str, str] = field(default_factory=dict)  # sha256 -> relationship id in OLD
    _rel_cache: dict[int, dict[str, str | None]] = field(default_factory=dict)

    def signature(self, p: etree._Element, package: Package, notes: dict[str, etree._Element]) -> list[str]:
        """The objects of paragraph `p` in order: images by content, equations by text, notes by text."""
        keys: list[str] = []
        found = list(p.iter(_A_BLIP, _M_OMATH, *_NOTE_REFS))
        if not found:
            return keys
        rels = self._rels(package)
        for el in found:
            if el.tag == _A_BLIP:
                target = rels.get(el.get(f"{{{_R_NS}}}embed", ""))
                key = find_key(package.parts, target) if target else None
                keys.append("image:" + hashlib.sha256(package.parts[key] if key else b"").hexdigest()[:16])
            elif el.tag == _M_OMATH:
                if next(el.iterancestors(_M_OMATH), None) is None:
                    keys.append("equation:" + "".join(t.text or "" for t in el.iter(f"{{{_M_NS}}}t")))
            else:
                kind = _NOTE_REFS[el.tag]
                note = _note(notes.get(kind), kind, el.get(qn("w:id"), ""))
                text = "".join(t.text or "" for t in note.iter(_T)) if note is not None else "?"
                keys.append(f"{kind}:{text}")
        return keys

    def _rels(self, package: Package) -> dict[str, str | None]:
        """The main part's internal relationships of `package` (OLD's or NEW's), parsed once."""
        key = id(package)
        if key not in self._rel_cache:
            main = package.main_document
            self._rel_cache[key] = {rel.id: resolve_part(main, rel.target)
                                    for rel in package.relationships(main) if not rel.external}
        return self._rel_cache[key]

    def replace(self, old_p: etree._Element, new_p: etree._Element, ids: RevisionIds, author: str,
                date: str) -> None:
        """Delete `old_p`'s content and insert `new_p`'s after it, tracked (the paragraph mark stays)."""
        delete_content(old_p, ids, author, date)
        self.insert_content(old_p, new_p, ids, author, date)

    def insert_content(self, target: etree._Element, new_p: etree._Element, ids: RevisionIds, author: str,
                       date: str) -> None:
        """Append a tracked-inserted copy of `new_p`'s content (not its properties) to paragraph `target`."""
        for child in new_p:
            if child.tag == _PPR or not isinstance(child.tag, str):
                continue
            clone = copy.deepcopy(child)
            self._import_objects(clone, ids, author, date)
            for node in [clone, *clone.iterdescendants()]:
                if node.get(qn("w:id")) is not None and node.tag in REVISION_CONTAINERS:
                    node.set(qn("w:id"), ids.next())
            target.append(_inserted(clone, ids, author, date))

    def _import_objects(self, clone: etree._Element, ids: RevisionIds, author: str, date: str) -> None:
        for blip in list(clone.iter(_A_BLIP)):
            rid = blip.get(f"{{{_R_NS}}}embed")
            if rid:
                blip.set(f"{{{_R_NS}}}embed", self._media_id(rid))
        for ref in list(clone.iter(*_NOTE_REFS)):
            kind = _NOTE_REFS[ref.tag]
            note = _note(self.new_notes.get(kind), kind, ref.get(qn("w:id"), ""))
            root = self.notes.get(kind)
            if note is None or root is None:
                self.problems.append(f"a new {kind} cannot be written (the old document has no {kind}s part)")
                continue
            fresh = str(1 + max((int(n.get(qn("w:id"), "0")) for n in root if _is_int(n.get(qn("w:id")))),
                                default=0))
            copied = copy.deepcopy(note)
            copied.set(qn("w:id"), fresh)
            for p in copied.iter(_P):
                for child in [c for c in p if c.tag != _PPR and isinstance(c.tag, str)]:
                    index = p.index(child)
                    marked = _inserted(child, ids, author, date)
                    if marked is not child:
                        p.insert(index, marked)
            root.append(copied)
            ref.set(qn("w:id"), fresh)

    def _media_id(self, new_rid: str) -> str:
        """The relationship id, in OLD's main part, of a copy of NEW's image `new_rid`."""
        main = self.new.main_document
        target = next((resolve_part(main, rel.target) for rel in self.new.relationships(main)
                       if rel.id == new_rid and not rel.external), None)
        key = find_key(self.new.parts, target) if target else None
        if key is None:
            self.problems.append(f"an image of the new version has no part ({new_rid})")
            return new_rid
        blob = self.new.parts[key]
        digest = hashlib.sha256(blob).hexdigest()
        if digest in self._media:
            return self._media[digest]
        extension = posixpath.splitext(key)[1] or ".bin"
        name = f"word/media/redline-{digest[:16]}{extension}"
        content_type = self.new.content_type(key) or "application/octet-stream"
        old_main = self.old.main_document
        set_part(self.parts, name, blob, content_type, rel_from=old_main, rel_type=_IMAGE_TYPE)
        rels_name = posixpath.join(posixpath.dirname(old_main), "_rels", posixpath.basename(old_main) + ".rels")
        rels = parse_xml(self.parts[find_key(self.parts, rels_name) or rels_name], part=rels_name)
        rid = str(next(rel.get("Id", "") for rel in rels if rel.get("Target", "").endswith(posixpath.basename(name))))
        self._media[digest] = rid
        return rid


def delete_content(p: etree._Element, ids: RevisionIds, author: str, date: str) -> None:
    """Mark every run and math run of `p` deleted (text to `w:delText`), leaving its mark alone."""
    for run in list(_content_runs(p)):
        if next(run.iterancestors(qn("w:del"), qn("w:moveFrom")), None) is not None:
            continue
        for child in run.iter(_T, _INSTR):
            if run.tag == _R:
                child.tag = _DEL_TEXT if child.tag == _T else _DEL_INSTR
        wrapper = w_el("del", id=ids.next(), author=author, date=date)
        run.addprevious(wrapper)
        wrapper.append(run)


def _content_runs(p: etree._Element) -> list[etree._Element]:
    out: list[etree._Element] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            if child.tag in (_R, _M_R):
                out.append(child)
            elif child.tag in TRANSPARENT or child.tag in REVISION_CONTAINERS or \
                    (isinstance(child.tag, str) and child.tag.startswith(f"{{{_M_NS}}}")):
                walk(child)

    walk(p)
    return out


def _inserted(el: etree._Element, ids: RevisionIds, author: str, date: str) -> etree._Element:
    """`el` marked inserted: a run or math run wrapped in `w:ins`; in a container, each of its runs."""
    if el.tag in (_R, _M_R):
        wrapper = w_el("ins", id=ids.next(), author=author, date=date)
        wrapper.append(el)
        return wrapper
    for run in _content_runs(el) if el.tag != _P else []:
        if next(run.iterancestors(qn("w:ins")), None) is None:
            wrapper = w_el("ins", id=ids.next(), author=author, date=date)
            run.addprevious(wrapper)
            wrapper.append(run)
    if el.tag == _M_OMATH or el.tag.startswith(f"{{{_M_NS}}}"):
        for run in list(el.iter(_M_R)):
            parent = run.getparent()
            if parent is not None and parent.tag != qn("w:ins"):
                wrapper = w_el("ins", id=ids.next(), author=author, date=date)
                run.addprevious(wrapper)
                wrapper.append(run)
    return el


def _note(root: etree._Element | None, kind: str, note_id: str) -> etree._Element | None:
    if root is None:
        return None
    return next((n for n in root.findall(qn(f"w:{kind}")) if n.get(qn("w:id")) == note_id), None)


def _is_int(value: str | None) -> bool:
    try:
        int(value or "")
    except ValueError:
        return False
    return True


def order_notes(document_root: etree._Element, notes_root: etree._Element, kind: str) -> None:
    """Put the notes of `notes_root` in the order of their first reference in `document_root` (deleted and
    inserted references alike) and number them in that order, separators first and notes nothing refers to
    last, as Word writes them: LibreOffice pairs a reference with the note of its rank, not of its `w:id`."""
    references = list(document_root.iter(qn(f"w:{kind}Reference")))
    first: dict[str, int] = {}
    for n, ref in enumerate(references):
        first.setdefault(ref.get(qn("w:id"), ""), n)
    notes = [el for el in notes_root if el.tag == qn(f"w:{kind}")]
    separators = [el for el in notes if el.get(qn("w:type"), "normal") != "normal"]
    real = [el for el in notes if el.get(qn("w:type"), "normal") == "normal"]
    wanted = sorted(real, key=lambda el: first.get(el.get(qn("w:id"), ""), len(first) + real.index(el)))
    start = 1 + max((int(el.get(qn("w:id"), "0")) for el in separators if _is_int(el.get(qn("w:id")))), default=0)
    renumbered = {el.get(qn("w:id"), ""): str(start + n) for n, el in enumerate(wanted)}
    if wanted == real and all(old == new for old, new in renumbered.items()):
        return
    for el in real:
        notes_root.remove(el)
    for el in wanted:
        el.set(qn("w:id"), renumbered[el.get(qn("w:id"), "")])
        notes_root.append(el)
    for ref in references:
        ref.set(qn("w:id"), renumbered.get(ref.get(qn("w:id"), ""), ref.get(qn("w:id"), "")))


def add_notes_part(parts: dict[str, bytes], main: str, model: etree._Element, kind: str,
                   content_type: str) -> tuple[str, etree._Element]:
    """Add an empty notes part (`kind` "footnote" or "endnote") to `parts`, with its relationship from the
    main part and its content type, keeping `model`'s separators (a notes part without them confuses Word).
    Returns its name and parsed root (the caller serialises the root once notes are added)."""
    root = copy.deepcopy(model)
    for note in list(root):
        if note.get(qn("w:type"), "normal") not in ("separator", "continuationSeparator", "continuationNotice"):
            root.remove(note)
    name = posixpath.join(posixpath.dirname(main), f"{kind}s.xml")
    rel_type = f"http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}s"
    set_part(parts, name, etree.tostring(root), content_type, rel_from=main, rel_type=rel_type)
    return name, root


def notes_in_view(document_root: etree._Element, notes_root: etree._Element | None, kind: str,
                  view: str) -> list[str]:
    """The texts of the notes a reader sees in `view` ("accepted" or "original"), in reference order: a
    reference inside a deletion is gone on accept, one inside an insertion on reject."""
    if notes_root is None:
        return []
    gone = (qn("w:del"), qn("w:moveFrom")) if view == "accepted" else (qn("w:ins"), qn("w:moveTo"))
    notes = dict(note_elements(notes_root, kind))
    out = []
    for ref in document_root.iter(qn(f"w:{kind}Reference")):
        if next(ref.iterancestors(*gone), None) is not None:
            continue
        note = notes.get(ref.get(qn("w:id"), ""))
        out.append("\n".join(paragraph_texts(read_body(note)[0], "accepted" if view == "accepted" else "original"))
                   if note is not None else "")
    return out


def row_of(p: etree._Element) -> etree._Element | None:
    """The table row `p` sits in (the innermost), or None."""
    return next(p.iterancestors(qn("w:tr")), None)


def row_paragraphs(tr: etree._Element) -> list[etree._Element]:
    """The paragraphs of row `tr` itself (not of tables nested in it)."""
    return [p for p in tr.iter(_P) if row_of(p) is tr]


def insert_row_after(anchor_tr: etree._Element, new_tr: etree._Element, copier: ObjectCopier, ids: RevisionIds,
                     author: str, date: str) -> etree._Element:
    """Insert a tracked copy of NEW's row `new_tr` after OLD's row `anchor_tr` (`w:trPr/w:ins`, every run of
    its cells inserted, images and notes copied); return the copy."""
    clone = copy.deepcopy(new_tr)
    for p in row_paragraphs(clone):
        for child in [c for c in p if c.tag != _PPR and isinstance(c.tag, str)]:
            copier._import_objects(child, ids, author, date)
            index = p.index(child)
            marked = _inserted(child, ids, author, date)
            if marked is not child:
                p.insert(index, marked)
    trpr = clone.find(qn("w:trPr"))
    if trpr is None:
        trpr = w_el("trPr")
        position = 1 if len(clone) and clone[0].tag == qn("w:tblPrEx") else 0
        clone.insert(position, trpr)
    for old_mark in [c for c in trpr if c.tag in (qn("w:ins"), qn("w:del"))]:
        trpr.remove(old_mark)
    trpr.append(w_el("ins", id=ids.next(), author=author, date=date))
    anchor_tr.addnext(clone)
    return clone
