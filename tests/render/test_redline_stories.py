"""The redline on whole Word documents (issue 11): text boxes, footnotes, headers and table rows are written
in place as tracked changes; a paragraph whose images, equations or note references change is replaced whole
(new notes and media copied in); what it cannot write (an inserted table row) refuses the redline, nothing
written, unless --lossy-ok. LibreOffice's Accept/Reject All judges the body, notes, images; the XML the rest."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafting.app import redline
from drafting.cli import cli
from drafting.readers.docx import read_docx_version
from drafting.readers.files import LossError
from tests.fixtures.wordml import (
    PNG_BLUE,
    PNG_RED,
    docx,
    equation,
    footnote_ref,
    image_run,
    ins,
    p,
    r,
    table,
    text_box,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DATE = "2024-06-01T09:00:00Z"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def views(path: Path) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Accepted and original texts of every story of `path`, by story name ("body", "footnote 1", …)."""
    read = read_docx_version(path.read_bytes(), str(path))
    accepted = {"body": [x.text for x in read.version.paragraphs]}
    original = {"body": [x.text for x in read.version.original]}
    for story in read.stories:
        accepted[story.name] = list(story.text("accepted"))
        original[story.name] = list(story.text("original"))
    return accepted, original


def clean(path: Path) -> dict[str, list[str]]:
    return views(path)[0]


def test_an_edited_footnote_is_tracked_in_footnotes_xml(tmp_path):
    body = p(r("The Conference"), footnote_ref(2), r(" met."))
    old = write(tmp_path, "old.docx", docx(body, footnotes={2: p(r("See document A/1."))}))
    new = write(tmp_path, "new.docx", docx(body, footnotes={2: p(r("See documents A/1 and A/2."))}))
    out = tmp_path / "out.docx"
    redline(old, new, out, author="Kazakhstan", date=DATE)
    accepted, original = views(out)
    assert accepted == clean(new)
    assert original == clean(old)
    with zipfile.ZipFile(out) as zf:
        notes = zf.read("word/footnotes.xml").decode()
    assert 'w:author="Kazakhstan"' in notes and "<w:ins " in notes


def test_an_edited_header_is_tracked_in_its_own_part(tmp_path):
    old = write(tmp_path, "old.docx", docx(p(r("Body.")), header=p(r("A/CONF.1/L.1"))))
    new = write(tmp_path, "new.docx", docx(p(r("Body.")), header=p(r("A/CONF.1/L.1/Rev.1"))))
    out = tmp_path / "out.docx"
    redline(old, new, out, author="Kazakhstan", date=DATE)
    assert views(out) == (clean(new), clean(old))
    with zipfile.ZipFile(out) as zf:
        assert 'w:author="Kazakhstan"' in zf.read("word/header1.xml").decode()


def test_text_in_a_text_box_is_edited_in_place(tmp_path):
    old = write(tmp_path, "old.docx", docx(p(r("Anchor."), text_box(p(r("Boxed old words.")))) + p(r("After."))))
    new = write(tmp_path, "new.docx", docx(p(r("Anchor."), text_box(p(r("Boxed new words.")))) + p(r("After."))))
    out = tmp_path / "out.docx"
    redline(old, new, out, author="Kazakhstan", date=DATE)
    assert views(out) == (clean(new), clean(old))
    assert clean(out)["body"] == ["Anchor.", "Boxed new words.", "After."]


def test_a_deleted_table_row_is_marked_deleted_and_libreoffice_accepts_it_away(tmp_path, libreoffice):
    old = write(tmp_path, "old.docx", docx(p(r("Before.")) + table(["A1", "B1"], ["A2", "B2"]) + p(r("After."))))
    new = write(tmp_path, "new.docx", docx(p(r("Before.")) + table(["A1", "B1"]) + p(r("After."))))
    out = tmp_path / "out.docx"
    redline(old, new, out, author="Kazakhstan", date=DATE)
    with zipfile.ZipFile(out) as zf:
        document = zf.read("word/document.xml").decode()
    assert "<w:trPr><w:del " in document
    assert libreoffice.paragraphs(out, "accept") == ["Before.", "A1", "B1", "After."]
    assert libreoffice.paragraphs(out, "reject") == ["Before.", "A1", "B1", "A2", "B2", "After."]


