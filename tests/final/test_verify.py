"""`drafting verify OUTDIR` (issue 5, item 3): OK on fresh output; after each kind of tampering exit 1 and a
line naming the file and the cause. (The signature cases are in test_sign.)"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from drafting.cli import cli
from drafting.final.manifest import seal_of
from drafting.support.office import docx_to_pdf
from tests.final import NAME, docx_parts, manifest_of, rezip, sha256, write_spec

pytestmark = pytest.mark.libreoffice

DOCX, MD, PDF = f"{NAME}.docx", f"{NAME}.md", f"{NAME}.pdf"
OLD, NEW = b"to review paragraph", b"to revise paragraph"  # one word of paragraph `reviews`


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], env={"DRAFTING_ACTOR": "clerk"})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A final version of a spec that was never negotiated (a spec is accepted as SOURCE too)."""
    base = tmp_path_factory.mktemp("verify")
    spec = write_spec(base / "spec", languages=("en",))
    code, _, err = run("finalize", spec, "-o", base / "final")
    assert code == 0, err
    return base / "final"


@pytest.fixture
def outdir(fresh: Path, tmp_path: Path) -> Path:
    return shutil.copytree(fresh, tmp_path / "final")


def fails(outdir: Path, *causes: str) -> str:
    """verify exits 1, says no OK, and names every cause (as "FAIL: <path>: <cause>" lines)."""
    code, out, err = run("verify", outdir)
    assert code == 1, (out, err)
    assert "OK:" not in out
    problems = [line for line in err.splitlines() if line.startswith("FAIL: ")]
    assert problems, err
    for cause in causes:
        assert cause in err, f"{cause!r} not in {err!r}"
    return err


