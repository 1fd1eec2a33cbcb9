"""drafting.redline.align: which old paragraph became which new one, before word-diffing each pair."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafting.redline.align import SIMILARITY, Pair, align_paragraphs
from drafting.redline.diff import Op, diff_words, new_version, old_version
from tests.conftest import examples

PROPERTY = settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])

P1 = "Recalls its resolution 65/1 on the Almaty Process;"
P2 = "Urges all States to ratify the Convention on the Status of Refugees;"
P3 = "Requests the Secretary-General to report to the Conference at its next session;"
P4 = "Decides to remain seized of the matter."
P2_AMENDED = "Calls upon all States to ratify the Convention on the Status of Refugees without delay;"
OTHER = "Welcomes the generous offer of the Government of Kazakhstan to host the meeting."


def plain(*texts: str) -> list[tuple[str | None, str]]:
    return [(None, t) for t in texts]


def check_alignment(old: Sequence[tuple[str | None, str]], new: Sequence[tuple[str | None, str]],
                    pairs: list[Pair]) -> None:
    """Every paragraph once; new-document order; old order kept apart from moves; ids respected."""
    assert Counter(p.old for p in pairs if p.old is not None) == Counter(range(len(old)))
    assert Counter(p.new for p in pairs if p.new is not None) == Counter(range(len(new)))
    news = [p.new for p in pairs if p.new is not None]
    assert news == sorted(news)
    olds = [p.old for p in pairs if p.old is not None and not p.moved]
    assert olds == sorted(olds)
    assert all(p.old is not None or p.new is not None for p in pairs)
    old_ids, new_ids = usable_ids(old), usable_ids(new)
    for p in pairs:
        if p.old is not None and p.new is not None:
            old_id, new_id = old_ids[p.old], new_ids[p.new]
            if old_id or new_id:
                assert old_id == new_id or not (old_id and new_id)
        if p.moved:
            assert p.old is not None and p.new is not None and old_ids[p.old] == new_ids[p.new] is not None
    # A usable id present on both sides always pairs its two paragraphs.
    where_new = {pid: j for j, pid in enumerate(new_ids) if pid}
    by_old = {p.old: p.new for p in pairs if p.old is not None}
    for i, pid in enumerate(old_ids):
        if pid in where_new:
            assert by_old[i] == where_new[pid]


def usable_ids(items: Sequence[tuple[str | None, str]]) -> list[str | None]:
    """Ids that occur once on their side (repeated ids are disregarded by the aligner)."""
    counts = Counter(pid for pid, _ in items if pid)
    return [pid if pid and counts[pid] == 1 else None for pid, _ in items]


# -- examples -----------------------------------------------------------------------------------------------


def test_identical_lists_match_in_order() -> None:
    items = plain(P1, P2, P3, P4, P1, "", "")
    assert align_paragraphs(items, items) == [Pair(i, i) for i in range(len(items))]
    with_ids = [(f"p{i}", t) for i, (_, t) in enumerate(items)]
    assert align_paragraphs(with_ids, with_ids) == [Pair(i, i) for i in range(len(items))]


def test_empty_sides() -> None:
    assert align_paragraphs([], []) == []
    assert align_paragraphs(plain(P1, P2), []) == [Pair(0, None), Pair(1, None)]
    assert align_paragraphs([], plain(P1)) == [Pair(None, 0)]


def test_deleted_paragraph_stays_where_it_was() -> None:
    assert align_paragraphs(plain(P1, P2, P3), plain(P1, P3)) == [Pair(0, 0), Pair(1, None), Pair(2, 1)]


def test_inserted_paragraph() -> None:
    assert align_paragraphs(plain(P1, P3), plain(P1, P2, P3)) == [Pair(0, 0), Pair(None, 1), Pair(1, 2)]


def test_modified_paragraph_is_paired_not_deleted_and_inserted() -> None:
    assert align_paragraphs(plain(P1, P2, P3), plain(P1, P2_AMENDED, P3)) == [Pair(0, 0), Pair(1, 1), Pair(2, 2)]


def test_replaced_paragraph_is_a_deletion_then_an_insertion() -> None:
    assert align_paragraphs(plain(P1, P2, P3), plain(P1, OTHER, P3)) == [
        Pair(0, 0), Pair(1, None), Pair(None, 1), Pair(2, 2),
    ]  # fmt: skip


def test_modified_paragraph_pairs_with_its_closest_version() -> None:
    old = plain(P1, P2, P4)
    new = plain(P1, P2_AMENDED, P2.replace("Urges", "Encourages"), P4)
    assert align_paragraphs(old, new) == [Pair(0, 0), Pair(None, 1), Pair(1, 2), Pair(2, 3)]


@pytest.mark.parametrize(
    ("new_text", "paired"),
    [
        ("alpha beta epsilon zeta", True),  # 2 of 4 words kept: 2 x 2 / 8 = 0.5
        ("Alpha BETA epsilon zeta", True),  # case does not count
        ("alpha beta", True),  # 2 x 2 / 6 = 0.67
        ("alpha epsilon zeta eta", False),  # 2 x 1 / 8 = 0.25
        ("alpha", False),  # 2 x 1 / 5 = 0.4
    ],
)
def test_similarity_threshold_is_half_the_words(new_text: str, paired: bool) -> None:
    assert SIMILARITY == 0.5
    pairs = align_paragraphs(plain("alpha beta gamma delta."), plain(new_text + "."))
    assert (pairs == [Pair(0, 0)]) is paired


def test_shorter_paragraph_keeping_most_words_is_a_modification() -> None:
    assert align_paragraphs(plain("alpha beta gamma delta."), plain("alpha beta gamma.")) == [Pair(0, 0)]


def test_ids_match_paragraphs_even_when_rewritten() -> None:
    old = [("op1", P1), ("op2", P2)]
    new = [("op1", P1), ("op2", OTHER)]
    assert align_paragraphs(old, new) == [Pair(0, 0), Pair(1, 1)]


def test_moved_paragraph_is_flagged_and_sits_at_its_new_place() -> None:
    old = [("a", P1), ("b", P2), ("c", P3), ("d", P4)]
    new = [("a", P1), ("c", P3), ("d", P4), ("b", P2)]
    assert align_paragraphs(old, new) == [Pair(0, 0), Pair(2, 1), Pair(3, 2), Pair(1, 3, moved=True)]


def test_move_with_deletions_and_insertions_around_it() -> None:
    old = [("a", P1), (None, OTHER), ("b", P2), ("c", P3)]
    new = [("b", P2_AMENDED), ("a", P1), (None, "A new paragraph on something else entirely."), ("c", P3)]
    pairs = align_paragraphs(old, new)
    check_alignment(old, new, pairs)
    assert pairs == [Pair(2, 0, moved=True), Pair(0, 1), Pair(1, None), Pair(None, 2), Pair(3, 3)]


def test_different_ids_are_never_paired_by_text() -> None:
    assert align_paragraphs([("x", P1)], [("y", P1)]) == [Pair(0, None), Pair(None, 0)]


def test_an_id_on_one_side_only_does_not_prevent_text_matching() -> None:
    assert align_paragraphs([("x", P1)], [(None, P1)]) == [Pair(0, 0)]
    assert align_paragraphs([(None, P2)], [("y", P2_AMENDED)]) == [Pair(0, 0)]


def test_repeated_ids_are_disregarded_on_their_side() -> None:
    old = [("p", P1), ("p", P2)]
    new = [("p", P2)]
    assert align_paragraphs(old, new) == [Pair(0, None), Pair(1, 0)]


def test_policy_differences_count_as_exact_matches() -> None:
    old = plain("Notes the “Almaty Process”;", "Notes the “Almaty Process”;")
    new = plain('Notes the "Almaty\u00a0Process";', "Notes the “Almaty Process”;")
    assert align_paragraphs(old, new) == [Pair(0, 0), Pair(1, 1)]


# -- properties --------------------------------------------------------------------------------------------------

TEXTS = [P1, P2, P3, P4, P2_AMENDED, OTHER, "", "(a)", "alpha beta gamma", "alpha beta delta", "delta"]
items = st.lists(
    st.tuples(st.one_of(st.none(), st.sampled_from([f"p{i}" for i in range(8)])), st.sampled_from(TEXTS)),
    max_size=14,
)


@PROPERTY
@given(items, items)
def test_property_every_paragraph_once_in_order(old: list, new: list) -> None:
    pairs = align_paragraphs(old, new)
    check_alignment(old, new, pairs)
    assert align_paragraphs(old, new) == pairs


@PROPERTY
@given(items)
def test_property_identical_lists_match_in_order(old: list) -> None:
    assert align_paragraphs(old, list(old)) == [Pair(i, i) for i in range(len(old))]


@PROPERTY
@given(items, st.randoms(use_true_random=False))
def test_property_shuffled_ids_are_all_matched(old: list, rng: random.Random) -> None:
    unique = [(f"id{i}", text) for i, (_, text) in enumerate(old)]
    new = list(unique)
    rng.shuffle(new)
    pairs = align_paragraphs(unique, new)
    check_alignment(unique, new, pairs)
    assert all(p.old is not None and p.new is not None for p in pairs)
    assert [unique[p.old][0] for p in pairs if p.old is not None] == [pid for pid, _ in new]


# -- speed ---------------------------------------------------------------------------------------------------------

_WORDS_TEXT = (
    "the Conference urges calls upon all States to ratify Convention implement recommendations of meeting "
    "national coordinators mixed migration Central Asia region protection refugees asylum seekers labour "
    "migrants stateless victims trafficking international commitments cooperation development Almaty "
    "Kazakhstan Afghanistan Iran Turkey Russian Federation process forum consultative follow-up regional"
)
WORDS = _WORDS_TEXT.split()


def document(n: int, seed: int, words_per_paragraph: tuple[int, int] = (15, 60)) -> list[str]:
    rng = random.Random(seed)
    return [
        f"{i + 1}. " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(*words_per_paragraph))) + ";"
        for i in range(n)
    ]


def amend(paragraphs: list[str], seed: int) -> list[str]:
    """Scattered amendments: about 2% deleted, 2% inserted, 6% with three words changed."""
    rng = random.Random(seed)
    out = []
    for text in paragraphs:
        roll = rng.random()
        if roll < 0.02:
            continue
        if roll < 0.04:
            out.append(" ".join(rng.choice(WORDS) for _ in range(30)) + ".")
        if roll < 0.10:
            words = text.split(" ")
            for _ in range(3):
                words[rng.randrange(1, len(words))] = rng.choice(WORDS).upper()
            text = " ".join(words)
        out.append(text)
    return out


@pytest.mark.timeout(60)
def test_two_thousand_paragraphs_with_scattered_edits_align_fast() -> None:
    old_texts = document(2000, 1)
    new_texts = amend(old_texts, 2)
    old, new = plain(*old_texts), plain(*new_texts)
    pairs = align_paragraphs(old, new)
    check_alignment(old, new, pairs)
    matched = sum(p.old is not None and p.new is not None for p in pairs)
    assert matched >= 0.97 * len(old)


@pytest.mark.timeout(60)
def test_two_thousand_paragraphs_all_modified_still_pair_up() -> None:
    """No exact match anywhere (a global replace): the rare-word candidate path keeps this bounded."""
    old_texts = document(2000, 3)
    new_texts = [t.replace(" the ", " THE ").replace(";", ".") for t in old_texts]
    pairs = align_paragraphs(plain(*old_texts), plain(*new_texts))
    assert pairs == [Pair(i, i) for i in range(2000)]


@pytest.mark.timeout(60)
def test_a_400_paragraph_document_diffed_paragraph_by_paragraph() -> None:
    """16,000 words: align, then word-diff every pair; accept-all and reject-all rebuild both versions."""
    old_texts = document(400, 4, (30, 50))
    new_texts = amend(old_texts, 5)
    assert 15_000 < sum(len(t.split()) for t in old_texts) < 17_000
    pairs = align_paragraphs(plain(*old_texts), plain(*new_texts))
    redlines = [
        diff_words(old_texts[p.old] if p.old is not None else "", new_texts[p.new] if p.new is not None else "")
        for p in pairs
    ]
    assert [old_version(r) for r in redlines if old_version(r)] == old_texts
    assert [new_version(r) for r in redlines if new_version(r)] == new_texts
    changed = sum(1 for r in redlines if any(e.op is not Op.EQUAL for e in r))
    assert 0 < changed < 0.2 * len(pairs)
