"""The compilation text: every delegation's proposals on the current revision, merged and attributed.

Pure functions over the model. Identical proposals from several delegations merge into one with joint
attribution; proposals from different delegations that touch the same words conflict, and such a
paragraph is shown as bracketed alternatives (`[Alt 1 (Kazakhstan): …] [Alt 2 (Tajikistan, Kyrgyzstan): …]`)
instead of overlapping tracked changes. Proposed new paragraphs sit after their anchor, numbered bis, ter.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from drafting.conventions.inline import normalise_spans
from drafting.conventions.numbering import relabel
from drafting.conventions.profiles import get_profile
from drafting.model.document import Amendment, AmendmentKind, Document, Paragraph, Role, Span

WHOLE_PARAGRAPH = frozenset({AmendmentKind.PARAGRAPH_DELETE, AmendmentKind.MOVE, AmendmentKind.SPLIT,
                             AmendmentKind.JOIN})
INLINE = frozenset({AmendmentKind.INSERT, AmendmentKind.DELETE, AmendmentKind.REPLACE})


@dataclass(frozen=True, slots=True)
class Proposal:
    """One proposed change, possibly made identically by several delegations (joint attribution)."""

    amendments: tuple[Amendment, ...]
    decision: str  # "" (undecided) | "accept"
    numbers: tuple[str, ...] = ()  # each amendment's number (`KAZ/1`), in the order of `amendments`
    untracked: bool = False  # made in a Word file with Track Changes off (by every delegation proposing it)
    supporters: tuple[str, ...] = ()  # delegations that support it without having proposed it (co-sponsors)

    @property
    def first(self) -> Amendment:
        return self.amendments[0]

    @property
    def delegations(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a.delegation for a in self.amendments))

    @property
    def attribution(self) -> str:
        return ", ".join(self.delegations)

    @property
    def reference(self) -> str:
        """The amendment numbers, `KAZ/1, TJK/2` (ids when the record gave none)."""
        return ", ".join(self.numbers or tuple(a.id for a in self.amendments))

    @property
    def kind(self) -> AmendmentKind:
        return self.first.kind

    @property
    def start(self) -> int:
        return self.first.position

    @property
    def end(self) -> int:
        return self.first.position + len(self.first.old)

    def overlaps(self, other: Proposal) -> bool:
        """Whether the two touch the same words (an insertion at the same point counts)."""
        if self.kind in WHOLE_PARAGRAPH or other.kind in WHOLE_PARAGRAPH:
            return True
        if self.kind not in INLINE or other.kind not in INLINE:
            return False
        a0, a1, b0, b1 = self.start, self.end, other.start, other.end
        if a0 == a1 and b0 == b1:
            return a0 == b0
        if a0 == a1:
            return b0 < a0 < b1
        if b0 == b1:
            return a0 < b0 < a1
        return a0 < b1 and b0 < a1


@dataclass(frozen=True, slots=True)
class Alternative:
    """One way a conflicting paragraph could read, with the delegations that propose it."""

    delegations: tuple[str, ...]
    text: str
    numbers: tuple[str, ...] = ()  # per delegation, its amendments' numbers joined with "+" (`KAZ/1+KAZ/2`)

    @property
    def attribution(self) -> str:
        """`KAZ/1 Kazakhstan, TJK/1 Tajikistan` (the names alone when there are no numbers)."""
        if not self.numbers:
            return ", ".join(self.delegations)
        return ", ".join(f"{n} {d}" for n, d in zip(self.numbers, self.delegations, strict=True))


@dataclass(frozen=True, slots=True)
class Remark:
    """A delegation's Word comment on a paragraph: who, on which words, what it says."""

    delegation: str
    text: str
    anchor: str = ""
    date: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """A paragraph of the compilation: the current text, its proposals, and whether they conflict."""

    paragraph: Paragraph
    proposals: tuple[Proposal, ...] = ()
    conflict: bool = False
    alternatives: tuple[Alternative, ...] = ()
    status: str = "pending"
    new: bool = False  # a proposed new paragraph (its text is the proposal)
    translation_pending: tuple[str, ...] = ()  # languages whose version of this paragraph is stale
    brackets: tuple[Proposal, ...] = ()  # the paragraph's bracketed alternatives, decidable under their numbers
    comments: tuple[Remark, ...] = ()  # delegations' Word comments on the paragraph

    @property
    def delegations(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(d for p in self.proposals for d in p.delegations))


