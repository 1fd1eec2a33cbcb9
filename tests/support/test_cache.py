"""The template-frame memo: same bytes hit or miss, a damaged entry is a miss, metadata changes are seen."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from drafting.app import load_document
from drafting.render.docx import FRAME_CACHE, render_docx
from drafting.support import cache
from tests.conftest import ALMATY_SPEC, ROOT


@pytest.fixture(scope="module")
def document():
    return load_document(ALMATY_SPEC)


@pytest.fixture
def cache_at(tmp_path, monkeypatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_ENV, str(directory))
    return directory


def entries(directory: Path) -> list[Path]:
    return sorted((directory / FRAME_CACHE).glob("*.bin"))


def header_of(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read("word/header1.xml").decode("utf-8")


def test_a_hit_gives_the_same_bytes_as_a_miss_and_as_no_cache(document, cache_at, monkeypatch):
    miss = render_docx(document)
    assert len(entries(cache_at)) == 1
    hit = render_docx(document)
    monkeypatch.setenv(cache.CACHE_ENV, "off")
    uncached = render_docx(document)
    assert miss == hit == uncached


def test_a_damaged_entry_is_a_miss_and_is_replaced(document, cache_at):
    expected = render_docx(document)
    (entry,) = entries(cache_at)
    data = bytearray(entry.read_bytes())
    data[-10] ^= 0xFF
    entry.write_bytes(bytes(data))
    assert cache.load(FRAME_CACHE, entry.stem) is None
    assert render_docx(document) == expected
    assert cache.load(FRAME_CACHE, entry.stem) is not None


def test_changed_metadata_renders_a_new_frame(document, cache_at):
    render_docx(document)
    moved = replace(document, meta=replace(document.meta, symbol="NEW/SYMBOL/1"))
    assert "NEW/SYMBOL/1" in header_of(render_docx(moved))
    assert len(entries(cache_at)) == 2


def test_an_edited_template_renders_a_new_frame(document, cache_at, tmp_path):
    from drafting.ooxml.wml.markup import write_package
    from drafting.ooxml.wml.template import template_parts

    render_docx(document)
    parts = template_parts()
    parts["word/header1.xml"] = parts["word/header1.xml"].replace(b"{{ symbol }}", b"Symbol: {{ symbol }}")
    edited = tmp_path / "edited.docx"
    edited.write_bytes(write_package(parts))
    assert "Symbol: " in header_of(render_docx(document, template=edited))


def test_turned_off_writes_nothing(document, tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    render_docx(document)
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_cache_is_not_an_error(document, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocker / "cache"))
    assert render_docx(document)[:2] == b"PK"


def test_old_entries_are_pruned(cache_at, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    for i in range(5):
        cache.store("kind", cache.key_of(str(i)), b"payload")
        entry = cache_at / "kind" / f"{cache.key_of(str(i))}.bin"
        os.utime(entry, ns=(i * 10**9, i * 10**9))
    kept = {p.stem for p in (cache_at / "kind").glob("*.bin")}
    assert kept == {cache.key_of(str(i)) for i in (2, 3, 4)}


def test_keys_frame_their_parts():
    assert cache.key_of("ab", "c") != cache.key_of("a", "bc")
    assert cache.key_of(b"x") == cache.key_of("x")


def test_no_assembly_on_the_default_template_imports_a_template_engine(tmp_path, cache_at):
    """The point of the memo and of the shipped skeletons: neither the first assembly of a text (its frame
    filled from `templates/conference.skeletons`) nor re-assembling it loads python-docx, docxtpl, Jinja2 or
    even lxml."""
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from drafting.app import assemble_to\n"
        f"assemble_to(Path({str(ALMATY_SPEC)!r}), Path({str(tmp_path / 'out')!r}), ('docx',))\n"
        "print(sorted(m for m in ('docx', 'docxtpl', 'jinja2', 'lxml') if m in sys.modules))\n"
    )
    env = {**os.environ, cache.CACHE_ENV: str(cache_at)}
    runs = [subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                           check=True).stdout.strip() for _ in range(2)]
    assert runs == ["[]", "[]"]


def test_an_entry_filed_under_another_key_is_not_used(document, cache_at):
    """Entries carry their key: a frame copied under another name cannot leak one text's metadata into another."""
    english = render_docx(document)
    other = replace(document, meta=replace(document.meta, symbol="OTHER/1"))
    render_docx(other)
    first, second = entries(cache_at)
    first.write_bytes(second.read_bytes())  # now both names hold the same frame
    assert render_docx(document) == english
    assert "OTHER/1" in header_of(render_docx(other))


@pytest.mark.parametrize("kind", ["symlink", "fifo"])
def test_an_entry_that_is_not_a_regular_file_is_a_miss(document, cache_at, tmp_path, kind):
    expected = render_docx(document)
    (entry,) = entries(cache_at)
    entry.unlink()
    if kind == "symlink":
        target = tmp_path / "elsewhere.bin"
        target.write_bytes(b"whatever")
        entry.symlink_to(target)
    else:
        os.mkfifo(entry)
    assert cache.load(FRAME_CACHE, entry.stem) is None
    assert render_docx(document) == expected


def test_a_well_formed_entry_that_is_not_a_frame_is_rendered_again(document, cache_at):
    expected = render_docx(document)
    (entry,) = entries(cache_at)
    cache.store(FRAME_CACHE, entry.stem, b"PK\x05\x06" + b"\x00" * 18)  # an empty zip: no body slot
    assert render_docx(document) == expected


def test_entries_are_private(document, cache_at):
    render_docx(document)
    (entry,) = entries(cache_at)
    assert entry.stat().st_mode & 0o777 == 0o600
    assert entry.parent.stat().st_mode & 0o777 == 0o700


def test_the_fingerprint_follows_code_and_library_versions(tmp_path, monkeypatch):
    source = tmp_path / "module.py"
    source.write_text("x = 1\n")
    site = tmp_path / "site"
    (site / "python_docx-1.2.0.dist-info").mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [str(site)])
    before = cache.fingerprint((source,), ("python-docx", "absent-lib"))
    assert "python_docx==1.2.0" in before and "absent_lib==?" in before
    same_size = source.stat()
    source.write_text("x = 2\n")  # same size; the date put back as it was, as a checkout can leave it
    os.utime(source, ns=(same_size.st_atime_ns, same_size.st_mtime_ns))
    assert cache.fingerprint((source,), ("python-docx", "absent-lib")) != before
    (site / "python_docx-1.2.0.dist-info").rename(site / "python_docx-1.3.0.dist-info")
    assert "python_docx==1.3.0" in cache.fingerprint((source,), ("python-docx",))
