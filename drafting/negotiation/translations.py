"""Language versions through a negotiation: carried from revision to revision, flagged when stale.

When a revision changes a paragraph in the negotiating language, its other language versions keep their
old wording but are marked "translation pending" (a new paragraph stands in the negotiating language until
translated); importing a translated file clears the flag for each paragraph it supplies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from drafting.conventions.identity import normalise_text
from drafting.conventions.numbering import relabel, renumber_references
from drafting.conventions.profiles import get_profile
from drafting.model.document import Document, Span


def carry_forward(old_primary: Document, new_primary: Document, translation: Document,
                  pending: Iterable[str]) -> tuple[Document, list[str]]:
    """`translation` restructured like `new_primary`; paragraphs changed since `old_primary` become pending."""
    old_text = {p.id: p.text for p in old_primary.paragraphs}
    theirs = {p.id: p for p in translation.paragraphs}
    still = set(pending)
    out = []
    stale: list[str] = []
    for p in new_primary.paragraphs:
        q = theirs.get(p.id)
        if q is None:
            out.append(p)  # not yet translated: the negotiating language stands in
            stale.append(p.id)
            continue
        out.append(replace(q, role=p.role, level=p.level, proposed=p.proposed))
        if old_text.get(p.id) != p.text or p.id in still:
            stale.append(p.id)
    profile = get_profile(new_primary.meta.profile, translation.language)
    meta = replace(translation.meta, revision=new_primary.meta.revision)
    labelled = renumber_references(translation.paragraphs, relabel(out, profile))
    return replace(translation, meta=meta, paragraphs=labelled), stale


def import_translation(translation: Document, supplied: dict[str, str], pending: Iterable[str],
                       primary: Document | None = None) -> tuple[Document, list[str], list[str]]:
    """`translation` with the paragraphs in `supplied` (id → text) replaced; returns the document, the
    paragraphs still pending and the ids in `supplied` that the document does not have. A paragraph the
    file still gives in the negotiating language (`primary`'s text) stays pending."""
    untranslated = {p.id: normalise_text(p.text) for p in primary.paragraphs} if primary is not None else {}
    ids = set(translation.ids)
    unknown = sorted(set(supplied) - ids)
    out = []
    for p in translation.paragraphs:
        text = supplied.get(p.id)
        if text is None or normalise_text(text) == normalise_text(p.text):
            out.append(p)
        else:
            out.append(replace(p, spans=(Span(normalise_text(text)),)))
    still = [pid for pid in pending
             if pid not in supplied or normalise_text(supplied[pid]) == untranslated.get(pid)]
    return replace(translation, paragraphs=tuple(out)), still, unknown
