"""The clean final text (issue 5, item 1): refusal while anything is open, --force, bis/ter resolved with the
references, brackets lifted, profile punctuation, the closing formula (F2) and signature blocks (F6) or a list
of participants (F7). No PDF here (the library's `pdf=False`); the outputs are checked in test_finalize.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafting import app as api
from drafting.app import finalize
from drafting.cli import cli
from drafting.conventions.numbering import relabel
from drafting.conventions.profiles import get_profile
from drafting.final.text import final_document, open_items
from drafting.model.document import Paragraph, Role, Span
from tests.final import (
    NAME,
    Negotiation,
    canonical_lines,
    manifest_of,
    md_lines,
    negotiate,
    snapshot,
    write_spec,
)

CLOSING_EN_RU = ("Done at Almaty on 7 September 2012, in the English and Russian languages, both texts being "
                 "equally authentic.")
BLOCKS = ["For the Government of the Republic of Kazakhstan:", "For the Government of the Kyrgyz Republic:",
          "For the Government of Turkmenistan:"]


@pytest.fixture(scope="module")
def negotiation(tmp_path_factory: pytest.TempPathFactory) -> Negotiation:
    return negotiate(tmp_path_factory.mktemp("negotiation"))


@pytest.fixture(scope="module")
def final(negotiation: Negotiation, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The canonical final text of the negotiated declaration (a copy of the workspace is finalized)."""
    base = tmp_path_factory.mktemp("final")
    ws = shutil.copytree(negotiation.agreed, base / "ws")
    finalize(ws, base / "out", pdf=False)
    lines = canonical_lines(manifest_of(base / "out"))
    assert md_lines(base / "out" / f"{NAME}.md") == lines
    return lines


def copy(workspace: Path, tmp_path: Path) -> Path:
    return shutil.copytree(workspace, tmp_path / "ws")


def finalize_spec(tmp_path: Path, **spec_options) -> list[str]:
    spec = write_spec(tmp_path / "spec", **spec_options)
    finalize(spec, tmp_path / "out", pdf=False)
    return canonical_lines(manifest_of(tmp_path / "out"))


def after_closing(lines: list[str]) -> list[str]:
    index = next(i for i, line in enumerate(lines) if line.startswith("Done at"))
    return lines[index + 1:]


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], env={"DRAFTING_ACTOR": "clerk"})
    return result.exit_code, result.stdout, result.stderr


# -- refusal and --force --------------------------------------------------------------------------------------


def test_refuses_while_paragraphs_are_bracketed_or_not_agreed(negotiation, tmp_path):
    ws = copy(negotiation.rev1, tmp_path)
    events = len(api.log_events(ws))
    code, out, err = run("finalize", ws, "-o", tmp_path / "out")
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("Error: cannot finalize"), err  # one line
    for number, pid in negotiation.new_ids.items():
        assert f"{number}. ({pid}): square brackets remain" in err
    for pid in ("recalling", "noting", "welcomes", "establishes", "requests", "reviews"):
        assert f"({pid}): status is pending" in err
    assert "--force" in err
    assert not (tmp_path / "out").exists()
    assert len(api.log_events(ws)) == events


def test_refuses_when_a_single_paragraph_is_not_agreed(negotiation, tmp_path):
    ws = copy(negotiation.agreed, tmp_path)
    api.mark(ws, "reviews", "agreed-ad-ref", actor="chair")
    code, _, err = run("finalize", ws, "-o", tmp_path / "out")
    assert code == 1
    assert "1 paragraph(s)" in err and "(reviews): status is agreed-ad-ref" in err
    assert not (tmp_path / "out").exists()


def test_refuses_brackets_even_when_marked_agreed(negotiation, tmp_path):
    ws = copy(negotiation.rev1, tmp_path)
    api.mark(ws, "ALL", "agreed", actor="chair")
    code, _, err = run("finalize", ws, "-o", tmp_path / "out")
    assert code == 1
    assert "3 paragraph(s)" in err and err.count("square brackets remain") == 3
    assert not (tmp_path / "out").exists()


def test_proposed_paragraphs_marked_agreed_are_adopted(negotiation, tmp_path):
    """Rev.2 still numbers the new paragraphs 2 bis, 2 ter, 4 bis (not agreed when it was issued); once the
    chair marks them agreed nothing is open (regression: finalize called them "not yet adopted" for ever)."""
    workspace = api.open_workspace(negotiation.agreed)
    try:
        number, document = workspace.document()
        statuses = workspace.store.statuses(number)
    finally:
        workspace.close()
    assert number == 2
    assert {p.id for p in document.paragraphs if p.proposed} == set(negotiation.new_ids.values())
    assert open_items(document, statuses) == []


