"""Conflicts found by a sweep (issue 12, item 7): the same proposals, in the same order, as the pass over every
pair it replaced (kept here as the oracle), for any mix of insertions, deletions, replacements and
whole-paragraph proposals by a few delegations."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from drafting.model.document import Amendment, AmendmentKind
from drafting.negotiation.compilation import Proposal, _clashing
from tests.conftest import examples


def pairwise(proposals: list[Proposal]) -> list[Proposal]:
    """The definition: every pair (i < j) from different delegations that overlaps, in pair order."""
    out: list[Proposal] = []
    for i, a in enumerate(proposals):
        for b in proposals[i + 1:]:
            if set(a.delegations) != set(b.delegations) and a.overlaps(b):
                out.extend(p for p in (a, b) if p not in out)
    return out


KINDS = [AmendmentKind.INSERT, AmendmentKind.DELETE, AmendmentKind.REPLACE, AmendmentKind.PARAGRAPH_DELETE]


# Built once: a strategy made inside the composite is built again at every draw (half the property's time).
_COUNT, _KIND, _LENGTH, _POSITION = st.integers(0, 12), st.sampled_from(KINDS), st.integers(1, 5), st.integers(0, 15)
_DELEGATIONS = st.lists(st.sampled_from("ABC"), min_size=1, max_size=2, unique=True)


@st.composite
def proposal_lists(draw: st.DrawFn) -> list[Proposal]:
    out = []
    for index in range(draw(_COUNT)):
        kind = draw(_KIND)
        length = 0 if kind is AmendmentKind.INSERT else draw(_LENGTH)
        delegations = draw(_DELEGATIONS)
        amendments = tuple(Amendment(f"a{index}{d}", d, "p", kind, "x" * length, "y", draw(_POSITION),
                                     None, True) for d in delegations)
        amendments = tuple(a.__class__(a.id, a.delegation, a.paragraph, a.kind, a.old, a.new, amendments[0].position,
                                       a.date, a.tracked) for a in amendments)
        out.append(Proposal(amendments, ""))
    return out


@settings(max_examples=examples(300), deadline=None)
@given(proposal_lists())
def test_the_sweep_finds_what_every_pair_finds_in_the_same_order(proposals: list[Proposal]) -> None:
    assert [id(p) for p in _clashing(proposals)] == [id(p) for p in pairwise(proposals)]


def test_many_proposals_of_one_delegation_never_clash() -> None:
    proposals = [Proposal((Amendment(f"a{i}", "A", "p", AmendmentKind.INSERT, "", "y", i, None, True),), "")
                 for i in range(5000)]
    assert _clashing(proposals) == []


# -- revise: finding a bracket group again, and positions after replacements ------------------------------------

def _locate_everywhere(text: str, old: str, position: int) -> int | None:
    """The definition: `old` at `position`, else its occurrence nearest to `position` (the earlier on a tie)."""
    if text[position:position + len(old)] == old:
        return position
    starts = [i for i in range(len(text)) if text.startswith(old, i)]
    return min(starts, key=lambda i: abs(i - position)) if starts else None


@settings(max_examples=examples(500), deadline=None)
@given(st.text(alphabet="ab[]", max_size=30), st.text(alphabet="ab[]", max_size=4), st.integers(0, 35))
def test_locate_finds_the_nearest_occurrence(text: str, old: str, position: int) -> None:
    from drafting.negotiation.revise import _locate

    assert _locate(text, old, position) == _locate_everywhere(text, old, position)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 5), st.text(alphabet="x", max_size=6)), max_size=8),
       st.lists(st.integers(0, 60), max_size=10))
def test_the_shifter_shifts_as_the_sum_over_replacements(spans: list[tuple[int, int, str]],
                                                         positions: list[int]) -> None:
    from drafting.negotiation.revise import _shifted, _shifter

    replacements = [(start, start + length, new) for start, length, new in spans]
    shifted = _shifter(replacements)
    assert [shifted(p) for p in positions] == [_shifted(p, replacements) for p in positions]
