"""`drafting finalize` outputs (issue 5, item 2): the final .docx (clean, Track Changes off, core properties),
the PDF/A-2b made by LibreOffice (identification, embedded fonts, metadata, text equal to the canonical text),
the .md, and manifest.json (hashes, canonical-text hash, revision chain with decisions, toolkit version);
--force recorded in the log and the manifest; finalizing twice gives the same .docx and .md bytes.

PDF timestamps: LibreOffice writes the conversion time into the PDF (/CreationDate, xmp:CreateDate) and a
fresh /ID, so two PDFs of the same text differ in those bytes; they are compared by their text instead.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from click.testing import CliRunner

import drafting
from drafting import app as api
from drafting.cli import cli
from tests.final import (
    KEYWORDS,
    NAME,
    SUBJECT,
    SYMBOL,
    TITLE,
    Negotiation,
    canonical_lines,
    docx_parts,
    manifest_of,
    md_lines,
    negotiate,
    normalise,
    pdf_text,
    sha256,
    snapshot,
    write_spec,
)

pytestmark = pytest.mark.libreoffice

FILES = {f"{NAME}.docx", f"{NAME}.md", f"{NAME}.pdf"}


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], env={"DRAFTING_ACTOR": "clerk"})
    return result.exit_code, result.stdout, result.stderr


@dataclass(frozen=True)
class Finalized:
    negotiation: Negotiation
    outdir: Path
    stdout: str
    manifest: dict[str, Any]


@pytest.fixture(scope="module")
def finalized(tmp_path_factory: pytest.TempPathFactory) -> Finalized:
    """The negotiated declaration (see tests/final/__init__.py), finalized once for the whole module."""
    negotiation = negotiate(tmp_path_factory.mktemp("negotiation"))
    outdir = negotiation.directory / "final"
    code, out, err = run("finalize", negotiation.agreed, "-o", outdir)
    assert code == 0, err
    return Finalized(negotiation, outdir, out, manifest_of(outdir))


# -- the command ----------------------------------------------------------------------------------------------


def test_finalize_writes_the_four_files_and_names_them(finalized):
    assert sorted(p.name for p in finalized.outdir.iterdir()) == sorted({*FILES, "manifest.json"})
    assert finalized.stdout.splitlines() == [str(finalized.outdir / n) for n in
                                             (f"{NAME}.md", f"{NAME}.docx", f"{NAME}.pdf", "manifest.json")]


def test_finalized_event_in_the_log(finalized):
    events = [e for e in api.log_events(finalized.negotiation.agreed) if e.kind == "finalized"]
    assert len(events) == 1
    detail = events[0].detail
    assert detail["canonical_sha256"] == finalized.manifest["canonical_text"]["sha256"]
    assert detail["seal"] == finalized.manifest["seal"]
    assert {name: info["sha256"] for name, info in detail["files"].items()} == {
        name: info["sha256"] for name, info in finalized.manifest["files"].items()}


def test_markdown_is_the_canonical_text(finalized):
    assert md_lines(finalized.outdir / f"{NAME}.md") == canonical_lines(finalized.manifest)


# -- the .docx ------------------------------------------------------------------------------------------------


REVISION_MARKUP = re.compile(rb"<w:(ins|del|delText|delInstrText|moveFrom|moveTo)[\s/>]")


def test_docx_has_no_revisions_comments_or_hidden_text(finalized):
    parts = docx_parts(finalized.outdir / f"{NAME}.docx")
    xml = {name: data for name, data in parts.items() if name.endswith((".xml", ".rels"))}
    assert "word/document.xml" in xml
    for name, data in xml.items():
        assert not REVISION_MARKUP.search(data), f"{name} holds tracked changes"
        assert b"w:moveFromRange" not in data and b"w:moveToRange" not in data, name
        assert b"<w:vanish" not in data, f"{name} hides text"
        assert b"/relationships/comments" not in data and b"wordprocessingml.comments" not in data, name
        assert b"commentReference" not in data and b"commentRangeStart" not in data, name
    assert not [name for name in parts if "comment" in name.lower() or "people" in name.lower()]
    assert b"trackRevisions" not in parts["word/settings.xml"]


def test_docx_core_properties_and_seal(finalized):
    parts = docx_parts(finalized.outdir / f"{NAME}.docx")
    core = parts["docProps/core.xml"].decode("utf-8")
    assert f"<dc:title>{TITLE}</dc:title>" in core
    assert f"<dc:subject>{SUBJECT}</dc:subject>" in core
    keywords = re.search(r"<cp:keywords>([^<]*)</cp:keywords>", core)
    assert keywords and all(k in keywords.group(1) for k in KEYWORDS)
    custom = parts["docProps/custom.xml"].decode("utf-8")
    assert re.search(rf'name="DraftingFinalSeal"[^>]*>\s*<vt:lpwstr>{finalized.manifest["seal"]}</vt:lpwstr>', custom)


# -- the PDF --------------------------------------------------------------------------------------------------


def test_pdf_declares_pdfa_2b(finalized):
    with pikepdf.open(finalized.outdir / f"{NAME}.pdf") as pdf:
        xmp = pdf.open_metadata()
        assert xmp["pdfaid:part"] == "2"
        assert xmp["pdfaid:conformance"] == "B"


def _font_descriptors(pdf: pikepdf.Pdf) -> list[tuple[str, pikepdf.Object | None]]:
    out = []
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/Font":
            continue
        subtype = str(obj.get("/Subtype"))
        if subtype == "/Type3":
            continue  # glyphs are content streams inside the font: embedded by construction
        if subtype == "/Type0":
            for descendant in obj.DescendantFonts:
                out.append((str(descendant.get("/BaseFont")), descendant.get("/FontDescriptor")))
        else:
            out.append((str(obj.get("/BaseFont")), obj.get("/FontDescriptor")))
    return out


def test_pdf_embeds_every_font(finalized):
    with pikepdf.open(finalized.outdir / f"{NAME}.pdf") as pdf:
        fonts = _font_descriptors(pdf)
        assert fonts, "no fonts found"
        for name, descriptor in fonts:
            assert descriptor is not None, f"{name} has no font descriptor"
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), f"{name} not embedded"


def test_pdf_has_no_javascript(finalized):
    with pikepdf.open(finalized.outdir / f"{NAME}.pdf") as pdf:
        assert "/AA" not in pdf.Root and "/JavaScript" not in pdf.Root.get("/Names", {})
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary):
                assert "/JS" not in obj and obj.get("/S") != "/JavaScript"


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def test_pdf_metadata_has_title_subject_and_keywords(finalized):
    with pikepdf.open(finalized.outdir / f"{NAME}.pdf") as pdf:
        info = pdf.docinfo
        assert str(info["/Title"]) == TITLE
        assert str(info["/Subject"]) == SUBJECT
        xmp = pdf.open_metadata()
        assert xmp["dc:title"] == TITLE
        assert xmp["dc:description"] == SUBJECT
        # LibreOffice's OOXML import splits cp:keywords at spaces, commas and semicolons, so a keyword of
        # several words arrives as its words: every word of every keyword must be there, in order.
        for keywords in (str(info["/Keywords"]), str(xmp["pdf:Keywords"])):
            assert _words(keywords) == _words(" ".join(KEYWORDS)), keywords


def test_pdf_text_equals_the_canonical_text(finalized):
    """pdftotext output, running header (the symbol) and page-number footer aside, equals the manifest's
    canonical text, both under `tests.final.normalise` (NFKC, whitespace runs one space)."""
    expected = normalise(" ".join(canonical_lines(finalized.manifest)))
    assert pdf_text(finalized.outdir / f"{NAME}.pdf", SYMBOL) == expected
    assert "7. Decides to meet again in 2013." in expected


# -- manifest.json --------------------------------------------------------------------------------------------


def test_manifest_hashes_every_file(finalized):
    files = finalized.manifest["files"]
    assert set(files) == FILES
    for name, info in files.items():
        data = (finalized.outdir / name).read_bytes()
        assert info["sha256"] == hashlib.sha256(data).hexdigest()
        assert info["size"] == len(data)


def test_manifest_canonical_text_hash_and_its_normalisation(finalized):
    canonical = finalized.manifest["canonical_text"]
    normalisation = canonical["normalisation"]
    for words in ("one line per paragraph", "NFC", "whitespace", "LF", "UTF-8"):
        assert words in normalisation
    # Recompute it as documented: "label text" per paragraph, NFC, whitespace runs collapsed, trimmed, LF.
    lines = []
    for p in finalized.manifest["paragraphs"]:
        line = f"{p['label']} {p['text']}" if p["label"] else p["text"]
        lines.append(" ".join(unicodedata.normalize("NFC", line).split()))
    text = "".join(line + "\n" for line in lines)
    assert canonical["sha256"] == sha256(text.encode("utf-8"))
    assert [p["id"] for p in finalized.manifest["paragraphs"]][-4:] == [
        "closing_formula", "sig_kaz", "sig_kgz", "sig_tkm"]


def test_manifest_seal_covers_everything_but_the_file_list(finalized):
    body = {k: v for k, v in finalized.manifest.items() if k not in ("files", "seal")}
    encoded = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert finalized.manifest["seal"] == sha256(encoded)


def test_manifest_revision_chain_with_decisions(finalized):
    negotiation = finalized.negotiation
    chain = finalized.manifest["revisions"]
    assert [(r["revision"], r["label"]) for r in chain] == [(0, "original"), (1, "Rev.1"), (2, "Rev.2")]
    issued = {e.detail["revision"]: e.detail["content_hash"] for e in api.log_events(negotiation.agreed)
              if e.kind == "revision-issued"}
    assert [r["content_hash"] for r in chain] == [issued[0], issued[1], issued[2]]
    assert chain[0]["decisions"] == [{"amendment": negotiation.rejected, "decision": "reject",
                                      "note": "no consensus on funding"}]
    assert chain[0]["submissions"] == 4
    assert sorted(d["amendment"] for d in chain[1]["decisions"]) == sorted(negotiation.accepted)
    assert {(d["decision"], d["note"]) for d in chain[1]["decisions"]} == {("accept", "agreed in the second reading")}
    assert chain[1]["submissions"] == 1
    assert chain[2]["decisions"] == []


def test_manifest_document_toolkit_and_nothing_forced(finalized):
    manifest = finalized.manifest
    assert manifest["format"] == "drafting-final/1"
    assert manifest["toolkit"] == {"name": "drafting", "version": drafting.__version__}
    assert manifest["forced"] == []
    document = manifest["document"]
    assert (document["id"], document["title"], document["symbol"], document["language"], document["revision"]) == (
        NAME, TITLE, SYMBOL, "en", 2)


def test_verify_passes_on_fresh_output(finalized):
    code, out, err = run("verify", finalized.outdir)
    assert code == 0, err
    assert out.splitlines()[-1].startswith("OK:")


# -- --force --------------------------------------------------------------------------------------------------


def test_force_records_the_open_items_in_the_log_and_the_manifest(finalized, tmp_path):
    ws = shutil.copytree(finalized.negotiation.rev1, tmp_path / "ws")
    code, _, err = run("finalize", ws, "-o", tmp_path / "out", "--force")
    assert code == 0, err
    forced = [line.removeprefix("forced: ") for line in err.splitlines() if line.startswith("forced: ")]
    for number, pid in finalized.negotiation.new_ids.items():
        assert f"{number}. ({pid}): square brackets remain" in forced
    assert manifest_of(tmp_path / "out")["forced"] == forced
    code, log, _ = run("log", ws, "--json")
    assert code == 0
    events = [e for e in json.loads(log) if e["kind"] == "finalize-forced"]
    assert len(events) == 1
    assert events[0]["detail"]["open_items"] == forced
    assert events[0]["detail"]["outdir"] == str(tmp_path / "out")
    code, _, err = run("verify", tmp_path / "out")
    assert code == 0, err


# -- twice ----------------------------------------------------------------------------------------------------


def test_finalizing_twice_gives_identical_docx_and_md(finalized, tmp_path):
    """Into a copy of the first OUTDIR (the same text: allowed): .docx, .md and the manifest but for the PDF's
    hash are byte-identical; the PDF differs only by LibreOffice's timestamps and /ID, so its text is the same."""
    again = shutil.copytree(finalized.outdir, tmp_path / "again")
    code, _, err = run("finalize", finalized.negotiation.agreed, "-o", again)
    assert code == 0, err
    first, second = snapshot(finalized.outdir), snapshot(again)
    for name in (f"{NAME}.docx", f"{NAME}.md"):
        assert second[name] == first[name], name
    assert {k: v for k, v in manifest_of(again).items() if k != "files"} == {
        k: v for k, v in finalized.manifest.items() if k != "files"}
    assert pdf_text(again / f"{NAME}.pdf") == pdf_text(finalized.outdir / f"{NAME}.pdf")
    code, _, err = run("verify", again)
    assert code == 0, err


def test_outdir_holding_a_different_final_text_is_left_alone(finalized, tmp_path):
    outdir = shutil.copytree(finalized.outdir, tmp_path / "final")
    before = snapshot(outdir)
    other = write_spec(tmp_path / "spec", languages=("en",))  # the text as it stood before the negotiation
    code, out, err = run("finalize", other, "-o", outdir)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "already holds a different final text" in err
    assert snapshot(outdir) == before
