"""PAdES signatures on the final PDF (pyHanko): sign with a PKCS#12 file, validate what was signed.

Signing is an incremental update of the PDF/A file, so the archival content is untouched; validation
reports whether the signature is intact, whether it covers the whole file (nothing added since signing)
and who signed, by name and by the SHA-256 fingerprint of the certificate. A name alone proves nothing (anyone
can make a certificate with the clerk's name): only `--trust` (a trust anchor: the clerk's own certificate, or
the CA that issued it) says the signer is who the name says.

The manifest is signed too: a detached CAdES-BES (CMS) signature (`manifest.json.p7s`, DER) over the manifest's
canonical JSON, by the same certificate as the PDF.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from drafting.errors import DraftingInputError

if TYPE_CHECKING:
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.signers import SimpleSigner

MAX_CERT_BYTES = 1024 * 1024


MAX_TRUST_FILES = 200


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """What a signature says: intact, covering the whole file, by whom (name and certificate fingerprint), and
    whether that certificate chains to a trust anchor given (None: no anchor was given)."""

    intact: bool
    covers_whole_file: bool
    signer: str
    field: str
    fingerprint: str = ""
    trusted: bool | None = None

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


def fingerprint(certificate: asn1_x509.Certificate | None) -> str:
    """SHA-256 of the certificate's DER bytes, hex: what identifies a signer (a name can be copied)."""
    import hashlib

    return "" if certificate is None else hashlib.sha256(certificate.dump()).hexdigest()


def signer_fingerprint(signer: SimpleSigner) -> str:
    return fingerprint(signer.signing_cert)


