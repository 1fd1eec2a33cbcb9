"""PAdES signatures on the final PDF (pyHanko): sign with a PKCS#12 file, validate what was signed.

Signing is an incremental update of the PDF/A file, so the archival content is untouched; validation
reports whether the signature is intact, whether it covers the whole file (nothing added since signing)
and who signed.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from drafting.errors import DraftingInputError

if TYPE_CHECKING:
    from pyhanko.sign.signers import SimpleSigner

MAX_CERT_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    intact: bool
    covers_whole_file: bool
    signer: str
    field: str

    @property
    def ok(self) -> bool:
        return self.intact and self.covers_whole_file


def _read(path: Path, what: str) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DraftingInputError(f"cannot read the {what}: {exc.strerror}", source=str(path)) from exc
    if len(data) > MAX_CERT_BYTES:
        raise DraftingInputError(f"the {what} is too large", source=str(path))
    return data


def load_signer(cert: Path, password_file: Path | None) -> SimpleSigner:
    """The signer in a PKCS#12 file; a wrong password or an unreadable file is a clear refusal."""
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.sign import signers

    data = _read(cert, "certificate")
    password = _read(password_file, "password file").rstrip(b"\r\n") if password_file else None
    try:
        key, certificate, _chain = pkcs12.load_key_and_certificates(data, password)
    except ValueError as exc:
        message = str(exc).lower()
        if password is None and "password" in message:
            raise DraftingInputError("the certificate is password-protected: give --password-file",
                                     source=str(cert)) from exc
        reason = "wrong password" if "password" in message or "mac" in message else "not a readable PKCS#12 file"
        raise DraftingInputError(f"cannot open the certificate: {reason}", source=str(cert)) from exc
    except TypeError as exc:
        raise DraftingInputError("the certificate is password-protected: give --password-file",
                                 source=str(cert)) from exc
    if key is None or certificate is None:
        raise DraftingInputError("the PKCS#12 file holds no private key and certificate", source=str(cert))
    signer: SimpleSigner | None = signers.SimpleSigner.load_pkcs12(  # type: ignore[no-untyped-call]
        str(cert), passphrase=password)
    if signer is None:
        raise DraftingInputError("cannot open the certificate", source=str(cert))
    return signer


def signer_name(signer: SimpleSigner) -> str:
    certificate = signer.signing_cert
    return "" if certificate is None else str(certificate.subject.human_friendly)


def sign_pdf(pdf: bytes, signer: SimpleSigner, *, reason: str, location: str) -> bytes:
    """`pdf` with a PAdES baseline signature by `signer` (incremental update)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name="AuthenticSignature", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason, location=location,
    )
    out = signers.sign_pdf(writer, meta, signer=signer)
    return bytes(out.getvalue())


def check_signature(pdf: bytes) -> SignatureCheck | None:
    """The first signature of `pdf` checked for integrity and coverage; None when unsigned."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # pyHanko raises many kinds on a damaged file; all mean "not verifiable"
        raise DraftingInputError(f"the signature cannot be read (its bytes were altered?): {exc}") from exc
    if not signatures:
        return None
    embedded = signatures[0]
    # Trust is reported separately (a clerk's own certificate is often self-signed): keep pyHanko's
    # path-building complaints out of the user's terminal.
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        # Explicitly no trust roots and no fetching: integrity and coverage are checked offline, and pyHanko
        # no longer falls back (deprecated) on the operating system's trust list.
        status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[], allow_fetching=False))
    except (SignatureValidationError, ValueError) as exc:
        return SignatureCheck(False, False, f"(invalid: {exc})", embedded.field_name)
    coverage = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    return SignatureCheck(bool(status.intact and status.valid), coverage,
                          str(status.signing_cert.subject.human_friendly), embedded.field_name)
