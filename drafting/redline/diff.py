"""Word-level diff of two versions of a text, marked the way a legal drafter marks an amendment.

Pipeline: `tokenize` both versions -> compare tokens by their `normalise`d form -> map each distinct
normalised token to one code point (own encoder: vocabulary in order of first appearance, old version
first, surrogates 0xD800-0xDFFF skipped) -> diff-match-patch ``diff_main(c1, c2, False)`` with
``Diff_Timeout = 0`` -> the drafter's cleanup below, on whole tokens -> `Edit` runs holding the original
characters.

Comparison policy (`normalise`). Two tokens are equal when their normalised forms are:
  - line breaks: CRLF and CR count as LF;
  - NBSP and every other Unicode space separator (category Zs) count as ' ', and a run of spaces as one;
  - curly single quotes and apostrophes (U+2018, U+2019, U+201B) count as ``'``, curly double quotes
    (U+201C, U+201D, U+201F) as ``"``; other quotation marks (guillemets, low-9 quotes) and all dashes are
    significant;
  - invisible characters are ignored: soft hyphen, zero-width space, word joiner, BOM, LRM, RLM, ALM;
  - the result is NFC. NFKC is not used: superscripts, ligatures and full-width forms stay significant.
Case is significant. A difference that this policy erases never produces a change (bad-inputs D2).

Output policy. An EQUAL run carries the NEW version's characters in `Edit.text`; when the old version's
characters differ (only as the policy allows) they are kept in `Edit.old`. So EQUAL + INSERT texts give
exactly the new version, and `old_version` (EQUAL `old` or `text`, + DELETE texts) gives exactly the old
one; plain EQUAL + DELETE texts give the old version up to `normalise`.

Cleanup rules, applied on whole tokens so that no change ever splits a word or a grapheme:
  1. each change is at most one DELETE followed by one INSERT (deletion first, as drafters and Word do);
  2. an unchanged island between two changes joins them into one change when it holds no word
     (whitespace or punctuation only; not when both changes are pure insertions or both pure
     deletions), or, when both changes are replacements, when it holds one word of at most 3
     characters or is at most half as long as each neighbouring change (longest side, in characters);
  3. tokens common to the start or end of a change's deleted and inserted text go back to the
     neighbouring unchanged text (``urges`` -> ``calls upon``, not ``urges `` -> ``calls upon ``);
  4. a pure insertion or deletion that could slide over identical tokens is placed at the best word
     boundary: text edges first, then whitespace, then punctuation; on a tie the change starts with
     a word rather than a space (``all [+Member +]States``), then the leftmost place wins.

Large inputs. Inputs longer than `MAX_CHARS` characters or `MAX_TOKENS` tokens on one side are refused
with `DraftingInputError`. Within the caps the result never depends on the clock (``Diff_Timeout = 0``;
diff-match-patch still reads the clock, but its deadline is never reached). After the common prefix and
suffix are set aside, a stretch of at most `SMALL_STRETCH` tokens (both sides; any paragraph of up to
some 500 words) is diffed exactly. A longer stretch is first split at anchors, as in patience diff:
runs of `ANCHOR_SPAN` tokens found exactly once on each side, kept in order by a longest increasing
subsequence; the pieces are diffed in turn. A stretch with no anchor is still diffed exactly when it
has at most `DIRECT_STRETCH` tokens and at most `EDIT_BUDGET` edits are needed by a multiset count;
otherwise it is shown as one replacement. This deterministic rule is what keeps two unrelated 1 MB texts
at about a second instead of hours, while similar long texts (scattered edits) still get a fine diff.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from diff_match_patch import diff_match_patch

from drafting.errors import DraftingInputError

MAX_CHARS = 4_000_000
"""Longest text (per side, in code points) that `diff_words` accepts."""

MAX_TOKENS = 500_000
"""Most tokens (per side) that `diff_words` accepts; a 1 MB text of English prose has about 340,000."""

SMALL_STRETCH = 1_000
"""Tokens (both sides together) up to which a stretch is always diffed exactly."""

DIRECT_STRETCH = 4_000
"""Tokens (both sides together) up to which an anchorless stretch with few edits is still diffed exactly."""

EDIT_BUDGET = 200
"""Most edits (a lower bound: the multiset difference) for the exact diff of an anchorless stretch."""

ANCHOR_SPAN = 11
"""Tokens (six words and the five spaces between) in an anchor: a run found exactly once on each side."""

SHORT_WORD = 3
"""Longest word (in characters) that an unchanged island may hold and still join two replacements."""


class Op(StrEnum):
    EQUAL = "equal"
    INSERT = "insert"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class Edit:
    """One run of a redline: `text` kept (EQUAL, new version's characters), inserted or deleted.

    `old` is set only on an EQUAL run whose old-version characters differ from `text` (by NBSP, NFD,
    quote style or the like, see `normalise`); it holds those old characters.
    """

    op: Op
    text: str
    old: str | None = None

    @property
    def before(self) -> str:
        """This run's characters in the old version ("" for an insertion)."""
        if self.op is Op.INSERT:
            return ""
        return self.text if self.old is None else self.old

    @property
    def after(self) -> str:
        """This run's characters in the new version ("" for a deletion)."""
        return "" if self.op is Op.DELETE else self.text


def old_version(edits: Iterable[Edit]) -> str:
    """The old version, exactly, rebuilt from `edits`."""
    return "".join(e.before for e in edits)


def new_version(edits: Iterable[Edit]) -> str:
    """The new version, exactly, rebuilt from `edits`."""
    return "".join(e.after for e in edits)


# -- character classes ----------------------------------------------------------------------------------

_WORD_CHAR = re.compile(r"\w")

# Grapheme-extending characters (UAX #29 Extend, SpacingMark, ZWJ) that are not word characters.
_EXTEND_EXTRA = ((0x200C, 0x200D), (0x1F3FB, 0x1F3FF), (0xE0020, 0xE007F))
# Prepended concatenation marks and other Prepend characters (UAX #29, Unicode 14).
_PREPEND = (
    (0x0600, 0x0605),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x0D4E, 0x0D4E),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x111C2, 0x111C3),
    (0x1193F, 0x1193F),
    (0x11941, 0x11941),
    (0x11A3A, 0x11A3A),
    (0x11A84, 0x11A89),
    (0x11D46, 0x11D46),
)
# An approximation of Extended_Pictographic, enough for emoji ZWJ sequences.
_PICTOGRAPHIC = (
    (0x00A9, 0x00A9),
    (0x00AE, 0x00AE),
    (0x203C, 0x203C),
    (0x2049, 0x2049),
    (0x2122, 0x2122),
    (0x2139, 0x2139),
    (0x2194, 0x2199),
    (0x21A9, 0x21AA),
    (0x231A, 0x231B),
    (0x2328, 0x2328),
    (0x23CF, 0x23CF),
    (0x23E9, 0x23F3),
    (0x23F8, 0x23FA),
    (0x24C2, 0x24C2),
    (0x25AA, 0x25AB),
    (0x25B6, 0x25B6),
    (0x25C0, 0x25C0),
    (0x25FB, 0x25FE),
    (0x2600, 0x27BF),
    (0x2934, 0x2935),
    (0x2B05, 0x2B07),
    (0x2B1B, 0x2B1C),
    (0x2B50, 0x2B50),
    (0x2B55, 0x2B55),
    (0x3030, 0x3030),
    (0x303D, 0x303D),
    (0x3297, 0x3297),
    (0x3299, 0x3299),
    (0x1F000, 0x1F1E5),
    (0x1F200, 0x1F3FA),
    (0x1F400, 0x1FAFF),
    (0x1FC00, 0x1FFFD),
)
_REGIONAL_INDICATOR = ((0x1F1E6, 0x1F1FF),)
# Ignored by the comparison policy; they never start a token of their own.
_INVISIBLE = (0x00AD, 0x061C, 0x200B, 0x200E, 0x200F, 0x2060, 0xFEFF)


