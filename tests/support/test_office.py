"""drafting.support.office: LibreOffice conversions to PDF, PDF/A-2b and text, with timeouts and one-line errors."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import zlib
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

    def recording_popen(*args, **kwargs):
        proc = real_popen(*args, **kwargs)
        started.append(proc)
        return proc

    monkeypatch.setattr(subprocess, "Popen", recording_popen)  # the module office.py calls
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


# -- several files, one office ---------------------------------------------------------------------------

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_DATES = re.compile(rb"D:\d{14}[Z+\-']?[\d']*|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|[+-]\d\d:\d\d)?")


def _without_timestamps(pdf: bytes) -> bytes:
    """`pdf` with its streams inflated and every trace of the time it was made blanked: dates (Info, XMP), the
    file /ID and /DocChecksum (hashes over them), XMP uuids, the ICC profile's creation time and MD5; and the
    lengths and cross-reference offsets those shift (a stream's length may be an object of its own: the
    compressed ICC profile's size changes with its creation time). Everything else is compared byte for byte."""
    def stream(match: re.Match[bytes]) -> bytes:
        data = match.group(1)
        with contextlib.suppress(zlib.error):
            data = zlib.decompress(data)
        if data.find(b"acsp") == 36:  # an ICC profile header: creation time at 24-36, profile MD5 at 84-100
            data = data[:24] + bytes(12) + data[36:84] + bytes(16) + data[100:]
        return b"stream\n" + data + b"\nendstream"

    text = _STREAM.sub(stream, pdf).split(b"\nxref", 1)[0]
    text = re.sub(rb"/Length \d+", b"/Length _", text)
    text = re.sub(rb"(\d+ 0 obj\r?\n)\d+(\r?\nendobj)", rb"\1_\2", text)  # indirect lengths
    text = re.sub(rb"/ID \[ ?<[0-9A-Fa-f]+>\s*<[0-9A-Fa-f]+> ?\]", b"/ID _", text)
    text = re.sub(rb"/DocChecksum /[0-9A-F]+", b"/DocChecksum _", text)
    text = re.sub(rb"uuid:[0-9a-f-]+", b"uuid:_", text)
    return _DATES.sub(b"DATE", text)


def _counting_popen(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    calls: list[list[str]] = []
    real_popen = subprocess.Popen

    def recording_popen(argv, *args, **kwargs):
        calls.append(list(argv))
        return real_popen(argv, *args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", recording_popen)  # the module office.py calls
    return calls


DOCS = [["First document.", "Первый документ."], ["Second document."], ["Third document, a longer one."] * 40]


@pytest.mark.libreoffice
@pytest.mark.parametrize("pdfa", [False, True])
def test_one_office_for_several_pdfs_gives_the_bytes_of_one_run_per_file(pdfa: bool,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = [_docx_bytes(texts) for texts in DOCS]
    one_by_one = [office.docx_to_pdf(data, pdfa=pdfa) for data in inputs]
    calls = _counting_popen(monkeypatch)
    together = office.docx_to_pdfs(inputs, pdfa=pdfa, workers=1)
    assert len(calls) == 1 and sum(arg.endswith(".docx") for arg in calls[0]) == 3
    assert len(together) == 3
    for alone, batched in zip(one_by_one, together, strict=True):
        assert _without_timestamps(alone) == _without_timestamps(batched)
    assert _without_timestamps(one_by_one[0]) != _without_timestamps(one_by_one[1])  # the check can fail


@pytest.mark.libreoffice
def test_side_by_side_offices_keep_the_order_of_the_inputs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    inputs = [_docx_bytes([f"Document number {n}."]) for n in range(4)]
    calls = _counting_popen(monkeypatch)
    pdfs = office.docx_to_pdfs(inputs, workers=2)
    assert len(calls) == 2
    assert [_pdftotext(pdf, tmp_path).strip() for pdf in pdfs] == [f"Document number {n}." for n in range(4)]


@pytest.mark.libreoffice
def test_a_file_that_will_not_convert_is_named_and_nothing_is_returned() -> None:
    garbage = bytes(range(256)) * 16
    with pytest.raises(office.OfficeConversionError) as info:
        office.docx_to_pdfs([_docx_bytes(), garbage], names=["en.docx", "ru.docx"], workers=1)
    assert str(info.value).startswith("LibreOffice could not convert ru.docx to pdf")
    assert "\n" not in str(info.value)


def test_no_inputs_start_no_office(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting_popen(monkeypatch)
    assert office.docx_to_pdfs([]) == []
    assert calls == []


@pytest.mark.libreoffice
def test_a_batch_that_times_out_kills_every_office_it_started(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def recording_popen(*args, **kwargs):
        proc = real_popen(*args, **kwargs)
        started.append(proc)
        return proc

    monkeypatch.setattr(subprocess, "Popen", recording_popen)  # the module office.py calls
    with pytest.raises(office.OfficeTimeoutError, match=re.escape("timed out after 0.3 s converting 2 .docx files")):
        office.docx_to_pdfs([_docx_bytes(), _docx_bytes(), _docx_bytes(), _docx_bytes()], workers=2, timeout=0.3)
    assert len(started) == 2
    for proc in started:
        assert proc.returncode is not None
        assert not _group_alive(proc.pid)