def test_body_edits_next_to_notes_and_boxes_pass_libreoffice_accept_and_reject(tmp_path, libreoffice):
    old_body = p(r("Recalling its resolution"), footnote_ref(2), r(" of 2012,")) + p(r("Decides to act."))
    new_body = p(r("Recalling also its resolution"), footnote_ref(2), r(" of 2012,")) + p(r("Decides to act now."))
    notes = {2: p(r("A/RES/1."))}
    old = write(tmp_path, "old.docx", docx(old_body, footnotes=notes))
    new = write(tmp_path, "new.docx", docx(new_body, footnotes=notes))
    out = tmp_path / "out.docx"
    redline(old, new, out, author="Kazakhstan", date=DATE)
    assert libreoffice.paragraphs(out, "accept") == libreoffice.paragraphs(new)
    assert libreoffice.paragraphs(out, "reject") == libreoffice.paragraphs(old)


def test_a_new_footnote_is_written_with_its_reference_and_libreoffice_agrees(tmp_path, libreoffice):
    old = write(tmp_path, "old.docx", docx(p(r("Text."))))
    new = write(tmp_path, "new.docx", docx(p(r("Text"), footnote_ref(2), r(".")), footnotes={2: p(r("A new note."))}))
    out = tmp_path / "out.docx"
    redline(old, new, out, author="Kazakhstan", date=DATE)
    assert libreoffice.stories(out, "accept")["footnotes"] == ["A new note."]
    assert libreoffice.stories(out, "reject")["footnotes"] == []
    assert libreoffice.paragraphs(out, "accept") == libreoffice.paragraphs(new)
    assert libreoffice.paragraphs(out, "reject") == libreoffice.paragraphs(old)


def test_a_new_note_before_an_existing_one_is_written_and_numbered_in_reference_order(tmp_path, libreoffice):
    """Word writes notes in the order of their references, and LibreOffice pairs a reference with the note of
    its rank: a new note appended after the old one read as the old note's text at the new reference."""
    old_body = p(r("First.")) + p(r("Second"), footnote_ref(2), r("."))
    new_body = p(r("First"), footnote_ref(2), r(".")) + p(r("Second"), footnote_ref(3), r("."))
    old = write(tmp_path, "old.docx", docx(old_body, footnotes={2: p(r("The old note."))}))
    new = write(tmp_path, "new.docx", docx(new_body, footnotes={2: p(r("A new note.")), 3: p(r("The old note."))}))
    out = tmp_path / "out.docx"
    redline(old, new, out, author="Kazakhstan", date=DATE)
    with zipfile.ZipFile(out) as zf:
        notes = zf.read("word/footnotes.xml").decode()
        document = zf.read("word/document.xml").decode()
    assert notes.index("A new note.") < notes.index("The old note.")
    ids = [int(i) for i in re.findall(r'<w:footnoteReference w:id="(\d+)"', document)]
    assert ids == sorted(ids) and len(set(ids)) == 2
    assert libreoffice.stories(out, "accept")["footnotes"] == ["A new note.", "The old note."]
    assert libreoffice.stories(out, "reject")["footnotes"] == ["The old note."]


def test_a_deleted_footnote_goes_with_its_reference(tmp_path, libreoffice):
    old = write(tmp_path, "old.docx", docx(p(r("Text"), footnote_ref(2), r(".")), footnotes={2: p(r("Old note."))}))
    new = write(tmp_path, "new.docx", docx(p(r("Text.")), footnotes={}))
    out = tmp_path / "out.docx"
    redline(old, new, out, author="Kazakhstan", date=DATE)
    assert libreoffice.stories(out, "accept")["footnotes"] == []
    assert libreoffice.stories(out, "reject")["footnotes"] == ["Old note."]


def test_a_replaced_image_is_a_whole_run_change_with_its_media_copied(tmp_path, libreoffice):
    old = write(tmp_path, "old.docx", docx(p(r("Chart:"), image_run()), images={"rIdImg1": PNG_RED}))
    new = write(tmp_path, "new.docx", docx(p(r("Chart:"), image_run()), images={"rIdImg1": PNG_BLUE}))
    out = tmp_path / "out.docx"
    redline(old, new, out, author="Kazakhstan", date=DATE)
    with zipfile.ZipFile(out) as zf:
        media = {name: zf.read(name) for name in zf.namelist() if name.startswith("word/media/")}
        document = zf.read("word/document.xml").decode()
    assert PNG_RED in media.values() and PNG_BLUE in media.values()
    assert "<w:del " in document and "<w:ins " in document
    assert libreoffice.paragraphs(out, "accept") == ["Chart:"]
    assert len(libreoffice.stories(out, "accept")["images"]) == 1
    assert len(libreoffice.stories(out, "reject")["images"]) == 1


def test_an_edited_equation_is_replaced_whole(tmp_path):
    old = write(tmp_path, "old.docx", docx(p(r("Where "), equation("x", "=", "1"))))
    new = write(tmp_path, "new.docx", docx(p(r("Where "), equation("x", "=", "2"))))
    out = tmp_path / "out.docx"
    redline(old, new, out, author="Kazakhstan", date=DATE)
    with zipfile.ZipFile(out) as zf:
        document = zf.read("word/document.xml").decode()
    assert document.count("<m:oMath>") == 2 and "<w:del " in document and "<w:ins " in document
    assert clean(out)["body"] == ["Where"]


