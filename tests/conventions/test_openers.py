"""Accepted new paragraphs get the profile's italic opener, as assembled paragraphs do (S9)."""

from __future__ import annotations

import pytest

from drafting.app import load_document
from drafting.conventions.assemble import opening_spans
from drafting.conventions.profiles import get_profile
from drafting.library.lexicon import leading_opening
from drafting.model.document import Amendment, AmendmentKind, Role
from drafting.negotiation.revise import revise_document
from tests.conftest import ALMATY_SPEC


@pytest.mark.parametrize(
    ("kind", "text", "opener"),
    [
        ("operative", "Takes note with appreciation of the report;", "Takes note with appreciation of"),
        ("operative", "Further requests the secretariat to report;", "Further requests"),
        ("operative", "Welcomes the offer;", "Welcomes"),
        ("preambular", "Recalling also its earlier meetings,", "Recalling also"),
        ("preambular", "Bearing in mind the needs of the region,", "Bearing in mind"),
        ("operative", "the secretariat will report;", ""),
        ("preambular", "The Ministers met,", ""),
    ],
)
def test_the_leading_opener_is_the_longest_standard_phrase(kind: str, text: str, opener: str) -> None:
    assert leading_opening(kind, text) == opener


def test_opening_spans_follow_the_profile() -> None:
    un = opening_spans("Welcomes the offer;", Role.OPERATIVE, get_profile("un-resolution"))
    assert [(s.text, s.italic, s.opening) for s in un] == [("Welcomes", True, True), (" the offer;", False, False)]
    issued = opening_spans("Welcomes the offer;", Role.OPERATIVE, get_profile("as-issued"))
    assert [(s.text, s.italic, s.opening) for s in issued] == [("Welcomes", False, True),
                                                                 (" the offer;", False, False)]
    assert [s.text for s in opening_spans("no opener here", Role.OPERATIVE, get_profile("un-resolution"))] == [
        "no opener here"]


def _insert(decision: str | None) -> list:
    document = load_document(ALMATY_SPEC, profile="un-resolution", language="en")
    amendment = Amendment("A1", "Kazakhstan", "endorse_rap", AmendmentKind.PARAGRAPH_INSERT, "",
                          "Welcomes the offer of Kazakhstan to host the secretariat;", 0, None, True)
    decisions = {"A1": decision} if decision else {}
    revision = revise_document(document, [amendment], decisions, {})
    return [p for p in revision.document.paragraphs if "host the secretariat" in p.text and p.clause is None]


def test_an_accepted_new_paragraph_has_an_italic_opener() -> None:
    (new,) = _insert("accept")
    assert new.spans[0].text == "Welcomes" and new.spans[0].italic and new.spans[0].opening
    assert new.text.startswith("Welcomes the offer of Kazakhstan")


def test_an_undecided_new_paragraph_stays_in_brackets_without_an_opener() -> None:
    (new,) = _insert(None)
    assert new.text.startswith("[Welcomes") and not new.spans[0].opening
