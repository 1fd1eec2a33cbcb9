"""`drafting import` and `negotiation init --base` on drafts drafting never made (issue 11, item 5).

LibreOffice is the independent reader: the words it reads in the source equal the words of the spec the
import writes, assembled. Each draft is then negotiated (init from the file itself, a delegation's edited
text submitted, Rev.1, agreed) and finalized. Bad input gets one line and nothing written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafting import app as api
from drafting.app.imports import import_draft
from drafting.cli import cli
from drafting.model.document import Role
from drafting.support.office import DOCX_FILTER, convert
from tests.conftest import REFERENCE_TEXT
from tests.fixtures.wordml import docx, footnote_ref, p, r, table

pytestmark = pytest.mark.libreoffice


_TYPED_LABEL = re.compile(r"^\s*(-\s*\d+\s*[-–]\s*|-\s*[a-z]\s*-\s+|[a-z]\s*-\s+|-\s+)")


def words(texts: list[str]) -> list[str]:
    return [w for t in texts for w in re.findall(r"\w+", t)]


def source_words(paragraphs: list[str]) -> list[str]:
    """Words of a draft as LibreOffice reads it, the labels typed by hand ("- 1 -", "a -", "- ") aside."""
    return words([_TYPED_LABEL.sub("", text, count=1) for text in paragraphs])


def assembled_words(spec: Path) -> list[str]:
    return words([p.text for p in api.load_document(spec).paragraphs])


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], env={"DRAFTING_ACTOR": "clerk"})
    return result.exit_code, result.stdout, result.stderr


def negotiation_on(draft: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A negotiation started from `draft` itself, and its base text as the delegations receive it (.docx)."""
    ws = tmp_path / "ws"
    api.negotiation_init(ws, draft, actor="clerk")
    import_draft(draft, tmp_path / "spec.yaml")
    api.assemble_to(tmp_path / "spec.yaml", tmp_path / "base", ("docx",))
    return ws, next((tmp_path / "base").glob("*.docx"))


