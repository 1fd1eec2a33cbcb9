"""`verify OUT --workspace WS` (issue 12, item 2): the final text must derive from the agreed revision in the
record. A forgery made consistently (its .md, .docx, PDF and manifest all say "2099") passes `verify` alone,
and fails against the record."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafting import app as api
from drafting.cli import cli
from tests.final import NAME, Negotiation, manifest_of, md_lines, negotiate, pdf_text, write_manifest, write_spec

pytestmark = pytest.mark.libreoffice


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], env={"DRAFTING_ACTOR": "clerk"})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def negotiation(tmp_path_factory: pytest.TempPathFactory) -> Negotiation:
    return negotiate(tmp_path_factory.mktemp("negotiation"))


@pytest.fixture(scope="module")
def finals(negotiation: Negotiation, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The genuine final of the record, and a forgery: a copy of the workspace where "2013" became "2099" by one
    more accepted amendment and revision, finalized with a PDF like the genuine one."""
    base = tmp_path_factory.mktemp("finals")
    ws = Path(shutil.copytree(negotiation.agreed, base / "ws"))
    api.finalize(ws, base / "genuine")
    forged_ws = Path(shutil.copytree(negotiation.agreed, base / "forged-ws"))
    rev2 = (negotiation.directory / "rev2" / f"{NAME}-rev2.md").read_text(encoding="utf-8")
    assert rev2.count("again in 2013") == 1
    edited = base / "kaz-forged.md"
    edited.write_text(rev2.replace("again in 2013", "again in 2099"), encoding="utf-8")
    api.submit(forged_ws, "KAZ", edited, actor="forger")
    report = api.status_report(forged_ws)
    for amendment in [a["id"] for p in report["paragraphs"] for a in p["amendments"] if a["decision"] == "pending"]:
        api.decide(forged_ws, amendment, "accept", actor="forger")
    api.revise(forged_ws, base / "rev3", ("md",), actor="forger")
    api.mark(forged_ws, "ALL", "agreed", actor="forger")
    api.finalize(forged_ws, base / "forged")
    return {"ws": ws, "genuine": base / "genuine", "forged": base / "forged"}


def test_the_genuine_final_derives_from_the_record(finals: dict[str, Path]) -> None:
    code, out, err = run("verify", finals["genuine"], "--workspace", finals["ws"])
    assert code == 0, err
    assert "ok: the agreed text is Rev.2 of the record" in out
    assert "ok: the en final text derives from Rev.2 by the final transformations" in out
    assert "ok: the record's finalized event names this final version's seal" in out
    assert out.splitlines()[-1].endswith(f"derived from the agreed text of {finals['ws']}")


def test_the_manifest_names_the_agreed_revision_the_accepted_amendments_and_the_record_state(
        finals: dict[str, Path], negotiation: Negotiation) -> None:
    manifest = manifest_of(finals["genuine"])
    assert manifest["agreed"]["revision"] == 2
    accepted = {(a["id"], a["delegation"]) for a in manifest["agreed"]["accepted"]}
    assert {a for a, _ in accepted} == set(negotiation.accepted)
    assert {d for _, d in accepted} <= {"Kazakhstan", "Kyrgyzstan", "Tajikistan"}
    assert negotiation.rejected not in {a for a, _ in accepted}
    events = api.log_events(finals["ws"])
    record = manifest["record"]
    assert (record["seq"], record["hash"]) in {(e.seq, e.hash) for e in events}
    assert events[-1].kind == "finalized" and events[-1].detail["seal"] == manifest["seal"]


def test_a_forgery_consistent_in_md_docx_and_pdf_passes_alone_but_not_against_the_record(
        finals: dict[str, Path]) -> None:
    forged = finals["forged"]
    assert any("again in 2099" in line for line in md_lines(forged / f"{NAME}.md"))
    assert "again in 2099" in pdf_text(forged / f"{NAME}.pdf")
    code, _, err = run("verify", forged)
    assert code == 0, err  # internally consistent: only the record can tell
    code, out, err = run("verify", forged, "--workspace", finals["ws"])
    assert code == 1, out
    assert "OK:" not in out
    assert f"FAIL: {forged / 'manifest.json'}: names Rev.3, which the record does not hold" in err
    assert "has no `finalized` event for this final version" in err


def test_the_agreed_revision_rewritten_in_the_manifest_is_caught(finals: dict[str, Path], tmp_path: Path) -> None:
    """The forger relabels the forgery as Rev.2 (resealing the manifest): its text still does not derive."""

    from drafting.final.manifest import seal_of

    forged = Path(shutil.copytree(finals["forged"], tmp_path / "forged"))
    genuine = manifest_of(finals["genuine"])
    manifest = manifest_of(forged)
    manifest["agreed"] = genuine["agreed"]
    manifest["record"] = genuine["record"]
    manifest["seal"] = seal_of(manifest)
    write_manifest(forged, manifest)
    code, out, err = run("verify", forged, "--workspace", finals["ws"])
    assert code == 1, out
    assert "the en final text does not derive from Rev.2 of the record: paragraph" in err
    assert "its text differs from the agreed text" in err


def test_a_final_made_from_a_spec_names_no_revision_of_the_record(finals: dict[str, Path], tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "spec", languages=("en",))
    api.finalize(spec, tmp_path / "out", pdf=False)
    code, _, err = run("verify", tmp_path / "out", "--workspace", finals["ws"])
    assert code == 1
    assert "its accepted amendments are not those the record holds" in err
    assert "the record has no `finalized` event for this final version" in err


def test_a_pdf_made_again_with_its_hash_rewritten_is_found_against_the_record(finals: dict[str, Path],
                                                                                tmp_path: Path) -> None:
    """A PDF re-made (the words of a side-by-side PDF moved about, say: its words are all there) with its hash
    and size put in the manifest passes `verify` alone; the record's finalized event names every file's hash."""
    from drafting.support.office import docx_to_pdf
    from tests.final import sha256

    outdir = Path(shutil.copytree(finals["genuine"], tmp_path / "final"))
    pdf = outdir / f"{NAME}.pdf"
    pdf.write_bytes(docx_to_pdf((outdir / f"{NAME}.docx").read_bytes(), pdfa=True))  # the same text, made again
    manifest = manifest_of(outdir)
    manifest["files"][pdf.name].update(sha256=sha256(pdf.read_bytes()), size=pdf.stat().st_size)
    write_manifest(outdir, manifest)
    assert run("verify", outdir)[0] == 0
    code, _, err = run("verify", outdir, "--workspace", finals["ws"])
    assert code == 1
    assert f"its files are not those the record's finalized event names ({pdf.name})" in err
