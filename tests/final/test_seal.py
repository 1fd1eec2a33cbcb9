"""A sealed manifest (issue 12, item 3): the forgeries of the issue, each with the manifest's hashes rewritten as a
forger would, are found; a signed final signs its whole manifest (detached CMS); `verify` names the signer's
certificate by fingerprint and claims nothing about who signed unless `--trust` gives an anchor."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

from drafting import app as api
from drafting.cli import cli
from drafting.final.manifest import media_type
from tests.final import NAME, docx_parts, manifest_of, rezip, sha256, write_manifest, write_spec
from tests.final.test_sign import PASSWORD, SIGNER, Certificate, make_certificate

DOCX, MD, PDF = f"{NAME}.docx", f"{NAME}.md", f"{NAME}.pdf"


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], env={"DRAFTING_ACTOR": "clerk"})
    return result.exit_code, result.stdout, result.stderr


def rehash(outdir: Path, *names: str) -> None:
    """The forger's next step: the changed files' hashes and sizes put into the manifest."""
    manifest = manifest_of(outdir)
    for name in names:
        data = (outdir / name).read_bytes()
        manifest["files"][name] = {"kind": "text", "language": name.split(".")[-2] if name.count(".") > 1 else "en",
                                   "media_type": media_type(name), **manifest["files"].get(name, {}),
                                   "sha256": sha256(data), "size": len(data)}
    write_manifest(outdir, manifest)


def fails(outdir: Path, *causes: str, extra: tuple[str, ...] = ()) -> str:
    code, out, err = run("verify", outdir, *extra)
    assert code == 1, (out, err)
    assert "OK:" not in out
    for cause in causes:
        assert cause in err, f"{cause!r} not in {err!r}"
    return err


def pem_of(certificate: Certificate, target: Path) -> Path:
    _, cert, _ = pkcs12.load_key_and_certificates(certificate.p12.read_bytes(), PASSWORD.encode())
    assert cert is not None
    target.write_bytes(cert.public_bytes(Encoding.PEM))
    return target


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_spec(tmp_path_factory.mktemp("spec"), languages=("en",))


@pytest.fixture(scope="module")
def unsigned(spec: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("unsigned") / "final"
    api.finalize(spec, outdir, pdf=False)
    return outdir


@pytest.fixture
def outdir(unsigned: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(unsigned, tmp_path / "final"))


# -- the forgeries of the issue, on an unsigned final --------------------------------------------------------


def test_the_untouched_final_verifies_and_its_files_render_again_to_the_same_bytes(outdir: Path) -> None:
    code, out, err = run("verify", outdir)
    assert code == 0, err
    assert f"ok: {DOCX}: the same bytes as the final text renders to" in out
    assert f"ok: {MD}: the same bytes as the final text renders to" in out
    assert manifest_of(outdir)["files"][DOCX]["media_type"].endswith("wordprocessingml.document")


def test_core_properties_title_changed(outdir: Path) -> None:
    parts = docx_parts(outdir / DOCX)
    core = parts["docProps/core.xml"]
    title = core.split(b"<dc:title>", 1)[1].split(b"</dc:title>", 1)[0]
    parts["docProps/core.xml"] = core.replace(title, "DRAFT – NOT AGREED".encode())
    rezip(outdir / DOCX, parts)
    rehash(outdir, DOCX)
    fails(outdir, f"{outdir / DOCX}: part docProps/core.xml was changed")


def test_xml_comment_added_inside_the_docx(outdir: Path) -> None:
    parts = docx_parts(outdir / DOCX)
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b"<w:body>", b"<w:body><!-- superseded: see AUTHENTIC-VERSION.txt -->", 1)
    rezip(outdir / DOCX, parts)
    rehash(outdir, DOCX)
    fails(outdir, f"{outdir / DOCX}: part word/document.xml was changed")


def test_html_comment_appended_to_the_markdown(outdir: Path) -> None:
    with (outdir / MD).open("a", encoding="utf-8") as handle:
        handle.write("\n<!-- this text was not agreed -->\n")
    rehash(outdir, MD)
    fails(outdir, f"{outdir / MD}: lines were added")


@pytest.mark.parametrize("name", ["recommendations.fr.docx", "AUTHENTIC-VERSION.txt"])
def test_extra_files_are_refused(outdir: Path, name: str) -> None:
    (outdir / name).write_bytes(b"the real text is elsewhere\n")
    fails(outdir, f"{outdir / name}: not part of the final version (the manifest does not list it)")


def test_extra_file_added_to_the_manifest_too(outdir: Path) -> None:
    (outdir / "recommendations.fr.docx").write_bytes((outdir / DOCX).read_bytes())
    rehash(outdir, "recommendations.fr.docx")
    fails(outdir, "recommendations.fr.docx: the manifest holds no final document in its language",
          "lists recommendations.fr.docx, which its sealed contents do not name (added?)")


def test_a_listed_file_replaced_by_a_symlink_to_a_copy(outdir: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.md"
    shutil.copy(outdir / MD, elsewhere)
    (outdir / MD).unlink()
    (outdir / MD).symlink_to(elsewhere)
    fails(outdir, f"{outdir / MD}: a symbolic link")


def test_a_directory_inside_outdir_is_refused(outdir: Path) -> None:
    (outdir / "annex").mkdir()
    fails(outdir, f"{outdir / 'annex'}: not a regular file")


def test_finalize_refuses_an_outdir_holding_other_files(spec: Path, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine\n")
    with pytest.raises(Exception, match="OUTDIR already holds other files"):
        api.finalize(spec, tmp_path / "out", pdf=False)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["notes.txt"]


# -- signed finals: the manifest signed whole, the signer by fingerprint, trust only with --trust ------------


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Certificate]:
    """The clerk's certificate, and a forger's self-made one with the very same subject name."""
    base = tmp_path_factory.mktemp("certificates")
    return {"clerk": make_certificate(base / "clerk"), "forger": make_certificate(base / "forger")}


@pytest.fixture(scope="module")
def signed(spec: Path, certificates: dict[str, Certificate],
           tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The genuine final, signed by the clerk, and a forgery of it signed by the forger (same subject)."""
    base = tmp_path_factory.mktemp("signed")
    out = {}
    for who, certificate in certificates.items():
        code, _, err = run("finalize", spec, "-o", base / who, "--sign", certificate.p12,
                           "--password-file", certificate.password_file)
        assert code == 0, err
        out[who] = base / who
    out["clerk.pem"] = pem_of(certificates["clerk"], base / "clerk.pem")
    return out