@dataclass(frozen=True, slots=True)
class Conflict:
    paragraph: str
    label: str
    delegations: tuple[str, ...]


@dataclass(frozen=True)
class Compilation:
    """The compilation of revision `revision` of `document`."""

    document: Document
    revision: int
    entries: tuple[Entry, ...]
    conflicts: tuple[Conflict, ...]
    delegations: tuple[str, ...]
    unplaced: tuple[Amendment, ...] = field(default=())
    numbers: Mapping[str, str] = field(default_factory=dict)  # amendment id -> number
    untracked: int = 0  # live proposals made in Word with Track Changes off

    def number(self, amendment: Amendment) -> str:
        return self.numbers.get(amendment.id, amendment.id)


def merge_identical(amendments: Iterable[Amendment], decisions: dict[str, str],
                    numbers: Mapping[str, str] | None = None,
                    untracked: Collection[str] = (),
                    supporters: Mapping[str, tuple[str, ...]] | None = None) -> list[Proposal]:
    """Proposals with identical effect (paragraph, kind, position, old, new) merged, in first-seen order;
    `untracked` holds the ids of amendments made in Word with Track Changes off."""
    groups: dict[tuple[object, ...], list[Amendment]] = {}
    for amendment in amendments:
        key = (amendment.paragraph, amendment.kind, amendment.position, amendment.old, amendment.new)
        groups.setdefault(key, []).append(amendment)
    out = []
    for members in groups.values():
        decided = {decisions.get(a.id, "") for a in members}
        out.append(Proposal(tuple(members), "accept" if "accept" in decided else "",
                            tuple((numbers or {}).get(a.id, a.id) for a in members),
                            all(a.id in untracked for a in members),
                            tuple(dict.fromkeys(d for a in members for d in (supporters or {}).get(a.id, ())
                                                if d not in {m.delegation for m in members}))))
    return out


def apply_inline(text: str, proposals: Sequence[Proposal]) -> str:
    """`text` with the (non-overlapping) inline proposals applied."""
    for proposal in sorted(proposals, key=lambda p: (p.start, p.end), reverse=True):
        if proposal.kind in INLINE and text[proposal.start:proposal.end] == proposal.first.old:
            text = text[:proposal.start] + proposal.first.new + text[proposal.end:]
    return text


def apply_to_spans(spans: tuple[Span, ...], replacements: Sequence[tuple[int, int, str]]) -> tuple[Span, ...]:
    """`spans` with each (start, end, new text) applied; new text takes the formatting before it, never
    an opening phrase's (so a word typed after *Recalling* is not italicised)."""
    chars: list[tuple[str, tuple[bool, bool, bool]]] = [
        (ch, (s.italic, s.bold, s.opening)) for s in spans for ch in s.text
    ]
    notes = _note_offsets(spans)  # footnote references: no text of their own, they stay where they stand
    for start, end, new in sorted(replacements, key=lambda r: (r[0], r[1]), reverse=True):
        before = chars[start - 1][1] if start > 0 and start - 1 < len(chars) else (False, False, False)
        fmt = (before[0] and not before[2], before[1], False)
        chars[start:end] = [(ch, fmt) for ch in new]
        notes = [(at if at <= start else max(at + len(new) - (end - start), start + len(new)), span)
                 for at, span in notes]
    out: list[Span] = []
    for index, (ch, (italic, bold, opening)) in enumerate(chars):
        while notes and notes[0][0] == index:
            out.append(notes.pop(0)[1])
        if out and not out[-1].note and (out[-1].italic, out[-1].bold, out[-1].opening) == (italic, bold, opening):
            out[-1] = Span(out[-1].text + ch, italic, bold, opening)
        else:
            out.append(Span(ch, italic, bold, opening))
    out.extend(span for _, span in notes)
    return normalise_spans(out)


def _note_offsets(spans: Sequence[Span]) -> list[tuple[int, Span]]:
    out = []
    offset = 0
    for span in spans:
        if span.note:
            out.append((offset, span))
        offset += len(span.text)
    return out


