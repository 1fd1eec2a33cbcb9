"""Standard opening phrases of preambular and operative paragraphs (un-conventions.md §2).

Used by `drafting clauses check` (an opener outside the lexicon is a warning) and by `drafting lint`
(rules S4, S5, S17). First-person-plural declarations (profile S20: "We ... *Endorse*") are accepted by
matching the base form of an operative verb ("Endorses" -> "Endorse").
"""

from __future__ import annotations

from collections.abc import Iterable

PREAMBULAR = frozenset({
    "Acknowledging", "Acting", "Affirming", "Alarmed by", "Anxious", "Appreciating", "Approving",
    "Aware of", "Bearing in mind", "Believing", "Cognizant", "Concerned", "Confident", "Conscious",
    "Considering", "Contemplating", "Convinced", "Declaring", "Deeply concerned", "Deeply conscious",
    "Deeply convinced", "Deeply disturbed", "Deeply regretting", "Deploring", "Desiring", "Determined",
    "Emphasizing", "Expecting", "Expressing concern", "Expressing its appreciation",
    "Expressing its satisfaction", "Firmly convinced", "Fulfilling", "Fully alarmed", "Fully aware",
    "Fully believing", "Further deploring", "Further recalling", "Gravely concerned", "Guided by",
    "Having adopted", "Having considered", "Having devoted attention", "Having examined", "Having heard",
    "Having received", "Having reviewed", "Having studied", "Keeping in mind", "Noting", "Noting further",
    "Noting with appreciation", "Noting with approval", "Noting with concern", "Noting with deep concern",
    "Noting with regret", "Noting with satisfaction", "Observing", "Reaffirming", "Realizing", "Recalling",
    "Recognizing", "Referring", "Reiterating", "Reminding", "Seeking", "Stressing", "Taking into account",
    "Taking into consideration", "Taking note", "Underlining", "Viewing with appreciation", "Welcoming",
    "Having acknowledged", "Having affirmed", "Having borne in mind", "Having noted", "Having recalled",
    "Having taken into account", "Having welcomed",
})
"""73 entries of §2.1 plus its past-participle forms."""

PREAMBULAR_COMMON = frozenset({
    "Mindful of", "Encouraged by", "Emphasizing also", "Reaffirming its commitment to",
})
"""Common in UN texts though outside the lists (tagged [U]); accepted without warning."""

OPERATIVE = frozenset({
    "Accepts", "Adopts", "Affirms", "Approves", "Asks", "Authorizes", "Calls for", "Calls upon",
    "Condemns", "Confirms", "Congratulates", "Considers", "Decides", "Declares accordingly", "Deplores",
    "Designates", "Directs", "Draws the attention of", "Emphasizes", "Encourages", "Endorses", "Expresses",
    "Expresses its appreciation", "Expresses its hope", "Further invites", "Further proclaims",
    "Further recommends", "Further reminds", "Further requests", "Further resolves", "Hopes", "Insists",
    "Invites", "Notes", "Proclaims", "Proposes", "Reaffirms", "Recommends", "Regrets", "Reminds",
    "Requests", "Resolves", "Seeks", "Solemnly affirms", "Stresses", "Strongly condemns", "Strongly urges",
    "Suggests", "Supports", "Takes note of", "Takes note with appreciation of", "Transmits", "Trusts",
    "Urges",
})
"""54 entries of §2.2."""

OPERATIVE_COMMON = frozenset({
    "Welcomes", "Also decides", "Requests the Secretary-General to",
    "Decides to remain seized of the matter",
})
"""Common operative phrases outside the lists (tagged [U])."""

SECURITY_COUNCIL_ONLY = frozenset({"Demands"})
"""Verbs that belong to binding organs (S18): flagged for review in a ministerial outcome."""

_MODIFIERS = ("also", "further")


def _base_form(phrase: str) -> str:
    """'Endorses the' -> 'Endorse the': the first-person-plural form used in declarations (S20)."""
    first, _, rest = phrase.partition(" ")
    if first.endswith("ies") and len(first) > 4:
        first = first[:-3] + "y"
    elif first.endswith(("sses", "shes", "ches")):
        first = first[:-2]
    elif first.endswith("s") and not first.endswith("ss"):
        first = first[:-1]
    return f"{first} {rest}".strip()


def _variants(phrase: str) -> set[str]:
    """A phrase with its *also*/*further* forms (S17): 'Recalling also', 'Further recalling'."""
    out = {phrase}
    first, _, rest = phrase.partition(" ")
    for word in _MODIFIERS:
        out.add(f"{phrase} {word}")
        out.add(f"{word.capitalize()} {first.lower()} {rest}".strip())
        out.add(f"{first} {word} {rest}".strip())
    return out


def _expand(phrases: Iterable[str], *, base_forms: bool = False) -> frozenset[str]:
    out: set[str] = set()
    for phrase in phrases:
        for variant in _variants(phrase):
            out.add(variant.casefold())
            if base_forms:
                out.add(_base_form(variant).casefold())
    return frozenset(out)


_KNOWN = {
    "preambular": _expand(PREAMBULAR | PREAMBULAR_COMMON),
    "operative": _expand(OPERATIVE | OPERATIVE_COMMON, base_forms=True),
}


def kinds_with_lexicon() -> frozenset[str]:
    return frozenset(_KNOWN)


def is_standard_opening(kind: str, phrase: str, extra: Iterable[str] = ()) -> bool:
    """True when `phrase` is a standard opener for `kind` (or listed in `extra`); unknown kinds pass."""
    known = _KNOWN.get(kind)
    if known is None or not phrase:
        return True
    folded = " ".join(phrase.split()).casefold()
    if folded in known or folded in {e.casefold() for e in extra}:
        return True
    # Openers continue into the sentence ("Requests the Government of Kazakhstan"): accept a known prefix.
    words = folded.split(" ")
    return any(" ".join(words[:n]) in known for n in range(len(words) - 1, 0, -1))


def is_participle_opening(phrase: str) -> bool:
    """S4 fallback: an -ing participle, 'Having <participle>', or a known adjective opener."""
    first = phrase.split(" ", 1)[0].casefold() if phrase else ""
    return first.endswith("ing") or first == "having"


def is_third_person_verb(phrase: str) -> bool:
    """S5 fallback: a third-person-singular verb ('Decides')."""
    first = phrase.split(" ", 1)[0] if phrase else ""
    return first.endswith("s") and not first.endswith("ss") and first[:1].isupper()


def leading_opening(kind: str, text: str) -> str:
    """The opening phrase `text` starts with, as written: the longest standard opener of `kind` ("Takes note
    with appreciation of"), else a participle (preambular) or third-person verb (operative), else ""."""
    known = _KNOWN.get(kind, frozenset())
    words = text.split(" ")
    for n in range(min(len(words), 7), 0, -1):
        candidate = " ".join(words[:n])
        if candidate.casefold() in known and candidate[:1].isupper():
            return candidate.rstrip(",;:")
    first = words[0] if words else ""
    if kind == "preambular" and first[:1].isupper() and is_participle_opening(first):
        return first
    if kind == "operative" and is_third_person_verb(first):
        return first
    return ""
