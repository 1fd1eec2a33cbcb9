"""The clean final text: what remains of a negotiated revision once everything is agreed.

Proposed paragraphs are adopted and bis/ter numbers resolved into consecutive numbering, with references
("paragraph 4 bis") updated; single bracket pairs are lifted; the end punctuation of the style profile is
applied; the place/date line becomes the closing formula (F2), naming the authentic languages when there
are several; signature blocks ("For the Government of the Republic of Kazakhstan:", F6) or the list of
participants follow, as the spec asks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from drafting.conventions.inline import normalise_spans
from drafting.conventions.numbering import relabel, renumber_references
from drafting.conventions.profiles import get_profile
from drafting.library.i18n import format_date, russian_genitive
from drafting.library.registry import Registry
from drafting.model.document import Document, Paragraph, Party, Role, Span

LANGUAGE_NAMES = {
    "en": {"en": "English", "ru": "Russian", "fr": "French", "es": "Spanish", "ar": "Arabic", "zh": "Chinese"},
    "ru": {"en": "английском", "ru": "русском", "fr": "французском", "es": "испанском", "ar": "арабском",
           "zh": "китайском"},
}
_SINGLE_BRACKETS = re.compile(r"\[([^\[\]]*)\](?!\[)")


@dataclass(frozen=True, slots=True)
class OpenItem:
    """Why a paragraph stops finalization: not agreed, brackets left, or a proposal still pending."""

    paragraph: str
    label: str
    reason: str

    def __str__(self) -> str:
        return f"{self.label + ' ' if self.label else ''}({self.paragraph}): {self.reason}"


def open_items(document: Document, statuses: Mapping[str, str] | None) -> list[OpenItem]:
    """Everything that is not yet agreed; empty means the text may be finalized."""
    items = []
    for p in document.paragraphs:
        if "[" in p.text or "]" in p.text:
            items.append(OpenItem(p.id, p.label, "square brackets remain"))
        elif p.proposed and (statuses is None or statuses.get(p.id) != "agreed"):
            # In a workspace a proposed paragraph marked agreed is adopted (as `revise` treats it).
            items.append(OpenItem(p.id, p.label, "proposed paragraph not yet adopted"))
        elif statuses is not None and p.role not in (Role.TITLE, Role.ISSUING, Role.HEADING, Role.PLACE_DATE):
            status = statuses.get(p.id, "pending")
            if status != "agreed":
                items.append(OpenItem(p.id, p.label, f"status is {status}"))
    return items


def closing_formula(document: Document, languages: Sequence[str], place: str | None = None) -> str:
    """F2: "Done at Almaty on 7 September 2012, in the English and Russian languages, both texts being
    equally authentic." (Russian: "Совершено в … на английском и русском языках, …")."""
    meta = document.meta
    lang = document.language
    where = place or meta.place or _place_from_line(document)
    when = format_date(meta.date, lang, "dmy")
    others = [LANGUAGE_NAMES.get(lang, LANGUAGE_NAMES["en"]).get(code, code) for code in languages]
    if lang == "ru":
        text = f"Совершено в {where} {when}" if where else f"Совершено {when}"
        if len(others) > 1:
            joined = ", ".join(others[:-1]) + f" и {others[-1]}"
            text += f" на {joined} языках, причем все тексты являются равно аутентичными" if len(others) > 2 \
                else f" на {joined} языках, причем оба текста являются равно аутентичными"
        return text + "."
    text = f"Done at {where} on {when}" if where else f"Done on {when}"
    if len(others) > 1:
        joined = ", ".join(others[:-1]) + f" and {others[-1]}"
        both = "both texts" if len(others) == 2 else "all texts"
        text += f", in the {joined} languages, {both} being equally authentic"
    return text + "."


def _place_from_line(document: Document) -> str:
    """The place of the "Almaty, 7 September 2012" line, for a text whose metadata lost it (a workspace
    initialised from a .docx); dates are written without commas, so the place is what precedes the last."""
    line = next((p.text for p in document.paragraphs if p.role is Role.PLACE_DATE), "")
    return line.rsplit(",", 1)[0].strip() if "," in line else ""


