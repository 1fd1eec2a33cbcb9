"""Specification of `drafting.ooxml.opc.package`: every Z, O and X row of bad-inputs.md ends as a
`DraftingInputError` naming the cause, or as a `Finding` after stripping; nothing else escapes.
"""

from __future__ import annotations

import io
import os
import socket
import sys
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import docx
import pytest
from docx.opc.exceptions import PackageNotFoundError
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree

from drafting.errors import DraftingInputError
from drafting.ooxml.opc import package as pk
from drafting.ooxml.opc import zipguard
from drafting.ooxml.opc.package import (
    CONTENT_TYPES,
    WML_DOCUMENT_MAIN,
    Finding,
    Package,
    Relationship,
    load_python_docx,
    read_docx,
    read_package,
    sanitize,
    set_part,
)
from drafting.ooxml.parser import parse_xml
from drafting.ooxml.wml.markup import write_package
from tests.conftest import examples
from tests.fixtures import evil

DOC = "word/document.xml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SOURCE = "delegation.docx"
_REAL_SOCKET = socket.socket

# -- guards: no network, no file access (bad-inputs.md §1.3) ---------------------------------------------

_ALLOWED_PREFIXES = tuple({sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix})
_WATCHING: list[list[str]] = []


def _audit(event: str, args: tuple[object, ...]) -> None:
    """Record file opens outside the interpreter's own tree and socket connects, while a guard is active."""
    if not _WATCHING:
        return
    if event == "open" and isinstance(args[0], str | bytes | os.PathLike):
        path = os.fsdecode(args[0])
        if not path.startswith(_ALLOWED_PREFIXES):
            _WATCHING[-1].append(f"open {path}")
    elif event == "socket.connect":
        _WATCHING[-1].append(f"connect {args[1]!r}")


sys.addaudithook(_audit)


@contextmanager
def guarded() -> Iterator[list[str]]:
    """Collect forbidden file opens and connections made inside the block."""
    events: list[str] = []
    _WATCHING.append(events)
    try:
        yield events
    finally:
        _WATCHING.pop()


