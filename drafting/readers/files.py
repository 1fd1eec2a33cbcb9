"""Any version file → a `Version`: .docx (tracked or clean), Markdown or plain text, told apart by content.

`load_version` reads a text; `load_submission` also keeps a .docx's revision model (tracked changes, comments,
package) for the readers that need it. Every problem is a `DraftingInputError` naming the file.
"""

from __future__ import annotations

from pathlib import Path

from drafting.errors import DraftingInputError
from drafting.model.version import Version
from drafting.readers.docx import DocxVersion, read_docx_version, with_footnotes
from drafting.readers.text import read_text_version

FORMATS = ("docx", "md", "txt")


class LossError(DraftingInputError):
    """Changes in a file that the command would drop; `losses` names each (one line each)."""

    def __init__(self, losses: tuple[str, ...] | list[str], source: str) -> None:
        self.losses = tuple(losses)
        shown = "; ".join(self.losses[:3]) + (f"; and {len(self.losses) - 3} more" if len(self.losses) > 3 else "")
        super().__init__(f"{len(self.losses)} change(s) would be lost: {shown} (rerun with --lossy-ok to accept "
                         "the loss)", source=source)


def detect_format(path: Path, data: bytes) -> str:
    """The format of a version file, from its content first (a .docx is a zip) and then its suffix."""
    suffix = path.suffix.lower().lstrip(".")
    if data[:4] == b"PK\x03\x04" or suffix in ("docx", "docm", "dotx"):
        return "docx"
    if data[:4] == b"\xd0\xcf\x11\xe0":
        return "docx"  # the package reader names it: encrypted or legacy .doc
    if suffix in ("md", "markdown"):
        return "md"
    return "txt"


def read_bytes(path: Path) -> bytes:
    """The bytes of `path`, or a `DraftingInputError` naming it."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DraftingInputError(f"cannot read file: {exc.strerror}", source=str(path)) from exc


def read_version(data: bytes, source: str, fmt: str) -> Version:
    """The version held by `data` in format `fmt` (docx, md or txt)."""
    if fmt == "docx":
        return read_docx_version(data, source).version
    return read_text_version(data, source, fmt)


def load_version(path: Path) -> Version:
    """Read the version at `path` (.docx, .md or .txt in any mix)."""
    data = read_bytes(path)
    return read_version(data, str(path), detect_format(path, data))


def load_submission(path: Path, *, lossy_ok: bool = False, footnotes: bool = True
                    ) -> tuple[Version, DocxVersion | None]:
    """Read a version file; for a .docx also its revision model (tracked changes, comments, package), its
    footnotes read as paragraphs after the paragraphs referring to them (`with_footnotes`) unless not
    `footnotes` (a redline compares notes as stories of their own).

    A .docx holding changes that no amendment represents (`DocxVersion.losses`) is refused, naming them,
    unless `lossy_ok`: a submission must never lose a delegation's change silently.
    """
    data = read_bytes(path)
    if detect_format(path, data) == "docx":
        docx = read_docx_version(data, str(path))
        if footnotes:
            docx = with_footnotes(docx)
        if docx.losses and not lossy_ok:
            raise LossError(docx.losses, str(path))
        return docx.version, docx
    return read_text_version(data, str(path), detect_format(path, data)), None