def load_trust(path: Path) -> list[asn1_x509.Certificate]:
    """Trust anchors from a certificate file (PEM, several allowed, or DER) or every such file in a directory."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    files = sorted(p for p in path.iterdir() if p.is_file())[:MAX_TRUST_FILES] if path.is_dir() else [path]
    anchors = []
    for file in files:
        data = _read(file, "trust anchor")
        try:
            if pem.detect(data):
                anchors += [asn1_x509.Certificate.load(der) for kind, _, der in pem.unarmor(data, multiple=True)
                            if kind == "CERTIFICATE"]
            else:
                certificate = asn1_x509.Certificate.load(data)
                certificate.native  # noqa: B018  (parses it all: a broken file fails here, not later)
                anchors.append(certificate)
        except (ValueError, TypeError) as exc:
            if not path.is_dir():
                raise DraftingInputError("not a certificate (PEM or DER)", source=str(file)) from exc
    if not anchors:
        raise DraftingInputError("no certificate found to trust", source=str(path))
    return anchors


def _context(trust: list[asn1_x509.Certificate] | None) -> object:
    from pyhanko_certvalidator import ValidationContext

    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    # No fetching: everything is checked offline; without anchors, no trust is claimed.
    return ValidationContext(trust_roots=list(trust or []), allow_fetching=False)


def sign_detached(data: bytes, signer: SimpleSigner) -> bytes:
    """A detached CAdES-BES signature (CMS, DER; the signing certificate bound by a signed attribute) of `data`
    by `signer`."""
    import asyncio

    content = asyncio.run(signer.async_sign_general_data(data, "sha256", detached=True, use_cades=True))
    return bytes(content.dump())


def check_detached(data: bytes, signature: bytes,
                   trust: list[asn1_x509.Certificate] | None = None) -> SignatureCheck:
    """A detached CMS signature of `data`: intact, by whom, trusted (when anchors are given)."""
    import asyncio

    from asn1crypto import cms
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.generic_cms import async_validate_detached_cms

    try:
        info = cms.ContentInfo.load(signature)
        signed_data = info["content"]
        signed_data.native  # noqa: B018  (parse it all now)
    except (ValueError, TypeError, KeyError) as exc:
        raise DraftingInputError(f"the manifest's signature is not a CMS signature ({exc})") from exc
    try:
        status = asyncio.run(async_validate_detached_cms(
            data, signed_data, signer_validation_context=_context(trust)))  # type: ignore[arg-type]
    except (SignatureValidationError, ValueError, KeyError, TypeError) as exc:
        return SignatureCheck(False, False, f"(invalid: {exc})", "manifest")
    certificate = status.signing_cert
    return SignatureCheck(bool(status.intact and status.valid), True, str(certificate.subject.human_friendly),
                          "manifest", fingerprint(certificate), bool(status.trusted) if trust else None)


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


def check_signature(pdf: bytes, trust: list[asn1_x509.Certificate] | None = None) -> SignatureCheck | None:
    """The first signature of `pdf` checked for integrity and coverage (and trust, when anchors are given);
    None when unsigned."""
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
    # path-building complaints out of the user's terminal. Without anchors, explicitly no trust roots and no
    # fetching: pyHanko no longer falls back (deprecated) on the operating system's trust list.
    context = _context(trust)
    assert isinstance(context, ValidationContext)
    try:
        status = validate_pdf_signature(embedded, context)
    except (SignatureValidationError, ValueError) as exc:
        return SignatureCheck(False, False, f"(invalid: {exc})", embedded.field_name)
    coverage = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    certificate = status.signing_cert
    return SignatureCheck(bool(status.intact and status.valid), coverage, str(certificate.subject.human_friendly),
                          embedded.field_name, fingerprint(certificate), bool(status.trusted) if trust else None)


_ACTIONS = frozenset({"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE", "/Rendition",
                      "/RichMediaExecute", "/Movie", "/Sound", "/Hide", "/SetOCGState", "/Trans"})
"""Actions that run, fetch, send or change something (a link to a page or a web address is neither)."""
_ACTIVE_ANNOTATIONS = frozenset({"/RichMedia", "/Screen", "/Movie", "/Sound", "/FileAttachment", "/3D"})


def unsigned_pdf_problem(pdf: bytes) -> str | None:
    """What an unsigned final's `pdf` should not hold: a revision appended after LibreOffice's (an incremental
    update, bytes after its end); read from its objects (compressed object streams included), a signature (a
    signed final's PDF under a manifest whose signature was removed), or something that acts when it is opened
    or clicked — an action that runs or
    fetches something (in the catalog's opening action, its additional actions, a page's or an annotation's),
    document-level scripts or embedded files, a media or attachment annotation; None when there is nothing of
    the kind (LibreOffice's PDF/A: an opening page and links)."""
    import re

    from pyhanko.pdf_utils.generic import ArrayObject, DictionaryObject, IndirectObject
    from pyhanko.pdf_utils.reader import PdfFileReader


    def value(obj: object) -> object:
        return obj.get_object() if isinstance(obj, IndirectObject) else obj  # type: ignore[no-untyped-call]

    def entry(dictionary: DictionaryObject, key: str) -> object:
        return value(dictionary.raw_get(key)) if key in dictionary else None

    def acting(action: object, depth: int = 0) -> str | None:
        action = value(action)
        if depth > 32:
            return "actions chained too deep"
        if isinstance(action, ArrayObject):  # (a destination, or a list of next actions)
            return next((found for item in action if (found := acting(item, depth + 1))), None)
        if not isinstance(action, DictionaryObject) or entry(action, "/Type") == "/Page":
            return None
        kind = str(entry(action, "/S") or "")
        if kind in _ACTIONS:
            return f"a {kind[1:]} action"
        return acting(entry(action, "/Next"), depth + 1)

    if not pdf.rstrip(b"\r\n\t\f \0").endswith(b"%%EOF"):
        return "bytes after the end of the PDF"
    appended = len(re.findall(rb"(?m)^startxref\s", pdf)) != 1 or len(re.findall(rb"(?m)^%%EOF", pdf)) != 1
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        if reader.embedded_signatures:  # (before the revision: a signature is itself one appended)
            return "carries a signature, but the manifest is not signed (its signature removed?)"
    except Exception as exc:  # pyHanko raises many kinds on a damaged file
        if not appended:
            raise DraftingInputError(f"its objects cannot be read (damaged?): {str(exc)[:200]}") from exc
    if appended:
        return "a revision was appended after the PDF was made (an incremental update)"
    try:
        root = reader.root
        found = acting(entry(root, "/OpenAction"))
        if found is None and "/AA" in root:
            found = "actions on the document's events (/AA)"
        names = entry(root, "/Names")
        if found is None and isinstance(names, DictionaryObject):
            found = next((f"document-level {key[1:]}" for key in ("/JavaScript", "/EmbeddedFiles") if key in names),
                         None)
        pending, seen = [entry(root, "/Pages")], 0
        while found is None and pending and seen < 100_000:
            node = value(pending.pop())
            seen += 1
            if not isinstance(node, DictionaryObject):
                continue
            kids = entry(node, "/Kids")
            if isinstance(kids, ArrayObject):
                pending.extend(kids)
                continue
            if "/AA" in node:
                found = "actions on a page's events (/AA)"
            annotations = entry(node, "/Annots")
            for annotation in annotations if isinstance(annotations, ArrayObject) and found is None else ():
                annotation = value(annotation)
                if not isinstance(annotation, DictionaryObject):
                    continue
                subtype = str(entry(annotation, "/Subtype") or "")
                if subtype in _ACTIVE_ANNOTATIONS:
                    found = f"a {subtype[1:]} annotation"
                else:
                    found = acting(entry(annotation, "/A")) or ("an annotation's actions (/AA)" if "/AA" in annotation
                                                                 else None)
                if found is not None:
                    break
    except Exception as exc:  # pyHanko raises many kinds on a damaged file; all mean "its objects cannot be read"
        raise DraftingInputError(f"its objects cannot be read (damaged?): {str(exc)[:200]}") from exc
    return None if found is None else f"holds {found}, which acts when it is opened or clicked"
