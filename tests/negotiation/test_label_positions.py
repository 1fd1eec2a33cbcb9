"""Amendment positions in paragraphs whose label is written as text (bis/ter), not by Word numbering.

A proposed new paragraph that stays open is numbered "- 7 bis -" in the next revision; Word numbering cannot
produce that label, so the revision's .docx writes it as a leading text run. The workspace's text of the
paragraph has no label: a delegation's change to that paragraph must still land where the delegation made it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from drafting import app as api
from tests.negotiation import RCF, Base, assemble_base, edit_md, new_workspace, untracked_docx_edit

NEW = "Also agree to meet annually."
BRACKETED = f"[{NEW}]"  # an open proposal stays in square brackets in the next revision
FIRMLY = "[Also firmly agree to meet annually.]"


@dataclass(frozen=True)
class Rev1:
    """A workspace at Rev.1 holding a bis paragraph, and Rev.1 as issued (.docx and Markdown)."""

    workspace: Path
    docx: Path
    md: Path
    bis: str  # the id of the bis paragraph


@pytest.fixture(scope="module")
def rev1_template(tmp_path_factory: pytest.TempPathFactory) -> Rev1:
    root = tmp_path_factory.mktemp("rev1")
    base: Base = assemble_base(root / "base")
    ws = new_workspace(root / "ws", base)
    api.submit(ws, "TKM", edit_md(base.md, root / "tkm.md", after=[("ministerial_conference_c", NEW)]),
               actor="clerk")
    api.revise(ws, root / "issued", actor="chair")  # the new paragraph is undecided: "- 7 bis -"
    workspace = api.open_workspace(ws)
    try:
        _, document = workspace.document()
    finally:
        workspace.close()
    [bis] = [p for p in document.paragraphs if "bis" in p.label]
    assert (bis.label, bis.text) == ("- 7 bis -", BRACKETED)
    return Rev1(ws, root / "issued" / "recommendations-rev1.docx", root / "issued" / "recommendations-rev1.md",
                bis.id)


@pytest.fixture
def rev1(rev1_template: Rev1, tmp_path: Path) -> Rev1:
    ws = tmp_path / "ws"
    shutil.copytree(rev1_template.workspace, ws)
    return Rev1(ws, rev1_template.docx, rev1_template.md, rev1_template.bis)


def tracked_edit(rev1: Rev1, tmp_path: Path, old: str, new: str) -> Path:
    """Rev.1's .docx with `old` → `new` as real tracked changes by Kazakhstan (`drafting redline`)."""
    edited = untracked_docx_edit(rev1.docx, tmp_path / "edited.docx", old, new)
    tracked = tmp_path / "kaz.docx"
    api.redline(rev1.docx, edited, tracked, author="Kazakhstan")
    return tracked


def accept_and_revise(rev1: Rev1, tmp_path: Path, new: str, paragraph: str) -> tuple[str, str]:
    """Accept Kazakhstan's amendment adding `new` to `paragraph`; return (compilation.md, that paragraph in Rev.2)."""
    workspace = api.open_workspace(rev1.workspace)
    try:
        [amendment] = [a for a in workspace.amendments() if a.paragraph == paragraph and a.new == new]
    finally:
        workspace.close()
    api.decide(rev1.workspace, amendment.id, "accept", actor="chair")
    api.compile_outputs(rev1.workspace, tmp_path / "compilation", ("md",))
    md = (tmp_path / "compilation" / "compilation.md").read_text(encoding="utf-8")
    _, revision = api.revise(rev1.workspace, tmp_path / "rev2", ("md",), actor="chair")
    revised = revision.document.paragraph(paragraph)
    assert revised is not None
    return md, revised.text


# -- tracked changes in a bis paragraph: positions off by the label's length --------------------------------


def test_tracked_insertion_in_a_bis_paragraph_lands_where_it_was_made(rev1: Rev1, tmp_path: Path) -> None:
    api.submit(rev1.workspace, "KAZ", tracked_edit(rev1, tmp_path, "Also agree", "Also firmly agree"),
               actor="clerk")
    md, revised = accept_and_revise(rev1, tmp_path, "firmly ", rev1.bis)
    assert "[Also {++firmly ++}{>>KAZ/1 Kazakhstan<<}agree to meet annually.]" in md
    assert FIRMLY in revised


def test_tracked_replacement_in_a_bis_paragraph_is_applied_in_place(rev1: Rev1, tmp_path: Path) -> None:
    api.submit(rev1.workspace, "KAZ", tracked_edit(rev1, tmp_path, "meet annually", "meet yearly"), actor="clerk")
    md, revised = accept_and_revise(rev1, tmp_path, "yearly", rev1.bis)
    assert "[Also agree to meet {~~annually~>yearly~~}{>>KAZ/1 Kazakhstan<<}.]" in md  # locate() rescues it
    assert "[Also agree to meet yearly.]" in revised


# -- the reverse case and untracked edits: positions right ------------------------------------------------------


def test_tracked_insertion_in_a_word_numbered_paragraph_lands_where_it_was_made(rev1: Rev1, tmp_path: Path) -> None:
    inserted = RCF.replace("the draft", "the final draft")
    api.submit(rev1.workspace, "KAZ", tracked_edit(rev1, tmp_path, RCF, inserted), actor="clerk")
    md, revised = accept_and_revise(rev1, tmp_path, "final ", "endorse_rcf")
    assert "Endorse the {++final ++}{>>KAZ/1 Kazakhstan<<}draft Regional Cooperation Framework" in md
    assert revised == inserted


def test_untracked_docx_insertion_in_a_bis_paragraph_lands_where_it_was_made(rev1: Rev1, tmp_path: Path) -> None:
    edited = untracked_docx_edit(rev1.docx, tmp_path / "kaz.docx", "Also agree", "Also firmly agree")
    api.submit(rev1.workspace, "KAZ", edited, actor="clerk")
    md, revised = accept_and_revise(rev1, tmp_path, "firmly ", rev1.bis)
    assert "[Also {++firmly ++}{>>KAZ/1 Kazakhstan (without Track Changes)<<}agree to meet annually.]" in md
    assert FIRMLY in revised


def test_markdown_insertion_in_a_bis_paragraph_lands_where_it_was_made(rev1: Rev1, tmp_path: Path) -> None:
    api.submit(rev1.workspace, "KAZ", edit_md(rev1.md, tmp_path / "kaz.md", [("Also agree", "Also firmly agree")]),
               actor="clerk")
    md, revised = accept_and_revise(rev1, tmp_path, "firmly ", rev1.bis)
    assert "[Also {++firmly ++}{>>KAZ/1 Kazakhstan<<}agree to meet annually.]" in md
    assert revised == FIRMLY


# -- related: the label run read as text ----------------------------------------------------------------------
def test_rev1_docx_sent_back_unchanged_has_no_amendments(rev1: Rev1) -> None:
    result = api.submit(rev1.workspace, "KAZ", rev1.docx, actor="clerk")
    assert result.amendments == 0
def test_compilation_docx_with_a_proposal_in_a_bis_paragraph(rev1: Rev1, tmp_path: Path) -> None:
    api.submit(rev1.workspace, "KAZ", edit_md(rev1.md, tmp_path / "kaz.md", [("Also agree", "Also firmly agree")]),
               actor="clerk")
    api.compile_outputs(rev1.workspace, tmp_path / "compilation", ("docx",))
    assert f"- 7 bis - {FIRMLY}" in api.text_of(tmp_path / "compilation" / "compilation.docx")
