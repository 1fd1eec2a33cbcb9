"""`drafting finalize`: the authentic final version of a negotiated (or never negotiated) text.

Refuses while a paragraph is not agreed or a bracket remains, listing them; `--force` proceeds and records
the list (in the workspace log and the manifest). Writes `<name>.docx`, `<name>.pdf` (PDF/A-2b by
LibreOffice, optionally PAdES-signed), `<name>.md` and `manifest.json` (written last) to OUTDIR; refuses to
overwrite a different final text already there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drafting.errors import DraftingInputError, DraftingStateError
from drafting.final.manifest import (
    MANIFEST,
    MANIFEST_SIGNATURE,
    SEAL_PROPERTY,
    build_manifest,
    canonical_json,
    dump,
    media_type,
    sha256,
)
from drafting.final.text import OpenItem, final_document, open_items
from drafting.model.document import Document, frozen_map

if TYPE_CHECKING:
    from pyhanko.sign.signers import SimpleSigner

    from drafting.library.registry import Registry
    from drafting.negotiation.workspace import Workspace

MAX_LISTED = 12


@dataclass(frozen=True)
class FinalResult:
    files: list[Path]
    document: Document
    forced: list[OpenItem]
    manifest: dict[str, Any]


def _refusal(items: list[OpenItem]) -> DraftingStateError:
    shown = "; ".join(str(i) for i in items[:MAX_LISTED])
    more = f"; and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else ""
    return DraftingStateError(f"cannot finalize: {len(items)} paragraph(s) not agreed or bracketed: {shown}{more} "
                              "(mark them agreed, or use --force to record them and proceed)")


def _guard_outdir(outdir: Path, canonical_sha: str) -> None:
    existing = outdir / MANIFEST
    if not existing.exists():
        return
    try:
        previous = json.loads(existing.read_bytes())
        previous_sha = previous["canonical_text"]["sha256"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DraftingInputError("OUTDIR holds a manifest.json that is not a drafting final manifest; "
                                 "choose another directory", source=str(outdir)) from exc
    if previous_sha != canonical_sha:
        raise DraftingInputError("OUTDIR already holds a different final text; nothing was overwritten "
                                 "(choose another directory)", source=str(outdir))


def _guard_derivation(agreed: Document, final: Document, language: str) -> None:
    """Refuse a final text that differs from the agreed one beyond the final transformations (derive.py)."""
    from drafting.final.derive import derivation_problems

    problems = derivation_problems(agreed, final)
    if problems:
        raise DraftingStateError(f"cannot finalize: the {language} final text would differ from the agreed text "
                                 f"beyond the final transformations: {problems[0]}"
                                 + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))


def _final(document: Document, languages: list[str], registry: Registry, revision: int) -> Document:
    """One language's final text, marked as the final stage (plain symbol, no Rev.N)."""
    final = final_document(document, languages=languages, registry=registry)
    return replace(final, meta=replace(final.meta, revision=revision),
                   attributes=frozen_map({**final.attributes, "stage": "final"}))


@dataclass(frozen=True)
class AgreedText:
    """What a final text is made from: the agreed document, its paragraph statuses (None when it was never
    negotiated), the revision chain it descends from, and its other language versions with the paragraphs
    still pending translation."""

    document: Document
    statuses: dict[str, str] | None
    chain: list[dict[str, Any]]
    translations: dict[str, Document] = field(default_factory=dict)
    pending: dict[str, list[str]] = field(default_factory=dict)
    accepted: list[dict[str, Any]] = field(default_factory=list)
    """Every amendment accepted on the way (revision, id, delegation, paragraph), for the manifest."""
    record: dict[str, Any] | None = None
    """The record's chain head ({"seq", "hash"}) the final text is made from, when it comes from a workspace."""


def _agreed_summary(agreed: AgreedText) -> dict[str, Any]:
    """What `verify --workspace` checks against the record: the agreed revision, its hashes, what was accepted."""
    from drafting.conventions.identity import canonical_text, content_hash

    document = agreed.document
    return {"revision": document.meta.revision, "content_hash": content_hash(document),
            "canonical_sha256": sha256(canonical_text(document).encode("utf-8")), "accepted": agreed.accepted}


def _guard_outdir_contents(outdir: Path) -> None:
    """OUTDIR holds nothing but a final version (its files would be 'not listed' to `verify` otherwise)."""
    if not outdir.exists():
        return
    if not outdir.is_dir():
        raise DraftingInputError("OUTDIR is a file, not a directory", source=str(outdir))
    if (outdir / MANIFEST).exists():
        return  # the same final text again (checked by _guard_outdir): its own files are replaced
    others = sorted(p.name for p in outdir.iterdir())
    if others:
        raise DraftingInputError(f"OUTDIR already holds other files ({', '.join(others[:3])}); a final version "
                                 "goes into an empty directory", source=str(outdir))


