"""Final versions: the authentic text of a workspace (or of a spec never negotiated), and its verification."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from drafting.app.documents import default_registry, load_document
from drafting.app.negotiation import default_actor, open_workspace

if TYPE_CHECKING:
    from drafting.final.finalize import FinalResult
    from drafting.final.manifest import Report
    from drafting.model.document import Document


def finalize(source: Path, outdir: Path, *, force: bool = False, cert: Path | None = None,
             password_file: Path | None = None, actor: str | None = None, clauses: Path | None = None,
             pdf: bool = True, symbol: str | None = None) -> FinalResult:
    """Finalize the workspace (or spec) at `source` into `outdir`; the final text carries `symbol`, else the
    spec's `final_symbol`, else the draft's symbol."""
    from drafting.conventions.identity import content_hash
    from drafting.final.finalize import AgreedText
    from drafting.final.finalize import finalize as make_final
    from drafting.final.record import accepted_amendments
    from drafting.final.sign import load_signer

    signer = load_signer(cert, password_file) if cert is not None else None
    registry = default_registry(clauses)
    who = actor or default_actor()
    if source.is_dir():
        with open_workspace(source, clauses=clauses, full_check=True) as workspace:
            number, document = workspace.document()
            document = _final_symbol(document, symbol)
            translations = workspace.translations(number)
            # The record state the text comes from: its last event but finalizations (so finalizing again
            # gives the same bytes).
            head = next(({"seq": e.seq, "hash": e.hash} for e in reversed(workspace.events())
                         if e.kind not in ("finalized", "finalize-forced")), None)
            agreed = AgreedText(document, workspace.statuses(number), workspace.chain(),
                                {lang: _final_symbol(version, symbol) for lang, (version, _) in translations.items()},
                                {lang: stale for lang, (_, stale) in translations.items()},
                                accepted_amendments(workspace), head)
            return make_final(agreed, outdir, registry=registry, force=force, signer=signer, actor=who, pdf=pdf,
                              workspace=workspace)
    document = _final_symbol(load_document(source, clauses=clauses), symbol)
    chain = [{"revision": 0, "label": "original (not negotiated)", "content_hash": content_hash(document),
              "decisions": []}]
    others = {lang: _final_symbol(load_document(source, clauses=clauses, language=lang), symbol)
              for lang in document.meta.languages if lang != document.language}
    agreed = AgreedText(document, None, chain, others)
    return make_final(agreed, outdir, registry=registry, force=force, signer=signer, actor=who, pdf=pdf)


def _final_symbol(document: Document, symbol: str | None) -> Document:
    """`document` carrying its final symbol (the L. draft's symbol becomes the final one, D4–D8)."""
    from dataclasses import replace

    final = (symbol or "").strip() or document.meta.final_symbol
    if not final:
        return document
    bad = next((ch for ch in final if ord(ch) < 0x20 or ch in "\x7f\ufffe\uffff" or 0xD800 <= ord(ch) <= 0xDFFF),
               None)
    if bad is not None:
        from drafting.errors import DraftingInputError

        raise DraftingInputError(f"character U+{ord(bad):04X} is not allowed in a symbol (no document can hold it)",
                                 source="--symbol")
    return replace(document, meta=replace(document.meta, symbol=final, final_symbol=final))


def verify(outdir: Path, *, workspace: Path | None = None, trust: Path | None = None) -> Report:
    """Check a final version: every hash, every text, the manifest's seal and signature, that OUTDIR holds
    nothing else; with `workspace`, that it derives from the agreed revision of that record; with `trust` (a
    certificate or a directory of them), that its signer chains to one of them."""
    from drafting.final.manifest import verify as check

    anchors = None
    if trust is not None:
        from drafting.final.sign import load_trust

        anchors = load_trust(trust)
    if not outdir.is_dir():
        from drafting.errors import DraftingInputError

        raise DraftingInputError("not a directory holding a final version", source=str(outdir))
    report = check(outdir, trust=anchors)
    if workspace is not None and report.readable:
        from drafting.final.record import verify_against_record

        with open_workspace(workspace, full_check=True) as opened:
            verify_against_record(outdir, opened, report)
    elif not report.signed and report.ok:
        report.notes.append("this final version is not signed: its files agree with each other and with their "
                            "manifest, which anyone able to rewrite them all could have made so; check it against "
                            "its record (--workspace WS), or sign finals")
    return report
