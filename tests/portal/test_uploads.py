"""Hostile uploads through the browser: a zip bomb, a 100 MB file, a file name with `../`, a PDF. Each gets one
clear message on the upload page; nothing is recorded and nothing is kept for confirmation."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.fixtures import evil
from tests.portal import RETURNS, accept_invitation, events, invite, launch, live_server, new_workspace, upload

pytestmark = pytest.mark.chromium
SLUG = "uploads"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, object]]:
    root = tmp_path_factory.mktemp("portal-uploads")
    ws = new_workspace(root / SLUG)
    person = invite(ws, "delegate@kazakhstan.example", "member", "KAZ")
    with live_server(ws, log=root / "server.log") as base:
        yield base, ws, person


@pytest.fixture(scope="module")
def page(world) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    base, _, person = world
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_context().new_page()
            accept_invitation(page, base, person)
            yield page
        finally:
            browser.close()


def staged(ws: Path) -> int:
    with closing(sqlite3.connect(ws / "people.sqlite")) as db:
        return int(db.execute("SELECT count(*) FROM uploads").fetchone()[0])


def refused(page, world, file: Path | dict[str, object]) -> str:
    """Upload `file`; assert one message, status 400, nothing recorded or staged; return the message."""
    base, ws, _ = world
    before = (len(events(ws)), staged(ws))
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/upload")) as answer:
        upload(page, base, SLUG, file)
    assert answer.value.status == 400
    assert page.url.endswith(f"/w/{SLUG}/upload")
    assert page.locator(".message").count() == 1
    assert (len(events(ws)), staged(ws)) == before
    assert page.locator("#file").count() == 1  # the form is back, ready for the right file
    return page.locator(".message").inner_text()


def test_a_zip_bomb_is_refused(page, world) -> None:
    message = refused(page, world, {"name": "bomb.docx", "mimeType": DOCX, "buffer": evil.z7_declared_bomb()})
    assert "nothing was recorded" in message and "Traceback" not in message
    assert "large" in message.lower() or "size" in message.lower(), message
    message = refused(page, world, {"name": "ratio.docx", "mimeType": DOCX, "buffer": evil.z7_ratio_bomb()})
    assert "nothing was recorded" in message


def test_a_100_mb_file_is_refused_after_reading_only_the_limit(page, world, tmp_path: Path) -> None:
    huge = tmp_path / "huge.docx"
    with huge.open("wb") as out:
        out.truncate(100 * 1024 * 1024)
    message = refused(page, world, huge)
    assert message == "The file is larger than 10 MB: nothing was recorded."


def test_a_file_name_with_dotdot_is_refused(page, world) -> None:
    base, ws, _ = world
    data = (RETURNS / "kazakhstan.docx").read_bytes()
    message = refused(page, world, {"name": "../../kazakhstan.docx", "mimeType": DOCX, "buffer": data})
    assert message.startswith("the file name must be a plain name") and "nothing was recorded" in message
    # Other ways of spelling a path, posted from the logged-in page, are refused by the server the same way.
    page.goto(f"{base}/w/{SLUG}/upload")
    csrf = page.locator("form[action$=upload] input[name=csrf]").get_attribute("value")
    before = (len(events(ws)), staged(ws))
    for name in ("../../kazakhstan.docx", "..\\..\\kazakhstan.docx", "/etc/kazakhstan.docx", "a\x00.docx"):
        answer = page.request.post(f"{base}/w/{SLUG}/upload", multipart={
            "csrf": csrf, "file": {"name": name, "mimeType": DOCX, "buffer": data}})
        assert answer.status == 400, name
        assert "plain name" in answer.text() and answer.text().count('class="message"') == 1
    assert (len(events(ws)), staged(ws)) == before


def test_a_pdf_is_refused(page, world) -> None:
    message = refused(page, world, {"name": "return.pdf", "mimeType": "application/pdf", "buffer": evil.z1_pdf()})
    assert "only .docx, .md or .txt" in message
    message = refused(page, world, {"name": "return.docx", "mimeType": DOCX, "buffer": evil.z1_pdf()})
    assert "nothing was recorded" in message and "docx" in message.lower()


def test_the_right_file_still_goes_through(page, world) -> None:
    base, ws, _ = world
    upload(page, base, SLUG, RETURNS / "kazakhstan.docx")
    assert page.locator("h1").inner_text() == "Preview: kazakhstan.docx"
    assert staged(ws) == 1


def test_an_edited_markdown_copy_is_read_as_untracked_amendments(page, world, tmp_path: Path) -> None:
    """The .md download carries the text's identity; edited without Track Changes (there are none in
    Markdown), its differences are previewed as amendments made without Track Changes."""
    base, _, _ = world
    page.goto(f"{base}/w/{SLUG}/")
    with page.expect_download() as download:
        page.get_by_role("link", name=".md").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "established in Almaty;" in text
    edited = tmp_path / "kazakhstan-edits.md"
    edited.write_text(text.replace("established in Almaty;", "established in Astana;"), encoding="utf-8")
    upload(page, base, SLUG, edited)
    assert page.locator("h1").inner_text() == "Preview: kazakhstan-edits.md"
    assert "(identity)" in page.locator("main p").first.inner_text()
    assert page.locator("#count").inner_text() == "1"
    row = page.locator("tr.amendment")
    assert "Almaty" in row.locator("del").inner_text() and "Astana" in row.locator("ins").inner_text()
    assert row.locator(".untracked").inner_text() == "without Track Changes"


def with_comment(data: bytes, author: str, text: str) -> bytes:
    """`data` (a .docx) with a Word comment by `author` on its first paragraph, as Word writes one."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    members = evil.read_members(data)
    body = members[evil.DOC].decode("utf-8")
    start = body.index("<w:body>")
    end = body.index("</w:p>", start)
    members[evil.DOC] = (body[:end] + '<w:r><w:commentReference w:id="901"/></w:r>' + body[end:]).encode("utf-8")
    members["word/comments.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:comments xmlns:w="{w}">'
        f'<w:comment w:id="901" w:author="{author}" w:date="2012-09-06T10:00:00Z"><w:p><w:r><w:t>{text}</w:t>'
        "</w:r></w:p></w:comment></w:comments>").encode()
    evil.add_relationship(members, evil.DOC_RELS, "rId901", evil.RT + "comments", "comments.xml")
    evil.replace(members, evil.CT, "</Types>", '<Override PartName="/word/comments.xml" ContentType="application/'
                 'vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/></Types>')
    return evil.zip_members(members)


