"""Compiled templates (`drafting.ooxml.wml.skeleton`): a frame filled from a skeleton is byte for byte the
frame docxtpl renders, for any metadata; the shipped skeletons are those of the shipped template and code; a
template the compiler cannot vouch for is rendered by docxtpl every time."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drafting.ooxml.wml import skeleton
from drafting.render.docx import (
    BODY_MARKER,
    SKELETON_LANGUAGES,
    _render_frame,
    _zip_parts,
    skeleton_frame,
    skeleton_sources,
)
from drafting.support import cache
from drafting.support.resources import default_template

TEMPLATE = default_template()
VALUES = ("organ", "distribution", "masthead_date", "version_language", "original", "symbol", "title", "place",
          "date", "meeting", "revision")
value = st.one_of(st.just(""), st.text(alphabet=st.sampled_from("aZ 1&<>\"'/é«»—\t"), max_size=12),
                  st.text(max_size=6).filter(lambda t: not any(ord(c) < 32 and c not in "\t\n" for c in t)
                                             and not any(0xD800 <= ord(c) <= 0xDFFF or ord(c) in (0xFFFE, 0xFFFF)
                                                         for c in t)))


@settings(max_examples=25, deadline=None)
@given(values=st.fixed_dictionaries({name: value for name in VALUES}), masthead=st.sampled_from(["", "yes"]),
       language=st.sampled_from(SKELETON_LANGUAGES))
def test_a_filled_skeleton_is_the_frame_docxtpl_renders(values, masthead, language):
    context = {**values, "masthead": masthead, "body": BODY_MARKER, "language": language}
    filled = skeleton_frame(TEMPLATE.read_bytes(), context, str(TEMPLATE), template_path=TEMPLATE)
    assert filled == _render_frame(TEMPLATE.read_bytes(), context, str(TEMPLATE))


def test_the_shipped_skeletons_are_the_shipped_template_s_and_code_s():
    """Fails after the template or the frame code changed: run `make template` to compile it again."""
    shipped = TEMPLATE.with_suffix(".skeletons").read_bytes()
    tags = skeleton.template_tags(_zip_parts(TEMPLATE.read_bytes()))
    assert tags is not None and tags.conditions == {"masthead", "version_language"}
    for language in SKELETON_LANGUAGES:
        for truthy in ("", "masthead", "masthead,version_language", "version_language"):
            key = f"{language}|{truthy}"
            assert skeleton.unpack(shipped, TEMPLATE.read_bytes(), skeleton_sources(), key) is not None, key


def edited_template(tmp_path: Path, old: bytes, new: bytes) -> Path:
    with zipfile.ZipFile(TEMPLATE) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    parts["word/header1.xml"] = parts["word/header1.xml"].replace(old, new)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    path = tmp_path / "edited.docx"
    path.write_bytes(buffer.getvalue())
    return path


CONTEXT = {"masthead": "", "organ": "", "distribution": "", "masthead_date": "", "version_language": "",
           "original": "", "body": BODY_MARKER, "symbol": "A/CONF.1 & L.1", "title": "T", "place": "Almaty",
           "date": "5 June 2025", "meeting": "", "revision": "Rev.1", "language": "en"}


def test_an_edited_template_is_compiled_once_into_the_cache_and_its_frames_are_docxtpl_s(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    path = edited_template(tmp_path, b"{{ symbol }}", b"{{ symbol }} ({{ revision }})")
    data = path.read_bytes()
    first = skeleton_frame(data, CONTEXT, str(path), template_path=path)
    assert first == _render_frame(data, CONTEXT, str(path))
    assert len(list((tmp_path / "cache" / "template-skeletons").glob("*.bin"))) == 1
    other = {**CONTEXT, "symbol": "B/2", "revision": ""}
    assert skeleton_frame(data, other, str(path), template_path=path) == _render_frame(data, other, str(path))


def test_a_skeleton_compiled_where_values_were_empty_fills_them_when_given(tmp_path, monkeypatch):
    """A custom template's first text had no organ, distribution or date; the next one has them: they are
    printed (the skeleton compiled from the first kept a place for every value, empty or not)."""
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    path = edited_template(tmp_path, b"{{ symbol }}", b"{{ symbol }} ({{ revision }})")
    data = path.read_bytes()
    tags = skeleton.template_tags(_zip_parts(data))
    assert tags is not None
    for masthead in ("", "yes"):
        first = {**CONTEXT, "masthead": masthead}
        assert skeleton_frame(data, first, str(path), template_path=path) == _render_frame(data, first, str(path))
        for name in sorted(tags.values - tags.conditions - {"body", "language"}):
            if first.get(name):
                continue
            given = {**first, name: f"{name} given"}
            assert skeleton_frame(data, given, str(path), template_path=path) == _render_frame(data, given,
                                                                                                str(path)), name


def test_a_template_with_a_filter_is_rendered_by_docxtpl_every_time(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    path = edited_template(tmp_path, b"{{ symbol }}", b"{{ symbol|upper }}")
    data = path.read_bytes()
    assert skeleton.template_tags(_zip_parts(data)) is None
    frame = skeleton_frame(data, {**CONTEXT, "symbol": "a/conf"}, str(path), template_path=path)
    assert b"A/CONF" in frame["word/header1.xml"]
    assert not (tmp_path / "cache" / "template-skeletons").exists()


@pytest.mark.parametrize("damage", [b"not a zip", b""])
def test_a_damaged_shipped_file_is_not_used(tmp_path, damage):
    assert skeleton.unpack(damage, TEMPLATE.read_bytes(), skeleton_sources(), "en|") is None
