"""The sample delegations' redlines (made in LibreOffice) still match the sample text they amend."""

from __future__ import annotations

import pytest

from drafting.app import list_amendments, load_document
from drafting.conventions.identity import content_hash
from drafting.readers.files import load_submission
from tests.conftest import ALMATY, ALMATY_SPEC

SUBMISSIONS = sorted((ALMATY / "submissions").glob("*.docx"))


def test_there_are_four_delegations():
    assert [p.stem for p in SUBMISSIONS] == ["kazakhstan", "kyrgyzstan", "tajikistan", "turkmenistan"]


@pytest.mark.parametrize("path", SUBMISSIONS, ids=lambda p: p.stem)
def test_each_redline_was_made_against_the_sample_text(path):
    version, docx = load_submission(path)
    assert docx is not None and version.tracked
    assert version.identity is not None, "LibreOffice kept our document identity"
    assert version.identity.content_hash == content_hash(load_document(ALMATY_SPEC)), (
        f"{path.name} no longer matches the sample: run examples/almaty-2012/make_submissions.py")


def test_the_sample_covers_the_cases_the_demo_shows(tmp_path):
    base = tmp_path / "base.md"
    from drafting.render.markdown import render_markdown

    base.write_bytes(render_markdown(load_document(ALMATY_SPEC)))
    found = {p.stem: list_amendments(p, base=base) for p in SUBMISSIONS}
    kaz = {(a.paragraph, a.kind.value) for a in found["kazakhstan"]}
    tjk = {(a.paragraph, a.kind.value) for a in found["tajikistan"]}
    assert ("forum_needed", "replace") in kaz & tjk  # two delegations on one phrase
    assert any(a.kind.value == "paragraph-insert" for a in found["kyrgyzstan"])
    assert {a.delegation for a in found["kyrgyzstan"]} == {"Kyrgyzstan"}  # "Kyrgyz Republic" via the registry
    untracked = [a for a in found["turkmenistan"] if not a.tracked]
    assert len(untracked) == 1 and untracked[0].paragraph == "protection_commitments"
