"""compilation.html: one self-contained page, checked as bytes and in headless Chromium (screenshot + DOM)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from drafting import app as api
from tests.negotiation import (
    RAP,
    RLO,
    SEAT,
    UNSAFE,
    Base,
    assemble_base,
    edit_md,
    new_workspace,
)

EVIL = f"Evil{RLO}Name <b>&\"'"
DELEGATIONS = ["Kazakhstan", "Tajikistan", EVIL, "Kyrgyzstan"]
NEW = "Invite the secretariat to report annually;"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Kazakhstan and Tajikistan in conflict on the seat; a delegation with a right-to-left override and markup
    in its name revises the Action Plan; Kyrgyzstan proposes a new paragraph; two paragraphs have a status."""
    root = tmp_path_factory.mktemp("html")
    base: Base = assemble_base(root / "base")
    ws = new_workspace(root / "ws", base)
    api.submit(ws, "KAZ", edit_md(base.md, root / "kaz.md", [(SEAT, SEAT.replace("in Almaty", "in Astana"))]))
    api.submit(ws, "TJK", edit_md(base.md, root / "tjk.md", [(SEAT, SEAT.replace("in Almaty", "in Dushanbe"))]))
    api.submit(ws, EVIL, edit_md(base.md, root / "evil.md", [(RAP, RAP.replace("draft", "revised"))]), unlisted=True)
    api.submit(ws, "KGZ", edit_md(base.md, root / "kgz.md", after=[("secretariat_seat", NEW)]))
    api.mark(ws, "endorse_rcf", "agreed")
    api.mark(ws, "follow_up", "agreed-ad-ref")
    written, compilation = api.compile_outputs(ws, root / "out", ("html",))
    assert list(compilation.delegations) == DELEGATIONS
    return written[0]


def test_the_page_is_self_contained_and_inert(page_file: Path) -> None:
    html = page_file.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html.lower() and "javascript:" not in html.lower()
    assert not re.search(r"\son\w+\s*=", html), "an event handler attribute"
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    for needle in ("http:", "https:", "//", "<link", "<img", "<iframe", "<object", "<embed", "src=", "url(",
                   "@import"):
        assert needle not in html.replace("<!DOCTYPE html>", ""), needle
    assert not UNSAFE.search(html), "a raw control or bidi character in the page source"
    escaped = "Evil&#x202E;Name &lt;b&gt;&amp;&quot;&#x27;"
    assert f"<bdi>{escaped}</bdi>" in html
    assert html.count(escaped) >= 3  # legend, its data attribute, and next to its proposal


# -- in Chromium ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser, page_file: Path) -> Iterator[tuple[object, list[str]]]:
    context = browser.new_context(offline=True, java_script_enabled=True)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_file.as_uri())
    try:
        yield page, requests
    finally:
        context.close()


@pytest.mark.chromium
def test_chromium_renders_the_page_and_a_screenshot_is_saved(page, page_file: Path, tmp_path: Path) -> None:
    page, requests = page
    shot = tmp_path / "compilation.png"
    page.screenshot(path=str(shot), full_page=True)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width >= 600 and height > 1500  # the whole text, not an empty page
    assert page.title().startswith("Compilation text: Recommendations on the preparations")
    assert requests == [page_file.as_uri()], "the page asked for something besides itself"
    assert page.evaluate("performance.getEntriesByType('resource').length") == 0
    assert page.evaluate("document.scripts.length") == 0
    assert page.locator("script, link, img, iframe, object, embed, b").count() == 0
    on_attributes = page.evaluate("""() => [...document.querySelectorAll('*')]
        .flatMap(e => [...e.attributes].map(a => a.name)).filter(n => n.startsWith('on'))""")
    assert on_attributes == []
    links = page.eval_on_selector_all("[href]", "els => els.map(e => e.getAttribute('href'))")
    assert links and all(link.startswith("#p-") for link in links)


@pytest.mark.chromium
def test_the_legend_gives_each_delegation_a_distinct_colour(page) -> None:
    page, _ = page
    items = page.eval_on_selector_all(".legend li", """els => els.map(e => ({
        text: e.querySelector('bdi') ? e.querySelector('bdi').textContent : null,
        colour: getComputedStyle(e).color, border: getComputedStyle(e).borderTopColor}))""")
    assert [item["text"] for item in items] == DELEGATIONS  # the exact names, markup shown as text
    assert len({item["colour"] for item in items}) == len(DELEGATIONS)
    assert all(item["colour"] == item["border"] and item["colour"] != "rgb(17, 17, 17)" for item in items)
    colour_of = {item["text"]: item["colour"] for item in items}
    marks = page.eval_on_selector_all("ins, del", "els => els.map(e => getComputedStyle(e).color)")
    assert marks and set(marks) <= set(colour_of.values())  # every proposal in its delegation's colour
    revised = page.locator("#p-endorse_rap ins")
    assert revised.inner_text() == "revised"
    assert page.eval_on_selector("#p-endorse_rap ins", "e => getComputedStyle(e).color") == colour_of[EVIL]


