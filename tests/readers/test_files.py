"""drafting.readers.text / drafting.readers.docx: a text as .docx, .md or .txt, with its ids, identity and views."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from drafting.app import assemble_to, load_document
from drafting.conventions.identity import identity
from drafting.errors import DraftingInputError
from drafting.readers import text as versions_mod
from drafting.readers.docx import read_docx_version
from drafting.readers.files import detect_format, load_submission, load_version, read_version
from drafting.readers.text import clean_text, strip_label
from tests.conftest import ALMATY_SPEC
from tests.fixtures import evil

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = 'w:author="Kazakhstan" w:date="2024-05-01T10:00:00Z"'


@pytest.fixture(scope="module")
def almaty(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("almaty")
    assemble_to(ALMATY_SPEC, out, ("md", "docx"))
    return out


@pytest.fixture(scope="module")
def document():
    return load_document(ALMATY_SPEC)


def word_docx(body: str) -> bytes:
    """The python-docx sample package with `body` as its document body (hand-built WordprocessingML)."""
    members = evil.read_members(evil.clean_docx())
    members[evil.DOC] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W_NS}">'
        f"<w:body>{body}<w:sectPr/></w:body></w:document>"
    ).encode()
    return evil.zip_members(members)


# -- the three formats of the Almaty sample -------------------------------------------------------------------


def test_docx_carries_every_paragraph_id_and_the_identity(almaty, document):
    version = load_version(almaty / "recommendations.docx")
    assert version.format == "docx"
    assert [p.id for p in version.paragraphs] == [p.id for p in document.paragraphs]
    assert [p.text for p in version.paragraphs] == [p.text for p in document.paragraphs]
    assert version.identity == identity(document)
    assert not version.tracked
    assert version.original == version.paragraphs
    assert version.findings == ()
    assert version.paragraphs[0].style == "ConferenceTitle"


def test_markdown_carries_the_same_ids_texts_and_identity(almaty, document):
    docx_version = load_version(almaty / "recommendations.docx")
    md_version = load_version(almaty / "recommendations.md")
    assert md_version.format == "md"
    assert md_version.paragraphs == tuple(p.__class__(p.id, p.text) for p in docx_version.paragraphs)
    assert md_version.identity == identity(document)


def test_plain_text_with_labels_reads_as_the_same_texts_without_ids(almaty, tmp_path):
    lines = [f"{p.label} {p.text}".strip() for p in load_document(ALMATY_SPEC).paragraphs]
    assert lines[11].startswith("- 1 - Endorse")
    path = tmp_path / "copy.txt"
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    version = load_version(path)
    assert version.format == "txt" and version.identity is None
    assert [p.id for p in version.paragraphs] == [None] * len(lines)
    assert [p.text for p in version.paragraphs] == [p.text for p in load_version(almaty / "recommendations.docx")
                                                    .paragraphs]


@pytest.mark.libreoffice
def test_ids_and_text_survive_a_libreoffice_round_trip(almaty, tmp_path, libreoffice):
    saved = libreoffice.save_as_docx(almaty / "recommendations.docx", tmp_path / "saved.docx")
    ours = load_version(almaty / "recommendations.docx")
    theirs = load_version(saved)
    assert [(p.id, p.text) for p in theirs.paragraphs] == [(p.id, p.text) for p in ours.paragraphs]


# -- tracked views --------------------------------------------------------------------------------------------


def test_tracked_docx_has_an_accepted_and_an_original_view(tmp_path):
    body = (
        '<w:p><w:bookmarkStart w:id="1" w:name="dp_op1"/><w:bookmarkEnd w:id="1"/>'
        f'<w:r><w:t xml:space="preserve">The Conference </w:t></w:r><w:del w:id="2" {A}><w:r><w:delText>urges'
        f'</w:delText></w:r></w:del><w:ins w:id="3" {A}><w:r><w:t>calls upon</w:t></w:r></w:ins>'
        '<w:r><w:t xml:space="preserve"> all States.</w:t></w:r></w:p>'
        f'<w:p><w:pPr><w:rPr><w:ins w:id="4" {A}/></w:rPr></w:pPr><w:ins w:id="5" {A}><w:r><w:t>New.</w:t></w:r>'
        '</w:ins></w:p>'
        '<w:p><w:bookmarkStart w:id="6" w:name="dp_op2"/><w:bookmarkEnd w:id="6"/><w:r><w:t>Kept.</w:t></w:r></w:p>'
    )
    path = tmp_path / "tracked.docx"
    path.write_bytes(word_docx(body))
    version = load_version(path)
    assert version.tracked
    assert [(p.id, p.text) for p in version.view("accepted")] == [
        ("op1", "The Conference calls upon all States."), (None, "New."), ("op2", "Kept.")]
    assert [(p.id, p.text) for p in version.view("original")] == [
        ("op1", "The Conference urges all States."), ("op2", "Kept.")]
    with pytest.raises(ValueError, match="unknown view"):
        version.view("all")


def test_a_bookmark_at_block_level_belongs_to_the_next_paragraph(tmp_path):
    body = ('<w:bookmarkStart w:id="1" w:name="dp_second"/><w:p><w:r><w:t>Second.</w:t></w:r></w:p>'
            '<w:bookmarkEnd w:id="1"/><w:p><w:bookmarkStart w:id="2" w:name="_GoBack"/>'
            '<w:bookmarkStart w:id="3" w:name="dp_"/><w:r><w:t>Third.</w:t></w:r></w:p>')
    path = tmp_path / "bm.docx"
    path.write_bytes(word_docx(body))
    assert [(p.id, p.text) for p in load_version(path).paragraphs] == [("second", "Second."), (None, "Third.")]


def test_a_deleted_paragraph_mark_joins_the_next_paragraph_and_keeps_the_first_id(tmp_path):
    body = (f'<w:p><w:pPr><w:rPr><w:del w:id="9" {A}/></w:rPr></w:pPr><w:bookmarkStart w:id="1" w:name="dp_a"/>'
            '<w:r><w:t xml:space="preserve">Joined </w:t></w:r></w:p>'
            '<w:p><w:bookmarkStart w:id="2" w:name="dp_b"/><w:r><w:t>together.</w:t></w:r></w:p>')
    path = tmp_path / "join.docx"
    path.write_bytes(word_docx(body))
    version = load_version(path)
    assert [(p.id, p.text) for p in version.paragraphs] == [("a", "Joined together.")]
    assert [(p.id, p.text) for p in version.original] == [("a", "Joined"), ("b", "together.")]


def test_findings_of_the_package_are_kept(tmp_path):
    path = tmp_path / "links.docx"
    path.write_bytes(evil.o9_hyperlink("javascript"))
    version = load_version(path)
    assert version.findings == ("word/document.xml: removed javascript: hyperlink rId900; its text is kept",)
    assert evil.CLEAN_TEXT in [p.text for p in version.paragraphs]


def test_read_docx_version_exposes_comments_and_revision_model(tmp_path):
    body = ('<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>Commented.</w:t></w:r><w:commentRangeEnd w:id="0"/>'
            '<w:r><w:commentReference w:id="0"/></w:r></w:p>')
    members = evil.read_members(word_docx(body))
    members["word/comments.xml"] = (f'<w:comments xmlns:w="{W_NS}"><w:comment w:id="0" {A}><w:p><w:r>'
                                    "<w:t>Pending consultations.</w:t></w:r></w:p></w:comment></w:comments>").encode()
    evil.add_relationship(members, evil.DOC_RELS, "rId901", evil.RT + "comments", "comments.xml")
    evil.replace(members, evil.CT, "</Types>", '<Override PartName="/word/comments.xml" ContentType="application/'
                 'vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/></Types>')
    read = read_docx_version(evil.zip_members(members), "c.docx")
    assert [(c.author, c.text, c.anchor_text, c.paragraph) for c in read.comments] == [
        ("Kazakhstan", "Pending consultations.", "Commented.", 0)]
    assert [p.text for p in read.version.paragraphs] == ["Commented."]
    assert not read.version.tracked


# -- formats and decoding -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "fmt"),
    [
        ("a.docx", b"anything", "docx"),
        ("a.txt", b"PK\x03\x04rest", "docx"),  # a zip is a .docx whatever its name
        ("a.md", b"\xd0\xcf\x11\xe0rest", "docx"),  # so is an encrypted/legacy Word file (refused later)
        ("a.md", b"# x", "md"),
        ("a.markdown", b"# x", "md"),
        ("a.txt", b"x", "txt"),
        ("a", b"x", "txt"),
        ("a.TXT", b"x", "txt"),
    ],
)
def test_detect_format(name, data, fmt):
    assert detect_format(Path(name), data) == fmt


def test_a_zip_named_txt_is_read_as_docx(tmp_path):
    path = tmp_path / "really.txt"
    path.write_bytes(evil.clean_docx())
    assert [p.text for p in load_version(path).paragraphs] == [evil.CLEAN_TEXT]


def test_text_decoding_and_cleaning(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes("\ufeffCafe\u0301  one\r\nsecond\x0b line\rthird\u00a0\x07x".encode("utf-8"))
    assert [p.text for p in load_version(path).paragraphs] == ["Café one", "second line", "third x"]
    path.write_bytes("Première ligne\nSeconde".encode("utf-16"))
    assert [p.text for p in load_version(path).paragraphs] == ["Première ligne", "Seconde"]


def test_clean_text_drops_control_characters_and_normalises():
    assert clean_text("a\x01b\x7fc\ufffed\tx\r\ny") == "abcd\tx\ny"
    assert clean_text("e\u0301") == "é"


@pytest.mark.parametrize(
    ("data", "pattern"),
    [
        (b"ok line\nbad \xff\xfe byte\n", r"t\.txt:2: not valid UTF-8 text"),
        (b"\x00\x01\x02binary", r"t\.txt: binary file"),
    ],
)
def test_undecodable_text_is_refused_naming_file_and_line(tmp_path, data, pattern):
    path = tmp_path / "t.txt"
    path.write_bytes(data)
    with pytest.raises(DraftingInputError, match=pattern):
        load_version(path)


def test_oversized_text_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(versions_mod, "MAX_TEXT_BYTES", 100)
    path = tmp_path / "big.md"
    path.write_bytes(b"word " * 100)
    with pytest.raises(DraftingInputError, match=r"big\.md: file is larger than"):
        load_version(path)


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(DraftingInputError, match=r"nothere\.md: cannot read file"):
        load_version(tmp_path / "nothere.md")
    with pytest.raises(DraftingInputError, match=r"nothere\.docx: cannot read file"):
        load_submission(tmp_path / "nothere.docx")


# -- Markdown -------------------------------------------------------------------------------------------------

MARKDOWN = """<!-- drafting: document=x-doc revision=3 language=fr sha256={sha} -->