def test_the_preview_shows_the_files_comments(page, world) -> None:
    base, _, _ = world
    data = with_comment((RETURNS / "kazakhstan.docx").read_bytes(), "Kazakhstan",
                        "Subject to consultations with the capital &lt;b&gt;")
    upload(page, base, SLUG, {"name": "kazakhstan-commented.docx", "mimeType": DOCX, "buffer": data})
    assert page.locator("h1").inner_text() == "Preview: kazakhstan-commented.docx"
    comments = page.locator("main ul li")
    assert comments.count() == 1
    assert "Kazakhstan" in comments.inner_text()
    assert "Subject to consultations with the capital <b>" in comments.inner_text()  # shown as text, never markup
    assert page.locator("main ul li b").count() == 0
    assert int(page.locator("#count").inner_text()) >= 1  # the tracked changes are still read


@pytest.mark.libreoffice
def test_the_current_text_downloads_as_pdf(page, world) -> None:
    """The issued .docx through LibreOffice, made once per revision: the second download is the same file."""
    base, ws, _ = world
    page.goto(f"{base}/w/{SLUG}/")
    with page.expect_download(timeout=180_000) as download:  # LibreOffice, on a busy machine
        page.get_by_role("link", name=".pdf").click()
    first = Path(download.value.path()).read_bytes()
    assert first[:5] == b"%PDF-" and download.value.suggested_filename == "recommendations.pdf"
    with page.expect_download() as again:
        page.get_by_role("link", name=".pdf").click()
    assert Path(again.value.path()).read_bytes() == first
    assert len(list((ws / "published").glob("text-*.pdf"))) == 1
