"""Paragraph alignment of two versions of a document, done before each matched pair is word-diffed.

Evidence is used in this order:
  1. Stable ids. An id found exactly once on each side pairs its two paragraphs wherever they are. The
     id-matched pairs whose relative order survives (a longest increasing subsequence of old positions,
     taken in new order) are fixed points; every other id-matched pair is a move, flagged `moved=True`.
     An id found more than once on one side is disregarded on that side, and two paragraphs that both
     carry ids are never paired by text: different ids mean different paragraphs.
  2. Exact text. Between consecutive fixed points, the remaining paragraphs are matched on their
     `normalise`d text with difflib's ``SequenceMatcher(autojunk=False)``.
  3. Similarity. Between exact matches, an old and a new paragraph are paired as one modified paragraph
     when their word similarity is at least `SIMILARITY` (0.5): the Dice coefficient of their case-folded
     word multisets, 2 x shared words / (old words + new words); so a paragraph that keeps most of its
     words is a modification, not a deletion plus an insertion. Among the order-preserving sets of such
     pairs, the one with the greatest total similarity wins. When a stretch offers more than
     `MAX_CANDIDATES` possible pairs, only pairs sharing one of a paragraph's `RARE_WORDS` rarest words
     are scored (a bounded-time fallback for wholesale rewrites).

Output: one `Pair` per paragraph, in new-document order. A deleted paragraph (``new=None``) sits where it
was, after the paragraphs that preceded it in the old version; deletions come before insertions. Apart
from moves, old indices increase along the output too; a moved pair sits at its new place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from drafting.redline.diff import longest_increasing, normalise, words

SIMILARITY = 0.5
"""Least word similarity (Dice) at which two unmatched paragraphs count as one modified paragraph."""

MAX_CANDIDATES = 10_000
"""Most old x new paragraph pairs scored exhaustively in one unmatched stretch."""

RARE_WORDS = 4
"""Rarest words per paragraph used to find candidate pairs in a stretch too large to score exhaustively."""

MAX_POSTINGS = 64
"""Words found in more paragraphs than this (within a stretch) are not used to find candidates."""

Item = tuple[str | None, str]
"""A paragraph to align: its stable id (or None) and its text."""


@dataclass(frozen=True, slots=True)
class Pair:
    """One paragraph of the alignment: its index in the old and in the new version.

    `old` is None for an inserted paragraph, `new` None for a deleted one. `moved` marks an id-matched
    paragraph whose position relative to the others changed; it sits at its new place in the output.
    """

    old: int | None
    new: int | None
    moved: bool = False


def align_paragraphs(old: Sequence[Item], new: Sequence[Item]) -> list[Pair]:
    """Align the paragraphs of `old` and `new` (each a sequence of ``(id or None, text)``)."""
    return _Aligner(old, new).run()


class _Aligner:
    """The state of one alignment: usable ids, normalised texts and word counts, computed on demand."""

    def __init__(self, old: Sequence[Item], new: Sequence[Item]) -> None:
        self.old, self.new = old, new
        self.old_ids = _usable_ids(old)
        self.new_ids = _usable_ids(new)
        self._keys: dict[tuple[int, int], str] = {}
        self._words: dict[tuple[int, int], frozenset[tuple[str, int]]] = {}

    # -- per-paragraph data ------------------------------------------------------------------------------

    def key(self, side: int, index: int) -> str:
        found = self._keys.get((side, index))
        if found is None:
            text = (self.old if side == 0 else self.new)[index][1]
            found = self._keys[(side, index)] = normalise(text)
        return found

    def bag(self, side: int, index: int) -> frozenset[tuple[str, int]]:
        """The paragraph's word multiset as a set of (word, occurrence number), so that multiset
        intersection is plain set intersection."""
        found = self._words.get((side, index))
        if found is None:
            text = (self.old if side == 0 else self.new)[index][1]
            counts = Counter(words(text))
            found = frozenset((w, k) for w, n in counts.items() for k in range(n))
            self._words[(side, index)] = found
        return found

    def compatible(self, i: int, j: int) -> bool:
        return self.old_ids[i] is None or self.new_ids[j] is None

    # -- steps ---------------------------------------------------------------------------------------------

    def run(self) -> list[Pair]:
        pos_old = {pid: i for i, pid in enumerate(self.old_ids) if pid is not None}
        by_id = [(j, pos_old[pid]) for j, pid in enumerate(self.new_ids) if pid in pos_old]
        fixed = longest_increasing(by_id)
        fixed_set = set(fixed)
        moved = [Pair(i, j, True) for j, i in by_id if (j, i) not in fixed_set]
        taken_old = {i for _, i in by_id}
        taken_new = {j for j, _ in by_id}

        skeleton: list[Pair] = []
        prev_i = prev_j = -1
        for j, i in [*fixed, (len(self.new), len(self.old))]:
            gap_old = [x for x in range(prev_i + 1, i) if x not in taken_old]
            gap_new = [y for y in range(prev_j + 1, j) if y not in taken_new]
            skeleton += self.gap(gap_old, gap_new)
            if i < len(self.old):
                skeleton.append(Pair(i, j))
            prev_i, prev_j = i, j

        out: list[Pair] = []
        k = 0
        for pair in skeleton:
            if pair.new is not None:
                while k < len(moved) and moved[k].new < pair.new:  # type: ignore[operator]
                    out.append(moved[k])
                    k += 1
            out.append(pair)
        out += moved[k:]
        return out

    def gap(self, gap_old: list[int], gap_new: list[int]) -> list[Pair]:
        """Align a stretch without ids in common: exact matches first, then similar paragraphs."""
        if not gap_old or not gap_new:
            return [Pair(i, None) for i in gap_old] + [Pair(None, j) for j in gap_new]
        matcher = SequenceMatcher(
            None, [self.key(0, i) for i in gap_old], [self.key(1, j) for j in gap_new], autojunk=False
        )
        out: list[Pair] = []
        a0 = b0 = 0
        for a, b, size in matcher.get_matching_blocks():
            for t in range(size):
                i, j = gap_old[a + t], gap_new[b + t]
                if self.compatible(i, j):
                    out += self.similar(gap_old[a0 : a + t], gap_new[b0 : b + t])
                    out.append(Pair(i, j))
                    a0, b0 = a + t + 1, b + t + 1
        out += self.similar(gap_old[a0:], gap_new[b0:])
        return out

    def similar(self, sub_old: list[int], sub_new: list[int]) -> list[Pair]:
        """Pair similar paragraphs of a stretch with no exact matches, keeping the order."""
        if not sub_old or not sub_new:
            return [Pair(i, None) for i in sub_old] + [Pair(None, j) for j in sub_new]
        bags_old = [self.bag(0, i) for i in sub_old]
        bags_new = [self.bag(1, j) for j in sub_new]
        free_old = [self.old_ids[i] is None for i in sub_old]
        free_new = [self.new_ids[j] is None for j in sub_new]
        if len(sub_old) * len(sub_new) <= MAX_CANDIDATES:
            candidates = [(a, list(range(len(sub_new)))) for a in range(len(sub_old))]
        else:
            candidates = self.rare_word_candidates(bags_old, bags_new)
        scored = []
        for a, bs in candidates:
            bag_a = bags_old[a]
            na = len(bag_a)
            for b in bs:
                if not (free_old[a] or free_new[b]):
                    continue  # both carry (different) ids
                bag_b = bags_new[b]
                nb = len(bag_b)
                if not na and not nb:
                    sim = 1.0 if self.key(0, sub_old[a]) == self.key(1, sub_new[b]) else 0.0
                elif 2 * min(na, nb) < SIMILARITY * (na + nb):
                    continue  # too different in length to reach the threshold
                else:
                    sim = 2 * len(bag_a & bag_b) / (na + nb)
                if sim >= SIMILARITY:
                    scored.append((a, b, sim))
        out: list[Pair] = []
        a0 = b0 = 0
        for a, b in _best_chain(scored, len(sub_new)):
            out += [Pair(i, None) for i in sub_old[a0:a]] + [Pair(None, j) for j in sub_new[b0:b]]
            out.append(Pair(sub_old[a], sub_new[b]))
            a0, b0 = a + 1, b + 1
        out += [Pair(i, None) for i in sub_old[a0:]] + [Pair(None, j) for j in sub_new[b0:]]
        return out

    @staticmethod
    def rare_word_candidates(
        bags_old: list[frozenset[tuple[str, int]]], bags_new: list[frozenset[tuple[str, int]]]
    ) -> list[tuple[int, list[int]]]:
        """Pairs sharing one of either paragraph's rarest words (rarity counted within the stretch)."""
        sets_old = [{w for w, _ in bag} for bag in bags_old]
        sets_new = [{w for w, _ in bag} for bag in bags_new]
        df: Counter[str] = Counter()
        for words_ in (*sets_old, *sets_new):
            df.update(words_)

        def index(sets: list[set[str]]) -> dict[str, list[int]]:
            postings: dict[str, list[int]] = {}
            for pos, words_ in enumerate(sets):
                for w in words_:
                    if df[w] <= MAX_POSTINGS:
                        postings.setdefault(w, []).append(pos)
            return postings

        def rare(words_: set[str]) -> list[str]:
            usable = (w for w in words_ if df[w] <= MAX_POSTINGS)
            return sorted(usable, key=lambda w: (df[w], w))[:RARE_WORDS]

        found: dict[int, set[int]] = {}
        in_new, in_old = index(sets_new), index(sets_old)
        for a, words_ in enumerate(sets_old):
            for w in rare(words_):
                found.setdefault(a, set()).update(in_new.get(w, ()))
        for b, words_ in enumerate(sets_new):
            for w in rare(words_):
                for a in in_old.get(w, ()):
                    found.setdefault(a, set()).add(b)
        return [(a, sorted(found[a])) for a in sorted(found)]


