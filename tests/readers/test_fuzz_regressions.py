"""Regressions found by fuzzing the loaders with mutated real submissions: inputs that were read with part of
their content dropped silently, or ended in an internal error, now refuse by name or report what is left out."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafting.errors import DraftingInputError
from drafting.readers.docx import read_docx_version
from drafting.readers.files import load_submission
from tests.fixtures import evil

SUBMISSION = Path(__file__).parents[2] / "examples" / "almaty-2012" / "submissions" / "kazakhstan.docx"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WHO = 'w:author="Kazakhstan" w:date="2024-05-01T10:00:00Z"'
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"


def _with_comment(comment_body: str) -> bytes:
    """The Kazakhstan submission (made by LibreOffice) with one comment, anchored on its first paragraph."""
    members = evil.read_members(SUBMISSION.read_bytes())
    members["word/comments.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:comments xmlns:w="{W_NS}">'
        f'<w:comment w:id="901" {WHO} w:initials="K">{comment_body}</w:comment></w:comments>'
    ).encode()
    evil.add_relationship(members, evil.DOC_RELS, "rId901", evil.RT + "comments", "comments.xml")
    evil.replace(members, evil.CT, "</Types>",
                 f'<Override PartName="/word/comments.xml" ContentType="{COMMENTS_TYPE}"/></Types>')
    evil.replace(members, evil.DOC, "</w:p>", '<w:r><w:commentReference w:id="901"/></w:r></w:p>')
    return evil.zip_members(members)


TRACKED_COMMENT = (f'<w:p><w:r><w:t xml:space="preserve">Please keep </w:t></w:r>'
                   f'<w:del w:id="991" {WHO}><w:r><w:delText>the old words</w:delText></w:r></w:del>'
                   f'<w:ins w:id="992" {WHO}><w:r><w:t>new words</w:t></w:r></w:ins></w:p>')
PLAIN_COMMENT = '<w:p><w:r><w:t>Please keep the old words</w:t></w:r></w:p>'


def test_tracked_changes_inside_a_comment_are_a_loss_not_dropped_silently() -> None:
    """The comment is kept as its accepted text: the deleted words were gone with no word said (exit 0)."""
    docx = read_docx_version(_with_comment(TRACKED_COMMENT), "kazakhstan.docx")
    assert [c.text for c in docx.comments] == ["Please keep new words"]
    assert docx.losses == ("comment 901 by Kazakhstan: tracked changes in 1 paragraph(s) of the comment are not "
                           "amendments (only its accepted text is kept)",)


def test_a_submission_with_a_tracked_comment_is_refused_unless_the_loss_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "kazakhstan.docx"
    path.write_bytes(_with_comment(TRACKED_COMMENT))
    with pytest.raises(DraftingInputError) as caught:
        load_submission(path)
    assert str(path) in str(caught.value) and "comment 901" in str(caught.value)
    assert "\n" not in str(caught.value)
    version, docx = load_submission(path, lossy_ok=True)
    assert docx is not None and docx.comments[0].text == "Please keep new words"
    assert any("comment 901" in finding for finding in version.findings)


def test_a_comment_without_tracked_changes_is_no_loss() -> None:
    docx = read_docx_version(_with_comment(PLAIN_COMMENT), "kazakhstan.docx")
    assert [c.text for c in docx.comments] == ["Please keep the old words"]
    assert docx.losses == ()


def test_a_document_without_a_body_is_refused_by_the_submission_reader(tmp_path: Path) -> None:
    members = evil.read_members(SUBMISSION.read_bytes())
    evil.replace(members, evil.DOC, "<w:body>", "")
    evil.replace(members, evil.DOC, "</w:body>", "")
    path = tmp_path / "kazakhstan.docx"
    path.write_bytes(evil.zip_members(members))
    with pytest.raises(DraftingInputError) as caught:
        load_submission(path)
    assert str(caught.value) == f"{path}: word/document.xml: the document has no body (no w:body in w:document)"


def test_a_referenced_footnote_without_a_paragraph_reads_as_an_empty_note(tmp_path: Path) -> None:
    """A footnote reference to a `w:footnote` holding no `w:p` crashed placing the note's text after its
    paragraph (exit 3, ValueError: not enough values to unpack); the note has no text to place."""
    members = evil.read_members(SUBMISSION.read_bytes())
    evil.add_word_part(members, "footnotes", "footnotes", '<w:footnote w:id="2"></w:footnote>', "rId902")
    evil.replace(members, evil.DOC, "</w:p>", '<w:r><w:footnoteReference w:id="2"/></w:r></w:p>')
    path = tmp_path / "kazakhstan.docx"
    path.write_bytes(evil.zip_members(members))
    plain, _ = load_submission(path, footnotes=False)
    version, docx = load_submission(path)
    assert docx is not None
    assert [p.text for p in version.paragraphs] == [p.text for p in plain.paragraphs]


def test_a_footnote_reference_with_no_footnotes_part_is_a_loss() -> None:
    """The relationship to footnotes.xml gone (or the part itself): the note and any change in it were passed
    over with exit 0. The reference now names what it leads to, so the file is refused unless the loss is
    accepted."""
    members = evil.read_members(SUBMISSION.read_bytes())
    evil.replace(members, evil.DOC, "</w:p>", '<w:r><w:footnoteReference w:id="2"/></w:r></w:p>')
    docx = read_docx_version(evil.zip_members(members), "kazakhstan.docx")
    assert docx.losses == ("body: 1 footnote reference(s) lead to no footnote (id 2: the document has no "
                           "footnotes part)",)


def test_a_header_reference_to_a_missing_relationship_is_a_loss() -> None:
    members = evil.read_members(SUBMISSION.read_bytes())
    evil.replace(members, evil.DOC, '<w:headerReference w:type="default" r:id="rId2"/>',
                 '<w:headerReference w:type="default" r:id="rId99"/>')
    docx = read_docx_version(evil.zip_members(members), "kazakhstan.docx")
    assert docx.losses == ("section 1: header default refers to relationship 'rId99', which the document lacks",)
    assert not any(story.name.startswith("header") for story in docx.stories)


def test_the_submission_as_made_has_no_unresolved_reference() -> None:
    assert read_docx_version(SUBMISSION.read_bytes(), "kazakhstan.docx").losses == ()
