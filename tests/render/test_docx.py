"""The Word output, checked by an independent client (LibreOffice) against the 2012 reference text."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from drafting.app import assemble_to, load_document
from drafting.conventions.identity import PROP_CONTENT_HASH, PROP_DOCUMENT_ID, PROP_REVISION, content_hash
from drafting.ooxml.parser import parse_xml
from drafting.render.docx import bookmark_name, render_docx
from drafting.render.markdown import render_markdown
from tests.conftest import ALMATY_SPEC, REFERENCE_TEXT

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_LABEL = re.compile(r"^\s*-\s*(\d+\s*[-–]\s*|[a-z]\s*-\s*|(?=\S))")


def reference_words() -> list[str]:
    """Words of the 2012 reference text in order, list labels ("- 1 -", "a -", "- ") and markup aside."""
    words: list[str] = []
    for line in REFERENCE_TEXT.read_text(encoding="utf-8").splitlines():
        line = _LABEL.sub("", line, count=1).replace("*", "")
        words.extend(re.findall(r"\w+", line))
    return words


def words(texts: list[str]) -> list[str]:
    return [w for text in texts for w in re.findall(r"\w+", text)]


def pdf_contains_in_order(needle: list[str], haystack: list[str]) -> bool:
    """Every word of `needle` in order in `haystack` (other words may sit between: header, page numbers).

    pdftotext joins a compound hyphenated at a line end ("asylum-" / "seekers" -> "asylumseekers"), so one
    haystack token may stand for several consecutive needle words.
    """
    i = 0
    for token in haystack:
        if i == len(needle):
            break
        j, joined = i, ""
        while j < len(needle) and len(joined) < len(token):
            joined += needle[j]
            j += 1
            if joined == token:
                i = j
                break
    return i == len(needle)


@pytest.fixture(scope="module")
def almaty_outputs(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("almaty")
    assemble_to(ALMATY_SPEC, out, ("md", "docx", "pdf"))
    return out


@pytest.mark.libreoffice
def test_docx_text_as_libreoffice_reads_it_is_the_reference_text(almaty_outputs, libreoffice):
    paragraphs = libreoffice.paragraphs(almaty_outputs / "recommendations.docx")
    assert words(paragraphs) == reference_words()


@pytest.mark.libreoffice
def test_word_numbering_gives_the_labels(almaty_outputs, libreoffice):
    info = libreoffice.paragraph_info(almaty_outputs / "recommendations.docx")
    labels = [item["label"].strip() for item in info if item["label"].strip()]
    assert labels[:3] == ["- 1 -", "- 2 -", "- 3 -"]
    assert "- 7 -" in labels and "c -" in labels
    styles = {item["style"] for item in info}
    assert {"Operative Paragraph", "Preambular Paragraph", "Member List Item"} <= styles


def test_pdf_text_contains_every_reference_word_in_order(almaty_outputs):
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(almaty_outputs / "recommendations.pdf"), "-"],
                          capture_output=True, check=True).stdout.decode("utf-8")
    assert pdf_contains_in_order(reference_words(), re.findall(r"\w+", text))


def test_assembling_twice_gives_identical_bytes(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assemble_to(ALMATY_SPEC, first, ("md", "docx"))
    assemble_to(ALMATY_SPEC, second, ("md", "docx"))
    for name in ("recommendations.md", "recommendations.docx"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_docx_carries_ids_identity_and_spec_dates():
    document = load_document(ALMATY_SPEC)
    data = render_docx(document)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        body = parse_xml(package.read("word/document.xml"))
        custom = package.read("docProps/custom.xml").decode("utf-8")
        core = package.read("docProps/core.xml").decode("utf-8")
        infos = package.infolist()
    names = [b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")]
    assert names == [bookmark_name(p.id) for p in document.paragraphs]
    assert PROP_DOCUMENT_ID in custom and "almaty-2012-recommendations" in custom
    assert PROP_CONTENT_HASH in custom and content_hash(document) in custom
    assert PROP_REVISION in custom
    assert "2012-09-07T00:00:00Z" in core and "<dc:title>Recommendations on the preparations" in core
    assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in infos)
    # A4, header with the symbol, footer with a page field, named styles rather than direct formatting.
    assert body.find(f".//{W}pgSz").get(f"{W}w") == "11906"
    assert not list(body.iter(f"{W}b")) and not list(body.iter(f"{W}i"))
    assert {p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") for p in body.iter(f"{W}p")} >= {"OperativeParagraph"}


@pytest.mark.libreoffice
def test_libreoffice_opens_it_and_ids_survive_a_round_trip(almaty_outputs, libreoffice, tmp_path):
    source = almaty_outputs / "recommendations.docx"
    assert libreoffice.open_ok(source)
    props = libreoffice.user_properties(source)
    assert props[PROP_DOCUMENT_ID] == "almaty-2012-recommendations"
    saved = libreoffice.save_as_docx(source, tmp_path / "roundtrip.docx")
    with zipfile.ZipFile(saved) as package:
        body = parse_xml(package.read("word/document.xml"))
    expected = [bookmark_name(p.id) for p in load_document(ALMATY_SPEC).paragraphs]
    found = [b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")]
    assert [name for name in found if name.startswith("dp_")] == expected


def test_markdown_carries_ids_and_identity():
    document = load_document(ALMATY_SPEC, profile="un-resolution")
    text = render_markdown(document).decode("utf-8")
    assert text.startswith(f"<!-- drafting: document=almaty-2012-recommendations revision=0 language=en "
                           f"sha256={content_hash(document)} -->")
    assert "<!-- dp:forum_needed -->\n*Bearing in mind* that the Central Asian region" in text
    assert "1\\. *Endorse* the draft Regional Cooperation Framework;" in text
    assert "- Kazakhstan\n" in text
