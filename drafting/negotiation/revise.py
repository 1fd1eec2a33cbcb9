"""The next revision: accepted amendments applied, undecided proposals left in square brackets (N1), ids
stable, numbering updated (a still-proposed new paragraph keeps its bis/ter number after its anchor).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from drafting.conventions.numbering import relabel, renumber_references
from drafting.conventions.profiles import get_profile
from drafting.errors import DraftingStateError
from drafting.model.document import Amendment, AmendmentKind, Document, Paragraph, Role, Span
from drafting.negotiation.compilation import INLINE, Proposal, apply_inline, apply_to_spans, merge_identical


@dataclass(frozen=True, slots=True)
class Carried:
    """A bracketed alternative of a revision, decidable there under its amendment's own number.

    `amendment` is on the revision that shows the brackets: a replace of the whole bracket group (`old`, at
    `position`) by this option (`new`), or a paragraph-delete of a paragraph in brackets. `fallback` is what
    the group becomes when every option is rejected: the text as it was, or None when the paragraph then goes
    (a proposed new paragraph)."""

    amendment: Amendment
    fallback: str | None


@dataclass(frozen=True)
class Revision:
    document: Document
    statuses: dict[str, str]
    applied: tuple[str, ...]
    bracketed: tuple[str, ...]
    notes: tuple[str, ...]
    carried: tuple[Carried, ...] = ()


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


@dataclass(frozen=True, slots=True)
class _Group:
    """One bracket group to write: where it goes in the old text, its options, and whose each option is."""

    start: int
    end: int
    fallback: str | None
    options: tuple[tuple[str, tuple[Amendment, ...]], ...]  # (option text, the amendments proposing it)

    @property
    def text(self) -> str:
        shown = ([self.fallback] if self.fallback else []) + [o for o, _ in self.options if o != self.fallback]
        return "".join(f"[{option}]" for option in dict.fromkeys(shown) if option)


def _bracketed(text: str, cluster: Sequence[Proposal]) -> _Group:
    """A cluster's options in brackets: `[current][proposal 1][proposal 2]`."""
    start = min(p.start for p in cluster)
    end = max(p.end for p in cluster)
    current = text[start:end]
    options: dict[str, list[Amendment]] = {}
    for proposal in cluster:
        shifted = replace(proposal.first, position=proposal.start - start)
        result = apply_inline(current, [Proposal((shifted,), "")])
        options.setdefault(result, []).extend(proposal.amendments)
    return _Group(start, end, current, tuple((o, tuple(a)) for o, a in options.items()))


def _locate(text: str, old: str, position: int) -> int | None:
    """Where `old` is in `text`: at `position`, else the nearest occurrence."""
    if text[position:position + len(old)] == old:
        return position
    # The nearest occurrences on either side, found by the string search (not a test at every index: that
    # made a paragraph with thousands of bracket groups quadratic); a tie goes to the earlier one.
    before = text.rfind(old, 0, max(position, 0) - 1 + len(old)) if position > 0 else -1
    after = text.find(old, max(position, 0))
    starts = [i for i in (before, after) if 0 <= i < len(text)]
    return min(starts, key=lambda i: abs(i - position)) if starts else None


def _shifted(position: int, replacements: Sequence[tuple[int, int, str]]) -> int:
    """`position` in the old text as a position in the text after `replacements` (non-overlapping)."""
    return position + sum(len(new) - (end - start) for start, end, new in replacements if end <= position)


def _shifter(replacements: Sequence[tuple[int, int, str]]) -> Callable[[int], int]:
    """`_shifted` for many positions against the same `replacements`: sorted once, then a binary search."""
    import bisect
    import itertools

    ordered = sorted((end, len(new) - (end - start)) for start, end, new in replacements)
    ends = [end for end, _ in ordered]
    totals = [0, *itertools.accumulate(delta for _, delta in ordered)]
    return lambda position: position + totals[bisect.bisect_right(ends, position)]


