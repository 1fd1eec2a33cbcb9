"""Footnotes and tables through a round (issue 11): a row a delegation adds is a row of Rev.1, a paragraph
proposed after one with a note goes after its note, and a deleted paragraph takes its notes with it."""

from __future__ import annotations

from pathlib import Path

from drafting import app as api
from drafting.model.document import Role
from drafting.readers.docx import document_from_docx, read_docx_version

SPEC = """\
document: {id: nt, title: Regional cooperation, place: Almaty, date: 2025-06-05, profile: as-issued}
preamble:
  paragraphs:
    - {id: pp1, text: "*Recalling* its resolution 66/1^[A/RES/66/1.];"}
    - {id: pp2, text: "*Noting* the report^[A/79/100.];"}
operative:
  paragraphs:
    - {id: op1, text: "*Decides* to convene a conference in 2025."}
closing:
  - {id: ax1, text: Annex}
  - {id: ax2, table: [[State, Pledge], [Kazakhstan, "100"]]}
place_date: "no"
"""


def start(tmp_path: Path) -> tuple[Path, str]:
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    ws = tmp_path / "ws"
    api.negotiation_init(ws, spec, actor="clerk")
    api.assemble_to(spec, tmp_path / "base", ("md",))
    return ws, (tmp_path / "base" / "nt.md").read_text(encoding="utf-8")


def round_with(tmp_path: Path, ws: Path, edited: str) -> Path:
    returned = tmp_path / "kyrgyzstan.md"
    returned.write_text(edited, encoding="utf-8")
    api.submit(ws, "Kyrgyzstan", returned, actor="clerk")
    api.decide_batch(ws, (), "accept", delegation="Kyrgyzstan", actor="chair")
    paths, _ = api.revise(ws, tmp_path / "rev1", ("md", "docx"), actor="clerk")
    return next(p for p in paths if p.suffix == ".docx")


def test_a_row_a_delegation_adds_is_a_row_of_the_next_revision(tmp_path):
    ws, text = start(tmp_path)
    docx = round_with(tmp_path, ws, text.replace("| Kazakhstan | 100 |", "| Kazakhstan | 100 |\n| Kyrgyzstan | 50 |"))
    rev1 = document_from_docx(docx.read_bytes(), str(docx))
    cells = [(p.cell, p.text) for p in rev1.paragraphs if p.role is Role.CELL]
    assert cells == [((1, 1, 1), "State"), ((1, 1, 2), "Pledge"), ((1, 2, 1), "Kazakhstan"), ((1, 2, 2), "100"),
                     ((1, 3, 1), "Kyrgyzstan"), ((1, 3, 2), "50")]


def test_a_paragraph_proposed_after_one_with_a_note_goes_after_the_note(tmp_path):
    ws, text = start(tmp_path)
    edited = text.replace("[^1]: A/RES/66/1.", "[^1]: A/RES/66/1.\n\n*Recalling also* its resolution 67/2;")
    docx = round_with(tmp_path, ws, edited)
    rev1 = document_from_docx(docx.read_bytes(), str(docx))
    texts = [p.text for p in rev1.paragraphs]
    at = texts.index("Recalling its resolution 66/1;")
    assert texts[at + 1:at + 3] == ["A/RES/66/1.", "Recalling also its resolution 67/2;"]
    assert rev1.paragraphs[at + 2].role is Role.PREAMBULAR


def test_a_deleted_paragraph_takes_its_notes_with_it(tmp_path):
    ws, text = start(tmp_path)
    block = text[text.index("<!-- dp:pp2 -->"):text.index("<!-- dp:op1 -->")]
    docx = round_with(tmp_path, ws, text.replace(block, block.split("\n\n", 1)[1]))  # pp2 gone, its note kept
    rev1 = read_docx_version(docx.read_bytes(), str(docx))
    assert [s.name for s in rev1.stories if s.name.startswith("footnote")] == ["footnote 1"]
    assert "A/79/100." not in [p.text for p in rev1.version.paragraphs]
