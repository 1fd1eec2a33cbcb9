"""The LibreOffice oracle reads hand-written tracked changes correctly and records its own."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .libreoffice import LibreOffice, OracleError, _group_alive, docx_revision_authors, libreoffice_session

pytestmark = pytest.mark.libreoffice

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = 'w:author="Delegation A" w:date="2024-05-01T10:00:00Z"'

# -- a .docx written by hand (cheat sheet §1.2 and §1.3) -------------------------------------------------

TRACKED_BODY = f"""
<w:p><w:r><w:t xml:space="preserve">The Conference </w:t></w:r>
  <w:del w:id="101" {A}><w:r><w:delText xml:space="preserve">urges </w:delText></w:r></w:del>
  <w:ins w:id="102" {A}><w:r><w:t xml:space="preserve">calls upon </w:t></w:r></w:ins>
  <w:r><w:t>all States.</w:t></w:r></w:p>
<w:p><w:pPr><w:rPr><w:ins w:id="103" {A}/></w:rPr></w:pPr>
  <w:ins w:id="104" {A}><w:r><w:t>Inserted operative paragraph.</w:t></w:r></w:ins></w:p>
<w:p><w:pPr><w:rPr><w:del w:id="105" {A}/></w:rPr></w:pPr>
  <w:del w:id="106" {A}><w:r><w:delText>Deleted operative paragraph.</w:delText></w:r></w:del></w:p>
<w:p><w:bookmarkStart w:id="1" w:name="op_4"/><w:r><w:t>Final paragraph.</w:t></w:r><w:bookmarkEnd w:id="1"/></w:p>
"""

PLAIN_TEXTS = ["The Conference urges all States.", "Second paragraph.", "Third paragraph."]
PLAIN_BODY = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in PLAIN_TEXTS)

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/word/document.xml" \
ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>\
<Override PartName="/docProps/custom.xml" \
ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>"""

PACKAGE_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Target="word/document.xml" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>\
<Relationship Id="rId2" Target="docProps/custom.xml" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"/></Relationships>"""

