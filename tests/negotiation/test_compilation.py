"""The compilation text: merged identical proposals, bracketed alternatives for conflicts, bis/ter paragraphs;
compilation.docx checked with our reader and with LibreOffice (authors, accepting one delegation's changes)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from drafting import app as api
from drafting.cli import cli
from drafting.negotiation.compilation import Conflict
from drafting.ooxml.parser import parse_xml
from drafting.render.compilation_docx import SECRETARIAT
from tests.negotiation import (
    LAUNCH,
    RAP,
    RCF,
    SEAT,
    SEAT_TEXT,
    SPEC,
    SUPPORT,
    Base,
    edit_md,
    new_workspace,
)
from tests.oracle.libreoffice import docx_revision_authors

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ASTANA = SEAT.replace("in Almaty", "in Astana")
DUSHANBE = SEAT.replace("in Almaty", "in Dushanbe")
ALTERNATIVES = (f"[Alt 1 (Kazakhstan): {SEAT_TEXT.replace('in Almaty', 'in Astana')}] "
                f"[Alt 2 (Tajikistan, Kyrgyzstan): {SEAT_TEXT.replace('in Almaty', 'in Dushanbe')}]")
NUMBERED_ALTERNATIVES = (ALTERNATIVES.replace("(Kazakhstan)", "(KAZ/1 Kazakhstan)")
                         .replace("(Tajikistan, Kyrgyzstan)", "(TJK/1 Tajikistan, KGZ/2 Kyrgyzstan)"))
NUMBERS = re.compile(r"[A-Z]{3}/\d+(?:\+[A-Z]{3}/\d+)* ")
BIS = re.compile(r"^- \d+ (?:bis|ter|quater) - ")
LABEL = re.compile(r"^(?:- \d+(?: (?:bis|ter|quater))? - |\d+\. |\([a-z]{1,4}\) |[a-z]{1,4} - |[-•–] )")  # as text


def unnumbered(texts: list[str]) -> list[str]:
    """`texts` without the paragraph numbers compilation.docx writes as text (to compare with the revision)."""
    return [LABEL.sub("", text) for text in texts]


def compile_(ws: Path, out: Path):
    written, compilation = api.compile_outputs(ws, out)
    assert sorted(p.name for p in written) == ["compilation.docx", "compilation.html", "compilation.md"]
    return compilation


def base_texts(base: Base) -> list[str]:
    return api.text_of(base.docx)


def revisions_nested(docx: Path) -> list[str]:
    """w:ins/w:del elements inside another w:ins/w:del (overlapping revisions: what corrupts documents)."""
    import zipfile

    with zipfile.ZipFile(docx) as package:
        root = parse_xml(package.read("word/document.xml"))
    tags = (f"{W}ins", f"{W}del")
    return [el.tag for el in root.iter(*tags) if any(a.tag in tags for a in el.iterancestors())]


def test_several_delegations_without_conflict(ws: Path, base: Base, tmp_path: Path, runner) -> None:
    revised = RAP.replace("draft", "revised")
    api.submit(ws, "KAZ", edit_md(base.md, tmp_path / "kaz.md", [(RCF, RCF.replace("draft", "updated"))]))
    api.submit(ws, "TJK", edit_md(base.md, tmp_path / "tjk.md", [(RAP, revised)]))
    api.submit(ws, "KGZ", edit_md(base.md, tmp_path / "kgz.md", [(RAP, revised)]))
    compilation = compile_(ws, tmp_path / "out")
    assert compilation.conflicts == () and compilation.unplaced == ()
    assert compilation.delegations == ("Kazakhstan", "Tajikistan", "Kyrgyzstan")
    by_id = {e.paragraph.id: e for e in compilation.entries}
    [rcf] = by_id["endorse_rcf"].proposals
    [rap] = by_id["endorse_rap"].proposals  # identical proposals: one, jointly attributed
    assert (rcf.attribution, rcf.first.old, rcf.first.new) == ("Kazakhstan", "draft", "updated")
    assert (rap.attribution, rap.first.old, rap.first.new) == ("Tajikistan, Kyrgyzstan", "draft", "revised")
    assert len(rap.amendments) == 2
    assert not any(e.conflict for e in compilation.entries)
    assert sum(1 for e in compilation.entries if e.proposals) == 2

    md = (tmp_path / "out" / "compilation.md").read_text(encoding="utf-8")
    assert "Endorse the {~~draft~>updated~~}{>>KAZ/1 Kazakhstan<<} Regional Cooperation Framework" in md
    assert "Endorse the {~~draft~>revised~~}{>>TJK/1 Tajikistan, KGZ/1 Kyrgyzstan<<} Regional Action Plan" in md
    assert md.rstrip().endswith("## Conflicts\n\nNone.")

    docx = tmp_path / "out" / "compilation.docx"
    assert docx_revision_authors(docx) == {"Kazakhstan", "Tajikistan, Kyrgyzstan"}
    assert unnumbered(api.text_of(docx, "original")) == base_texts(base)  # Reject All: the revision as issued
    accepted = unnumbered(api.text_of(docx, "accepted"))
    assert accepted[base_texts(base).index(RCF)] == RCF.replace("draft", "updated")
    assert accepted[base_texts(base).index(RAP)] == revised

    result = runner.invoke(cli, ["compile", str(ws), "-o", str(tmp_path / "cli")])
    assert result.exit_code == 0, result.output
    assert "conflict" not in result.output
    status = json.loads(runner.invoke(cli, ["status", str(ws), "--json"]).stdout)
    assert status["conflicts"] == [] and not any(p["conflict"] for p in status["paragraphs"])


def test_overlapping_proposals_become_bracketed_alternatives(ws: Path, base: Base, tmp_path: Path, runner) -> None:
    api.submit(ws, "KAZ", edit_md(base.md, tmp_path / "kaz.md", [(SEAT, ASTANA)]))
    api.submit(ws, "TJK", edit_md(base.md, tmp_path / "tjk.md", [(SEAT, DUSHANBE)]))
    api.submit(ws, "KGZ", edit_md(base.md, tmp_path / "kgz.md", [(SEAT, DUSHANBE),
                                                                  (RAP, RAP.replace("draft", "revised"))]))
    compilation = compile_(ws, tmp_path / "out")
    assert compilation.conflicts == (Conflict("secretariat_seat", "- 5 -", ("Kazakhstan", "Tajikistan",
                                                                              "Kyrgyzstan")),)
    seat = next(e for e in compilation.entries if e.paragraph.id == "secretariat_seat")
    assert seat.conflict and [a.delegations for a in seat.alternatives] == [("Kazakhstan",),
                                                                           ("Tajikistan", "Kyrgyzstan")]
    assert not next(e for e in compilation.entries if e.paragraph.id == "endorse_rap").conflict

    docx = tmp_path / "out" / "compilation.docx"
    assert revisions_nested(docx) == []
    texts = base_texts(base)
    accepted = unnumbered(api.text_of(docx, "accepted"))
    assert accepted[texts.index(SEAT_TEXT)] == NUMBERED_ALTERNATIVES
    assert accepted[texts.index(RAP)] == RAP.replace("draft", "revised")
    assert unnumbered(api.text_of(docx, "original")) == texts
    seat_authors = {a.author for a in api.list_amendments(docx) if a.paragraph == "secretariat_seat"}
    assert seat_authors == {SECRETARIAT}  # never one delegation's revision on top of another's
    assert docx_revision_authors(docx) == {SECRETARIAT, "Kyrgyzstan"}

    md = (tmp_path / "out" / "compilation.md").read_text(encoding="utf-8")
    assert f"> **Conflict** (Kazakhstan, Tajikistan, Kyrgyzstan): {NUMBERED_ALTERNATIVES}" in md
    assert "## Conflicts\n\n- paragraph - 5 - (secretariat\\_seat): Kazakhstan, Tajikistan, Kyrgyzstan" in md

    result = runner.invoke(cli, ["compile", str(ws), "-o", str(tmp_path / "cli"), "--format", "md"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == ("conflict: paragraph - 5 - (secretariat_seat): "
                                              "Kazakhstan, Tajikistan, Kyrgyzstan")
    assert [p.name for p in (tmp_path / "cli").iterdir()] == ["compilation.md"]
    status = json.loads(runner.invoke(cli, ["status", str(ws), "--json"]).stdout)
    assert status["conflicts"] == [{"paragraph": "secretariat_seat", "number": "- 5 -",
                                    "delegations": ["Kazakhstan", "Tajikistan", "Kyrgyzstan"]}]
    flagged = [p["id"] for p in status["paragraphs"] if p["conflict"]]
    assert flagged == ["secretariat_seat"]
    text = runner.invoke(cli, ["status", str(ws)]).stdout
    assert "secretariat_seat" in text and "CONFLICT" in text
    assert "conflict: - 5 -: Kazakhstan, Tajikistan, Kyrgyzstan" in text


def test_changes_to_different_words_of_one_paragraph_do_not_conflict(ws: Path, base: Base, tmp_path: Path) -> None:
    api.submit(ws, "KAZ", edit_md(base.md, tmp_path / "kaz.md", [(SEAT, SEAT.replace("intergovernmental",
                                                                                      "regional"))]))
    api.submit(ws, "TJK", edit_md(base.md, tmp_path / "tjk.md", [(SEAT, DUSHANBE)]))
    compilation = compile_(ws, tmp_path / "out")
    assert compilation.conflicts == ()
    seat = next(e for e in compilation.entries if e.paragraph.id == "secretariat_seat")
    assert [p.attribution for p in seat.proposals] == ["Kazakhstan", "Tajikistan"]
    docx = tmp_path / "out" / "compilation.docx"
    assert docx_revision_authors(docx) == {"Kazakhstan", "Tajikistan"}
    both = SEAT_TEXT.replace("intergovernmental", "regional").replace("in Almaty", "in Dushanbe")
    assert unnumbered(api.text_of(docx, "accepted"))[base_texts(base).index(SEAT_TEXT)] == both


def test_new_paragraphs_follow_their_anchor_numbered_bis_ter(ws: Path, base: Base, tmp_path: Path) -> None:
    one, two, three = ("Invite observers to attend;", "Meet again within a year;", "Publish the outcome;")
    api.submit(ws, "KAZ", edit_md(base.md, tmp_path / "kaz.md", after=[("endorse_structures", one)]))
    api.submit(ws, "TJK", edit_md(base.md, tmp_path / "tjk.md", after=[("endorse_structures", two),
                                                                      ("initial_members_tkm", three)]))
    api.submit(ws, "KGZ", edit_md(base.md, tmp_path / "kgz.md", after=[("endorse_structures", one)]))
    compilation = compile_(ws, tmp_path / "out")
    assert compilation.conflicts == ()
    rows = [(e.paragraph.label, e.paragraph.text, e.new, e.proposals[0].attribution if e.new else "")
            for e in compilation.entries]
    start = next(i for i, r in enumerate(rows) if r[1].startswith("Endorse the draft paper"))
    assert rows[start + 1:start + 3] == [("- 3 bis -", one, True, "Kazakhstan, Kyrgyzstan"),
                                         ("- 3 ter -", two, True, "Tajikistan")]
    assert rows[start + 3][:3] == ("- 4 -", "Agree that the following countries compose the initial members of "
                                            "the Process:", False)
    tkm = next(i for i, r in enumerate(rows) if r[1] == "Turkmenistan")
    assert rows[tkm + 1] == ("- 4 bis -", three, True, "Tajikistan")
    assert next(r for r in rows if r[1] == SEAT_TEXT)[0] == "- 5 -"  # the others keep their numbers

    docx = tmp_path / "out" / "compilation.docx"
    accepted = api.text_of(docx, "accepted")
    assert f"- 3 bis - {one}" in accepted and f"- 3 ter - {two}" in accepted and f"- 4 bis - {three}" in accepted
    assert accepted.index(f"- 3 bis - {one}") == base_texts(base).index(RAP) + 2
    assert unnumbered(api.text_of(docx, "original")) == base_texts(base)
    assert docx_revision_authors(docx) == {"Kazakhstan, Kyrgyzstan", "Tajikistan"}
    md = (tmp_path / "out" / "compilation.md").read_text(encoding="utf-8")
    assert f"- 3 bis - {{++{one}++}}{{>>KAZ/1 Kazakhstan, KGZ/1 Kyrgyzstan<<}} `[proposed]`" in md
    status = api.status_report(ws)
    after = next(p for p in status["paragraphs"] if p["id"] == "endorse_structures")["proposed_after"]
    assert sorted((a["delegation"], a["new"]) for a in after) == [("Kazakhstan", one), ("Kyrgyzstan", one),
                                                                   ("Tajikistan", two)]


def test_bis_ter_in_the_un_resolution_profile(tmp_path: Path) -> None:
    api.assemble_to(SPEC, tmp_path / "un", ("md", "docx"), profile="un-resolution")
    base = Base(tmp_path / "un", tmp_path / "un" / "recommendations.md", tmp_path / "un" / "recommendations.docx")
    ws = new_workspace(tmp_path / "ws", base)
    api.submit(ws, "KAZ", edit_md(base.md, tmp_path / "kaz.md", after=[("initial_members_tkm", "*Invites* all;"),
                                                                      ("initial_members_tkm", "*Decides* so;")]))
    labels = [(e.paragraph.label, e.paragraph.text) for e in compile_(ws, tmp_path / "out").entries
              if e.paragraph.label[:1].isdigit()]
    assert labels[3:7] == [("4.", "Agree that the following countries compose the initial members of the Process:"),
                           ("4 bis.", "Invites all;"), ("4 ter.", "Decides so;"),
                           ("5.", SEAT_TEXT)]


def test_rejected_and_withdrawn_proposals_leave_the_compilation(ws: Path, base: Base, tmp_path: Path) -> None:
    api.submit(ws, "KAZ", edit_md(base.md, tmp_path / "kaz.md", [(SEAT, ASTANA)]))
    api.submit(ws, "TJK", edit_md(base.md, tmp_path / "tjk.md", [(SEAT, DUSHANBE)]))
    api.submit(ws, "KGZ", edit_md(base.md, tmp_path / "kgz.md", [(LAUNCH, LAUNCH.replace("launch", "open"))]))
    ids = {a["delegation"]: a["id"] for p in api.status_report(ws)["paragraphs"] for a in p["amendments"]}
    assert len(compile_(ws, tmp_path / "c0").conflicts) == 1
    api.decide(ws, ids["Kazakhstan"], "reject")
    api.decide(ws, ids["Kyrgyzstan"], "withdraw")
    compilation = compile_(ws, tmp_path / "c1")
    assert compilation.conflicts == () and compilation.delegations == ("Tajikistan",)
    assert [(e.paragraph.id, p.attribution) for e in compilation.entries for p in e.proposals] == [
        ("secretariat_seat", "Tajikistan")]
    assert docx_revision_authors(tmp_path / "c1" / "compilation.docx") == {"Tajikistan"}
    status = {a["id"]: (a["decision"], a["active"]) for p in api.status_report(ws)["paragraphs"]
              for a in p["amendments"]}
    assert status == {ids["Kazakhstan"]: ("reject", False), ids["Kyrgyzstan"]: ("withdraw", False),
                      ids["Tajikistan"]: ("pending", True)}


# -- LibreOffice: the delegations' files made in LibreOffice, the compilation opened in LibreOffice ----------

NEW_TJK = "Invite the secretariat to report annually to the National Coordinators;"


@pytest.fixture(scope="module")
def lo_case(libreoffice, base: Base, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Three delegations edit the base in LibreOffice with Track Changes on (Kyrgyzstan also with it off):
    Kazakhstan and Tajikistan both revise the Action Plan (identical), Kazakhstan alone the Cooperation
    Framework; all three change the seat (Astana vs Dushanbe: a conflict); Tajikistan proposes a new paragraph
    after 6; Kyrgyzstan adds two words with Track Changes off."""
    root = tmp_path_factory.mktemp("lo")
    paragraphs = libreoffice.paragraphs(base.docx)
    rap = [{"op": "replace", "old": "Endorse the draft Regional Action", "new": "Endorse the revised Regional Action"}]
    seat = {"op": "replace", "old": "established in Almaty", "new": "established in Dushanbe"}
    files = {}
    for name, ops in {
        "Kazakhstan": [*rap, {"op": "replace", "old": "established in Almaty", "new": "established in Astana"},
                       {"op": "replace", "old": "the draft Regional Cooperation", "new": "the updated Regional "
                                                                                         "Cooperation"}],
        "Tajikistan": [*rap, seat, {"op": "insert_paragraph", "after_paragraph": paragraphs.index(SUPPORT),
                                    "text": NEW_TJK}],
        "Kyrgyzstan": [seat, {"op": "track", "on": False},
                       {"op": "replace", "old": "Formally launch", "new": "Formally and solemnly launch"}],
    }.items():
        files[name] = root / f"{name.lower()}.docx"
        libreoffice.record_changes(base.docx, files[name], name, ops)
    ws = new_workspace(root / "ws", base)
    for name, path in files.items():
        assert api.submit(ws, name, path).matched_by == "identity"
    compilation = compile_(ws, root / "out")
    return {"root": root, "ws": ws, "files": files, "compilation": compilation, "base": paragraphs,
            "docx": root / "out" / "compilation.docx"}