@pytest.mark.chromium
def test_every_paragraph_has_a_status_badge(page) -> None:
    page, _ = page
    rows = page.eval_on_selector_all(".para", """els => els.map(e => ({id: e.dataset.paragraph,
        badges: [...e.querySelectorAll('.badge')].map(b => b.textContent),
        colour: e.querySelector('.badge') && getComputedStyle(e.querySelector('.badge')).backgroundColor}))""")
    assert len(rows) == 29  # the 28 paragraphs of the text and the proposed one
    assert all(len(row["badges"]) == 1 for row in rows)
    badge = {row["id"]: row["badges"][0] for row in rows}
    assert badge["endorse_rcf"] == "agreed" and badge["follow_up"] == "agreed ad ref"
    assert badge["secretariat_seat_new1"] == "proposed" and badge["secretariat_seat"] == "pending"
    assert set(badge.values()) == {"agreed", "agreed ad ref", "pending", "proposed"}
    colours = {row["badges"][0]: row["colour"] for row in rows}
    assert len(set(colours.values())) == 4  # each status its own colour


@pytest.mark.chromium
def test_the_conflicting_paragraph_is_highlighted(page) -> None:
    page, _ = page
    conflicts = page.eval_on_selector_all(".para.conflict", "els => els.map(e => e.id)")
    assert conflicts == ["p-secretariat_seat"]
    background = page.eval_on_selector("#p-secretariat_seat", "e => getComputedStyle(e).backgroundColor")
    plain = page.eval_on_selector("#p-request_support", "e => getComputedStyle(e).backgroundColor")
    assert background not in (plain, "rgba(0, 0, 0, 0)")
    alternatives = page.locator("#p-secretariat_seat .alternatives li").all_inner_texts()
    assert [a.split(":")[0] for a in alternatives] == ["Alt 1 (Kazakhstan KAZ/1)", "Alt 2 (Tajikistan TJK/1)"]
    assert alternatives[0].endswith("be established in Astana;")
    listed = page.eval_on_selector_all(".conflicts li", "els => els.map(e => [e.dataset.paragraph, e.innerText])")
    assert listed == [["secretariat_seat", "- 5 -: Kazakhstan, Tajikistan"]]
    new = page.locator("#p-secretariat_seat_new1")
    assert new.inner_text().startswith("- 5 bis -") and NEW in new.inner_text()


@pytest.mark.chromium
def test_a_right_to_left_override_in_a_name_stays_inside_bdi(page) -> None:
    page, _ = page
    parents = page.evaluate("""() => {
        const out = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            if (walker.currentNode.data.includes('\\u202e')) out.push(walker.currentNode.parentElement.tagName);
        }
        return out;
    }""")
    assert parents and set(parents) == {"BDI"}
    # the override is isolated: the text after the name is laid out left to right as usual
    legend = page.locator(".legend").inner_text()
    assert "Kazakhstan" in legend and "Kyrgyzstan" in legend
    attribution = page.locator("#p-endorse_rap bdi.who")
    assert attribution.text_content() == EVIL


def _shown(page) -> list[str]:
    return page.eval_on_selector_all(".para", "els => els.filter(e => e.offsetParent !== null)"
                                              ".map(e => e.dataset.paragraph)")


@pytest.mark.chromium
def test_filters_by_delegation_and_by_status_work_without_scripts(page) -> None:
    page, _ = page
    everything = _shown(page)
    assert len(everything) == 29
    page.click("label[for=who-d1]")  # Tajikistan
    assert _shown(page) == ["secretariat_seat"]
    page.click("label[for=who-d3]")  # Kyrgyzstan: its proposed paragraph
    assert _shown(page) == ["secretariat_seat_new1"]
    page.click("label[for=who-all]")
    page.click("label[for=st-agreed]")
    assert _shown(page) == ["endorse_rcf"]
    page.click("label[for=st-conflict]")
    assert _shown(page) == ["secretariat_seat"]
    page.click("label[for=who-d0]")  # both filters hold: Kazakhstan's paragraphs in conflict
    assert _shown(page) == ["secretariat_seat"]
    page.click("label[for=st-all]")
    page.click("label[for=who-all]")
    assert _shown(page) == everything
    assert page.evaluate("document.scripts.length") == 0
