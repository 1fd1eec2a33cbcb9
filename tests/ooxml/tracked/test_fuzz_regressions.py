"""Regressions found by fuzzing `reject`/`accept` with mutated real submissions."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafting.ooxml.opc.package import read_docx
from drafting.ooxml.parser import parse_xml
from drafting.ooxml.tracked.resolve import resolve_package
from tests.fixtures import evil

SUBMISSION = Path(__file__).parents[3] / "examples" / "almaty-2012" / "submissions" / "kazakhstan.docx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WHO = 'w:author="Kyrgyzstan" w:date="2024-05-02T10:00:00Z"'


def _two_property_changes() -> bytes:
    """The submission with two w:pPrChange (Word writes one) in the title's properties."""
    members = evil.read_members(SUBMISSION.read_bytes())
    changes = "".join(f'<w:pPrChange w:id="{900 + n}" {WHO}><w:pPr><w:pStyle w:val="{style}"/></w:pPr></w:pPrChange>'
                      for n, style in enumerate(("Normal", "Title")))
    evil.replace(members, evil.DOC, '<w:pStyle w:val="ConferenceTitle"/><w:rPr></w:rPr></w:pPr>',
                 f'<w:pStyle w:val="ConferenceTitle"/><w:rPr></w:rPr>{changes}</w:pPr>')
    return evil.zip_members(members)


@pytest.mark.parametrize(("accept", "style"), [(False, "Normal"), (True, "ConferenceTitle")])
def test_two_property_changes_in_one_paragraph_resolve(accept: bool, style: str) -> None:
    """Rejecting the first change rebuilt the properties without the second, which was then undone with no
    parent (reject exit 3, TypeError). The first change's old properties are restored; no change is left."""
    package = read_docx(_two_property_changes(), "kazakhstan.docx")
    root = parse_xml(resolve_package(package, accept=accept)["word/document.xml"])
    first = next(root.iter(f"{W}pPr"))
    assert [el.get(f"{W}val") for el in first.iter(f"{W}pStyle")] == [style]
    assert next(root.iter(f"{W}pPrChange"), None) is None
