"""The UN masthead (un-resolution profile, first page) and the final symbol."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from drafting.app import assemble_to, finalize
from tests.conftest import ALMATY_SPEC


def _part_text(docx: Path, part: str) -> list[str]:
    """The text of each paragraph of `part`, tabs as a tab."""
    xml = zipfile.ZipFile(docx).read(part).decode("utf-8")
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
    return ["".join("\t" if tab else text for text, tab in re.findall(r"<w:t[^>]*>([^<]*)</w:t>|(<w:tab/>)", p))
            for p in paragraphs]


def _spec(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    text = ALMATY_SPEC.read_text(encoding="utf-8").replace("clauses: ../../clauses",
                                                         f"clauses: {ALMATY_SPEC.parents[2] / 'clauses'}")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    return spec


def test_the_un_resolution_first_page_has_the_masthead(tmp_path: Path) -> None:
    assemble_to(ALMATY_SPEC, tmp_path, ("docx",), profile="un-resolution", language="en")
    first = _part_text(tmp_path / "recommendations.docx", "word/header2.xml")
    assert first == [
        "First meeting of National Coordinators on mixed migration in Central Asia\tAP/NCM/2012/1",
        "Distr.: General", "7 September 2012", "Original: English",
    ]
    assert _part_text(tmp_path / "recommendations.docx", "word/header1.xml") == ["AP/NCM/2012/1"]


def test_the_as_issued_profile_has_no_masthead(tmp_path: Path) -> None:
    assemble_to(ALMATY_SPEC, tmp_path, ("docx",), language="en")
    assert _part_text(tmp_path / "recommendations.docx", "word/header2.xml") == ["AP/NCM/2012/1"]


def test_an_l_document_is_of_limited_distribution_and_a_translation_names_its_language(tmp_path: Path) -> None:
    spec = _spec(tmp_path, ("symbol: AP/NCM/2012/1", "symbol: AP/MC.2/2025/L.1"))
    assemble_to(spec, tmp_path / "out", ("docx",), profile="un-resolution")
    assert _part_text(tmp_path / "out" / "recommendations.docx", "word/header2.xml")[1:] == [
        "Distr.: Limited", "7 September 2012", "Original: English"]
    assert _part_text(tmp_path / "out" / "recommendations.ru.docx", "word/header2.xml")[1:] == [
        "Distr.: Limited", "7 сентября 2012 года", "Russian", "Original: English"]


def test_the_spec_may_set_the_distribution(tmp_path: Path) -> None:
    spec = _spec(tmp_path, ("symbol: AP/NCM/2012/1", "symbol: AP/NCM/2012/1\n  distribution: limited"))
    assemble_to(spec, tmp_path / "out", ("docx",), profile="un-resolution", language="en")
    assert _part_text(tmp_path / "out" / "recommendations.docx", "word/header2.xml")[1] == "Distr.: Limited"


@pytest.mark.libreoffice
def test_libreoffice_prints_the_masthead_on_the_first_page(tmp_path: Path) -> None:
    spec = _spec(tmp_path, ("symbol: AP/NCM/2012/1", "symbol: AP/MC.2/2025/L.1"))
    assemble_to(spec, tmp_path / "out", ("pdf",), profile="un-resolution", language="en")
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(tmp_path / "out" / "recommendations.pdf"),
                           "-"], capture_output=True, check=True).stdout.decode("utf-8")
    first, *rest = text.split("\f")
    lines = [line.strip() for line in first.splitlines() if line.strip()]
    distr = lines.index("Distr.: Limited")
    top = " ".join(lines[:distr])  # the long meeting name may push the symbol to a second line
    assert top.startswith("First meeting of National Coordinators") and top.endswith("AP/MC.2/2025/L.1")
    assert lines[distr:distr + 3] == ["Distr.: Limited", "7 September 2012", "Original: English"]
    assert lines[distr + 3].startswith("Recommendations on the preparations")  # then the title
    assert "Distr.:" not in "".join(rest)  # the first page only


@pytest.mark.parametrize("where", ["option", "spec"])
def test_a_finalized_text_carries_the_final_symbol(tmp_path: Path, where: str) -> None:
    final_symbol = "AP/MC.2/2025/1"
    edits = [("symbol: AP/NCM/2012/1", "symbol: AP/MC.2/2025/L.1")]
    if where == "spec":
        edits.append(("symbol: AP/MC.2/2025/L.1", f"symbol: AP/MC.2/2025/L.1\n  final_symbol: {final_symbol}"))
    spec = _spec(tmp_path, *edits)
    result = finalize(spec, tmp_path / "final", pdf=False, symbol=final_symbol if where == "option" else None)
    assert result.manifest["document"]["symbol"] == final_symbol
    for name in ("recommendations.docx", "recommendations.ru.docx"):
        docx = tmp_path / "final" / name
        assert _part_text(docx, "word/header1.xml") == [final_symbol]
        assert "L.1" not in zipfile.ZipFile(docx).read("docProps/custom.xml").decode("utf-8").split("DraftingMeta")[0]


def test_without_a_final_symbol_the_draft_symbol_stays(tmp_path: Path) -> None:
    result = finalize(_spec(tmp_path), tmp_path / "final", pdf=False)
    assert result.manifest["document"]["symbol"] == "AP/NCM/2012/1"


def test_the_markdown_carries_the_masthead_as_a_comment_the_reader_skips() -> None:
    from drafting.app import load_document
    from drafting.readers.text import read_text_version
    from drafting.render.markdown import render_markdown

    document = load_document(ALMATY_SPEC, profile="un-resolution", language="ru")
    markdown = render_markdown(document).decode("utf-8")
    assert markdown.splitlines()[1] == ("<!-- masthead: AP/NCM/2012/1 | Distr.: General | 7 сентября 2012 года | "
                                        "Russian | Original: English -->")
    version = read_text_version(markdown.encode("utf-8"), "r.md", "md")
    assert [p.id for p in version.paragraphs] == [p.id for p in document.paragraphs]
    assert version.identity is not None
    as_issued = render_markdown(load_document(ALMATY_SPEC, language="en")).decode("utf-8")
    assert "masthead" not in as_issued
