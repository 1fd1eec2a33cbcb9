"""Digital signature of the final PDF (issue 5, item 4): `finalize --sign CERT.p12 --password-file F` signs it
(PAdES baseline, pyHanko); `verify` validates it (intact, whole file covered, signer named) and says what is
wrong after the signature's bytes, the signed bytes or the file after it are changed. The certificate is a
throwaway made at test time (self-signed RSA in a password-protected PKCS#12 under tmp_path); no key is
ever committed. Bad certificates are refused before anything is written.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from cryptography.x509.oid import NameOID

from drafting.cli import cli
from drafting.final.sign import check_signature
from tests.final import (
    NAME,
    canonical_lines,
    manifest_of,
    normalise,
    pdf_text,
    sha256,
    snapshot,
    write_manifest,
    write_spec,
)

pytestmark = pytest.mark.libreoffice

PDF = f"{NAME}.pdf"
SIGNER = "Test Clerk"
PASSWORD = "correct horse battery staple"


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], env={"DRAFTING_ACTOR": "clerk"})
    return result.exit_code, result.stdout, result.stderr


@dataclass(frozen=True)
class Certificate:
    p12: Path
    password_file: Path


def make_certificate(directory: Path) -> Certificate:
    """A self-signed RSA certificate for "Test Clerk" with its key, in a PKCS#12 file protected by PASSWORD."""
    directory.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SIGNER),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Conference Secretariat (test)")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    p12 = directory / "clerk.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"clerk", key, certificate, None, BestAvailableEncryption(PASSWORD.encode())))
    password_file = directory / "password.txt"
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    return Certificate(p12, password_file)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return make_certificate(tmp_path_factory.mktemp("certificate"))


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_spec(tmp_path_factory.mktemp("spec"), languages=("en",))


