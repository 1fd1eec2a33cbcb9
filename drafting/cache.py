"""On-disk memo for pure, costly results — today one: a Word template rendered for one document's metadata.

Rendering a template's docxtpl tags costs more than everything else `assemble` does (python-docx, docxtpl
and Jinja2 are imported for it), yet its result depends only on the template's bytes and a handful of
metadata values, which stay the same while a text is drafted and re-assembled. Entries are keyed by a hash
of every input, carry a hash of their own payload (a damaged entry is a miss, never wrong output), and
are written atomically; a cache that cannot be read or written is simply not used.

Location: `$DRAFTING_CACHE_DIR`, else `$XDG_CACHE_HOME/drafting`, else `~/.cache/drafting`;
`DRAFTING_CACHE_DIR=off` turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

CACHE_ENV = "DRAFTING_CACHE_DIR"
MAX_ENTRIES = 64
_MAGIC = b"drafting-cache-1\n"
_DIGEST_SIZE = 64  # hex sha256


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


def _entry(kind: str, key: str) -> Path | None:
    root = cache_dir()
    return None if root is None else root / kind / f"{key}.bin"


def load(kind: str, key: str) -> bytes | None:
    """The payload stored under `key`, or None (absent, unreadable, damaged, or the cache is off)."""
    path = _entry(kind, key)
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header = len(_MAGIC) + _DIGEST_SIZE + 1
    if not data.startswith(_MAGIC) or len(data) < header:
        return None
    payload = data[header:]
    if hashlib.sha256(payload).hexdigest().encode("ascii") != data[len(_MAGIC):header - 1]:
        return None
    return payload


def store(kind: str, key: str, payload: bytes) -> None:
    """Keep `payload` under `key` (best effort: failure to write is not an error), oldest entries pruned."""
    path = _entry(kind, key)
    if path is None:
        return
    from drafting.atomic import write_atomic

    data = _MAGIC + hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n" + payload
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
        entries = sorted(path.parent.glob("*.bin"), key=lambda p: p.stat().st_mtime_ns)
    except OSError:
        return
    for old in entries[:-MAX_ENTRIES]:
        with contextlib.suppress(OSError):
            old.unlink()
