"""`drafting verify OUTDIR` (issue 5, item 3): OK on fresh output; after each kind of tampering exit 1 and a
line naming the file and the cause. (The signature cases are in test_sign.)"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from drafting.cli import cli
from drafting.final.manifest import seal_of
from drafting.support.office import docx_to_pdf
from tests.final import NAME, docx_parts, manifest_of, rezip, sha256, write_manifest, write_spec

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
    write_manifest(outdir, manifest)


def rehash(outdir: Path, name: str) -> None:
    """What a forger would do next: put the changed file's hash and size in the manifest (they are not sealed)."""
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
    edit_manifest(outdir, lambda m: m["files"].update({"../outside.md": {
        "sha256": "0" * 64, "size": 1, "kind": "text", "language": "en",
        "media_type": "text/markdown; charset=utf-8"}}))
    fails(outdir, "'../outside.md' is not allowed")


# -- what fuzzing found: a damaged or forged final is refused in lines naming it, never a crash or a hang ------


@pytest.mark.parametrize(("change", "place"), [
    (lambda m: m.update(document=None), "document is not an object"),
    (lambda m: m.update(files=[[1]]), "files is not an object"),
    (lambda m: m["paragraphs"][0].pop("label"), "paragraphs[0].label is missing"),
    (lambda m: m["files"].update({"a\0.md": m["files"][MD]}), "files has an empty key or one with a NUL"),
    (lambda m: m.update(record={"seq": "x", "hash": "h"}), "record.seq is not a whole number"),
    (lambda m: m["document"].update(revision=True), "document.revision is not a whole number"),
    (lambda m: m.update(extra=1), "extra is not part of a final manifest"),
])
def test_a_manifest_of_another_shape_is_refused_in_one_line(outdir, change, place):
    """Values of the wrong type anywhere in the manifest crashed verify (exit 3); bad-inputs V1."""
    edit_manifest(outdir, change, reseal=True)
    err = fails(outdir, f"{outdir / 'manifest.json'}: not a manifest finalize writes ({place}")
    assert len(err.splitlines()) == 1


def test_a_final_document_of_another_shape_is_refused_not_rendered(outdir):
    edit_manifest(outdir, lambda m: m["final_documents"]["en"].update(language=None), reseal=True)
    fails(outdir, "its en final document is unreadable (language is not a string)")


def _verify_process(outdir: Path) -> subprocess.CompletedProcess[str]:
    """verify in a process of its own, with a time limit: what it must not do is wait."""
    return subprocess.run([sys.executable, "-m", "drafting", "verify", str(outdir)], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "DRAFTING_RESIDENT": "0"}, check=False)


@pytest.mark.parametrize("name", [MD, "manifest.json"])
def test_a_fifo_in_place_of_a_file_is_reported_not_waited_on(outdir, name):
    (outdir / name).unlink()
    os.mkfifo(outdir / name)
    done = _verify_process(outdir)
    assert done.returncode == 1, done.stderr
    assert f"FAIL: {outdir / name}: not a regular file" in done.stderr


def test_a_directory_in_place_of_a_file_is_one_problem_among_the_others(outdir):
    (outdir / MD).unlink()
    (outdir / MD).mkdir()
    change_docx_word(outdir)
    fails(outdir, f"{outdir / MD}: not a regular file", f"{outdir / DOCX}: paragraph reviews differs")


def test_verify_given_a_file_says_so_in_one_line(outdir):
    code, _, err = run("verify", outdir / MD)
    assert code == 1 and err.strip() == f"Error: {outdir / MD}: not a directory holding a final version"


def test_a_damaged_deflate_stream_in_the_docx_is_a_problem_not_a_crash(outdir):
    data = bytearray((outdir / DOCX).read_bytes())
    with zipfile.ZipFile(outdir / DOCX) as package:
        info = package.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 40, start + 80):
        data[offset] ^= 0x5A
    (outdir / DOCX).write_bytes(bytes(data))
    rehash(outdir, DOCX)
    err = fails(outdir, f"{outdir / DOCX}: ")
    assert "internal error" not in err


