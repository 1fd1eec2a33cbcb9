"""Batch decisions and marks read from a CSV file (`decide WS --from-file decisions.csv`).

A decisions file has a header naming its columns — `amendment,decision,note` (`number` or `id` may stand for
`amendment`; `note` is optional) — then one row per decision. A marks file has `paragraph,status`. Blank
lines are skipped. The whole file is read and checked before anything is recorded; the first bad line is
reported by its line number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from drafting.errors import DraftingInputError, refuse_controls, safe_display

MAX_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Row:
    """One data row of a batch file: its line number and its cells by column name."""

    line: int
    cells: dict[str, str]


def read_batch(path: Path, columns: Sequence[tuple[str, tuple[str, ...], bool]]) -> list[Row]:
    """The rows of the CSV file `path`; `columns` are (name, other accepted header names, required)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DraftingInputError(f"cannot read file: {exc.strerror}", source=str(path)) from exc
    if len(data) > MAX_BYTES:
        raise DraftingInputError(f"larger than {MAX_BYTES // (1024 * 1024)} MiB", source=str(path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DraftingInputError(f"not UTF-8 text (byte {exc.start})", source=str(path)) from exc
    refuse_controls(text, str(path))  # a NUL or an escape in a note would go into the record as it is
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    names = {alias: name for name, aliases, _ in columns for alias in (name, *aliases)}
    header: list[str] | None = None
    rows: list[Row] = []
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = []
                for cell in cells:
                    name = names.get(cell.strip().lower())
                    if name is None:
                        expected = ", ".join(name for name, _, _ in columns)
                        raise DraftingInputError(f"unknown column {safe_display(cell.strip())!r} (the header names "
                                                 f"the columns: {expected})", source=str(path), line=line)
                    if name in header:
                        raise DraftingInputError(f"column {name!r} twice in the header", source=str(path), line=line)
                    header.append(name)
                for name, _, required in columns:
                    if required and name not in header:
                        raise DraftingInputError(f"the header has no {name!r} column", source=str(path), line=line)
                continue
            if len(cells) > len(header):
                raise DraftingInputError(f"{len(cells)} cells, the header names {len(header)}", source=str(path),
                                         line=line)
            row = {name: cell.strip() for name, cell in zip(header, cells, strict=False)}
            for name, _, required in columns:
                if required and not row.get(name):
                    raise DraftingInputError(f"no {name}", source=str(path), line=line)
            rows.append(Row(line, row))
    except csv.Error as exc:
        raise DraftingInputError(f"not valid CSV ({exc})", source=str(path), line=reader.line_num) from exc
    if header is None:
        raise DraftingInputError("empty: no header and no rows", source=str(path))
    if not rows:
        raise DraftingInputError("no rows after the header", source=str(path))
    return rows


def once_each(seen: dict[str, int], key: str, row: Row, path: Path, what: str, rule: str) -> None:
    """Refuse a row naming what an earlier row named, however it is named (`seen`: key → the line that named
    it): which of the two was meant, the file does not say."""
    if key in seen:
        raise DraftingInputError(f"{what} at line {seen[key]} already ({rule})", source=str(path), line=row.line)
    seen[key] = row.line


DECISION_COLUMNS = (("amendment", ("number", "id"), True), ("decision", (), True), ("note", (), False))
MARK_COLUMNS = (("paragraph", ("id",), True), ("status", (), True))