CUSTOM_PROPS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" \
xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">\
<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="drafting.symbol">\
<vt:lpwstr>A/CONF.1/L.1</vt:lpwstr></property></Properties>"""


def write_docx(path: Path, body: str) -> Path:
    """Write a minimal .docx at `path` whose body is the WordprocessingML fragment `body`."""
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{W_NS}"><w:body>{body}<w:sectPr/></w:body></w:document>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", PACKAGE_RELS)
        package.writestr("word/document.xml", document)
        package.writestr("docProps/custom.xml", CUSTOM_PROPS)
    return path


@pytest.fixture(scope="module")  # one soffice for this module; a session-wide fixture may replace it
def lo() -> Iterator[LibreOffice]:
    with libreoffice_session() as office:
        yield office


@pytest.fixture
def tracked(tmp_path: Path) -> Path:
    return write_docx(tmp_path / "tracked.docx", TRACKED_BODY)


@pytest.fixture
def plain(tmp_path: Path) -> Path:
    return write_docx(tmp_path / "plain.docx", PLAIN_BODY)


# -- reading hand-written revisions ----------------------------------------------------------------------


def test_redlines_of_hand_written_revisions(lo: LibreOffice, tracked: Path) -> None:
    reds = lo.redlines(tracked)
    assert [r["type"] for r in reds] == ["Delete", "Insert", "Insert", "Delete"]
    assert {r["author"] for r in reds} == {"Delegation A"}
    # LibreOffice 7.4 drops the UTC marker of w:date on import.
    assert all(r["date"].startswith("2024-05-01T10:00:00") for r in reds)
    assert [r["text"] for r in reds][:2] == ["urges ", "calls upon "]


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (
            "as-is",
            [
                "The Conference urges calls upon all States.",
                "Inserted operative paragraph.",
                "Deleted operative paragraph.",
                "Final paragraph.",
            ],
        ),
        ("accept", ["The Conference calls upon all States.", "Inserted operative paragraph.", "Final paragraph."]),
        ("reject", ["The Conference urges all States.", "Deleted operative paragraph.", "Final paragraph."]),
    ],
)
def test_paragraphs_after_accept_or_reject_all(lo: LibreOffice, tracked: Path, mode: str, expected: list[str]) -> None:
    assert lo.paragraphs(tracked, mode) == expected


def test_paragraph_info_gives_list_labels(lo: LibreOffice, tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Preamble")
    document.add_paragraph("First operative", style="List Number")
    document.add_paragraph("Second operative", style="List Number")
    path = tmp_path / "list.docx"
    document.save(str(path))
    assert lo.labels(path) == ["", "1.", "2."]
    assert lo.paragraphs(path) == ["Preamble", "First operative", "Second operative"]


def test_bookmarks_and_user_properties_survive_save_as_docx(lo: LibreOffice, tracked: Path, tmp_path: Path) -> None:
    assert lo.bookmarks(tracked) == ["op_4"]
    assert lo.user_properties(tracked) == {"drafting.symbol": "A/CONF.1/L.1"}
    out = lo.save_as_docx(tracked, tmp_path / "round-trip.docx")
    assert lo.bookmarks(out) == ["op_4"]
    assert lo.user_properties(out)["drafting.symbol"] == "A/CONF.1/L.1"
    assert [r["type"] for r in lo.redlines(out)] == ["Delete", "Insert", "Insert", "Delete"]
    assert docx_revision_authors(out) == {"Delegation A"}


# -- refusing bad files ----------------------------------------------------------------------------------


def test_open_ok_tells_good_from_garbage(lo: LibreOffice, tracked: Path, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.docx"
    garbage.write_bytes(bytes(range(256)) * 8)
    assert lo.open_ok(tracked) is True
    assert lo.open_ok(garbage) is False
    assert lo.open_ok(tmp_path / "missing.docx") is False
    with pytest.raises(OracleError, match=r"could not load .*garbage\.docx"):
        lo.redlines(garbage)


def test_stale_lock_file_does_not_block_loading(lo: LibreOffice, tracked: Path) -> None:
    lock = tracked.with_name(f".~lock.{tracked.name}#")
    lock.write_text(",crashed,host,01.01.2024 00:00,file:///nowhere;\n")
    assert len(lo.redlines(tracked)) == 4
    assert not lock.exists()


# -- LibreOffice as an author ----------------------------------------------------------------------------

B = "Delegation B"
P0, P1, P2 = PLAIN_TEXTS


@pytest.mark.parametrize(
    ("op", "accepted", "types"),
    [
        (
            {"op": "replace", "old": "urges", "new": "calls upon"},
            ["The Conference calls upon all States.", P1, P2],
            {"Delete", "Insert"},
        ),
        (
            {"op": "insert", "after": "Conference", "text": " also"},
            ["The Conference also urges all States.", P1, P2],
            {"Insert"},
        ),
        ({"op": "delete", "text": "all "}, ["The Conference urges States.", P1, P2], {"Delete"}),
        (
            {"op": "insert_paragraph", "after_paragraph": 0, "text": "New paragraph."},
            [P0, "New paragraph.", P1, P2],
            {"Insert"},
        ),
        ({"op": "delete_paragraph", "index": 1}, [P0, P2], {"Delete"}),
        ({"op": "split", "paragraph": 0, "at": "all"}, ["The Conference urges ", "all States.", P1, P2], {"Insert"}),
    ],
    ids=lambda v: v["op"] if isinstance(v, dict) else None,
)
def test_record_changes_authors_revisions_as_given_name(
    lo: LibreOffice, plain: Path, tmp_path: Path, op: dict[str, object], accepted: list[str], types: set[str]
) -> None:
    out = tmp_path / "recorded.docx"
    recorded = lo.record_changes(plain, out, B, [op])
    assert {r["author"] for r in recorded} == {B}
    assert docx_revision_authors(out) == {B}
    reds = lo.redlines(out)
    assert {r["type"] for r in reds} == types
    assert {r["author"] for r in reds} == {B}
    assert lo.paragraphs(out, "accept") == accepted
    assert lo.paragraphs(out, "reject") == PLAIN_TEXTS


def test_record_changes_switches_author_between_calls(lo: LibreOffice, plain: Path, tmp_path: Path) -> None:
    first = lo.record_changes(plain, tmp_path / "c.docx", "Chair", [{"op": "delete", "text": "all "}])
    second = lo.record_changes(plain, tmp_path / "d.docx", "Delegation C", [{"op": "delete", "text": "all "}])
    assert [r["author"] for r in first] == ["Chair"]
    assert [r["author"] for r in second] == ["Delegation C"]


def test_record_changes_reports_missing_text(lo: LibreOffice, plain: Path, tmp_path: Path) -> None:
    with pytest.raises(OracleError, match="text not found"):
        lo.record_changes(plain, tmp_path / "x.docx", B, [{"op": "delete", "text": "no such words"}])


# -- the session -----------------------------------------------------------------------------------------


def test_session_kills_its_process_group_at_exit(plain: Path) -> None:
    with libreoffice_session() as office:
        pgid = office.pgid
        assert pgid is not None and _group_alive(pgid)
        assert office.open_ok(plain)
    assert not _group_alive(pgid)
