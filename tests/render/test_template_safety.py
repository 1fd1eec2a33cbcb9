"""Bad-inputs groups T (templates) and M (clause Markdown): refused cleanly, or rendered literally."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from drafting.app import load_document
from drafting.conventions.inline import markdown_spans
from drafting.errors import DraftingInputError
from drafting.ooxml.wml.markup import write_package
from drafting.ooxml.wml.template import template_parts
from drafting.render.docx import render_docx
from tests.conftest import ALMATY_SPEC


@pytest.fixture(scope="module")
def document():
    return load_document(ALMATY_SPEC)


def template_with(tmp_path: Path, part: str, old: str, new: str) -> Path:
    parts = template_parts()
    text = parts[part].decode("utf-8")
    assert old in text
    parts[part] = text.replace(old, new).encode("utf-8")
    path = tmp_path / "template.docx"
    path.write_bytes(write_package(parts))
    return path


EVIL = "{{ cycler.__init__.__globals__.os.popen('id').read() }}"


@pytest.mark.parametrize(
    ("part", "old", "new", "message"),
    [
        ("word/document.xml", "{{ body }}</w:t>", "{{ body }}</w:t></w:r><w:r><w:t>" + EVIL + "</w:t>",
         "template error"),
        ("word/header1.xml", "{{ symbol }}", EVIL, "template error"),
        ("word/footer1.xml", "- </w:t>", "- " + EVIL + "</w:t>", "template error"),
        ("docProps/core.xml", "<dc:title></dc:title>", "<dc:title>" + EVIL.replace("'", "&apos;") + "</dc:title>",
         "template error"),
        ("word/header1.xml", "{{ symbol }}", "{{ x|attr('__class__') }}", "template error"),
        ("word/header1.xml", "{{ symbol }}", "{{ '{0.__class__}'.format(symbol) }}", "template error"),
        ("word/header1.xml", "{{ symbol }}", "{{ 'x' * 10**9 }}", "template error"),
        ("word/header1.xml", "{{ symbol }}", "{{ 2**100000 }}", "template error"),
        ("word/header1.xml", "{{ symbol }}", "{% for i in range(10**6) %}x{% endfor %}", "template error"),
        ("word/header1.xml", "{{ symbol }}", "{{ symbl }}", "'symbl' is undefined"),
        ("word/header1.xml", "{{ symbol }}", "{% for i in symbol %}", "template error"),
        ("word/header1.xml", "{{ symbol }}", "{% include '../../etc/passwd' %}", "template error"),
    ],
)
@pytest.mark.timeout(60)  # a bomb that got through would run past this; the refusal itself is what is tested
def test_hostile_templates_are_refused(tmp_path, document, part, old, new, message):
    path = template_with(tmp_path, part, old, new)
    with pytest.raises(DraftingInputError) as caught:
        render_docx(document, template=path)
    assert message in str(caught.value)
    assert str(caught.value).startswith(str(path))


def test_context_values_are_escaped_not_interpreted(document):
    hostile = replace(document, meta=replace(document.meta, symbol="</w:t></w:r><w:p>& 100<100 {{ 7*7 }}"))
    data = render_docx(hostile)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        header = package.read("word/header1.xml").decode("utf-8")
    assert "&lt;/w:t&gt;&lt;/w:r&gt;&lt;w:p&gt;&amp; 100&lt;100 {{ 7*7 }}" in header


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ("<w:p>x</w:p>", "<w:p>x</w:p>"),
        ("[x](javascript:alert(1))", "[x](javascript:alert(1))"),
        ("[x](file:///etc/passwd)", "[x](file:///etc/passwd)"),
        ("[x](https://example.org)", "x"),
    ],
)
def test_markdown_never_yields_html_or_live_links(source, expected):
    spans = markdown_spans(source)
    assert "".join(s.text for s in spans) == expected


@pytest.mark.parametrize("source", [">" * 10_000 + "a", "[" * 10_000 + "a", "*a" * 50_000, "_" * 100_000])
@pytest.mark.timeout(60)
def test_pathological_markdown_finishes(source):
    spans = markdown_spans(source)
    assert isinstance(spans, tuple)
    assert len("".join(s.text for s in spans)) <= len(source)
