"""PDF renderer: LibreOffice headless converts the very .docx we wrote (no second layout engine)."""

from __future__ import annotations

from drafting.support.office import docx_to_pdf


def render_pdf(docx: bytes, *, pdfa: bool = False) -> bytes:
    """PDF bytes of the .docx `docx`; `pdfa` asks for PDF/A-2b (archival, fonts embedded)."""
    return docx_to_pdf(docx, pdfa=pdfa)
