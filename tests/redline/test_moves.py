"""A paragraph moved unchanged is redlined as a real tracked move (w:moveFrom/w:moveTo) that keeps its id."""

from __future__ import annotations

import zipfile

import pytest

from drafting.app import assemble_to, list_amendments, redline, text_of
from drafting.model.document import AmendmentKind
from tests.conftest import ALMATY_SPEC


@pytest.fixture(scope="module")
def moved(tmp_path_factory):
    out = tmp_path_factory.mktemp("moves")
    assemble_to(ALMATY_SPEC, out, ("md", "docx"), language="en")
    text = (out / "recommendations.md").read_text(encoding="utf-8")
    start, end = text.index("<!-- dp:security_threats -->"), text.index("<!-- dp:regional_process -->")
    block = text[start:end]
    text = text[:start] + text[end:]
    at = text.index("<!-- dp:herewith -->")
    (out / "moved.md").write_text(text[:at] + block + text[at:], encoding="utf-8")
    redline(out / "recommendations.docx", out / "moved.md", out / "red.docx", author="Kazakhstan",
            date="2024-05-01")
    return out


def test_the_move_is_written_as_a_move_and_the_id_travels(moved):
    with zipfile.ZipFile(moved / "red.docx") as package:
        xml = package.read("word/document.xml").decode("utf-8")
    # One container for the runs and one paragraph-mark revision on each side, linked by one range name.
    assert xml.count("<w:moveFrom ") == 2 and xml.count("<w:moveTo ") == 2
    assert xml.count("<w:moveFromRangeStart ") == 1 and xml.count("<w:moveToRangeStart ") == 1
    assert xml.count('w:name="dp_security_threats"') == 1
    assert "<w:ins " not in xml and "<w:del " not in xml


def test_it_reads_back_as_one_move_amendment(moved):
    found = list_amendments(moved / "red.docx")
    assert [(a.kind, a.paragraph, a.delegation) for a in found] == [
        (AmendmentKind.MOVE, "security_threats", "Kazakhstan")]
    assert "moved after balance_of_levels" in found[0].context


def test_views_are_the_two_orders(moved):
    accepted = text_of(moved / "red.docx", "accepted")
    original = text_of(moved / "red.docx", "original")
    assert accepted.index(next(t for t in accepted if t.startswith("Recognizing"))) == \
        accepted.index(next(t for t in accepted if t.startswith("Herewith"))) - 1
    assert original.index(next(t for t in original if t.startswith("Recognizing"))) == \
        original.index(next(t for t in original if t.startswith("Taking into consideration"))) + 1


@pytest.mark.libreoffice
def test_libreoffice_accept_and_reject_give_new_and_old(moved, libreoffice):
    assert libreoffice.paragraphs(moved / "red.docx", "accept") == text_of(moved / "red.docx", "accepted")
    assert libreoffice.paragraphs(moved / "red.docx", "reject") == text_of(moved / "red.docx", "original")