def _alternatives(text: str, proposals: Sequence[Proposal]) -> tuple[Alternative, ...]:
    by_delegation: dict[str, list[Proposal]] = {}
    for proposal in proposals:
        for delegation in proposal.delegations:
            by_delegation.setdefault(delegation, []).append(proposal)
    grouped: dict[str, list[str]] = {}
    numbered: dict[str, str] = {}
    for delegation, mine in by_delegation.items():
        numbered[delegation] = "+".join(n for p in mine for n, a in zip(p.numbers, p.amendments, strict=False)
                                        if a.delegation == delegation)
        if any(p.kind is AmendmentKind.PARAGRAPH_DELETE for p in mine):
            result = ""
        else:
            result = apply_inline(text, [p for p in mine if p.kind in INLINE])
        grouped.setdefault(result, []).append(delegation)
    return tuple(Alternative(tuple(delegations), result,
                             tuple(numbered[d] for d in delegations) if all(numbered[d] for d in delegations)
                             else ())
                 for result, delegations in grouped.items())


def alternatives_text(alternatives: Sequence[Alternative]) -> str:
    """`[Alt 1 (KAZ/1 Kazakhstan): …] [Alt 2 (TJK/1 Tajikistan, KGZ/2 Kyrgyzstan): …]`; a deletion reads
    "(delete the paragraph)"."""
    return " ".join(f"[Alt {i} ({alt.attribution}): {alt.text or '(delete the paragraph)'}]"
                    for i, alt in enumerate(alternatives, start=1))


def compile_text(document: Document, revision: int, amendments: Sequence[Amendment], decisions: dict[str, str],
                 statuses: dict[str, str], translation_pending: dict[str, list[str]] | None = None,
                 numbers: Mapping[str, str] | None = None, untracked: Collection[str] = (),
                 supporters: Mapping[str, tuple[str, ...]] | None = None,
                 brackets: Collection[str] = (),
                 comments: Mapping[str, Sequence[Remark]] | None = None) -> Compilation:
    """The compilation of `document` with `amendments` (already filtered to the active ones); `numbers` maps
    amendment ids to their numbers."""
    texts = {p.id: p.text for p in document.paragraphs}
    bracket_options: dict[str | None, list[Proposal]] = {}
    for option in merge_identical([a for a in amendments if a.id in brackets], decisions, numbers, untracked,
                                  supporters):
        bracket_options.setdefault(option.first.paragraph, []).append(option)
    amendments = [a for a in amendments if a.id not in brackets]
    placed: list[Amendment] = []
    unplaced: list[Amendment] = []
    for amendment in amendments:
        located = locate(amendment, texts.get(amendment.paragraph or ""))
        (placed if located is not None else unplaced).append(located or amendment)
    proposals = merge_identical(placed, decisions, numbers, untracked, supporters)
    by_paragraph: dict[str | None, list[Proposal]] = {}
    new_after: dict[str | None, list[Proposal]] = {}
    ids = set(document.ids)
    for proposal in proposals:
        target = proposal.first.paragraph
        if proposal.kind is AmendmentKind.PARAGRAPH_INSERT:
            new_after.setdefault(target if target in ids else None, []).append(proposal)
        elif target in ids:
            by_paragraph.setdefault(target, []).append(proposal)
        else:
            unplaced.extend(proposal.amendments)
    entries: list[Entry] = []
    conflicts: list[Conflict] = []

    def add_new(anchor: str | None, after: Paragraph | None) -> None:
        for number, proposal in enumerate(new_after.get(anchor, ()), start=1):
            role = after.role if after is not None and after.role in (Role.OPERATIVE, Role.PREAMBULAR,
                                                                      Role.CONTINUATION) else Role.PREAMBULAR
            if after is not None and after.role in (Role.SUBITEM, Role.BULLET, Role.CONTINUATION):
                role = Role.OPERATIVE  # a proposal after (a part of) operative paragraph 4 is "4 bis"
            paragraph = Paragraph(id=f"{anchor or 'start'}_new{number}", role=role,
                                  spans=(Span(proposal.first.new),), proposed=True)
            entries.append(Entry(paragraph, (proposal,), status="bracketed", new=True))

    add_new(None, None)
    for paragraph in document.paragraphs:
        mine = by_paragraph.get(paragraph.id, [])
        clashing = _clashing(mine)
        alternatives: tuple[Alternative, ...] = ()
        if clashing:
            alternatives = _alternatives(paragraph.text, mine)
            conflicts.append(Conflict(paragraph.id, paragraph.label,
                                      tuple(dict.fromkeys(d for p in clashing for d in p.delegations))))
        stale = tuple(lang for lang, ids in (translation_pending or {}).items() if paragraph.id in ids)
        entries.append(Entry(paragraph, tuple(sorted(mine, key=lambda p: (p.start, p.end))), bool(clashing),
                             alternatives, statuses.get(paragraph.id, "pending"), translation_pending=stale,
                             brackets=tuple(bracket_options.get(paragraph.id, ())),
                             comments=tuple((comments or {}).get(paragraph.id, ()))))
        add_new(paragraph.id, paragraph)
    labelled = relabel((e.paragraph for e in entries), get_profile(document.meta.profile, document.language))
    entries = [replace(entry, paragraph=paragraph) for entry, paragraph in zip(entries, labelled, strict=True)]
    delegations = tuple(dict.fromkeys(d for p in proposals for d in p.delegations))
    return Compilation(document, revision, tuple(entries), tuple(conflicts), delegations, tuple(unplaced),
                       dict(numbers or {}), sum(1 for p in proposals if p.untracked))


