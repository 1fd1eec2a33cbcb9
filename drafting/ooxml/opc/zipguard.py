"""The zip guard: an untrusted .docx is checked from its central directory before one byte is inflated.

Size, entry count, names, symlinks, encryption, declared sizes, compression ratio and overlapping entries
(bad-inputs Z1-Z13) are checked on the directory; members are then read with a bounded read. Every failure
is a one-line `DraftingInputError` naming the member.
"""

from __future__ import annotations

import io
import re
import stat
import struct
import zipfile
import zlib

from drafting.errors import DraftingInputError, safe_display

# -- limits -----------------------------------------------------------------------------------------------

MAX_PACKAGE_BYTES = 64 * 2**20
"""Largest .docx accepted, compressed."""
MAX_ENTRIES = 2000
"""Most zip entries; python-docx documents have ~20, large Word files a few hundred."""
MAX_MEMBER_BYTES = 128 * 2**20
"""Largest declared uncompressed size of one member."""
MAX_TOTAL_BYTES = 512 * 2**20
"""Largest declared uncompressed size of all members together."""
MAX_RATIO = 200
"""Largest compression ratio for a member bigger than `RATIO_FLOOR_BYTES` (Word XML is ~10-40:1)."""
RATIO_FLOOR_BYTES = 2**20
"""Members smaller than this are not ratio-checked: they cannot be bombs."""
MAX_NAME_CHARS = 1000
_MAX_CD_BYTES = MAX_ENTRIES * (46 + MAX_NAME_CHARS + 256)
_CFB_MAGIC = b"\xd0\xcf\x11\xe0"
_DRIVE = re.compile(r"^[A-Za-z]:")


# -- zip layer --------------------------------------------------------------------------------------------

_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    ValueError,
    struct.error,
    NotImplementedError,
    RuntimeError,
    KeyError,
    IndexError,
    OverflowError,
    TypeError,
    zlib.error,
)


def open_zip(data: bytes, source: str) -> zipfile.ZipFile:
    """Size cap, magic check and the central directory; no member is decompressed."""
    if len(data) > MAX_PACKAGE_BYTES:
        raise DraftingInputError(f"file too large ({len(data)} bytes; the limit is {MAX_PACKAGE_BYTES})", source=source)
    if data.startswith(_CFB_MAGIC):
        raise DraftingInputError("encrypted or legacy .doc file; save it as .docx", source=source)
    if not data.startswith(b"PK\x03\x04"):
        raise DraftingInputError("not a .docx package", source=source)
    _check_end_record(data, source)
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as exc:
        raise DraftingInputError(
            f"not a .docx package (unreadable zip directory: {short_text(str(exc))})", source=source
        ) from exc


def _check_end_record(data: bytes, source: str) -> None:
    """Entry count and directory size from the end record, so a 100,000-entry zip is never even listed."""
    pos = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if pos < 0 or pos + 22 > len(data):
        raise DraftingInputError("not a .docx package (no zip end record; truncated?)", source=source)
    _sig, _disk, _cd_disk, _n_disk, entries, cd_size, _cd_off, _comment = struct.unpack(
        "<4s4H2LH", data[pos : pos + 22]
    )
    locator = data[pos - 20 : pos] if pos >= 20 else b""
    if locator.startswith(b"PK\x06\x07"):
        (offset,) = struct.unpack("<Q", locator[8:16])
        record = data[offset : offset + 56]
        if len(record) == 56 and record.startswith(b"PK\x06\x06"):
            entries, cd_size = struct.unpack("<QQ", record[32:48])
    if entries > MAX_ENTRIES:
        raise DraftingInputError(f"too many zip entries ({entries}; the limit is {MAX_ENTRIES})", source=source)
    if cd_size > _MAX_CD_BYTES:
        raise DraftingInputError(f"zip directory too large ({cd_size} bytes)", source=source)