def finalize(agreed: AgreedText, outdir: Path, *, registry: Registry, force: bool = False,
             signer: SimpleSigner | None = None, actor: str = "clerk", pdf: bool = True,
             workspace: Workspace | None = None) -> FinalResult:
    """Write the final version of `agreed` into `outdir`; the events go to `workspace`'s record when given."""
    from drafting.conventions.identity import canonical_text
    from drafting.final.sign import sign_detached, sign_pdf, signer_fingerprint, signer_name
    from drafting.render.docx import render_docx
    from drafting.render.markdown import render_markdown

    document, statuses, chain = agreed.document, agreed.statuses, agreed.chain
    translations, pending = agreed.translations, agreed.pending
    items = open_items(document, statuses)
    labels = {p.id: p.label for p in document.paragraphs}
    items += [OpenItem(pid, labels.get(pid, ""), f"{lang} translation pending")
              for lang, stale in sorted(pending.items()) for pid in stale]
    if items and not force:
        raise _refusal(items)
    languages = [document.language, *(lang for lang in document.meta.languages if lang != document.language)]
    finals = {lang: _final(version, languages, registry, document.meta.revision)
              for lang, version in [(document.language, document), *translations.items()]}
    sources = {document.language: document, **translations}
    for lang, version in finals.items():
        _guard_derivation(sources[lang], version, lang)
    final = finals[document.language]
    canonical_sha = sha256(canonical_text(final).encode("utf-8"))
    _guard_outdir(outdir, canonical_sha)
    _guard_outdir_contents(outdir)
    signature = None
    if signer is not None:
        signature = {"signer": signer_name(signer), "fingerprint": signer_fingerprint(signer),
                     "standard": "PAdES baseline (B-B)", "manifest": f"CMS detached signature ({MANIFEST_SIGNATURE})"}
    name = final.meta.name
    # What will be made, sealed in the manifest before it is (its hashes and sizes are added after).
    kinds: dict[str, dict[str, str]] = {}
    for lang in finals:
        stem = name if lang == document.language else f"{name}.{lang}"
        kinds.update({f"{stem}.{ext}": {"language": lang, "kind": "text"} for ext in ("md", "docx", "pdf")})
    if len(finals) > 1:
        kinds.update({f"{name}.{'-'.join(finals)}.{ext}": {"language": "-".join(finals), "kind": "side-by-side"}
                      for ext in ("docx", "pdf")})
    contents = {file: kind for file, kind in kinds.items() if pdf or not file.endswith(".pdf")}
    manifest = build_manifest(final, chain=chain, forced=[str(i) for i in items], languages=languages,
                              signature=signature,
                              translations={k: v for k, v in finals.items() if k != document.language},
                              agreed=_agreed_summary(agreed), record=agreed.record, documents=finals,
                              contents=contents)
    seal = {SEAL_PROPERTY: manifest["seal"]}
    files: dict[str, bytes] = {}
    to_pdf: dict[str, bytes] = {}
    for lang, version in finals.items():
        stem = name if lang == document.language else f"{name}.{lang}"
        files[f"{stem}.md"] = render_markdown(version)
        files[f"{stem}.docx"] = render_docx(version, extra_properties=seal)
        to_pdf[f"{stem}.pdf"] = render_docx(version)
    if len(finals) > 1:
        from drafting.render.docx import render_side_by_side

        stem = f"{name}.{'-'.join(finals)}"
        ordered = [finals[lang] for lang in languages if lang in finals]
        files[f"{stem}.docx"] = render_side_by_side(ordered, extra_properties=seal)
        to_pdf[f"{stem}.pdf"] = render_side_by_side(ordered)
    if pdf:
        from drafting.support.office import docx_to_pdfs

        made = docx_to_pdfs(list(to_pdf.values()), pdfa=True, names=list(to_pdf))  # one office for all
        for pdf_name, pdf_bytes in zip(to_pdf, made, strict=True):
            if signer is not None:
                pdf_bytes = sign_pdf(pdf_bytes, signer, reason=f"Authentic text of {final.meta.document_id}",
                                     location=final.meta.place)
            files[pdf_name] = pdf_bytes
    manifest["files"] = {n: {"sha256": sha256(data), "size": len(data), "media_type": media_type(n), **kinds[n]}
                         for n, data in sorted(files.items())}
    assert set(manifest["files"]) == set(contents), "the files made are those the manifest seals"
    outputs = {**files, MANIFEST: dump(manifest)}
    if signer is not None:  # the manifest signed as a whole: no hash, size or name can be rewritten unnoticed
        outputs[MANIFEST_SIGNATURE] = sign_detached(canonical_json(manifest), signer)
    from drafting.support.atomic import staged_outputs

    # Outputs first (beside OUTDIR), then the record, then the outputs into place: a failed write leaves no
    # event behind, a failed commit no outputs.
    with staged_outputs(outdir, outputs):
        if workspace is not None:
            events: list[tuple[str, str, dict[str, Any]]] = []
            if items:
                events.append(("finalize-forced", final.meta.document_id,
                               {"open_items": [str(i) for i in items], "outdir": str(outdir)}))
            events.append(("finalized", final.meta.document_id, {
                "canonical_sha256": canonical_sha, "seal": manifest["seal"], "outdir": str(outdir),
                "files": manifest["files"]}))
            workspace.record_events(actor, events)
    return FinalResult([outdir / name for name in outputs], final, items, manifest)
