"""Access in a real browser: another delegation's submission, file or preview by URL is 404; a form without
its CSRF token is 403; ten wrong passwords lock the account for a while; an observer cannot post; a chair
decides but does not publish. Nothing refused is recorded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from drafting.app import accounts, delegations
from tests.portal import (
    PASSWORD,
    RETURNS,
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
SLUG = "access"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """Tajikistan has a submission and a staged (unconfirmed) return; Kazakhstan has one submission."""
    root = tmp_path_factory.mktemp("portal-access")
    ws = new_workspace(root / SLUG)
    people = {
        "kaz": invite(ws, "delegate@kazakhstan.example", "member", "KAZ"),
        "tjk": invite(ws, "delegate@tajikistan.example", "member", "TJK"),
        "observer": invite(ws, "observer@unhcr.example", "observer"),
        "chair": invite(ws, "chair@conference.example", "chair"),
        "clerk": invite(ws, "clerk@secretariat.example", "clerk"),
        "locked": invite(ws, "locked@kyrgyzstan.example", "member", "KGZ"),
    }
    tjk_session = accounts.accept_invitation(ws, people["tjk"].link.rsplit("/", 1)[1], PASSWORD)
    tjk = tjk_session.person
    staged = delegations.stage_return(ws, tjk, "tajikistan.docx", (RETURNS / "tajikistan.docx").read_bytes())
    delegations.submit_return(ws, tjk, staged.token)
    [tjk_submission] = delegations.submissions(ws, "Tajikistan")
    pending = delegations.stage_return(ws, tjk, "tajikistan-2.docx", (RETURNS / "tajikistan.docx").read_bytes())
    with live_server(ws, log=root / "server.log") as base:
        yield {"base": base, "ws": ws, "people": people, "tjk_submission": tjk_submission.id,
               "tjk_preview": pending.token}


@pytest.fixture(scope="module")
def chair(world) -> str:
    """The chair's e-mail address, its invitation accepted (once per module, whichever test asks first: with
    pytest-xdist the tests of this module may run in separate processes, in any order)."""
    person = world["people"]["chair"]
    accounts.accept_invitation(world["ws"], person.link.rsplit("/", 1)[1], PASSWORD)
    return str(person.email)


@pytest.fixture(scope="module")
def browser(world) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def kaz(world, browser) -> Iterator[object]:
    """Kazakhstan's delegate, logged in, with one submission of its own."""
    page = browser.new_context().new_page()
    accept_invitation(page, world["base"], world["people"]["kaz"])
    upload(page, world["base"], SLUG, RETURNS / "kazakhstan.docx")
    page.get_by_role("button", name="Submit for Kazakhstan").click()
    page.wait_for_load_state()
    yield page
    page.context.close()


def test_another_delegations_submission_file_and_preview_are_not_found(world, kaz) -> None:
    base, ws = world["base"], world["ws"]
    [own] = delegations.submissions(ws, "Kazakhstan")
    assert kaz.goto(f"{base}/w/{SLUG}/submissions/{own.id}").status == 200
    theirs = world["tjk_submission"]
    for path in (f"submissions/{theirs}", f"submissions/{theirs}/file", f"uploads/{world['tjk_preview']}",
                 "submissions/99999", "uploads/no-such-token"):
        response = kaz.goto(f"{base}/w/{SLUG}/{path}")
        assert response.status == 404, path
        assert kaz.locator("h1").inner_text() == "Not found"
        assert "tajikistan" not in kaz.content().lower()
    # The list shows Kazakhstan's own only.
    kaz.goto(f"{base}/w/{SLUG}/submissions")
    listed = kaz.locator("#submissions").inner_text()
    assert "Kazakhstan" in listed and "Tajikistan" not in listed
    # Confirming another delegation's staged return by URL is refused too, and records nothing.
    before = len(events(ws))
    kaz.goto(f"{base}/w/{SLUG}/upload")
    csrf = kaz.locator("input[name=csrf]").first.get_attribute("value")
    answer = kaz.request.post(f"{base}/w/{SLUG}/uploads/{world['tjk_preview']}/submit", form={"csrf": csrf})
    assert answer.status == 404
    assert len(events(ws)) == before


def test_own_file_downloads_byte_for_byte(world, kaz) -> None:
    base, ws = world["base"], world["ws"]
    [own] = delegations.submissions(ws, "Kazakhstan")
    kaz.goto(f"{base}/w/{SLUG}/submissions/{own.id}")
    with kaz.expect_download() as download:
        kaz.get_by_role("link", name="kazakhstan.docx").click()
    assert Path(download.value.path()).read_bytes() == (RETURNS / "kazakhstan.docx").read_bytes()


