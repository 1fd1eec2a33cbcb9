"""One server for the documents of one conference: each workspace at its own address, with its own accounts;
a session for one document opens nothing of another."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from drafting import app as api
from tests.portal import accept_invitation, invite, launch, live_server, new_workspace

pytestmark = pytest.mark.chromium


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    root = tmp_path_factory.mktemp("portal-workspaces")
    first = new_workspace(root / "recommendations")
    second = new_workspace(root / "declaration")
    with live_server(first, second, log=root / "server.log") as base:
        yield base, first, second


def test_each_document_has_its_address_and_its_accounts(world) -> None:
    from playwright.sync_api import sync_playwright

    base, first, _ = world
    person = invite(first, "delegate@kazakhstan.example", "member", "KAZ")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_context().new_page()
            page.goto(base + "/")
            links = page.eval_on_selector_all("main a", "els => els.map(e => e.getAttribute('href'))")
            assert links == ["/w/recommendations/", "/w/declaration/"]
            accept_invitation(page, base, person)
            assert page.url.endswith("/w/recommendations/?done=password")
            # What the portal keeps from the record is read again after any commit, the CLI's too.
            assert page.locator("#revision").inner_text() == "original"
            assert page.locator("#p-endorse_rcf .status").count() == 0
            api.mark(first, "endorse_rcf", "agreed", actor="clerk (CLI)")
            page.reload()
            assert page.locator("#p-endorse_rcf .status").inner_text() == "agreed"
            api.revise(first, actor="clerk (CLI)")
            page.reload()
            assert page.locator("#revision").inner_text() == "Rev.1"
            # The session is the first document's: the second asks for a login of its own.
            page.goto(f"{base}/w/declaration/")
            assert page.url.endswith("/w/declaration/login")
            assert page.goto(f"{base}/w/no-such-document/").status == 404
        finally:
            browser.close()
