"""A negotiation base rebuilt from a .docx made by `assemble` is the same text with the same metadata."""

from __future__ import annotations

from drafting.app import assemble_to, load_document
from drafting.app.negotiation import base_document
from drafting.conventions.identity import content_hash
from drafting.model.document import Span
from tests.conftest import ALMATY_SPEC


def test_docx_base_keeps_metadata_emphasis_and_identity(tmp_path):
    assemble_to(ALMATY_SPEC, tmp_path, ("docx",), language="en")
    rebuilt, _ = base_document(tmp_path / "recommendations.docx")
    assembled = load_document(ALMATY_SPEC)
    assert content_hash(rebuilt) == content_hash(assembled)
    assert (rebuilt.meta.name, rebuilt.meta.place, rebuilt.meta.issuing) == (
        assembled.meta.name, assembled.meta.place, assembled.meta.issuing)
    assert rebuilt.meta.languages == ("en",), "a .docx carries one language version"
    seat = rebuilt.paragraph("secretariat_seat")
    assert seat is not None and Span("Almaty Process", italic=True) in seat.spans
    assert [p.id for p in rebuilt.paragraphs] == [p.id for p in assembled.paragraphs]
    assert [p.label for p in rebuilt.paragraphs] == [p.label for p in assembled.paragraphs]