def test_a_size_or_media_type_rewritten_is_found(outdir):
    edit_manifest(outdir, lambda m: m["files"][MD].update(size=1, media_type="text/html"))
    fails(outdir, f"{outdir / MD}: {(outdir / MD).stat().st_size} bytes, not the 1 the manifest gives",
          "the manifest gives it the media type 'text/html'", "the kind, language or media type it gives")


def test_a_file_removed_with_its_entry_is_found(outdir):
    (outdir / PDF).unlink()
    edit_manifest(outdir, lambda m: m["files"].pop(PDF))
    fails(outdir, f"does not list {PDF}, which its sealed contents name (removed?)")


def test_a_file_s_kind_rewritten_is_found(outdir):
    edit_manifest(outdir, lambda m: m["files"][PDF].update(kind="side-by-side"))
    fails(outdir, f"the kind, language or media type it gives {PDF} are not those its sealed contents give")


def test_a_manifest_written_otherwise_than_finalize_writes_it_is_found(outdir):
    manifest = manifest_of(outdir)
    (outdir / "manifest.json").write_text(json.dumps(manifest, indent=4, sort_keys=True), encoding="utf-8")
    fails(outdir, "not written as finalize writes it")


def test_a_revision_appended_to_an_unsigned_pdf_is_found(outdir):
    """A script added as an incremental update leaves the text, and the hash can be rewritten."""
    with (outdir / PDF).open("ab") as pdf:
        pdf.write(b"\n99 0 obj\n<< /S /JavaScript /JS (app.alert\\('x'\\)) >>\nendobj\nstartxref\n0\n%%EOF\n")
    rehash(outdir, PDF)
    fails(outdir, f"{outdir / PDF}: a revision was appended after the PDF was made")


def test_bytes_after_the_end_of_an_unsigned_pdf_are_found(outdir):
    with (outdir / PDF).open("ab") as pdf:
        pdf.write(b"<< /S /JavaScript /JS (x) >>\n")
    rehash(outdir, PDF)
    fails(outdir, f"{outdir / PDF}: bytes after the end of the PDF")


def test_a_script_written_into_an_unsigned_pdf_is_found(outdir):
    """An opening action that runs a script, saved in a compressed object stream (no `/JS` in the file's bytes)
    and the whole file rewritten as one revision: read from the PDF's objects."""
    with pikepdf.open(outdir / PDF) as pdf:
        pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert(1)"))
        pdf.save(outdir / "forged.pdf", object_stream_mode=pikepdf.ObjectStreamMode.generate)
    (outdir / "forged.pdf").replace(outdir / PDF)
    assert b"/JavaScript" not in (outdir / PDF).read_bytes()
    rehash(outdir, PDF)
    fails(outdir, f"{outdir / PDF}: holds a JavaScript action, which acts when it is opened or clicked")


def test_a_genuine_pdf_holds_nothing_that_acts():
    """LibreOffice's PDF/A opens at its first page (an /OpenAction destination): that does not act."""
    from drafting.final.sign import unsigned_pdf_problem

    assert unsigned_pdf_problem(docx_to_pdf(_assembled_docx(), pdfa=True)) is None


def _assembled_docx() -> bytes:
    import tempfile

    from drafting.app import assemble_to
    from tests.conftest import ALMATY_SPEC
    with tempfile.TemporaryDirectory() as directory:
        (path,) = [p for p in assemble_to(ALMATY_SPEC, Path(directory), ("docx",), language="en")]
        return path.read_bytes()


@pytest.mark.parametrize("change", [
    lambda m: m["paragraphs"][0].update(text="\ud800"),
    lambda m: m["revisions"][0].update(label="Rev.\udfff"),  # a part whose inner shape is not checked
    lambda m: m["final_documents"]["en"]["paragraphs"][0]["spans"][0].__setitem__(0, "\ud800"),
])
def test_a_manifest_with_a_lone_surrogate_is_refused_not_a_crash(outdir, change):
    manifest = manifest_of(outdir)
    change(manifest)
    (outdir / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="ascii")
    err = fails(outdir, f"{outdir / 'manifest.json'}: holds a lone surrogate")
    assert len(err.splitlines()) == 1