def _refuse_network(*args: object, **kwargs: object) -> None:
    raise AssertionError("network access attempted")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs with Python-level sockets disabled."""
    monkeypatch.setattr(socket, "socket", _refuse_network)
    monkeypatch.setattr(socket, "create_connection", _refuse_network)


# -- rejected inputs --------------------------------------------------------------------------------------

REJECTED = [
    pytest.param(evil.z1_empty, r"not a \.docx package", None, id="Z1-empty"),
    pytest.param(evil.z1_random, r"not a \.docx package", None, id="Z1-random"),
    pytest.param(evil.z1_pdf, r"not a \.docx package", None, id="Z1-pdf"),
    pytest.param(evil.z1_pk_garbage, r"not a \.docx package", None, id="Z1-pk-garbage"),
    pytest.param(evil.z2_truncated, r"not a \.docx package", None, id="Z2-truncated"),
    pytest.param(evil.z3_corrupt_deflate, r"corrupt member \(invalid deflate data\)", DOC, id="Z3-deflate"),
    pytest.param(evil.z4_bad_crc, r"corrupt member \(bad CRC-32\)", DOC, id="Z4-crc"),
    pytest.param(evil.z5_encrypted, r"encrypted member", DOC, id="Z5-encrypted"),
    pytest.param(evil.z6_cfb, r"encrypted or legacy \.doc file; save it as \.docx", None, id="Z6-cfb"),
    pytest.param(evil.z7_declared_bomb, r"member too large \(5368709120 bytes declared", DOC, id="Z7-5GB"),
    pytest.param(evil.z7_ratio_bomb, r"compression ratio \d+:1 is too high", DOC, id="Z7-ratio"),
    pytest.param(evil.z8_underdeclared_bomb, r"corrupt member \(bad CRC-32\)", DOC, id="Z8-underdeclared"),
    pytest.param(evil.z9_overlapping, r"overlapping zip entries", DOC, id="Z9-overlap"),
    pytest.param(evil.z10_many_entries, r"too many zip entries \(100017;", None, id="Z10-entries"),
    pytest.param(evil.z11_duplicate, r"duplicate member name", DOC, id="Z11-duplicate"),
    pytest.param(evil.z11_case_duplicate, r"differ only in case", "WORD/document.xml", id="Z11-case"),
    pytest.param(evil.z11_prefix, r"prefix segment", "word", id="Z11-prefix"),
    pytest.param(evil.z12_dotdot, r"'\.\.'", "../../etc/passwd", id="Z12-dotdot"),
    pytest.param(evil.z12_absolute, r"absolute member name", "/abs.xml", id="Z12-absolute"),
    pytest.param(evil.z12_drive, r"drive letter", "C:/x.xml", id="Z12-drive"),
    pytest.param(evil.z12_drive_backslash, r"backslash", "C:\\x.xml", id="Z12-drive-backslash"),
    pytest.param(evil.z12_backslash, r"backslash", "word\\evil.xml", id="Z12-backslash"),
    pytest.param(evil.z12_nul, r"control character", "word/a\\u0000b.xml", id="Z12-nul"),
    pytest.param(evil.z12_control, r"control character", "word/a\\u0001b.xml", id="Z12-control"),
    pytest.param(evil.z12_long, r"member name too long \(5009 characters\)", None, id="Z12-long"),
    pytest.param(evil.z13_symlink, r"symbolic link", "word/link.xml", id="Z13-symlink"),
    pytest.param(evil.o1_no_content_types, r"not an OPC package", None, id="O1-no-content-types"),
    pytest.param(evil.o2_dangling_image, r"dangling relationship rId900 → word/NULL", None, id="O2-null-image"),
    pytest.param(evil.o3_missing_content_type, r"no content type", "word/media/image1.png", id="O3-png"),
    pytest.param(evil.o4_docm, r"macro-enabled documents are not accepted", None, id="O4-docm"),
    pytest.param(evil.o5_vba_relationship_only, r"macro-enabled", "word/_rels/document.xml.rels", id="O5-vba-rel"),
    pytest.param(evil.o5_vba_part_only, r"macro-enabled", "word/vbaProject.bin", id="O5-vba-part"),
    pytest.param(lambda: evil.o6_attached_template(evil.EVIL_TEMPLATE_UNC), r"network share", None, id="O6-unc"),
    pytest.param(
        lambda: evil.o6_attached_template(evil.EVIL_TEMPLATE_FILE_HOST), r"network share", None, id="O6-file-host"
    ),
    pytest.param(evil.o10_altchunk, r"altChunk .* is not accepted", None, id="O10-altchunk"),
    pytest.param(lambda: evil.o12_chain(5000), r"too many zip entries", None, id="O12-5000-parts"),
    pytest.param(lambda: evil.o12_chain(40), r"relationship chain too deep", None, id="O12-deep-chain"),
    pytest.param(evil.o13_escape, r"dangling relationship rId900 → x\.xml", None, id="O13-escape"),
    pytest.param(
        evil.o14_custom_xml_missing,
        r"dangling relationship rId1 → customXml/itemProps1\.xml",
        "customXml/_rels/item1.xml.rels",
        id="O14-custom-xml",
    ),
    pytest.param(evil.x3_billion_laughs, r"DTD or entity declarations", DOC, id="X3-billion-laughs"),
    pytest.param(evil.x4_quadratic, r"DTD or entity declarations", DOC, id="X4-quadratic"),
    pytest.param(evil.x5_deep_nesting, r"malformed XML: Excessive depth", DOC, id="X5-depth"),
    pytest.param(evil.x6_huge_text_node, r"malformed XML: .*Text node too long", DOC, id="X6-huge-text"),
    pytest.param(evil.x7_control_character, r"malformed XML: .*invalid Char", DOC, id="X7-control-char"),
    pytest.param(evil.x8_utf16_doctype_no_bom, r"DTD or entity declarations", DOC, id="X8-utf16-no-bom-dtd"),
    pytest.param(evil.x8_lying_declaration, r"malformed XML", DOC, id="X8-lying-encoding"),
]


@pytest.mark.parametrize(("build", "pattern", "part"), REJECTED)
def test_hostile_input_is_rejected_naming_the_cause(build: Callable[[], bytes], pattern: str, part: str | None) -> None:
    data = build()
    with guarded() as events, pytest.raises(DraftingInputError, match=pattern) as caught:
        read_docx(data, SOURCE)
    assert events == []
    assert caught.value.source == SOURCE
    if part is not None:
        assert caught.value.part == part
    assert "\n" not in str(caught.value)
    assert "\x00" not in str(caught.value)


# -- stripped inputs --------------------------------------------------------------------------------------

STRIPPED = [
    pytest.param(evil.o2_dangling_hyperlink, "O2", None, id="O2-hyperlink-top"),
    pytest.param(
        lambda: evil.o6_attached_template(evil.EVIL_TEMPLATE_HTTP), "O6", evil.EVIL_TEMPLATE_HTTP, id="O6-http"
    ),
    pytest.param(
        lambda: evil.o6_attached_template(evil.LOCAL_TEMPLATE_FILE), "O6", evil.LOCAL_TEMPLATE_FILE, id="O6-local"
    ),
    pytest.param(evil.o7_follina, "O7", evil.FOLLINA_TARGET, id="O7-follina"),
    pytest.param(evil.o8_linked_image, "O8", evil.LINKED_IMAGE_URL, id="O8-linked-image"),
    *(
        pytest.param(lambda s=scheme: evil.o9_hyperlink(s), "O9", target, id=f"O9-{scheme}")
        for scheme, target in evil.BAD_LINKS.items()
    ),
]


@pytest.mark.parametrize(("build", "code", "target"), STRIPPED)
def test_external_reference_is_stripped_with_a_finding(
    build: Callable[[], bytes], code: str, target: str | None
) -> None:
    data = build()
    if target is not None:
        assert target.encode() in evil.all_member_bytes(data), "fixture must carry the target"
    with guarded() as events:
        pkg = read_package(data, SOURCE)
        clean = sanitize(pkg)
        out = write_package(clean.parts)
    assert events == []
    assert [finding.code for finding in clean.findings] == [code]
    assert all(isinstance(finding, Finding) and finding.part for finding in clean.findings)
    if target is not None:
        assert target.encode() not in out
        assert target.encode() not in evil.all_member_bytes(out)
        assert all(target not in finding.message for finding in clean.findings)
    again = read_docx(out, SOURCE)
    assert again.findings == []
    assert evil.CLEAN_TEXT in "\n".join(p.text for p in load_python_docx(out, SOURCE).paragraphs)


@pytest.mark.parametrize("scheme", list(evil.BAD_LINKS))
def test_bad_hyperlink_keeps_its_text_and_loses_its_link(scheme: str) -> None:
    pkg = read_docx(evil.o9_hyperlink(scheme), SOURCE)
    body = pkg.xml(DOC)
    links = body.findall(f".//{W}hyperlink")
    assert len(links) == 1  # only the https link is left
    assert [rel.target for rel in pkg.relationships(DOC) if rel.type.endswith("/hyperlink")] == [evil.GOOD_URL]
    texts = "".join(body.itertext())
    assert evil.LINK_TEXT in texts
    assert "United Nations" in texts


def test_dangling_hyperlink_is_unwrapped_and_its_text_kept() -> None:
    pkg = read_docx(evil.o2_dangling_hyperlink(), SOURCE)
    assert pkg.findings == [Finding("O2", DOC, "dropped dangling relationship rId900 → #_top")]
    body = pkg.xml(DOC)
    assert body.find(f".//{W}hyperlink") is None
    assert evil.LINK_TEXT in "".join(body.itertext())
    assert all(rel.id != "rId900" for rel in pkg.relationships(DOC))


def test_attached_template_element_goes_with_its_relationship() -> None:
    pkg = read_docx(evil.o6_attached_template(evil.EVIL_TEMPLATE_HTTP), SOURCE)
    assert pkg.xml("word/settings.xml").find(f"{W}attachedTemplate") is None
    assert pkg.relationships("word/settings.xml") == []


def test_linked_image_loses_its_link_but_keeps_the_drawing() -> None:
    pkg = read_docx(evil.o8_linked_image(), SOURCE)
    blips = pkg.xml(DOC).findall(".//{http://schemas.openxmlformats.org/drawingml/2006/main}blip")
    assert len(blips) == 1
    assert dict(blips[0].attrib) == {}


def test_follina_object_is_removed() -> None:
    pkg = read_docx(evil.o7_follina(), SOURCE)
    assert pkg.xml(DOC).find(".//{urn:schemas-microsoft-com:office:office}OLEObject") is None


def test_allowed_hyperlinks_stay_external_and_unreported() -> None:
    pkg = read_docx(evil.o9_hyperlink("javascript"), SOURCE)
    kept = [rel for rel in pkg.relationships(DOC) if rel.external]
    assert kept == [Relationship("rId901", evil.RT + "hyperlink", evil.GOOD_URL, True)]


# -- bombs: fast and small --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [evil.z7_declared_bomb, evil.z7_ratio_bomb, evil.z8_underdeclared_bomb, evil.z9_overlapping],
    ids=["Z7-5GB", "Z7-ratio", "Z8-underdeclared", "Z9-overlap"],
)
@pytest.mark.timeout(60)  # a bomb that were inflated would run far past this; speed itself belongs in bench/
def test_bomb_is_rejected_fast_without_allocating(build: Callable[[], bytes]) -> None:
    data = build()
    tracemalloc.start()
    try:
        with pytest.raises(DraftingInputError):
            read_docx(data, SOURCE)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 32 * 2**20


@pytest.mark.parametrize("build", [evil.x3_billion_laughs, evil.x4_quadratic], ids=["X3", "X4"])
@pytest.mark.timeout(60)
def test_entity_expansion_is_rejected_fast_and_small(build: Callable[[], bytes]) -> None:
    data = build()
    tracemalloc.start()
    try:
        with pytest.raises(DraftingInputError, match="DTD"):
            read_docx(data, SOURCE)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2**20


def test_declared_bomb_really_declares_five_gigabytes() -> None:
    with zipfile.ZipFile(io.BytesIO(evil.z7_declared_bomb())) as zf:
        assert zf.getinfo(DOC).file_size == evil.DECLARED_BOMB_BYTES


@pytest.mark.parametrize(
    ("limit", "value", "pattern"),
    [
        ("MAX_PACKAGE_BYTES", 1000, "file too large"),
        ("MAX_TOTAL_BYTES", 100_000, "package too large when uncompressed"),
        ("MAX_MEMBER_BYTES", 100_000, "member too large"),
        ("MAX_RELATIONSHIPS", 5, "too many relationships"),
        ("MAX_REL_DEPTH", 1, "relationship chain too deep"),
    ],
)
def test_each_limit_is_enforced(monkeypatch: pytest.MonkeyPatch, limit: str, value: int, pattern: str) -> None:
    read_docx(evil.clean_docx(), SOURCE)  # accepted with the real limits
    monkeypatch.setattr(pk if limit.startswith("MAX_REL") else zipguard, limit, value)
    with pytest.raises(DraftingInputError, match=pattern):
        read_docx(evil.clean_docx(), SOURCE)


def test_entry_count_is_checked_before_the_directory_is_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    data = evil.z10_many_entries()

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the zip directory was parsed")

    monkeypatch.setattr(zipfile, "ZipFile", refuse)
    with pytest.raises(DraftingInputError, match="too many zip entries"):
        read_package(data, SOURCE)


# -- XML: XXE never reads or fetches ----------------------------------------------------------------------


@pytest.mark.parametrize("part", [DOC, "docProps/core.xml", "_rels/.rels"])
def test_xxe_is_rejected_and_the_secret_never_appears(tmp_path: os.PathLike[str], part: str) -> None:
    token = "SECRET-7f3a9c-DO-NOT-LEAK"
    secret = os.path.join(tmp_path, "secret.txt")
    with open(secret, "w", encoding="utf-8") as handle:
        handle.write(token)
    data = evil.x1_xxe(part, secret)
    with guarded() as events, pytest.raises(DraftingInputError, match="DTD or entity declarations") as caught:
        read_docx(data, SOURCE)
    assert caught.value.part == part
    assert token not in str(caught.value)
    assert events == []


def test_parameter_entity_makes_no_connection() -> None:
    listener = _REAL_SOCKET(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.setblocking(False)
        port = listener.getsockname()[1]
        data = evil.x2_parameter_entity(f"http://127.0.0.1:{port}/x.dtd")
        with guarded() as events, pytest.raises(DraftingInputError, match="DTD or entity declarations"):
            read_docx(data, SOURCE)
        assert events == []
        with pytest.raises(BlockingIOError):
            listener.accept()  # nothing, not even libxml2 behind Python's back, connected
    finally:
        listener.close()


# -- accepted inputs --------------------------------------------------------------------------------------


def test_clean_docx_is_accepted_unchanged() -> None:
    data = evil.clean_docx()
    pkg = read_docx(data, SOURCE)
    assert isinstance(pkg, Package)
    assert pkg.findings == []
    assert pkg.main_document == DOC
    assert pkg.content_type(DOC) == WML_DOCUMENT_MAIN
    assert pkg.related_part(DOC, "/styles") == "word/styles.xml"
    assert pkg.related_part(DOC, "styles") == "word/styles.xml"
    assert pkg.related_part(DOC, "/footer") is None
    assert pkg.related_part("customXml/item1.xml", "/customXmlProps") == "customXml/itemProps1.xml"
    assert list(pkg.parts) == list(evil.read_members(data))
    assert pkg.parts == evil.read_members(data)
    assert evil.CLEAN_TEXT in "".join(pkg.xml(DOC).itertext())


def test_missing_part_is_an_input_error() -> None:
    pkg = read_docx(evil.clean_docx(), SOURCE)
    with pytest.raises(DraftingInputError, match="missing part") as caught:
        pkg.part("word/nothing.xml")
    assert caught.value.part == "word/nothing.xml"
    assert pkg.part("/WORD/Document.xml") == pkg.parts[DOC]  # OPC names are case-insensitive


def test_relationship_cycle_and_self_relationship_do_not_hang() -> None:
    pkg = read_docx(evil.o11_cycle(), SOURCE)
    assert pkg.findings == []
    assert pkg.related_part("word/loop.xml", evil.LOOP_REL.rsplit("/", 1)[1]) == DOC
    document = load_python_docx(write_package(pkg.parts), SOURCE)
    assert document.paragraphs[0].text == evil.CLEAN_TEXT


def test_chain_within_the_depth_limit_loads() -> None:
    pkg = read_docx(evil.o12_chain(20), SOURCE)
    assert load_python_docx(write_package(pkg.parts), SOURCE).paragraphs[0].text == evil.CLEAN_TEXT


def test_utf16_part_with_bom_is_parsed() -> None:
    pkg = read_docx(evil.x8_utf16_bom(), SOURCE)
    assert evil.CLEAN_TEXT in "".join(pkg.xml(DOC).itertext())
    assert load_python_docx(write_package(pkg.parts), SOURCE).paragraphs[0].text == evil.CLEAN_TEXT


def test_template_main_part_is_not_a_word_document() -> None:
    def edit(members: dict[str, bytes]) -> None:
        evil.replace(members, CONTENT_TYPES, "document.main+xml", "template.main+xml")

    data = evil.edited(edit)
    assert read_package(data, SOURCE).main_document == DOC
    with pytest.raises(DraftingInputError, match="not a Word document") as caught:
        read_docx(data, SOURCE)
    assert caught.value.part == DOC


# -- python-docx boundary ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "pattern"),
    [
        pytest.param(evil.o3_missing_content_type, "KeyError", id="O3-KeyError"),
        pytest.param(evil.o2_dangling_image, "KeyError", id="O2-KeyError"),
        pytest.param(evil.z4_bad_crc, "BadZipFile", id="Z4-BadZipFile"),
        pytest.param(evil.z3_corrupt_deflate, "error", id="Z3-zlib"),
        pytest.param(evil.z7_declared_bomb, "member too large", id="Z7-prescan"),
    ],
)
def test_load_python_docx_wraps_low_level_errors(build: Callable[[], bytes], pattern: str) -> None:
    with pytest.raises(DraftingInputError, match=pattern) as caught:
        load_python_docx(build(), SOURCE)
    assert caught.value.source == SOURCE


HANDLED = [
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    PackageNotFoundError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    NotImplementedError,
    zlib.error,
    EOFError,
    RuntimeError,
    RecursionError,
    OSError,
]


@pytest.mark.parametrize("exc_type", HANDLED, ids=lambda t: t.__name__)
def test_load_python_docx_converts_each_handled_error(
    monkeypatch: pytest.MonkeyPatch, exc_type: type[Exception]
) -> None:
    def explode(_stream: object) -> None:
        raise exc_type("boom")

    monkeypatch.setattr(docx, "Document", explode)
    with pytest.raises(DraftingInputError, match=exc_type.__name__) as caught:
        load_python_docx(evil.clean_docx(), SOURCE)
    assert isinstance(caught.value.__cause__, exc_type)


def test_load_python_docx_converts_xml_syntax_errors() -> None:
    def edit(members: dict[str, bytes]) -> None:
        members["word/styles.xml"] = b"<w:styles"

    with pytest.raises(DraftingInputError, match="XMLSyntaxError") as caught:
        load_python_docx(evil.edited(edit), SOURCE)
    assert isinstance(caught.value.__cause__, etree.XMLSyntaxError)


def test_load_python_docx_lets_unexpected_errors_through(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(_stream: object) -> None:
        raise ZeroDivisionError("a bug, not an input problem")

    monkeypatch.setattr(docx, "Document", explode)
    with pytest.raises(ZeroDivisionError):
        load_python_docx(evil.clean_docx(), SOURCE)


# -- writing ----------------------------------------------------------------------------------------------


def test_write_package_is_deterministic_and_round_trips() -> None:
    parts = read_docx(evil.clean_docx(), SOURCE).parts
    first = write_package(parts)
    time.sleep(1.1)  # a writer using the clock would now stamp a different time
    second = write_package(dict(parts))
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        infos = zf.infolist()
    assert infos[0].filename == CONTENT_TYPES
    assert [info.filename for info in infos][1:] == [name for name in parts if name != CONTENT_TYPES]
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {info.compress_type for info in infos} == {zipfile.ZIP_DEFLATED}
    assert {(info.create_system, info.external_attr) for info in infos} == {(3, 0o100644 << 16)}
    assert read_package(first, SOURCE).parts == parts
    assert docx.Document(io.BytesIO(first)).paragraphs[0].text == evil.CLEAN_TEXT


def test_write_package_puts_content_types_first_whatever_the_order() -> None:
    parts = read_docx(evil.clean_docx(), SOURCE).parts
    shuffled = dict(reversed(list(parts.items())))
    with zipfile.ZipFile(io.BytesIO(write_package(shuffled))) as zf:
        names = zf.namelist()
    assert names[0] == CONTENT_TYPES
    assert names[1:] == [name for name in shuffled if name != CONTENT_TYPES]


def test_write_package_needs_content_types() -> None:
    with pytest.raises(ValueError, match="Content_Types"):
        write_package({DOC: b"<x/>"})


CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CUSTOM_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b'<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Symbol">'
    b"<vt:lpwstr>A/CONF.1/L.1</vt:lpwstr></property></Properties>"
)


def test_set_part_adds_a_related_part_with_its_content_type() -> None:
    parts = dict(read_docx(evil.clean_docx(), SOURCE).parts)
    set_part(parts, "docProps/custom.xml", CUSTOM_XML, CUSTOM_TYPE, rel_from="", rel_type=CUSTOM_REL)
    pkg = read_docx(write_package(parts), SOURCE)
    assert pkg.content_type("docProps/custom.xml") == CUSTOM_TYPE
    assert pkg.related_part("", "/custom-properties") == "docProps/custom.xml"
    ids = [rel.id for rel in pkg.relationships("")]
    assert len(ids) == len(set(ids)) == 5
    document = load_python_docx(write_package(pkg.parts), SOURCE)
    assert document.paragraphs[0].text == evil.CLEAN_TEXT


def test_set_part_replaces_in_place_without_duplicates() -> None:
    parts = dict(read_docx(evil.clean_docx(), SOURCE).parts)
    set_part(parts, "docProps/custom.xml", CUSTOM_XML, CUSTOM_TYPE, rel_type=CUSTOM_REL)
    order = list(parts)
    set_part(parts, "/docProps/custom.xml", CUSTOM_XML.replace(b"L.1", b"L.2"), CUSTOM_TYPE, rel_type=CUSTOM_REL)
    assert list(parts) == order
    pkg = read_package(write_package(parts), SOURCE)
    assert b"L.2" in pkg.part("docProps/custom.xml")
    assert sum(rel.type == CUSTOM_REL for rel in pkg.relationships("")) == 1
    overrides = pkg.part(CONTENT_TYPES).count(b'PartName="/docProps/custom.xml"')
    assert overrides == 1


def test_set_part_relates_from_a_nested_part() -> None:
    parts = dict(read_docx(evil.clean_docx(), SOURCE).parts)
    set_part(parts, "customXml/item2.xml", b"<x/>", "application/xml", DOC, evil.RT + "customXml")
    pkg = read_package(write_package(parts), SOURCE)
    targets = [rel.target for rel in pkg.relationships(DOC) if rel.target.endswith("item2.xml")]
    assert targets == ["../customXml/item2.xml"]


# -- fuzzing: nothing but a Package or DraftingInputError -------------------------------------------------

FUZZ = settings(
    max_examples=examples(200),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _accepts_or_rejects(data: bytes) -> None:
    """The loader contract: a Package (which python-docx can then open) or a DraftingInputError."""
    try:
        pkg = read_docx(data, "fuzz.docx")
    except DraftingInputError as exc:
        event(f"rejected: {exc.message.split('(')[0].split(':')[0]}")
        return
    assert isinstance(pkg, Package)
    try:
        load_python_docx(write_package(pkg.parts), "fuzz.docx")
    except DraftingInputError:
        event("accepted, python-docx refused")
    else:
        event("accepted")


@FUZZ
@given(st.binary(max_size=4096) | st.binary(max_size=4096).map(lambda b: b"PK\x03\x04" + b))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    _accepts_or_rejects(data)


_CLEAN = evil.clean_docx()


@FUZZ
@given(
    flips=st.lists(st.tuples(st.integers(0, len(_CLEAN) - 1), st.integers(0, 255)), max_size=8),
    cut=st.none() | st.integers(0, len(_CLEAN)),
)
def test_mutated_docx_never_crashes(flips: list[tuple[int, int]], cut: int | None) -> None:
    data = bytearray(_CLEAN)
    for position, value in flips:
        data[position] = value
    _accepts_or_rejects(bytes(data[:cut] if cut is not None else data))


_MEMBERS = evil.read_members(_CLEAN)
_SMALL_MEMBERS = [name for name, blob in _MEMBERS.items() if len(blob) < 20_000]


@FUZZ
@given(
    name=st.sampled_from(_SMALL_MEMBERS),
    edits=st.lists(
        st.tuples(
            st.sampled_from(["flip", "delete", "insert"]), st.integers(0, 20_000), st.binary(min_size=1, max_size=8)
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_mutated_parts_never_crash(name: str, edits: list[tuple[str, int, bytes]]) -> None:
    """Zip-aware mutation: edit one member's uncompressed bytes so the XML and OPC layers are reached."""
    blob = bytearray(_MEMBERS[name])
    for kind, position, chunk in edits:
        at = position % (len(blob) + 1)
        if kind == "flip" and blob:
            blob[at % len(blob)] = chunk[0]
        elif kind == "delete":
            del blob[at : at + len(chunk)]
        else:
            blob[at:at] = chunk
    members = dict(_MEMBERS)
    members[name] = bytes(blob)
    _accepts_or_rejects(evil.zip_members(members))