@pytest.mark.libreoffice
def test_the_manifest_is_signed_with_the_certificate_of_the_pdf(signed: dict[str, Path]) -> None:
    manifest = manifest_of(signed["clerk"])
    assert (signed["clerk"] / "manifest.json.p7s").is_file()
    assert len(manifest["signature"]["fingerprint"]) == 64
    code, out, err = run("verify", signed["clerk"])
    assert code == 0, err
    fingerprint = manifest["signature"]["fingerprint"]
    assert f"ok: manifest.json: signature intact, signer not verified against a trust anchor (certificate " \
           f"SHA-256 {fingerprint}" in out
    assert f"ok: {PDF}: signature intact, signer not verified against a trust anchor (certificate SHA-256 " \
           f"{fingerprint}" in out


@pytest.mark.libreoffice
def test_without_trust_verify_never_claims_who_signed(signed: dict[str, Path]) -> None:
    """The forgery verifies as intact (it is), but nothing says it was signed by the clerk."""
    code, out, err = run("verify", signed["forger"])
    assert code == 0, err
    assert "signed by" not in out
    assert f"naming itself 'Organization: Conference Secretariat (test), Common Name: {SIGNER}'" in out
    assert "note: " in out and "not verified against a trust anchor" in out


@pytest.mark.libreoffice
def test_trust_accepts_the_clerk_and_refuses_the_forger_with_the_same_name(signed: dict[str, Path]) -> None:
    code, out, err = run("verify", signed["clerk"], "--trust", signed["clerk.pem"])
    assert code == 0, err
    assert f"ok: {PDF}: signature intact, signed by Organization: Conference Secretariat (test), Common Name: " \
           f"{SIGNER}" in out and "trusted" in out
    fails(signed["forger"], f"{PDF}: the signer's certificate", "does not chain to the trust anchor given",
          extra=("--trust", str(signed["clerk.pem"])))


@pytest.mark.libreoffice
def test_trust_takes_a_directory_of_anchors(signed: dict[str, Path], tmp_path: Path) -> None:
    anchors = tmp_path / "anchors"
    anchors.mkdir()
    shutil.copy(signed["clerk.pem"], anchors / "clerk.pem")
    code, _, err = run("verify", signed["clerk"], "--trust", anchors)
    assert code == 0, err


@pytest.mark.libreoffice
def test_a_pdf_re_signed_by_the_forger_with_its_hash_rewritten(signed: dict[str, Path], tmp_path: Path) -> None:
    outdir = Path(shutil.copytree(signed["clerk"], tmp_path / "final"))
    shutil.copy(signed["forger"] / PDF, outdir / PDF)
    rehash(outdir, PDF)
    fails(outdir, "manifest.json: changed after signing",
          f"{outdir / PDF}: signed by another certificate")


@pytest.mark.libreoffice
def test_any_rewritten_hash_breaks_the_manifest_signature(signed: dict[str, Path], tmp_path: Path) -> None:
    outdir = Path(shutil.copytree(signed["clerk"], tmp_path / "final"))
    with (outdir / MD).open("a", encoding="utf-8") as handle:
        handle.write("\n<!-- not agreed -->\n")
    rehash(outdir, MD)
    fails(outdir, "manifest.json: changed after signing (its signature no longer matches)")


@pytest.mark.libreoffice
def test_the_manifest_signature_removed(signed: dict[str, Path], tmp_path: Path) -> None:
    outdir = Path(shutil.copytree(signed["clerk"], tmp_path / "final"))
    (outdir / "manifest.json.p7s").unlink()
    fails(outdir, "manifest.json.p7s: missing (a signed final version signs its manifest)")


def test_trust_that_is_not_a_certificate_is_refused(outdir: Path, tmp_path: Path) -> None:
    bogus = tmp_path / "anchor.pem"
    bogus.write_text("not a certificate\n")
    code, _, err = run("verify", outdir, "--trust", bogus)
    assert code == 1
    assert f"{bogus}: not a certificate (PEM or DER)" in err


def test_trust_asked_of_an_unsigned_final_fails(outdir: Path, tmp_path: Path) -> None:
    """--trust means "tell me who signed": an unsigned final cannot answer."""
    certificate = make_certificate(tmp_path / "anchor")
    fails(outdir, "this final version is not signed, so no signer can be checked against the trust anchor",
          extra=("--trust", str(pem_of(certificate, tmp_path / "anchor.pem"))))
