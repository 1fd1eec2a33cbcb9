"""Delegations' changes as structured amendments: who proposes what, to which paragraph of the base.

Tracked changes are read from the revision model (`w:ins`, `w:del`, moves, paragraph marks, format
changes), attributed to their author mapped through the registry ("Kazakhstan", "KAZ", "Delegation of
Kazakhstan" all become Kazakhstan). When a base is known, the submission's original view is compared with
it: any difference is an untracked amendment (Track Changes was off for part of the edits), attributed to
the submitting delegation and flagged `tracked=False`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from drafting.library.registry import Registry
from drafting.model.document import Amendment, AmendmentKind
from drafting.model.version import Version, VersionParagraph, paragraph_pairs
from drafting.ooxml.tracked.read import Revision, RevisionKind, RevParagraph, RevRun
from drafting.readers.docx import DocxVersion, paragraph_id
from drafting.readers.text import written_label
from drafting.redline.align import align_paragraphs
from drafting.redline.compare import compare, hunks

_ADDED = frozenset({RevisionKind.INSERT, RevisionKind.MOVE_TO})
_REMOVED = frozenset({RevisionKind.DELETE, RevisionKind.MOVE_FROM})
_PREFIXES = re.compile(
    r"^(the\s+)?((permanent\s+)?(mission|delegation|government|representative|ministry of foreign affairs)"
    r"\s+of\s+)(the\s+)?", re.IGNORECASE,
)
_SUFFIXES = re.compile(r"\s+(delegation|mission|government)$", re.IGNORECASE)
UNKNOWN_AUTHOR = "Unknown"


def delegation_of(author: str, registry: Registry | None) -> tuple[str, str | None]:
    """The delegation a w:author names, as (display name, registry code or None)."""
    cleaned = " ".join(author.split())
    if not cleaned:
        return UNKNOWN_AUTHOR, None
    if registry is not None:
        for candidate in (cleaned, _SUFFIXES.sub("", _PREFIXES.sub("", cleaned))):
            party = registry.find(candidate)
            if party is not None:
                return party.name("en").short, party.code
    return cleaned, None


def amendment_id(delegation: str, paragraph: str | None, kind: AmendmentKind, position: int, old: str, new: str,
                 tracked: bool) -> str:
    """A stable id: the same change in the same file always gets the same id (re-submission is idempotent)."""
    key = "\x1f".join([delegation, paragraph or "", kind.value, str(position), old, new, str(tracked)])
    return "A" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]


@dataclass
class _Builder:
    registry: Registry | None
    out: list[Amendment] = field(default_factory=list)
    delegations: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # memo: author -> delegation
    stories: dict[str, str] = field(default_factory=dict)  # base paragraph id -> its story ("footnote 1")
    story: str = ""  # the story of the paragraphs being read, when the base does not say

    def add(self, author: str, date: str | None, paragraph: str | None, kind: AmendmentKind, old: str, new: str,
            position: int, *, tracked: bool = True, context: str = "") -> None:
        found = self.delegations.get(author)
        if found is None:
            found = self.delegations[author] = delegation_of(author, self.registry)
        delegation, code = found
        position = max(position, 0)  # a change inside a label written as text counts from the text's start
        self.out.append(Amendment(
            id=amendment_id(delegation, paragraph, kind, position, old, new, tracked), delegation=delegation,
            paragraph=paragraph, kind=kind, old=old, new=new, position=position, date=date, tracked=tracked,
            author=author, code=code, context=context, story=self.stories.get(paragraph or "") or self.story,
        ))


def _stories(base: Sequence[VersionParagraph] | None) -> dict[str, str]:
    return {p.id: p.story for p in base or () if p.id and p.story}


def _chains(paragraphs: Sequence[RevParagraph]) -> Iterator[list[int]]:
    """Indices of paragraphs that form one paragraph of the original view (inserted marks chain them)."""
    chain: list[int] = []
    for index, p in enumerate(paragraphs):
        chain.append(index)
        if not (p.mark is not None and p.mark.kind in _ADDED and p.next_in_story):
            yield chain
            chain = []
    if chain:
        yield chain


def _all_of(p: RevParagraph, kinds: frozenset[RevisionKind]) -> bool:
    runs = [r for r in p.runs if r.text]
    return bool(runs) and all(r.revision is not None and r.revision.kind in kinds for r in runs)


def _author(revisions: Sequence[Revision | None]) -> tuple[str, str | None]:
    for rev in revisions:
        if rev is not None:
            return rev.author, rev.date
    return "", None


def tracked_amendments(submission: DocxVersion, registry: Registry | None,
                       base: Sequence[VersionParagraph] | None = None) -> list[Amendment]:
    """Every tracked change of `submission` as amendments, tied to base paragraph ids."""
    paragraphs = submission.paragraphs
    build = _Builder(registry, stories=_stories(base))
    chains = list(_chains(paragraphs))
    chain_ids = _chain_ids(paragraphs, chains, submission.version.original, base)
    moves: dict[str, dict[str, object]] = {}
    joins_dropped, tail_deleted = _deleted_tails(paragraphs)
    base_text = {p.id: p.text for p in base or () if p.id}
    previous_id: str | None = None
    for chain, base_id in zip(chains, chain_ids, strict=True):
        build.story = paragraphs[chain[0]].story or ""
        # Index sets, not lists of paragraphs: membership stays O(1) however long a chain of inserted
        # paragraphs is (dataclass equality over a list made a document of new paragraphs quadratic).
        new_members = {i for i in chain if _all_of(paragraphs[i], _ADDED)}
        kept = [i for i in chain if i not in new_members]
        # Positions are offsets in the base paragraph's text, which has no label: a label the revision wrote
        # as text (bis/ter) is not counted.
        first_text = paragraphs[kept[0]].text("original") if kept else ""
        offset = -len(written_label(first_text, base_text.get(base_id or "") if base is not None else None))
        ends: dict[int, int] = {}
        seen_kept = False
        for index in chain:
            p = paragraphs[index]
            if index in new_members:
                anchor = base_id if seen_kept or not kept else previous_id
                if _all_of(p, _MOVED_TO):  # a whole paragraph moved here: the destination of a move
                    _paragraph_move(moves, p, "to", anchor)
                    continue
                author, date = _author([p.runs[0].revision, p.mark])
                build.add(author, date, anchor, AmendmentKind.PARAGRAPH_INSERT, "", p.text("accepted"), 0,
                          context="after" if anchor is not None else "at start")
                continue
            seen_kept = True
            if index in tail_deleted:  # emptied, after a paragraph whose mark is deleted: the paragraph goes
                author, date = _author([r.revision for r in p.runs])
                build.add(author, date, base_id, AmendmentKind.PARAGRAPH_DELETE, p.text("original"), "", 0)
                offset += len(p.text("original"))
                ends[index] = offset
                continue
            if p.mark is not None and p.mark.kind in _REMOVED and p.next_in_story:
                author, date = p.mark.author, p.mark.date
                if _all_of(p, _REMOVED):
                    if p.mark.kind is RevisionKind.MOVE_FROM and _all_of(p, _MOVED_FROM):
                        _paragraph_move(moves, p, "from", base_id)
                    else:
                        build.add(author, date, base_id, AmendmentKind.PARAGRAPH_DELETE, p.text("original"), "", 0)
                    offset += len(p.text("original"))
                    ends[index] = offset
                    continue
                if index not in joins_dropped:
                    build.add(author, date, base_id, AmendmentKind.JOIN, "", "", offset + len(p.text("original")),
                              context="joined with the next paragraph")
            _paragraph_format(build, p, base_id)
            offset = _inline(build, p, base_id, offset, moves)
            ends[index] = offset
        if len(kept) > 1:
            kept_set = set(kept)
            for index in chain[:-1]:
                p = paragraphs[index]
                if index in kept_set and p.mark is not None and p.mark.kind in _ADDED:
                    build.add(p.mark.author, p.mark.date, base_id, AmendmentKind.SPLIT, "", "", ends.get(index, 0),
                              context=f"new paragraph break after {p.text('accepted')[-40:]!r}")
        elif len(kept) == 1 and new_members and _mark_added(paragraphs[kept[0]]) and kept[0] != chain[-1]:
            pass  # Word puts the inserted mark on the paragraph before a new one: not a split
        previous_id = base_id or previous_id
    for move in moves.values():
        whole = bool(move.get("whole_from")) or bool(move.get("whole_to"))
        author, date = str(move["author"]), _opt(move, "date")
        if "from" in move and "to" in move:
            if move.get("whole_to"):
                where = f"moved after {move['to_paragraph']}" if move.get("to_paragraph") else "moved to the start"
            else:
                where = f"moved to {move.get('to_paragraph') or 'elsewhere'}"
            build.add(author, date, _opt(move, "from_paragraph") or _opt(move, "own_id"), AmendmentKind.MOVE,
                      str(move["from"]),
                      str(move["to"]), _int(move, "position"), context=where)
        elif "from" in move:
            build.add(author, date, _opt(move, "from_paragraph"),
                      AmendmentKind.PARAGRAPH_DELETE if whole else AmendmentKind.DELETE,
                      str(move["from"]), "", _int(move, "position"))
        elif "to" in move:
            to_paragraph = _opt(move, "to_paragraph")
            build.add(author, date, to_paragraph,
                      AmendmentKind.PARAGRAPH_INSERT if whole else AmendmentKind.INSERT, "",
                      str(move["to"]), _int(move, "to_position"),
                      context=("after" if to_paragraph is not None else "at start") if whole else "")
    return build.out


_MOVED_FROM = frozenset({RevisionKind.MOVE_FROM})
_MOVED_TO = frozenset({RevisionKind.MOVE_TO})


def _opt(record: dict[str, object], key: str) -> str | None:
    value = record.get(key)
    return None if value is None else str(value)


def _int(record: dict[str, object], key: str) -> int:
    value = record.get(key, 0)
    return value if isinstance(value, int) else 0


def _paragraph_move(moves: dict[str, dict[str, object]], p: RevParagraph, side: str, paragraph: str | None) -> None:
    """Record a whole paragraph as the source ("from") or destination ("to") of the move its runs belong to."""
    rev = next(r.revision for r in p.runs if r.text and r.revision is not None)
    key = rev.move_name or f"{rev.kind.value}-{rev.id}"
    move = moves.setdefault(key, {"author": rev.author, "date": rev.date})
    text = p.text("original" if side == "from" else "accepted")
    move[side] = f"{move[side]}\n{text}" if side in move else text
    move[f"whole_{side}"] = True
    move.setdefault(f"{side}_paragraph", paragraph)
    if paragraph_id(p) is not None:  # our own moves carry the paragraph's id bookmark to where it went
        move.setdefault("own_id", paragraph_id(p))
    move.setdefault("position", 0)
    if side == "to":
        move.setdefault("to_position", 0)


def _paragraph_format(build: _Builder, p: RevParagraph, base_id: str | None) -> None:
    """A paragraph-property or numbering change (`w:pPrChange`, a changed `w:numPr`) as one `format`
    amendment of the paragraph: the model has no paragraph formatting to apply it to, so the chair sees it
    and revise leaves it to be applied by hand (it says so)."""
    properties = p.property_change if p.property_change is not p.numbering_change else None
    changes = [(rev, what) for rev, what in ((p.numbering_change, "numbering"),
                                             (properties, "paragraph properties")) if rev is not None]
    if not changes:
        return
    rev = changes[0][0]
    what = " and ".join(name for _, name in changes)
    text = p.text("original")
    build.add(rev.author, rev.date, base_id, AmendmentKind.FORMAT, text, text, 0, context=f"{what} changed")


def _mark_added(p: RevParagraph) -> bool:
    return p.mark is not None and p.mark.kind in _ADDED


def _mark_removed(p: RevParagraph) -> bool:
    return p.mark is not None and p.mark.kind in _REMOVED


def _deleted_tails(paragraphs: Sequence[RevParagraph]) -> tuple[set[int], set[int]]:
    """Paragraph deletions written as "mark of the paragraph before deleted, content deleted, own mark kept".

    That is how Word and LibreOffice delete the last paragraph of the body or of a cell, whose mark cannot
    go (ECMA §17.13.5.15): accepting joins an emptied paragraph onto the one before, i.e. deletes it. Returns
    the indices of the paragraphs whose deleted mark is explained that way (no JOIN amendment) and of the
    emptied paragraphs (a PARAGRAPH_DELETE each).
    """
    joins: set[int] = set()
    tails: set[int] = set()
    deleted = frozenset({RevisionKind.DELETE})
    for i, p in enumerate(paragraphs):
        if not (_mark_removed(p) and p.next_in_story) or _all_of(p, _REMOVED):
            continue
        j = i + 1
        while j < len(paragraphs) and _all_of(paragraphs[j], _REMOVED) and paragraphs[j].next_in_story \
                and _mark_removed(paragraphs[j]):
            j += 1  # whole paragraphs deleted in between (mark and content): ordinary paragraph deletions
        if j < len(paragraphs) and _all_of(paragraphs[j], deleted) and paragraphs[j].row is None:
            joins.add(i)
            tails.add(j)
    return joins, tails


def _inline(build: _Builder, p: RevParagraph, base_id: str | None, offset: int,
            moves: dict[str, dict[str, object]]) -> int:
    """Amendments from the runs of one paragraph; returns the offset after it in the original text."""
    group: list[RevRun] = []
    group_start = offset

    def close() -> None:
        if not group:
            return
        author, date = _author([r.revision for r in group])
        old = "".join(r.text for r in group if r.revision is not None and r.revision.kind is RevisionKind.DELETE)
        new = "".join(r.text for r in group if r.revision is not None and r.revision.kind is RevisionKind.INSERT)
        kind = AmendmentKind.REPLACE if old and new else AmendmentKind.DELETE if old else AmendmentKind.INSERT
        build.add(author, date, base_id, kind, old, new, group_start)
        group.clear()

    for run in p.runs:
        rev = run.revision
        if run.outer is not None:
            continue  # deleted inside someone's insertion: in neither view
        if run.format_change is not None and rev is None:
            build.add(run.format_change.author, run.format_change.date, base_id, AmendmentKind.FORMAT, run.text,
                      run.text, offset, context="formatting changed")
        if rev is None or rev.kind not in (RevisionKind.INSERT, RevisionKind.DELETE):
            close()
            if rev is not None and rev.kind in (RevisionKind.MOVE_FROM, RevisionKind.MOVE_TO):
                key = rev.move_name or f"{rev.kind.value}-{rev.id}"
                move = moves.setdefault(key, {"author": rev.author, "date": rev.date})
                side = "from" if rev.kind is RevisionKind.MOVE_FROM else "to"
                move[side] = str(move.get(side, "")) + run.text
                if side == "from":
                    move.setdefault("from_paragraph", base_id)
                    move.setdefault("position", offset)
                else:
                    move.setdefault("to_paragraph", base_id)
                    move.setdefault("to_position", offset)
                    move.setdefault("position", offset)
            if rev is None or rev.kind is RevisionKind.MOVE_FROM:
                offset += len(run.text)
            continue
        if group and (group[-1].revision is None or group[-1].revision.author != rev.author):
            close()
        if not group:
            group_start = offset
        group.append(run)
        if rev.kind is RevisionKind.DELETE:
            offset += len(run.text)
    close()
    return offset


def _chain_ids(paragraphs: Sequence[RevParagraph], chains: list[list[int]],
               original: Sequence[VersionParagraph], base: Sequence[VersionParagraph] | None) -> list[str | None]:
    """The base paragraph id of each original-view paragraph: its own bookmark, else by alignment."""
    own = [next((paragraph_id(paragraphs[i]) for i in chain if paragraph_id(paragraphs[i])), None) for chain in chains]
    if base is None or all(own) or len(original) != len(chains):
        return own
    by_alignment: dict[int, str | None] = {}
    for pair in align_paragraphs(paragraph_pairs(original), paragraph_pairs(base)):
        if pair.old is not None and pair.new is not None:
            by_alignment[pair.old] = base[pair.new].id
    return [mine or by_alignment.get(index) for index, mine in enumerate(own)]


def untracked_amendments(base: Sequence[VersionParagraph], original: Sequence[VersionParagraph], delegation: str,
                         registry: Registry | None, date: str | None = None) -> list[Amendment]:
    """Differences between the base and what the submission says the base was: edits made with Track Changes off."""
    build = _Builder(registry, stories=_stories(base))
    previous_id: str | None = None
    for diff in compare(base, original):
        base_id = base[diff.old].id if diff.old is not None else None
        if diff.old is None:
            assert diff.new is not None
            if not original[diff.new].text.strip():
                continue  # an empty paragraph (Word's after a table, a blank line): no text to propose
            build.add(delegation, date, previous_id, AmendmentKind.PARAGRAPH_INSERT, "", original[diff.new].text, 0,
                      tracked=False, context="after" if previous_id else "at start")
            continue
        if diff.new is None:
            build.add(delegation, date, base_id, AmendmentKind.PARAGRAPH_DELETE, base[diff.old].text, "", 0,
                      tracked=False)
        elif diff.moved:  # moved elsewhere (and perhaps edited): one move, as a tracked whole-paragraph move reads
            build.add(delegation, date, base_id, AmendmentKind.MOVE, base[diff.old].text, original[diff.new].text, 0,
                      tracked=False, context=f"moved after {previous_id}" if previous_id else "moved to the start")
        else:
            for hunk in hunks(diff.edits):
                kind = (AmendmentKind.REPLACE if hunk.old and hunk.new else
                        AmendmentKind.DELETE if hunk.old else AmendmentKind.INSERT)
                build.add(delegation, date, base_id, kind, hunk.old, hunk.new, hunk.position, tracked=False)
        previous_id = base_id or previous_id
    return build.out


def submission_amendments(submission: Version, docx: DocxVersion | None, base: Sequence[VersionParagraph] | None,
                          *, delegation: str | None, registry: Registry | None) -> list[Amendment]:
    """All amendments of a submission: its tracked changes, plus untracked differences from `base`."""
    amendments = tracked_amendments(docx, registry, base) if docx is not None else []
    if base is not None:
        who = delegation or _main_author(amendments) or UNKNOWN_AUTHOR
        amendments += untracked_amendments(base, _without_written_labels(submission.original, base), who, registry)
    return amendments


def _without_written_labels(paragraphs: Sequence[VersionParagraph],
                            base: Sequence[VersionParagraph]) -> list[VersionParagraph]:
    """`paragraphs` (a .docx's original view) without the labels the revision wrote as text: the base texts
    have none, so a label would read as an untracked insertion. Markdown and plain text are read without
    labels already."""
    base_text = {p.id: p.text for p in base if p.id}
    out = []
    for p in paragraphs:
        label = written_label(p.text, base_text.get(p.id) if p.id else None)
        out.append(VersionParagraph(p.id, p.text[len(label):].lstrip()) if label else p)
    return out


def _main_author(amendments: Sequence[Amendment]) -> str | None:
    counts: dict[str, int] = {}
    for amendment in amendments:
        counts[amendment.author] = counts.get(amendment.author, 0) + 1
    return max(sorted(counts), key=lambda a: counts[a]) if counts else None