def lift_brackets(spans: tuple[Span, ...]) -> tuple[Span, ...]:
    """"[text]" → "text" where a bracket pair holds the only option (forced finalization keeps the rest)."""
    text = "".join(s.text for s in spans)
    if "[" not in text:
        return spans
    keep = [True] * len(text)
    for match in _SINGLE_BRACKETS.finditer(text):
        start, end = match.span()
        if start > 0 and text[start - 1] == "]":
            continue
        keep[start] = keep[end - 1] = False
    out, index = [], 0
    for span in spans:
        kept = "".join(ch for i, ch in enumerate(span.text, start=index) if keep[i])
        index += len(span.text)
        out.append(Span(kept, span.italic, span.bold, span.opening))
    return normalise_spans(out)


def _signatures(document: Document, registry: Registry | None) -> list[Paragraph]:
    meta = document.meta
    lang = document.language
    if meta.signature_form == "none" or registry is None:
        return []
    codes = meta.signatories or meta.participants
    out = []
    if meta.signature_form == "participants":
        heading = "Список участников" if lang == "ru" else "List of participants"
        out.append(Paragraph("participants", Role.HEADING, (Span(heading),)))
        for code in codes:
            formal = registry.names_in(code, lang).formal
            out.append(Paragraph(f"participant_{code.lower()}", Role.SIGNATURE, (Span(formal),)))
        return out
    for code in codes:
        party = registry.require(code)
        name = registry.names_in(code, lang).formal
        if party.kind == "state":
            text = (f"За Правительство {russian_genitive(name)}:" if lang == "ru"
                    else f"For the Government of {_article(party, name)}:")
        else:
            text = f"За {name}:" if lang == "ru" else f"For {_article(party, name)}:"
        out.append(Paragraph(f"sig_{code.lower()}", Role.SIGNATURE, (Span(text),)))
    return out


def _article(party: Party, name: str) -> str:
    return f"the {name}" if party.name("en").article else name


def final_document(document: Document, *, languages: Sequence[str], registry: Registry | None,
                   place: str | None = None) -> Document:
    """The clean final text of `document` (see the module docstring)."""
    profile = get_profile(document.meta.profile, document.language)
    paragraphs = tuple(replace(p, proposed=False, spans=lift_brackets(p.spans)) for p in document.paragraphs)
    paragraphs = renumber_references(document.paragraphs, relabel(paragraphs, profile))
    if profile.punctuate:
        paragraphs = _repunctuate(document.paragraphs, paragraphs)
    formula = closing_formula(document, languages, place)
    out = [p for p in paragraphs if p.role is not Role.PLACE_DATE]
    out.append(Paragraph("closing_formula", Role.PLACE_DATE, (Span(formula),)))
    out.extend(_signatures(document, registry))
    return replace(document, paragraphs=tuple(out))


def _repunctuate(agreed: tuple[Paragraph, ...], paragraphs: tuple[Paragraph, ...]) -> tuple[Paragraph, ...]:
    """FT4 of `derive.py`: the end marks an adoption calls for (S10, S12), and no others.

    The agreed revision carries the profile's marks already. An adopted paragraph takes its own (";", or "."
    when it ends the operative part; "," in the preamble), and an operative paragraph or sub-item that ends
    with "." although another operative one follows (the old end of the text, left behind by an adoption)
    takes ";". Everything else keeps the mark it was agreed with: a membership paragraph after the operative
    part, say, and the last sub-item before it."""
    from drafting.conventions.assemble import with_end_mark

    adopted = {p.id for p in agreed if p.proposed}
    numbered = (Role.OPERATIVE, Role.SUBITEM)
    ends = [i for i, p in enumerate(agreed) if p.role in numbered and not p.text.rstrip().endswith(":")
            and (p.id in adopted or p.text.rstrip().endswith("."))]
    new_end = ends[-1] if ends else -1
    out = list(paragraphs)
    for i, p in enumerate(out):
        if p.text.rstrip().endswith(":"):
            continue  # a lead-in to its sub-items
        if p.id in adopted and p.role in (Role.OPERATIVE, Role.SUBITEM, Role.CONTINUATION):
            out[i] = replace(p, spans=with_end_mark(p.spans, "." if i == new_end else ";"))
        elif p.id in adopted and p.role in (Role.PREAMBULAR, Role.SUBJECT):
            out[i] = replace(p, spans=with_end_mark(p.spans, ","))
        elif i in ends and i != new_end:
            out[i] = replace(p, spans=with_end_mark(p.spans, ";"))
    return tuple(out)
