"""Specification of `drafting.ooxml.wml.markup` (WordprocessingML written as strings) and of the helpers in
`drafting.ooxml.wml.tree` that turn that markup into trees and into the template's body slot.

Every check reads the output back with a real XML parser: string-built markup is only correct if a parser
gives back exactly what went in.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from lxml import etree

from drafting.ooxml.parser import parse_xml
from drafting.ooxml.wml.markup import (
    Level,
    ListDefinition,
    RunSpec,
    core_properties_xml,
    custom_properties_xml,
    fill_body_slot,
    numbering_xml,
    paragraph_xml,
    write_package,
)
from drafting.ooxml.wml.tree import fragment_xml, make_paragraph, mark_body_slot, parse_fragment

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
HOSTILE = "</vt:lpwstr><x>& &amp; \"'"
SLOT = b"<?drafting-body ?>"

_C0 = {chr(c) for c in range(0x20)} - {"\t", "\n", "\r"}
# Markup-significant characters and spaces are drawn often; the rest of Unicode is drawn at random.
_xml_chars = st.one_of(st.sampled_from(" \t\n&<>\"'"),
                       st.characters(exclude_categories=["Cs"], exclude_characters=_C0 | {"\ufffe", "\uffff"}))
texts = st.text(_xml_chars)
attr_values = st.text(_xml_chars)


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def wval(el: etree._Element | None, attr: str = "val") -> str | None:
    assert el is not None
    return el.get(w(attr))


@given(style=attr_values, text=texts, text2=texts, bm_id=st.integers(0, 2**31 - 1), bm_name=attr_values,
       num_id=st.integers(0, 2**15), ilvl=st.integers(0, 8))
@example(style="Body Text", text=" lead  double", text2="trail ", bm_id=0, bm_name="_Ref", num_id=1, ilvl=0)
def test_paragraph_reads_back_exactly(style, text, text2, bm_id, bm_name, num_id, ilvl):
    """Whatever the text, the parsed paragraph carries the same style, runs, bookmark and numbering."""
    markup = paragraph_xml(style, [RunSpec(text), RunSpec(text2, "Emphasis")], bookmark=(bm_id, bm_name),
                           numbering=(num_id, ilvl))
    [p] = parse_fragment(markup)
    assert wval(p.find(f"{w('pPr')}/{w('pStyle')}")) == style
    assert wval(p.find(f"{w('pPr')}/{w('numPr')}/{w('numId')}")) == str(num_id)
    assert wval(p.find(f"{w('pPr')}/{w('numPr')}/{w('ilvl')}")) == str(ilvl)
    assert wval(p.find(w("bookmarkStart")), "name") == bm_name
    assert wval(p.find(w("bookmarkStart")), "id") == wval(p.find(w("bookmarkEnd")), "id") == str(bm_id)
    expected = [(t, s) for t, s in ((text, None), (text2, "Emphasis")) if t]
    for r, (t, s) in zip(p.findall(w("r")), expected, strict=True):
        assert r.findtext(w("t")) == t
        r_style = r.find(f"{w('rPr')}/{w('rStyle')}")
        assert (None if r_style is None else wval(r_style)) == s
        if t.startswith(" ") or t.endswith(" ") or "  " in t:
            assert r.find(w("t")).get(XML_SPACE) == "preserve"


def test_markup_characters_are_escaped():
    """&, <, > and quotes in text, style ids and bookmark names never break out of their element."""
    nasty = "a & b < c > d \"e\" 'f' ]]>"
    markup = paragraph_xml(nasty, [RunSpec(nasty, nasty)], bookmark=(1, nasty))
    assert "<c" not in markup and "& b" not in markup
    [p] = parse_fragment(markup)
    assert p.findtext(f"{w('r')}/{w('t')}") == nasty
    assert wval(p.find(f".//{w('pStyle')}")) == wval(p.find(f".//{w('rStyle')}")) == nasty
    assert wval(p.find(w("bookmarkStart")), "name") == nasty


def test_carriage_return_in_text_survives():
    [p] = parse_fragment(paragraph_xml("S", [RunSpec("a\rb\r\nc")]))
    assert p.findtext(f".//{w('t')}") == "a\rb\r\nc"


def test_whitespace_in_attributes_survives():
    [p] = parse_fragment(paragraph_xml("a\tb", [], bookmark=(1, "x\ny")))
    assert (wval(p.find(f".//{w('pStyle')}")), wval(p.find(w("bookmarkStart")), "name")) == ("a\tb", "x\ny")


@pytest.mark.parametrize(("where", "char", "code"), [
    ("text", "\x01", "U+0001"), ("text", "\ud800", "U+D800"), ("text", "\uffff", "U+FFFF"),
    ("style", "\x0b", "U+000B"), ("bookmark", "\udfff", "U+DFFF"),
])
def test_characters_xml_cannot_carry_are_refused(where, char, code):
    """Writing them would give a part no parser (and no Word) accepts; the error names the culprit."""
    text, style, name = ("ok" + char if where == k else "ok" for k in ("text", "style", "bookmark"))
    with pytest.raises(ValueError, match=re.escape(code)):
        paragraph_xml(style, [RunSpec(text)], bookmark=(1, name))


def test_empty_runs_are_skipped():
    """An empty w:r is noise Word keeps around; a paragraph of empty runs has no runs at all."""
    [p] = parse_fragment(paragraph_xml("S", [RunSpec(""), RunSpec("x", "Strong"), RunSpec("", "Strong")]))
    assert [r.findtext(w("t")) for r in p.iter(w("r"))] == ["x"]
    [empty] = parse_fragment(paragraph_xml("S", [RunSpec("")]))
    assert empty.find(w("r")) is None


def test_fill_body_slot_splices_exactly_at_the_slot():
    assert fill_body_slot(b"<a>x" + SLOT + b"y</a>", "<w:p/>\u00e9") == "<a>x<w:p/>\u00e9y</a>".encode()
    with pytest.raises(ValueError, match="body"):
        fill_body_slot(b"<a>x<?other ?>y</a>", "<w:p/>")


def _document(prefix: str = "w") -> bytes:
    """A document.xml whose marker paragraph is split over two runs, as Word often leaves it."""
    def p(*runs: str) -> str:
        return "".join(f"<{prefix}:r><{prefix}:t>{t}</{prefix}:t></{prefix}:r>" for t in runs).join(
            [f"<{prefix}:p>", f"</{prefix}:p>"])
    sect = f"<{prefix}:sectPr><{prefix}:pgSz/></{prefix}:sectPr>"
    body = p("Before") + p("DRAFTING", "BODYMARKER") + p("After") + sect
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<{prefix}:document xmlns:{prefix}="{W}">'
            f"<{prefix}:body>{body}</{prefix}:body></{prefix}:document>").encode()


def _filled_body(document: bytes) -> list[tuple[str, str | None]]:
    marked = mark_body_slot(document, "DRAFTINGBODYMARKER")
    assert marked.count(SLOT) == 1
    root = parse_xml(fill_body_slot(marked, paragraph_xml("Body", [RunSpec("New")])))
    body = root.find(w("body"))
    assert body is not None
    return [(etree.QName(c).localname, "".join(c.itertext()) or None) for c in body]


def test_mark_body_slot_puts_the_body_where_the_marker_was():
    assert _filled_body(_document()) == [("p", "Before"), ("p", "New"), ("p", "After"), ("sectPr", None)]


def test_mark_body_slot_refuses_a_body_that_rebinds_w():
    """`w:` markup poured into a scope where `w` means something else would silently vanish in Word."""
    document = _document("ns0").replace(b"<ns0:body>", b'<ns0:body xmlns:w="urn:other">')
    with pytest.raises(ValueError, match="rebinds the w: prefix"):
        mark_body_slot(document, "DRAFTINGBODYMARKER")


def test_mark_body_slot_binds_w_when_the_template_uses_another_prefix():
    """A template written by a tool that prefixes WordprocessingML as ns0 must still accept `w:` markup."""
    assert _filled_body(_document("ns0")) == [("p", "Before"), ("p", "New"), ("p", "After"), ("sectPr", None)]


def test_mark_body_slot_refuses_a_template_without_the_marker():
    with pytest.raises(ValueError, match="body"):
        mark_body_slot(_document().replace(b"BODYMARKER", b"OTHER"), "DRAFTINGBODYMARKER")


def test_fragment_xml_round_trips_a_paragraph():
    """fragment_xml is the inverse of parse_fragment, so trees can go back into the body slot unchanged."""
    el = make_paragraph("Heading1", [RunSpec(" a  & b "), RunSpec("<i>", "Emphasis")], bookmark=(7, "_Ref1"),
                        numbering=(3, 1))
    before = etree.tostring(el)
    [back] = parse_fragment(fragment_xml([el]))
    assert etree.tostring(back) == before


def test_numbering_part_reads_back():
    levels = (Level("decimal", "%1.", 720, 360), Level("lowerLetter", HOSTILE, 1440, 360))
    root = parse_xml(numbering_xml([ListDefinition(4, levels), ListDefinition(9, levels[:1])]))
    [abstract4, abstract9] = root.findall(w("abstractNum"))
    assert wval(abstract4, "abstractNumId") == "4" and wval(abstract9, "abstractNumId") == "9"
    lvls = abstract4.findall(w("lvl"))
    assert [(wval(lv, "ilvl"), wval(lv.find(w("numFmt"))), wval(lv.find(w("lvlText")))) for lv in lvls] == [
        ("0", "decimal", "%1."), ("1", "lowerLetter", HOSTILE)]
    ind = lvls[1].find(f"{w('pPr')}/{w('ind')}")
    assert (wval(ind, "left"), wval(ind, "hanging")) == ("1440", "360")
    assert [(wval(n, "numId"), wval(n.find(w("abstractNumId")))) for n in root.findall(w("num"))] == [
        ("4", "4"), ("9", "9")]


def test_custom_properties_read_back_with_pids_from_2():
    root = parse_xml(custom_properties_xml({"Plain": "v", HOSTILE: HOSTILE, "Third": ""}))
    props = list(root)
    assert [p.get("pid") for p in props] == ["2", "3", "4"]
    assert [(p.get("name"), p[0].text or "") for p in props] == [("Plain", "v"), (HOSTILE, HOSTILE), ("Third", "")]


def test_core_properties_read_back():
    root = parse_xml(core_properties_xml(
        title=HOSTILE, subject="S", creator="Анна", keywords="k1, k2", description="d", language="ru-RU",
        identifier="ID-1", revision="3", created=dt.datetime(2012, 9, 7), modified=dt.datetime(2012, 9, 8, 13, 5, 9)))
    got = {etree.QName(c).localname: c.text for c in root}
    assert got == {"title": HOSTILE, "subject": "S", "creator": "Анна", "keywords": "k1, k2", "description": "d",
                   "language": "ru-RU", "identifier": "ID-1", "lastModifiedBy": "Анна", "revision": "3",
                   "created": "2012-09-07T00:00:00Z", "modified": "2012-09-08T13:05:09Z"}


def test_core_properties_convert_aware_dates_to_utc():
    almaty = dt.timezone(dt.timedelta(hours=6))
    moment = dt.datetime(2012, 9, 7, 6, 0, tzinfo=almaty)
    root = parse_xml(core_properties_xml(title="", subject="", creator="", keywords="", description="", language="",
                                         identifier="", revision="1", created=moment, modified=moment))
    assert root.findtext("{http://purl.org/dc/terms/}created") == "2012-09-07T00:00:00Z"


def test_write_package_is_deterministic_with_content_types_first():
    """Equal inputs must hash equal, and OPC readers expect [Content_Types].xml to lead the zip."""
    parts = {"word/document.xml": b"<doc/>", "[Content_Types].xml": b"<Types/>", "docProps/core.xml": b"<c/>"}
    first = write_package(parts)
    assert write_package(dict(parts)) == first
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        assert zf.namelist() == ["[Content_Types].xml", "word/document.xml", "docProps/core.xml"]
        assert zf.read("word/document.xml") == b"<doc/>"
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    with pytest.raises(ValueError, match="Content_Types"):
        write_package({"word/document.xml": b"<doc/>"})