def prescan(zf: zipfile.ZipFile, data: bytes, source: str) -> list[zipfile.ZipInfo]:
    """Check every entry from the central directory; return the entries that are parts (not directories)."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise DraftingInputError(f"too many zip entries ({len(infos)}; the limit is {MAX_ENTRIES})", source=source)
    raw_names = _central_names(data, zf.start_dir, len(infos), source)
    seen: dict[str, str] = {}
    parts: list[zipfile.ZipInfo] = []
    total = 0
    for info, raw in zip(infos, raw_names, strict=True):
        name = info.filename
        _check_name(name, raw, source)
        shown = shown_name(name)
        is_dir = name.endswith("/")
        if is_dir and info.file_size:
            raise DraftingInputError("directory entry with data", source=source, part=shown)
        folded = name.casefold()
        if folded in seen:
            what = "duplicate member name" if seen[folded] == name else "member names differ only in case"
            raise DraftingInputError(what, source=source, part=shown)
        seen[folded] = name
        if stat.S_ISLNK(info.external_attr >> 16):
            raise DraftingInputError("symbolic link entry", source=source, part=shown)
        if info.flag_bits & 0x41:
            raise DraftingInputError("encrypted member", source=source, part=shown)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise DraftingInputError(f"unsupported compression method {info.compress_type}", source=source, part=shown)
        if info.file_size > MAX_MEMBER_BYTES:
            raise DraftingInputError(
                f"member too large ({info.file_size} bytes declared; the limit is {MAX_MEMBER_BYTES})",
                source=source,
                part=shown,
            )
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise DraftingInputError(
                f"compression ratio {ratio}:1 is too high (possible zip bomb)", source=source, part=shown
            )
        total += info.file_size
        if not is_dir:
            parts.append(info)
    if total > MAX_TOTAL_BYTES:
        raise DraftingInputError(
            f"package too large when uncompressed ({total} bytes declared; the limit is {MAX_TOTAL_BYTES})",
            source=source,
        )
    folded_names = {info.filename.casefold() for info in parts}
    for info in parts:
        segments = info.filename.split("/")
        for i in range(1, len(segments)):
            prefix = "/".join(segments[:i]).casefold()
            if prefix in folded_names:
                raise DraftingInputError(
                    "part name is a prefix segment of another part name", source=source, part=shown_name(prefix)
                )
    _check_overlaps(infos, raw_names, data, zf.start_dir, source)
    return parts


def _central_names(data: bytes, start: int, count: int, source: str) -> list[bytes]:
    """Raw member names from the central directory: zipfile cuts names at NUL, so look at the bytes."""
    names = []
    pos = start
    for _ in range(count):
        header = data[pos : pos + 46]
        if len(header) < 46 or not header.startswith(b"PK\x01\x02"):
            raise DraftingInputError("not a .docx package (corrupt zip directory)", source=source)
        n, m, k = struct.unpack("<HHH", header[28:34])
        names.append(data[pos + 46 : pos + 46 + n])
        pos += 46 + n + m + k
    return names


def _check_name(name: str, raw: bytes, source: str) -> None:
    """Refuse names that could escape a directory or confuse a reader (Z12)."""
    if any(b < 0x20 or b == 0x7F for b in raw):
        shown_raw = shown_name(raw.decode("utf-8", "replace"))
        raise DraftingInputError("control character in member name", source=source, part=shown_raw)
    shown = shown_name(name)
    if len(name) > MAX_NAME_CHARS:
        raise DraftingInputError(f"member name too long ({len(name)} characters)", source=source, part=shown[:80] + "…")
    if "\\" in name:
        raise DraftingInputError("backslash in member name", source=source, part=shown)
    if name.startswith("/"):
        raise DraftingInputError("absolute member name", source=source, part=shown)
    if _DRIVE.match(name):
        raise DraftingInputError("drive letter in member name", source=source, part=shown)
    segments = name[:-1].split("/") if name.endswith("/") else name.split("/")
    if any(seg in ("", ".", "..") for seg in segments):
        raise DraftingInputError("'..', '.' or empty segment in member name", source=source, part=shown)


def _check_overlaps(
    infos: list[zipfile.ZipInfo], raw_names: list[bytes], data: bytes, cd_start: int, source: str
) -> None:
    """Each entry's local header and data must end before the next entry starts (Fifield bombs, Z9).

    CPython 3.11.7 lacks this check (gh-109858), so it is done here for every Python.
    """
    order = sorted(range(len(infos)), key=lambda i: (infos[i].header_offset, i))
    spans = []
    for i in order:
        info = infos[i]
        offset = info.header_offset
        header = data[offset : offset + 30]
        if len(header) < 30 or not header.startswith(b"PK\x03\x04"):
            raise DraftingInputError("corrupt member (bad local header)", source=source, part=shown_name(info.filename))
        n, m = struct.unpack("<HH", header[26:30])
        spans.append((offset, offset + 30 + n + m + info.compress_size, i, n))
    for (_start, end, i, _n), following in zip(spans, [*spans[1:], None], strict=True):
        limit = following[0] if following is not None else cd_start
        if end > limit:
            raise DraftingInputError(
                "overlapping zip entries (possible zip bomb)", source=source, part=shown_name(infos[i].filename)
            )
    for start, _end, i, n in spans:
        if data[start + 30 : start + 30 + n] != raw_names[i]:
            raise DraftingInputError(
                "local header name differs from the zip directory", source=source, part=shown_name(infos[i].filename)
            )


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, source: str) -> bytes:
    """Decompress one member, never beyond its declared size (Z8), wrapping every decoder error."""
    try:
        with zf.open(info) as handle:
            blob = handle.read(info.file_size + 1)
    except zipfile.BadZipFile as exc:
        reason = "bad CRC-32" if "CRC" in str(exc) else short_text(str(exc))
        raise DraftingInputError(f"corrupt member ({reason})", source=source, part=info.filename) from exc
    except zlib.error as exc:
        raise DraftingInputError("corrupt member (invalid deflate data)", source=source, part=info.filename) from exc
    except EOFError as exc:
        raise DraftingInputError("corrupt member (data ends early)", source=source, part=info.filename) from exc
    except _ZIP_ERRORS as exc:
        raise DraftingInputError(f"corrupt member ({short_text(str(exc))})", source=source, part=info.filename) from exc
    if len(blob) != info.file_size:
        raise DraftingInputError(
            "corrupt member (size differs from the zip directory)", source=source, part=info.filename
        )
    return blob


def read_members(data: bytes, source: str) -> dict[str, bytes]:
    """Every part (not directory) of the zip in `data`, each checked and read with a bounded read."""
    zf = open_zip(data, source)
    return {info.filename: read_member(zf, info, source) for info in prescan(zf, data, source)}


def shown_name(name: str) -> str:
    """A member name safe to print on one line (control characters made visible, length bounded)."""
    shown = safe_display(name)
    return shown if len(shown) <= 200 else shown[:200] + "…"


def short_text(text: str) -> str:
    shown = safe_display(text)
    return shown if len(shown) <= 120 else shown[:120] + "…"
