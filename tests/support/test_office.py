"""drafting.support.office: LibreOffice conversions to PDF, PDF/A-2b and text, with timeouts and one-line errors."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import docx
import pytest

from drafting.errors import DraftingError, DraftingInputError
from drafting.support import office

TEXTS = ["The Conference urges all States to ratify the Convention.", "Décide de rester saisie de la question."]


def _docx_bytes(texts: list[str] = TEXTS) -> bytes:
    document = docx.Document()
    for text in texts:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdftotext(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout


def _xmp_pdfa(pdf: bytes) -> tuple[str, str] | None:
    """(part, conformance) declared in the PDF's XMP packet, element or attribute form."""
    part = re.search(rb"pdfaid:part(?:>|=\")\s*(\d)", pdf)
    conformance = re.search(rb"pdfaid:conformance(?:>|=\")\s*([ABUabu])", pdf)
    if not part or not conformance:
        return None
    return part.group(1).decode(), conformance.group(1).decode().upper()


def _group_alive(pgid: int) -> bool:
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


# -- without LibreOffice ---------------------------------------------------------------------------------


def test_find_soffice_names_the_package_when_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(office.SOFFICE_ENV, raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr(office, "_SOFFICE_CANDIDATES", ())
    with pytest.raises(office.OfficeNotFoundError) as info:
        office.find_soffice()
    assert isinstance(info.value, DraftingError)
    assert "apt-get install libreoffice-writer python3-uno" in str(info.value)
    assert "\n" not in str(info.value)


def test_find_soffice_rejects_a_bad_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(office.SOFFICE_ENV, "/nonexistent/soffice")
    with pytest.raises(office.OfficeNotFoundError, match="DRAFTING_SOFFICE"):
        office.find_soffice()


def test_filter_options_need_a_named_filter() -> None:
    with pytest.raises(office.OfficeError, match="ext:filter"):
        office.convert(b"x", "docx", "pdf", filter_options="{}")


def test_pdfa_options_ask_for_pdfa_2() -> None:
    assert '"SelectPdfVersion":{"type":"long","value":"2"}' in office.PDFA2B_OPTIONS


# -- with LibreOffice ------------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_docx_to_pdf_contains_the_paragraph_text(tmp_path: Path) -> None:
    pdf = office.docx_to_pdf(_docx_bytes())
    assert pdf.startswith(b"%PDF-")
    text = " ".join(_pdftotext(pdf, tmp_path).split())
    for paragraph in TEXTS:
        assert paragraph in text
    assert _xmp_pdfa(pdf) is None


@pytest.mark.libreoffice
def test_docx_to_pdf_pdfa_declares_pdfa_2b_with_embedded_fonts(tmp_path: Path) -> None:
    pdf = office.docx_to_pdf(_docx_bytes(), pdfa=True)
    assert _xmp_pdfa(pdf) == ("2", "B")
    path = tmp_path / "a.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows, fonts
    for row in rows:  # columns: name type encoding emb sub uni object-id
        assert row.split()[-5] == "yes", row
    assert TEXTS[0] in " ".join(_pdftotext(pdf, tmp_path).split())


@pytest.mark.libreoffice
def test_docx_to_text_is_utf8_without_bom() -> None:
    text = office.docx_to_text(_docx_bytes())
    assert not text.startswith("\ufeff")
    assert text.splitlines() == TEXTS


@pytest.mark.libreoffice
def test_garbage_input_gives_a_one_line_error() -> None:
    garbage = bytes(range(256)) * 16  # LibreOffice would import this as text without the forced input filter
    with pytest.raises(office.OfficeConversionError) as info:
        office.docx_to_pdf(garbage)
    message = str(info.value)
    assert isinstance(info.value, DraftingInputError)
    assert "\n" not in message
    assert message.startswith("LibreOffice could not convert the .docx input to pdf")


@pytest.mark.libreoffice
def test_timeout_kills_the_whole_process_group(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def recording_popen(*args, **kwargs):  # type: ignore[no-untyped-def]
        proc = real_popen(*args, **kwargs)
        started.append(proc)
        return proc

    monkeypatch.setattr(office.subprocess, "Popen", recording_popen)
    with pytest.raises(office.OfficeTimeoutError, match="LibreOffice timed out") as info:
        office.docx_to_pdf(_docx_bytes(), timeout=0.3)
    assert "\n" not in str(info.value)
    assert len(started) == 1
    proc = started[0]
    assert proc.returncode is not None
    assert not _group_alive(proc.pid)


@pytest.mark.libreoffice
def test_later_conversions_reuse_a_template_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    office.docx_to_text(_docx_bytes())
    template = office._template_dir
    assert template is not None and (template / "user" / "registrymodifications.xcu").is_file()
    office.docx_to_text(_docx_bytes(["Second run."]))
    assert office._template_dir == template
