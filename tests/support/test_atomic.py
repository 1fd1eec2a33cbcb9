"""Atomic writes: the old file or the new one, never half, and no temp file left behind."""

from __future__ import annotations

import os

import pytest

from drafting.support import atomic
from drafting.support.atomic import TEMP_PREFIX, remove_stray_temps, write_atomic


def test_writes_and_replaces(tmp_path):
    target = tmp_path / "out.docx"
    write_atomic(target, b"first")
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in tmp_path.iterdir()] == ["out.docx"]


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "out.docx"
    target.write_bytes(b"old")

    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", refuse)
    with pytest.raises(OSError, match="No space"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.docx"]


def test_mode_follows_the_umask(tmp_path):
    previous = os.umask(0o022)
    try:
        write_atomic(tmp_path / "shared.md", b"x")
    finally:
        os.umask(previous)
    assert (tmp_path / "shared.md").stat().st_mode & 0o777 == 0o644


def test_temp_names_do_not_collide(tmp_path, monkeypatch):
    """An existing temp name is skipped, not overwritten (another writer may own it)."""
    names = iter([b"\x00" * 8, b"\x00" * 8, b"\x01" * 8])
    monkeypatch.setattr(atomic.os, "urandom", lambda n: next(names))
    write_atomic(tmp_path / "a", b"a")
    (tmp_path / f"{TEMP_PREFIX}{'00' * 8}").write_bytes(b"someone else's")
    write_atomic(tmp_path / "b", b"b")
    assert (tmp_path / f"{TEMP_PREFIX}{'00' * 8}").read_bytes() == b"someone else's"
    assert (tmp_path / "b").read_bytes() == b"b"


def test_stray_temps_are_removed(tmp_path):
    (tmp_path / f"{TEMP_PREFIX}dead").write_bytes(b"x")
    (tmp_path / "keep.md").write_bytes(b"y")
    assert remove_stray_temps(tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["keep.md"]


def test_a_replaced_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "private.docx"
    write_atomic(target, b"first")
    target.chmod(0o600)
    write_atomic(target, b"second")
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.read_bytes() == b"second"


def test_a_new_file_can_be_made_private(tmp_path):
    write_atomic(tmp_path / "entry.bin", b"x", mode=0o600)
    assert (tmp_path / "entry.bin").stat().st_mode & 0o777 == 0o600
