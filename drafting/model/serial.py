"""JSON form of the model, for the negotiation record (a revision's text is stored with its identity).

Plain dicts of strings, numbers and lists; `document_from_dict(document_to_dict(d)) == d`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from drafting.errors import DraftingInputError, control_in
from drafting.model.document import Amendment, AmendmentKind, Document, Meta, Paragraph, Role, Span, frozen_map


def meta_to_dict(meta: Meta) -> dict[str, Any]:
    data = {f.name: getattr(meta, f.name) for f in dataclasses.fields(meta)}
    data["date"] = meta.date.isoformat()
    data["localized"] = {lang: dict(values) for lang, values in meta.localized.items()}
    for key, value in data.items():
        if isinstance(value, tuple):
            data[key] = list(value)
    return data


def meta_from_dict(data: dict[str, Any]) -> Meta:
    meta_raw = dict(data)
    meta_raw["date"] = dt.date.fromisoformat(meta_raw["date"])
    for key in ("participants", "observers", "languages", "keywords", "signatories"):
        meta_raw[key] = tuple(meta_raw.get(key, ()))
    meta_raw["localized"] = frozen_map({lang: frozen_map(values)
                                        for lang, values in (meta_raw.get("localized") or {}).items()})
    return Meta(**meta_raw)


def meta_json(meta: Meta) -> str:
    return json.dumps(meta_to_dict(meta), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def document_to_dict(document: Document) -> dict[str, Any]:
    return {
        "meta": meta_to_dict(document.meta),
        "language": document.language,
        "attributes": dict(document.attributes),
        "paragraphs": [_paragraph_to_dict(p) for p in document.paragraphs],
    }


def _paragraph_to_dict(p: Paragraph) -> dict[str, Any]:
    """A paragraph as stored; a note reference and a table cell add keys only where present, so the texts
    recorded before notes and tables existed keep their bytes."""
    out: dict[str, Any] = {
        "id": p.id, "role": p.role.value, "label": p.label, "level": p.level, "clause": p.clause,
        "proposed": int(p.proposed),
        "spans": [[s.text, int(s.italic), int(s.bold), int(s.opening), *([s.note] if s.note else [])]
                  for s in p.spans]}
    if p.cell is not None:
        out["cell"] = list(p.cell)
    return out


def _span_from_list(values: list[Any]) -> Span:
    text, italic, bold, opening, *note = values
    return Span(text, bool(italic), bool(bold), bool(opening), str(note[0]) if note else "")


def _cell_from(value: Any) -> tuple[int, int, int] | None:
    if value is None:
        return None
    table, row, column = (int(v) for v in value)
    return table, row, column


def document_from_dict(data: dict[str, Any]) -> Document:
    try:
        meta = meta_from_dict(data["meta"])
        paragraphs = tuple(
            Paragraph(
                id=p["id"], role=Role(p["role"]), label=p["label"], level=int(p["level"]), clause=p["clause"],
                proposed=bool(p.get("proposed", 0)),
                spans=tuple(_span_from_list(values) for values in p["spans"]), cell=_cell_from(p.get("cell")),
            )
            for p in data["paragraphs"]
        )
        return Document(meta=meta, paragraphs=paragraphs, language=data["language"],
                        attributes=frozen_map(data.get("attributes") or {}))
    except (KeyError, TypeError, ValueError) as exc:
        raise DraftingInputError(f"stored document is damaged: {exc}") from exc


def document_type_problem(document: Document) -> str | None:
    """Where a document read from JSON that came from outside (a final manifest) holds a value of another type
    than the model's, or None: the model's dataclasses take what they are given, and a renderer given a number
    for a text fails as a bug would."""
    for item in dataclasses.fields(Meta):
        check = _META_TYPES[str(item.type)]
        if not check(getattr(document.meta, item.name)):
            return f"meta.{item.name} is not {str(item.type).replace('_dt.', '')}"
    if not isinstance(document.language, str):
        return "language is not a string"
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in document.attributes.items()):
        return "attributes are not strings"
    for p in document.paragraphs:
        if not (isinstance(p.id, str) and isinstance(p.label, str) and _is_optional_str(p.clause)
                and all(isinstance(s.text, str) for s in p.spans)):
            return f"paragraph {p.id!r}: an id, label, clause or text is not a string"
    for text in _strings(document_to_dict(document)):
        bad = control_in(text) if not any(0xD800 <= ord(c) <= 0xDFFF for c in text) else 0xD800
        if bad is not None:
            return f"a text holds U+{bad:04X}, which no document keeps"
    return None


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _is_str_tuple(value: object) -> bool:
    return isinstance(value, tuple) and all(isinstance(item, str) for item in value)


def _is_optional_str(value: object) -> bool:
    return value is None or isinstance(value, str)


_META_TYPES: dict[str, Any] = {
    "str": lambda value: isinstance(value, str),
    "int": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "bool": lambda value: isinstance(value, bool),
    "_dt.date": lambda value: isinstance(value, dt.date),
    "tuple[str, ...]": _is_str_tuple,
    "Mapping[str, Mapping[str, str]]": lambda value: all(
        isinstance(lang, str) and all(isinstance(k, str) and isinstance(v, str) for k, v in values.items())
        for lang, values in value.items()),
}
"""A check for each type a `Meta` field is annotated with (tests/model keeps it complete)."""


def document_json(document: Document) -> str:
    return json.dumps(document_to_dict(document), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def document_from_json(text: str) -> Document:
    try:
        return document_from_dict(json.loads(text))
    except json.JSONDecodeError as exc:
        raise DraftingInputError(f"stored document is damaged: {exc}") from exc


def amendment_to_dict(amendment: Amendment) -> dict[str, Any]:
    data = dataclasses.asdict(amendment)
    data["kind"] = amendment.kind.value
    return data


def amendment_from_dict(data: dict[str, Any]) -> Amendment:
    values = dict(data)
    values["kind"] = AmendmentKind(values["kind"])
    return Amendment(**values)
