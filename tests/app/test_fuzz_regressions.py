"""Regressions found by fuzzing the loaders of the files a chair hands to the CLI (`decide --from-file`):
a damaged file is refused whole, naming the file and the line, and nothing reaches the record."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafting.errors import DraftingInputError
from drafting.negotiation.batch import DECISION_COLUMNS, read_batch

SAMPLE = b"amendment,decision,note\nKAZ/1,accept,agreed in the room\nKAZ/2,reject,\n"


@pytest.mark.parametrize(("damage", "line", "code"), [
    (b"agreed in\x00 the room", 2, "0000"),
    (b"agreed in \x1b[31mthe room", 2, "001B"),
    (b"agreed in the room\x7f", 2, "007F"),
])
def test_a_control_character_in_a_decisions_file_is_refused_not_recorded(tmp_path: Path, damage: bytes, line: int,
                                                                          code: str) -> None:
    """A NUL or an escape sequence in a note went into the record as it was (exit 0); bad-inputs X7."""
    path = tmp_path / "decisions.csv"
    path.write_bytes(SAMPLE.replace(b"agreed in the room", damage))
    with pytest.raises(DraftingInputError) as caught:
        read_batch(path, DECISION_COLUMNS)
    assert str(caught.value) == f"{path}:{line}: control character U+{code} is not allowed"


def test_tabs_and_any_line_ends_are_still_read(tmp_path: Path) -> None:
    path = tmp_path / "decisions.csv"
    path.write_bytes(SAMPLE.replace(b"agreed in the room", b"agreed\tin the room").replace(b"\n", b"\r\n"))
    rows = read_batch(path, DECISION_COLUMNS)
    assert [(row.line, row.cells["amendment"], row.cells["note"]) for row in rows] == [
        (2, "KAZ/1", "agreed\tin the room"), (3, "KAZ/2", "")]
