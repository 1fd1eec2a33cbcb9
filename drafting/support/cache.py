"""On-disk memo for pure, costly results: a Word template rendered for one document's metadata (a frame), and
a template compiled for one language and set of conditions (a skeleton, `drafting.ooxml.wml.skeleton`).

Rendering a template's docxtpl tags costs more than everything else `assemble` does (python-docx, docxtpl
and Jinja2 are imported for it), yet its result depends only on the template's bytes and a handful of
metadata values, which stay the same while a text is drafted and re-assembled. Entries are keyed by a hash
of every input (including the code and library versions that produce them, see `fingerprint`), carry
their key and a hash of their payload (a damaged, truncated or misfiled entry is a miss, never wrong
output), are written atomically and privately (0600 in a 0700 directory: they hold drafts' metadata);
a cache that cannot be read or written is simply not used.

Location: `$DRAFTING_CACHE_DIR`, else `$XDG_CACHE_HOME/drafting`, else `~/.cache/drafting`;
`DRAFTING_CACHE_DIR=off` turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import sys
from pathlib import Path

CACHE_ENV = "DRAFTING_CACHE_DIR"
MAX_ENTRIES = 64
MAX_ENTRY_BYTES = 64 * 2**20
_MAGIC = b"drafting-cache-2\n"
_HEX = 64  # a sha256 in hex: the key, then the payload's digest


def cache_dir() -> Path | None:
    """Where entries live, or None when the cache is turned off."""
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        value = configured.strip()
        return None if value.lower() in ("", "off", "0", "no", "none") else Path(value)
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    try:
        root = Path(base) if base else Path.home() / ".cache"
    except RuntimeError:  # no home directory to speak of
        return None
    return root / "drafting"


def key_of(*parts: bytes | str) -> str:
    """A key naming every input; each part is length-prefixed so that ("ab", "c") != ("a", "bc")."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def fingerprint(sources: tuple[Path, ...], distributions: tuple[str, ...]) -> str:
    """What a cached result was computed with: a hash of the `sources` (drafting's own modules that produce
    it: a change to their code is a new key, whatever the files' dates say) and the installed versions of
    `distributions` (read from their dist-info directory names, so nothing is imported)."""
    parts = []
    for source in sources:
        try:
            parts.append(f"{source.name}:{hashlib.sha256(source.read_bytes()).hexdigest()}")
        except OSError:
            parts.append(f"{source.name}:missing")
    wanted = {name.lower().replace("-", "_"): name for name in distributions}
    found: dict[str, str] = {}
    for entry in sys.path:
        if not entry:  # the working directory: no installed distributions there, maybe many files
            continue
        try:
            names = os.listdir(entry)
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                project, _, version = name[:-len(".dist-info")].partition("-")
                key = project.lower().replace("-", "_").replace(".", "_")
                if key in wanted and key not in found:
                    found[key] = version
    parts.extend(f"{key}=={found.get(key, '?')}" for key in sorted(wanted))
    return ";".join(parts)


def _entry(kind: str, key: str) -> Path | None:
    root = cache_dir()
    return None if root is None else root / kind / f"{key}.bin"


def load(kind: str, key: str) -> bytes | None:
    """The payload stored under `key`, or None (absent, unreadable, damaged, misfiled, not a regular file,
    or the cache is off)."""
    path = _entry(kind, key)
    if path is None:
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_ENTRY_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    header = len(_MAGIC) + _HEX + 1 + _HEX + 1
    if not data.startswith(_MAGIC) or len(data) < header:
        return None
    stored_key = data[len(_MAGIC):len(_MAGIC) + _HEX]
    digest = data[len(_MAGIC) + _HEX + 1:header - 1]
    payload = data[header:]
    if stored_key != key.encode("ascii") or hashlib.sha256(payload).hexdigest().encode("ascii") != digest:
        return None
    return payload


def store(kind: str, key: str, payload: bytes) -> None:
    """Keep `payload` under `key` (best effort: failure to write is not an error), oldest entries pruned."""
    path = _entry(kind, key)
    if path is None or len(payload) > MAX_ENTRY_BYTES:
        return
    from drafting.support.atomic import remove_stray_temps, write_atomic

    data = (_MAGIC + key.encode("ascii") + b"\n" + hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n"
            + payload)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomic(path, data, mode=0o600)
        remove_stray_temps(path.parent)  # left by a writer that was killed
        entries = sorted(path.parent.glob("*.bin"), key=lambda p: p.stat().st_mtime_ns)
    except OSError:
        return
    for old in entries[:-MAX_ENTRIES]:
        with contextlib.suppress(OSError):
            old.unlink()