@pytest.mark.libreoffice
def test_libreoffice_opens_the_compilation_with_each_delegation_as_author(libreoffice, lo_case: dict) -> None:
    docx = lo_case["docx"]
    assert libreoffice.open_ok(docx)
    authors = {r["author"] for r in libreoffice.redlines(docx)}
    assert authors == {"Kazakhstan", "Tajikistan", "Kyrgyzstan", "Kazakhstan, Tajikistan", SECRETARIAT}
    conflicts = lo_case["compilation"].conflicts
    assert [(c.paragraph, c.delegations) for c in conflicts] == [
        ("secretariat_seat", ("Kazakhstan", "Tajikistan", "Kyrgyzstan"))]
    untracked = [a for a in api.status_report(lo_case["ws"])["paragraphs"] for a in a["amendments"]
                 if not a["tracked"]]
    assert [(a["delegation"], a["new"]) for a in untracked] == [("Kyrgyzstan", "and solemnly ")]


@pytest.mark.libreoffice
@pytest.mark.parametrize("delegation", ["Kazakhstan", "Tajikistan", "Kyrgyzstan"])
def test_accepting_one_delegations_changes_gives_its_text(libreoffice, lo_case: dict, delegation: str) -> None:
    docx = lo_case["docx"]
    authors = sorted({r["author"] for r in libreoffice.redlines(docx)
                      if delegation in r["author"].split(", ")})
    got = unnumbered(libreoffice.accept_author(docx, authors))
    own = libreoffice.paragraphs(lo_case["files"][delegation], "accept")  # its own file, every change accepted
    seat = lo_case["base"].index(SEAT_TEXT)
    expected = list(own)
    expected[seat] = SEAT_TEXT  # the one paragraph in conflict stays as issued (the alternatives are rejected)
    assert got == expected
    assert own[seat] != SEAT_TEXT


