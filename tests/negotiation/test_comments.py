"""Delegations' Word comments become part of their submission (issue 13 item 2): anchored to paragraph and
text, attributed, listed by status, shown in the compilation (.md, .html); a later submission's comments
replace the earlier ones."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafting import app as api
from drafting.cli import cli
from tests.negotiation import Base, new_workspace

CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"


def with_comment(source: Path, target: Path, author: str, text: str, *, words: str) -> Path:
    """`source` with a Word comment by `author` on `words` (a run of text our .docx writes whole)."""
    with zipfile.ZipFile(source) as package:
        items = {info.filename: package.read(info.filename) for info in package.infolist()}
    document = items["word/document.xml"].decode()
    run = f'<w:r><w:t xml:space="preserve">{words}</w:t></w:r>'
    assert document.count(run) == 1, words
    document = document.replace(run, f'<w:commentRangeStart w:id="7"/>{run}<w:commentRangeEnd w:id="7"/>'
                                     '<w:r><w:commentReference w:id="7"/></w:r>')
    items["word/document.xml"] = document.encode()
    declared = re.search(r'xmlns:w="([^"]+)"', document)
    assert declared is not None
    ns = declared.group(1)
    items["word/comments.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments xmlns:w="{ns}">'
                                  f'<w:comment w:id="7" w:author="{author}" w:date="2026-12-02T10:00:00Z">'
                                  f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:comment></w:comments>").encode()
    rels = items["word/_rels/document.xml.rels"].decode()
    items["word/_rels/document.xml.rels"] = rels.replace(
        "</Relationships>", f'<Relationship Id="rId977" Type="{RT}" Target="comments.xml"/></Relationships>').encode()
    types = items["[Content_Types].xml"].decode()
    items["[Content_Types].xml"] = types.replace(
        "</Types>", f'<Override PartName="/word/comments.xml" ContentType="{CT}"/></Types>').encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in items.items():
            out.writestr(name, data)
    return target


def test_a_comment_in_a_return_is_recorded_listed_and_shown(base: Base, tmp_path: Path) -> None:
    ws = new_workspace(tmp_path / "ws", base)
    returned = with_comment(base.docx, tmp_path / "kaz.docx", "Delegation of Kazakhstan",
                            "Pending consultations in the capital", words=" the draft Regional Cooperation Framework")
    result = api.submit(ws, "KAZ", returned)
    assert result.amendments == 0  # a comment is not an amendment
    report = api.status_report(ws)
    rcf = next(p for p in report["paragraphs"] if p["id"] == "endorse_rcf")
    assert rcf["comments"] == [{"delegation": "Kazakhstan", "author": "Delegation of Kazakhstan",
                                "anchor": " the draft Regional Cooperation Framework",
                                "text": "Pending consultations in the capital", "date": "2026-12-02T10:00:00Z"}]
    assert sum(len(p["comments"]) for p in report["paragraphs"]) == 1
    text = CliRunner().invoke(cli, ["status", str(ws)]).stdout
    assert "comment: - 1 - (endorse_rcf) by Kazakhstan: Pending consultations in the capital" in text.splitlines()
    api.compile_outputs(ws, tmp_path / "out", ("md", "html"))
    md = (tmp_path / "out" / "compilation.md").read_text(encoding="utf-8")
    assert ("> Comment by Kazakhstan on “ the draft Regional Cooperation Framework”: Pending consultations in "
            "the capital") in md
    html = (tmp_path / "out" / "compilation.html").read_text(encoding="utf-8")
    assert re.search(r'<div[^>]*id="p-endorse_rcf".*?<aside class="comment" data-delegation="Kazakhstan">'
                     r"Comment by <bdi>Kazakhstan</bdi>.*?Pending consultations in the capital</aside>", html,
                     re.DOTALL)
    # Kazakhstan sends its file again without the comment: the comment goes with the superseded submission
    api.submit(ws, "KAZ", base.docx)
    assert all(not p["comments"] for p in api.status_report(ws)["paragraphs"])


def test_compilation_docx_carries_the_comments_and_the_numbers_as_word_comments(base: Base, tmp_path: Path) -> None:
    from drafting.readers.docx import paragraph_id, read_docx_version
    from tests.negotiation import SEAT, edit_md, untracked_docx_edit
    from tests.negotiation.test_compilation import unnumbered

    ws = new_workspace(tmp_path / "ws", base)
    commented = with_comment(base.docx, tmp_path / "commented.docx", "Delegation of Kazakhstan", "To be confirmed",
                             words=" the draft Regional Cooperation Framework")
    api.submit(ws, "KAZ", untracked_docx_edit(commented, tmp_path / "kaz.docx", "established in Almaty",
                                              "established in Astana"))
    api.submit(ws, "TJK", edit_md(base.md, tmp_path / "tjk.md", [(SEAT, SEAT.replace("in Almaty", "in Dushanbe"))]))
    api.support(ws, ["TJK/1"], "KGZ")
    api.compile_outputs(ws, tmp_path / "out", ("docx",))
    read = read_docx_version((tmp_path / "out" / "compilation.docx").read_bytes(), "compilation.docx")
    found = sorted((paragraph_id(read.paragraphs[c.paragraph]), c.author, c.text) for c in read.comments)
    assert found == [
        ("endorse_rcf", "Kazakhstan", "On “ the draft Regional Cooperation Framework”: To be confirmed"),
        ("secretariat_seat", "Secretariat (amendment numbers)",
         "KAZ/1 Kazakhstan (made without Track Changes); TJK/1 Tajikistan (supported by Kyrgyzstan)")]
    # comments change no text: accepting and rejecting every change read as before
    original = api.text_of(tmp_path / "out" / "compilation.docx", "original")
    assert unnumbered(original) == api.text_of(base.docx)


@pytest.mark.libreoffice
def test_libreoffice_lists_the_compilations_comments_with_their_authors(libreoffice, base: Base,
                                                                         tmp_path: Path) -> None:
    ws = new_workspace(tmp_path / "ws", base)
    api.submit(ws, "KAZ", with_comment(base.docx, tmp_path / "kaz.docx", "Delegation of Kazakhstan",
                                       "To be confirmed", words=" the draft Regional Cooperation Framework"))
    api.submit(ws, "TJK", with_comment(base.docx, tmp_path / "tjk.docx", "Tajikistan", "Supported",
                                       words=" the draft Regional Cooperation Framework"))
    api.compile_outputs(ws, tmp_path / "out", ("docx",))
    listed = libreoffice.comments(tmp_path / "out" / "compilation.docx")
    assert sorted((c["author"], c["content"], c["paragraph"]) for c in listed) == [
        ("Kazakhstan", "On “ the draft Regional Cooperation Framework”: To be confirmed",
         "- 1 - Endorse the draft Regional Cooperation Framework"),
        ("Tajikistan", "On “ the draft Regional Cooperation Framework”: Supported",
         "- 1 - Endorse the draft Regional Cooperation Framework")]
