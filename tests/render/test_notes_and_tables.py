"""Footnotes and tables in the renderers (issue 11): Markdown and Word write them as each writes them, and
the readers give back the same paragraphs — ids, texts and stories; LibreOffice, the independent client,
reads the Word file's notes and cells where Word keeps them."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from drafting.app import load_document
from drafting.model.document import Document, Role
from drafting.readers.docx import document_from_docx, read_docx_version, with_footnotes
from drafting.readers.text import read_text_version
from drafting.render.docx import render_docx
from drafting.render.markdown import render_markdown

SPEC = """\
document:
  id: notes-and-tables
  title: Regional cooperation on mixed migration
  place: Almaty
  date: 2025-06-05
  profile: as-issued
preamble:
  paragraphs:
    - id: pp1
      text: "*Recalling* its resolution 66/1^[A/RES/66/1, adopted on *1 May* 2011.];"
operative:
  paragraphs:
    - id: op1
      text: "*Decides* to convene a conference^[In Almaty.] in 2025^[Or 2026.];"
closing:
  - id: ax1
    text: Annex
  - id: ax2
    table: {rows}
place_date: "no"
"""
ROWS = '[["State", "Contribution"], ["Kazakhstan", "100"], ["Kyrgyzstan | KGZ", "50^[Pledged.]"]]'


def spec_document(tmp_path: Path, rows: str = ROWS) -> Document:
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC.format(rows=rows), encoding="utf-8")
    return load_document(path)


def expected(document: Document) -> list[tuple[str, str, str]]:
    return [(p.id, p.text, p.story) for p in document.paragraphs]


def test_notes_follow_their_paragraph_numbered_through_the_text_and_tables_are_cells_in_row_order(tmp_path):
    document = spec_document(tmp_path)
    roles = [(p.id, p.role.value, p.label, p.cell) for p in document.paragraphs if p.role in (Role.FOOTNOTE,
                                                                                             Role.CELL)]
    assert roles == [
        ("pp1_fn1", "footnote", "1", None), ("op1_fn1", "footnote", "2", None), ("op1_fn2", "footnote", "3", None),
        ("ax2_r1c1", "cell", "", (1, 1, 1)), ("ax2_r1c2", "cell", "", (1, 1, 2)),
        ("ax2_r2c1", "cell", "", (1, 2, 1)), ("ax2_r2c2", "cell", "", (1, 2, 2)),
        ("ax2_r3c1", "cell", "", (1, 3, 1)), ("ax2_r3c2", "cell", "", (1, 3, 2)), ("ax2_r3c2_fn1", "footnote", "4",
                                                                                   None),
    ]
    op1 = document.paragraph("op1")
    assert op1 is not None and op1.text == "Decides to convene a conference in 2025;"
    assert [s.note for s in op1.spans if s.note] == ["op1_fn1", "op1_fn2"]
    assert document.paragraph("pp1_fn1").story == "footnote 1"
    assert document.paragraph("ax2_r3c1").story == "table 1 row 3"


def test_markdown_writes_notes_and_a_pipe_table_and_reads_them_back(tmp_path):
    document = spec_document(tmp_path)
    text = render_markdown(document).decode("utf-8")
    assert "*Decides* to convene a conference[^2] in 2025[^3];" in text
    assert "[^1]: A/RES/66/1, adopted on *1 May* 2011." in text
    assert "| Kyrgyzstan \\| KGZ | 50[^4] |" in text
    version = read_text_version(text.encode("utf-8"), "n.md", "md")
    assert [(p.id, p.text, p.story) for p in version.paragraphs] == expected(document)


def test_word_writes_a_footnotes_part_and_a_table_and_reads_them_back(tmp_path):
    document = spec_document(tmp_path)
    data = render_docx(document)
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as package:
        notes = package.read("word/footnotes.xml")
        assert notes.count(b"<w:footnote w:id=") == 4 and notes.count(b'w:type="separator"') == 1
        assert package.read("word/document.xml").count(b"<w:tbl>") == 1
    version = with_footnotes(read_docx_version(data, "n.docx")).version
    # Word wants a paragraph between a closing table and the section properties: empty, no id
    assert version.paragraphs[-1].id is None and version.paragraphs[-1].text == ""
    assert [(p.id, p.text) for p in version.paragraphs[:-1]] == [(i, t) for i, t, _ in expected(document)]
    assert document_from_docx(data, "n.docx").paragraphs == document.paragraphs
    assert render_docx(document) == data  # deterministic


@pytest.mark.libreoffice
def test_libreoffice_reads_the_notes_at_the_foot_and_the_cells_in_the_table(tmp_path, libreoffice):
    document = spec_document(tmp_path)
    path = tmp_path / "n.docx"
    path.write_bytes(render_docx(document))
    assert libreoffice.stories(path)["footnotes"] == [p.text for p in document.paragraphs if p.role is Role.FOOTNOTE]
    body = libreoffice.paragraphs(path)
    cells = [p.text for p in document.paragraphs if p.role is Role.CELL]
    # the table's cells, row by row, after the body's paragraphs; note 4's number follows "50"
    assert [text for text in body if text][-len(cells):] == [*cells[:-1], "504"]
    assert any(text.startswith("Decides to convene a conference2 in 20253;") for text in body)


cell_text = st.text(alphabet=st.sampled_from("ab |*_[]\\-:`.^"), min_size=1, max_size=12).filter(
    lambda t: t.strip() and "^[" not in t)


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.lists(cell_text, min_size=2, max_size=2), min_size=1, max_size=4))
@example(rows=[[":", ":"], ["-", "-"]])  # a row of dashes after the header was read as its delimiter line
def test_any_cell_text_survives_markdown(tmp_path_factory, rows):
    """Pipes, brackets and emphasis marks typed in a cell come back as they were typed (escaped in the spec)."""
    import json

    from drafting.library.placeholders import escape_markdown

    tmp_path = tmp_path_factory.mktemp("cells")
    document = spec_document(tmp_path, json.dumps([[escape_markdown(c) for c in row] for row in rows]))
    version = read_text_version(render_markdown(document), "n.md", "md")
    assert [(p.id, p.text, p.story) for p in version.paragraphs] == expected(document)