def _carry(group: _Group, paragraph: str, position: int) -> list[Carried]:
    """Each option of `group`, now written at `position` of `paragraph`, as a decidable alternative."""
    old = group.text
    return [Carried(replace(a, paragraph=paragraph, kind=AmendmentKind.REPLACE, old=old, new=option,
                            position=position, context="bracketed alternative"), group.fallback)
            for option, amendments in group.options for a in amendments]


def _settle(text: str, carried: Sequence[Carried], decisions: dict[str, str],
            notes: list[str]) -> tuple[list[tuple[int, int, str]], list[_Group], list[str], list[str], bool, bool]:
    """The inline bracket groups of a paragraph carried from the revision before (and proposed new paragraphs
    in brackets), settled by the decisions on them.

    Returns (replacements, groups still open, applied ids, lapsed ids, paragraph deleted, paragraph no longer
    proposed). An accepted option replaces its group; a group whose options are all rejected or withdrawn
    falls back to the text as it was (or the proposed paragraph goes); otherwise the open options stay in
    brackets."""
    groups: dict[tuple[object, ...], list[Carried]] = {}
    for c in carried:
        groups.setdefault((c.amendment.kind, c.amendment.position, c.amendment.old), []).append(c)
    replacements: list[tuple[int, int, str]] = []
    still: list[_Group] = []
    applied: list[str] = []
    lapsed: list[str] = []
    deleted = settled_new = False
    for (_, position, old), members in groups.items():
        where = _locate(text, str(old), int(str(position)))
        ids = [c.amendment.id for c in members]
        if where is None:
            notes.append(f"bracketed alternatives {', '.join(ids)} are no longer in the text and lapse")
            lapsed.extend(ids)
            continue
        end = where + len(str(old))
        fallback = members[0].fallback
        accepted = [c for c in members if decisions.get(c.amendment.id) == "accept"]
        open_ = [c for c in members if decisions.get(c.amendment.id, "") not in ("accept", "reject", "withdraw")]
        if accepted:
            chosen = accepted[0].amendment
            applied.extend(c.amendment.id for c in accepted)
            lapsed.extend(i for i in ids if i not in applied)
            replacements.append((where, end, chosen.new))
            settled_new = settled_new or fallback is None
        elif not open_:
            lapsed.extend(ids)
            if fallback is None:
                deleted = True
                continue
            replacements.append((where, end, fallback))
        else:
            options: dict[str, list[Amendment]] = {}
            for c in open_:
                options.setdefault(c.amendment.new, []).append(c.amendment)
            lapsed.extend(c.amendment.id for c in members if c not in open_)
            still.append(_Group(where, end, fallback, tuple((o, tuple(a)) for o, a in options.items())))
    return replacements, still, applied, lapsed, deleted, settled_new