def test_the_cli_exits_1_on_a_loss_and_0_with_lossy_ok(tmp_path):
    old = write(tmp_path, "old.docx", docx(p(r("Anchor.")) + p(r("After."))))
    new = write(tmp_path, "new.docx", docx(p(r("Anchor."), text_box(p(r("A new box.")))) + p(r("After."))))
    out = tmp_path / "out.docx"
    runner = CliRunner()
    refused = runner.invoke(cli, ["redline", str(old), str(new), "--author", "KAZ", "-o", str(out)])
    assert refused.exit_code == 1 and "text box 1: only in the new version" in refused.output and not out.exists()
    allowed = runner.invoke(cli, ["redline", str(old), str(new), "--author", "KAZ", "-o", str(out), "--lossy-ok"])
    assert allowed.exit_code == 0 and "lost: text box 1" in allowed.output and out.exists()


def test_existing_changes_are_refused_under_the_refuse_policy_and_accepted_with_a_note_by_default(tmp_path):
    old = write(tmp_path, "old.docx", docx(p(r("The "), ins(r("draft "), 1), r("text."))))
    new = write(tmp_path, "new.docx", docx(p(r("The draft text, revised."))))
    out = tmp_path / "out.docx"
    with pytest.raises(Exception, match="holds tracked changes"):
        redline(old, new, out, author="Kyrgyzstan", date=DATE, existing="refuse")
    assert not out.exists()
    findings = redline(old, new, out, author="Kyrgyzstan", date=DATE)
    assert any("tracked changes were accepted" in f for f in findings)
    assert clean(out)["body"] == ["The draft text, revised."]
    runner = CliRunner()
    result = runner.invoke(cli, ["redline", str(old), str(new), "--author", "KGZ", "-o", str(tmp_path / "o2.docx"),
                                 "--existing-changes", "refuse"])
    assert result.exit_code == 1 and "holds tracked changes" in result.output


def test_an_inserted_table_row_is_a_tracked_row_and_libreoffice_rejects_it_away(tmp_path, libreoffice):
    old = write(tmp_path, "old.docx", docx(p(r("Before.")) + table(["A1", "B1"]) + p(r("After."))))
    new = write(tmp_path, "new.docx", docx(p(r("Before.")) + table(["A1", "B1"], ["A2", "B2"]) + p(r("After."))))
    out = tmp_path / "out.docx"
    redline(old, new, out, author="Kazakhstan", date=DATE)
    with zipfile.ZipFile(out) as zf:
        assert "<w:trPr><w:ins " in zf.read("word/document.xml").decode()
    assert libreoffice.paragraphs(out, "accept") == ["Before.", "A1", "B1", "A2", "B2", "After."]
    assert libreoffice.paragraphs(out, "reject") == ["Before.", "A1", "B1", "After."]


def test_a_new_first_row_is_still_reported_not_passed_off_as_paragraphs(tmp_path):
    old = write(tmp_path, "old.docx", docx(p(r("Before.")) + table(["A2", "B2"]) + p(r("After."))))
    new = write(tmp_path, "new.docx", docx(p(r("Before.")) + table(["A1", "B1"], ["A2", "B2"]) + p(r("After."))))
    with pytest.raises(LossError, match="tables: the rows and cells"):
        redline(old, new, tmp_path / "out.docx", author="Kazakhstan", date=DATE)


def test_a_new_table_is_reported_not_passed_off_as_paragraphs(tmp_path):
    old = write(tmp_path, "old.docx", docx(p(r("Before.")) + p(r("After."))))
    new = write(tmp_path, "new.docx", docx(p(r("Before.")) + table(["A1", "B1"], ["A2", "B2"]) + p(r("After."))))
    with pytest.raises(LossError, match="tables: the rows and cells"):
        redline(old, new, tmp_path / "out.docx", author="Kazakhstan", date=DATE)
    assert not (tmp_path / "out.docx").exists()


def test_a_deleted_text_box_is_reported(tmp_path):
    old = write(tmp_path, "old.docx", docx(p(r("Anchor."), text_box(p(r("An old box.")))) + p(r("After."))))
    new = write(tmp_path, "new.docx", docx(p(r("Anchor.")) + p(r("After."))))
    with pytest.raises(LossError, match="text box 1: not in the new version"):
        redline(old, new, tmp_path / "out.docx", author="Kazakhstan", date=DATE)
    assert not (tmp_path / "out.docx").exists()