_OPC_PARTS = [name for name in _MEMBERS if name.endswith(".rels") or name == CONTENT_TYPES]
_INTERESTING = [
    "",
    "NULL",
    "#_top",
    "../../../../x.xml",
    "/word/document.xml",
    "document.xml",
    "External",
    "Internal",
    "bogus",
    "\\\\10.0.0.1\\share\\t.dotm",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "rId1",
    evil.RT + "hyperlink",
    evil.RT + "attachedTemplate",
    evil.RT + "aFChunk",
    evil.RT + "officeDocument",
    evil.VBA_REL,
    evil.MACRO_CT,
    "/[Content_Types].xml",
    "_rels/.rels",
    "rels",
    "xml",
]


@FUZZ
@given(
    name=st.sampled_from(_OPC_PARTS),
    edits=st.lists(
        st.tuples(
            st.integers(0, 100),
            st.sampled_from(["Id", "Type", "Target", "TargetMode", "PartName", "ContentType", "Extension"]),
            st.sampled_from(_INTERESTING)
            | st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn")), max_size=20)
            | st.none(),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_mutated_relationships_and_content_types_never_crash(
    name: str, edits: list[tuple[int, str, str | None]]
) -> None:
    """Structure-aware mutation of .rels and [Content_Types].xml attributes, to reach the OPC checks."""
    root = parse_xml(_MEMBERS[name])
    children = list(root)
    for index, attr, value in edits:
        child = children[index % len(children)]
        if value is None:
            child.attrib.pop(attr, None)
        else:
            child.set(attr, value)
    members = dict(_MEMBERS)
    members[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    _accepts_or_rejects(evil.zip_members(members))


def test_the_main_documents_validation_tree_goes_to_its_first_reader_only() -> None:
    """`read_package` parses every XML part to validate it; the main document's tree is handed to the first
    `xml` call (one parse fewer per read .docx), a tree of its own to every later call, and never a tree of
    bytes that were replaced since."""
    from tests.fixtures.wordml import docx as make_docx
    from tests.fixtures.wordml import p, r

    data = make_docx(p(r("Recalling the plan")))
    pkg = read_docx(data, SOURCE)
    first, second = pkg.xml(pkg.main_document), pkg.xml(pkg.main_document)
    assert first is not second and etree.tostring(first) == etree.tostring(second)
    first.clear()  # a reader's edits reach no other reader
    assert "Recalling" in etree.tostring(pkg.xml(pkg.main_document)).decode()
    edited = read_docx(data, SOURCE)
    edited.parts[edited.main_document] = data_of(make_docx(p(r("Noting the plan"))), edited.main_document)
    assert "Noting" in etree.tostring(edited.xml(edited.main_document)).decode()


def data_of(package: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        return zf.read(name)