def revise_document(document: Document, amendments: Sequence[Amendment], decisions: dict[str, str],
                    statuses: dict[str, str], carried: Sequence[Carried] = ()) -> Revision:
    """Apply accepted amendments, bracket undecided ones, settle the brackets `carried` into this revision
    that were decided; returns the next revision's document and its bracketed alternatives."""
    proposals = merge_identical(amendments, decisions)
    by_paragraph: dict[str | None, list[Proposal]] = {}
    for proposal in proposals:
        by_paragraph.setdefault(proposal.first.paragraph, []).append(proposal)
    carried_by_paragraph: dict[str | None, list[Carried]] = {}
    for c in carried:
        carried_by_paragraph.setdefault(c.amendment.paragraph, []).append(c)
    out: list[Paragraph] = []
    new_statuses: dict[str, str] = {}
    applied: list[str] = []
    bracketed: list[str] = []
    notes: list[str] = []
    next_carried: list[Carried] = []

    def insert_new(anchor: str | None, after: Paragraph | None) -> None:
        for proposal in by_paragraph.get(anchor, ()):
            if proposal.kind is not AmendmentKind.PARAGRAPH_INSERT:
                continue
            if after is not None and after.role is Role.FOOTNOTE:  # after a paragraph's notes: after it
                after = next((p for p in reversed(out) if p.role is not Role.FOOTNOTE), None)
            role = after.role if after is not None else Role.PREAMBULAR
            if role in (Role.SUBITEM, Role.BULLET, Role.CHAPEAU, Role.CONTINUATION):
                role = Role.OPERATIVE
            if role not in (Role.OPERATIVE, Role.PREAMBULAR, Role.CONTINUATION, Role.CLOSING, Role.TEXT, Role.CELL):
                role = Role.PREAMBULAR
            # a new cell joins its table; `relabel` gives it its row and column
            cell = (after.cell[0], 0, 0) if role is Role.CELL and after is not None and after.cell else None
            accepted = proposal.decision == "accept"
            text = proposal.first.new if accepted else f"[{proposal.first.new}]"
            pid = new_paragraph_id(proposal.first)
            # An accepted new paragraph looks like the assembled ones: its opener italic as the profile wants.
            from drafting.conventions.assemble import opening_spans  # the quick commands never load assembly

            spans = opening_spans(text, role, get_profile(document.meta.profile, document.language)) if accepted \
                else (Span(text),)
            out.append(Paragraph(id=pid, role=role, spans=spans, proposed=not accepted, cell=cell))
            new_statuses[pid] = "pending" if accepted else "bracketed"
            (applied if accepted else bracketed).extend(a.id for a in proposal.amendments)
            if not accepted:
                next_carried.extend(Carried(replace(a, paragraph=pid, kind=AmendmentKind.REPLACE, old=text,
                                                    new=proposal.first.new, position=0,
                                                    context="proposed new paragraph, in brackets"), None)
                                    for a in proposal.amendments)

    insert_new(None, None)
    # New paragraphs proposed after a paragraph go after its footnotes, which belong to it.
    deferred: list[tuple[str, Paragraph]] = []

    def flush() -> None:
        for anchor, after in deferred:
            insert_new(anchor, after)
        deferred.clear()

    for paragraph in document.paragraphs:
        if paragraph.role is not Role.FOOTNOTE:
            flush()
        mine = [p for p in by_paragraph.get(paragraph.id, []) if p.kind is not AmendmentKind.PARAGRAPH_INSERT]
        accepted = [p for p in mine if p.decision == "accept"]
        undecided = [p for p in mine if p.decision != "accept"]
        status = statuses.get(paragraph.id, "pending")
        text = paragraph.text
        here = carried_by_paragraph.get(paragraph.id, [])
        wrapped = [c for c in here if c.amendment.kind is AmendmentKind.PARAGRAPH_DELETE]
        settled, still, settled_ids, _lapsed, gone, _ = _settle(
            text, [c for c in here if c not in wrapped], decisions, notes)
        applied.extend(settled_ids)
        wrap_verdicts = {decisions.get(c.amendment.id, "") for c in wrapped}
        if any(p.kind is AmendmentKind.PARAGRAPH_DELETE for p in accepted) or gone or "accept" in wrap_verdicts:
            applied.extend(a.id for p in accepted for a in p.amendments)
            applied.extend(c.amendment.id for c in wrapped if decisions.get(c.amendment.id) == "accept")
            deferred.append((paragraph.id, paragraph))
            continue
        unwrap = bool(wrapped) and wrap_verdicts <= {"reject", "withdraw"}
        accepted_inline = [p for p in accepted if p.kind in INLINE]
        for i, a in enumerate(accepted_inline):
            for b in accepted_inline[i + 1:]:
                if a.overlaps(b):
                    raise DraftingStateError(
                        f"accepted amendments {a.first.id} and {b.first.id} overlap in paragraph {paragraph.id}; "
                        "reject or withdraw one of them")
        for replacement in list(settled):  # an accepted amendment that rewrote the brackets settles them itself
            start, end, _ = replacement
            if any(a.start < end and start < a.end for a in accepted_inline):
                settled.remove(replacement)
                notes.append(f"the bracket at {start} in {paragraph.id} was rewritten by an accepted amendment")
        for group in list(still):
            if any(a.start < group.end and group.start < a.end for a in accepted_inline):
                still.remove(group)
                ids = [am.id for _, ams in group.options for am in ams]
                notes.append(f"bracketed alternatives {', '.join(ids)} in {paragraph.id} lapse: an accepted "
                             "amendment rewrote them")
        for p in accepted:
            if p.kind not in INLINE:
                notes.append(f"{p.first.id} ({p.kind.value}) in {paragraph.id} is accepted but must be applied "
                             "by hand")
        replacements = [(p.start, p.end, p.first.new) for p in accepted_inline] + settled
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
            if (p.kind in INLINE and any(p.start < e and s < p.end for s, e, _ in settled)) or any(
                    p.start < g.end and g.start < p.end for g in still):
                notes.append(f"{p.first.id} in {paragraph.id} overlaps bracketed alternatives and stays open")
                continue
            open_inline.append(p)
        inline_open = [p for p in open_inline if p.kind in INLINE]
        groups = list(still)
        for cluster in _clusters(inline_open):
            groups.append(_bracketed(text, cluster))
            bracketed.extend(a.id for p in cluster for a in p.amendments)
        replacements += [(g.start, g.end, g.text) for g in groups]
        spans = apply_to_spans(paragraph.spans, replacements) if replacements else paragraph.spans
        if unwrap and spans:
            inner = "".join(sp.text for sp in spans)
            if inner.startswith("[") and inner.endswith("]"):
                spans = apply_to_spans(spans, [(0, 1, ""), (len(inner) - 1, len(inner), "")])
        deleting = [p for p in open_inline if p.kind is AmendmentKind.PARAGRAPH_DELETE]
        keep_wrapped = [c for c in wrapped if not unwrap]
        if deleting and not keep_wrapped:
            spans = (Span("["), *spans, Span("]"))
            bracketed.extend(a.id for p in deleting for a in p.amendments)
        revised = replace(paragraph, spans=spans)
        shift = 1 if deleting and not keep_wrapped else 0
        shifted = _shifter(replacements)
        for group in groups:
            position = _locate(revised.text, group.text, shifted(group.start) + shift)
            if position is not None:
                next_carried.extend(_carry(group, paragraph.id, position))
        whole = revised.text
        for gone_amendment in [*(c.amendment for c in keep_wrapped),
                               *(a for p in deleting if not keep_wrapped for a in p.amendments)]:
            next_carried.append(Carried(
                replace(gone_amendment, paragraph=paragraph.id, kind=AmendmentKind.PARAGRAPH_DELETE, old=whole,
                        new="", position=0, context="paragraph proposed for deletion, in brackets"), whole[1:-1]))
        if revised.proposed and status == "agreed" and "[" not in revised.text:  # bis/ter until agreed
            revised = replace(revised, proposed=False)
        if "[" in revised.text and status == "pending":
            status = "bracketed"
        elif "[" not in revised.text and status == "bracketed":
            status = "pending"
        new_statuses[paragraph.id] = status
        out.append(revised)
        deferred.append((paragraph.id, revised))
    flush()
    referenced = {span.note for p in out for span in p.spans if span.note}
    gone_notes = {p.id for p in out if p.role is Role.FOOTNOTE and p.id not in referenced}
    if gone_notes:  # the notes of a deleted paragraph go with it
        out = [p for p in out if p.id not in gone_notes]
        new_statuses = {pid: status for pid, status in new_statuses.items() if pid not in gone_notes}
    meta = replace(document.meta, revision=document.meta.revision + 1)
    labelled = renumber_references(document.paragraphs, relabel(out, get_profile(meta.profile, document.language)))
    revised_document = replace(document, meta=meta, paragraphs=labelled)
    return Revision(revised_document, new_statuses, tuple(dict.fromkeys(applied)), tuple(dict.fromkeys(bracketed)),
                    tuple(notes), tuple(next_carried))
