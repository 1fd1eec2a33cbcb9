"""Durable atomic file writes: a reader sees the old file or the new one, never half of either.

Recipe from bad-inputs.md §5: temp file in the destination directory, write, flush, fsync, `os.replace`,
fsync the directory; on any error the temp file is removed and the original is untouched. (click's
`atomic=True` replaces the target even when the block raises, so it is not used.)
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path

TEMP_PREFIX = ".tmp-drafting-"


def sync_directory(directory: Path) -> None:
    """Make the names in `directory` durable (a rename into it survives a power cut once this returns)."""
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


class Prepared:
    """`data` written to a new file beside `target` (`prepare_atomic`), neither synced nor in its place yet:
    `place` puts it there as `write_atomic` would, `discard` removes it. What can go wrong in making a file (no
    permission, no space for it) has gone wrong by now; what is left is the sync and the rename."""

    def __init__(self, target: Path, fd: int, temp: str) -> None:
        self.target = target
        self._fd = fd
        self._temp = temp

    def place(self) -> None:
        """Sync the file and put it in place of the target, its new name made durable. Raises OSError, the
        target untouched and the file removed."""
        try:
            os.fsync(self._fd)
            os.close(self._fd)
            self._fd = -1
            os.replace(self._temp, self.target)
        except BaseException:
            self.discard()
            raise
        sync_directory(self.target.parent)

    def discard(self) -> None:
        """Remove the file (the target untouched)."""
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = -1
        with contextlib.suppress(OSError):
            os.unlink(self._temp)


def prepare_atomic(path: str | os.PathLike[str], data: bytes, *, mode: int = 0o666) -> Prepared:
    """The first half of `write_atomic`: `data` in a new file beside `path`, to be put in its place later."""
    target = Path(path)
    fd, temp = _create_temp(target.parent, mode)
    try:
        with contextlib.suppress(FileNotFoundError):
            os.fchmod(fd, stat.S_IMODE(os.stat(target).st_mode))
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return Prepared(target, fd, temp)


def write_atomic(path: str | os.PathLike[str], data: bytes, *, mode: int = 0o666) -> None:
    """Replace `path` with `data` atomically and durably.

    A new file gets `mode` less the umask, as files made by other tools do; a file that is replaced keeps
    the permissions it had (a clerk who made a draft private keeps it private)."""
    prepare_atomic(path, data, mode=mode).place()


def write_all_atomic(files: Mapping[Path, bytes]) -> None:
    """Write several files, each atomically; all bytes are computed by the caller before the first write."""
    for path, data in files.items():
        write_atomic(path, data)


def _why(exc: OSError) -> str:
    import errno

    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied (read-only?)"
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return "a file is in the way of a directory"
    return exc.strerror or str(exc)


def make_directory(directory: Path) -> None:
    """`directory` and its parents, or one line saying why not (a file where a directory should be, …)."""
    from drafting.errors import DraftingInputError

    try:
        directory.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise DraftingInputError("cannot write here: it is a file, not a directory",
                                 source=str(exc.filename or directory)) from exc
    except OSError as exc:
        raise DraftingInputError(f"cannot create the directory: {_why(exc)}", source=str(directory)) from exc
    if not directory.is_dir():
        raise DraftingInputError("cannot write here: it is a file, not a directory", source=str(directory))


@contextlib.contextmanager
def staged_outputs(directory: Path, files: Mapping[str, bytes]) -> Iterator[None]:
    """Write `files` (names in `directory`) first to a hidden directory beside it, run the block (commit the
    record), then move them into place. A failed write leaves no output and the block never runs; a block that
    raises (a failed commit) leaves no output either. Moving is a rename on the same file system: it needs no
    space, so once the record is committed the outputs follow it."""
    import shutil

    from drafting.errors import DraftingInputError

    make_directory(directory.parent if str(directory.parent) else Path("."))
    stage = directory.parent / (TEMP_PREFIX + os.urandom(8).hex())
    try:
        stage.mkdir()
        for name, data in files.items():
            _write_file(stage / name, data)
    except OSError as exc:
        shutil.rmtree(stage, ignore_errors=True)
        raise DraftingInputError(f"cannot write the outputs: {_why(exc)}; nothing was written or recorded",
                                 source=str(directory)) from exc
    try:
        yield
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    try:
        make_directory(directory)
        for name in files:
            os.replace(stage / name, directory / name)
        sync_directory(directory)
    except (OSError, DraftingInputError) as exc:
        raise DraftingInputError(f"the record was updated, but the outputs could not be moved into place ({exc}); "
                                 f"they are in {stage}", source=str(directory)) from exc
    shutil.rmtree(stage, ignore_errors=True)


def _write_file(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def remove_stray_temps(directory: Path) -> int:
    """Delete temp files left by a killed writer in `directory`; returns how many were removed."""
    removed = 0
    if directory.is_dir():
        for stray in directory.glob(TEMP_PREFIX + "*"):
            with contextlib.suppress(OSError):
                stray.unlink()
                removed += 1
    return removed
