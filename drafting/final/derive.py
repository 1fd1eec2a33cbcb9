"""Final = agreed: the final text may differ from the agreed revision only by the final transformations.

The closed list (docs/authentic-text.md), paragraph by paragraph, matched by id:

FT1 a proposed paragraph is adopted (its "proposed" flag goes);
FT2 labels are renumbered (bis/ter resolved into consecutive numbers) and references to renumbered
    operative paragraphs ("paragraph 2 bis") follow;
FT3 a bracket pair holding the only option is lifted ("[text]" -> "text");
FT4 end marks change only where an adoption calls for it: an adopted paragraph takes its mark (";", "."
    when it ends the operative part, "," in the preamble), and an operative paragraph or sub-item ending with
    "." although another operative one follows it (the old end of the text) takes ";"; nothing else is
    re-punctuated (the revision already fixed every other mark);
FT5 the place/date line becomes the closing formula;
FT6 signature blocks or the list of participants follow the closing formula.

`derivation_problems` lists everything else, first one first; `finalize` refuses when it is not empty.
"""

from __future__ import annotations

from drafting.conventions.identity import normalise_text
from drafting.model.document import Document, Paragraph, Role

END_MARKS = ".;,:"
CLOSING_ID = "closing_formula"


def _body(text: str) -> tuple[str, str]:
    """(text without its end mark, the end mark) of a normalised paragraph text."""
    text = normalise_text(text)
    stripped = text.rstrip(" " + END_MARKS)
    return stripped, text[len(stripped):].strip()


def _stray_stops(paragraphs: list[Paragraph], adopted: set[str]) -> set[str]:
    """Operative paragraphs and sub-items ending with "." although an operative one ending the text follows."""
    numbered = (Role.OPERATIVE, Role.SUBITEM)
    ends = [p.id for p in paragraphs if p.role in numbered and _body(p.text)[1] != ":"
            and (p.id in adopted or _body(p.text)[1] == ".")]
    return {pid for pid in ends[:-1] if pid not in adopted}


def derivation_problems(agreed: Document, final: Document) -> list[str]:
    """Every difference between `agreed` and `final` outside the final transformations (empty: final = agreed)."""
    from drafting.conventions.numbering import renumber_references
    from drafting.final.text import lift_brackets

    problems: list[str] = []
    body = [p for p in agreed.paragraphs if p.role is not Role.PLACE_DATE]
    closing = next((i for i, p in enumerate(final.paragraphs) if p.id == CLOSING_ID), len(final.paragraphs))
    kept = list(final.paragraphs[:closing])
    for extra in final.paragraphs[closing + 1:]:
        if extra.role not in (Role.SIGNATURE, Role.HEADING):
            problems.append(f"paragraph {extra.id} follows the closing formula but is not a signature block")
    if [p.id for p in kept] != [p.id for p in body]:
        agreed_ids, final_ids = [p.id for p in body], [p.id for p in kept]
        gone = [pid for pid in agreed_ids if pid not in final_ids]
        added = [pid for pid in final_ids if pid not in agreed_ids]
        if gone:
            problems.append(f"paragraph {gone[0]} of the agreed text is not in the final text")
        elif added:
            problems.append(f"paragraph {added[0]} of the final text is not in the agreed text")
        else:
            problems.append("the final text orders the agreed paragraphs differently")
        return problems
    adopted = {p.id for p in body if p.proposed}
    lifted = tuple(Paragraph(p.id, p.role, lift_brackets(p.spans), p.label, p.level, p.clause, p.proposed)
                   for p in body)
    expected = renumber_references(lifted, tuple(Paragraph(p.id, p.role, q.spans, p.label, p.level, p.clause)
                                                 for p, q in zip(kept, lifted, strict=True)))
    stray = _stray_stops(body, adopted)
    for want, got, was in zip(expected, kept, body, strict=True):
        if got.role is not was.role or got.level != was.level:
            problems.append(f"paragraph {got.id}: its role or level changed")
        want_text, want_mark = _body(want.text)
        got_text, got_mark = _body(got.text)
        if want_text != got_text:
            problems.append(f"paragraph {got.id}: its text differs from the agreed text "
                            f"({want_text[-60:]!r} agreed, {got_text[-60:]!r} final)")
        elif want_mark != got_mark and not (got.id in adopted or (got.id in stray and got_mark == ";")):
            problems.append(f"paragraph {got.id}: its end mark {want_mark or 'none'!s} became {got_mark or 'none'!s}, "
                            "which no final transformation does")
    return problems
