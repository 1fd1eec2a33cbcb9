"""Every PDF a command needs is made by one LibreOffice start (drafting.app.documents.with_pdfs)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from drafting.app import assemble_to
from drafting.app.documents import Rendered, with_pdfs
from tests.conftest import ALMATY_SPEC


def _offices(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    calls: list[list[str]] = []
    real_popen = subprocess.Popen

    def recording_popen(argv, *args, **kwargs):
        calls.append(list(argv))
        return real_popen(argv, *args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", recording_popen)  # the module office.py calls
    return calls


@pytest.mark.libreoffice
def test_assembling_two_languages_with_pdf_starts_one_office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _offices(monkeypatch)
    written = assemble_to(ALMATY_SPEC, tmp_path, ("md", "docx", "pdf"))
    assert len(calls) == 1
    assert [p.name for p in written] == ["recommendations.md", "recommendations.docx", "recommendations.pdf",
                                         "recommendations.ru.md", "recommendations.ru.docx", "recommendations.ru.pdf"]
    for path in written:
        assert path.stat().st_size > 0
    assert all(p.read_bytes().startswith(b"%PDF-") for p in written if p.suffix == ".pdf")


def test_nothing_to_make_starts_no_office(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _offices(monkeypatch)
    rendered = Rendered({Path("a.md"): b"text"})
    assert with_pdfs(rendered) is rendered
    assert calls == []


def test_merge_keeps_the_pdfs_still_to_make() -> None:
    one = Rendered({Path("a.md"): b"a", Path("a.pdf"): b""}, {Path("a.pdf"): b"docx a"})
    one.merge(Rendered({Path("b.pdf"): b""}, {Path("b.pdf"): b"docx b"}))
    assert list(one.files) == [Path("a.md"), Path("a.pdf"), Path("b.pdf")]
    assert one.pdfs == {Path("a.pdf"): b"docx a", Path("b.pdf"): b"docx b"}