@pytest.mark.libreoffice
def test_libreoffice_reject_all_gives_the_revision_and_accept_all_the_alternatives(libreoffice,
                                                                                   lo_case: dict) -> None:
    docx = lo_case["docx"]
    assert unnumbered(libreoffice.paragraphs(docx, "reject")) == lo_case["base"]
    # the numbers are text: LibreOffice shows no automatic number, and the numbers compilation.md shows
    shown = libreoffice.paragraph_info(docx, "reject")
    assert all(not i["label"] for i in shown)
    labels = [m.group(0).strip() for m in (LABEL.match(i["text"]) for i in shown) if m]
    expected = [e.paragraph.label for e in lo_case["compilation"].entries if not e.new and e.paragraph.label]
    assert labels == expected and "- 1 -" in labels
    raw = libreoffice.paragraphs(docx, "accept")
    accepted = unnumbered(raw)
    assert ALTERNATIVES in [NUMBERS.sub("", text) for text in accepted]
    assert f"- 6 bis - {NEW_TJK}" in raw
    assert "Formally and solemnly launch the Almaty Process;" in accepted


@pytest.mark.libreoffice
def test_libreoffice_shows_the_revision_renumbered(libreoffice, lo_case: dict, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(lo_case["ws"], ws)
    ids = {(a["delegation"], p["id"]): a["id"] for p in api.status_report(ws)["paragraphs"]
           for a in p["amendments"] + p["proposed_after"]}
    api.decide(ws, ids[("Tajikistan", "request_support")], "accept")  # the new paragraph after 6
    api.decide(ws, ids[("Kazakhstan", "secretariat_seat")], "reject")
    api.decide(ws, ids[("Kazakhstan", "endorse_rcf")], "accept")
    written, _ = api.revise(ws, tmp_path / "rev1")
    docx = next(p for p in written if p.suffix == ".docx")
    info = libreoffice.paragraph_info(docx)
    texts = [i["text"] for i in info]
    label = {i["text"]: i["label"] for i in info}
    assert label[NEW_TJK].strip("- ") == "7" and label[RCF.replace("draft", "updated")].strip("- ") == "1"
    assert label[lo_case["base"][lo_case["base"].index(SUPPORT)]].strip("- ") == "6"
    assert texts.index(NEW_TJK) == texts.index(SUPPORT) + 1
    # Kazakhstan's Astana rejected; Tajikistan's and Kyrgyzstan's identical Dushanbe still open: in brackets
    # (LibreOffice replaced the phrase; the amendment is trimmed to the word a drafter would mark)
    assert SEAT_TEXT.replace("in Almaty", "in [Almaty][Dushanbe]") in texts
    assert libreoffice.user_properties(docx)["DraftingRevision"] == "1"


@pytest.mark.libreoffice
def test_a_compilation_pdf_to_circulate(ws: Path, base: Base, tmp_path: Path) -> None:
    import shutil
    import subprocess

    api.submit(ws, "KAZ", edit_md(base.md, tmp_path / "kaz.md", [(SEAT, ASTANA)]))
    written, _ = api.compile_outputs(ws, tmp_path / "out", ("md", "pdf"))
    assert sorted(p.name for p in written) == ["compilation.md", "compilation.pdf"]
    pdf = tmp_path / "out" / "compilation.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-" and not (tmp_path / "out" / "compilation.docx").exists()
    pdftotext = shutil.which("pdftotext")
    if pdftotext is not None:
        text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "- 1 - Endorse the draft Regional Cooperation Framework" in " ".join(text.split())