def test_a_form_without_its_csrf_token_is_refused(world, browser, kaz) -> None:
    base, ws = world["base"], world["ws"]
    before = len(events(ws))
    # A delegate's upload form with the token removed from the page.
    kaz.goto(f"{base}/w/{SLUG}/upload")
    kaz.evaluate("document.querySelector('form[action$=upload] input[name=csrf]').remove()")
    kaz.set_input_files("#file", str(RETURNS / "kazakhstan.docx"))
    with kaz.expect_response(lambda r: r.request.method == "POST") as answer:
        kaz.get_by_role("button", name="Read the file").click()
    assert answer.value.status == 403
    assert kaz.locator("h1").inner_text() == "Form expired"
    assert kaz.locator(".message").count() == 1
    # A token from another session does not do either.
    kaz.goto(f"{base}/w/{SLUG}/upload")
    kaz.evaluate("document.querySelector('form[action$=upload] input[name=csrf]').value = 'x'.repeat(43)")
    kaz.set_input_files("#file", str(RETURNS / "kazakhstan.docx"))
    kaz.get_by_role("button", name="Read the file").click()
    kaz.wait_for_load_state()
    assert kaz.locator("h1").inner_text() == "Form expired"
    # The clerk's publish button, token removed.
    clerk = browser.new_context().new_page()
    accept_invitation(clerk, base, world["people"]["clerk"])
    clerk.goto(f"{base}/w/{SLUG}/clerk")
    clerk.evaluate("document.querySelectorAll('input[name=csrf]').forEach(e => e.remove())")
    with clerk.expect_response(lambda r: r.request.method == "POST") as answer:
        clerk.get_by_role("button", name="Compile and publish the compilation text").click()
    assert answer.value.status == 403
    # The login form too (its token is a cookie-bound one before there is a session).
    anonymous = browser.new_context().new_page()
    anonymous.goto(f"{base}/w/{SLUG}/login")
    anonymous.evaluate("document.querySelector('input[name=csrf]').remove()")
    anonymous.get_by_label("E-mail address").fill(world["people"]["kaz"].email)
    anonymous.get_by_label("Password").fill(PASSWORD)
    with anonymous.expect_response(lambda r: r.request.method == "POST") as answer:
        anonymous.get_by_role("button", name="Log in").click()
    assert answer.value.status == 403
    assert len(events(ws)) == before
    assert delegations.published(ws) is None


def test_ten_wrong_passwords_lock_the_account(world, browser, chair) -> None:
    base, ws = world["base"], world["ws"]
    person = world["people"]["locked"]
    accounts.accept_invitation(ws, person.link.rsplit("/", 1)[1], PASSWORD)
    page = browser.new_context().new_page()
    for attempt in range(10):
        log_in(page, base, SLUG, person.email, f"wrong password {attempt}")
        assert page.locator(".message").inner_text() == "wrong e-mail address or password"
    log_in(page, base, SLUG, person.email, PASSWORD)  # the right one, now too late
    assert "locked" in page.locator(".message").inner_text()
    assert page.locator("#revision").count() == 0
    # Another account is not affected.
    other = browser.new_context().new_page()
    log_in(other, base, SLUG, chair)
    assert other.locator("#revision").count() == 1


def test_an_observer_reads_but_cannot_post(world, browser) -> None:
    base, ws = world["base"], world["ws"]
    page = browser.new_context().new_page()
    accept_invitation(page, base, world["people"]["observer"])
    assert page.locator("#revision").inner_text() == "original"
    assert page.get_by_role("link", name="Submit a return").count() == 0
    assert page.goto(f"{base}/w/{SLUG}/upload").status == 403
    assert page.goto(f"{base}/w/{SLUG}/submissions").status == 403
    assert page.goto(f"{base}/w/{SLUG}/clerk").status == 403
    assert page.goto(f"{base}/w/{SLUG}/reflection").status == 403
    page.goto(f"{base}/w/{SLUG}/")
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")  # the observer's own, valid token
    before = len(events(ws))
    data = (RETURNS / "kazakhstan.docx").read_bytes()
    answer = page.request.post(f"{base}/w/{SLUG}/upload", multipart={
        "csrf": csrf, "file": {"name": "kazakhstan.docx", "mimeType": "application/octet-stream", "buffer": data}})
    assert answer.status == 403
    for action, form in (("decide", {"amendment": "KAZ/1", "decision": "accept"}), ("publish", {}),
                         ("revise", {}), ("mark", {"paragraph": "endorse_rcf", "status": "agreed"})):
        answer = page.request.post(f"{base}/w/{SLUG}/{action}", form={"csrf": csrf, **form})
        assert answer.status == 403, action
    assert len(events(ws)) == before
    page.goto(f"{base}/w/{SLUG}/compilation")
    assert page.locator("#not-published").count() == 1


