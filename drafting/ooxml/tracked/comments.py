"""Writing Word comments: each anchored to the whole of one paragraph, with its author and date.

`comment_parts` adds the range markers and reference runs to the document and returns the parts to write
with it (word/comments.xml, the main part's relationships, the content types), for `tracked_package`'s
`other_parts`. Comment ids come from the document's id space (`RevisionIds`), so none collides with a
bookmark or a revision.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from drafting.ooxml.ns import CONTENT_TYPES, CT_NS, PR_NS, R_NS, W_NS
from drafting.ooxml.opc.package import Package
from drafting.ooxml.tracked.write import RevisionIds
from drafting.ooxml.wml.names import qn

_P, _R, _T, _PPR = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:pPr")
_RANGE_START, _RANGE_END, _REFERENCE = qn("w:commentRangeStart"), qn("w:commentRangeEnd"), qn("w:commentReference")
_COMMENT, _ID, _AUTHOR, _DATE, _INITIALS = (qn("w:comment"), qn("w:id"), qn("w:author"), qn("w:date"),
                                            qn("w:initials"))
_SPACE = qn("xml:space")

COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
COMMENTS_REL = R_NS + "/comments"


@dataclass(frozen=True)
class NewComment:
    """A comment to write on the whole of `paragraph` (a `w:p` of the document being written)."""

    paragraph: etree._Element
    author: str
    date: str
    text: str


def _initials(author: str) -> str:
    return "".join(word[0] for word in author.split() if word[:1].isalnum())[:8] or "?"


def comment_parts(package: Package, root: etree._Element, comments: Sequence[NewComment],
                  ids: RevisionIds) -> dict[str, etree._Element]:
    """Anchor `comments` in `root` (the main document) and return the parts to write: comments, the main
    part's relationships and the content types, by part name. Nothing to write when there are none."""
    if not comments:
        return {}
    main = package.main_document
    existing = package.related_part(main, "comments")
    name = existing or posixpath.join(posixpath.dirname(main), "comments.xml")
    comments_root = package.xml(existing) if existing else etree.Element(qn("w:comments"), nsmap={"w": W_NS})
    for comment in comments:
        cid = ids.next()
        p = comment.paragraph
        # every element made inside its parent (the namespace found there, none declared on it)
        start = etree.SubElement(p, _RANGE_START)
        start.set(_ID, cid)
        ppr = next(p.iterchildren(_PPR), None)  # p.find("w:pPr"), without ElementPath
        p.insert(0 if ppr is None else p.index(ppr) + 1, start)
        etree.SubElement(p, _RANGE_END).set(_ID, cid)
        reference = etree.SubElement(p, _R)
        etree.SubElement(reference, _REFERENCE).set(_ID, cid)
        body = etree.SubElement(comments_root, _COMMENT)
        for attribute, value in ((_ID, cid), (_AUTHOR, comment.author), (_DATE, comment.date),
                                 (_INITIALS, _initials(comment.author))):
            body.set(attribute, value)
        for line in comment.text.split("\n") or [""]:
            text = etree.SubElement(etree.SubElement(etree.SubElement(body, _P), _R), _T)
            text.text = line
            text.set(_SPACE, "preserve")
    parts: dict[str, etree._Element] = {name: comments_root}
    if existing is None:
        rels_name = posixpath.join(posixpath.dirname(main), "_rels", posixpath.basename(main) + ".rels")
        rels = (package.xml(rels_name) if rels_name in package.parts
                else etree.Element(f"{{{PR_NS}}}Relationships", nsmap={None: PR_NS}))
        taken = {rel.get("Id") for rel in rels}
        number = 1
        while f"rIdComments{number}" in taken:
            number += 1
        rel = etree.SubElement(rels, f"{{{PR_NS}}}Relationship")
        rel.set("Id", f"rIdComments{number}")
        rel.set("Type", COMMENTS_REL)
        rel.set("Target", posixpath.relpath(name, posixpath.dirname(main)))
        types = package.xml(CONTENT_TYPES)
        override = etree.SubElement(types, f"{{{CT_NS}}}Override")
        override.set("PartName", "/" + name)
        override.set("ContentType", COMMENTS_TYPE)
        parts[rels_name] = rels
        parts[CONTENT_TYPES] = types
    return parts
