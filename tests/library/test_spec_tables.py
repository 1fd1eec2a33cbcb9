"""A spec's `table:` entries: rows of text cells of one width; anything else is one clear line at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafting.app import load_document
from drafting.errors import DraftingInputError

HEAD = "document: {id: t, title: T, place: P, date: 2025-06-05, profile: as-issued}\nclosing:\n"


@pytest.mark.parametrize(("entry", "message", "line"), [
    ("  - {id: ax1, table: [[a, b], [c]]}", "table rows must have the same number of cells (2 in the first row, 1 "
                                            "here)", 3),
    ("  - {id: ax1, table: [a, b]}", "table must be a list of rows, each a list of cells", 3),
    ("  - {id: ax1, table: []}", "table must be a list of rows, each a list of cells", 3),
    ("  - {id: ax1, table: [[a, {b: c}]]}", "a table cell must be text", 3),
    ("  - {id: ax1, text: Annex, table: [[a]]}", "'text' cannot be combined with a table", 3),
    ("  - {id: ax1, clause: x.y, table: [[a]]}", "'clause' cannot be combined with a table", 3),
])
def test_a_malformed_table_is_one_line_naming_its_place(tmp_path: Path, entry: str, message: str, line: int) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(HEAD + entry + "\n", encoding="utf-8")
    with pytest.raises(DraftingInputError) as refused:
        load_document(spec)
    assert message in str(refused.value) and refused.value.line == line
    assert "\n" not in str(refused.value)


def test_a_table_entry_gives_one_paragraph_per_cell(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(HEAD + "  - {id: ax1, table: [[State, Pledge], [Kazakhstan, '100']]}\n", encoding="utf-8")
    cells = [(p.id, p.cell, p.text) for p in load_document(spec).paragraphs]
    assert cells == [("title", None, "T"), ("ax1_r1c1", (1, 1, 1), "State"), ("ax1_r1c2", (1, 1, 2), "Pledge"),
                     ("ax1_r2c1", (1, 2, 1), "Kazakhstan"), ("ax1_r2c2", (1, 2, 2), "100"),
                     ("place_date", None, "P, June 5th 2025")]