def test_force_proceeds_and_records_the_open_items(negotiation, tmp_path):
    ws = copy(negotiation.rev1, tmp_path)
    result = finalize(ws, tmp_path / "out", force=True, actor="chair", pdf=False)
    forced = [str(item) for item in result.forced]
    assert any("(recalling): status is pending" in item for item in forced)
    for number, pid in negotiation.new_ids.items():
        assert f"{number}. ({pid}): square brackets remain" in forced
    assert manifest_of(tmp_path / "out")["forced"] == forced
    events = [e for e in api.log_events(ws) if e.kind == "finalize-forced"]
    assert len(events) == 1 and events[0].actor == "chair"
    assert events[0].detail["open_items"] == forced
    lines = canonical_lines(manifest_of(tmp_path / "out"))
    assert not any("[" in line or "]" in line for line in lines)  # single bracket pairs lifted
    assert "7. Decides to meet again in 2013." in lines  # 4 bis, now the last paragraph


# -- the clean text -------------------------------------------------------------------------------------------


def test_rev2_still_carries_bis_and_ter_numbers(negotiation):
    """The premise of the next test: the last revision has bis/ter numbers and refers to them."""
    rev2 = (negotiation.directory / "rev2" / f"{NAME}-rev2.md").read_text(encoding="utf-8")
    for number in ("2 bis.", "2 ter.", "4 bis."):
        assert f"\n{number} " in rev2
    assert "paragraph 2, paragraph 2 bis and paragraph 2 ter" in rev2
    assert "review paragraph 3" in rev2


def test_bis_and_ter_resolved_into_consecutive_numbers_with_references_updated(negotiation, final):
    operative = [line for line in final if line[:1].isdigit()]
    assert operative == negotiation.final_operative()


def with_proposals(tmp_path: Path, operative, proposals: dict[str, list[str]]):
    """The spec's document with proposed paragraphs after the given anchors, numbered bis, ter … as in a
    revision (what `revise` makes of undecided paragraph insertions)."""
    document = api.load_document(write_spec(tmp_path / "spec", languages=("en",), operative=operative))
    paragraphs: list[Paragraph] = []
    for p in document.paragraphs:
        paragraphs.append(p)
        paragraphs += [Paragraph(f"new_{p.id}_{i}", Role.OPERATIVE, (Span(text),), proposed=True)
                       for i, text in enumerate(proposals.get(p.id, []))]
    paragraphs = list(relabel(paragraphs, get_profile(document.meta.profile)))
    return replace(document, paragraphs=tuple(paragraphs))


def test_references_in_lists_and_to_other_texts(tmp_path):
    """Plural lists ("paragraphs 1 bis and 2 bis", "1 bis to 2 bis") are renumbered item by item; a paragraph
    of another text ("paragraph 2 of resolution 66/1") is not; "of the present resolution" is ours."""
    operative = (
        ("meet", "Decides", "to meet"),
        ("again", "Decides", "to meet again"),
        ("report", "Requests", "a report on paragraphs 1 bis and 2 bis, on paragraphs 1 bis to 2 bis, "
                               "and on para. 2 bis"),
        ("review", "Decides", "to review paragraph 2 bis and paragraph 1 ter of the present resolution, "
                              "and paragraph 2 of resolution 66/1"),
    )
    document = with_proposals(tmp_path, operative, {"meet": ["Notes one", "Notes two"], "again": ["Notes three"]})
    nbsp = tuple(replace(p, spans=tuple(replace(s, text=s.text.replace("paragraph 2 bis", "paragraph\u00a02 bis"))
                                        for s in p.spans)) for p in document.paragraphs)  # as Word users type it
    document = replace(document, paragraphs=nbsp)
    assert [p.label for p in document.paragraphs if p.role is Role.OPERATIVE] == [
        "1.", "1 bis.", "1 ter.", "2.", "2 bis.", "3.", "4."]
    final = final_document(document, languages=["en"], registry=None)
    texts = {p.id: p.text for p in final.paragraphs}
    assert [p.label for p in final.paragraphs if p.role is Role.OPERATIVE] == [f"{n}." for n in range(1, 8)]
    assert texts["report"] == "Requests a report on paragraphs 2 and 5, on paragraphs 2 to 5, and on para. 5;"
    assert " ".join(texts["review"].split()) == (  # (the end mark's span normalisation turns NBSP into space)
        "Decides to review paragraph 5 and paragraph 3 of the present resolution, and paragraph 2 of resolution 66/1.")


def test_references_updated_when_the_last_revision_already_adopted_the_new_paragraphs(tmp_path):
    negotiation = negotiate(tmp_path, agree_before_revising=True)
    rev2 = (tmp_path / "rev2" / f"{NAME}-rev2.md").read_text(encoding="utf-8")
    assert "2 bis." not in rev2  # Rev.2 numbers them 3 and 4 already ...
    finalize(negotiation.agreed, tmp_path / "out", pdf=False)
    lines = canonical_lines(manifest_of(tmp_path / "out"))
    assert [line for line in lines if line[:1].isdigit()] == negotiation.final_operative()  # ... and the references?


def test_brackets_are_gone(negotiation, final):
    rev1 = (negotiation.directory / "rev1" / f"{NAME}-rev1.md").read_text(encoding="utf-8")
    assert rev1.count("\\[") == 3
    assert not any(ch in line for line in final for ch in "[]")