def _extending(cp: int) -> bool:
    ch = chr(cp)
    return unicodedata.category(ch) in ("Mn", "Mc", "Me") and not _WORD_CHAR.match(ch)


def _char_class(spans: Iterable[tuple[int, int]]) -> str:
    """A regex character-class body for the inclusive code-point `spans`."""
    return "".join(f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in spans)


def _one_of(spans: Iterable[tuple[int, int]]) -> str:
    """A regex matching one character of `spans`; BMP and astral parts are split so that `re` can use a
    bitmap for the BMP part instead of scanning a list of ranges."""
    spans = list(spans)
    bmp = [(lo, min(hi, 0xFFFF)) for lo, hi in spans if lo <= 0xFFFF]
    astral = [(max(lo, 0x10000), hi) for lo, hi in spans if hi > 0xFFFF]
    parts = [f"[{_char_class(part)}]" for part in (bmp, astral) if part]
    return parts[0] if len(parts) == 1 else f"(?:{'|'.join(parts)})"


def _spans(codes: Iterable[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for cp in sorted(set(codes)):
        if out and out[-1][1] == cp - 1:
            out[-1] = (out[-1][0], cp)
        else:
            out.append((cp, cp))
    return out


def _extend_spans() -> list[tuple[int, int]]:
    """The extending code points (marks that are not word characters), as spans. Computing them scans the
    code space (~50 ms), so the result is kept in the on-disk cache, keyed by Python's Unicode version."""
    import json

    from drafting.support import cache

    key = cache.key_of("extend-spans", "1", unicodedata.unidata_version,
                       cache.fingerprint((Path(__file__).resolve(),), ()))
    stored = cache.load("unicode", key)
    if stored is not None:
        try:
            return [(int(lo), int(hi)) for lo, hi in json.loads(stored)]
        except (ValueError, TypeError):
            pass  # not what we wrote: compute again
    spans = _compute_extend_spans()
    cache.store("unicode", key, json.dumps(spans).encode("ascii"))
    return spans


def _compute_extend_spans() -> list[tuple[int, int]]:
    codes = [cp for cp in range(0x20000) if _extending(cp)]
    codes += [cp for cp in range(0xE0100, 0xE01F0) if _extending(cp)]
    for lo, hi in _EXTEND_EXTRA:
        codes.extend(range(lo, hi + 1))
    return _spans(codes)


def _unicode_token() -> re.Pattern[str]:
    global _TOKEN
    if _TOKEN is None:
        _TOKEN = _token_pattern()
    return _TOKEN


def _token_pattern() -> re.Pattern[str]:
    ext = _one_of(_extend_spans())
    pre = f"{_one_of(_PREPEND)}*"
    inv = _char_class(_spans(_INVISIBLE))
    pict = _one_of(_PICTOGRAPHIC)
    ri = _one_of(_REGIONAL_INDICATOR)
    # (x ext*)+ written as x+(?:ext+ x*)* so that plain runs of x need no per-character group.
    word_run = rf"\w+(?:{ext}+\w*)*"
    word = rf"{pre}{word_run}(?:(?:[{inv}]+|(?<=\d)[.,:/](?=\d)){word_run})*"
    space = rf"[\s{inv}]+(?:{ext}+[\s{inv}]*)*"
    other = rf"{pre}(?:\r\n|{ri}{ri}|{pict}{ext}*(?:(?<=\u200d){pict}{ext}*)*|.){ext}*"
    return re.compile(f"{word}|{space}|{other}", re.DOTALL)


_TOKEN: re.Pattern[str] | None = None  # built on first text that needs it (its classes take ~35 ms to compile)
_ASCII_TOKEN = re.compile(r"\w+(?:(?<=\d)[.,:/](?=\d)\w+)*|\s+|.", re.DOTALL)
"""The same tokens as `_TOKEN` for ASCII-only text, found about four times faster."""


@functools.cache
def _special_characters() -> frozenset[str]:
    """Characters only the full pattern handles: extending, prepended, pictographic, regional indicators."""
    spans = [*_extend_spans(), *_PREPEND, *_PICTOGRAPHIC, *_REGIONAL_INDICATOR]
    return frozenset(chr(cp) for lo, hi in spans for cp in range(lo, hi + 1))


@functools.cache
def _plain_unicode_token() -> re.Pattern[str]:
    """`_TOKEN` for text without special characters (most text in any script): the same tokens, without
    the large classes that make the full pattern slow to compile."""
    inv = _char_class(_spans(_INVISIBLE))
    return re.compile(rf"\w+(?:(?:[{inv}]+|(?<=\d)[.,:/](?=\d))\w+)*|[\s{inv}]+|\r\n|.", re.DOTALL)


def _token_pattern_for(text: str) -> re.Pattern[str]:
    if text.isascii():
        return _ASCII_TOKEN
    if _special_characters().isdisjoint(text):
        return _plain_unicode_token()
    return _unicode_token()

# -- comparison policy ----------------------------------------------------------------------------------

_POLICY_TABLE: dict[int, str | None] = {cp: " " for cp in range(0x3001) if unicodedata.category(chr(cp)) == "Zs"}
_POLICY_TABLE.update({0x2018: "'", 0x2019: "'", 0x201B: "'", 0x201C: '"', 0x201D: '"', 0x201F: '"'})
_POLICY_TABLE.update(dict.fromkeys(_INVISIBLE))
_POLICY_TABLE[ord("\r")] = "\n"
_SPACE_RUN = re.compile("  +")


def normalise(text: str) -> str:
    """The form in which `text` is compared: see the module docstring for the policy.

    Two texts with the same normalised form give no change at all.
    """
    if text.isascii() and "\r" not in text and "  " not in text:
        return text  # the policy changes no ASCII character but CR and runs of spaces; NFC keeps ASCII
    text = text.replace("\r\n", "\n").translate(_POLICY_TABLE)
    return _SPACE_RUN.sub(" ", unicodedata.normalize("NFC", text))


# -- tokens ---------------------------------------------------------------------------------------------

_SPACE, _WORD, _PUNCT = 0, 1, 2


def tokenize(text: str) -> list[str]:
    """Split `text` into words, whitespace runs and single punctuation marks or symbols.

    Tokens concatenate back to `text`, never split a grapheme cluster (combining marks, emoji with
    skin tones, ZWJ sequences and flags, Arabic harakat stay whole), and keep numbers such as ``1,000``
    or ``3.5`` in one piece. A run of ignored characters (soft hyphen, zero-width space …) joins the
    token before it.
    """
    return _tokens_and_keys(text)[0]


def words(text: str) -> list[str]:
    """The words of `text` (no spaces, no punctuation), normalised and case-folded, for similarity."""
    return [key.casefold() for key in _tokens_and_keys(text)[1] if _token_class(key) == _WORD]


def _key(token: str) -> str:
    if token.isascii() and "\r" not in token and "  " not in token:
        return token
    return normalise(token)


def _tokens_and_keys(text: str) -> tuple[list[str], list[str]]:
    tokens = _token_pattern_for(text).findall(text)
    if text.isascii() and "\r" not in text and "  " not in text and "" not in tokens:
        return tokens, list(tokens)  # every token is its own key (`_key`), none of them ignored
    key_of = {tok: _key(tok) for tok in dict.fromkeys(tokens)}
    keys = list(map(key_of.__getitem__, tokens))
    if "" not in key_of.values() or len(tokens) < 2:
        return tokens, keys
    # Tokens that the policy ignores entirely join their neighbour so that they cannot show as changes.
    out_t: list[str] = []
    out_k: list[str] = []
    lead = ""
    for tok, key in zip(tokens, keys, strict=True):
        if key == "":
            if out_t:
                out_t[-1] += tok
            else:
                lead += tok
            continue
        out_t.append(lead + tok)
        out_k.append(key)
        lead = ""
    if lead:
        out_t.append(lead)
        out_k.append("")
    return out_t, out_k


@functools.lru_cache(maxsize=65_536)
def _token_class(key: str) -> int:
    if not key or key[0].isspace():
        return _SPACE
    if _WORD_CHAR.match(key) or key[0] in _PREPEND_CHARS:
        return _WORD
    return _PUNCT


_PREPEND_CHARS = frozenset(chr(cp) for lo, hi in _PREPEND for cp in range(lo, hi + 1))

# -- diff on token codes ---------------------------------------------------------------------------------


_FIRST_CODES = "".join(map(chr, range(1, 4097)))
"""The first code points `_encode` hands out, in order (all below the surrogates)."""


def _encode(keys_a: Sequence[str], keys_b: Sequence[str]) -> tuple[str, str]:
    """One code point per distinct key, numbered by first appearance (old version first), no surrogates."""
    distinct = dict.fromkeys(itertools.chain(keys_a, keys_b))
    if len(distinct) > 0x10FFFF - 0x800:
        raise DraftingInputError("too many distinct words to compare")
    if len(distinct) <= len(_FIRST_CODES):  # a paragraph's words: the same codes, from a string made once
        vocab = dict(zip(distinct, _FIRST_CODES, strict=False))
    else:
        codes = itertools.chain(range(1, 0xD800), range(0xE000, 0x110000))
        vocab = {key: chr(cp) for key, cp in zip(distinct, codes, strict=False)}
    return "".join(map(vocab.__getitem__, keys_a)), "".join(map(vocab.__getitem__, keys_b))


def _edit_lower_bound(a: str, b: str) -> int:
    """A lower bound on insertions plus deletions: the multiset difference of the two token strings."""
    ca, cb = Counter(a), Counter(b)
    return sum(abs(n - cb.get(ch, 0)) for ch, n in ca.items()) + sum(n for ch, n in cb.items() if ch not in ca)


def longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest subsequence of `pairs` (sorted by first item) whose second items strictly increase."""
    tail_vals: list[int] = []
    tail_idx: list[int] = []
    prev = [-1] * len(pairs)
    for idx, (_, j) in enumerate(pairs):
        k = bisect_left(tail_vals, j)
        if k == len(tail_vals):
            tail_vals.append(j)
            tail_idx.append(idx)
        else:
            tail_vals[k] = j
            tail_idx[k] = idx
        prev[idx] = tail_idx[k - 1] if k else -1
    out = []
    idx = tail_idx[-1] if tail_idx else -1
    while idx >= 0:
        out.append(pairs[idx])
        idx = prev[idx]
    out.reverse()
    return out


def _anchors(a: str, b: str) -> list[tuple[int, int]]:
    """Patience-diff anchors: runs of `ANCHOR_SPAN` tokens found once on each side, kept in common order."""
    k = ANCHOR_SPAN
    grams_a = Counter(a[i : i + k] for i in range(len(a) - k + 1))
    grams_b = Counter(b[j : j + k] for j in range(len(b) - k + 1))
    unique = {g for g, n in grams_a.items() if n == 1 and grams_b.get(g) == 1}
    if not unique:
        return []
    pos_b = {g: j for j in range(len(b) - k + 1) if (g := b[j : j + k]) in unique}
    pairs = [(i, pos_b[g]) for i in range(len(a) - k + 1) if (g := a[i : i + k]) in unique]
    return longest_increasing(pairs)


@functools.cache
def _dmp() -> diff_match_patch:
    """The one diff-match-patch differ (its settings are all it holds between calls)."""
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0  # never the wall-clock fallback
    return dmp


def _lone_change(sa: str, sb: str) -> bool:
    """Whether one side of a stretch (its common prefix and suffix set aside) is one token that the other
    side lacks: what diff-match-patch then gives (and any branch below) is that token deleted and the other
    side inserted, so it is not asked (the usual one-word replacement)."""
    return (len(sa) == 1 and sa not in sb) or (len(sb) == 1 and sb not in sa)


def _diff_codes(a: str, b: str) -> list[tuple[int, int]]:
    """Align token-code strings `a` and `b`: runs of (op, token count), op -1 delete, 0 equal, 1 insert."""
    dmp = _dmp()
    runs: list[tuple[int, int]] = []
    # The work stack holds tasks (a0, a1, b0, b1) and ready runs (op, count), popped in document order.
    stack: list[tuple[int, ...]] = [(0, len(a), 0, len(b))]
    while stack:
        item = stack.pop()
        if len(item) == 2:
            if item[1]:
                runs.append((item[0], item[1]))
            continue
        a0, a1, b0, b1 = item
        sa, sb = a[a0:a1], b[b0:b1]
        p = dmp.diff_commonPrefix(sa, sb)
        sa, sb = sa[p:], sb[p:]
        s = dmp.diff_commonSuffix(sa, sb)
        if s:
            sa, sb = sa[:-s], sb[:-s]
        pieces: list[tuple[int, ...]] = [(0, p)]
        n, m = len(sa), len(sb)
        anchors = [] if not n or not m or n + m <= SMALL_STRETCH else _anchors(sa, sb)
        if not n or not m or _lone_change(sa, sb):
            pieces += [(-1, n), (1, m)]
        elif anchors:
            i0, j0 = a0 + p, b0 + p
            pi = pj = 0
            for i, j in anchors:
                pieces += [(i0 + pi, i0 + i, j0 + pj, j0 + j), (0, 1)]
                pi, pj = i + 1, j + 1
            pieces.append((i0 + pi, i0 + n, j0 + pj, j0 + m))
        elif n + m <= SMALL_STRETCH or (n + m <= DIRECT_STRETCH and _edit_lower_bound(sa, sb) <= EDIT_BUDGET):
            pieces += [(op, len(text)) for op, text in dmp.diff_main(sa, sb, False)]
        else:
            pieces += [(-1, n), (1, m)]
        pieces.append((0, s))
        stack.extend(reversed(pieces))
    return runs


# -- drafter's cleanup -------------------------------------------------------------------------------------


class _Block:
    """A stretch of the alignment: unchanged (`equal`) or one change, as token ranges on both sides."""

    __slots__ = ("a0", "a1", "b0", "b1", "equal")

    def __init__(self, equal: bool, a0: int, a1: int, b0: int, b1: int) -> None:
        self.equal, self.a0, self.a1, self.b0, self.b1 = equal, a0, a1, b0, b1

    @property
    def replacement(self) -> bool:
        return self.a0 < self.a1 and self.b0 < self.b1

    @property
    def empty(self) -> bool:
        return self.a0 == self.a1 and self.b0 == self.b1


class _Redline:
    """Token lists, keys and classes of both versions, with the cleanup steps over `_Block`s."""

    def __init__(self, ta: list[str], ka: list[str], tb: list[str], kb: list[str]) -> None:
        self.ta, self.ka, self.tb, self.kb = ta, ka, tb, kb

    # Token classes and running lengths, computed when a rule first asks (most paragraphs' few changes
    # never need them: one change has no island to join, and most insertions cannot slide).

    @functools.cached_property
    def _class_of(self) -> dict[str, int]:
        return {k: _token_class(k) for k in dict.fromkeys(itertools.chain(self.ka, self.kb))}

    @functools.cached_property
    def cls_a(self) -> list[int]:
        return list(map(self._class_of.__getitem__, self.ka))

    @functools.cached_property
    def cls_b(self) -> list[int]:
        return list(map(self._class_of.__getitem__, self.kb))

    @functools.cached_property
    def len_a(self) -> list[int]:
        return list(itertools.accumulate(map(len, self.ta), initial=0))

    @functools.cached_property
    def len_b(self) -> list[int]:
        return list(itertools.accumulate(map(len, self.tb), initial=0))

    @functools.cached_property
    def words_b(self) -> list[int]:
        return list(itertools.accumulate((c == _WORD for c in self.cls_b), initial=0))

    # -- building ---------------------------------------------------------------------------------------

    @staticmethod
    def blocks(runs: Iterable[tuple[int, int]]) -> list[_Block]:
        """Rule 1: every maximal run of deletions and insertions becomes one change block."""
        out: list[_Block] = []
        a = b = 0
        for op, n in runs:
            if op == 0:
                out.append(_Block(True, a, a + n, b, b + n))
                a += n
                b += n
                continue
            if not out or out[-1].equal:
                out.append(_Block(False, a, a, b, b))
            if op < 0:
                a += n
                out[-1].a1 = a
            else:
                b += n
                out[-1].b1 = b
        return _merged(out)

    # -- rule 2: islands --------------------------------------------------------------------------------

    def _size(self, blk: _Block) -> int:
        return max(self.len_a[blk.a1] - self.len_a[blk.a0], self.len_b[blk.b1] - self.len_b[blk.b0])

    def _joins(self, left: _Block, island: _Block, right: _Block) -> bool:
        words = self.words_b[island.b1] - self.words_b[island.b0]
        if words == 0:
            same_pure = (not left.replacement and not right.replacement) and (
                (left.a0 == left.a1) == (right.a0 == right.a1)
            )
            return not same_pure
        if not (left.replacement and right.replacement):
            return False
        chars = self.len_b[island.b1] - self.len_b[island.b0]
        if words == 1:
            word = next(self.tb[j] for j in range(island.b0, island.b1) if self.cls_b[j] == _WORD)
            if len(word) <= SHORT_WORD:
                return True
        return 2 * chars <= min(self._size(left), self._size(right))

    def join_islands(self, blocks: list[_Block]) -> list[_Block]:
        out: list[_Block] = []
        for blk in blocks:
            if not blk.equal:
                while len(out) >= 2 and not out[-2].equal and self._joins(out[-2], out[-1], blk):
                    out.pop()
                    left = out.pop()
                    blk = _Block(False, left.a0, blk.a1, left.b0, blk.b1)
            out.append(blk)
        return out

    # -- rule 3: trim ------------------------------------------------------------------------------------

    def trim(self, blocks: list[_Block]) -> list[_Block]:
        ka, kb = self.ka, self.kb
        out: list[_Block] = []
        for blk in blocks:
            if blk.equal or not blk.replacement:
                out.append(blk)
                continue
            a0, a1, b0, b1 = blk.a0, blk.a1, blk.b0, blk.b1
            while a0 < a1 and b0 < b1 and ka[a0] == kb[b0]:
                a0 += 1
                b0 += 1
            out.append(_Block(True, blk.a0, a0, blk.b0, b0))
            end_a, end_b = a1, b1
            while a1 > a0 and b1 > b0 and ka[a1 - 1] == kb[b1 - 1]:
                a1 -= 1
                b1 -= 1
            out.append(_Block(False, a0, a1, b0, b1))
            out.append(_Block(True, a1, end_a, b1, end_b))
        return _merged(out)

    # -- rule 4: slide -----------------------------------------------------------------------------------

    def slide(self, blocks: list[_Block]) -> list[_Block]:
        end_a, end_b = len(self.ta), len(self.tb)
        # Empty equal blocks at both ends give every change a neighbour on each side to grow.
        blocks = [_Block(True, 0, 0, 0, 0), *blocks, _Block(True, end_a, end_a, end_b, end_b)]
        for i in range(1, len(blocks) - 1):
            blk, prev, nxt = blocks[i], blocks[i - 1], blocks[i + 1]
            if blk.equal or blk.replacement or not (prev.equal and nxt.equal):
                continue
            # Never swallow a whole unchanged stretch that separates this change from another one.
            keep_left = 1 if i >= 2 and not blocks[i - 2].equal else 0
            keep_right = 1 if i + 2 < len(blocks) and not blocks[i + 2].equal else 0
            room_left = max(prev.a1 - prev.a0 - keep_left, 0)
            room_right = max(nxt.a1 - nxt.a0 - keep_right, 0)
            shift = self._best_shift(blk, room_left, room_right)
            if shift:
                for b in (blk, prev, nxt):
                    if b is not nxt:
                        b.a1 += shift
                        b.b1 += shift
                    if b is not prev:
                        b.a0 += shift
                        b.b0 += shift
        return _merged(blocks)

    def _best_shift(self, blk: _Block, room_left: int, room_right: int) -> int:
        inserted = blk.a0 == blk.a1
        keys, cls = (self.kb, self.cls_b) if inserted else (self.ka, self.cls_a)
        e0, e1 = (blk.b0, blk.b1) if inserted else (blk.a0, blk.a1)
        lo = 0
        while -lo < room_left and keys[e0 + lo - 1] == keys[e1 + lo - 1]:
            lo -= 1
        hi = 0
        while hi < room_right and keys[e0 + hi] == keys[e1 + hi]:
            hi += 1
        if lo == hi:
            return 0
        size = len(keys)

        def boundary(x: int, y: int) -> int:
            if x < 0 or y >= size:
                return 3
            pair = (cls[x], cls[y])
            if _SPACE in pair:
                return 2
            return 1 if _PUNCT in pair else 0

        def score(s: int) -> tuple[int, int, int]:
            f, last = e0 + s, e1 + s - 1
            return (boundary(f - 1, f) + boundary(last, last + 1), int(cls[f] != _SPACE), -s)

        return max(range(lo, hi + 1), key=score)

    # -- output --------------------------------------------------------------------------------------------

    def edits(self, blocks: Iterable[_Block]) -> list[Edit]:
        out: list[Edit] = []
        for blk in blocks:
            old = "".join(self.ta[blk.a0 : blk.a1])
            new = "".join(self.tb[blk.b0 : blk.b1])
            if blk.equal:
                if new or old:
                    out.append(Edit(Op.EQUAL, new, None if old == new else old))
                continue
            if old:
                out.append(Edit(Op.DELETE, old))
            if new:
                out.append(Edit(Op.INSERT, new))
        return out


def _merged(blocks: list[_Block]) -> list[_Block]:
    """Drop empty blocks and merge neighbours of the same kind."""
    out: list[_Block] = []
    for blk in blocks:
        if blk.empty:
            continue
        if out and out[-1].equal == blk.equal:
            out[-1].a1, out[-1].b1 = blk.a1, blk.b1
        else:
            out.append(_Block(blk.equal, blk.a0, blk.a1, blk.b0, blk.b1))
    return out


# -- entry point ------------------------------------------------------------------------------------------


def _checked_tokens(text: str, side: str) -> tuple[list[str], list[str]]:
    if len(text) > MAX_CHARS:
        raise DraftingInputError(f"{side} text is too long to compare: {len(text):,} characters (limit {MAX_CHARS:,})")
    tokens, keys = _tokens_and_keys(text)
    if len(tokens) > MAX_TOKENS:
        raise DraftingInputError(
            f"{side} text is too long to compare: {len(tokens):,} words and spaces (limit {MAX_TOKENS:,})"
        )
    return tokens, keys


def diff_words(old: str, new: str) -> list[Edit]:
    """Word-level redline turning `old` into `new`, deterministic and independent of the clock.

    Raises `DraftingInputError` when a side exceeds `MAX_CHARS` or `MAX_TOKENS`.
    """
    ta, ka = _checked_tokens(old, "old")
    tb, kb = _checked_tokens(new, "new")
    ca, cb = _encode(ka, kb)
    red = _Redline(ta, ka, tb, kb)
    blocks = red.blocks(_diff_codes(ca, cb))
    steps: tuple[Callable[[list[_Block]], list[_Block]], ...] = (red.join_islands, red.trim, red.slide)
    for step in steps:
        blocks = step(blocks)
    return red.edits(blocks)
