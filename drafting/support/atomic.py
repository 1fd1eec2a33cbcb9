"""Durable atomic file writes: a reader sees the old file or the new one, never half of either.

Recipe from bad-inputs.md §5: temp file in the destination directory, write, flush, fsync, `os.replace`,
fsync the directory; on any error the temp file is removed and the original is untouched. (click's
`atomic=True` replaces the target even when the block raises, so it is not used.)
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Mapping
from pathlib import Path

TEMP_PREFIX = ".tmp-drafting-"


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _create_temp(directory: Path, mode: int) -> tuple[int, str]:
    """A new file beside the target, created exclusively (like `tempfile.mkstemp`, without importing
    `tempfile` on every command)."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        name = os.path.join(directory, TEMP_PREFIX + os.urandom(8).hex())
        try:
            return os.open(name, flags, mode), name
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary file name in {directory}")


def write_atomic(path: str | os.PathLike[str], data: bytes, *, mode: int = 0o666) -> None:
    """Replace `path` with `data` atomically and durably.

    A new file gets `mode` less the umask, as files made by other tools do; a file that is replaced keeps
    the permissions it had (a clerk who made a draft private keeps it private)."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp = _create_temp(directory, mode)
    try:
        with contextlib.suppress(FileNotFoundError):
            os.fchmod(fd, stat.S_IMODE(os.stat(target).st_mode))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(directory)


def write_all_atomic(files: Mapping[Path, bytes]) -> None:
    """Write several files, each atomically; all bytes are computed by the caller before the first write."""
    for path, data in files.items():
        write_atomic(path, data)


def remove_stray_temps(directory: Path) -> int:
    """Delete temp files left by a killed writer in `directory`; returns how many were removed."""
    removed = 0
    if directory.is_dir():
        for stray in directory.glob(TEMP_PREFIX + "*"):
            with contextlib.suppress(OSError):
                stray.unlink()
                removed += 1
    return removed