def _usable_ids(items: Sequence[Item]) -> list[str | None]:
    """Paragraph ids, with None for a missing or empty id and for one that repeats on this side."""
    counts = Counter(pid for pid, _ in items if pid)
    return [pid if pid and counts[pid] == 1 else None for pid, _ in items]


def _best_chain(scored: list[tuple[int, int, float]], width: int) -> list[tuple[int, int]]:
    """The chain of `scored` (a, b, weight) with a and b both strictly increasing and the greatest total
    weight, found with a Fenwick tree of prefix maxima over b."""
    if not scored:
        return []
    order = sorted(scored, key=lambda c: (c[0], -c[1]))
    tree: list[tuple[float, int]] = [(0.0, -1)] * (width + 1)
    back = [-1] * len(order)
    best: tuple[float, int] = (0.0, -1)
    for idx, (_, b, weight) in enumerate(order):
        pos, top = b, (0.0, -1)
        while pos > 0:
            top = max(top, tree[pos])
            pos -= pos & -pos
        back[idx] = top[1]
        entry = (top[0] + weight, idx)
        best = max(best, entry)
        pos = b + 1
        while pos <= width:
            if entry > tree[pos]:
                tree[pos] = entry
            pos += pos & -pos
    chain = []
    idx = best[1]
    while idx >= 0:
        chain.append((order[idx][0], order[idx][1]))
        idx = back[idx]
    chain.reverse()
    return chain