def test_a_chair_decides_but_does_not_publish_or_revise(world, browser, chair) -> None:
    base, ws = world["base"], world["ws"]
    page = browser.new_context().new_page()
    log_in(page, base, SLUG, chair)
    page.goto(f"{base}/w/{SLUG}/clerk")
    assert page.get_by_role("button", name="Compile and publish the compilation text").count() == 0
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    before = len(events(ws))
    for action in ("publish", "revise"):
        assert page.request.post(f"{base}/w/{SLUG}/{action}", form={"csrf": csrf}).status == 403
    assert len(events(ws)) == before
    box = page.locator("tr.amendment", has_text="TJK/1").first
    box.get_by_label("decision on TJK/1").select_option("reject")
    box.get_by_role("button", name="Decide").click()
    page.wait_for_load_state()
    assert "decision was recorded" in page.locator(".notice").inner_text()
    [decided] = [e for e in events(ws) if e.kind == "decision"]
    assert decided.actor == "chair@conference.example (chair)"


def test_cookies_are_secure_over_https(world) -> None:
    """Behind a TLS-terminating proxy the scheme is https: the session cookie is then Secure as well."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    from drafting.portal.server import create_app

    ws = world["ws"]
    person = invite(ws, "https@kazakhstan.example", "member", "KAZ")

    async def exchange() -> tuple[httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=create_app([ws]))
        async with httpx.AsyncClient(transport=transport, base_url="https://portal.example") as client:
            page = await client.get(person.link)
            csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
            answer = await client.post(person.link, data={"csrf": csrf, "password": PASSWORD, "again": PASSWORD})
            return page, answer

    with ThreadPoolExecutor(1) as pool:  # Playwright's loop runs in this thread
        page, answer = pool.submit(asyncio.run, exchange()).result(timeout=120)
    cookie = page.headers["set-cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert answer.status_code == 303
    session = next(v for k, v in answer.headers.multi_items() if k == "set-cookie" and "drafting_session" in v)
    assert "Secure" in session and "HttpOnly" in session and "SameSite=lax" in session
    assert answer.headers["content-security-policy"].startswith("default-src 'none'")


def test_a_delegation_withdraws_its_own_amendment_only(world, kaz) -> None:
    base, ws = world["base"], world["ws"]
    kaz.goto(f"{base}/w/{SLUG}/submissions")
    rows = kaz.locator("#own-amendments tbody tr")
    first = rows.first.locator("td").first.inner_text()
    assert first.startswith("KAZ/")
    csrf = kaz.locator("form[action$=withdraw] input[name=csrf]").first.get_attribute("value")
    # Tajikistan's amendment, named by id in a hand-made form: not Kazakhstan's to withdraw.
    from drafting.app import negotiation as ops

    theirs = next(a["id"] for p in ops.status_report(ws)["paragraphs"] for a in p["amendments"] + p["proposed_after"]
                  if a["delegation"] == "Tajikistan")
    before = len(events(ws))
    assert kaz.request.post(f"{base}/w/{SLUG}/withdraw", form={"csrf": csrf, "amendment": theirs}).status == 404
    assert len(events(ws)) == before
    kaz.get_by_role("button", name=f"withdraw {first}").click()
    kaz.wait_for_load_state()
    assert "withdrawn" in kaz.locator(".notice").inner_text()
    row = kaz.locator("#own-amendments tbody tr", has_text=first)
    assert "withdraw: withdrawn by Kazakhstan" in row.locator(".decision").inner_text()
    [event] = [e for e in events(ws)[before:] if e.kind == "decision"]
    assert event.actor == "delegate@kazakhstan.example (Kazakhstan)" and event.detail["decision"] == "withdraw"


def test_the_compilation_shows_only_what_was_published(world, browser) -> None:
    base, ws = world["base"], world["ws"]
    publisher = invite(ws, "publisher@secretariat.example", "clerk")
    clerk = accounts.accept_invitation(ws, publisher.link.rsplit("/", 1)[1], PASSWORD).person
    delegations.publish(ws, actor=clerk.actor)
    # Turkmenistan submits after the publication: nobody else may see its return until the next one.
    tkm = invite(ws, "delegate@turkmenistan.example", "member", "TKM")
    person = accounts.accept_invitation(ws, tkm.link.rsplit("/", 1)[1], PASSWORD).person
    staged = delegations.stage_return(ws, person, "turkmenistan.docx", (RETURNS / "turkmenistan.docx").read_bytes())
    delegations.submit_return(ws, person, staged.token)
    page = browser.new_context().new_page()
    accept_invitation(page, base, invite(ws, "reader@iom.example", "observer"))
    page.goto(f"{base}/w/{SLUG}/compilation")
    assert page.locator("#published-label").inner_text() == "original"
    shown = page.locator("#proposals").inner_text()
    assert "Kazakhstan" in shown and "Tajikistan" in shown and "KAZ/" in shown
    assert "Turkmenistan" not in shown and "TKM/" not in shown
    page.get_by_role("link", name="read it").click()
    assert "TKM/" not in page.locator("body").inner_text()  # (the text itself names Turkmenistan as a member)
    assert "Turkmenistan" not in page.locator(".legend").inner_text()
