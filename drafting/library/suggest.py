""""Did you mean …?": the closest known names to a mistyped one, for error messages.

Names are compared folded (case, accents, punctuation and spacing ignored), by edit distance (optimal string
alignment: a swap of two neighbouring letters counts once), so `operative.secretariat-sit` finds
`operative.secretariat-seat` and `UZBEKISTAN` finds the code `UZB` through the name `Uzbekistan`.

    >>> closest("operative.secretariat-sit", ["operative.secretariat-seat", "closing.thanks"])
    ['operative.secretariat-seat']
    >>> did_you_mean("UZBEKISTAN", {"Uzbekistan": "UZB", "UZB": "UZB", "Kazakhstan": "KAZ"})
    " (did you mean 'UZB'?)"
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

MAX_SUGGESTIONS = 3


_NOT_ALNUM = re.compile(r"[\W_]+")  # after NFKD, accents (combining marks) are not word characters either


def fold(text: str) -> str:
    """`text` for comparison: NFKD without accents, case-folded, only letters and digits kept."""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKD", text.casefold()))


def distance(a: str, b: str, limit: int | None = None) -> int:
    """Edit distance between `a` and `b` (insert, delete, substitute, swap neighbours: 1 each).

    With `limit`, any distance above it is reported as `limit + 1` (the search stops early)."""
    if a == b:
        return 0
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if limit is not None and min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1] if limit is None else min(previous[-1], limit + 1)


def _threshold(word: str) -> int:
    """How many edits a name of this length may be away and still be a plausible typo."""
    return max(1, min(4, len(word) // 3))


def closest(word: str, candidates: Iterable[str] | Mapping[str, str], *,
            limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Up to `limit` known names closest to `word`, best first.

    `candidates` is a list of names, or a mapping from every name a thing is known by (code, short name,
    formal name) to what should be suggested (the code): `{"Uzbekistan": "UZB", "UZB": "UZB"}`."""
    aliases: Mapping[str, str] = candidates if isinstance(candidates, Mapping) else {c: c for c in candidates}
    key = fold(word)
    if not key:
        return []
    allowed = _threshold(key)
    scored: dict[str, tuple[int, int, str]] = {}
    for alias, target in aliases.items():
        folded = fold(alias)
        if not folded:
            continue
        if folded == key:
            score = 0
        elif len(key) >= 4 and (folded.startswith(key) or (key.startswith(folded) and len(folded) >= 3)):
            score = 1  # a prefix: "Kazakh" for Kazakhstan, "secretariat" for secretariat-seat
        else:
            score = distance(key, folded, allowed)
            if score > allowed:
                continue
        rank = (score, abs(len(folded) - len(key)), target)
        if target not in scored or rank < scored[target]:
            scored[target] = rank
    return [target for target, _ in sorted(scored.items(), key=lambda item: item[1])][:limit]


def did_you_mean(word: str, candidates: Iterable[str] | Mapping[str, str], *,
                 limit: int = MAX_SUGGESTIONS, quote: bool = True) -> str:
    """`" (did you mean 'a' or 'b'?)"` for the closest names, or `""` when nothing is close (names
    unquoted with `quote=False`: " (did you mean Kazakhstan?)")."""
    found = closest(word, candidates, limit=limit)
    if not found:
        return ""
    quoted = [repr(name) if quote else name for name in found]
    listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + f" or {quoted[-1]}"
    return f" (did you mean {listed}?)"
