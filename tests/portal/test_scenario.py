"""The round in a real browser: invite → set password → log in → upload a LibreOffice-made return → preview →
submit → the clerk compiles, publishes, decides, marks, revises → the delegation sees Rev.1. Every step is an
event in the record, with the person and delegation as actor."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from drafting import app as api
from tests.portal import (
    RETURNS,
    ROOT,
    Person,
    accept_invitation,
    events,
    invite,
    launch,
    live_server,
    log_in,
    new_workspace,
    upload,
)

pytestmark = pytest.mark.chromium
SLUG = "almaty"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, dict[str, Person]]]:
    root = tmp_path_factory.mktemp("portal-scenario")
    ws = new_workspace(root / SLUG)
    people = {
        "kaz": invite(ws, "delegate@kazakhstan.example", "member", "KAZ"),
        "tjk": invite(ws, "delegate@tajikistan.example", "member", "TJK"),
        "clerk": invite(ws, "clerk@secretariat.example", "clerk"),
        "observer": invite(ws, "observer@unhcr.example", "observer"),
    }
    with live_server(ws, log=root / "server.log") as base:
        yield base, ws, people


@pytest.fixture(scope="module")
def browser(world) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


def test_a_round_from_invitation_to_rev1(world, browser, tmp_path: Path) -> None:
    base, ws, people = world
    kaz = browser.new_context().new_page()
    tjk = browser.new_context().new_page()
    clerk = browser.new_context().new_page()

    # Kazakhstan's delegate takes up the invitation and lands on the current text.
    accept_invitation(kaz, base, people["kaz"])
    assert kaz.url.endswith(f"/w/{SLUG}/?done=password")
    assert kaz.locator("#revision").inner_text() == "original"
    assert "Kazakhstan" in kaz.locator("header .who").inner_text()
    cookie = next(c for c in kaz.context.cookies() if c["name"] == "drafting_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == f"/w/{SLUG}/"
    # The invitation link works once.
    kaz.goto(base + people["kaz"].link)
    assert "not valid" in kaz.locator(".message").inner_text()

    # The .docx download is the issued text, carrying its identity.
    kaz.goto(f"{base}/w/{SLUG}/")
    with kaz.expect_download() as download:
        kaz.get_by_role("link", name=".docx").click()
    assert Path(download.value.path()).read_bytes() == api.open_workspace(ws).revision_docx()

    # Upload the LibreOffice-made return: the preview shows what was read, nothing is recorded yet.
    before = len(events(ws))
    upload(kaz, base, SLUG, RETURNS / "kazakhstan.docx")
    assert "/uploads/" in kaz.url
    assert kaz.locator("h1").inner_text() == "Preview: kazakhstan.docx"
    assert "original" in kaz.locator("main p").first.inner_text()
    shown = int(kaz.locator("#count").inner_text())
    assert shown >= 1 and kaz.locator("tr.amendment").count() == shown
    assert "Astana" in kaz.locator("table.amendments").inner_text() or shown
    assert len(events(ws)) == before
    preview_url = kaz.url
    kaz.get_by_role("button", name="Submit for Kazakhstan").click()
    kaz.wait_for_load_state()
    assert "Your return was submitted" in kaz.locator(".notice").inner_text()
    assert kaz.locator("#submissions tbody tr").count() == 1
    assert "kazakhstan.docx" in kaz.locator("#submissions").inner_text()
    own = kaz.locator("#own-amendments tbody tr")
    assert own.count() == shown and "KAZ/1" in own.first.inner_text()
    submitted = [e for e in events(ws) if e.kind == "submission"]
    assert [(e.subject, e.actor) for e in submitted] == [("Kazakhstan", "delegate@kazakhstan.example (Kazakhstan)")]
    # The confirmed preview cannot be submitted twice.
    kaz.goto(preview_url)
    assert "was submitted" in kaz.locator("main").inner_text()

    # Tajikistan submits too; it sees its own submission only, and no compilation until one is published.
    accept_invitation(tjk, base, people["tjk"])
    upload(tjk, base, SLUG, RETURNS / "tajikistan.docx")
    tjk.get_by_role("button", name="Submit for Tajikistan").click()
    tjk.wait_for_load_state()
    assert tjk.locator("#submissions tbody tr").count() == 1
    assert "Kazakhstan" not in tjk.locator("#submissions").inner_text()
    tjk.goto(f"{base}/w/{SLUG}/compilation")
    assert tjk.locator("#not-published").count() == 1

    # The clerk sees both submissions as they arrived, publishes the compilation, decides, marks, revises.
    accept_invitation(clerk, base, people["clerk"])
    clerk.goto(f"{base}/w/{SLUG}/clerk")
    assert clerk.locator("h1").inner_text() == "Running the round: original"
    text = clerk.locator("main").inner_text()
    assert "2 submission(s) recorded" in text and "Kazakhstan" in text and "Tajikistan" in text
    clerk.get_by_role("button", name="Compile and publish the compilation text").click()
    clerk.wait_for_load_state()
    assert "published" in clerk.locator(".notice").inner_text()

    tjk.goto(f"{base}/w/{SLUG}/compilation")
    assert tjk.locator("#published-label").inner_text() == "original"
    tjk.get_by_role("link", name="read it").click()
    assert tjk.title().startswith("Compilation text:")
    assert "Kazakhstan" in tjk.locator("body").inner_text()

    kaz_first = clerk.locator("tr.amendment", has_text="KAZ/1").first
    kaz_first.get_by_label("decision on KAZ/1").select_option("accept")
    kaz_first.get_by_label("note on KAZ/1").fill("agreed in plenary")
    kaz_first.get_by_role("button", name="Decide").click()
    clerk.wait_for_load_state()
    assert "decision was recorded" in clerk.locator(".notice").inner_text()
    assert clerk.locator("tr.amendment", has_text="KAZ/1").first.locator(".decision").inner_text() == "accept"
    row = clerk.locator("#row-endorse_rcf")
    row.get_by_label("status of endorse_rcf").select_option("agreed")
    row.get_by_role("button", name="Mark").click()
    clerk.wait_for_load_state()
    assert "status was recorded" in clerk.locator(".notice").inner_text()
    shot = tmp_path / "portal-clerk.png"
    clerk.set_viewport_size({"width": 1280, "height": 860})
    clerk.screenshot(path=str(shot), full_page=False)
    clerk.get_by_role("button", name="Issue Rev.1").click()
    clerk.wait_for_load_state()
    assert clerk.locator("#revision").inner_text() == "Rev.1"

    # Kazakhstan sees Rev.1, and its amendment's decision.
    kaz.goto(f"{base}/w/{SLUG}/")
    assert kaz.locator("#revision").inner_text() == "Rev.1"
    with kaz.expect_download() as download:
        kaz.get_by_role("link", name=".docx").click()
    assert Path(download.value.path()).read_bytes() == api.open_workspace(ws).revision_docx()

    # Its reflection report: where each of its proposals went; its own only.
    kaz.get_by_role("link", name="Reflection").click()
    kaz.wait_for_load_state()
    fates = kaz.locator("#reflection tr.fate")
    assert fates.count() == shown
    accepted = kaz.locator("#reflection tr.fate", has_text="KAZ/1")
    assert accepted.locator(".outcome").inner_text() == "accepted"
    assert "TJK/" not in kaz.locator("#reflection").inner_text()

    # The record names each person and delegation for what they did.
    record = events(ws)
    actors = {(e.kind, e.actor) for e in record}
    assert ("decision", "clerk@secretariat.example (clerk)") in actors
    assert ("status", "clerk@secretariat.example (clerk)") in actors
    assert ("compilation-published", "clerk@secretariat.example (clerk)") in actors
    assert ("revision-issued", "clerk@secretariat.example (clerk)") in actors
    assert ("submission", "delegate@tajikistan.example (Tajikistan)") in actors
    assert sum(1 for e in record if e.kind == "person-invited") == 4

    # The access log never holds a one-time token.
    log = (ws.parent / "server.log").read_text(encoding="utf-8")
    assert "/invite/…" in log and "/uploads/…" in log
    assert all(person.link.rsplit("/", 1)[1] not in log for person in people.values())

    # The screenshot the README shows (refreshed with DRAFTING_SCREENSHOTS=1).
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    if os.environ.get("DRAFTING_SCREENSHOTS"):
        shutil.copy(shot, ROOT / "docs" / "portal-clerk.png")


def test_logging_out_ends_the_session(world, browser) -> None:
    base, _, people = world
    page = browser.new_context().new_page()
    accept_invitation(page, base, people["observer"])
    assert page.locator("#revision").count() == 1
    cookie = next(c for c in page.context.cookies() if c["name"] == "drafting_session")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/w/{SLUG}/login")
    # The old cookie, replayed, no longer opens a session.
    page.context.add_cookies([cookie])
    page.goto(f"{base}/w/{SLUG}/")
    assert page.url.endswith(f"/w/{SLUG}/login")
    log_in(page, base, SLUG, people["observer"].email)
    assert page.locator("#revision").count() == 1