@pytest.fixture(scope="module")
def signed(spec: Path, certificate: Certificate, tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("signed") / "final"
    code, _, err = run("finalize", spec, "-o", outdir, "--sign", certificate.p12,
                       "--password-file", certificate.password_file)
    assert code == 0, err
    return outdir


@pytest.fixture
def outdir(signed: Path, tmp_path: Path) -> Path:
    return shutil.copytree(signed, tmp_path / "final")


def rehash_pdf(outdir: Path) -> None:
    """Put the altered PDF's hash into the manifest, so that only the signature check can tell."""
    manifest = manifest_of(outdir)
    data = (outdir / PDF).read_bytes()
    manifest["files"][PDF].update(sha256=sha256(data), size=len(data))
    write_manifest(outdir, manifest)


def byte_range(data: bytes) -> list[int]:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return [int(x) for x in PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures[0].byte_range]


def verify_fails(outdir: Path, cause: str) -> str:
    code, out, err = run("verify", outdir)
    assert code == 1, (out, err)
    assert "OK:" not in out
    assert f"FAIL: {outdir / PDF}: {cause}" in err, err
    assert "internal error" not in err
    return err


# -- signed ---------------------------------------------------------------------------------------------------


def test_verify_validates_the_signature_and_names_the_signer(signed):
    code, out, err = run("verify", signed)
    assert code == 0, err
    line = next(line for line in out.splitlines() if line.startswith(f"ok: {PDF}: signature"))
    # No trust anchor given: the signer is named as the certificate names itself, never vouched for.
    assert line.startswith(f"ok: {PDF}: signature intact, signer not verified against a trust anchor ")
    assert SIGNER in line
    assert out.splitlines()[-1].startswith("OK:")


def test_manifest_records_the_signer_and_the_standard(signed):
    signature = manifest_of(signed)["signature"]
    assert SIGNER in signature["signer"]
    assert signature["standard"].startswith("PAdES")


def test_signature_is_pades_and_covers_the_whole_file(signed):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    data = (signed / PDF).read_bytes()
    embedded = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    assert len(embedded) == 1
    assert embedded[0].sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    status = validate_pdf_signature(embedded[0], ValidationContext(trust_roots=[], allow_fetching=False))
    assert status.intact and status.valid
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert SIGNER in status.signing_cert.subject.human_friendly
    check = check_signature(data)
    assert check is not None and check.ok and SIGNER in check.signer


def test_signed_pdf_is_still_pdfa_2b_with_the_canonical_text(signed):
    """Signing is an incremental update: the archival content, its PDF/A identification and its text stay."""
    with pikepdf.open(signed / PDF) as pdf:
        xmp = pdf.open_metadata()
        assert (xmp["pdfaid:part"], xmp["pdfaid:conformance"]) == ("2", "B")
    assert pdf_text(signed / PDF) == normalise(" ".join(canonical_lines(manifest_of(signed))))


# -- altered --------------------------------------------------------------------------------------------------


def test_signature_bytes_altered(outdir):
    data = bytearray((outdir / PDF).read_bytes())
    _, end1, start2, _ = byte_range(bytes(data))
    contents = bytes(data[end1 + 1:start2 - 1])  # "<hex>" between the two signed ranges
    der = bytes.fromhex(contents.decode("ascii"))
    length = len(der.rstrip(b"\0"))  # the CMS blob, before the zero padding; the signature value is its end
    position = end1 + 1 + 2 * (length - 8)
    data[position:position + 1] = b"0" if data[position:position + 1] != b"0" else b"1"
    (outdir / PDF).write_bytes(bytes(data))
    rehash_pdf(outdir)
    verify_fails(outdir, "the signature is broken (signed bytes altered)")


def test_signed_bytes_altered(outdir):
    """One byte of the signed document (the title in the info dictionary) changed: the digest no longer holds."""
    data = (outdir / PDF).read_bytes()
    start, end1, _, _ = byte_range(data)
    title = b"(Declaration on regional cooperation)"
    index = data.index(title)
    assert start <= index < end1
    data = data[:index] + title.replace(b"ion)", b"iom)") + data[index + len(title):]
    (outdir / PDF).write_bytes(data)
    rehash_pdf(outdir)
    verify_fails(outdir, "the signature is broken (signed bytes altered)")


def test_update_appended_after_signing(outdir):
    """A later incremental update (here: a new title) leaves the signature intact but not covering the file."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    data = (outdir / PDF).read_bytes()
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    info = writer.root  # any change will do: mark the catalog as updated
    info["/Lang"] = generic.TextStringObject("fr-FR")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    (outdir / PDF).write_bytes(out.getvalue())
    rehash_pdf(outdir)
    verify_fails(outdir, "changed after signing (the signature does not cover the whole file)")


def test_signature_removed(outdir):
    """The unsigned original (the bytes before the signing update) in place of the signed PDF."""
    data = (outdir / PDF).read_bytes()
    _, end1, _, _ = byte_range(data)
    original_end = data.rfind(b"%%EOF", 0, end1) + len(b"%%EOF")
    original = data[:original_end] + b"\n"
    (outdir / PDF).write_bytes(original)
    rehash_pdf(outdir)
    verify_fails(outdir, "the signature is missing")


# -- bad certificates: refused, nothing written ---------------------------------------------------------------


def refused(args: list[object], outdir: Path, cause: str) -> None:
    before = snapshot(outdir)
    code, out, err = run(*args)
    assert code == 1, (out, err)
    assert out == ""
    assert err.count("\n") == 1 and cause in err, err
    assert snapshot(outdir) == before


def test_unreadable_certificate(spec, certificate, tmp_path):
    garbage = tmp_path / "garbage.p12"
    garbage.write_bytes(b"\x30\x82\x01\x00" + b"not a certificate" * 10)
    outdir = tmp_path / "out"
    refused(["finalize", spec, "-o", outdir, "--sign", garbage, "--password-file", certificate.password_file],
            outdir, "cannot open the certificate: not a readable PKCS#12 file")
    assert not outdir.exists()


def test_missing_certificate(spec, tmp_path):
    outdir = tmp_path / "out"
    refused(["finalize", spec, "-o", outdir, "--sign", tmp_path / "nowhere.p12"], outdir,
            "cannot read the certificate")
    assert not outdir.exists()


def test_wrong_password(spec, certificate, tmp_path):
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("incorrect\n", encoding="utf-8")
    outdir = tmp_path / "out"
    refused(["finalize", spec, "-o", outdir, "--sign", certificate.p12, "--password-file", wrong], outdir,
            "cannot open the certificate: wrong password")
    assert not outdir.exists()


def test_wrong_password_leaves_an_existing_final_version_alone(spec, certificate, outdir, tmp_path):
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("incorrect\n", encoding="utf-8")
    refused(["finalize", spec, "-o", outdir, "--sign", certificate.p12, "--password-file", wrong], outdir,
            "wrong password")
    code, _, err = run("verify", outdir)
    assert code == 0, err


def test_password_needed(spec, certificate, tmp_path):
    outdir = tmp_path / "out"
    refused(["finalize", spec, "-o", outdir, "--sign", certificate.p12], outdir,
            "the certificate is password-protected: give --password-file")
    assert not outdir.exists()


def test_password_file_without_sign_is_a_usage_error(spec, certificate, tmp_path):
    code, _, err = run("finalize", spec, "-o", tmp_path / "out", "--password-file", certificate.password_file)
    assert code == 2 and "--password-file needs --sign" in err
    assert not (tmp_path / "out").exists()


def test_a_signed_pdf_under_a_manifest_whose_signature_was_removed_is_found(signed):
    """A signed final downgraded to an unsigned one (the manifest's signature and its .p7s removed, resealed):
    its PDFs still carry their signatures, which an unsigned final's never do."""
    from drafting.final.sign import unsigned_pdf_problem

    assert unsigned_pdf_problem((signed / PDF).read_bytes()) == (
        "carries a signature, but the manifest is not signed (its signature removed?)")