def test_a_listed_file_that_cannot_be_read_is_reported(outdir, monkeypatch):
    """(A file the user may not read: root reads every file, so the refusal is simulated.)"""
    from drafting.final import manifest

    regular = manifest.read_regular
    monkeypatch.setattr(manifest, "read_regular",
                        lambda path: "cannot be read (Permission denied)" if path.name == MD else regular(path))
    fails(outdir, f"{outdir / MD}: cannot be read (Permission denied)")


def test_an_unsigned_final_says_what_its_ok_is_worth(outdir):
    code, out, _ = run("verify", outdir)
    assert code == 0
    assert "note: this final version is not signed: its files agree with each other" in out


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("bilingual")
    spec = write_spec(base / "spec", languages=("en", "ru"))
    code, _, err = run("finalize", spec, "-o", base / "final")
    assert code == 0, err
    return base / "final"


def test_the_side_by_side_pdf_is_checked_for_both_languages_words(bilingual, tmp_path):
    """The side-by-side PDF was never read when the final was unsigned: any PDF with its hash rewritten passed."""
    side_by_side = f"{NAME}.en-ru.pdf"
    code, _, err = run("verify", bilingual)
    assert code == 0, err
    outdir = shutil.copytree(bilingual, tmp_path / "final")
    shutil.copy(outdir / PDF, outdir / side_by_side)  # a genuine PDF of the English text alone
    rehash(outdir, side_by_side)
    fails(outdir, f"{outdir / side_by_side}: its words are not those of its language versions")


def test_a_file_name_too_long_for_the_file_system_is_not_allowed(outdir):
    edit_manifest(outdir, lambda m: m["files"].update({"a" * 300 + ".md": m["files"][MD]}))
    fails(outdir, "is not allowed")


def test_final_documents_removed_from_a_manifest_that_seals_its_contents_is_found(outdir):
    """Without them the .docx is not rendered again, and a comment slipped into it would pass."""
    edit_manifest(outdir, lambda m: m.pop("final_documents"), reseal=True)
    fails(outdir, f"{outdir / 'manifest.json'}: holds no final documents (removed?)")


def test_an_invisible_character_of_the_text_is_not_looked_for_in_the_side_by_side_pdf():
    """A soft hyphen or a zero-width space is in the text but not drawn: "estab\u00adlish" reads "establish"."""
    from drafting.final.manifest import _side_by_side_words_match

    manifest = {"document": {"language": "en", "languages": ["en", "ru"]},
                "paragraphs": [{"id": "p", "label": "", "text": "To estab\u00adlish the\u200bforum"}],
                "translations": {"ru": {"paragraphs": [{"id": "p", "label": "", "text": "Учредить"}]}}}
    assert _side_by_side_words_match(manifest, ["To", "establish", "theforum", "Учредить"])


@pytest.mark.parametrize(("found", "matches"), [
    (["English", "Русский", "Welcomes", "the", "plan", "Приветствует", "план"], True),
    (["English", "Wel", "comes", "the", "plan", "Приветствует", "план"], True),  # hyphenated at a column's end
    (["English", "Welcomes", "the", "plan", "Приветствует"], False),  # a word lost
    (["English", "Welcomes", "the", "plan", "Приветствует", "план", "forged"], False),  # a word added
    (["Welcomes", "the", "plan", "the", "Приветствует", "план"], False),  # a word twice
])
def test_a_side_by_side_pdf_must_hold_every_word_of_both_versions_and_no_other(found, matches):
    from drafting.final.manifest import _side_by_side_words_match

    manifest = {"document": {"language": "en", "languages": ["en", "ru"]},
                "paragraphs": [{"id": "p", "label": "", "text": "Welcomes the plan"}],
                "translations": {"ru": {"paragraphs": [{"id": "p", "label": "", "text": "Приветствует план"}]}}}
    assert _side_by_side_words_match(manifest, found) is matches