@pytest.fixture(scope="module")
def drafts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The 2012 text typed in LibreOffice without styles (labels typed by hand), the same as .odt, and a
    UN-resolution-style draft with Word numbering, a footnote and an annex table."""
    out = tmp_path_factory.mktemp("drafts")
    typed = out / "almaty-typed.docx"
    typed.write_bytes(convert(REFERENCE_TEXT.read_bytes(), "txt", f"docx:{DOCX_FILTER}"))
    odt = out / "almaty-typed.odt"
    odt.write_bytes(convert(typed.read_bytes(), "docx", "odt"))
    rtf = out / "almaty-typed.rtf"  # as some tools write it: a byte-order mark and a line before `{\rtf`
    rtf.write_bytes(b"\xef\xbb\xbf\r\n" + convert(typed.read_bytes(), "docx", "rtf"))
    numbered = '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'
    item = '<w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr>'
    body = (p(r("Regional cooperation on mixed migration"), ppr='<w:pStyle w:val="Title"/>')
            + p(r("The General Assembly,"))
            + p('<w:r><w:rPr><w:i/></w:rPr><w:t>Recalling</w:t></w:r>', r(" its resolution 66/1"), footnote_ref(2),
                r(";"))
            + p('<w:r><w:rPr><w:i/></w:rPr><w:t>Noting</w:t></w:r>', r(" the report of the Secretary-General;"))
            + p('<w:r><w:rPr><w:i/></w:rPr><w:t>Decides</w:t></w:r>', r(" to convene a conference in 2025;"),
                ppr=numbered)
            + p('<w:r><w:rPr><w:i/></w:rPr><w:t>Requests</w:t></w:r>', r(" the Secretariat:"), ppr=numbered)
            + p(r("to prepare a report;"), ppr=item) + p(r("to consult the States."), ppr=item)
            + p('<w:r><w:rPr><w:i/></w:rPr><w:t>Decides</w:t></w:r>', r(" to remain seized of the matter."),
                ppr=numbered)
            + p(r("Annex")) + table(["State", "Contribution"], ["Kazakhstan", "100"]))
    un = out / "un-style.docx"
    un.write_bytes(docx(body, footnotes={2: p(r("A/RES/66/1."))}))
    return {"typed": typed, "odt": odt, "rtf": rtf, "un": un}


@pytest.mark.parametrize("kind", ["typed", "odt", "rtf"])
def test_a_hand_typed_draft_imports_to_a_spec_that_assembles_to_its_text(drafts, kind, tmp_path, libreoffice):
    spec_path = tmp_path / "spec.yaml"
    code, out, err = run("import", drafts[kind], "-o", spec_path)
    assert code == 0, err
    assert "7 preambular, 8 operative, 2 closing" in out
    assert "has the words of clause almaty.pp.protection-commitments" in err  # a library clause, reported
    source = drafts["typed"]  # LibreOffice reads the .odt and the .rtf from the same text
    assert assembled_words(spec_path) == source_words(libreoffice.paragraphs(source))
    spec = spec_path.read_text(encoding="utf-8")
    assert "heading: Preamble" in spec and "We agree upon the following recommendations" in spec
    assert "- Kazakhstan" in spec  # the membership list became the items of operative paragraph 4


def test_ids_are_stable_and_derived_from_position_and_text(drafts, tmp_path):
    first, _, _ = import_draft(drafts["typed"])
    again, _, _ = import_draft(drafts["typed"])
    assert first == again
    ids = [e["id"] for e in first["preamble"]["paragraphs"]]
    assert ids[0].startswith("pp1_") and len(set(ids)) == len(ids)


def test_a_un_style_draft_keeps_its_footnote_annex_table_numbering_items_and_emphasis(drafts, tmp_path, libreoffice):
    spec_path = tmp_path / "un.yaml"
    code, _, err = run("import", drafts["un"], "-o", spec_path)
    assert code == 0, err
    assert "lost" not in err
    spec = spec_path.read_text(encoding="utf-8")
    assert "66/1^[A/RES/66/1.];" in spec and "table:" in spec
    document = api.load_document(spec_path)
    texts = [p.text for p in document.paragraphs]
    assert "to prepare a report;" in texts
    italic = [s.text for p in document.paragraphs for s in p.spans if s.italic]
    assert {"Recalling", "Noting", "Decides", "Requests"} <= set(italic)
    notes = [p for p in document.paragraphs if p.role is Role.FOOTNOTE]
    cells = [(p.cell, p.text) for p in document.paragraphs if p.role is Role.CELL]
    assert cells == [((1, 1, 1), "State"), ((1, 1, 2), "Contribution"), ((1, 2, 1), "Kazakhstan"), ((1, 2, 2), "100")]
    # LibreOffice writes the footnote's number after "66/1" in the body and holds the note apart.
    read = [text.replace("66/11;", "66/1;") for text in libreoffice.paragraphs(drafts["un"])]
    assert words([p.text for p in document.paragraphs if p.role is not Role.FOOTNOTE]) == words(read)
    assert [p.text for p in notes] == libreoffice.stories(drafts["un"])["footnotes"]
    anchor = next(p for p in document.paragraphs if any(s.note for s in p.spans))
    assert anchor.text == "Recalling its resolution 66/1;" and anchor.spans[-2].note == notes[0].id


def test_a_un_style_draft_is_negotiated_to_the_final_text_notes_and_table_included(drafts, tmp_path, libreoffice):
    ws, base = negotiation_on(drafts["un"], tmp_path)
    assert libreoffice.stories(base)["footnotes"] == ["A/RES/66/1."]
    returned = tmp_path / "kazakhstan.docx"
    libreoffice.record_changes(base, returned, "Kazakhstan", [
        {"op": "replace", "old": "A/RES/66/1.", "new": "A/RES/66/1 of 19 December 2011."},
        {"op": "replace", "old": "100", "new": "150"},
        {"op": "replace", "old": "a conference", "new": "a high-level conference"},
    ])
    result = api.submit(ws, "Kazakhstan", returned, actor="clerk")
    assert result.amendments == 3
    report = api.status_report(ws)
    found = [(par["story"], a["story"], a["number"]) for par in report["paragraphs"] for a in par["amendments"]]
    assert sorted((paragraph, amendment) for paragraph, amendment, _ in found) == \
        [("", ""), ("footnote 1", "footnote 1"), ("table 1 row 2", "table 1 row 2")]
    api.compile_outputs(ws, tmp_path / "compilation", ("md", "docx"))
    compiled = (tmp_path / "compilation" / "compilation.md").read_text(encoding="utf-8")
    note = compiled.split("fn1 -->", 1)[1].split("<!--", 1)[0]
    assert "of 19 December 2011" in note and "KAZ/" in note and "{~~100~>150~~}" in compiled
    assert "could not be placed" not in compiled
    compilation_docx = tmp_path / "compilation" / "compilation.docx"  # the note's proposal is in footnotes.xml
    assert libreoffice.stories(compilation_docx, "accept")["footnotes"] == ["A/RES/66/1 of 19 December 2011."]
    assert libreoffice.stories(compilation_docx, "reject")["footnotes"] == ["A/RES/66/1."]
    api.decide_batch(ws, [number for _, _, number in found], "accept", actor="chair")
    api.revise(ws, tmp_path / "rev1", ("docx",), actor="clerk")
    rev1 = next((tmp_path / "rev1").glob("*.docx"))
    assert libreoffice.stories(rev1)["footnotes"] == ["A/RES/66/1 of 19 December 2011."]
    api.mark(ws, "ALL", "agreed", actor="chair")
    api.finalize(ws, tmp_path / "final", actor="clerk")
    final = next((tmp_path / "final").glob("*.docx"))
    assert libreoffice.stories(final)["footnotes"] == ["A/RES/66/1 of 19 December 2011."]
    body = libreoffice.paragraphs(final)
    assert "150" in body and "Kazakhstan" in body
    assert any("a high-level conference in 2025" in text for text in body)
    report = api.verify(tmp_path / "final", workspace=ws)
    assert report.ok, report.problems  # the PDF's words too: the note at the page's foot, its number in the body


@pytest.mark.parametrize("kind", ["typed", "odt"])
def test_a_negotiation_starts_from_the_draft_itself_and_reaches_a_final_text(drafts, kind, tmp_path):
    ws = tmp_path / "ws"
    document = api.negotiation_init(ws, drafts[kind], actor="clerk")
    assert len(document.paragraphs) > 10
    base_md = tmp_path / "base"
    import_draft(drafts[kind], tmp_path / "spec.yaml")
    api.assemble_to(tmp_path / "spec.yaml", base_md, ("md",))
    text = next(base_md.glob("*.md")).read_text(encoding="utf-8")
    edited = tmp_path / "kazakhstan.md"
    edited.write_text(text.replace("Endorse the draft Regional Action Plan",
                                   "Endorse the revised draft Regional Action Plan"), encoding="utf-8")
    result = api.submit(ws, "Kazakhstan", edited, actor="clerk")
    assert result.amendments == 1
    api.compile_outputs(ws, tmp_path / "compilation", ("md",))
    report = api.status_report(ws)
    amendment = next(a["id"] for par in report["paragraphs"] for a in par["amendments"])
    api.decide(ws, amendment, "accept", actor="chair")
    api.revise(ws, tmp_path / "rev1", ("md",), actor="clerk")
    api.mark(ws, "ALL", "agreed", actor="chair")
    final = api.finalize(ws, tmp_path / "final", pdf=False, actor="clerk")
    final_md = next((tmp_path / "final").glob("*.md")).read_text(encoding="utf-8")
    assert "Endorse the revised draft Regional Action Plan" in final_md
    assert final is not None


@pytest.mark.parametrize(("name", "data", "message"), [
    ("draft.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF cannot be imported"),
    ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "an image cannot be imported"),
    ("empty.docx", None, "no paragraphs of text"),
    ("huge.txt", b"x" * (33 * 2**20), "too large to import"),
    # named .odt, .rtf or .doc but none of them: LibreOffice read the bytes as text and the import passed (fuzzing)
    ("plain.odt", b"This is not an ODF package.\n\nJust a text file.\n", "not a .odt file (its bytes are not an "
                                                                           "OpenDocument package)"),
    ("page.odt", b"<html><body><p>hello</p></body></html>", "not a .odt file"),
    ("empty.odt", b"", "not a .odt file (it is empty)"),
    ("note.rtf", b"just text", "not a .rtf file (its bytes are not RTF)"),
    ("random.doc", bytes(range(256)) * 4, "not a .doc file"),
])
def test_bad_drafts_get_one_line_and_nothing_written(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data if data is not None else docx(p() + p(r("   "))))
    out = tmp_path / "spec.yaml"
    code, _, err = run("import", path, "-o", out)
    assert code == 1 and message in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_a_numbering_change_in_a_return_is_a_format_amendment_of_its_paragraph(drafts, tmp_path):
    ws, base_docx = negotiation_on(drafts["typed"], tmp_path)
    # the delegation's file: the base with a numbering change recorded on its first paragraph
    import io
    import zipfile

    members = {}
    with zipfile.ZipFile(base_docx) as zf:
        for name in zf.namelist():
            members[name] = zf.read(name)
    xml = members["word/document.xml"].decode()
    change = ('<w:pPrChange w:id="9001" w:author="Kazakhstan" w:date="2024-01-01T00:00:00Z"><w:pPr>'
              '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="7"/></w:numPr></w:pPr></w:pPrChange>')
    head, sep, rest = xml.partition("<w:p>")
    if not sep:
        head, sep, rest = xml.partition("<w:p ")
        rest = rest.partition(">")[2]
        sep = "<w:p>"
    members["word/document.xml"] = (head + sep + "<w:pPr>" + change + "</w:pPr>" + rest).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, blob in members.items():
            zf.writestr(name, blob)
    sent = tmp_path / "kazakhstan.docx"
    sent.write_bytes(buf.getvalue())
    code, _, err = run("submit", ws, "--delegation", "Kazakhstan", sent)
    assert code == 0, err
    report = api.status_report(ws)
    [(pid, amendment)] = [(par["id"], a) for par in report["paragraphs"] for a in par["amendments"]]
    assert pid == report["paragraphs"][0]["id"] and amendment["kind"] == "format"
