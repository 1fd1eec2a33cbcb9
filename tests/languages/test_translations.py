"""Issue 6, point 3: stale translations. In a negotiation on the sample, an accepted amendment changes an
English paragraph and a new paragraph is adopted; after `revise` their Russian versions are "translation
pending" in `status --json`, in the compilation (.md and .html) and in `concordance`; `finalize` refuses,
listing them; importing the translator's Markdown file (`drafting translation`) clears them; a file naming a
paragraph the revision does not have, or holding another language version, is refused and changes nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from drafting import app as api
from drafting.readers.files import load_version
from tests.languages import (
    FORUM_RU,
    FORUM_RU_OLD,
    NAME,
    NEW_PARAGRAPH,
    NEW_PARAGRAPH_RU,
    SampleNegotiation,
    dp_paragraphs,
    negotiate_sample,
    replace_paragraph,
    run,
    translated_rev1,
)


@pytest.fixture(scope="module")
def negotiation(tmp_path_factory) -> SampleNegotiation:
    return negotiate_sample(tmp_path_factory.mktemp("negotiation"))


@pytest.fixture(scope="module")
def status(negotiation) -> dict:
    code, out, err = run("status", negotiation.directory, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture(scope="module")
def compilation(negotiation, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("compilation")
    code, _, err = run("compile", negotiation.directory, "-o", out)
    assert code == 0, err
    return out


def russian(ws: Path) -> tuple[dict[str, str], list[str]]:
    workspace = api.open_workspace(ws)
    try:
        document, pending = workspace.translations()["ru"]
    finally:
        workspace.close()
    return {p.id: p.text for p in document.paragraphs}, pending


def html_paragraphs(html: str) -> dict[str, str]:
    """data-paragraph id -> the markup of its element (up to the next paragraph's)."""
    parts = re.split(r'<div class="para[^"]*" id="p-[^"]*" data-paragraph="([a-z0-9_]+)"', html)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


# -- before and after the revision ------------------------------------------------------------------------------


def test_nothing_is_pending_before_the_revision(negotiation):
    before = negotiation.status_before
    assert before["translation_pending"] == {}
    assert {p["translations"]["ru"] for p in before["paragraphs"]} == {"current"}


def test_status_json_flags_the_changed_and_the_new_paragraph(negotiation, status):
    assert status["label"] == "Rev.1"
    assert status["translation_pending"] == {"ru": negotiation.pending}
    flags = {p["id"]: p["translations"] for p in status["paragraphs"]}
    assert flags["forum_needed"] == {"ru": "translation pending"}
    assert flags[negotiation.new_id] == {"ru": "translation pending"}
    assert {pid for pid, f in flags.items() if f["ru"] != "current"} == set(negotiation.pending)


def test_the_russian_version_keeps_its_wording_until_translated(negotiation):
    texts, pending = russian(negotiation.directory)
    assert sorted(pending) == negotiation.pending
    assert FORUM_RU_OLD in texts["forum_needed"]          # the old Russian wording, not the new English one
    assert texts[negotiation.new_id] == NEW_PARAGRAPH     # a new paragraph stands in English until translated
    ru_md = dp_paragraphs(negotiation.rev1_md("ru").read_text(encoding="utf-8"))
    assert FORUM_RU_OLD in ru_md["forum_needed"]
    # The Russian Rev.1 is numbered like the English one: the new paragraph is 6, request_support now 7.
    en_md = dp_paragraphs(negotiation.rev1_md("en").read_text(encoding="utf-8"))
    for pid in (negotiation.new_id, "request_support", "ministerial_conference"):
        assert ru_md[pid].split(" - ")[0] == en_md[pid].split(" - ")[0]
    assert ru_md["request_support"].startswith("\\- 7 - Просить")


def test_compilation_markdown_shows_pending_translations(negotiation, compilation):
    paragraphs = dp_paragraphs((compilation / "compilation.md").read_text(encoding="utf-8"))
    flagged = {pid for pid, text in paragraphs.items() if "translation pending: ru" in text}
    assert flagged == set(negotiation.pending)
    assert paragraphs["forum_needed"].endswith("`[translation pending: ru]`")


def test_compilation_html_shows_pending_translations(negotiation, compilation):
    paragraphs = html_paragraphs((compilation / "compilation.html").read_text(encoding="utf-8"))
    flagged = {pid for pid, markup in paragraphs.items()
               if re.search(r'class="badge badge-translation" data-languages="ru">translation pending: ru<', markup)}
    assert flagged == set(negotiation.pending)


def test_concordance_on_the_workspace_lists_pending_translations(negotiation):
    code, out, _ = run("concordance", negotiation.directory)
    assert code == 1
    assert out.splitlines() == [f"[ru] {pid}: M5: translation pending" for pid in negotiation.pending]


def test_a_pending_translation_stays_pending_through_the_next_revision(negotiation, tmp_path):
    ws = negotiation.copy(tmp_path / "ws")
    code, _, err = run("revise", ws, "-o", tmp_path / "rev2")
    assert code == 0, err
    report = api.status_report(ws)
    assert report["label"] == "Rev.2"
    assert report["translation_pending"] == {"ru": negotiation.pending}


# -- finalize refuses ---------------------------------------------------------------------------------------


def test_finalize_refuses_while_a_translation_is_pending(negotiation, tmp_path):
    ws = negotiation.copy(tmp_path / "ws")
    code, _, err = run("mark", ws, "ALL", "agreed")
    assert code == 0, err
    code, _, err = run("finalize", ws, "-o", tmp_path / "final")
    assert code == 1
    assert "cannot finalize: 2 paragraph(s)" in err
    assert "(forum_needed): ru translation pending" in err
    assert f"- 6 - ({negotiation.new_id}): ru translation pending" in err
    assert not (tmp_path / "final").exists()
    assert not [e for e in api.log_events(ws) if e.kind.startswith("finalize")]


# -- the translator's file ----------------------------------------------------------------------------------


def test_importing_the_translated_file_clears_the_flags(negotiation, tmp_path):
    ws = negotiation.copy(tmp_path / "ws")
    translated = translated_rev1(negotiation, tmp_path / f"{NAME}-rev1.ru.md")
    code, out, err = run("translation", ws, "--language", "ru", translated)
    assert code == 0, err
    assert out.strip() == "ru version of Rev.1 updated; 0 paragraph(s) still pending translation"
    texts, pending = russian(ws)
    assert pending == []
    assert texts["forum_needed"] == FORUM_RU and texts[negotiation.new_id] == NEW_PARAGRAPH_RU
    report = json.loads(run("status", ws, "--json")[1])
    assert report["translation_pending"] == {}
    assert {p["translations"]["ru"] for p in report["paragraphs"]} == {"current"}
    code, out, _ = run("concordance", ws)
    assert (code, out.strip()) == (0, "OK: the language versions agree")
    run("compile", ws, "-o", tmp_path / "compilation")
    assert "translation pending" not in (tmp_path / "compilation" / "compilation.md").read_text(encoding="utf-8")
    html = (tmp_path / "compilation" / "compilation.html").read_text(encoding="utf-8")
    assert not [pid for pid, markup in html_paragraphs(html).items() if 'class="badge badge-translation"' in markup]
    event = api.log_events(ws)[-1]
    assert event.kind == "translation"


def test_importing_part_of_the_work_clears_only_what_it_supplies(negotiation, tmp_path):
    ws = negotiation.copy(tmp_path / "ws")
    partial = tmp_path / "forum.md"
    partial.write_text(f"<!-- dp:forum_needed -->\n{FORUM_RU}\n", encoding="utf-8")
    code, out, err = run("translation", ws, "--language", "ru", partial)
    assert code == 0, err
    assert "1 paragraph(s) still pending translation" in out
    texts, pending = russian(ws)
    assert pending == [negotiation.new_id]
    assert texts["forum_needed"] == FORUM_RU
    assert api.status_report(ws)["translation_pending"] == {"ru": [negotiation.new_id]}


def test_a_file_with_an_unknown_paragraph_id_is_refused(negotiation, tmp_path):
    ws = negotiation.copy(tmp_path / "ws")
    text = translated_rev1(negotiation, tmp_path / "translated.md").read_text(encoding="utf-8")
    bad = tmp_path / "bad.md"
    bad.write_text(text + "\n<!-- dp:no_such_paragraph -->\nЛишний абзац.\n", encoding="utf-8")
    events = len(api.log_events(ws))
    code, _, err = run("translation", ws, "--language", "ru", bad)
    assert code == 1
    assert "no_such_paragraph" in err and "Rev.1" in err
    # Nothing was taken: the flags and the old wording stay, and the record has no new event.
    texts, pending = russian(ws)
    assert sorted(pending) == negotiation.pending and FORUM_RU_OLD in texts["forum_needed"]
    assert len(api.log_events(ws)) == events


def test_the_english_file_is_refused_as_the_russian_version(negotiation, tmp_path):
    ws = negotiation.copy(tmp_path / "ws")
    assert load_version(negotiation.rev1_md("en")).identity.language == "en"
    code, _, err = run("translation", ws, "--language", "ru", negotiation.rev1_md("en"))
    assert code == 1
    assert "en version, not ru" in err
    assert sorted(russian(ws)[1]) == negotiation.pending


def test_a_translation_that_adds_a_bracket_is_caught_by_concordance(negotiation, tmp_path):
    ws = negotiation.copy(tmp_path / "ws")
    text = translated_rev1(negotiation, tmp_path / "translated.md").read_text(encoding="utf-8")
    bracketed = tmp_path / "bracketed.md"
    bracketed.write_text(replace_paragraph(text, "forum_needed", FORUM_RU.replace("постоянный", "[постоянный]")),
                         encoding="utf-8")
    code, _, err = run("translation", ws, "--language", "ru", bracketed)
    assert code == 0, err
    code, out, _ = run("concordance", ws)
    assert code == 1
    assert out.splitlines() == ["[ru] forum_needed: M5: 1 opening and 1 closing brackets, not 0 and 0"]