def test_final_punctuation_per_profile(final):
    """un-resolution: preambular paragraphs end with a comma, operative ones with ";", the last with "."."""
    assert [line for line in final if line.startswith(("Recalling", "Noting"))] == [
        "Recalling its earlier meetings,", "Noting the need for a permanent consultative forum,"]
    operative = [line for line in final if line[:1].isdigit()]
    assert all(line.endswith(";") for line in operative[:-1])
    assert operative[-1].endswith(".") and not operative[-1].endswith(";.")


def test_closing_formula_names_place_and_date(final):
    closing = "Done at Almaty on 7 September 2012."
    assert "Almaty, 7 September 2012" not in final  # the place/date line became the formula
    assert final.index(closing) > max(i for i, line in enumerate(final) if line[:1].isdigit())


def test_closing_formula_names_the_authentic_languages(tmp_path):
    lines = finalize_spec(tmp_path, languages=("en", "ru"))
    assert CLOSING_EN_RU in lines
    assert after_closing(lines) == BLOCKS


def test_signature_blocks_follow_the_closing_formula(final):
    assert after_closing(final) == BLOCKS


def test_closing_formula_of_a_single_language_text(tmp_path):
    lines = finalize_spec(tmp_path, languages=("en",), place="Geneva", date="2024-05-01")
    assert "Done at Geneva on 1 May 2024." in lines
    assert not any("languages" in line for line in lines)


def test_signature_blocks_use_the_registry_formal_names(tmp_path):
    registry = api.default_registry()
    lines = finalize_spec(tmp_path, languages=("en",), signatures="{form: blocks, signatories: [TJK, KAZ, UNHCR]}")
    tjk = registry.require("TJK").name("en").formal
    unhcr = registry.require("UNHCR").name("en").formal
    assert after_closing(lines) == [f"For the Government of the {tjk}:",
                                    "For the Government of the Republic of Kazakhstan:", f"For the {unhcr}:"]


def test_list_of_participants_instead_of_signature_blocks(tmp_path):
    registry = api.default_registry()
    lines = finalize_spec(tmp_path, languages=("en",), signatures="{form: participants}",
                          participants=("KAZ", "TJK", "TKM"))
    formal = [registry.require(code).name("en").formal for code in ("KAZ", "TJK", "TKM")]
    assert after_closing(lines) == ["List of participants", *formal]
    assert not any(line.startswith("For the Government") for line in lines)


def test_list_of_named_participants(tmp_path):
    lines = finalize_spec(tmp_path, languages=("en",), signatures="{form: participants, signatories: [KGZ]}")
    assert after_closing(lines) == ["List of participants", "Kyrgyz Republic"]


def test_no_signatures_when_the_spec_says_none(tmp_path):
    lines = finalize_spec(tmp_path, languages=("en",), signatures="{form: none}")
    assert lines[-1] == "Done at Almaty on 7 September 2012."


def test_workspace_started_from_a_docx_keeps_the_place_in_the_closing_formula(tmp_path):
    """A workspace initialised from a .docx made by assemble has no place in its metadata; the formula takes
    it from the place/date line (regression: "Done at  on 7 September 2012.")."""
    spec = write_spec(tmp_path / "spec", languages=("en",), place="Bishkek")
    api.assemble_to(spec, tmp_path / "base", ("docx",))
    ws = tmp_path / "ws"
    api.negotiation_init(ws, tmp_path / "base" / f"{NAME}.docx", actor="clerk")
    api.mark(ws, "ALL", "agreed", actor="chair")
    finalize(ws, tmp_path / "out", pdf=False)
    assert "Done at Bishkek on 7 September 2012." in canonical_lines(manifest_of(tmp_path / "out"))


# -- OUTDIR ---------------------------------------------------------------------------------------------------


def test_outdir_holding_a_different_final_text_is_refused(tmp_path):
    first = write_spec(tmp_path / "a", languages=("en",))
    finalize(first, tmp_path / "out", pdf=False)
    before = snapshot(tmp_path / "out")
    other = write_spec(tmp_path / "b", languages=("en",), title="Another declaration")
    code, _, err = run("finalize", other, "-o", tmp_path / "out")
    assert code == 1 and err.count("\n") == 1
    assert "already holds a different final text" in err and "nothing was overwritten" in err
    assert snapshot(tmp_path / "out") == before


def test_outdir_holding_some_other_manifest_is_refused(tmp_path):
    spec = write_spec(tmp_path / "a", languages=("en",))
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "manifest.json").write_text('{"name": "something else"}', encoding="utf-8")
    before = snapshot(tmp_path / "out")
    code, _, err = run("finalize", spec, "-o", tmp_path / "out")
    assert code == 1 and "not a drafting final manifest" in err
    assert snapshot(tmp_path / "out") == before


def test_finalizing_the_same_text_again_gives_the_same_bytes(tmp_path):
    spec = write_spec(tmp_path / "a")
    finalize(spec, tmp_path / "out", pdf=False)
    first = snapshot(tmp_path / "out")
    finalize(spec, tmp_path / "out", pdf=False)  # the same text into the same OUTDIR: allowed
    finalize(spec, tmp_path / "again", pdf=False)
    assert snapshot(tmp_path / "out") == first == snapshot(tmp_path / "again")