def locate(amendment: Amendment, text: str | None) -> Amendment | None:
    """`amendment` with its position checked against the paragraph `text` (the old words must be there);
    moved to the nearest occurrence when it drifted (e.g. an untracked edit earlier in the paragraph)."""
    if amendment.kind is AmendmentKind.PARAGRAPH_INSERT:
        return amendment
    if text is None:
        return None
    if amendment.kind not in INLINE:
        return amendment
    if amendment.kind is AmendmentKind.INSERT:
        return amendment if amendment.position <= len(text) else replace(amendment, position=len(text))
    if text[amendment.position:amendment.position + len(amendment.old)] == amendment.old:
        return amendment
    starts = [i for i in range(len(text)) if text.startswith(amendment.old, i)]
    if not starts:
        return None
    return replace(amendment, position=min(starts, key=lambda i: abs(i - amendment.position)))


def _clashing(proposals: Sequence[Proposal]) -> list[Proposal]:
    """The proposals that overlap a proposal from another delegation, in the order a pass over every pair
    (i < j) would first meet them; found by a sweep over the proposals sorted by position, so a paragraph with
    thousands of proposals that do not overlap costs n log n, not n² (issue 12, item 7)."""
    n = len(proposals)
    if n < 2:
        return []
    groups = [frozenset(p.delegations) for p in proposals]
    if len(set(groups)) == 1:
        return []
    first_after, first_before = [n] * n, [n] * n

    def link(i: int, j: int) -> None:
        i, j = min(i, j), max(i, j)
        if groups[i] != groups[j] and proposals[i].overlaps(proposals[j]):
            first_after[i] = min(first_after[i], j)
            first_before[j] = min(first_before[j], i)

    whole = [i for i, p in enumerate(proposals) if p.kind in WHOLE_PARAGRAPH]
    for w in whole:
        for k in range(n):
            if k != w:
                link(w, k)
    inline = sorted((i for i, p in enumerate(proposals) if p.kind in INLINE and p.kind not in WHOLE_PARAGRAPH),
                    key=lambda i: (proposals[i].start, proposals[i].end))
    active: list[int] = []
    for i in inline:
        start = proposals[i].start
        active = [j for j in active if proposals[j].end >= start]  # the rest ends before anything to come
        for j in active:
            link(i, j)
        active.append(i)
    keys = {}
    for k in range(n):
        candidates = []
        if first_after[k] < n:
            candidates.append((k, first_after[k], 0))
        if first_before[k] < n:
            candidates.append((first_before[k], k, 1))
        if candidates:
            keys[k] = min(candidates)
    return [proposals[k] for k in sorted(keys, key=keys.__getitem__)]