def edit_manifest(outdir: Path, change, *, reseal: bool = False) -> None:
    manifest = manifest_of(outdir)
    change(manifest)
    if reseal:
        manifest["seal"] = seal_of(manifest)
    (outdir / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")


def rehash(outdir: Path, name: str) -> None:
    """What a forger would do next: put the changed file's hash in the manifest (its file list is not sealed)."""
    def change(manifest):
        data = (outdir / name).read_bytes()
        manifest["files"][name] = {**manifest["files"][name], "sha256": sha256(data), "size": len(data)}
    edit_manifest(outdir, change)


def change_docx_word(outdir: Path) -> None:
    parts = docx_parts(outdir / DOCX)
    assert parts["word/document.xml"].count(OLD) == 1
    parts["word/document.xml"] = parts["word/document.xml"].replace(OLD, NEW)
    rezip(outdir / DOCX, parts)


# -- fresh ----------------------------------------------------------------------------------------------------


def test_verify_passes_on_fresh_output(outdir):
    code, out, err = run("verify", outdir)
    assert code == 0, err
    assert err == ""
    lines = out.splitlines()
    assert lines[-1] == f"OK: {outdir} is the final text its manifest describes"
    for name in (DOCX, MD, PDF):
        assert f"ok: {name}: SHA-256 ok" in lines


# -- the .docx ------------------------------------------------------------------------------------------------


def test_one_word_changed_inside_the_docx(outdir):
    change_docx_word(outdir)
    fails(outdir, f"{outdir / DOCX}: changed (SHA-256 differs from the manifest)",
          f"{outdir / DOCX}: paragraph reviews differs", "'review'", "'revise'")


def test_one_word_changed_inside_the_docx_even_with_its_hash_updated(outdir):
    change_docx_word(outdir)
    rehash(outdir, DOCX)
    err = fails(outdir, f"{outdir / DOCX}: paragraph reviews differs")
    assert "SHA-256 differs" not in err


def test_docx_missing(outdir):
    (outdir / DOCX).unlink()
    fails(outdir, f"{outdir / DOCX}: missing")


# -- the .md --------------------------------------------------------------------------------------------------


def test_one_word_changed_in_the_markdown(outdir):
    md = (outdir / MD).read_bytes()
    assert md.count(OLD) == 1
    (outdir / MD).write_bytes(md.replace(OLD, NEW))
    rehash(outdir, MD)
    fails(outdir, f"{outdir / MD}: paragraph reviews differs")


def test_markdown_missing(outdir):
    (outdir / MD).unlink()
    fails(outdir, f"{outdir / MD}: missing")


# -- the PDF --------------------------------------------------------------------------------------------------


def test_one_byte_of_the_pdf_changed(outdir):
    data = bytearray((outdir / PDF).read_bytes())
    data[len(data) // 2] ^= 0x01
    (outdir / PDF).write_bytes(bytes(data))
    fails(outdir, f"{outdir / PDF}: changed (SHA-256 differs from the manifest)")


def test_pdf_replaced_by_an_empty_one(outdir):
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(outdir / PDF)
    fails(outdir, f"{outdir / PDF}: changed (SHA-256 differs from the manifest)",
          f"{outdir / PDF}: its text differs from the canonical text")


def test_pdf_replaced_by_a_genuine_pdfa_of_a_text_one_word_apart_with_its_hash_updated(outdir):
    """The hardest forgery: LibreOffice's PDF/A of the final .docx with one word changed, its hash put in the
    manifest. Only the text comparison can catch it."""
    parts = docx_parts(outdir / DOCX)
    parts["word/document.xml"] = parts["word/document.xml"].replace(OLD, NEW)
    forged = outdir.parent / "forged.docx"
    rezip(forged, parts)
    (outdir / PDF).write_bytes(docx_to_pdf(forged.read_bytes(), pdfa=True))
    rehash(outdir, PDF)
    err = fails(outdir, f"{outdir / PDF}: its text differs from the canonical text")
    assert "SHA-256 differs" not in err


def test_pdf_replaced_by_something_else(outdir):
    (outdir / PDF).write_bytes(b"not a pdf at all\n")
    rehash(outdir, PDF)
    fails(outdir, f"{outdir / PDF}: the PDF's text cannot be extracted")


def test_pdf_missing(outdir):
    (outdir / PDF).unlink()
    fails(outdir, f"{outdir / PDF}: missing")


# -- the manifest ---------------------------------------------------------------------------------------------


def test_manifest_title_edited(outdir):
    edit_manifest(outdir, lambda m: m["document"].update(title="A forged title"))
    fails(outdir, f"{outdir / 'manifest.json'}: edited (its seal no longer matches its content)")


def test_manifest_title_edited_and_resealed(outdir):
    """Recomputing the seal does not help: the .docx carries the original seal."""
    edit_manifest(outdir, lambda m: m["document"].update(title="A forged title"), reseal=True)
    fails(outdir, f"{outdir / DOCX}: its seal does not match the manifest")


def test_manifest_file_hash_edited(outdir):
    edit_manifest(outdir, lambda m: m["files"][MD].update(sha256="0" * 64))
    fails(outdir, f"{outdir / MD}: changed (SHA-256 differs from the manifest)")


def test_manifest_canonical_hash_edited(outdir):
    edit_manifest(outdir, lambda m: m["canonical_text"].update(sha256="0" * 64))
    fails(outdir, "its paragraphs do not give its canonical-text hash", "its seal no longer matches")


def test_manifest_paragraph_edited(outdir):
    def change(manifest):
        reviews = next(p for p in manifest["paragraphs"] if p["id"] == "reviews")
        reviews["text"] = reviews["text"].replace("review", "revise")
    edit_manifest(outdir, change, reseal=True)
    fails(outdir, "its paragraphs do not give its canonical-text hash", f"{outdir / DOCX}: paragraph reviews differs")


def test_manifest_revision_chain_edited(outdir):
    edit_manifest(outdir, lambda m: m["revisions"][0].update(content_hash="0" * 64))
    fails(outdir, "its seal no longer matches")


def test_manifest_forced_list_edited(outdir):
    edit_manifest(outdir, lambda m: m.update(forced=["1. (welcomes): status is pending"]))
    fails(outdir, "its seal no longer matches")


def test_manifest_missing(outdir):
    (outdir / "manifest.json").unlink()
    fails(outdir, f"{outdir / 'manifest.json'}: missing")


def test_manifest_not_json(outdir):
    (outdir / "manifest.json").write_text("{ this is not json", encoding="utf-8")
    fails(outdir, "not readable JSON")


def test_manifest_file_list_emptied(outdir):
    edit_manifest(outdir, lambda m: m.update(files={}))
    fails(outdir, "lists no files")


def test_manifest_file_name_escaping_the_directory(outdir):
    edit_manifest(outdir, lambda m: m["files"].update({"../outside.md": {"sha256": "0" * 64, "size": 1}}))
    fails(outdir, "'../outside.md' is not allowed")
