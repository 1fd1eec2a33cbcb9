"""The next revision: accepted amendments applied, undecided proposals left in square brackets (N1), ids
stable, numbering updated (a still-proposed new paragraph keeps its bis/ter number after its anchor).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from drafting.conventions.numbering import relabel, renumber_references
from drafting.conventions.profiles import get_profile
from drafting.errors import DraftingStateError
from drafting.model.document import Amendment, AmendmentKind, Document, Paragraph, Role, Span
from drafting.negotiation.compilation import INLINE, Proposal, apply_inline, apply_to_spans, merge_identical


@dataclass(frozen=True)
class Revision:
    document: Document
    statuses: dict[str, str]
    applied: tuple[str, ...]
    bracketed: tuple[str, ...]
    notes: tuple[str, ...]


def new_paragraph_id(amendment: Amendment) -> str:
    return "new_" + amendment.id[1:].lower()


def _clusters(proposals: Sequence[Proposal]) -> list[list[Proposal]]:
    """Overlapping undecided proposals grouped, in text order."""
    clusters: list[list[Proposal]] = []
    for proposal in sorted(proposals, key=lambda p: (p.start, p.end)):
        if clusters and any(proposal.overlaps(other) or proposal.start < max(o.end for o in clusters[-1])
                            for other in clusters[-1]):
            clusters[-1].append(proposal)
        else:
            clusters.append([proposal])
    return clusters


def _bracketed(text: str, cluster: Sequence[Proposal]) -> tuple[int, int, str]:
    """One replacement showing a cluster's options in brackets: `[current][proposal 1][proposal 2]`."""
    start = min(p.start for p in cluster)
    end = max(p.end for p in cluster)
    current = text[start:end]
    options = [current]
    for proposal in cluster:
        shifted = replace(proposal.first, position=proposal.start - start)
        result = apply_inline(current, [Proposal((shifted,), "")])
        if result not in options:
            options.append(result)
    return start, end, "".join(f"[{option}]" for option in options if option)


def revise_document(document: Document, amendments: Sequence[Amendment], decisions: dict[str, str],
                    statuses: dict[str, str]) -> Revision:
    """Apply accepted amendments, bracket undecided ones; returns the next revision's document."""
    proposals = merge_identical(amendments, decisions)
    by_paragraph: dict[str | None, list[Proposal]] = {}
    for proposal in proposals:
        by_paragraph.setdefault(proposal.first.paragraph, []).append(proposal)
    out: list[Paragraph] = []
    new_statuses: dict[str, str] = {}
    applied: list[str] = []
    bracketed: list[str] = []
    notes: list[str] = []

    def insert_new(anchor: str | None, after: Paragraph | None) -> None:
        for proposal in by_paragraph.get(anchor, ()):
            if proposal.kind is not AmendmentKind.PARAGRAPH_INSERT:
                continue
            role = after.role if after is not None else Role.PREAMBULAR
            if role in (Role.SUBITEM, Role.BULLET, Role.CHAPEAU, Role.CONTINUATION):
                role = Role.OPERATIVE
            if role not in (Role.OPERATIVE, Role.PREAMBULAR, Role.CONTINUATION, Role.CLOSING, Role.TEXT):
                role = Role.PREAMBULAR
            accepted = proposal.decision == "accept"
            text = proposal.first.new if accepted else f"[{proposal.first.new}]"
            pid = new_paragraph_id(proposal.first)
            # An accepted new paragraph looks like the assembled ones: its opener italic as the profile wants.
            from drafting.conventions.assemble import opening_spans  # the quick commands never load assembly

            spans = opening_spans(text, role, get_profile(document.meta.profile, document.language)) if accepted \
                else (Span(text),)
            out.append(Paragraph(id=pid, role=role, spans=spans, proposed=not accepted))
            new_statuses[pid] = "pending" if accepted else "bracketed"
            (applied if accepted else bracketed).extend(a.id for a in proposal.amendments)

    insert_new(None, None)
    for paragraph in document.paragraphs:
        mine = [p for p in by_paragraph.get(paragraph.id, []) if p.kind is not AmendmentKind.PARAGRAPH_INSERT]
        accepted = [p for p in mine if p.decision == "accept"]
        undecided = [p for p in mine if p.decision != "accept"]
        status = statuses.get(paragraph.id, "pending")
        if any(p.kind is AmendmentKind.PARAGRAPH_DELETE for p in accepted):
            applied.extend(a.id for p in accepted for a in p.amendments)
            insert_new(paragraph.id, paragraph)
            continue
        accepted_inline = [p for p in accepted if p.kind in INLINE]
        for i, a in enumerate(accepted_inline):
            for b in accepted_inline[i + 1:]:
                if a.overlaps(b):
                    raise DraftingStateError(
                        f"accepted amendments {a.first.id} and {b.first.id} overlap in paragraph {paragraph.id}; "
                        "reject or withdraw one of them")
        for p in accepted:
            if p.kind not in INLINE:
                notes.append(f"{p.first.id} ({p.kind.value}) in {paragraph.id} is accepted but must be applied "
                             "by hand")
        replacements = [(p.start, p.end, p.first.new) for p in accepted_inline]
        applied.extend(a.id for p in accepted_inline for a in p.amendments)
        open_inline = []
        for p in undecided:
            if p.kind not in INLINE and p.kind is not AmendmentKind.PARAGRAPH_DELETE:
                notes.append(f"{p.first.id} ({p.kind.value}) in {paragraph.id} stays open: it is not bracketed "
                             "automatically")
                continue
            if p.kind in INLINE and any(p.overlaps(a) for a in accepted_inline):
                notes.append(f"{p.first.id} in {paragraph.id} overlaps an accepted amendment and lapses")
                continue
            open_inline.append(p)
        inline_open = [p for p in open_inline if p.kind in INLINE]
        text = paragraph.text
        for cluster in _clusters(inline_open):
            replacements.append(_bracketed(text, cluster))
            bracketed.extend(a.id for p in cluster for a in p.amendments)
        spans = apply_to_spans(paragraph.spans, replacements) if replacements else paragraph.spans
        if any(p.kind is AmendmentKind.PARAGRAPH_DELETE for p in open_inline):
            spans = (Span("["), *spans, Span("]"))
            bracketed.extend(a.id for p in open_inline if p.kind is AmendmentKind.PARAGRAPH_DELETE
                             for a in p.amendments)
        revised = replace(paragraph, spans=spans)
        if revised.proposed and status == "agreed" and "[" not in revised.text:
            revised = replace(revised, proposed=False)
        new_statuses[paragraph.id] = "bracketed" if "[" in revised.text and status == "pending" else status
        out.append(revised)
        insert_new(paragraph.id, revised)
    meta = replace(document.meta, revision=document.meta.revision + 1)
    labelled = renumber_references(document.paragraphs, relabel(out, get_profile(meta.profile, document.language)))
    revised_document = replace(document, meta=meta, paragraphs=labelled)
    return Revision(revised_document, new_statuses, tuple(dict.fromkeys(applied)), tuple(dict.fromkeys(bracketed)),
                    tuple(notes))
