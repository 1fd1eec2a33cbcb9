"""Issue 6, point 4: the bilingual final. The negotiation on the sample (see tests/languages/__init__.py),
its Russian version brought up to date by the translator's file and every paragraph agreed, is finalized
once for the module: English and Russian authentic versions (.md, .docx, PDF/A), each with a closing formula
naming both languages, and a side-by-side .docx/PDF in two columns, English left and Russian right,
paragraph for paragraph; `verify` passes.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from drafting.ooxml.parser import parse_xml
from drafting.readers.docx import read_docx_version
from drafting.readers.files import load_version
from tests.languages import (
    FORUM_RU,
    NAME,
    NEW_PARAGRAPH,
    NEW_PARAGRAPH_RU,
    SampleNegotiation,
    in_order,
    negotiate_sample,
    pdf_fonts,
    pdf_words,
    run,
    translated_rev1,
)

pytestmark = pytest.mark.libreoffice

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CLOSING = {
    "en": "Done at Almaty on 7 September 2012, in the English and Russian languages, both texts being equally "
          "authentic.",
    "ru": "Совершено в Алматы 7 сентября 2012 года на английском и русском языках, причем оба текста являются "
          "равно аутентичными.",
}
FILES = {f"{NAME}.{ext}" for ext in ("md", "docx", "pdf", "ru.md", "ru.docx", "ru.pdf", "en-ru.docx", "en-ru.pdf")}


@dataclass(frozen=True)
class Final:
    negotiation: SampleNegotiation
    outdir: Path
    stdout: str
    manifest: dict[str, Any]

    def paragraphs(self, language: str) -> list[dict[str, str]]:
        if language == "en":
            return self.manifest["paragraphs"]
        return self.manifest["translations"][language]["paragraphs"]

    def lines(self, language: str) -> list[str]:
        """The canonical "label text" lines of one version."""
        return [f"{p['label']} {p['text']}" if p["label"] else p["text"] for p in self.paragraphs(language)]


@pytest.fixture(scope="module")
def final(tmp_path_factory) -> Final:
    directory = tmp_path_factory.mktemp("bilingual")
    negotiation = negotiate_sample(directory)
    translated = translated_rev1(negotiation, directory / f"{NAME}-rev1.ru.md")
    for args in (("translation", negotiation.directory, "--language", "ru", translated),
                 ("mark", negotiation.directory, "ALL", "agreed")):
        code, _, err = run(*args)
        assert code == 0, err
    outdir = directory / "final"
    code, out, err = run("finalize", negotiation.directory, "-o", outdir)
    assert code == 0, err
    return Final(negotiation, outdir, out, json.loads((outdir / "manifest.json").read_bytes()))


def text_of(final: Final, language: str, pid: str) -> str:
    return next(p["text"] for p in final.paragraphs(language) if p["id"] == pid)


# -- the files -----------------------------------------------------------------------------------------------


def test_finalize_writes_each_language_version_and_the_side_by_side_text(final):
    assert {p.name for p in final.outdir.iterdir()} == {*FILES, "manifest.json"}
    assert final.stdout.splitlines()[-1] == str(final.outdir / "manifest.json")
    files = final.manifest["files"]
    assert {name: (info["language"], info["kind"]) for name, info in files.items()} == {
        **{f"{NAME}.{ext}": ("en", "text") for ext in ("md", "docx", "pdf")},
        **{f"{NAME}.ru.{ext}": ("ru", "text") for ext in ("md", "docx", "pdf")},
        **{f"{NAME}.en-ru.{ext}": ("en-ru", "side-by-side") for ext in ("docx", "pdf")},
    }
    assert final.manifest["document"]["languages"] == ["en", "ru"]


def test_verify_passes(final):
    code, out, err = run("verify", final.outdir)
    assert code == 0, out + err
    assert out.splitlines()[-1] == f"OK: {final.outdir} is the final text its manifest describes"
    assert f"ok: {NAME}.ru.pdf: SHA-256 ok" in out.splitlines()


def test_the_russian_version_is_the_translated_text_paragraph_for_paragraph(final):
    en, ru = final.paragraphs("en"), final.paragraphs("ru")
    assert [p["id"] for p in ru] == [p["id"] for p in en]
    assert [p["label"] for p in ru] == [p["label"] for p in en]
    assert text_of(final, "ru", "forum_needed") == FORUM_RU
    assert text_of(final, "ru", final.negotiation.new_id) == NEW_PARAGRAPH_RU
    assert text_of(final, "en", final.negotiation.new_id) == NEW_PARAGRAPH
    assert not [p["id"] for p in ru if re.search("[A-Za-z]", p["text"])]  # nothing English left standing in


@pytest.mark.parametrize("language", ["en", "ru"])
def test_closing_formula_names_both_languages_in_each_version(final, language):
    stem = NAME if language == "en" else f"{NAME}.{language}"
    assert text_of(final, language, "closing_formula") == CLOSING[language]
    md = {p.id: p.text for p in load_version(final.outdir / f"{stem}.md").paragraphs}
    docx = read_docx_version((final.outdir / f"{stem}.docx").read_bytes(), f"{stem}.docx").version
    assert md["closing_formula"] == {p.id: p.text for p in docx.paragraphs}["closing_formula"] == CLOSING[language]
    assert "place_date" not in md
    assert in_order(re.findall(r"\w+", CLOSING[language]), pdf_words(final.outdir / f"{stem}.pdf"))


@pytest.mark.parametrize("language", ["en", "ru"])
def test_each_version_as_libreoffice_reads_it(final, libreoffice, language):
    stem = NAME if language == "en" else f"{NAME}.{language}"
    info = libreoffice.paragraph_info(final.outdir / f"{stem}.docx")
    assert [item["text"] for item in info] == [p["text"] for p in final.paragraphs(language)]


def test_the_russian_pdf_embeds_its_fonts_and_gives_back_the_russian_text(final):
    fonts = pdf_fonts(final.outdir / f"{NAME}.ru.pdf")
    assert fonts and all(embedded for _, embedded in fonts), fonts
    expected = [w for line in final.lines("ru") for w in re.findall(r"\w+", line)]
    assert in_order(expected, pdf_words(final.outdir / f"{NAME}.ru.pdf"))


# -- side by side --------------------------------------------------------------------------------------------


def cell_text(cell) -> str:
    return "".join(t.text or "" for t in cell.iter(f"{W}t"))


def side_by_side_rows(path: Path) -> tuple[list[int], list[list[str]]]:
    """(grid column widths, cell texts per row) of the one table in the body."""
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as package:
        body = parse_xml(package.read("word/document.xml")).find(f"{W}body")
    tables = body.findall(f"{W}tbl")
    assert len(tables) == 1
    grid = [int(col.get(f"{W}w")) for col in tables[0].find(f"{W}tblGrid").findall(f"{W}gridCol")]
    rows = [[cell_text(cell) for cell in row.findall(f"{W}tc")] for row in tables[0].findall(f"{W}tr")]
    return grid, rows


def test_side_by_side_docx_is_two_columns_english_left_russian_right(final):
    grid, rows = side_by_side_rows(final.outdir / f"{NAME}.en-ru.docx")
    assert len(grid) == 2 and grid[0] == grid[1]
    assert all(len(row) == 2 for row in rows)
    assert rows[0] == ["English", "Русский"]
    assert rows[1:] == [list(pair) for pair in zip(final.lines("en"), final.lines("ru"), strict=True)]
    closing = rows[-1]
    assert closing == [CLOSING["en"], CLOSING["ru"]]


def test_side_by_side_docx_as_libreoffice_reads_it(final, libreoffice):
    texts = [item["text"] for item in libreoffice.paragraph_info(final.outdir / f"{NAME}.en-ru.docx")]
    expected = ["English", "Русский"]
    for en, ru in zip(final.lines("en"), final.lines("ru"), strict=True):
        expected += [en, ru]
    assert [t for t in texts if t] == expected


def test_side_by_side_pdf_has_english_left_and_russian_right_on_every_page(final):
    path = final.outdir / f"{NAME}.en-ru.pdf"
    html = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                          timeout=120).stdout.decode("utf-8")
    pages = html.split("<page ")[1:]
    assert len(pages) >= 2
    symbol = final.manifest["document"]["symbol"]
    for page in pages:
        words = [(float(x0), float(x1), word) for x0, x1, word in
                 re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', page)]
        # English words (a sub-paragraph letter "a" is a label in both columns; the running header aside).
        english = [w for w in words if re.search("[A-Za-z]{2}", w[2]) and not re.search("[А-Яа-яЁё]", w[2])
                   and w[2] != symbol]
        russian = [w for w in words if re.search("[А-Яа-яЁё]", w[2])]
        assert english and russian
        assert max(x1 for _, x1, _ in english) < min(x0 for x0, _, _ in russian)
    assert pdf_fonts(path) and all(embedded for _, embedded in pdf_fonts(path))
