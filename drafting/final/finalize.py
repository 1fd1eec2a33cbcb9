"""`drafting finalize`: the authentic final version of a negotiated (or never negotiated) text.

Refuses while a paragraph is not agreed or a bracket remains, listing them; `--force` proceeds and records
the list (in the workspace log and the manifest). Writes `<name>.docx`, `<name>.pdf` (PDF/A-2b by
LibreOffice, optionally PAdES-signed), `<name>.md` and `manifest.json` (written last) to OUTDIR; refuses to
overwrite a different final text already there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from drafting.errors import DraftingInputError, DraftingStateError
from drafting.final.manifest import MANIFEST, SEAL_PROPERTY, build_manifest, dump, sha256
from drafting.final.text import OpenItem, final_document, open_items
from drafting.model import Document, frozen_map

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


def _chain_from_workspace(workspace) -> list[dict[str, Any]]:
    from drafting.negotiation.workspace import revision_label

    store = workspace.store
    chain = []
    for row in store.revisions():
        decisions = [{"amendment": amendment, "decision": decision, "note": note}
                     for amendment, (decision, note) in sorted(store.decisions(row.number).items())]
        chain.append({"revision": row.number, "label": revision_label(row.number), "content_hash": row.content_hash,
                      "issued_at": row.created_at, "issued_by": row.actor,
                      "submissions": len(store.submissions(row.number)), "decisions": decisions})
    return chain


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


def _final(document: Document, languages: list[str], registry, revision: int) -> Document:
    """One language's final text, marked as the final stage (plain symbol, no Rev.N)."""
    final = final_document(document, languages=languages, registry=registry)
    return replace(final, meta=replace(final.meta, revision=revision),
                   attributes=frozen_map({**final.attributes, "stage": "final"}))


def finalize(source: Path, outdir: Path, *, force: bool = False, cert: Path | None = None,
             password_file: Path | None = None, actor: str = "clerk", clauses: Path | None = None,
             pdf: bool = True) -> FinalResult:
    """Finalize the workspace (or spec) at `source` into `outdir`."""
    from drafting.api import default_registry, load_document, open_workspace
    from drafting.final.sign import load_signer, sign_pdf, signer_name
    from drafting.identity import canonical_text, content_hash
    from drafting.render.docx import render_docx
    from drafting.render.markdown import render_markdown

    signer = load_signer(cert, password_file) if cert is not None else None
    registry = default_registry(clauses)
    workspace = None
    translations: dict[str, Document] = {}
    pending: dict[str, list[str]] = {}
    if source.is_dir():
        workspace = open_workspace(source, clauses=clauses)
        number, document = workspace.document()
        statuses: dict[str, str] | None = workspace.store.statuses(number)
        chain = _chain_from_workspace(workspace)
        for lang, (version, stale) in workspace.translations(number).items():
            translations[lang], pending[lang] = version, stale
    else:
        document = load_document(source, clauses=clauses)
        statuses = None
        chain = [{"revision": 0, "label": "original (not negotiated)", "content_hash": content_hash(document),
                  "decisions": []}]
        for lang in document.meta.languages:
            if lang != document.language:
                translations[lang] = load_document(source, clauses=clauses, language=lang)
    try:
        items = open_items(document, statuses)
        labels = {p.id: p.label for p in document.paragraphs}
        items += [OpenItem(pid, labels.get(pid, ""), f"{lang} translation pending")
                  for lang, stale in sorted(pending.items()) for pid in stale]
        if items and not force:
            raise _refusal(items)
        languages = [document.language, *(lang for lang in document.meta.languages if lang != document.language)]
        finals = {lang: _final(version, languages, registry, document.meta.revision)
                  for lang, version in [(document.language, document), *translations.items()]}
        final = finals[document.language]
        canonical_sha = sha256(canonical_text(final).encode("utf-8"))
        _guard_outdir(outdir, canonical_sha)
        signature = {"signer": signer_name(signer), "standard": "PAdES baseline (B-B)"} if signer else None
        manifest = build_manifest(final, chain=chain, forced=[str(i) for i in items], languages=languages,
                                  signature=signature,
                                  translations={k: v for k, v in finals.items() if k != document.language})
        seal = {SEAL_PROPERTY: manifest["seal"]}
        name = final.meta.name
        files: dict[str, bytes] = {}
        kinds: dict[str, dict[str, str]] = {}
        to_pdf: dict[str, bytes] = {}
        for lang, version in finals.items():
            stem = name if lang == document.language else f"{name}.{lang}"
            files[f"{stem}.md"] = render_markdown(version)
            files[f"{stem}.docx"] = render_docx(version, extra_properties=seal)
            to_pdf[f"{stem}.pdf"] = render_docx(version)
            kinds.update({f"{stem}.{ext}": {"language": lang, "kind": "text"} for ext in ("md", "docx", "pdf")})
        if len(finals) > 1:
            from drafting.render.docx import render_side_by_side

            stem = f"{name}.{'-'.join(finals)}"
            ordered = [finals[lang] for lang in languages if lang in finals]
            files[f"{stem}.docx"] = render_side_by_side(ordered, extra_properties=seal)
            to_pdf[f"{stem}.pdf"] = render_side_by_side(ordered)
            kinds.update({f"{stem}.{ext}": {"language": "-".join(finals), "kind": "side-by-side"}
                          for ext in ("docx", "pdf")})
        if pdf:
            from drafting.office import docx_to_pdf

            for pdf_name, source_docx in to_pdf.items():
                pdf_bytes = docx_to_pdf(source_docx, pdfa=True)
                if signer is not None:
                    pdf_bytes = sign_pdf(pdf_bytes, signer, reason=f"Authentic text of {final.meta.document_id}",
                                         location=final.meta.place)
                files[pdf_name] = pdf_bytes
        manifest["files"] = {n: {"sha256": sha256(data), "size": len(data), **kinds.get(n, {})}
                             for n, data in sorted(files.items())}
        if workspace is not None and items:
            with workspace.store.transaction():
                workspace.store.add_event(actor, "finalize-forced", final.meta.document_id,
                                          {"open_items": [str(i) for i in items], "outdir": str(outdir)})
        if workspace is not None:
            with workspace.store.transaction():
                workspace.store.add_event(actor, "finalized", final.meta.document_id, {
                    "canonical_sha256": canonical_sha, "seal": manifest["seal"], "outdir": str(outdir),
                    "files": manifest["files"]})
    finally:
        if workspace is not None:
            workspace.close()
    from drafting.atomic import write_atomic

    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, data in files.items():
        write_atomic(outdir / filename, data)
        written.append(outdir / filename)
    write_atomic(outdir / MANIFEST, dump(manifest))
    written.append(outdir / MANIFEST)
    return FinalResult(written, final, items, manifest)
