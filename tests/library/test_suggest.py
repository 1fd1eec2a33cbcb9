"""'Did you mean': edit distance over folded names."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from drafting.library.suggest import closest, did_you_mean, distance, fold

words = st.text(alphabet="abcdefgh-.", max_size=12)


def test_a_one_letter_typo_in_a_clause_id_is_found() -> None:
    ids = ["operative.secretariat-seat", "operative.endorse-rcf", "closing.thanks"]
    assert closest("operative.secretariat-sit", ids) == ["operative.secretariat-seat"]


def test_a_state_name_suggests_its_code() -> None:
    aliases = {"UZB": "UZB", "Uzbekistan": "UZB", "Republic of Uzbekistan": "UZB", "KAZ": "KAZ",
               "Kazakhstan": "KAZ"}
    assert did_you_mean("UZBEKISTAN", aliases) == " (did you mean 'UZB'?)"
    assert closest("Kazakstan", aliases) == ["KAZ"]


def test_accents_case_and_punctuation_are_folded() -> None:
    assert fold("Türkiye") == fold("TURKIYE") == "turkiye"
    assert fold("secretariat-seat") == fold("Secretariat Seat")
    assert closest("turkiye", {"Türkiye": "TUR"}) == ["TUR"]


def test_a_transposition_counts_once() -> None:
    assert distance("membreship", "membership") == 1
    assert closest("preambel", ["preamble", "operative"]) == ["preamble"]


def test_nothing_close_gives_no_hint() -> None:
    assert closest("zzzzzz", ["operative", "preamble"]) == []
    assert did_you_mean("zzzzzz", ["operative", "preamble"]) == ""
    assert did_you_mean("", ["operative"]) == ""


def test_several_close_names_are_listed_best_first() -> None:
    hint = did_you_mean("sit", ["seat", "site", "sits"])
    assert hint.startswith(" (did you mean 'site'") or hint.startswith(" (did you mean 'sits'")
    assert "or" in hint and hint.endswith("?)")
    assert len(closest("sit", ["seat", "site", "sits", "sito"], limit=2)) == 2


@given(words, words)
def test_distance_is_symmetric_and_bounded(a: str, b: str) -> None:
    d = distance(a, b)
    assert d == distance(b, a)
    assert abs(len(a) - len(b)) <= d <= max(len(a), len(b))
    assert (d == 0) == (a == b)


@given(words, st.text(alphabet="xyz", min_size=1, max_size=1), st.integers(min_value=0, max_value=12))
def test_one_insertion_is_distance_one(a: str, ch: str, at: int) -> None:
    at = min(at, len(a))
    assert distance(a, a[:at] + ch + a[at:]) == 1


@given(words, words, st.integers(min_value=0, max_value=5))
def test_a_limited_distance_agrees_below_the_limit(a: str, b: str, limit: int) -> None:
    full = distance(a, b)
    assert distance(a, b, limit) == (full if full <= limit else limit + 1)
