"""PDF renderer: LibreOffice headless converts the very .docx we wrote (no second layout engine)."""

from __future__ import annotations

from collections.abc import Sequence

from drafting.support.office import docx_to_pdf, docx_to_pdfs


def render_pdf(docx: bytes, *, pdfa: bool = False) -> bytes:
    """PDF bytes of the .docx `docx`; `pdfa` asks for PDF/A-2b (archival, fonts embedded)."""
    return docx_to_pdf(docx, pdfa=pdfa)


def render_pdfs(docxs: Sequence[bytes], *, pdfa: bool = False, names: Sequence[str] | None = None) -> list[bytes]:
    """PDF bytes of each .docx in `docxs`, in order, made by one LibreOffice start for all of them (the same
    bytes as `render_pdf` one by one, apart from the time of making); `names` label them in errors."""
    return docx_to_pdfs(docxs, pdfa=pdfa, names=names)