# Title *with* emphasis

<!-- dp:first_id -->
Some **bold** and _italic_ text
continued on a second line.

<!-- a plain comment -->
- item one
- item two
<!-- dp:third -->
1. Numbered \\*star\\* <b>html</b>

\\- 2 - Escaped label

    a - Indented sub
"""


def test_markdown_paragraphs_ids_and_identity():
    version = read_version(MARKDOWN.format(sha="ab" * 32).encode(), "x.md", "md")
    assert version.identity is not None
    assert (version.identity.document_id, version.identity.revision, version.identity.language) == ("x-doc", 3, "fr")
    assert [(p.id, p.text) for p in version.paragraphs] == [
        (None, "Title with emphasis"),
        ("first_id", "Some bold and italic text continued on a second line."),
        (None, "item one"),
        (None, "item two"),
        ("third", "Numbered *star* <b>html</b>"),
        (None, "Escaped label"),
        (None, "Indented sub"),
    ]


def test_markdown_with_a_damaged_header_has_no_identity():
    version = read_version(MARKDOWN.format(sha="xyz").encode(), "x.md", "md")
    assert version.identity is None
    assert len(version.paragraphs) == 7


@pytest.mark.parametrize(
    ("text", "stripped"),
    [
        ("- 1 - Endorse", "Endorse"),
        ("\\- 12 - Endorse", "Endorse"),
        ("- 7 bis - Endorse", "Endorse"),
        ("1. Endorse", "Endorse"),
        ("12 bis. Endorse", "Endorse"),
        ("3) Endorse", "Endorse"),
        ("(a) Endorse", "Endorse"),
        ("(iv) Endorse", "Endorse"),
        ("a - Endorse", "Endorse"),
        ("• Kazakhstan", "Kazakhstan"),
        ("- a - Endorse", "Endorse"),
        ("Endorse 1. the plan", "Endorse 1. the plan"),
        ("2012 was a year", "2012 was a year"),
        ("a-b", "a-b"),
        ("-5 degrees", "-5 degrees"),
    ],
)
def test_strip_label(text, stripped):
    assert strip_label(text) == stripped


def test_docx_from_a_zip_with_extra_members_still_reads(tmp_path):
    """Unknown parts (customXml, thumbnails) are no reason to refuse a .docx."""
    with zipfile.ZipFile(io.BytesIO(evil.clean_docx())) as package:
        assert "docProps/thumbnail.jpeg" in package.namelist()
    path = tmp_path / "x.docx"
    path.write_bytes(evil.clean_docx())
    assert load_version(path).paragraphs[0].text == evil.CLEAN_TEXT


def test_written_label_is_the_leading_label_unless_the_paragraph_says_it_itself():
    from drafting.readers.text import written_label

    assert written_label("- 7 bis - [Also agree.]", "[Also agree.]") == "- 7 bis - "
    assert written_label("7 bis. Decides to act", "Decides to act") == "7 bis. "
    assert written_label("(a) To meet", None) == "(a) "
    assert written_label("Decides to act", "Decides to act") == ""
    # the paragraph's own words, not a label: the base text starts with them too
    assert written_label("1. Introduction of the item", "1. Introduction of the item") == ""
